"""The whole role matrix, over every command of the Typer app (issue 6).

``EXPECTED`` names, for every command path, the arguments to run it with and the permission it
needs (``None``: it acts for nobody, e.g. ``login`` or ``workflow diagram``). The command list is
derived from the app itself: a command added without an entry here FAILS
``test_every_command_has_an_entry``. Whether a role holds a permission comes from
``access.POLICY`` (the one place decisions are made); this test checks that every command really
asks for the permission in its entry, and that a refusal names the role and the permission.

A permission may be a tuple of alternatives (the command runs for a role holding any of them, and
a refusal names the first): ``("audit.read", "audit.read.own")`` for ``audit log``, which shows a
mediator their own events (``access.audit_scope``).

Adding a command: give it an entry with arguments that work on the world of
tests/access_world.py (case 1 in intake, assigned to liming; token 1 of the clerk; a retention
period). ``{case}``, ``{dir}`` (the test's folder: write ``--out`` files under it) and ``{user}``
are filled in. tests/property/test_no_leaks.py then also runs it for the clerk and the auditor
where they may, and checks its output and the files under ``{dir}`` for personal data.

The matrix runs twice (issue 11): on a ``--no-login`` committee (``MEDIATION_USER`` names the
actor) and on the same committee requiring sign-in, each role acting through its own session
file with ``MEDIATION_USER`` unset. There, every command that needs a permission is also run
with no session (only ``MEDIATION_USER`` naming the director), with the director's expired
session and with a revoked token: each is refused with exit 1 and writes nothing. Those refusals
share one copy of the database per state (cheap), which must stay unchanged row for row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import typer

from mediation.access import signin
from mediation.access.policy import POLICY
from mediation.core.i18n import name
from mediation.db.engines import database_url
from tests.access_world import NAMES, ROLES, USERS, build, case_record, copy_db, release


@dataclass(frozen=True)
class Cmd:
    permission: str | tuple[str, ...] | None
    args: tuple[str, ...]
    input: str | None = None
    # Files the command may write, relative to the test's folder (checked by the masking test).
    outputs: tuple[str, ...] = field(default=())


# {case}: the case's id; {dir}: the test's folder (for --out files and case.json).
EXPECTED: dict[str, Cmd] = {
    "init": Cmd(None, ("init", "--committee", "新调委会", "--prefix", "新", "--no-login")),
    "demo": Cmd(None, ("demo", "--quiet")),
    "login": Cmd(None, ("login", "{user}", "--password-stdin"), input="not-the-password\n"),
    "logout": Cmd(None, ("logout",)),
    "whoami": Cmd(None, ("whoami",)),
    "workflow diagram": Cmd(None, ("workflow", "diagram")),
    "workflow table": Cmd(None, ("workflow", "table")),
    "case new": Cmd("case.create", ("case", "new", "-f", "{dir}/case.json", "--force")),
    "case accept": Cmd("case.workflow", ("case", "accept", "{case}")),
    "case decline": Cmd("case.workflow", ("case", "decline", "{case}", "--reason",
                                          "party_refuses", "--advice", "去法院")),
    "case mediate": Cmd("case.workflow", ("case", "mediate", "{case}", "--mediator", "liming",
                                          "--rights-notified")),
    "case session": Cmd("case.workflow", ("case", "session", "{case}", "--minutes", "第一次")),
    "case extend": Cmd("case.workflow", ("case", "extend", "{case}", "--days", "10", "--reason",
                                         "需要时间", "--consent")),
    "case agree": Cmd("case.workflow", ("case", "agree", "{case}", "--terms", "赔偿500元")),
    "case terminate": Cmd("case.workflow", ("case", "terminate", "{case}", "--reason",
                                            "no_agreement", "--advice", "起诉")),
    "case confirm": Cmd("case.workflow", ("case", "confirm", "{case}")),
    "case judicial": Cmd("case.workflow", ("case", "judicial", "{case}", "--court", "岳麓区法院")),
    "case feedback": Cmd("case.workflow", ("case", "feedback", "{case}", "--to", "张三",
                                           "--channel", "phone")),
    "case close": Cmd("case.workflow", ("case", "close", "{case}")),
    "case remediate": Cmd("case.workflow", ("case", "remediate", "{case}", "--reason", "不公平",
                                            "--consent")),
    "case visit": Cmd("case.workflow", ("case", "visit", "{case}", "--visited", "张三",
                                        "--satisfaction", "satisfied")),
    "case urge": Cmd("case.workflow", ("case", "urge", "{case}", "--note", "督促付款")),
    "case recuse": Cmd("case.assign", ("case", "recuse", "{case}", "--party", "李四", "--reason",
                                       "系亲属", "--mediator", "zhaomin")),
    "case police": Cmd("case.workflow", ("case", "police", "{case}", "--to", "望月湖派出所")),
    "case schedule": Cmd("case.workflow", ("case", "schedule", "{case}", "--at",
                                           "2099-12-05T09:30")),
    "case prevent": Cmd("case.workflow", ("case", "prevent", "{case}", "--kind", "group_fight",
                                          "--persons", "2")),
    "case amend": Cmd("case.workflow", ("case", "amend", "{case}", "--risk", "high",
                                        "--reason", "风险等级登记有误")),
    "case withdraw": Cmd("case.workflow", ("case", "withdraw", "{case}", "--reason", "撤回")),
    "case assign": Cmd("case.assign", ("case", "assign", "{case}", "--mediator", "zhaomin")),
    "case show": Cmd("case.read", ("case", "show", "{case}")),
    "case list": Cmd("case.read", ("case", "list")),
    "case search": Cmd("case.read", ("case", "search", "张三")),
    "agenda": Cmd("case.read", ("agenda", "--committee")),
    "case history": Cmd("case.read", ("case", "history", "{case}")),
    # Printing: readers without case.print get the masked copy (tests/integration/
    # test_documents.py checks the pages); filing is a step of the case's workflow.
    "case print": Cmd("case.read", ("case", "print", "investigation", "{case}", "--out",
                                    "{dir}/doc.docx"), outputs=("doc.docx",)),
    "case file": Cmd("case.read", ("case", "file", "{case}", "--out", "{dir}/file", "--no-pdf"),
                     outputs=("file",)),
    "case archive": Cmd("case.workflow", ("case", "archive", "{case}", "--retention-days",
                                          "3650")),
    "templates list": Cmd(None, ("templates", "list")),
    "templates export": Cmd(None, ("templates", "export", "agreement", "--out", "{dir}/tpl")),
    "staff add": Cmd("staff.manage", ("staff", "add", "newbie", "--name", "新人", "--role",
                                      "mediator", "--no-password")),
    "staff list": Cmd("staff.read", ("staff", "list")),
    "calendar show": Cmd("case.read", ("calendar", "show")),
    "procedure show": Cmd("case.read", ("procedure", "show")),
    "sweep record": Cmd("sweep.record", ("sweep", "record", "--area", "桐梓坡小区", "--by",
                                         "李明", "--found", "0", "--date", "2026-11-02")),
    "sweep list": Cmd("sweep.read", ("sweep", "list")),
    "lead report": Cmd("lead.report", ("lead", "report", "--place", "桐梓坡路8栋", "--seen",
                                       "两户争吵", "--found", "2026-11-02 10:00")),
    "lead list": Cmd(("lead.read", "lead.read.own"), ("lead", "list", "--json")),
    "lead dismiss": Cmd("lead.decide", ("lead", "dismiss", "1", "--reason", "not_a_dispute")),
    "lead import": Cmd("lead.report", ("lead", "import", "{dir}/leads.csv")),
    "lead accept": Cmd("lead.decide", ("lead", "accept", "1", "-f", "{dir}/case.json",
                                       "--force")),
    "calendar set": Cmd("committee.settings", ("calendar", "set", "--holidays")),
    "procedure set": Cmd("committee.settings", ("procedure", "set", "--extension-days", "20")),
    "staff disable": Cmd("staff.manage", ("staff", "disable", "zhaomin")),
    "staff role": Cmd("staff.manage", ("staff", "role", "zhaomin", "auditor")),
    "staff name": Cmd("staff.manage", ("staff", "name", "zhaomin", "赵敏")),
    "staff reset": Cmd("staff.manage", ("staff", "reset", "zhaomin")),
    "staff code": Cmd("staff.code", ("staff", "code", "zhaomin")),
    "staff password": Cmd("staff.manage", ("staff", "password", "zhaomin", "--password-stdin"),
                          input="a-new-password\n"),
    "token create": Cmd("token.manage", ("token", "create", "chenjing", "--days", "5", "--out",
                                         "{dir}/clerk.token")),
    "token list": Cmd("token.manage", ("token", "list")),
    "token revoke": Cmd("token.manage", ("token", "revoke", "1")),
    "committee add": Cmd("committee.admin", ("committee", "add", "--name", "第二调委会",
                                             "--prefix", "二", "--director", "erdir",
                                             "--no-login")),
    "committee list": Cmd("committee.admin", ("committee", "list")),
    "committee rename": Cmd("committee.settings", ("committee", "rename", "龙王港社区调委会")),
    "retention set": Cmd("committee.settings", ("retention", "set", "--days", "365")),
    "retention show": Cmd("committee.settings", ("retention", "show")),
    "retention apply": Cmd("retention.apply", ("retention", "apply")),
    "case import": Cmd("case.import", ("case", "import", "{dir}/case.jsonl", "--force")),
    "stats": Cmd("stats.read", ("stats", "--year", "2026", "--json")),
    "report monthly": Cmd("report.export", ("report", "monthly", "--month", "2026-11", "--out",
                                            "{dir}/monthly.xlsx"), outputs=("monthly.xlsx",)),
    "report quarterly": Cmd("report.export", ("report", "quarterly", "--quarter", "2026Q4",
                                              "--out", "{dir}/quarterly.xlsx"),
                            outputs=("quarterly.xlsx",)),
    "report yearly": Cmd("report.export", ("report", "yearly", "--year", "2026", "--out",
                                           "{dir}/yearly.xlsx"), outputs=("yearly.xlsx",)),
    "export nightly": Cmd("report.export", ("export", "nightly", "--out", "{dir}/export"),
                          outputs=("export",)),
    "audit verify": Cmd("audit.verify", ("audit", "verify", "--json")),
    "audit checkpoint": Cmd("audit.checkpoint", ("audit", "checkpoint", "--key", "{dir}/key",
                                                 "--out", "{dir}/checkpoint.json"),
                            outputs=("checkpoint.json",)),
    "audit log": Cmd(("audit.read", "audit.read.own"), ("audit", "log", "--json")),
    "audit case": Cmd(("audit.read", "audit.read.own"), ("audit", "case", "{case}", "--json")),
    # The database commands act on the database itself: whoever can run them already holds the
    # SQLite file or the PostgreSQL credentials (docs/database.md); no committee role applies.
    "db upgrade": Cmd(None, ("db", "upgrade")),
    "db current": Cmd(None, ("db", "current")),
    "db status": Cmd(None, ("db", "status")),
    "db check": Cmd(None, ("db", "check")),
    "db reindex": Cmd(None, ("db", "reindex")),
    "db backup": Cmd(None, ("db", "backup", "{dir}/backup.db")),
    "db restore": Cmd(None, ("db", "restore", "{dir}/missing.db")),
}

# The same command with an option that needs more than the command itself; a variant whose
# base is "" needs only its own permission (``stats --district``: the district's figures, not the
# committee's, issue 17).
VARIANTS: dict[str, tuple[str, Cmd]] = {
    "case show --reveal": ("case show", Cmd("case.reveal", (
        "case", "show", "{case}", "--reveal", "--reason", "核实身份"))),
    "case history --reveal": ("case history", Cmd("case.reveal", (
        "case", "history", "{case}", "--reveal", "--reason", "核实身份"))),
    "audit case --reveal": ("audit case", Cmd("case.reveal", (
        "audit", "case", "{case}", "--reveal", "--reason", "核实身份"))),
    "stats --district": ("", Cmd("district.read", ("stats", "--district", "--year", "2026",
                                                   "--json"))),
    "report yearly --district": ("", Cmd("district.read", (
        "report", "yearly", "--year", "2026", "--district", "--out", "{dir}/district.xlsx"),
        outputs=("district.xlsx",))),
}


def command_paths() -> list[str]:
    from cli.main import build_app

    root = typer.main.get_command(build_app())

    def walk(cmd: Any, prefix: str) -> Iterator[str]:
        subs = getattr(cmd, "commands", None)  # a group (Typer vendors its own click)
        if subs:
            for sub_name, sub in subs.items():
                yield from walk(sub, f"{prefix} {sub_name}".strip())
        else:
            yield prefix

    return sorted(walk(root, ""))


def test_every_command_has_an_entry() -> None:
    """A command without an entry in EXPECTED (or an entry for a command gone) fails here."""
    paths = set(command_paths())
    assert paths - set(EXPECTED) == set(), "add these commands to EXPECTED"
    assert set(EXPECTED) - paths == set(), "these entries name no command"


def alternatives(permission: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if permission is None:
        return ()
    return (permission,) if isinstance(permission, str) else permission


def holds(role: str, permission: str | tuple[str, ...] | None) -> bool:
    return permission is None or any(role in POLICY[p] for p in alternatives(permission))


def test_every_permission_is_in_the_policy() -> None:
    used = {p for c in EXPECTED.values() for p in alternatives(c.permission)}
    used |= {p for _, c in VARIANTS.values() for p in alternatives(c.permission)}
    assert used <= set(POLICY)


@pytest.fixture
def backend() -> str:
    """The matrix runs the CLI on its own SQLite copies: one backend is enough."""
    return "sqlite"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("matrix") / "template.db"
    build(path)
    return path


@dataclass(frozen=True)
class SignedTemplate:
    path: Path
    tokens: dict[str, str]


@pytest.fixture(scope="module")
def signed_template(tmp_path_factory: pytest.TempPathFactory) -> SignedTemplate:
    path = tmp_path_factory.mktemp("matrix-signin") / "template.db"
    return SignedTemplate(path, build(path, login=True))


def _inputs(folder: Path) -> None:
    (folder / "case.json").write_text(__import__("json").dumps(case_record()), "utf-8")
    (folder / "leads.csv").write_text("地点,情况,发现时间\n桐梓坡路8栋,两户争吵,2026-11-02 10:00\n",
                                      "utf-8")
    (folder / "case.jsonl").write_text(__import__("json").dumps(case_record()) + "\n", "utf-8")
    (folder / "key").write_bytes(b"0123456789abcdef0123456789abcdef")


def _session_file(folder: Path, db: Path, token: str | None) -> Path:
    path = folder / "session.json"
    if token is not None:
        signin.write_private(path, __import__("json").dumps(
            {"db": database_url(str(db)), "user": "-", "token": token,
             "expires_at": "-"}) + "\n")
    return path


def run_as(cli: Callable[..., object], template: Path, tmp_path: Path, role: str, cmd: Cmd, *,
           session: str | None = None, db: Path | None = None, user: str | None = None,
           token_file: str = "") -> tuple[int, str, str]:
    """Run ``cmd`` as ``role``: by ``MEDIATION_USER`` (no-login), or with ``session`` (a token)
    in the session file and ``user`` as ``MEDIATION_USER`` (sign-in). ``db``: run on this
    database instead of a fresh copy of ``template``."""
    if db is None:
        db = tmp_path / "cli.db"
        copy_db(template, db)
    _inputs(tmp_path)
    named = USERS[role]
    args = [a.format(case="1", dir=str(tmp_path), user=named) for a in cmd.args]
    session_file = _session_file(tmp_path, db, session)
    try:
        result = cli(*args, input=cmd.input,
                     env={"MEDIATION_USER": named if user is None else user,
                          "MEDIATION_DB": str(db), "MEDIATION_TOKEN_FILE": token_file,
                          "MEDIATION_SESSION_FILE": str(session_file),
                          "MEDIATION_ARGON2_FAST": "1"})
    finally:
        release(db)
    return result.code, result.out, result.err  # type: ignore[attr-defined]


CASES = [(path, role) for path in sorted(EXPECTED) for role in ROLES] + [
    (variant, role) for variant in sorted(VARIANTS) for role in ROLES]


def _needed(command: str) -> tuple[Cmd, list[str | tuple[str, ...] | None]]:
    if command in EXPECTED:
        return EXPECTED[command], [EXPECTED[command].permission]
    base, cmd = VARIANTS[command]
    return cmd, [EXPECTED[base].permission, cmd.permission] if base else [cmd.permission]


@pytest.mark.parametrize("committee", ["no-login", "sign-in"])
@pytest.mark.parametrize(("command", "role"), CASES)
def test_role_matrix(cli: Callable[..., object], template: Path,
                     signed_template: SignedTemplate, tmp_path: Path, command: str, role: str,
                     committee: str) -> None:
    cmd, needed = _needed(command)
    if committee == "no-login":
        code, _out, err = run_as(cli, template, tmp_path, role, cmd)
    else:
        code, _out, err = run_as(cli, signed_template.path, tmp_path, role, cmd,
                                 session=signed_template.tokens[role], user="")
        assert "`mediation login" not in err, (command, role, err)  # the session was used
    user = NAMES[role]  # a refusal names the person by display name
    missing = [alternatives(p)[0] for p in needed if not holds(role, p)]
    if not missing:
        named = re.findall(r"\(permission: ([\w.]+)\)", err)  # a rule beyond the role's
        assert all(holds(role, p) for p in named), (command, role, err)  # (staff role: admin)
        assert "Traceback" not in err
    elif (command, role) == ("agenda", "grid_worker"):  # refused, pointed to their own leads
        assert code == 1 and "mediation lead list --mine" in err, (command, role, code, err)
    else:
        assert code == 1, (command, role, code, err)
        role_name = name("role", role)
        assert f"{user} ({role_name}) may not " in err, err  # in words (policy.refusal)
        assert err.rstrip().endswith(f"(permission: {missing[0]})"), err


@pytest.mark.parametrize("role", ["clerk", "admin"])
def test_refusal_in_chinese(cli: Callable[..., object], template: Path, tmp_path: Path,
                            role: str) -> None:
    cmd = Cmd("case.read", ("--lang", "zh", "case", "list"))
    code, _out, err = run_as(cli, template, tmp_path, role, cmd)
    assert code == 1
    assert "（权限：查看案卷）" in err and NAMES[role] in err and USERS[role] not in err
    assert {"clerk": "统计员", "admin": "区县管理员"}[role] in err, err


# ---------------------------------------------------------------------------------------------
# Nobody signed in: no session (only MEDIATION_USER), an expired session, a revoked token

GUARDED = [c for c in sorted(EXPECTED) if EXPECTED[c].permission is not None] + sorted(VARIANTS)
STATES = {
    # state: (what MEDIATION_USER says, where the token is, what the refusal says)
    "no-session": ("wangfang", None, "this committee requires sign-in"),
    "expired-session": ("", "session", "the session has expired"),
    "expired-session-and-user": ("wangfang", "session", "this committee requires sign-in"),
    "revoked-token": ("", "file", "the token is not valid"),
}


def _snapshot(db: Path) -> list[tuple[str, list[tuple[object, ...]]]]:
    """Every row of every table (the refusals must write nothing)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        snap = [(t, sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr))
                for t in tables]
    conn.close()
    return snap


@pytest.fixture(scope="module")
def shared(signed_template: SignedTemplate, tmp_path_factory: pytest.TempPathFactory
           ) -> dict[str, Path]:
    """One copy of the sign-in database per state: refusals write nothing, so they share it."""
    dbs = {}
    for state in STATES:
        db = tmp_path_factory.mktemp(f"unsigned-{state}") / "cli.db"
        copy_db(signed_template.path, db)
        dbs[state] = db
    return dbs


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("command", GUARDED)
def test_nobody_signed_in_is_refused(cli: Callable[..., object],
                                     signed_template: SignedTemplate, shared: dict[str, Path],
                                     tmp_path: Path, command: str, state: str) -> None:
    cmd = _needed(command)[0]
    user, where, refusal = STATES[state]
    db = shared[state]
    before = _snapshot(db)
    token = signed_template.tokens["expired" if where == "session" else "revoked"]
    token_file = ""
    if where == "file":
        signin.write_private(tmp_path / "cron.token", token + "\n")
        token_file = str(tmp_path / "cron.token")
    code, out, err = run_as(cli, signed_template.path, tmp_path, "director", cmd, db=db,
                            user=user, session=token if where == "session" else None,
                            token_file=token_file)
    assert code == 1, (command, state, code, out, err)
    assert refusal in err, (command, state, err)
    assert "Traceback" not in err
    assert _snapshot(db) == before, (command, state)

"""Issue 11: the district administrator cannot sign in as an account they create or reset, by any
command, and the committee's director is shown each such act.

Where the committee holds a case or another member, the administrator is shown only the first
half of the one-time code; a member of the committee gives the second (``staff code``), which no
administrator may run (docs/access.md, "Two halves, two people"). Everything the administrator's
commands print, in both languages, plain and ``--json``, is searched for anything shaped like a
code, and every such string, alone and joined with any other, is tried as each account's code:
none signs in.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.access_world import case_record

PASSWORD = "correct horse"
CODE_RE = re.compile(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4})+")
NOBODY = {"MEDIATION_USER": ""}


def _login(cli: Callable[..., Any], user: str, secret: str, new: str = "chosen-by-holder"
           ) -> Any:
    return cli("login", user, "--password-stdin", input=f"{secret}\n{new}\n", env=NOBODY)


def test_the_administrator_cannot_sign_in_as_an_account(cli: Callable[..., Any],
                                                       tmp_path: Path) -> None:
    assert cli("init", "--admin", "--committee", "岳麓区司法局", "--prefix", "岳",
               "--password-stdin", input=PASSWORD + "\n", env={"MEDIATION_USER": "qu"}).code == 0

    def as_admin() -> None:
        assert cli("login", "qu", "--password-stdin", input=PASSWORD + "\n",
                   env=NOBODY).code == 0

    as_admin()
    added = cli("committee", "add", "--name", "龙王港社区人民调解委员会", "--prefix", "龙",
                "--director", "wangfang", "--json", env=NOBODY)
    assert added.code == 0, added.err
    # A new committee holds nothing and nobody else: its first director's code is whole.
    first = _login(cli, "wangfang", json.loads(added.out)["one_time_code"], "director-pass")
    assert first.code == 0, first.err
    assert cli("staff", "add", "liming", "--name", "李明", "--role", "mediator",
               "--password-stdin", input="mediator-pass\n", env=NOBODY).code == 0
    (tmp_path / "case.json").write_text(json.dumps(case_record(), ensure_ascii=False), "utf-8")
    assert cli("case", "new", "-f", str(tmp_path / "case.json"), env=NOBODY).code == 0

    # Everything the administrator can do to the committee's accounts, everything it prints.
    as_admin()
    seen = _admin_acts(cli, tmp_path, [
        ("staff", "add", "sunli", "--name", "孙力", "--role", "auditor", "--committee", "龙"),
        ("staff", "add", "zhouyu", "--name", "周宇", "--role", "director", "--committee", "龙",
         "--json"),
        ("staff", "reset", "wangfang", "--committee", "龙"),
    ])
    halves = _halves(seen)
    assert set(halves) == {"sunli", "zhouyu", "wangfang"}, halves
    _none_signs_in(cli, seen, ("wangfang", "liming", "sunli", "zhouyu"))

    # The committee gives its halves. The director's own: a mediator, since no other director
    # can sign in (zhouyu has not yet); the administrator's half and the committee's, in either
    # order, with or without dashes.
    assert cli("login", "liming", "--password-stdin", input="mediator-pass\n",
               env=NOBODY).code == 0
    given = cli("--lang", "zh", "staff", "code", "wangfang", "--json", env=NOBODY)
    assert given.code == 0, given.err
    second = json.loads(given.out)["one_time_code"]
    assert json.loads(given.out)["half"] == "committee"
    assert _login(cli, "wangfang", second).code == 1  # one half alone: refused
    half_only = _login(cli, "wangfang", halves["wangfang"])
    assert half_only.code == 1 and "one half" in half_only.err, half_only.err
    back = cli("--lang", "zh", "login", "wangfang", "--password-stdin",
               input=f"{second.lower()} {halves['wangfang'].replace('-', '')}\nnew-director\n",
               env=NOBODY)
    assert back.code == 0, back.err
    # The director is shown every act of the administrator in the committee, and the half.
    told = [line for line in back.err.splitlines() if line.startswith("提示")]
    assert sum("区县管理员 qu" in t for t in told) == 3, told  # sunli, zhouyu, the reset
    assert any("李明" in t and "后半段" in t for t in told), told  # by name, as everywhere
    # ... and whose codes still await the committee's half, with the command to give it.
    assert any("`mediation staff code sunli`" in t for t in told), told
    # Now a director can sign in: the other members' halves are the director's to give.
    assert cli("login", "liming", "--password-stdin", input="mediator-pass\n",
               env=NOBODY).code == 0
    refused = cli("staff", "code", "sunli", env=NOBODY)
    assert refused.code == 1 and "director" in refused.err, refused.err
    assert cli("login", "wangfang", "--password-stdin", input="new-director\n",
               env=NOBODY).code == 0
    sunli = json.loads(cli("staff", "code", "sunli", "--json", env=NOBODY).out)["one_time_code"]
    assert _login(cli, "sunli", f"{halves['sunli']}{sunli}", "auditor-pass").code == 0
    assert cli("case", "list", env=NOBODY).code == 0  # the auditor reads: it is sunli, not qu

    # A second round: the administrator resets the mediator; again nothing it sees signs in.
    as_admin()
    seen2 = _admin_acts(cli, tmp_path, [("staff", "reset", "liming", "--committee", "龙",
                                         "--json")])
    _none_signs_in(cli, seen + seen2, ("liming", "zhouyu"))


def _admin_acts(cli: Callable[..., Any], tmp_path: Path, acts: list[tuple[str, ...]]
                ) -> list[str]:
    """Run ``acts`` and every other command the administrator has over accounts, in both
    languages; the ones that would let it act as an account are refused. All output."""
    seen: list[str] = []
    for args in acts:
        r = cli("--lang", "en", *args, env=NOBODY)
        assert r.code == 0, (args, r.err)
        seen += [r.out, r.err]
    for n, lang in enumerate(("en", "zh")):
        for args in (("staff", "code", "sunli"), ("staff", "code", "wangfang"),
                     ("staff", "password", "liming", "--password-stdin"),
                     ("token", "create", "liming", "--days", "5", "--out",
                      str(tmp_path / f"t{n}"))):
            r = cli("--lang", lang, *args, input="admin-chosen-pw\n", env=NOBODY)
            assert r.code == 1, (args, r.out)
            seen += [r.out, r.err]
        for args in (("token", "list"), ("staff", "list", "--committee", "龙", "--json"),
                     ("committee", "list", "--json")):
            r = cli("--lang", lang, *args, env=NOBODY)
            seen += [r.out, r.err]
    return seen


ACCOUNTS = {"孙力": "sunli", "周宇": "zhouyu", "王芳": "wangfang", "李明": "liming"}


def _halves(seen: list[str]) -> dict[str, str]:
    """The first halves the administrator was shown, by account (plain and --json output)."""
    found: dict[str, str] = {}
    for text in seen:
        for m in re.finditer(r"one-time code for (\w+): ([A-Z2-9-]+)", text):
            found[ACCOUNTS.get(m.group(1), m.group(1))] = m.group(2)  # named as people know them
        try:
            doc = json.loads(text)
        except ValueError:
            continue
        if isinstance(doc, dict) and doc.get("half") == "administrator":
            found[doc["username"]] = doc["one_time_code"]
    return found


def _none_signs_in(cli: Callable[..., Any], seen: list[str], users: tuple[str, ...]) -> None:
    """No code-shaped string the administrator saw, alone or joined to another, signs in as any
    of ``users``: through ``login`` itself (a few tries: five lock the account), and every
    combination through the one gate ``login`` uses (``passwords.verdict``)."""
    from sqlmodel import Session, select

    from mediation.access.passwords import verdict
    from mediation.db.engines import database_url, engine_for
    from mediation.tables import Credential, Staff

    codes = sorted({c for text in seen for c in CODE_RE.findall(text)})
    assert codes, "the administrator was shown first halves"
    tries = codes + ["".join(p) for p in itertools.permutations(codes, 2)]
    for user in users:
        for secret in codes[:3]:
            r = _login(cli, user, secret)
            assert r.code == 1 and "Signed in" not in r.out, (user, secret, r.out, r.err)
    with Session(engine_for(database_url(os.environ["MEDIATION_DB"]))) as s:
        for user in users:
            staff = s.exec(select(Staff).where(Staff.username == user)).one()
            cred = s.get(Credential, staff.id)
            assert cred is not None
            assert [t for t in tries if verdict(cred, t) == "ok"] == [], user

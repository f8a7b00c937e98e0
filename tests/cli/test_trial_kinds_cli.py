"""Kinds a clerk's trial (issue 14, zh, COLUMNS=80) found, each fixed in one place: a closed
pipe (``| head -1``) ends quietly with exit 0 for every command; a refusal about a file written
through a temporary name names the user's path, never the temporary one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_desk_trial_small_cli import _committee  # the same room
from tests.conftest import Result, Templates, prepared

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def room(cli: Cli, cli_db: str, cli_templates: Templates) -> Cli:
    return prepared(cli, cli_db, cli_templates, "committee-case", _committee)


def _piped_to_head(args: tuple[str, ...], db: str, lang: str) -> subprocess.CompletedProcess[bytes]:
    """``mediation ARGS | head -1`` at its harshest: a real pipe whose reader has gone before
    the command writes (head gone after its line, the command still writing)."""
    exe = shutil.which("mediation", path=str(Path(sys.executable).parent)) or "mediation"
    env = {**os.environ, "MEDIATION_DB": db, "MEDIATION_USER": "wangfang", "COLUMNS": "80",
           "LANG": "zh_CN.UTF-8" if lang == "zh" else "C.UTF-8", "NO_COLOR": "1"}
    env.pop("MEDIATION_LANG", None)
    reader, writer = os.pipe()
    os.close(reader)
    with subprocess.Popen([exe, *args], stdout=writer, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, env=env) as proc:
        os.close(writer)
        _, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(args, proc.returncode, b"", err)


PIPED = [("case", "show", "1"), ("case", "history", "1"), ("case", "list"),
         ("staff", "list"), ("audit", "log"), ("--help",), ("case", "show", "--help")]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("args", PIPED, ids=" ".join)
def test_a_closed_pipe_ends_quietly_with_exit_0(room: Cli, cli_db: str, lang: str,
                                                args: tuple[str, ...]) -> None:
    done = _piped_to_head(args, cli_db, lang)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr == b""


WRITERS = [("case", "print", "application", "1", "--out", "{dir}/x.docx"),
           ("case", "print", "application", "1", "{dir}/x.docx"),
           ("report", "monthly", "--month", "2026-11", "--out", "{dir}/r.xlsx"),
           ("token", "create", "liming", "--days", "1", "--out", "{dir}/t.token"),
           ("export", "nightly", "--date", "2026-11-30", "{dir}/exp"),
           ("case", "file", "1", "--no-pdf", "{dir}/cf")]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("command", WRITERS, ids=" ".join)
@pytest.mark.parametrize("folder", ["/proc", "/sys"])
def test_a_refused_file_is_named_as_given(room: Cli, command: tuple[str, ...], folder: str,
                                          lang: str) -> None:
    """`case print application 12 --out /proc/x.docx` said 无法使用 /proc/.x.docx.8b11cb1d9456."""
    args = [a.replace("{dir}", folder) for a in command]
    given = next(a for a in args if a.startswith(folder))
    done = room("--lang", lang, *args, env={"COLUMNS": "80"})
    assert done.code == 1, (done.out, done.err)
    line = done.err.strip()
    assert len(line.splitlines()) == 1 and given in line, line
    assert ".partial" not in line and f"{folder}/." not in line, line


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_duplicate_refusal_fits_80_columns(room: Cli, lang: str, terminal: bool) -> None:
    """It wrapped at 80 columns: 错误：疑似与 (2026)龙人调字第1号 重复；请对照核实，或使用 --force
    / 仍然登记（将被记录）。 Now one line, room for a three-digit number too."""
    from rich.cells import cell_len

    again = room("--lang", lang, "case", "new", "--file", str(ROOT / "data" / "demo" /
                 "case.json"), env={"COLUMNS": "80"}, terminal=terminal)
    assert again.code == 1, again.err
    line = again.err.strip().splitlines()[-1]
    assert "--force" in line and "(20" in line, line
    assert cell_len(line.replace("第1号", "第123号")) <= 80, line


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_name_another_staff_member_has_is_taken_and_said(room: Cli, lang: str,
                                                           terminal: bool) -> None:
    """`staff name zhaomin 李明` with liming already 李明 was taken silently."""
    added = room("--lang", lang, "staff", "add", "zhaomin", "--name", "赵敏", "--no-password",
                 env={"COLUMNS": "80"}, terminal=terminal)
    assert added.code == 0 and "liming" not in added.out, added.out
    renamed = room("--lang", lang, "staff", "name", "zhaomin", "李明", env={"COLUMNS": "80"},
                   terminal=terminal)
    assert renamed.code == 0, renamed.err
    said = " ".join(renamed.out.split())
    if lang == "zh":
        assert said == ("zhaomin 的姓名已由 赵敏 更正为 李明（注意：liming 也叫 李明，按姓名指定时"
                        "程序会请您选择用户名）"), said
    else:
        assert "from 赵敏 to 李明" in said and "liming is also named 李明" in said, said
    twin = room("--lang", lang, "staff", "add", "liming2", "--name", "李明", "--no-password")
    assert twin.code == 0, twin.err
    assert ("liming、zhaomin" if lang == "zh" else "liming, zhaomin") in twin.out, twin.out
    listed = room("staff", "list", "--json").out
    assert listed.count('"李明"') == 3


def _company_case(tmp_path: Path, kind: str) -> Path:
    import json

    record = json.loads((ROOT / "data" / "demo" / "case.json").read_text("utf-8"))
    record["summary"] = "某物业公司与业主因物业费发生纠纷。"
    record["parties"][1] = {"role": "respondent", "kind": kind, "name": "长沙市某物业服务有限公司",
                            "id_number": "91350100M000100Y43",
                            "representative": {"name": "王建华", "title": "总经理"}}
    path = tmp_path / "公司.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["公司", "企业"])
def test_a_company_is_a_legal_person(room: Cli, tmp_path: Path, lang: str, kind: str) -> None:
    """`"kind": "公司"` was refused, and the credit code checked as a resident ID number."""
    made = room("--lang", lang, "case", "new", "--force", "--file",
                str(_company_case(tmp_path, kind)), "--json")
    assert made.code == 0, made.err
    assert '"legal_person"' in room("case", "show", "2", "--json").out


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refused_kind_is_the_only_problem_said(room: Cli, tmp_path: Path, lang: str,
                                                 terminal: bool) -> None:
    """The checks that depend on the kind (the number, the name, the representative) are
    skipped when the kind itself is refused: one problem, not a second misleading one."""
    made = room("--lang", lang, "case", "new", "--file", str(_company_case(tmp_path, "集团")),
                env={"COLUMNS": "80"}, terminal=terminal)
    assert made.code in (1, 2), made.err
    said = made.err
    assert "集团" in said
    for wrong in ("18", "身份证", "resident", "ID number", "representative", "代表人"):
        assert wrong not in said, said

"""``--reveal`` is the same on every command that shows one case's personal data (issue 14).

Which commands show personal data is found, not listed by hand: every command of the role
matrix runs as the director, and one whose output holds a masked ID or phone number of a party
must be in ``REVEALING`` (one case: it takes ``--reveal``) or ``MANY_CASES`` (lists and logs of
many cases, which reveal nothing; a reader reveals one case with ``case history --reveal``).
Every command in ``REVEALING`` then behaves as ``case show --reveal`` does: the same options
(cli.options.reveal_opt), the same permission (policy.require_reveal: not the clerk, a mediator
only on their own cases), the same reason required (exit 2 without one), the same ``reveal``
event recorded (queries.record_reveal), and the full numbers shown.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.access_world import build, copy_db, release
from tests.cli.test_role_matrix import EXPECTED, Cmd, command_paths, run_as

REVEALING = {"case show": ("case", "show", "1"), "case history": ("case", "history", "1"),
             "audit case": ("audit", "case", "1")}
# Many cases at once: never revealed (a reveal is recorded against one case).
MANY_CASES = {"audit log"}
# Printing is itself a reveal, recorded with the reason ``print`` (docs/documents.md).
DOCUMENTS = {"case print", "case file"}

MASKED = re.compile(r"\d{6}\*{8}[\dX]{4}|1\d{2}\*{4}\d{4}")
FULL_ID, FULL_PHONE = "430104198003120014", "13812345678"


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("reveal") / "template.db"
    build(path)
    return path


def _reveals(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM event WHERE action = 'reveal'")
                   .fetchone()[0])


def test_the_commands_that_show_personal_data_take_reveal(
        cli: Callable[..., Any], template: Path, tmp_path: Path) -> None:
    shows = set()
    for path in sorted(set(EXPECTED) - {"demo"}):
        folder = tmp_path / path.replace(" ", "_")
        folder.mkdir()
        code, out, _err = run_as(cli, template, folder, "director", EXPECTED[path])
        if code == 0 and MASKED.search(out):
            shows.add(path)
    assert shows - DOCUMENTS <= set(REVEALING) | MANY_CASES, shows
    assert set(REVEALING) <= shows  # each shows a party's masked numbers without --reveal
    taking = {p for p in command_paths() if "--reveal" in _options(p)}
    assert taking == set(REVEALING)


def _options(path: str) -> dict[str, str]:
    import typer

    from cli.main import build_app

    cmd: Any = typer.main.get_command(build_app())
    for word in path.split():
        cmd = cmd.commands[word]
    return {o: p.help for p in cmd.params for o in getattr(p, "opts", ())
            if type(p).__name__ == "TyperOption"}


def test_reveal_is_one_option_everywhere() -> None:
    helps = {path: (_options(path)["--reveal"], _options(path)["--reason"])
             for path in REVEALING}
    assert len(set(helps.values())) == 1, helps


def _run(cli: Callable[..., Any], template: Path, tmp_path: Path, role: str,
         args: tuple[str, ...], db: Path, lang: str = "en") -> tuple[int, str, str]:
    return run_as(cli, template, tmp_path, role, Cmd(None, ("--lang", lang, *args)), db=db)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("command", sorted(REVEALING))
def test_reveal_behaves_as_case_show_reveal(cli: Callable[..., Any], template: Path,
                                            tmp_path: Path, command: str, lang: str) -> None:
    db = tmp_path / "reveal.db"
    copy_db(template, db)
    release(db)
    base = REVEALING[command]
    # Without --reveal: masked, for the director too; nothing recorded.
    code, out, err = _run(cli, template, tmp_path, "director", base, db, lang)
    assert code == 0, err
    assert MASKED.search(out) and FULL_ID not in out and FULL_PHONE not in out, out
    # --reveal without a reason: a usage error, the same line for every command.
    code, _out, err = _run(cli, template, tmp_path, "director", (*base, "--reveal"), db, lang)
    reference = _run(cli, template, tmp_path, "director", ("case", "show", "1", "--reveal"),
                     db, lang)
    assert code == 2 and err == reference[2] and len(err.strip().splitlines()) == 1, err
    assert _reveals(db) == 0
    # The clerk may not (nor read the case at all); a mediator not on the case may not;
    # nothing is recorded.
    code, _out, err = _run(cli, template, tmp_path, "clerk",
                           (*base, "--reveal", "--reason", "核实身份"), db, lang)
    assert code == 1 and "(permission: " in err.replace("（权限：", "(permission: ") \
        and len(err.strip().splitlines()) == 1, err
    code, _out, err = run_as(cli, template, tmp_path, "director",
                             Cmd(None, ("--lang", lang, "--user", "zhaomin", *base, "--reveal",
                                        "--reason", "核实身份")), db=db)
    assert code == 1 and ("case.reveal" in err or "权限：" in err), err
    assert _reveals(db) == 0
    # The director, with a reason: the full numbers, and one reveal event naming the reason.
    code, out, err = _run(cli, template, tmp_path, "director",
                          (*base, "--reveal", "--reason", "核实身份", "--json"), db, lang)
    assert code == 0, err
    assert FULL_ID in out and FULL_PHONE in out, out
    json.loads(out)
    assert _reveals(db) == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT reason, case_id FROM event WHERE action = 'reveal'"
                            ).fetchone() == ("核实身份", 1)
    # The mediator of the case may reveal it (audit case shows a mediator their own events).
    code, out, err = _run(cli, template, tmp_path, "mediator",
                          (*base, "--reveal", "--reason", "制作协议书", "--json"), db, lang)
    assert code == 0 and _reveals(db) == 2, err
    release(db)


def test_history_names_the_parties_as_case_show_does(cli: Callable[..., Any], template: Path,
                                                     tmp_path: Path) -> None:
    """The intake event names the parties in full for the director (as case show does), masked
    for the auditor (who sees names masked in case show too); its summary likewise."""
    db = tmp_path / "names.db"
    copy_db(template, db)
    release(db)
    code, out, err = _run(cli, template, tmp_path, "director",
                          ("case", "history", "1", "--json"), db)
    assert code == 0, err
    intake = next(e for e in json.loads(out) if e["action"] == "new")["changes"]
    assert [p["name"] for p in intake["parties"][1]] == ["张三", "李四"], intake
    assert "张三" in intake["summary"][1], intake
    code, out, err = _run(cli, template, tmp_path, "auditor",
                          ("case", "history", "1", "--json"), db)
    assert code == 0, err
    assert "张三" not in out and "张某" in out, out

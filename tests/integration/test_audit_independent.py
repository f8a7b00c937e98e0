"""An outsider's verifier, written from docs/audit.md alone (sqlite3, hashlib, json), agrees with
ours: on an untouched log, and on the first bad event of a tampered one."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from sqlalchemy import text

from mediation import audit
from mediation.db.audit_schema import drop_triggers
from tests.audit_support import full_history, new_case
from tests.conftest import Room


# ---- the independent verifier: docs/audit.md §1-5, nothing imported from mediation ----------
@pytest.fixture
def backend() -> str:
    """These tests read and tamper with the SQLite file itself (PostgreSQL: the tamper property)."""
    return "sqlite"


def outsider_verify(path: str) -> int | None:
    """None when the log holds, else the first bad seq."""
    db = sqlite3.connect(path)
    keys = ("seq at committee_id case_id actor role action from_state to_state version reason "
            "changes").split()
    prev_seq, prev_hash = 0, "0" * 64
    for row in db.execute(f"SELECT {', '.join(keys)}, prev_hash, hash FROM event ORDER BY seq"):
        content = dict(zip(keys, row[:12], strict=True))
        content["at"] = content["at"].replace(" ", "T") + "Z"
        content["changes"] = json.loads(content["changes"])
        data = row[12].encode("ascii") + b"\n" + json.dumps(
            content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        if (row[0] != prev_seq + 1 or row[12] != prev_hash
                or hashlib.sha256(data).hexdigest() != row[13]):
            return int(min(row[0], prev_seq + 1))
        prev_seq, prev_hash = row[0], row[13]
    head = db.execute("SELECT seq, hash FROM log_head").fetchone() or (0, "0" * 64)
    return None if tuple(head) == (prev_seq, prev_hash) else prev_seq + 1
# ---------------------------------------------------------------------------------------------


def _ours(room: Room) -> int | None:
    with room.uow(write=False) as uow:
        first = audit.verify(uow).first
    return None if first is None else first.seq


def _path(room: Room) -> str:
    return room.url.removeprefix("sqlite:///")


def test_outsider_agrees_on_an_untouched_log(room: Room) -> None:
    full_history(room)
    new_case(room, category="01")
    room.run(audit.checkpoint, None, b"0123456789abcdef")
    assert outsider_verify(_path(room)) is None
    assert _ours(room) is None


def test_outsider_agrees_on_tampered_logs(room: Room) -> None:
    full_history(room)
    with room.engine.begin() as conn:
        drop_triggers(conn)
        conn.execute(text("UPDATE event SET changes = '{\"state\":[\"intake\",\"closed\"]}' "
                          "WHERE seq = 5"))
    assert outsider_verify(_path(room)) == 5 == _ours(room)
    with room.engine.begin() as conn:
        conn.execute(text("DELETE FROM event WHERE seq = 3"))
    assert outsider_verify(_path(room)) == 3 == _ours(room)


def test_outsider_checks_a_checkpoint_signature(room: Room) -> None:
    full_history(room)
    key = b"0123456789abcdef0123456789abcdef"
    statement = room.run(audit.checkpoint, None, key)
    body = {k: v for k, v in statement.items() if k != "signature"}
    import hmac

    mac = hmac.new(key, json.dumps(body, sort_keys=True, ensure_ascii=False,
                                   separators=(",", ":")).encode("utf-8"), hashlib.sha256)
    assert mac.hexdigest() == statement["signature"]["value"]
    assert hashlib.sha256(key).hexdigest()[:16] == statement["key_fingerprint"]
    db = sqlite3.connect(_path(room))
    seq, value = db.execute("SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1").fetchone()
    assert {"seq": seq, "hash": value} == statement["log_head"]

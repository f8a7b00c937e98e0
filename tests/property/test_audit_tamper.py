"""Property: random histories built through the real services, then random tampering done
behind the application's back (plain sqlite3, triggers dropped). Every tampering is detected by
verify; an untouched log always verifies."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import audit, queries, steps
from mediation.db import eventlog
from mediation.db.storage import release_engine
from tests.audit_support import new_case
from tests.conftest import Room, make_room

KEY = b"property-test-key-0123456789"
PATH = ("accept", "mediate", "session", "agree", "confirm", "feedback")
COLUMNS = ("seq", "at", "committee_id", "case_id", "actor", "role", "action", "from_state",
           "to_state", "version", "reason", "changes", "prev_hash", "hash")

ops = st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["step", "step", "reveal"])),
               min_size=1, max_size=9)


@contextmanager
def fresh_room() -> Iterator[Room]:
    with tempfile.TemporaryDirectory() as tmp:
        url = "sqlite:///" + str(Path(tmp) / "room.db")
        try:
            yield make_room(url)
        finally:
            release_engine(url)


def build(room: Room, history: list[tuple[int, str]], anchor_at: int) -> dict[str, Any]:
    """Run the history; take a signed checkpoint after ``anchor_at`` operations."""
    cases: dict[int, tuple[int, int]] = {}  # index -> (case id, steps done)
    statement: dict[str, Any] = {}
    for n, (index, op) in enumerate(history):
        if n == anchor_at:
            statement = room.run(audit.checkpoint, None, KEY)
        room.clock.advance(minutes=7)
        if index not in cases:
            cases[index] = (new_case(room, category="0" + str(index + 1)), 0)
            continue
        cid, done = cases[index]
        if op == "reveal":
            room.run(queries.case_view, None, cid, reveal=True, reason="核对")
        elif done < len(PATH):
            trigger = PATH[done]
            extra: dict[str, dict[str, Any]] = {
                "mediate": {"mediator": "liming", "rights_notified": True},
                "session": {"minutes": "双方到场。"},
                "agree": {"terms": "赔偿500元。", "written": True},
                "feedback": {"satisfaction": "satisfied", "performance": "full"},
            }
            room.run(steps.STEPS[trigger], None, cid, **extra.get(trigger, {}))
            cases[index] = (cid, done + 1)
    if not statement:
        statement = room.run(audit.checkpoint, None, KEY)
    return statement


def _changed(column: str, value: Any, last: int) -> Any:
    if column == "seq":
        return last + 100
    if column in ("committee_id", "case_id", "version"):
        return (value or 0) + 1
    if column == "at":
        at = datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f") + timedelta(seconds=1)
        return at.strftime("%Y-%m-%d %H:%M:%S.%f")
    if column == "changes":
        return json.dumps({**json.loads(value), "tampered": [None, 1]})
    if column in ("prev_hash", "hash"):
        return ("1" if value[0] == "0" else "0") + value[1:]
    return (value or "") + "x"


def _rehash_from(db: sqlite3.Connection, k: int) -> None:
    """What a careful forger does: recompute the chain from seq k on and move the head."""
    prev = db.execute("SELECT hash FROM event WHERE seq = ?", (k - 1,)).fetchone()
    prev_hash = prev[0] if prev else eventlog.GENESIS
    rows = db.execute(f"SELECT {', '.join(COLUMNS)} FROM event WHERE seq >= ? ORDER BY seq",
                      (k,)).fetchall()
    for row in rows:
        r = dict(zip(COLUMNS, row, strict=True))
        content = {c: r[c] for c in COLUMNS[:12]}
        content["at"] = r["at"].replace(" ", "T") + "Z"
        content["changes"] = json.loads(r["changes"])
        new = eventlog.chain_hash(prev_hash, content)
        db.execute("UPDATE event SET prev_hash = ?, hash = ? WHERE seq = ?",
                   (prev_hash, new, r["seq"]))
        prev_hash = new
    last = db.execute("SELECT max(seq) FROM event").fetchone()[0] or 0
    db.execute("UPDATE log_head SET seq = ?, hash = ?", (last, prev_hash))


def tamper(path: str, kind: str, data: st.DataObject, anchor_seq: int) -> str:
    db = sqlite3.connect(path)
    db.execute("DROP TRIGGER event_no_update")
    db.execute("DROP TRIGGER event_no_delete")
    last = db.execute("SELECT max(seq) FROM event").fetchone()[0]
    pick = data.draw(st.integers(1, last), label="seq")
    what = kind
    if kind == "field":
        column = data.draw(st.sampled_from(COLUMNS), label="column")
        value = db.execute(f"SELECT {column} FROM event WHERE seq = ?", (pick,)).fetchone()[0]
        db.execute(f"UPDATE event SET {column} = ? WHERE seq = ?",
                   (_changed(column, value, last), pick))
        what = f"field {column} of {pick}"
    elif kind == "delete":
        db.execute("DELETE FROM event WHERE seq = ?", (pick,))
    elif kind == "insert":
        row = db.execute(f"SELECT {', '.join(COLUMNS)} FROM event WHERE seq = ?",
                         (pick,)).fetchone()
        r = dict(zip(COLUMNS, row, strict=True))
        r["seq"] = last + 1
        r["prev_hash"] = db.execute("SELECT hash FROM event WHERE seq = ?", (last,)).fetchone()[0]
        db.execute(f"INSERT INTO event ({', '.join(COLUMNS)}) VALUES "
                   f"({', '.join('?' for _ in COLUMNS)})", [r[c] for c in COLUMNS])
        if data.draw(st.booleans(), label="bogus hash"):
            db.execute("UPDATE event SET hash = ? WHERE seq = ?", ("f" * 64, last + 1))
        else:  # correctly chained, but the head was not moved
            _rehash_from(db, last + 1)
            db.execute("UPDATE log_head SET seq = ?, hash = (SELECT hash FROM event "
                       "WHERE seq = ?)", (last, last))
        what = f"insert a copy of {pick} as {last + 1}"
    elif kind == "swap":
        other = data.draw(st.integers(1, last).filter(lambda s: s != pick), label="other")
        cols = COLUMNS[1:]
        a = db.execute(f"SELECT {', '.join(cols)} FROM event WHERE seq = ?", (pick,)).fetchone()
        b = db.execute(f"SELECT {', '.join(cols)} FROM event WHERE seq = ?", (other,)).fetchone()
        sets = ", ".join(f"{c} = ?" for c in cols)
        db.execute(f"UPDATE event SET {sets} WHERE seq = ?", (*b, pick))
        db.execute(f"UPDATE event SET {sets} WHERE seq = ?", (*a, other))
        what = f"swap {pick} and {other}"
    elif kind == "truncate":
        keep = data.draw(st.integers(0, anchor_seq - 1), label="keep")
        db.execute("DELETE FROM event WHERE seq > ?", (keep,))
        if data.draw(st.booleans(), label="move head"):
            head = db.execute("SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1").fetchone()
            db.execute("UPDATE log_head SET seq = ?, hash = ?", head or (0, eventlog.GENESIS))
        what = f"truncate after {keep}"
    elif kind == "rewrite":
        k = data.draw(st.integers(1, anchor_seq), label="from")
        db.execute("UPDATE event SET reason = coalesce(reason, '') || ' (rewritten)' "
                   "WHERE seq = ?", (k,))
        _rehash_from(db, k)
        what = f"consistent rewrite from {k}"
    db.commit()
    db.close()
    return what


KINDS = ("field", "delete", "insert", "swap", "truncate", "rewrite")


@settings(max_examples=30)
@given(history=ops, anchor_frac=st.floats(0, 1), kind=st.none() | st.sampled_from(KINDS),
       data=st.data())
def test_every_tampering_is_detected(history: list[tuple[int, str]], anchor_frac: float,
                                     kind: str | None, data: st.DataObject) -> None:
    with fresh_room() as room:
        statement = build(room, history, int(anchor_frac * len(history)))
        anchor = audit.anchor_from_json(statement, "checkpoint")
        path = room.url.removeprefix("sqlite:///")
        what = "nothing" if kind is None else tamper(path, kind, data, anchor.seq)
        with room.uow(write=False) as uow:
            result = audit.verify(uow, [anchor], key=KEY, batch=4)
        if kind is None:
            assert result.ok, result.to_dict()
        else:
            assert not result.ok, what
            assert result.first is not None and result.first.seq is not None

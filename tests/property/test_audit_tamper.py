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
from mediation.db.engines import release_engine
from tests.audit_support import new_case
from tests.conftest import Room, make_room

KEY = b"property-test-key-0123456789"
PATH = ("accept", "mediate", "session", "agree", "confirm", "feedback")
COLUMNS = ("seq", "at", "committee_id", "case_id", "actor", "role", "action", "from_state",
           "to_state", "version", "reason", "changes", "prev_hash", "hash", "occurred_at",
           "content_version")

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
                "feedback": {"channel": "phone", "to": "张三"},
            }
            room.run(steps.STEPS[trigger], None, cid, **extra.get(trigger, {}))
            cases[index] = (cid, done + 1)
    if not statement:
        statement = room.run(audit.checkpoint, None, KEY)
    return statement


def _changed(column: str, value: Any, last: int) -> Any:
    if column == "seq":
        return last + 100
    if column in ("committee_id", "case_id", "version", "content_version"):
        return (value or 0) + 1
    if column in ("at", "occurred_at"):
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
        if r["content_version"] == 2:  # docs/audit.md §2: when it happened, and the version
            content["occurred_at"] = r["occurred_at"].replace(" ", "T") + "Z"
            content["content_version"] = 2
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


# ---- the case file: every column of every table of it is bound to the log -------------------


def rich_history(room: Room) -> list[int]:
    """Cases whose files use every case-file table: parties, mediators, sessions, agreements
    (one superseded), an extension, a follow-up, a judicial confirmation, a prevention, an urging,
    feedbacks."""
    from datetime import date

    from tests.audit_support import full_history

    closed = full_history(room)
    cid = new_case(room, category="03")
    room.run(steps.accept, None, cid)
    room.run(steps.extend, None, cid, days=10, reason="当事人出差", consent=True)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.run(steps.prevent, None, cid, kind="group_fight", persons=2)
    room.run(steps.session, None, cid, minutes="双方到场。", place="调解室", attendees="张三、李四")
    room.run(steps.agree, None, cid, terms="赔偿600元。", written=True, amount=600,
             due=date(2030, 1, 1))
    room.run(steps.confirm, None, cid)
    room.run(steps.remediate, None, cid, reason="一方反悔", consent=True)
    room.run(steps.assign, None, cid, mediator="zhaomin", co_mediators=["liming"])
    room.run(steps.agree, None, cid, terms="赔偿800元。", written=True, amount=800)
    room.run(steps.confirm, None, cid)
    room.clock.advance(days=1)
    room.run(steps.judicial, None, cid, court="岳麓区人民法院", filed_on=room.clock().date())
    room.run(steps.judicial, None, cid, result="confirmed", decided_on=room.clock().date())
    room.clock.advance(days=1)
    room.run(steps.visit, None, cid, satisfaction="satisfied", performance="partial",
             note="已付一半", visited="李四")
    room.run(steps.urge, None, cid, note="电话督促李四履行")
    room.run(steps.feedback, None, cid, to="张三", channel="phone", note="已告知张三")
    # partly performed: urged, then closed by the director with the reason (ready_to_close)
    room.run(steps.close, None, cid, reason="已督促履行，告知当事人可向法院起诉")
    return [closed, cid, new_case(room, category="04")]


def _other(value: Any, column: Any, ids: list[int]) -> Any:
    """A value of the column's type that differs from ``value``."""
    from datetime import date

    if column.key == "case_id" or (column.key == "id" and column.table.name == "cases"):
        return next((i for i in ids if i != value), value + 1000)
    if column.key == "id":
        return value + 1000
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, datetime):
        return value + timedelta(seconds=1)
    if isinstance(value, date):
        return value + timedelta(days=1)
    if value is None:
        python = column.type.python_type
        return {int: 7, bool: True, datetime: datetime(2030, 1, 2, 3, 4, 5),
                date: date(2030, 1, 2)}.get(python, "x")
    return str(value) + "x"


@settings(max_examples=60)
@given(data=st.data())
def test_every_edit_of_the_case_file_is_found_with_its_case_and_field(
        room: Room, data: st.DataObject) -> None:
    from hypothesis import assume, note
    from sqlalchemy import exc, select, update

    from mediation.db import casefile_changes

    if not hasattr(room, "_cases"):
        room._cases = rich_history(room)  # type: ignore[attr-defined]  # built once per backend
        with room.uow(write=False) as uow:
            assert audit.verify(uow).ok  # untouched, the whole file verifies
    ids: list[int] = room._cases  # type: ignore[attr-defined]
    table_name = data.draw(st.sampled_from(sorted(casefile_changes.TABLES)), label="table")
    table = casefile_changes.TABLES[table_name]
    with room.engine.connect() as conn:
        rows = conn.execute(select(table).order_by(table.c.id)).all()
    row = data.draw(st.sampled_from(rows), label="row")._mapping
    column = table.c[data.draw(st.sampled_from([c.key for c in table.columns]), label="column")]
    old = row[column.key]
    new = _other(old, column, ids)
    case_id = row["id"] if table_name == "cases" else row["case_id"]
    note(f"{table_name}/{row['id']}.{column.key}: {old!r} -> {new!r}")
    try:
        with room.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == row["id"]).values({column: new}))
    except exc.IntegrityError:
        assume(False)  # the database itself refuses this edit (a foreign key, ...)
    try:
        with room.uow(write=False) as uow:
            result = audit.verify(uow)
    finally:
        key = new if column.key == "id" else row["id"]
        with room.engine.begin() as conn:
            conn.execute(update(table).where(table.c.id == key).values({column: old}))
    assert not result.ok
    found = [(f.kind, f.case_id, f.field) for f in result.findings]
    if column.key in ("id", "case_id"):
        assert {case_id, new} & {c for _, c, _ in found}, found
    else:
        assert (audit.Kind.field, case_id, f"{table_name}/{row['id']}.{column.key}") in found, \
            found

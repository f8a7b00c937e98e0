"""An outsider's verifier, written from docs/audit.md alone (sqlite3, hashlib, json), agrees with
ours: on an untouched log, and on the first bad event of a tampered one."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

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
    db.text_factory = bytes  # decoded below, strictly: text that is not UTF-8 is a bad event
    keys = ("seq at committee_id case_id actor role action from_state to_state version reason "
            "changes occurred_at content_version").split()
    canonical: dict[str, Any] = {"sort_keys": True, "ensure_ascii": False,
                                 "separators": (",", ":")}
    prev_seq, prev_hash = 0, "0" * 64
    for raw in db.execute(f"SELECT {', '.join(keys)}, prev_hash, hash FROM event ORDER BY seq"):
        try:  # §1, §4: UTF-8 text, changes exactly as canonical JSON writes them, no floats
            row = [v.decode("utf-8") if isinstance(v, bytes) else v for v in raw]
            content = dict(zip(keys, row[:14], strict=True))
            if content["content_version"] == 1:  # §2: twelve keys before migration 0010
                del content["occurred_at"], content["content_version"]
            else:
                assert content["content_version"] == 2 and content["occurred_at"] is not None
                content["occurred_at"] = content["occurred_at"].replace(" ", "T") + "Z"
            content["at"] = content["at"].replace(" ", "T") + "Z"
            content["changes"] = json.loads(row[11], parse_float=Decimal, parse_constant=Decimal)
            text = json.dumps(content, **canonical)
            assert json.dumps(content["changes"], **canonical) == row[11]
        except (UnicodeDecodeError, ValueError, TypeError, AssertionError, AttributeError):
            return int(min(raw[0], prev_seq + 1))
        data = row[14].encode("ascii") + b"\n" + text.encode("utf-8")
        if (row[0] != prev_seq + 1 or row[14] != prev_hash
                or hashlib.sha256(data).hexdigest() != row[15]):
            return int(min(row[0], prev_seq + 1))
        prev_seq, prev_hash = row[0], row[15]
    head = db.execute("SELECT seq, hash FROM log_head").fetchone() or (0, b"0" * 64)
    return None if (head[0], head[1].decode()) == (prev_seq, prev_hash) else prev_seq + 1


HASHED = {"cases": "summary requests advice referral_ref", "party": "name birth_date id_number "
          "phone address guardian_name guardian_relation guardian_phone",
          "mediation_session": "place attendees minutes", "agreement": "terms superseded_reason",
          "extension": "reason", "follow_up": "note visited measures escalation",
          "judicial_confirmation": "court", "urging": "note", "feedback": "recipient note"}
TABLES = ("cases party case_mediator mediation_session agreement extension follow_up "
          "judicial_confirmation prevention urging feedback").split()


def outsider_case_files(path: str) -> list[tuple[int, str]]:
    """docs/audit.md §7: each format-2 case's rows against the replay of its events' ``file``;
    the (case id, first differing row or field) of every case that differs."""
    db = sqlite3.connect(path)
    key = bytes.fromhex(db.execute("SELECT value FROM setting WHERE key = 'id_hash_key'")
                        .fetchone()[0])

    def recorded(table: str, column: str, value: Any, kind: str) -> Any:
        if value is not None and kind == "DATETIME":  # §3: SQLite's text, as the events write it
            value = value.replace(" ", "T") + "Z"
        if value is not None and kind == "BOOLEAN":
            value = bool(value)
        if value is None or column not in HASHED.get(table, "").split():
            return value
        mac = hmac.new(key, b"mediation-casefile\x00" + str(value).encode(), hashlib.sha256)
        return mac.hexdigest()[:32]

    files: dict[int, dict[str, Any] | None] = {}
    for cid, changes in db.execute("SELECT case_id, changes FROM event WHERE case_id IS NOT "
                                   "NULL ORDER BY seq"):
        file = json.loads(changes).get("file")
        if cid not in files:
            files[cid] = {} if file else None  # a case registered before format 2: not compared
        rebuilt = files[cid]
        if file and rebuilt is not None:
            for row, values in file[1].items():
                if values is None or file[0].get(row, 0) is None:  # deleted, or inserted anew
                    rebuilt.pop(row, None)
                if values is not None:
                    rebuilt.setdefault(row, {}).update(values)
    stored: dict[int, dict[str, Any]] = {}
    for table in TABLES:
        cols = [(c[1], c[2]) for c in db.execute(f"PRAGMA table_info({table})")]
        for r in db.execute(f"SELECT {', '.join(c for c, _ in cols)} FROM {table}"):
            row = dict(zip([c for c, _ in cols], r, strict=True))
            stored.setdefault(row["id"] if table == "cases" else row["case_id"], {})[
                f"{table}/{row['id']}"] = {c: recorded(table, c, row[c], kind) for c, kind in cols
                                            if c not in ("id", "case_id")}
    bad = []
    for cid, file in files.items():
        rows = stored.get(cid, {})
        for n in sorted(file.keys() | rows.keys() if file is not None else (), key=lambda n: (
                TABLES.index(n.split("/")[0]), int(n.split("/")[1]))):
            assert file is not None
            if n not in file or n not in rows:
                bad.append((cid, n))
                break
            column = next((c for c in rows[n] if file[n].get(c) != rows[n][c]), None)
            if column is not None:
                bad.append((cid, f"{n}.{column}"))
                break
    return bad


DOCS = Path(__file__).resolve().parents[2] / "docs"
# docs/audit.md §5 rule 5: the one step of an earlier table the log may still hold.
LEGACY = {("feedback", s, "closed") for s in ("confirmed", "terminated", "declined")}


def outsider_transitions(path: str) -> list[tuple[int, int | None]]:
    """docs/audit.md §5 rule 5, with the transition table read from docs/workflow.md: the
    (case id, seq) of each case's first versioned event that could not have happened, with seq
    None when the case row's state or version is not its last event's."""
    allowed = set(LEGACY)
    row = re.compile(r"^\| `(\w+)` \| [^|]* \| ([^|]*) \| ([^|]*) \|")
    for line in (DOCS / "workflow.md").read_text("utf-8").splitlines():
        if m := row.match(line):
            for state in m[2].split(","):
                to = state.strip() if m[3].strip() == "(stays)" else m[3].strip()
                allowed.add((m[1], state.strip(), to))
    db = sqlite3.connect(path)
    last: dict[int, tuple[str, int]] = {}
    bad: dict[int, int | None] = {}
    for seq, cid, action, from_state, to_state, version in db.execute(
            "SELECT seq, case_id, action, from_state, to_state, version FROM event "
            "WHERE case_id IS NOT NULL AND version IS NOT NULL ORDER BY seq"):
        state, previous = last.get(cid, (None, 0))
        if state is None:
            ok = (action, from_state, to_state) == ("new", None, "intake")
        else:
            ok = from_state == state and (action, from_state, to_state) in allowed
        if cid not in bad and (version != previous + 1 or not ok):
            bad[cid] = seq
        last[cid] = (to_state, version)
    for cid, state, version in db.execute("SELECT id, state, version FROM cases"):
        if cid not in bad and last.get(cid) != (state, version):
            bad[cid] = None
    return sorted(bad.items())
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


@pytest.mark.parametrize("changes", [
    b'{"fields":[null,["phone"]],"fields":[null,["phone"]]}',  # a duplicate key
    b'{"fields": [null, ["phone"]]}',  # spacing
    b'{"z":1,"fields":[null,["phone"]]}',  # key order
    b'{"fields":[null,["phone"]],"x":1.0}',  # a float
    b'{"fields":[null,["\xff"]]}',  # not UTF-8
])
def test_outsider_and_ours_refuse_changes_that_are_not_canonical(room: Room,
                                                                  changes: bytes) -> None:
    """Rehashed so that only the strict reading of the changes can tell (docs/audit.md §4)."""
    full_history(room)
    seq = _reveal_seq(room)
    db = sqlite3.connect(_path(room))
    db.execute("DROP TRIGGER event_no_update")
    db.execute("UPDATE event SET changes = CAST(? AS TEXT) WHERE seq = ?", (changes, seq))
    db.commit()
    db.close()
    _rehash(room, seq)
    assert outsider_verify(_path(room)) == seq == _ours(room)


def test_outsider_and_ours_find_an_altered_occurrence_time(room: Room) -> None:
    """Issue 15: when a step happened is under the hash (content version 2), like when it was
    recorded; turning an event back into version 1 is found too."""
    full_history(room)
    seq = _reveal_seq(room) - 1
    with room.engine.begin() as conn:
        drop_triggers(conn)
        conn.execute(text("UPDATE event SET occurred_at = '2026-01-01 00:00:00.000000' "
                          f"WHERE seq = {seq}"))
    assert outsider_verify(_path(room)) == seq == _ours(room)
    with room.engine.begin() as conn:
        conn.execute(text(f"UPDATE event SET occurred_at = at WHERE seq = {seq}"))
    assert outsider_verify(_path(room)) is None is _ours(room)
    with room.engine.begin() as conn:
        conn.execute(text(f"UPDATE event SET content_version = 1 WHERE seq = {seq}"))
    assert outsider_verify(_path(room)) == seq == _ours(room)
    with room.engine.begin() as conn:
        conn.execute(text(f"UPDATE event SET content_version = 3 WHERE seq = {seq}"))
    assert outsider_verify(_path(room)) == seq == _ours(room)


def test_a_duplicate_file_key_in_an_event_of_the_case_file_is_refused(room: Room) -> None:
    """{"file": [fake], ..., "file": [real]}: read one way by one JSON reader and another way by
    the next; rehashed, only the strict reading of the changes can tell."""
    full_history(room)
    db = sqlite3.connect(_path(room))
    db.execute("DROP TRIGGER event_no_update")
    text_ = db.execute("SELECT changes FROM event WHERE action = 'new'").fetchone()[0]
    seq = db.execute("SELECT seq FROM event WHERE action = 'new'").fetchone()[0]
    db.execute("UPDATE event SET changes = ? WHERE seq = ?",
               ('{"file":[null,{}],' + text_[1:], seq))
    db.commit()
    db.close()
    _rehash(room, seq)
    assert outsider_verify(_path(room)) == seq == _ours(room)
    with room.uow(write=False) as uow:
        first = audit.verify(uow).first
    assert first is not None and first.kind == audit.Kind.content


def _reveal_seq(room: Room) -> int:
    with room.engine.connect() as conn:
        return int(conn.execute(text("SELECT min(seq) FROM event WHERE action = 'reveal'"))
                   .scalar_one())


def _rehash(room: Room, k: int) -> None:
    """A careful forger: the chain recomputed from event k on (the changes' bytes hashed as
    stored) and the head moved, so that every hash holds."""
    db = sqlite3.connect(_path(room))
    db.text_factory = bytes
    prev = db.execute("SELECT hash FROM event WHERE seq = ?", (k - 1,)).fetchone()[0].decode()
    cols = ("seq at committee_id case_id actor role action from_state to_state version reason "
            "changes occurred_at content_version").split()
    for row in db.execute(f"SELECT {', '.join(cols)} FROM event WHERE seq >= ? ORDER BY seq",
                          (k,)).fetchall():
        r = dict(zip(cols, row, strict=True))
        parts = []
        for c in sorted(cols if r["content_version"] == 2 else cols[:12]):
            v = r[c]
            if c in ("at", "occurred_at"):
                v = json.dumps(v.decode().replace(" ", "T") + "Z").encode()
            elif c == "changes":
                pass  # spliced as stored: what the chain hashes is the column's bytes
            elif isinstance(v, bytes):
                v = json.dumps(v.decode(), ensure_ascii=False).encode()
            else:
                v = json.dumps(v).encode()
            parts.append(b'"' + c.encode() + b'":' + v)
        h = hashlib.sha256(prev.encode() + b"\n{" + b",".join(parts) + b"}").hexdigest()
        db.execute("UPDATE event SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, r["seq"]))
        prev = h
    db.execute("UPDATE log_head SET seq = (SELECT max(seq) FROM event), hash = ?", (prev,))
    db.commit()
    db.close()


def test_outsider_compares_the_case_files_like_ours(room: Room) -> None:
    cid = full_history(room)
    other = new_case(room, category="01")
    assert outsider_case_files(_path(room)) == []
    assert _ours(room) is None
    with room.engine.begin() as conn:
        conn.execute(text(f"UPDATE agreement SET amount_fen = 6000000 WHERE case_id = {cid}"))
        conn.execute(text(f"UPDATE party SET phone = '13900000000' WHERE case_id = {other}"))
    with room.engine.connect() as conn:
        agreement = conn.execute(text(f"SELECT id FROM agreement WHERE case_id = {cid}")).scalar()
    found = outsider_case_files(_path(room))
    assert found[0] == (cid, f"agreement/{agreement}.amount_fen") and found[1][0] == other
    with room.uow(write=False) as uow:
        ours = [(f.case_id, f.field) for f in audit.verify(uow).findings]
    assert ours == found


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


def test_outsider_judges_each_step_by_the_documented_table_like_ours(room: Room) -> None:
    """Issue 12: a correctly chained event the workflow does not allow (accepted -> closed) is
    found by the outsider, reading the table in docs/workflow.md, at the same case and seq as
    ours; every step of an untouched history is allowed."""
    from mediation import steps
    from mediation.db import eventlog

    full_history(room)
    cid = new_case(room, category="01")
    room.run(steps.accept, None, cid)
    room.run(steps.assign, None, cid, mediator="liming")
    assert outsider_transitions(_path(room)) == []
    with room.engine.begin() as conn:
        eventlog.append(conn, at=room.clock(), actor="wangfang", role="director",
                        action="close", committee_id=1, case_id=cid,
                        from_state="accepted", to_state="closed", version=4)
        conn.execute(text(f"UPDATE cases SET state = 'closed', version = 4 WHERE id = {cid}"))
        seq = conn.execute(text("SELECT max(seq) FROM event")).scalar_one()
    assert outsider_verify(_path(room)) is None  # the chain holds
    assert outsider_transitions(_path(room)) == [(cid, seq)]
    with room.uow(write=False) as uow:
        ours = [(f.case_id, f.seq) for f in audit.verify(uow).findings
                if f.kind == audit.Kind.transition]
    assert ours == [(cid, seq)]


def test_outsider_finds_a_case_row_that_is_not_its_last_event(room: Room) -> None:
    cid = full_history(room)
    assert outsider_transitions(_path(room)) == []
    with room.engine.begin() as conn:
        conn.execute(text(f"UPDATE cases SET state = 'declined' WHERE id = {cid}"))
    assert outsider_transitions(_path(room)) == [(cid, None)]
    with room.uow(write=False) as uow:
        first = audit.verify(uow).first
    assert first is not None and (first.case_id, first.kind) == (cid, audit.Kind.replay)

"""verify(): an untouched log verifies; anchors, checkpoints and tampering are judged right."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from mediation import audit, steps
from mediation.audit import Anchor, Kind
from mediation.core.errors import IntegrityFailure, PermissionDenied
from mediation.db.audit_schema import drop_triggers
from tests.audit_support import full_history, new_case
from tests.conftest import Room, make_room

KEY = b"k" * 32


def _verify(room: Room, anchors: list[Anchor] | None = None, key: bytes | None = None,
            batch: int = 3) -> audit.VerifyResult:
    with room.uow(write=False) as uow:
        return audit.verify(uow, anchors or [], key=key, batch=batch)


def _tamper(room: Room, *sql: str) -> None:
    with room.engine.begin() as conn:
        drop_triggers(conn)
        for s in sql:
            conn.execute(text(s))


def _head(room: Room) -> tuple[int, str]:
    with room.engine.connect() as conn:
        row = conn.execute(text("SELECT seq, hash FROM log_head")).one()
    return int(row[0]), str(row[1])


def test_untouched_log_verifies_with_small_batches(room: Room) -> None:
    full_history(room)
    new_case(room, category="01")
    result = _verify(room)
    assert result.ok, result.to_dict()
    assert result.events == _head(room)[0] and result.head == _head(room)
    assert result.cases == 2
    assert audit.require_ok(result) is result


def test_manifest_and_signed_checkpoint_anchors(room: Room, tmp_path: Path) -> None:
    full_history(room)
    seq, value = _head(room)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"log_head": {"seq": seq, "hash": value}}))
    statement = room.run(audit.checkpoint, None, KEY)
    assert statement["log_head"]["seq"] == seq + 1
    cp = tmp_path / "cp.json"
    cp.write_text(json.dumps(statement))
    anchors = [audit.anchor_from_file(manifest), audit.anchor_from_file(cp)]
    result = _verify(room, anchors[1:], key=KEY)
    assert result.ok, result.to_dict()
    assert [a.signature for a in result.anchors] == ["valid"] and not result.unchecked
    # Without the key both are accepted, and reported unchecked.
    result = _verify(room, anchors)
    assert result.ok, result.to_dict()
    assert [a.signature for a in result.anchors] == ["none", "unchecked"]
    assert all(a.found for a in result.anchors)
    assert result.to_dict()["unchecked_anchors"] == [str(manifest), str(cp)]
    # With the key, an unsigned anchor (a manifest) is refused.
    bad = _verify(room, anchors, key=KEY)
    assert bad.first is not None and bad.first.kind == Kind.signature
    assert [a.signature for a in bad.anchors] == ["unsigned", "valid"]
    # With another key, or an altered statement, it fails.
    bad = _verify(room, anchors, key=b"x" * 32)
    assert bad.first is not None and bad.first.kind == Kind.signature
    altered = dict(statement, signer={"username": "someone", "role": "auditor"})
    bad = _verify(room, [audit.anchor_from_json(altered, "altered")], key=KEY)
    assert bad.first is not None and bad.first.kind == Kind.signature
    # A head published beyond the end of the log means truncation.
    beyond = Anchor("future.json", seq + 5, "0" * 64)
    bad = _verify(room, [beyond])
    assert bad.first is not None and bad.first.kind == Kind.anchor_missing


def test_checkpoint_needs_permission(room: Room) -> None:
    with pytest.raises(PermissionDenied):
        room.run(audit.checkpoint, room.mediator, KEY)


def test_tampering_is_found_at_its_seq(room: Room) -> None:
    full_history(room)
    _tamper(room, "UPDATE event SET reason = 'nothing to see' WHERE seq = 5")
    result = _verify(room)
    assert result.first is not None
    assert (result.first.seq, result.first.kind) == (5, Kind.hash)
    with pytest.raises(IntegrityFailure) as info:
        audit.require_ok(result)
    assert info.value.exit_code == 4 and "5" in info.value.render()


def test_deleted_event_is_a_gap(room: Room) -> None:
    full_history(room)
    _tamper(room, "DELETE FROM event WHERE seq = 6")
    result = _verify(room)
    assert result.first is not None and (result.first.seq, result.first.kind) == (6, Kind.seq_gap)


def test_an_illegal_transition_with_a_correct_hash_is_caught(room: Room) -> None:
    """accepted -> closed, appended behind the application's back but correctly chained: the
    chain holds, the transition table does not."""
    from mediation.db import eventlog

    cid = new_case(room)
    room.run(steps.accept, None, cid)
    with room.engine.begin() as conn:
        eventlog.append(conn, at=room.clock(), actor="wangfang", role="director",
                        action="feedback", committee_id=1, case_id=cid,
                        from_state="accepted", to_state="closed", version=3)
        conn.execute(text(f"UPDATE cases SET state = 'closed', version = 3 WHERE id = {cid}"))
    result = _verify(room)
    assert not result.ok
    bad = [f for f in result.findings if f.kind == Kind.transition]
    assert [(f.seq, f.case_id) for f in bad] == [(_head(room)[0], cid)], result.to_dict()
    assert "feedback" in bad[0].detail.render()


def test_case_row_must_equal_its_replay(room: Room) -> None:
    cid = new_case(room)
    _tamper(room, f"UPDATE cases SET state = 'closed' WHERE id = {cid}")
    result = _verify(room)
    assert result.first is not None and result.first.kind == Kind.replay


@pytest.mark.postgres
def test_postgres_verifies_and_detects(pg_url: str) -> None:
    room = make_room(pg_url)
    full_history(room)
    assert _verify(room).ok
    _tamper(room, "UPDATE event SET actor = 'ghost' WHERE seq = 4")
    result = _verify(room)
    assert result.first is not None and (result.first.seq, result.first.kind) == (4, Kind.hash)


def test_events_hold_no_readable_personal_data(room: Room) -> None:
    full_history(room)
    with room.engine.connect() as conn:
        changes = " ".join(r[0] for r in conn.execute(text("SELECT changes FROM event")))
    for secret in ("430104198003120014", "13812345678", "\"张三\"", "桐梓坡路8栋502"):
        assert secret not in changes
    assert "张某" in changes and "430***********0014" in changes


def test_cases_registered_before_format_2_are_checked_by_state_only(
        room: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    """Events written before the case file was recorded carry no ``file``: such a case's state
    and version are checked, its fields are not (docs/audit.md §7)."""
    from mediation.db import casefile_changes

    with monkeypatch.context() as m:
        # as the old code wrote them
        m.setattr(casefile_changes, "take", lambda conn, case_id: None)
        old = new_case(room)
        room.run(steps.accept, None, old)
    new = new_case(room, category="01")
    room.run(steps.accept, None, new)
    result = _verify(room)
    assert result.ok and (result.cases, result.whole_files) == (2, 1), result.to_dict()
    _tamper(room, f"UPDATE party SET phone = '13900000000' WHERE case_id IN ({old}, {new})")
    result = _verify(room)
    assert [(f.kind, f.case_id) for f in result.findings] == [(Kind.field, new)]
    assert result.first is not None and result.first.field is not None
    assert result.first.field.startswith("party/") and result.first.field.endswith(".phone")


def test_events_record_the_case_file_without_personal_data(room: Room) -> None:
    cid = full_history(room)
    with room.engine.connect() as conn:
        first = conn.execute(text(f"SELECT changes FROM event WHERE case_id = {cid} "
                                  "ORDER BY seq LIMIT 1")).scalar_one()
    file = json.loads(first)["file"]
    assert file[0] == {name: None for name in file[1]}  # every row inserted
    assert f"cases/{cid}" in file[1] and sum(k.startswith("party/") for k in file[1]) == 2
    recorded = json.dumps(file, ensure_ascii=False)  # the readable summary is the privacy rule's
    for secret in ("张三", "13812345678", "430104198003120014", "桐梓坡路", "1980-03-12", "漏水"):
        assert secret not in recorded


def test_every_free_text_column_retention_redacts_is_recorded_as_a_hash() -> None:
    from mediation import retention
    from mediation.db import casefile_changes

    for model, columns in retention.TEXT_FIELDS.items():
        table = model.__table__.name
        if table not in casefile_changes.TABLES:
            continue  # the grid worker's report a case came from: not the case file
        assert set(columns) <= casefile_changes.HASHED[table], table

"""Personal values kept out of the immutable log (mediation/db/kept.py): a party's name
corrected after acceptance shows as it changed (罗红 → 罗宏) in ``case history`` and the audit
timeline to a reader who may see names, masked (罗某 → 罗某) to one who may not, and the event
holds neither; a lead's place is in no new ``lead_report`` event. ``audit verify`` binds each kept
value to the keyed hash its event recorded; retention deletes them with their case or lead (and
tests/property/test_retention_covers_everything.py writes secrets into them)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from mediation import audit, committee, corrections, leads, queries, retention, steps
from mediation.access.policy import Actor
from mediation.audit import timeline
from mediation.audit.findings import Finding
from mediation.tables import EventView
from tests.audit_support import new_case
from tests.conftest import Room


def _auditor(room: Room) -> Actor:
    with room.uow() as uow:
        committee.add_staff(uow, room.director, username="sunli", name="孙丽", role="auditor")
        uow.commit()
    with room.uow(write=False) as uow:
        return committee.resolve_actor(uow, "sunli")


def _corrected(room: Room, *, accept: bool = True) -> tuple[int, int]:
    """A case whose applicant 罗红 is corrected to 罗宏 (after acceptance); (case, event seq)."""
    cid = new_case(room, summary="罗红与李四因漏水争吵", parties=[
        {"role": "applicant", "kind": "person", "name": "罗红", "sex": "female",
         "phone": "13812345678"},
        {"role": "respondent", "kind": "person", "name": "李四"}])
    if accept:
        room.run(steps.accept, None, cid)
    done = room.run(corrections.amend, None, cid, reason="姓名写错",
                    edit_parties={1: {"name": "罗宏"}})
    return cid, done.event


def _amend(views: Sequence[EventView]) -> Any:
    """The parties before and after of the case's correction, as the reader sees them."""
    return next(v.changes for v in views if v.action == "amend")["parties"]


def _verified(room: Room) -> list[Finding]:
    with room.uow(write=False) as uow:
        return list(audit.verify(uow).findings)


def _stored(room: Room, sql: str) -> list[tuple[object, ...]]:
    with room.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def test_a_name_corrected_shows_what_changed_to_whoever_may_see_names(room: Room) -> None:
    cid, seq = _corrected(room)
    for reader in (room.director, room.mediator):
        if reader is room.mediator:
            room.run(steps.mediate, None, cid, mediator=reader.username, rights_notified=True)
        with room.uow(write=False) as uow:
            before, after = _amend(queries.history(uow, reader, cid))
        assert (before[0]["name"], after[0]["name"]) == ("罗红", "罗宏"), reader.role
    auditor = _auditor(room)
    with room.uow(write=False) as uow:
        before, after = _amend(queries.history(uow, auditor, cid))
        shown = json.dumps([e.model_dump() for e in timeline.log(uow, auditor)],
                           ensure_ascii=False)
    assert (before[0]["name"], after[0]["name"]) == ("罗某", "罗某")
    assert "罗红" not in shown and "罗宏" not in shown
    with room.uow(write=False) as uow:  # the director's audit timeline shows them too
        director = json.dumps(timeline.case_timeline(uow, room.director, str(cid)),
                              ensure_ascii=False)
    assert "罗红" in director and "罗宏" in director
    # the log holds neither name: the kept row holds both, the event their keyed hashes
    (changes,) = _stored(room, f"SELECT changes FROM event WHERE seq = {seq}")[0]
    assert "罗红" not in str(changes) and "罗宏" not in str(changes)
    assert _stored(room, "SELECT seq, field, before, after FROM kept_value") == [
        (seq, "name", "罗红", "罗宏")]
    assert _verified(room) == []


def test_a_kept_value_changed_behind_the_applications_back_fails_verification(
        room: Room) -> None:
    _corrected(room)
    room.run(leads.report, None, place="桐梓坡路8栋", seen="两户争吵")
    assert _verified(room) == []
    with room.engine.begin() as conn:
        conn.execute(text("UPDATE kept_value SET after = '罗红' WHERE field = 'name'"))
        conn.execute(text("UPDATE kept_value SET after = '别处' WHERE field = 'place'"))
    found = _verified(room)
    fields = sorted(str(f.field).split("/")[0] for f in found)
    assert fields == ["lead", "party"], found
    # deleted (as retention deletes them): nothing to bind, the log verifies
    with room.engine.begin() as conn:
        conn.execute(text("DELETE FROM kept_value"))
    assert _verified(room) == []


def test_a_leads_place_is_kept_out_of_its_report_event(room: Room) -> None:
    lead = room.run(leads.report, None, place="桐梓坡路8栋", seen="两户争吵")
    (changes,) = _stored(room, "SELECT changes FROM event WHERE action = 'lead_report'")[0]
    assert "桐梓坡" not in str(changes) and '"kept"' in str(changes)
    with room.uow(write=False) as uow:  # the audit log shows it, from the kept row
        view = next(v for v in timeline.log(uow, room.director) if v.action == "lead_report")
    assert view.changes["place"] == [None, "桐梓坡路8栋"] and "kept" not in view.changes
    room.clock.advance(days=3)
    room.run(retention.set_days, None, 2)
    assert room.run(retention.apply, None)["erased"]["lead"] == [lead["id"]]
    assert _stored(room, "SELECT * FROM kept_value") == []
    with room.uow(write=False) as uow:
        view = next(v for v in timeline.log(uow, room.director) if v.action == "lead_report")
    assert "place" not in view.changes
    assert _verified(room) == []


def test_retention_deletes_a_cases_kept_names(room: Room) -> None:
    cid, _ = _corrected(room, accept=False)
    room.run(steps.decline, None, cid, reason="party_refuses", advice="告知其他途径")
    assert len(_stored(room, "SELECT id FROM kept_value")) == 1
    room.clock.advance(days=3)
    room.run(retention.set_days, None, 2)
    assert len(room.run(retention.apply, None)["anonymised"]) == 1
    assert _stored(room, "SELECT id FROM kept_value") == []
    # the summary written before the correction named her 罗红: masked too (the kept name)
    summary = _stored(room, f"SELECT summary FROM cases WHERE id = {cid}")
    assert summary == [("罗某与李某因漏水争吵",)]
    (changes,) = _stored(room, "SELECT changes FROM event WHERE action = 'anonymise'")[0]
    assert "kept_value" in str(changes)
    with room.uow(write=False) as uow:  # the correction shows masked now, to every reader
        before, after = _amend(queries.history(uow, room.director, cid))
    assert (before[0]["name"], after[0]["name"]) == ("罗某", "罗某")
    assert _verified(room) == []

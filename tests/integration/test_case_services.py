"""The services against a real SQLite file: the whole road, refusals, duplicates, numbering."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlmodel import col, func, select

from mediation import committee, intake, queries, steps
from mediation.cases import Agreement, Case
from mediation.core.errors import (
    Conflict,
    DuplicateSuspected,
    InvalidInput,
    NotFound,
    PermissionDenied,
    Refused,
)
from mediation.db import eventlog
from mediation.tables import Event
from tests.conftest import Room, case_record


def new(room: Room, force: bool = False, **overrides: Any) -> dict[str, Any]:
    result: dict[str, Any] = room.run(intake.new_case, None,
                                      intake.parse_case(case_record(**overrides)), force=force)
    return result


def counts(room: Room, case_id: int) -> tuple[int, int, str]:
    with room.uow(write=False) as uow:
        case = uow.session.get(Case, case_id)
        assert case is not None
        events = uow.session.exec(select(func.count()).select_from(Event)
                                  .where(Event.case_id == case_id)).one()
        return int(events), case.version, case.state


def other_parties() -> list[dict[str, Any]]:
    record = copy.deepcopy(case_record())
    record["parties"][0].update(name="甲某", id_number="110105194912310021"[:17] + "X")
    return [{"role": "applicant", "name": "丙某"}, {"role": "respondent", "name": "丁某"}]


def test_the_whole_road(room: Room) -> None:
    c = new(room)
    assert c["number"].endswith("龙人调字第1号") and c["state"] == "intake"
    cid = c["id"]
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.run(steps.session, None, cid, minutes="双方陈述")
    room.run(steps.agree, None, cid, terms="李四于12月31日前赔偿张三500元", written=True,
             amount=Decimal("500"), due=date(2026, 12, 31))
    room.run(steps.confirm, None, cid)
    r = room.run(steps.visit, None, cid, visited="张三", performance="full",
                 satisfaction="satisfied", note="已履行")
    assert r.state == "confirmed" and r.version == 7  # a visit does not close the case
    r = room.run(steps.feedback, None, cid, to="张三", channel="phone")
    assert r.state == "confirmed" and r.version == 8
    r = room.run(steps.close, None, cid)
    assert r.state == "closed" and r.version == 9
    assert counts(room, cid) == (9, 9, "closed")
    with room.uow(write=False) as uow:
        view = queries.case_view(uow, room.director, c["number"])
    assert view.agreements[0].amount == "500.00" and view.agreements[0].effective_at
    assert view.follow_ups[0]["performance"] == "full"
    assert view.mediators[0]["username"] == "liming"
    assert all(view.dates[k] for k in ("registered", "accepted", "concluded", "confirmed",
                                       "fed_back", "closed"))
    assert view.parties[0].id_number == "430***********0014"
    assert view.parties[0].phone == "138****5678"


def test_a_refused_step_changes_nothing(room: Room) -> None:
    cid = new(room)["id"]
    before = counts(room, cid)
    with pytest.raises(Refused, match="cannot confirm"):
        room.run(steps.confirm, None, cid)
    with pytest.raises(Refused, match="rights and duties"):
        room.run(steps.accept, None, cid) and None
        room.run(steps.mediate, None, cid, mediator="liming", rights_notified=False)
    assert counts(room, cid)[0] == before[0] + 1  # only the accept


def test_a_failure_after_the_version_bump_rolls_everything_back(
        room: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    cid = new(room)["id"]
    before = counts(room, cid)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(eventlog, "append", broken)
    with pytest.raises(RuntimeError):
        room.run(steps.accept, None, cid)
    assert counts(room, cid) == before


def test_unknown_case_and_unknown_mediator(room: Room) -> None:
    with pytest.raises(NotFound, match="no case 99"):
        room.run(steps.accept, None, 99)
    cid = new(room)["id"]
    room.run(steps.accept, None, cid)
    with pytest.raises(NotFound, match="nobody"):
        room.run(steps.mediate, None, cid, mediator="nobody", rights_notified=True)


def test_duplicates_by_id_number_are_refused_unless_forced(room: Room) -> None:
    first = new(room)
    with pytest.raises(DuplicateSuspected) as dup:
        new(room)
    assert dup.value.matches[0]["number"] == first["number"]
    assert dup.value.matches[0]["match"] == "same_id_number"
    forced = new(room, force=True)
    assert forced["duplicate_of"] == first["number"]
    assert forced["number"].endswith("第2号")  # the refused attempt used no number
    with room.uow(write=False) as uow:
        ev = uow.session.exec(select(Event).where(Event.case_id == forced["id"])).one()
        hits = uow.session.exec(select(Event).where(Event.action == "duplicate_hit")
                                .order_by(col(Event.seq))).all()
    assert ev.reason == "forced: probable duplicate"
    # both the refused and the forced attempt are on the record, naming the case they matched
    assert [json.loads(h.changes)["forced"][1] for h in hits] == [False, True]
    assert all(json.loads(h.changes)["cases"][1] == [first["id"]] for h in hits)


def test_duplicates_by_names_and_category_within_ninety_days(room: Room) -> None:
    record = case_record()
    for p in record["parties"]:
        p.pop("id_number")
    room.run(intake.new_case, None, intake.parse_case(record))
    with pytest.raises(DuplicateSuspected) as dup:
        room.run(intake.new_case, None, intake.parse_case(record))
    assert dup.value.matches[0]["match"] == "same_names_and_category"
    room.run(intake.new_case, None, intake.parse_case({**record, "category": "04"}))
    room.clock.advance(days=91)
    room.run(intake.new_case, None, intake.parse_case(record))


def test_numbers_are_gapless_per_committee_and_year(room: Room) -> None:
    numbers = []
    for i in range(3):
        rec = case_record(parties=[{"role": "applicant", "name": f"甲{i}"},
                                   {"role": "respondent", "name": f"乙{i}"}])
        numbers.append(room.run(intake.new_case, None, intake.parse_case(rec))["number"])
    year = room.clock.now.year
    assert numbers == [f"({year})龙人调字第{n}号" for n in (1, 2, 3)]
    room.clock.now = room.clock.now.replace(year=year + 1, month=6)
    rec = case_record(parties=[{"role": "applicant", "name": "戊"},
                               {"role": "respondent", "name": "己"}])
    assert room.run(intake.new_case, None, intake.parse_case(rec))["number"] == \
        f"({year + 1})龙人调字第1号"


def test_stale_version_is_a_conflict_naming_who_changed_it(room: Room) -> None:
    cid = new(room)["id"]
    room.run(steps.accept, None, cid, expected_version=1)
    with pytest.raises(Conflict) as err:
        room.run(steps.terminate, None, cid, reason="no_agreement", advice="起诉",
                 expected_version=1)
    assert err.value.exit_code == 3
    assert "王芳" in err.value.render() and "version 2" in err.value.render()  # display name


def test_overdue_and_a_consented_extension(room: Room) -> None:
    cid = new(room)["id"]
    room.run(steps.accept, None, cid)
    room.clock.advance(days=29)  # applied for before the period ends (local practice)
    with pytest.raises(Refused, match="consent"):
        room.run(steps.extend, None, cid, days=15, reason="等待鉴定", consent=False)
    room.run(steps.extend, None, cid, days=15, reason="等待鉴定", consent=True)
    room.clock.advance(days=3)
    with room.uow(write=False) as uow:
        assert queries.list_cases(uow, room.director, overdue=True) == []
        view = queries.case_view(uow, room.director, cid)
    assert view.extensions[0]["consent"] is True and not view.overdue
    room.clock.advance(days=15)
    with room.uow(write=False) as uow:
        assert [c.id for c in queries.list_cases(uow, room.director, overdue=True)] == [cid]


def test_remediation_keeps_the_old_agreement_and_adds_a_version(room: Room) -> None:
    cid = new(room)["id"]
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.run(steps.session, None, cid, minutes="双方陈述")
    room.run(steps.agree, None, cid, terms="赔偿300元", written=False)
    room.run(steps.confirm, None, cid)
    with pytest.raises(Refused, match="consent"):
        room.run(steps.remediate, None, cid, reason="显失公平", consent=False)
    room.run(steps.remediate, None, cid, reason="显失公平", consent=True)
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True)
    with room.uow(write=False) as uow:
        rows = uow.session.exec(select(Agreement).where(Agreement.case_id == cid)
                                .order_by(col(Agreement.version))).all()
    assert [(a.version, a.terms, a.superseded_at is not None) for a in rows] == [
        (1, "赔偿300元", True), (2, "赔偿500元", False)]


def test_reveal_needs_a_reason_and_is_recorded(room: Room) -> None:
    cid = new(room)["id"]
    with pytest.raises(InvalidInput, match="--reason"):
        room.run(queries.case_view, None, cid, reveal=True)
    view = room.run(queries.case_view, None, cid, reveal=True, reason="制作调解协议书")
    assert view.parties[0].id_number == "430104198003120014"
    with room.uow(write=False) as uow:
        actions = [e.action for e in queries.history(uow, room.director, cid)]
    assert actions == ["new", "reveal"]


def test_a_mediator_works_only_on_assigned_cases(room: Room) -> None:
    cid = new(room)["id"]
    room.run(steps.accept, room.mediator, cid)  # intake is open to mediators: he takes it on
    with room.uow(write=False) as uow:
        other = committee.resolve_actor(uow, "zhaomin")
    with pytest.raises(PermissionDenied, match="assigned to them"):
        room.run(steps.terminate, other, cid, reason="no_agreement", advice="起诉")
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.run(steps.session, room.mediator, cid, minutes="第一次调解")
    with room.uow(write=False) as uow:
        assert [c.id for c in queries.list_cases(uow, room.mediator, mine=True)] == [cid]


def test_every_case_state_equals_the_replay_of_its_events(room: Room) -> None:
    a, b = new(room)["id"], new(room, force=True)["id"]
    room.run(steps.accept, None, a)
    room.run(steps.decline, None, b, reason="party_refuses", advice="告知其他途径")
    room.run(steps.follow_up_and_close, None, b,
             satisfaction="satisfied")
    with room.uow(write=False) as uow:
        replay = queries.replayed_states(uow)
        for case in uow.session.exec(select(Case)).all():
            assert case.id is not None
            assert replay[case.id] == (case.state, case.version)


def test_the_event_chain_links_every_event(room: Room) -> None:
    cid = new(room)["id"]
    room.run(steps.accept, None, cid)
    with room.uow(write=False) as uow:
        events = uow.session.exec(select(Event).order_by(col(Event.seq))).all()
        head = eventlog.head(uow.session)
    prev = eventlog.GENESIS
    for i, e in enumerate(events, start=1):
        assert e.seq == i and e.prev_hash == prev
        assert e.hash == eventlog.chain_hash(prev, eventlog.content_of(e))
        prev = e.hash
    assert head == (len(events), prev)

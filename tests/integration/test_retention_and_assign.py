"""Retention (anonymising closed cases) and case assignment (issue 6)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlmodel import select

from mediation import intake, queries, retention, steps
from mediation.cases import Case, Party
from mediation.committee import add_staff, resolve_actor
from mediation.core.errors import NotFound, PermissionDenied, Refused
from mediation.tables import Event
from tests.access_world import case_record
from tests.conftest import Room


def closed_case(room: Room, **record: Any) -> int:
    data = case_record()
    data.update(record)
    data["summary"] = "张三（电话13812345678，身份证430104198003120014）与李四因漏水发生纠纷。"
    case_id: int = room.run(intake.new_case, None, intake.parse_case(data), force=True)["id"]
    room.run(steps.accept, None, case_id)
    room.run(steps.mediate, None, case_id, mediator="liming", rights_notified=True)
    room.run(steps.session, None, case_id, minutes="张三称李四拒不维修；李四电话13987654321。")
    room.run(steps.agree, None, case_id, terms="李四于十日内赔偿张三500元。", written=False)
    room.run(steps.confirm, None, case_id)
    room.run(steps.follow_up_and_close, None, case_id, satisfaction="satisfied", performance="full",
             note="张三表示满意")
    return case_id


def test_retention_anonymises_old_closed_cases_once(room: Room) -> None:
    old = closed_case(room)
    room.clock.advance(days=200)
    recent = closed_case(room)
    room.run(retention.set_days, None, 100)
    room.clock.advance(days=1)
    assert room.run(retention.apply, None, dry_run=True)["dry_run"] is True
    first = room.run(retention.apply, None)
    assert first["anonymised"] == [room.run(queries.case_view, None, old).number]
    assert room.run(retention.apply, None)["anonymised"] == []  # idempotent
    with room.uow(write=False) as uow:
        parties = uow.session.exec(select(Party).where(Party.case_id == old)).all()
        assert {p.name for p in parties} == {"张某", "李某"}
        assert all(p.id_number is None and p.id_hash is None and p.phone is None for p in parties)
        assert all(p.address == "湖南省长沙市岳麓区***" or p.address.endswith("***")
                   for p in parties if p.address)
        assert {(p.name, p.sex, p.ethnicity) for p in parties} == {  # statistics
            ("张某", "male", "汉族"), ("李某", "female", "汉族")}
        case = uow.session.get(Case, old)
        assert case is not None and case.state == "closed" and case.amount_fen == 50000
        for text in (case.summary, case.requests):
            assert "张三" not in text and "13812345678" not in text
            assert "430104198003120014" not in text
        kept = uow.session.exec(select(Party).where(Party.case_id == recent)).all()
        assert {p.name for p in kept} == {"张三", "李四"}
        acts = uow.session.exec(select(Event).where(Event.action == "anonymise")).all()
        assert [e.case_id for e in acts] == [old]
        assert "party.id_number" in json.loads(acts[0].changes)["fields"][1]
    view = room.run(queries.case_view, None, old, reveal=True, reason="核对")
    dump = view.model_dump_json()
    for secret in ("张三", "李四", "13812345678", "13987654321", "430104198003120014"):
        assert secret not in dump


def test_retention_needs_a_period_and_the_director(room: Room) -> None:
    with pytest.raises(NotFound, match="retention set"):
        room.run(retention.apply, None)
    with pytest.raises(PermissionDenied, match=r"committee\.settings"):
        room.run(retention.set_days, room.mediator, 30)
    with pytest.raises(PermissionDenied, match=r"retention\.apply"):
        room.run(retention.apply, room.mediator)


def test_assign_and_reassign_are_recorded(room: Room) -> None:
    case_id = room.run(intake.new_case, None, intake.parse_case(case_record()))["id"]
    first = room.run(steps.assign, None, case_id, mediator="liming")
    second = room.run(steps.assign, None, case_id, mediator="zhaomin",
                      co_mediators=["liming"])
    assert second.version == first.version + 1
    assert second.lead_mediator == "zhaomin" and second.co_mediators == ["liming"]
    with room.uow(write=False) as uow:
        acts = uow.session.exec(select(Event).where(Event.action == "assign")).all()
        assert [json.loads(e.changes)["lead_mediator"] for e in acts] == [
            [None, "liming"], ["liming", "zhaomin"]]
        assert queries.replayed_states(uow)[case_id] == ("intake", second.version)
    with pytest.raises(PermissionDenied, match=r"case\.assign"):
        room.run(steps.assign, room.mediator, case_id, mediator="liming")


def test_mediators_reach_only_their_cases(room: Room) -> None:
    mine = room.run(intake.new_case, None, intake.parse_case(case_record()), force=True)["id"]
    other = room.run(intake.new_case, None, intake.parse_case(case_record()), force=True)["id"]
    for case_id, who in ((mine, "liming"), (other, "zhaomin")):
        room.run(steps.assign, None, case_id, mediator=who)
        room.run(steps.accept, None, case_id)
    listed = {c.id for c in room.run(queries.list_cases, room.mediator)}
    assert listed == {mine}
    with pytest.raises(PermissionDenied, match="assigned to them"):
        room.run(queries.case_view, room.mediator, other)
    with pytest.raises(PermissionDenied, match="assigned to them"):
        room.run(queries.case_view, room.mediator, other, reveal=True, reason="看看")
    # naming someone else while starting mediation is an assignment: directors only
    with pytest.raises(PermissionDenied, match=r"case\.assign"):
        room.run(steps.mediate, room.mediator, mine, mediator="zhaomin", rights_notified=True)
    room.run(steps.mediate, room.mediator, mine, mediator="liming", rights_notified=True)
    # intake is open to every mediator, but revealing there needs the case to be their own
    fresh = room.run(intake.new_case, None, intake.parse_case(case_record()), force=True)["id"]
    assert room.run(queries.case_view, room.mediator, fresh).parties[0].name == "张三"
    with pytest.raises(PermissionDenied, match="only on their own cases"):
        room.run(queries.case_view, room.mediator, fresh, reveal=True, reason="核对")
    own = room.run(intake.new_case, room.mediator, intake.parse_case(case_record()),
                   force=True)["id"]
    room.run(queries.case_view, room.mediator, own, reveal=True, reason="核对")


def test_auditor_sees_masked_names_and_may_reveal_with_a_reason(room: Room) -> None:
    room.run(add_staff, None, username="sunli", name="孙力", role="auditor")
    with room.uow(write=False) as uow:
        auditor = resolve_actor(uow, "sunli")
    case_id = room.run(intake.new_case, None, intake.parse_case(case_record()))["id"]
    rows = room.run(queries.list_cases, auditor)
    assert rows[0].applicants == ["张某"] and rows[0].respondents == ["李某"]
    view = room.run(queries.case_view, auditor, case_id)
    assert [p.name for p in view.parties] == ["张某", "李某"]
    assert "张三" not in view.summary and "李某" in view.summary
    history = room.run(queries.history, auditor, case_id)
    assert "张三" not in json.dumps([h.model_dump() for h in history], ensure_ascii=False)
    revealed = room.run(queries.case_view, auditor, case_id, reveal=True, reason="审计抽查")
    assert revealed.parties[0].id_number == "430104198003120014"
    with room.uow(write=False) as uow:
        reveal = uow.session.exec(select(Event).where(Event.action == "reveal")).one()
        assert (reveal.actor, reveal.reason) == ("sunli", "审计抽查")
    with pytest.raises(PermissionDenied, match=r"case\.workflow"):
        room.run(steps.accept, auditor, case_id)


def test_finished_cases_cannot_be_reassigned(room: Room) -> None:
    case_id = closed_case(room)
    with pytest.raises(Refused):
        room.run(steps.assign, None, case_id, mediator="zhaomin")


def test_organisations_names_are_not_masked(room: Room) -> None:
    room.run(add_staff, None, username="sunli", name="孙力", role="auditor")
    with room.uow(write=False) as uow:
        auditor = resolve_actor(uow, "sunli")
    record = case_record()
    record["parties"][1] = {"role": "respondent", "kind": "legal_person",
                            "name": "长沙市某某物业管理有限公司"}
    case_id = room.run(intake.new_case, None, intake.parse_case(record))["id"]
    row = room.run(queries.list_cases, auditor)[0]
    assert (row.applicants, row.respondents) == (["张某"], ["长沙市某某物业管理有限公司"])
    view = room.run(queries.case_view, auditor, case_id)
    assert [p.name for p in view.parties] == ["张某", "长沙市某某物业管理有限公司"]

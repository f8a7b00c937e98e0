"""The procedure as the law writes it, through the services on both backends (issue 15): each
test names its article. The table's guards themselves are in tests/unit/test_workflow.py."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from mediation import intake, procedure, steps
from mediation.cases import Agreement, Case
from mediation.core import periods
from mediation.core.calendar import Calendar
from mediation.core.errors import InvalidInput, PermissionDenied, Refused
from mediation.reporting import stats
from tests.conftest import Room, case_record


def at(room: Room, local: str) -> None:
    room.clock.now = Calendar().to_utc(datetime.fromisoformat(local))


def mediating(room: Room, local: str = "2026-11-02 09:00", *, session: bool = True) -> int:
    at(room, local)
    cid: int = room.run(intake.new_case, None, intake.parse_case(case_record()),
                        force=True)["id"]
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    if session:
        room.run(steps.session, None, cid, minutes="双方陈述")
    return cid


def test_law_art_30_an_oral_agreement_takes_effect_the_day_it_is_reached(room: Room) -> None:
    cid = mediating(room)
    at(room, "2026-11-03 10:00")
    room.run(steps.agree, None, cid, terms="当场道歉", written=False)
    reached = room.clock.now
    at(room, "2026-11-05 16:00")  # confirm typed two days later
    room.run(steps.confirm, None, cid)
    with room.uow(write=False) as uow:
        a = uow.session.exec(select(Agreement).where(Agreement.case_id == cid)).one()
        case = uow.session.get(Case, cid)
        assert case is not None
        assert a.effective_at == reached and case.first_confirmed_at == reached


def test_law_art_30_a_written_agreement_takes_effect_when_confirmed(room: Room) -> None:
    cid = mediating(room)
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True)
    at(room, "2026-11-05 16:00")
    room.run(steps.confirm, None, cid)
    with room.uow(write=False) as uow:
        a = uow.session.exec(select(Agreement).where(Agreement.case_id == cid)).one()
        assert a.effective_at == room.clock.now


def test_spc_2011_5_art_3_judicial_confirmation_refused_for_an_oral_agreement(room: Room
                                                                             ) -> None:
    cid = mediating(room)
    room.run(steps.agree, None, cid, terms="当场道歉", written=False)
    room.run(steps.confirm, None, cid)
    with pytest.raises(Refused, match=r"\[2011\] No. 5 art. 3"):
        room.run(steps.judicial, None, cid, court="岳麓区人民法院")


def test_spc_2011_5_filing_not_in_future_decision_not_before_filing_and_after_closing(
        room: Room) -> None:
    cid = mediating(room)
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True)
    at(room, "2026-11-04 10:00")
    room.run(steps.confirm, None, cid)
    with pytest.raises(Refused, match="in the future"):
        room.run(steps.judicial, None, cid, court="岳麓区人民法院", filed_on=date(2026, 11, 9))
    room.run(steps.judicial, None, cid, court="岳麓区人民法院", filed_on=date(2026, 11, 4))
    with pytest.raises(Refused, match="before the filing"):
        room.run(steps.judicial, None, cid, result="confirmed", decided_on=date(2026, 11, 3))
    at(room, "2026-11-20 10:00")
    room.run(steps.follow_up_and_close, None, cid, performance="full", satisfaction="satisfied")
    done = room.run(steps.judicial, None, cid, result="confirmed", decided_on=date(2026, 11, 18))
    assert done.state == "closed"  # recorded without reopening the case
    at(room, "2026-12-10 10:00")  # closed, a filing dated after its 30 days (issue 14)
    with pytest.raises(Refused, match="within 30 days"):
        room.run(steps.judicial, None, cid, court="岳麓区人民法院", filed_on=date(2026, 12, 5))


def test_local_practice_one_extension_before_the_period_ends(room: Room) -> None:
    cid = mediating(room, "2026-11-01 10:00")  # last day 1 December
    at(room, "2026-11-30 10:00")
    done = room.run(steps.extend, None, cid, days=30, reason="等待鉴定", consent=True)
    with room.uow(write=False) as uow:
        case = uow.session.get(Case, cid)
        assert case is not None and case.deadline is not None
        # counted from the end of the current period, not from the day it was applied for
        assert Calendar().local_date(case.deadline - timedelta(microseconds=1)) == \
            date(2026, 12, 31)
    assert done.state == "mediating"
    with pytest.raises(Refused, match="has had 1"):
        room.run(steps.extend, None, cid, days=5, reason="再等", consent=True)


def test_local_practice_no_extension_after_the_deadline_so_past_overdue_stays(room: Room
                                                                             ) -> None:
    cid = mediating(room, "2026-11-01 10:00")
    with room.uow(write=False) as uow:
        before = stats.compute(uow, room.director, periods.month(2026, 12),
                               as_of=datetime(2026, 12, 5)).overdue
    at(room, "2026-12-02 08:00")
    with pytest.raises(Refused, match="before the period ends"):
        room.run(steps.extend, None, cid, days=10, reason="补申请", consent=True)
    with room.uow(write=False) as uow:
        assert stats.compute(uow, room.director, periods.month(2026, 12),
                             as_of=datetime(2026, 12, 5)).overdue == before == 1


def test_extension_length_and_count_are_committee_settings(room: Room) -> None:
    room.run(procedure.set_procedure, None, extension_days=15, extensions=2)
    cid = mediating(room)
    with pytest.raises(InvalidInput, match="1 to 15"):  # read, not allowed: refused (exit 1)
        room.run(steps.extend, None, cid, days=20, reason="等", consent=True)
    room.run(steps.extend, None, cid, days=15, reason="等", consent=True)
    room.run(steps.extend, None, cid, days=15, reason="再等", consent=True)
    with pytest.raises(Refused, match="has had 2"):
        room.run(steps.extend, None, cid, days=1, reason="又等", consent=True)


def test_law_arts_22_28_agree_needs_a_recorded_session(room: Room) -> None:
    cid = mediating(room, session=False)
    with pytest.raises(Refused, match="at least one session"):
        room.run(steps.agree, None, cid, terms="赔偿", written=True)
    room.run(procedure.set_procedure, None, agree_needs_session=False)
    assert room.run(steps.agree, None, cid, terms="赔偿", written=True).state == "agreed"


def test_rules_art_34_an_oral_agreement_with_an_amount_is_warned(room: Room) -> None:
    cid = mediating(room)
    done = room.run(steps.agree, None, cid, terms="赔偿500元", written=False,
                    amount=Decimal("500"))
    assert done.state == "agreed"
    assert any("art. 34" in w for w in done.warnings)
    cid = mediating(room)
    assert room.run(steps.agree, None, cid, terms="赔偿500元", written=True,
                    amount=Decimal("500"), due=date(2026, 12, 31)).warnings == ()


def test_procedure_settings_are_a_directors_recorded_and_checked(room: Room) -> None:
    with pytest.raises(PermissionDenied):
        room.run(procedure.set_procedure, room.mediator, extensions=2)
    with pytest.raises(InvalidInput, match="from 1 to 90"):
        room.run(procedure.set_procedure, None, extension_days=0)
    result = room.run(procedure.set_procedure, None, numbering="example")
    assert result["numbering"] == "example" and result["changed"] == ["procedure_numbering"]
    with pytest.raises(InvalidInput, match="no numbering"):
        room.run(procedure.set_procedure, None, numbering="火星")
    assert room.run(procedure.show, room.mediator)["extensions"] == 1


def test_law_art_23_recusal_recorded_and_the_mediator_replaced(room: Room) -> None:
    from mediation.cases import CaseMediator
    from mediation.tables import Event

    cid = mediating(room)
    with pytest.raises(PermissionDenied):
        room.run(steps.recuse, room.mediator, cid, party="李四", reason="系亲属",
                 mediator="zhaomin")
    done = room.run(steps.recuse, None, cid, party="李四", reason="调解员系张三亲属",
                    mediator="zhaomin")
    assert done.state == "mediating"
    with room.uow(write=False) as uow:
        case = uow.session.get(Case, cid)
        assert case is not None and case.lead_mediator == "zhaomin"
        on_case = uow.session.exec(select(CaseMediator.username)
                                   .where(CaseMediator.case_id == cid)).all()
        assert list(on_case) == ["zhaomin"]
        ev = uow.session.exec(select(Event).where(Event.action == "recuse")).one()
        assert "liming" in ev.changes and "调解员系" in ev.changes
    with pytest.raises(Refused, match="not be the one asked"):
        room.run(steps.recuse, None, cid, party="张三", reason="不信任", mediator="zhaomin")


def test_law_art_25_report_to_the_police_is_a_recorded_step(room: Room) -> None:
    from mediation.tables import Event

    cid = mediating(room)
    done = room.run(steps.report_police, None, cid, to="望月湖派出所", note="双方扬言械斗")
    assert done.state == "mediating"
    with pytest.raises(Refused, match="police station"):
        room.run(steps.report_police, None, cid, to=" ")
    with room.uow(write=False) as uow:
        ev = uow.session.exec(select(Event).where(Event.action == "police")).one()
        assert "望月湖派出所" in ev.changes


def test_law_art_31_several_follow_up_visits_and_urging_performance(room: Room) -> None:
    from mediation.cases import FollowUp
    from mediation.tables import Event

    cid = mediating(room)
    room.run(steps.agree, None, cid, terms="李四月底前赔偿500元", written=True,
             amount=Decimal("500"))
    room.run(steps.confirm, None, cid)
    at(room, "2026-11-10 10:00")
    room.run(steps.visit, None, cid, visited="张三", performance="none",
             satisfaction="dissatisfied", escalation="张三扬言上访")
    room.run(steps.urge, None, cid, note="电话督促李四履行")
    with pytest.raises(Refused, match="who was visited"):
        room.run(steps.visit, None, cid, visited=" ", satisfaction="satisfied",
                 performance="full")
    at(room, "2026-11-20 10:00")
    done = room.run(steps.visit, room.mediator, cid, visited="张三、李四", performance="full",
                    satisfaction="satisfied", visitor="李明", measures="督促后已付清")
    assert done.state == "confirmed"  # a visit no longer closes the case
    with room.uow(write=False) as uow:
        visits = uow.session.exec(select(FollowUp).where(FollowUp.case_id == cid)).all()
        assert [(v.visited, v.performance, v.visitor) for v in visits] == [
            ("张三", "none", "wangfang"), ("张三、李四", "full", "李明")]
        assert uow.session.exec(select(Event).where(Event.action == "urge")).one()
        nov = stats.compute(uow, room.director, periods.month(2026, 11))
    # counted once, by its last visit
    assert nov.performance["followed_up"] == 1 and nov.performance["full"] == 1



def test_law_art_29_a_performance_deadline_is_not_before_the_agreement(room: Room) -> None:
    """Law art. 29: the agreement states the manner and the time limit of performance; a time
    limit (--due) cannot come before the day the agreement is reached (its --at, when late),
    though it may lie in the future."""
    cid = mediating(room)
    at(room, "2026-11-10 09:00")
    with pytest.raises(Refused, match=r"--due 2026-11-08 is before the day this step happened "
                                      r"\(2026-11-09\)"):
        room.run(steps.agree, None, cid, terms="赔偿500元", written=True,
                 due=date(2026, 11, 8), at=date(2026, 11, 9))
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True, due=date(2026, 12, 31),
             at=date(2026, 11, 9))


def test_spc_2011_5_a_filing_entered_late_is_not_after_the_day_it_was_entered_for(
        room: Room) -> None:
    """A filing or a decision entered late (--at) cannot carry a date after the step's own day,
    nor (Law art. 33) a decision one before its filing."""
    cid = mediating(room)
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True)
    room.run(steps.confirm, None, cid)
    at(room, "2026-11-12 10:00")
    with pytest.raises(Refused, match=r"--filed 2026-11-06 is after the day this step happened "
                                      r"\(2026-11-05, --at\)"):
        room.run(steps.judicial, None, cid, court="岳麓区人民法院", filed_on=date(2026, 11, 6),
                 at=date(2026, 11, 5))
    room.run(steps.judicial, None, cid, court="岳麓区人民法院", at=date(2026, 11, 5))
    with pytest.raises(Refused, match="before the filing"):
        room.run(steps.judicial, None, cid, result="confirmed", decided_on=date(2026, 11, 4),
                 at=date(2026, 11, 6))
    with pytest.raises(Refused, match="after the day this step happened"):
        room.run(steps.judicial, None, cid, result="confirmed", decided_on=date(2026, 11, 7),
                 at=date(2026, 11, 6))
    room.run(steps.judicial, None, cid, result="confirmed", at=date(2026, 11, 6))

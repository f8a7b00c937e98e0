"""True dates (补录, issue 15): every step takes ``at``, when it happened, distinct from when it
was recorded; both are on the event and under the hash; the case's milestones, its deadline and
the statistics count by when it happened."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from mediation import audit, calendars, steps, workflow
from mediation.cases import Case, MediationSession
from mediation.core import periods
from mediation.core.calendar import DEFAULT
from mediation.core.errors import InvalidInput, PermissionDenied
from mediation.reporting import stats
from mediation.tables import Event
from tests.audit_support import new_case
from tests.conftest import Room

# 2026-11-27 10:00 in Beijing
REGISTERED = datetime(2026, 11, 27, 2, 0)


def _events(room: Room, cid: int) -> list[Event]:
    with room.uow(write=False) as uow:
        return list(uow.session.exec(select(Event).where(Event.case_id == cid)
                                     .order_by(col(Event.seq))).all())


def _case(room: Room, cid: int) -> Case:
    with room.uow(write=False) as uow:
        case = uow.session.get(Case, cid)
        assert case is not None
        return case


def _registered(room: Room) -> int:
    room.clock.now = REGISTERED
    cid = new_case(room)
    room.clock.now = datetime(2026, 12, 2, 1, 30)  # 09:30 on 2 December in Beijing
    return cid


def test_a_step_entered_late_happened_at_its_time_and_was_recorded_now(room: Room) -> None:
    cid = _registered(room)
    room.run(steps.accept, None, cid, at=datetime(2026, 11, 28, 15, 0))  # local wall time
    case = _case(room, cid)
    assert case.accepted_at == datetime(2026, 11, 28, 7, 0)  # 15:00 Beijing in UTC
    # the 30-day period counts from the day it was accepted, not the day it was typed
    assert case.deadline == DEFAULT.period_end(datetime(2026, 11, 28, 7, 0),
                                               workflow.CONCLUSION_DAYS)
    last = _events(room, cid)[-1]
    assert (last.occurred_at, last.at, last.content_version) == (
        datetime(2026, 11, 28, 7, 0), datetime(2026, 12, 2, 1, 30), 2)
    with room.uow(write=False) as uow:
        assert audit.verify(uow).first is None


def test_a_date_alone_is_that_day_and_keeps_the_order_the_steps_are_entered_in(
        room: Room) -> None:
    cid = _registered(room)
    room.run(steps.accept, None, cid, at=date(2026, 11, 29))
    assert _case(room, cid).accepted_at == DEFAULT.start_of_day_utc(date(2026, 11, 29))
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True,
             at=datetime(2026, 11, 29, 16, 0))
    room.run(steps.session, None, cid, minutes="双方陈述了事实。", at=date(2026, 11, 29))
    with room.uow(write=False) as uow:
        held = uow.session.exec(select(MediationSession.held_at)).one()
    assert held == datetime(2026, 11, 29, 8, 0)  # same day, after the previous step (16:00)
    room.run(steps.agree, None, cid, terms="赔偿500元。", written=True, at=date(2026, 12, 2))
    assert _case(room, cid).concluded_at == room.clock.now  # today: now


def test_a_step_in_the_future_is_refused(room: Room) -> None:
    cid = _registered(room)
    with pytest.raises(InvalidInput, match="in the future"):
        room.run(steps.accept, None, cid, at=datetime(2026, 12, 2, 10, 0))  # 10:00 > 09:30
    with pytest.raises(InvalidInput, match="in the future"):
        room.run(steps.accept, None, cid, at=date(2026, 12, 3))
    assert len(_events(room, cid)) == 1


def test_a_step_before_the_previous_step_of_the_case_is_refused(room: Room) -> None:
    cid = _registered(room)
    room.run(steps.accept, None, cid, at=datetime(2026, 11, 30, 9, 0))
    with pytest.raises(InvalidInput, match=r"previous step, accept \(2026-11-30 09:00\)"):
        room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True,
                 at=datetime(2026, 11, 29, 9, 0))
    assert _case(room, cid).state == "accepted"


def test_a_step_before_the_registration_says_a_case_is_registered_at_its_true_date(
        room: Room) -> None:
    cid = _registered(room)
    with pytest.raises(InvalidInput, match=r"before the case was registered \(2026-11-27 10:00\)"
                       r".*case amend --registered-at"):
        room.run(steps.accept, None, cid, at=date(2026, 11, 26))
    with pytest.raises(InvalidInput, match="case amend --registered-at"):  # a record too
        room.run(steps.prevent, None, cid, kind="suicide", persons=1, at=date(2026, 11, 26))


def _mediating(room: Room) -> int:
    """A case accepted on 28 November, mediating from 29 November 16:00, reassigned on 1
    December 10:00 (a later step)."""
    cid = _registered(room)
    room.run(steps.accept, None, cid, at=date(2026, 11, 28))
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True,
             at=datetime(2026, 11, 29, 16, 0))
    room.run(steps.assign, None, cid, mediator="zhaomin", at=datetime(2026, 12, 1, 10, 0))
    return cid


def test_a_session_found_missing_is_entered_before_a_later_step_law_art_27(
        room: Room) -> None:
    """Law art. 27 (minutes kept): a session missing from the notebook after a later step was
    entered is still recorded at its true time, after the case began mediating."""
    cid = _mediating(room)
    room.run(steps.session, None, cid, minutes="双方陈述了事实。", at=datetime(2026, 11, 30, 9, 0))
    room.run(steps.session, None, cid, minutes="第二次调解。", at=date(2026, 11, 29))
    with room.uow(write=False) as uow:
        held = sorted(uow.session.exec(select(MediationSession.held_at)).all())
    # the date alone on the day mediation began: when it began, not that day's first instant
    assert held == [datetime(2026, 11, 29, 8, 0), datetime(2026, 11, 30, 1, 0)]
    with pytest.raises(InvalidInput, match=r"before the case became mediating \(2026-11-29 "
                                           r"16:00\)"):
        room.run(steps.session, None, cid, minutes="补录。", at=datetime(2026, 11, 29, 15, 0))
    # a state-changing step stays in time order: after the latest step (1 December 10:00)
    with pytest.raises(InvalidInput,
                       match=r"previous step, assign mediators \(2026-12-01 10:00\)"):
        room.run(steps.agree, None, cid, terms="赔偿。", written=True,
                 at=datetime(2026, 11, 30, 10, 0))
    # and so does a step that is no record (the lead mediator now is the latest one named)
    with pytest.raises(InvalidInput, match="previous step"):
        room.run(steps.assign, None, cid, mediator="liming", at=datetime(2026, 11, 30, 10, 0))
    with room.uow(write=False) as uow:
        assert audit.verify(uow).first is None
    view = _view(room, cid)
    # the case file lists the sessions in the order they were held, numbered so
    assert [(s["no"], s["minutes"]) for s in view.sessions] == [
        (1, "第二次调解。"), (2, "双方陈述了事实。")]


def _view(room: Room, cid: int) -> Any:
    from mediation import queries

    with room.uow() as uow:
        return queries.case_view(uow, room.director, cid)


def test_records_and_the_steps_that_change_state_are_told_apart() -> None:
    """Only steps that change neither the state nor what a later step reads are records."""
    for trigger in workflow.RECORDS:
        assert workflow.transition(trigger).dest is None, trigger
    assert not {"assign", "extend", "judicial", "recuse", "amend"} & set(workflow.RECORDS)


def test_a_step_older_than_the_committees_late_entry_days_is_refused_setting(
        room: Room) -> None:
    """Committee setting late_entry_days (default 30, docs/settings.md)."""
    room.clock.now = datetime(2026, 10, 1, 2, 0)
    cid = new_case(room)
    room.clock.now = datetime(2026, 12, 2, 1, 30)
    with pytest.raises(InvalidInput, match="more than 30 days ago"):
        room.run(steps.accept, None, cid, at=date(2026, 11, 1))
    room.run(steps.accept, None, cid, at=date(2026, 11, 2))  # 30 days ago: allowed
    result = room.run(calendars.set_calendar, None, late_entry_days=90)
    assert result["late_entry_days"] == 90 and result["changed"] == ["late_entry_days"]
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True,
             at=date(2026, 11, 2))
    with pytest.raises(InvalidInput, match="0 to 366"):
        room.run(calendars.set_calendar, None, late_entry_days=400)
    with pytest.raises(PermissionDenied):
        room.run(calendars.set_calendar, room.mediator, late_entry_days=5)


def test_statistics_count_a_late_entry_in_the_month_it_happened(room: Room) -> None:
    cid = _registered(room)
    november = periods.month(2026, 11)
    with room.uow(write=False) as uow:
        assert stats.compute(uow, room.director, november).accepted == 0
    room.run(steps.accept, None, cid, at=date(2026, 11, 30))
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True,
             at=date(2026, 11, 30))
    room.run(steps.session, None, cid, minutes="双方陈述。", at=datetime(2026, 11, 30, 17, 0))
    room.run(steps.agree, None, cid, terms="赔偿500元。", written=True,
             at=datetime(2026, 11, 30, 18, 0))
    with room.uow(write=False) as uow:
        figures = stats.compute(uow, room.director, november)
        december = stats.compute(uow, room.director, periods.month(2026, 12))
    assert (figures.accepted, figures.concluded, figures.succeeded) == (1, 1, 1)
    assert (december.accepted, december.concluded) == (0, 0)
    spans = figures.intervals["accepted_to_concluded"]
    assert spans.n == 1 and spans.median_days is not None and spans.median_days >= 0


def test_every_step_takes_at() -> None:
    import inspect

    for trigger, service in steps.STEPS.items():
        if trigger in workflow.CORRECTIONS:
            continue
        assert "at" in inspect.signature(service).parameters, trigger


def test_occurrence_rule_without_a_database() -> None:
    now = datetime(2026, 12, 2, 1, 30)
    cal = DEFAULT
    assert workflow.occurrence(date(2026, 12, 2), now, None, cal) == now
    assert workflow.occurrence(datetime(2026, 12, 1, 8, 0), now, None, cal) == datetime(
        2026, 12, 1, 0, 0)
    assert workflow.occurrence_problem(now + timedelta(seconds=1), now, None, cal) is not None
    assert workflow.occurrence_problem(now, now, now, cal) is None
    assert workflow.occurrence_problem(now - timedelta(days=31), now, None, cal) is not None
    assert workflow.occurrence_problem(now - timedelta(days=31), now, None, cal, 40) is None


def test_a_step_seconds_before_the_previous_one_is_told_to_the_second() -> None:
    """A clerk was told '03:59 is before the previous step (03:59)': when the minute shows two
    instants alike, the refusal gives their seconds."""
    now = datetime(2026, 12, 2, 1, 30)
    previous = datetime(2026, 12, 1, 19, 59, 40)
    why = workflow.occurrence_problem(previous - timedelta(seconds=30), now, previous, DEFAULT)
    assert why is not None and "03:59:10" in why.render() and "03:59:40" in why.render(), why
    why = workflow.occurrence_problem(previous - timedelta(hours=1), now, previous, DEFAULT)
    assert why is not None and "(2026-12-02 03:59)" in why.render(), why


def test_the_nightly_export_lists_what_moved_an_exported_figure(room: Room,
                                                               tmp_path: Path) -> None:
    """A late entry and a correction recorded after an export, touching what it counted, are
    listed in the next export's corrections.csv (with the month they touched)."""
    from mediation.reporting import export

    cid = _registered(room)  # registered 27 November; now 2 December 09:30
    other = new_case(room, category="01")  # registered now (2 December)
    out = tmp_path / "exports"
    with room.uow() as uow:
        first = export.nightly(uow, room.director, out, date(2026, 12, 1))
    assert first["rows"]["corrections.csv"] == 0
    room.clock.now = datetime(2026, 12, 3, 1, 0)
    room.run(steps.accept, None, cid, at=date(2026, 11, 30))  # late: November's figure moves
    room.run(steps.accept, None, other)  # on time: nothing exported moved
    room.run(steps.amend, None, cid, reason="登记时选错类别", fields={"category": "01"})
    with room.uow() as uow:
        second = export.nightly(uow, room.director, out, date(2026, 12, 3))
    text = (out / "2026-12-03" / "corrections.csv").read_text("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == ("seq,recorded_at,occurred_at,case,action,kind,period,fields,actor")
    assert second["rows"]["corrections.csv"] == 2 and len(lines) == 3
    assert ",accept,late_entry,2026-11,," in lines[1]
    assert ",amend,correction,2026-11,category," in lines[2]
    assert second["corrections_since"] == "2026-12-01T16:00:00Z"  # the end of 1 December
    assert "登记时选错类别" not in text  # no free text
    events = (out / "2026-12-03" / "events.csv").read_text("utf-8-sig").splitlines()
    assert events[0].startswith("seq,at,occurred_at,case,")
    assert any(",2026-12-03T01:00:00Z,2026-11-29T16:00:00Z," in line for line in events)


def test_a_registration_entered_late_is_not_before_the_discovery(room: Room) -> None:
    import json as json_

    from mediation import intake
    from tests.audit_support import RECORD

    room.clock.now = datetime(2026, 12, 2, 1, 30)
    record = intake.load_case_file(json_.dumps(
        {**RECORD, "discovered_at": "2026-11-20T10:00:00+08:00"}), origin="t")
    with pytest.raises(InvalidInput, match=r"before the dispute was discovered "
                                           r"\(2026-11-20 10:00\)"):  # Beijing, as typed
        room.run(intake.new_case, None, record, force=True, at=date(2026, 11, 19))
    made = room.run(intake.new_case, None, record, force=True, at=date(2026, 11, 21))
    assert made["registered_at"] == "2026-11-20T16:00:00Z"  # 21 November 00:00 in Beijing
    # a date alone on the day of the discovery: registered when it was discovered (as a step's
    # date alone on its previous step's day is that step's time), not refused at 00:00
    same_day = room.run(intake.new_case, None, record, force=True, at=date(2026, 11, 20))
    assert same_day["registered_at"] == "2026-11-20T02:00:00Z"


def test_a_judicial_filing_entered_late_is_filed_the_day_it_happened(room: Room) -> None:
    from mediation.cases import JudicialConfirmation

    cid = _registered(room)
    room.run(steps.accept, None, cid, at=date(2026, 11, 28))
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True,
             at=date(2026, 11, 28))
    room.run(steps.session, None, cid, minutes="双方陈述了事实。", at=date(2026, 11, 28))
    room.run(steps.agree, None, cid, terms="赔偿500元。", written=True, at=date(2026, 11, 29))
    room.run(steps.confirm, None, cid, at=date(2026, 11, 29))
    room.run(steps.judicial, None, cid, court="岳麓区人民法院",
             at=datetime(2026, 11, 30, 10, 0))
    with room.uow(write=False) as uow:
        jc = uow.session.exec(select(JudicialConfirmation)).one()
    assert jc.filed_on == date(2026, 11, 30)

"""Any trigger, from any state, with random inputs, against the real services and SQLite file.

Steps are fired with random ``at`` times (补录: now, or up to 35 days back, as a date or a date
and time) and corrections (``amend``: of the agreement as recorded too, issue 14) among them,
and the end of the procedure as its own steps: follow-up visits (several), urging, feedback
(反馈) and closing (issue 15).

Invariants after every step: each case's state is legal; a refused trigger changed nothing (no
event, no version bump); an accepted one added exactly one event and bumped the version by one;
each case's state and version equal the replay of its events; the event sequence is gapless;
the occurrence times of each case's steps never go backwards in the order they were recorded
(a record, ``workflow.RECORDS``, such as a session found missing after a later step, may go back,
but never before the case entered the state it belongs to; a plan or a correction, such as a
booking of the next session, is no step in that order), and none is later than its recording;
a step entered late at any time between the case's previous step that happened and now is
never refused for its time, also right after a booking or a correction (issue 14: a session
held at 08:00 was refused as earlier than a booking made at 10:00); no interval of the
statistics is negative; and the figures of a closed past month equal a brute-force count over
the events (by when each step happened), and equal what they were when the month was first
read unless an event recorded since happened in it (a late entry is the only thing that moves a
past figure).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from sqlmodel import col, func, select

from mediation import intake, queries, steps, workflow
from mediation.cases import Agreement, Case, CaseFeedback, FollowUp, JudicialConfirmation
from mediation.core.calendar import DEFAULT
from mediation.core.clock import iso, local_date
from mediation.core.errors import InvalidInput, MediationError
from mediation.core.i18n import Msg
from mediation.core.money import fen_to_yuan
from mediation.core.periods import Period, month
from mediation.core.vocab import ALL_STATES
from mediation.db.engines import release_engine
from mediation.reporting import stats
from mediation.tables import Event
from tests.conftest import Room, case_record, make_room
from tests.integration.test_step_time_floor import KINDS
from tests.unit.test_workflow import GOOD

maybe_text = st.sampled_from(["", "  ", "双方陈述事实", "告知向人民法院起诉", None])
INPUTS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "accept": st.just({}),
    "decline": st.fixed_dictionaries({
        "reason": st.sampled_from(["already_in_court", "party_refuses", "bad_reason", ""]),
        "advice": maybe_text.map(lambda v: v or "")}),
    "mediate": st.fixed_dictionaries({
        "mediator": st.sampled_from(["liming", "zhaomin", None]),
        "rights_notified": st.booleans()}),
    "session": st.fixed_dictionaries({"minutes": maybe_text.map(lambda v: v or "")}),
    "extend": st.fixed_dictionaries({
        "days": st.integers(-1, 40), "reason": maybe_text.map(lambda v: v or ""),
        "consent": st.booleans()}),
    "agree": st.fixed_dictionaries({
        "terms": maybe_text.map(lambda v: v or ""), "written": st.booleans(),
        "amount": st.one_of(st.none(), st.decimals(0, 100000, places=2)),
        "due": st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2027, 12, 31)))}),
    "terminate": st.fixed_dictionaries({
        "reason": st.sampled_from(["no_agreement", "party_withdrew", "nope"]),
        "advice": maybe_text.map(lambda v: v or "")}),
    "confirm": st.just({}),
    "judicial": st.one_of(
        st.fixed_dictionaries({"court": st.sampled_from(["岳麓区人民法院", ""]),
                               "filed_on": st.dates(date(2026, 1, 1), date(2027, 12, 31))}),
        st.fixed_dictionaries({"result": st.sampled_from(["confirmed", "rejected"])})),
    "feedback": st.fixed_dictionaries({
        "to": st.sampled_from(["张三", "网格员", "", None]),
        "channel": st.sampled_from(["phone", "in_person", "written", "pigeon"]),
        "note": maybe_text}),
    "close": st.one_of(st.just({}), st.just({"reason": "已督促履行，告知可向法院起诉"})),
    "remediate": st.fixed_dictionaries({
        "reason": maybe_text.map(lambda v: v or ""), "consent": st.booleans()}),
    "prevent": st.fixed_dictionaries({
        "kind": st.sampled_from(["suicide", "group_fight", "flood"]),
        "persons": st.integers(-1, 30)}),
    "assign": st.fixed_dictionaries({"mediator": st.sampled_from(["liming", "zhaomin"])}),
    "visit": st.fixed_dictionaries({
        "satisfaction": st.sampled_from(["satisfied", "dissatisfied", "meh"]),
        "performance": st.sampled_from(["full", "partial", "none", None]),
        "visited": st.sampled_from(["张三", ""]), "measures": maybe_text}),
    "urge": st.fixed_dictionaries({"note": maybe_text}),
    "recuse": st.fixed_dictionaries({
        "party": st.sampled_from(["李四", ""]), "reason": maybe_text.map(lambda v: v or ""),
        "mediator": st.sampled_from(["liming", "zhaomin"])}),
    "police": st.fixed_dictionaries({
        "to": st.sampled_from(["望月湖派出所", ""]), "note": maybe_text}),
    "schedule": st.fixed_dictionaries({
        "when": st.sampled_from([datetime(2099, 12, 5, 9, 30), datetime(2020, 1, 6, 9, 0),
                                 None]),
        "place": maybe_text}),
    "withdraw": st.fixed_dictionaries({"reason": maybe_text.map(lambda v: v or "")}),
    "amend": st.fixed_dictionaries({
        "reason": maybe_text.map(lambda v: v or ""),
        "fields": st.fixed_dictionaries({}, optional={
            "category": st.sampled_from(["01", "02", "05", "99x"]),
            "risk": st.sampled_from(["low", "high", "nope"]),
            "persons": st.integers(0, 6), "summary": maybe_text,
            "amount": st.sampled_from(["100", "1,200.50", "-1"])}),
        # the agreement as recorded (issue 14): a 履行期限 before or after the day it was
        # reached, an amount, terms, or none (a correction of the case's fields alone)
        "agreement": st.fixed_dictionaries({}, optional={
            "due": st.dates(date(2026, 1, 1), date(2027, 12, 31)),
            "amount": st.sampled_from(["600", "1.5万", "-1"]),
            "terms": maybe_text.map(lambda v: v or "")})}),
}


# What happened in the dispute, in time order, by this test's own classification of the triggers
# (not the workflow's): steps and records; plans and corrections did not happen.
HAPPENED = frozenset(t for t, kind in KINDS.items() if kind in ("step", "record"))


def time_refusal(refused: MediationError) -> bool:
    """Whether ``refused`` is a step's ``--at`` refused for its time (workflow.dates:
    occurrence_problem), not a guard's or an input's refusal."""
    why = refused.message.params.get("why") if isinstance(refused, InvalidInput) else None
    return isinstance(why, Msg) and why.id.startswith("--at {when}")


COUNTED = ("intake", "accepted", "declined", "withdrawn", "terminated", "concluded",
           "succeeded")


HAPPY = {"intake": ["accept"], "accepted": ["mediate"], "mediating": ["session", "agree"],
         "agreed": ["confirm", "amend"],
         "confirmed": ["judicial", "visit", "urge", "feedback", "close", "remediate", "amend"],
         "terminated": ["visit", "feedback", "close"], "declined": ["visit", "feedback", "close"]}


def good_inputs(trigger: str, state: str, today: date) -> dict[str, Any]:
    if trigger == "visit":
        return {"satisfaction": "satisfied", "visited": "张三",
                "performance": "full" if state == "confirmed" else None}
    if trigger == "feedback":
        return {"to": "张三", "channel": "phone"}
    if trigger == "judicial":
        return {"court": "岳麓区人民法院", "filed_on": today}
    if trigger == "agree":
        return {**GOOD[trigger], "written": True}
    if trigger == "amend" and state in workflow.AMENDABLE["agreement_due"]:
        return {"reason": "登记时漏记履行期限", "agreement": {"due": today + timedelta(days=30)}}
    if trigger == "amend":
        return {"reason": "登记时选错类别", "fields": {"category": "05"}}
    return GOOD[trigger]


class WorkflowMachine(RuleBasedStateMachine):
    cases = Bundle("cases")

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="mediation-stateful-"))
        self.url = "sqlite:///" + str(self.dir / "room.db")
        self.room: Room = make_room(self.url)
        self.serial = 0
        # (month, last seq when first read, its counts then)
        self.snapshots: list[tuple[Period, int, dict[str, int]]] = []

    def teardown(self) -> None:
        release_engine(self.url)
        shutil.rmtree(self.dir, ignore_errors=True)

    def _snapshot(self, case_id: int) -> tuple[int, int, str]:
        with self.room.uow(write=False) as uow:
            case = uow.session.get(Case, case_id)
            assert case is not None
            n = uow.session.exec(select(func.count()).select_from(Event)
                                 .where(Event.case_id == case_id)).one()
            return int(n), case.version, case.state

    @initialize(target=cases)
    def first_case(self) -> int:
        return self._register()

    def _register(self) -> int:
        self.serial += 1
        record = case_record(parties=[
            {"role": "applicant", "name": f"甲{self.serial}"},
            {"role": "respondent", "name": f"乙{self.serial}"}])
        return int(self.room.run(intake.new_case, None, intake.parse_case(record))["id"])

    @precondition(lambda self: self.serial < 4)
    @rule(target=cases)
    def register(self) -> int:
        return self._register()

    def _at(self, data: st.DataObject) -> date | None:
        """When the step happened: now (None), a day up to 35 days back, or a wall time."""
        back = data.draw(st.one_of(st.none(), st.integers(0, 35),
                                   st.tuples(st.integers(0, 35), st.integers(0, 23))),
                         label="at (days back)")
        local = DEFAULT.local(self.room.clock.now).replace(tzinfo=None)
        if back is None:
            return None
        if isinstance(back, int):
            return local.date() - timedelta(days=back)
        days, hours = back
        return local.replace(minute=0, second=0) - timedelta(days=days, hours=hours)

    @rule(case_id=cases, trigger=st.sampled_from(workflow.TRIGGERS), data=st.data())
    def fire(self, case_id: int, trigger: str, data: st.DataObject) -> None:
        inputs = data.draw(INPUTS[trigger], label="inputs")
        if "amount" in inputs and isinstance(inputs["amount"], Decimal):
            inputs["amount"] = inputs["amount"].quantize(Decimal("0.01"))
        if trigger not in workflow.CORRECTIONS:
            inputs["at"] = self._at(data)
        self.fire_checked(case_id, trigger, inputs)

    def fire_checked(self, case_id: int, trigger: str, inputs: dict[str, Any]
                     ) -> MediationError | None:
        """Fire ``trigger``; the refusal, if it was refused (having changed nothing)."""
        before = self._snapshot(case_id)
        try:
            self.room.run(steps.STEPS[trigger], None, case_id, **inputs)
        except MediationError as refused:
            assert self._snapshot(case_id) == before, "a refused trigger changed something"
            event(f"{trigger} refused")
            return refused
        event(f"{trigger} done")
        events, version, state = self._snapshot(case_id)
        assert events == before[0] + 1 and version == before[1] + 1
        dest = workflow.transition(trigger).dest
        assert state == (dest.value if dest else before[2])
        return None

    @rule(case_id=cases, data=st.data())
    def back_dated_after_a_plan(self, case_id: int, data: st.DataObject) -> None:
        """A booking of the next session (or a correction) made now, a little time passing,
        then a step that happened at any moment between the case's previous step that
        happened (this test's own classification: HAPPENED) and now, within the late-entry
        days: never refused for its time."""
        state = self._snapshot(case_id)[2]
        local = DEFAULT.local(self.room.clock.now).replace(tzinfo=None)
        plan = data.draw(st.sampled_from(sorted(t for t, k in KINDS.items()
                                                if k in ("plan", "correction"))), label="plan")
        inputs = ({"when": local.replace(hour=9, minute=0, second=0) + timedelta(days=1),
                   "place": "村委会调解室"} if plan == "schedule"
                  else good_inputs(plan, state, local.date()))
        self.fire_checked(case_id, plan, dict(inputs))
        self.room.clock.advance(minutes=data.draw(st.integers(0, 180), label="minutes later"))
        allowed = [t for t in workflow.allowed_triggers(state) if t in HAPPENED]
        if not allowed:
            return
        trigger = data.draw(st.sampled_from(allowed), label="step")
        now = self.room.clock.now
        oldest = DEFAULT.start_of_day_utc(local_date(now)
                                          - timedelta(days=workflow.LATE_ENTRY_DAYS))
        low = max(self._happened_last(case_id), oldest)
        if low > now:
            return
        # a share of the span, not a number of seconds: the span depends on the time of day the
        # test runs at, and a draw whose bounds change between a run and its replay is flaky
        share = data.draw(st.integers(0, 1000), label="share of the span, in thousandths")
        when = low + timedelta(seconds=int((now - low).total_seconds()) * share // 1000)
        inputs = dict(good_inputs(trigger, state, local_date(now)))
        inputs["at"] = DEFAULT.local(min(when, now)).replace(tzinfo=None)
        refused = self.fire_checked(case_id, trigger, inputs)
        assert refused is None or not time_refusal(refused), refused.render()
        if refused is None:
            event("a step entered late after a plan or a correction")

    def _happened_last(self, case_id: int) -> datetime:
        """When the latest of the case's steps that happened happened (its registration
        before any)."""
        with self.room.uow(write=False) as uow:
            case = uow.session.get(Case, case_id)
            assert case is not None
            times = uow.session.exec(select(Event.occurred_at).where(
                Event.case_id == case_id, col(Event.action).in_(HAPPENED),
                col(Event.version).is_not(None))).all()
            return max([case.registered_at, *(t for t in times if t is not None)])

    @rule(case_id=cases, data=st.data())
    def advance(self, case_id: int, data: st.DataObject) -> None:
        """An allowed trigger with inputs that satisfy its guards: reaches the deep states."""
        state = self._snapshot(case_id)[2]
        allowed = workflow.allowed_triggers(state)
        if not allowed:
            return
        forward = HAPPY.get(state, allowed)
        choice = st.one_of(st.sampled_from(forward), st.sampled_from(forward),
                           st.sampled_from(allowed))
        trigger = data.draw(choice, label="allowed trigger")
        inputs = dict(good_inputs(trigger, state, local_date(self.room.clock.now)))
        if trigger not in workflow.CORRECTIONS:
            inputs["at"] = self._at(data)
        self.fire_checked(case_id, trigger, inputs)

    @rule(case_id=cases, data=st.data())
    def advance_again(self, case_id: int, data: st.DataObject) -> None:
        """The same rule once more, so that long roads are as likely as random noise."""
        self.advance(case_id, data)

    @rule(days=st.integers(0, 40))
    def time_passes(self, days: int) -> None:
        self.room.clock.advance(days=days)

    @rule()
    def read_last_month(self) -> None:
        """The figures of the month before this one, as a Bureau clerk would read them."""
        today = local_date(self.room.clock.now)
        first = today.replace(day=1) - timedelta(days=1)
        period = month(first.year, first.month)
        with self.room.uow(write=False) as uow:
            seq = uow.session.exec(select(func.max(Event.seq))).one() or 0
        self.snapshots.append((period, int(seq), self._counts(period)))

    def _counts(self, period: Period) -> dict[str, int]:
        with self.room.uow(write=False) as uow:
            figures = stats.compute(uow, self.room.director, period, as_of=period.end_utc)
        return {k: getattr(figures, k) for k in COUNTED}

    def _oracle(self, period: Period) -> dict[str, int]:
        """The counts of ``period`` by brute force over the events, by when each step
        happened: registrations, first acceptance, first decline, first conclusion."""
        with self.room.uow(write=False) as uow:
            rows = uow.session.exec(select(Event).where(col(Event.version).is_not(None))
                                    .order_by(col(Event.seq))).all()
        first: dict[tuple[int | None, str], tuple[datetime, str]] = {}
        for e in rows:
            happened = e.occurred_at or e.at
            kind = {"new": "intake", "accept": "accepted", "decline": "declined",
                    "withdraw": "withdrawn",
                    "agree": "concluded", "terminate": "concluded"}.get(e.action)
            if kind is not None and (e.case_id, kind) not in first:
                first[(e.case_id, kind)] = (happened, e.action)
        counts = dict.fromkeys(COUNTED, 0)
        for (_cid, kind), (happened, action) in first.items():
            if period.start_utc <= happened < period.end_utc:
                counts[kind] += 1
                if kind == "concluded":
                    counts["terminated" if action == "terminate" else "succeeded"] += 1
        return counts

    @invariant()
    def occurrence_never_goes_back(self) -> None:
        """In the order they were recorded, each case's steps never go back in time, except a
        record (workflow.RECORDS: a session, a visit, ... found missing and entered after a
        later step), which never goes back before the case entered the state it belongs to.
        No step precedes the registration, none is later than its recording."""
        with self.room.uow(write=False) as uow:
            rows = uow.session.exec(select(Event).where(col(Event.case_id).is_not(None))
                                    .order_by(col(Event.seq))).all()
            last: dict[int, datetime] = {}
            began: dict[int, datetime] = {}
            for e in rows:
                assert e.occurred_at is not None and e.occurred_at <= e.at
                if e.version is None or e.action not in HAPPENED | {"new"}:
                    continue
                assert e.case_id is not None
                floor = (began if e.action in workflow.RECORDS else last).get(e.case_id)
                assert floor is None or e.occurred_at >= floor, e.seq
                if e.occurred_at < last.get(e.case_id, e.occurred_at):
                    event("a record entered before a later step")
                last[e.case_id] = max(e.occurred_at, last.get(e.case_id, e.occurred_at))
                if e.from_state is None or e.from_state != e.to_state:
                    began[e.case_id] = e.occurred_at
            for case in uow.session.exec(select(Case)).all():
                times = [case.registered_at, case.accepted_at, case.first_concluded_at,
                         case.first_confirmed_at, case.closed_at]
                present = [t for t in times if t is not None]
                assert present == sorted(present), case.number
                # the feedback (反馈) follows what it reports: registration, and the agreement
                # taking effect when there is one
                fed = [t for t in (case.registered_at, case.first_confirmed_at,
                                   case.fed_back_at) if t is not None]
                assert fed == sorted(fed), case.number

    @rule()
    def no_interval_is_negative(self) -> None:
        """(A rule, not an invariant: the figures are computed when it is drawn.)"""
        with self.room.uow(write=False) as uow:
            now = self.room.clock.now
            whole = stats.compute(uow, self.room.director, Period(
                "range", "all", date(2000, 1, 1), local_date(now) + timedelta(days=1)))
        for name, interval in whole.intervals.items():
            for value in (interval.median_days, interval.p90_days):
                assert value is None or value >= 0, (name, value)

    @rule()
    def a_past_month_moves_only_by_what_happened_in_it(self) -> None:
        if not self.snapshots:
            return
        with self.room.uow(write=False) as uow:
            rows = uow.session.exec(select(Event)).all()
        for period, seq, then in self.snapshots:
            now = self._counts(period)
            assert now == self._oracle(period), period.label
            moved = any(e.seq > seq and e.version is not None
                        and e.action not in workflow.CORRECTIONS
                        and period.start_utc <= (e.occurred_at or e.at) < period.end_utc
                        for e in rows)
            if not moved:
                assert now == then, (period.label, then, now)
            else:
                event("a late entry moved a past month")

    @invariant()
    def a_closed_case_was_visited_and_fed_back_before_closing(self) -> None:
        """The one rule of closing (workflow.ready_to_close): no case is closed before its
        feedback and its follow-up visit, and a feedback on a closed case is a late entry of
        one given on or before its closing day."""
        with self.room.uow(write=False) as uow:
            for case in uow.session.exec(select(Case)).all():
                if case.state != "closed":
                    continue
                assert case.fed_back_at is not None and case.closed_at is not None
                assert case.fed_back_at <= case.closed_at
                feedbacks = uow.session.exec(select(CaseFeedback).where(
                    CaseFeedback.case_id == case.id)).all()
                closed_on = local_date(case.closed_at)
                assert all(local_date(f.fed_back_at) <= closed_on for f in feedbacks)
                visits = uow.session.exec(select(FollowUp).where(
                    FollowUp.case_id == case.id)).all()
                assert visits, "closed without a follow-up visit"

    @rule(case_id=cases, data=st.data())
    def judicial_filing_after_closing(self, case_id: int, data: st.DataObject) -> None:
        """Issue 14: closing does not end the parties' 30 days (Law art. 33): on a closed case
        a filing dated within its written agreement's window is recorded (its history says
        after closing), one dated after it refused, as before closing."""
        with self.room.uow(write=False) as uow:
            case = uow.session.get(Case, case_id)
            assert case is not None
            agreement = uow.session.exec(select(Agreement).where(
                Agreement.case_id == case_id, col(Agreement.superseded_at).is_(None))).first()
            pending = uow.session.exec(select(JudicialConfirmation).where(
                JudicialConfirmation.case_id == case_id,
                JudicialConfirmation.result == "pending")).first()
        if (case.state != "closed" or agreement is None or agreement.effective_at is None
                or agreement.form != "written" or pending is not None):
            return
        effective = local_date(agreement.effective_at)
        today = local_date(self.room.clock.now)
        filed = effective + timedelta(days=data.draw(st.integers(0, 35), label="filed after"))
        refused = self.fire_checked(case_id, "judicial",
                                    {"court": "岳麓区人民法院", "filed_on": filed})
        in_window = filed <= effective + timedelta(days=workflow.JUDICIAL_WINDOW_DAYS) \
            and filed <= today
        assert (refused is None) == in_window, (filed, effective, today, refused)
        event("a filing after closing " + ("recorded" if refused is None else "refused"))

    @invariant()
    def every_filing_is_within_its_window(self) -> None:
        """Law art. 33: every judicial confirmation was filed within 30 days of its agreement
        taking effect, the case open or closed; one recorded on a closed case says so."""
        with self.room.uow(write=False) as uow:
            for j in uow.session.exec(select(JudicialConfirmation)).all():
                a = uow.session.get(Agreement, j.agreement_id)
                assert a is not None and a.effective_at is not None
                effective = local_date(a.effective_at)
                assert effective <= j.filed_on <= effective + timedelta(
                    days=workflow.JUDICIAL_WINDOW_DAYS)
            for e in uow.session.exec(select(Event).where(Event.action == "judicial")).all():
                filed = json.loads(e.changes)["judicial"][1]
                if "filed_on" in filed:
                    assert filed.get("after_closing", False) == (e.from_state == "closed")

    @invariant()
    def the_agreement_in_force_is_what_its_events_last_recorded(self) -> None:
        """The agreement's 履行期限 and amount as the log tells them: set by ``agree``, changed
        only by a correction recorded before and after (``amend``: agreement_due,
        agreement_amount); never before the day it was reached."""
        with self.room.uow(write=False) as uow:
            for a in uow.session.exec(select(Agreement).where(
                    col(Agreement.superseded_at).is_(None))).all():
                due: Any = None
                amount: Any = None
                for e in uow.session.exec(select(Event).where(Event.case_id == a.case_id)
                                          .order_by(col(Event.seq))).all():
                    changes = json.loads(e.changes or "{}")
                    if e.action == "agree":
                        due, amount = (changes["agreement"][1]["due"],
                                       changes["agreement"][1]["amount"])
                    due = changes.get("agreement_due", [None, due])[1]
                    amount = changes.get("agreement_amount", [None, amount])[1]
                assert (due, amount) == (iso(a.due), fen_to_yuan(a.amount_fen))
                assert a.due is None or a.due >= local_date(a.reached_at)

    @invariant()
    def states_are_legal_and_replayable(self) -> None:
        with self.room.uow(write=False) as uow:
            replay = queries.replayed_states(uow)
            for case in uow.session.exec(select(Case)).all():
                assert case.state in ALL_STATES
                assert case.id is not None and replay[case.id] == (case.state, case.version)
            seqs = uow.session.exec(select(Event.seq).order_by(col(Event.seq))).all()
            assert list(seqs) == list(range(1, len(seqs) + 1))


WorkflowMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=40,
                                             deadline=None)
TestWorkflow = WorkflowMachine.TestCase

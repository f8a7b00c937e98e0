"""The transition table, every guard, every refused transition (no database)."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from mediation import workflow
from mediation.core.commands import (
    COMMANDS,
    Accept,
    Amend,
    Close,
    Command,
    Judicial,
    Mediate,
)
from mediation.core.errors import InvalidInput, Refused
from mediation.core.i18n import name, set_language
from mediation.core.vocab import State
from mediation.workflow import Subject, fire
from mediation.workflow.guards import amendable

# Inputs that satisfy every guard of each trigger, given a Subject built by `ready()`.
GOOD: dict[str, dict[str, Any]] = {
    "accept": {},
    "decline": {"reason": "already_in_court", "advice": "向法院起诉"},
    "mediate": {"mediator": "liming", "rights_notified": True},
    "session": {"minutes": "双方陈述"},
    "extend": {"days": 15, "reason": "等待材料", "consent": True},
    "agree": {"terms": "赔偿500元"},
    "terminate": {"reason": "no_agreement", "advice": "可向法院起诉"},
    "confirm": {},
    "judicial": {"court": "岳麓区人民法院", "filed_on": date(2026, 11, 5)},
    "feedback": {"to": "张三", "channel": "phone"},
    "close": {},
    "remediate": {"reason": "显失公平", "consent": True},
    "prevent": {"kind": "suicide", "persons": 1},
    "assign": {"mediator": "liming"},
    "visit": {"performance": "full", "satisfaction": "satisfied", "visited": "张三"},
    "urge": {"note": "电话督促李四付款"},
    "recuse": {"party": "李四", "reason": "调解员系张三亲属", "mediator": "zhaomin"},
    "police": {"to": "望月湖派出所", "note": "扬言械斗"},
    "schedule": {"when": datetime(2099, 12, 5, 9, 30), "place": "村委会调解室"},
    "withdraw": {"reason": "申请人已自行和解"},
    "amend": {"fields": ("category",), "reason": "登记时选错类别"},
}


def cmd(trigger: str, inputs: dict[str, Any]) -> Command:
    """The trigger's command with these inputs (the tables above name them by trigger)."""
    return COMMANDS[trigger](**inputs)


def ready(state: str) -> Subject:
    """A subject whose facts satisfy every guard that reads facts."""
    return Subject(number="(2026)龙人调字第1号", state=state, category="02", applicants=1,
                   respondents=1, has_agreement=state in ("agreed", "confirmed"),
                   agreement_effective_on=date(2026, 11, 1), agreement_form="written",
                   sessions=1, visits=1, fed_back=True, now=datetime(2026, 12, 31, 4),
                   today=date(2026, 12, 31))


def test_every_trigger_has_good_inputs_and_the_table_is_explicit() -> None:
    assert set(GOOD) == set(workflow.TRIGGERS)
    for t in workflow.TRANSITIONS:
        assert t.sources and t.basis, t.trigger


def test_machine_has_no_back_doors() -> None:
    m = workflow.machine()
    assert not any(name.startswith("to_") for name in m.events)
    assert set(m.events) == set(workflow.TRIGGERS)
    assert m.models == []


@pytest.mark.parametrize(("state", "trigger"),
                         list(itertools.product([s.value for s in State], workflow.TRIGGERS)))
def test_each_trigger_from_each_state(state: str, trigger: str) -> None:
    subject = ready(state)
    t = workflow.transition(trigger)
    if state in t.sources:
        if trigger == "visit" and not subject.has_agreement:
            inputs: dict[str, Any] = {"satisfaction": "satisfied", "visited": "张三"}
        elif trigger == "judicial" and state == "closed":  # only the court's decision
            subject.judicial_pending = True
            inputs = {"result": "confirmed"}
        else:
            inputs = GOOD[trigger]
        assert fire(subject, cmd(trigger, inputs)) == (t.dest or state)
    else:
        with pytest.raises(Refused) as refused:
            fire(subject, cmd(trigger, GOOD[trigger]))
        assert subject.state == state
        err = refused.value
        assert err.allowed == workflow.allowed_triggers(state)
        text = err.render()
        assert "(2026)龙人调字第1号" in text and state in text and trigger in text
        assert "not allowed in this state" in text


# (trigger, state, subject overrides, input overrides, expected words of the reason)
GUARD_FAILURES = [
    ("accept", "intake", {"category": None}, {}, "no dispute category"),
    ("accept", "intake", {"applicants": 0}, {}, "one applicant and one respondent"),
    ("accept", "intake", {"respondents": 0}, {}, "one applicant and one respondent"),
    ("decline", "intake", {}, {"reason": "bored"}, "reason must be one of"),
    ("decline", "intake", {}, {"advice": " "}, "advice"),
    ("mediate", "accepted", {}, {"mediator": None}, "no mediator"),
    ("mediate", "accepted", {}, {"rights_notified": False}, "rights and duties"),
    ("session", "mediating", {}, {"minutes": ""}, "minutes are empty"),
    ("extend", "mediating", {}, {"consent": False}, "consent"),
    ("extend", "mediating", {}, {"reason": ""}, "reason"),
    ("extend", "mediating", {"extensions": 1}, {}, "has had 1"),
    ("extend", "mediating", {"deadline": datetime(2026, 12, 1, 16),
                             "deadline_day": date(2026, 12, 1)}, {},
     "ended with 2026-12-01: an extension must be applied for before the period ends"),
    ("agree", "mediating", {}, {"terms": "  "}, "no terms"),
    ("agree", "mediating", {}, {"amount": -1}, "--amount must not be negative"),
    ("agree", "mediating", {"sessions": 0}, {}, "at least one session"),
    ("agree", "mediating", {}, {"due": date(2026, 12, 30)},
     "--due 2026-12-30 is before the day this step happened (2026-12-31)"),
    ("judicial", "confirmed", {"occurred_on": date(2026, 12, 20)},
     {"filed_on": date(2026, 12, 21)}, "after the day this step happened (2026-12-20, --at)"),
    ("terminate", "mediating", {}, {"reason": "tired"}, "reason must be one of"),
    ("terminate", "accepted", {}, {"advice": None}, "advice"),
    ("confirm", "agreed", {"has_agreement": False}, {}, "no agreement to confirm"),
    ("judicial", "confirmed", {}, {"court": ""}, "court"),
    ("judicial", "confirmed", {"agreement_form": "oral"}, {},
     "SPC Interpretation [2011] No. 5 art. 3"),
    ("judicial", "confirmed", {}, {"filed_on": date(2027, 1, 1)}, "in the future"),
    ("judicial", "confirmed", {"judicial_pending": True, "judicial_filed_on": date(2026, 11, 5)},
     {"result": "confirmed", "decided_on": date(2026, 11, 4)}, "before the filing"),
    ("judicial", "closed", {"agreement_effective_on": None}, {},
     "closed case records only the court's decision"),
    # closing does not end the 30 days (Law art. 33), nor extend them (issue 14)
    ("judicial", "closed", {}, {"filed_on": date(2026, 12, 15)}, "within 30 days"),
    ("judicial", "confirmed", {}, {"filed_on": date(2026, 12, 15)}, "within 30 days"),
    ("judicial", "confirmed", {"agreement_effective_on": date(2026, 12, 1)},
     {"filed_on": date(2026, 11, 29)},
     "filing date 2026-11-29 is before the agreement took effect (2026-12-01)"),
    ("judicial", "confirmed", {"judicial_pending": True}, {}, "already pending"),
    ("judicial", "confirmed", {}, {"result": "confirmed"}, "no judicial confirmation"),
    ("judicial", "closed", {"judicial_decided": "rejected",
                            "judicial_decided_on": date(2026, 12, 10)},
     {"result": "confirmed"}, "already decided (rejected, 2026-12-10)"),
    ("judicial", "confirmed", {"judicial_pending": True}, {"result": "pending"},
     "--result must be one of: confirmed, rejected"),
    ("feedback", "confirmed", {}, {"to": " "}, "to whom the outcome was reported"),
    ("feedback", "terminated", {}, {"channel": "pigeon"}, "--channel: in_person"),
    ("close", "confirmed", {"visits": 0}, {}, "record at least one visit first"),
    ("close", "declined", {"visits": 0}, {}, "record at least one visit first"),
    ("remediate", "confirmed", {}, {"consent": False}, "consent"),
    ("remediate", "agreed", {}, {"reason": ""}, "reason"),
    ("prevent", "mediating", {}, {"persons": 0}, "persons"),
    ("prevent", "mediating", {}, {"kind": "flood"}, "--kind must be one of: suicide"),
    ("assign", "accepted", {}, {"mediator": None}, "no mediator"),
    ("visit", "confirmed", {}, {"visited": ""}, "who was visited"),
    ("visit", "confirmed", {}, {"satisfaction": "meh"}, "satisfaction"),
    ("urge", "confirmed", {}, {"note": None}, "whom you urged"),
    ("recuse", "mediating", {}, {"party": ""}, "which party asked"),
    ("recuse", "mediating", {}, {"mediator": None}, "no mediator"),
    ("recuse", "mediating", {"lead_mediator": "zhaomin"}, {}, "not be the one asked"),
    ("police", "mediating", {}, {"to": " "}, "police station"),
    ("schedule", "mediating", {}, {"when": None}, "date and time of the next session"),
    ("withdraw", "intake", {}, {"reason": " "}, "reason"),
    ("prevent", "mediating", {"persons_involved": 2}, {"persons": 3}, "cannot exceed"),
    ("amend", "intake", {}, {"reason": ""}, "reason"),
    ("amend", "accepted", {}, {"fields": ("parties",)}, "only before the case is accepted"),
    ("amend", "closed", {}, {"fields": ("party_details",)}, "may not be corrected"),
]


@pytest.mark.parametrize(("trigger", "state", "facts", "inputs", "why"), GUARD_FAILURES)
def test_each_guard_refuses_with_its_reason(trigger: str, state: str, facts: dict[str, Any],
                                            inputs: dict[str, Any], why: str) -> None:
    subject = ready(state)
    for k, v in facts.items():
        setattr(subject, k, v)
    with pytest.raises(Refused) as refused:
        fire(subject, cmd(trigger, {**GOOD[trigger], **inputs}))
    assert subject.state == state
    assert why in refused.value.render()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_appointment_already_passed_is_refused_as_input(lang: str) -> None:
    """A clerk's trial: case schedule --at "今天 0点30" at 01:10 read 当前为“调解中”，不能执行
    “约定调解”: a time already passed is the input's fault, not the state's: refused as input
    (exit 1), naming the time and now in the committee's wall time, offering a time to come."""
    subject = ready("mediating")
    subject.now = datetime(2026, 12, 1, 17, 10)  # 2026-12-02 01:10 in Beijing
    set_language(lang)
    try:
        with pytest.raises(InvalidInput) as info:
            fire(subject, cmd("schedule", {"when": datetime(2026, 12, 1, 16, 30)}))
        shown = info.value.render()
    finally:
        set_language("en")
    assert subject.state == "mediating"
    assert shown == ("下次调解时间 2026-12-02 00:30 已过（现 2026-12-02 01:10）：请写将来时间"
                     if lang == "zh" else
                     "the next session's time 2026-12-02 00:30 has passed (now 2026-12-02 "
                     "01:10): write a time to come, such as tomorrow 9:30")


@pytest.mark.parametrize("state", ["accepted", "mediating"])
@pytest.mark.parametrize("days", [0, -3, 31, 999])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_number_outside_its_range_is_refused_as_input(state: str, days: int, lang: str) -> None:
    """A clerk's trial: case extend --days 0 was refused as a step, listing steps; a number
    outside the range a range guard (RANGE_GUARDS) keeps is read but not allowed: refused as
    input (exit 1, docs/cli.md's exit codes) saying the range, no steps listed, even when other
    inputs are missing too."""
    for inputs in ({"days": days}, {"days": days, "consent": False, "reason": ""}):
        subject = ready(state)
        set_language(lang)
        try:
            with pytest.raises(InvalidInput) as info:
                fire(subject, cmd("extend", {**GOOD["extend"], **inputs}))
            text = info.value.render()
        finally:
            set_language("en")
        assert subject.state == state and info.value.exit_code == 1
        assert not isinstance(info.value, Refused)
        assert ("--days must be 1 to 30" if lang == "en" else "--days 应为 1 至 30") in text, text
        assert "\n" not in text


def _allowed_part(text: str) -> list[str]:
    """The step names a rendered refusal lists as allowed now (none when it lists nothing)."""
    for marker in ("Allowed now:", "当前可执行："):
        if marker in text:
            listed = text.split(marker, 1)[1].strip().rstrip(".。")
            return [n.strip() for n in listed.replace("、", ",").split(",")]
    return []


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("trigger", "state", "facts", "inputs", "why"), GUARD_FAILURES)
def test_a_refused_trigger_is_never_listed_as_allowed_now(
        trigger: str, state: str, facts: dict[str, Any], inputs: dict[str, Any], why: str,
        lang: str) -> None:
    """Every trigger a guard refuses: the refusal does not offer that trigger as allowed now,
    and lists only steps the case's own facts (CASE_GUARDS) do not refuse."""
    subject = ready(state)
    for k, v in facts.items():
        setattr(subject, k, v)
    with pytest.raises(Refused) as refused:
        fire(subject, cmd(trigger, {**GOOD[trigger], **inputs}))
    err = refused.value
    assert trigger not in (err.allowed or [])
    for other in err.allowed or []:
        for g in workflow.transition(other).guards:
            if g in workflow.CASE_GUARDS:
                assert g(subject, None) is None, (other, g.__name__)
    set_language(lang)
    try:
        text = err.render()
    finally:
        set_language("en")
    assert name("trigger", trigger, lang) not in _allowed_part(text)


def test_an_input_refusal_lists_no_steps_and_a_case_refusal_lists_the_others() -> None:
    subject = ready("mediating")
    with pytest.raises(Refused) as refused:  # amend with nothing to correct: the inputs
        fire(subject, cmd("amend", {"fields": (), "reason": "无"}))
    assert refused.value.allowed is None
    assert "Allowed now" not in refused.value.render()
    assert refused.value.render().endswith("give a field to change.")
    subject.extensions = 1  # extended once already, the limit: the case refuses extend
    with pytest.raises(Refused) as refused:
        fire(subject, cmd("extend", GOOD["extend"]))
    assert refused.value.allowed == [t for t in workflow.allowed_triggers("mediating")
                                     if t != "extend"]


def test_a_trigger_illegal_in_the_state_lists_only_steps_the_case_allows() -> None:
    subject = ready("intake")
    subject.category = None  # accept is refused by the case itself (has_category)
    with pytest.raises(Refused) as refused:
        fire(subject, cmd("confirm", GOOD["confirm"]))
    assert refused.value.allowed == [t for t in workflow.allowed_triggers("intake")
                                     if t != "accept"]


def test_every_guard_is_exercised_by_a_failure_case() -> None:
    exercised = {(t, g.__name__) for t, *_ in GUARD_FAILURES
                 for g in workflow.transition(t).guards}
    every = {(t.trigger, g.__name__) for t in workflow.TRANSITIONS for g in t.guards}
    assert every == exercised


def test_existing_facts_satisfy_mediate_without_inputs() -> None:
    subject = ready("accepted")
    subject.lead_mediator, subject.rights_notified = "liming", True
    assert fire(subject, Mediate()) == "mediating"


def test_judicial_filing_on_the_last_day_is_in_time() -> None:
    subject = ready("confirmed")
    last = date(2026, 11, 1) + timedelta(days=workflow.JUDICIAL_WINDOW_DAYS)
    assert fire(subject, Judicial(court="法院", filed_on=last)) == "confirmed"


def test_ten_thousand_triggers_keep_the_machine_bounded() -> None:
    m = workflow.machine()
    states = [s.value for s in State]
    for i in range(10_000):
        subject = ready(states[i % len(states)])
        trigger = workflow.TRIGGERS[i % len(workflow.TRIGGERS)]
        try:
            fire(subject, cmd(trigger, GOOD[trigger]))
        except Refused:
            pass
    assert m.models == []
    assert workflow.machine() is m


def test_mermaid_is_generated_from_the_machine() -> None:
    text = workflow.mermaid()
    assert text.startswith("stateDiagram-v2")
    for t in workflow.TRANSITIONS:
        for s in t.sources:
            assert f"{s.value} --> {(t.dest or s).value} : {t.trigger}" in text


def test_replay_checks_each_step_against_the_table() -> None:
    r = workflow.Replay()
    assert r.step("new", None, "intake", 1) is None
    assert r.step("accept", "intake", "accepted", 2) is None
    assert r.step("extend", "accepted", "accepted", 3) is None
    assert r.step("assign", "accepted", "accepted", 4) is None
    assert (r.state, r.version) == ("accepted", 4)
    # accepted -> closed with any trigger is not in the table
    for action in ("feedback", "accept", "mediate", "close"):
        bad = workflow.Replay("accepted", 4)
        assert bad.step(action, "accepted", "closed", 5) is not None, action
        assert (bad.state, bad.version) == ("closed", 5)  # advanced all the same
    assert workflow.Replay().step("accept", None, "accepted", 1) is not None  # not registered
    assert workflow.Replay("intake", 1).step("accept", "intake", "accepted", 3) is not None
    assert workflow.Replay("mediating", 3).step("accept", "intake", "accepted", 4) is not None
    assert workflow.Replay("closed", 9).step("assign", "closed", "closed", 10) is not None


class _Strict(Subject):
    """A subject that refuses to tell a guard any fact the guard did not declare."""

    allowed: frozenset[str] = frozenset()

    def __getattribute__(self, key: str) -> Any:
        fact_names = {f.name for f in dataclasses.fields(Subject)}
        if key in fact_names and key not in object.__getattribute__(self, "allowed"):
            raise AssertionError(f"a guard read the undeclared fact {key}")
        return object.__getattribute__(self, key)


def _fields(subject: Subject) -> dict[str, Any]:
    return {f.name: getattr(subject, f.name) for f in dataclasses.fields(Subject)}


@pytest.mark.parametrize("trigger", workflow.TRIGGERS)
def test_guards_read_only_the_facts_they_declare(trigger: str) -> None:
    """steps.py loads only workflow.facts(trigger) with the case: a guard reading anything else
    would see a default (0, False, None) instead of the truth."""
    state = workflow.transition(trigger).sources[0].value
    variants: list[tuple[dict[str, Any], dict[str, Any]]] = [({}, {})]
    variants += [(f, i) for t, _, f, i, _ in GUARD_FAILURES if t == trigger]  # type: ignore[misc]
    for overrides, inputs in variants:
        for guard in workflow.transition(trigger).guards:
            subject = ready(state)
            for k, v in overrides.items():
                setattr(subject, k, v)
            strict = _Strict(**_fields(subject))
            strict.allowed = workflow.ROW_FACTS | workflow.GUARD_FACTS.get(guard, frozenset())
            guard(strict, cmd(trigger, {**GOOD[trigger], **inputs}))


def test_the_strict_subject_catches_an_undeclared_read() -> None:
    strict = _Strict(**_fields(ready("intake")))
    strict.allowed = workflow.ROW_FACTS
    with pytest.raises(AssertionError, match="applicants"):
        workflow.guards.has_both_sides(strict, Accept())


def test_facts_are_the_union_of_the_trigger_guards_facts() -> None:
    assert workflow.facts("accept") == {"applicants", "respondents"}
    assert workflow.facts("decline") == frozenset()
    assert workflow.facts("judicial") == {"judicial_pending", "agreement_effective_on",
                                          "judicial_decided", "judicial_decided_on",
                                          "agreement_form", "judicial_filed_on"}
    assert workflow.facts("feedback") == frozenset()
    assert workflow.facts("close") == {"visits", "settings", "last_performance", "urges",
                                       "agreement_form", "agreement_effective_on",
                                       "judicial_pending", "judicial_decided"}
    assert workflow.facts("visit") == {"has_agreement"}


def test_amendable_fields_by_state_amendable_rule() -> None:
    """workflow.AMENDABLE (issue 15): parties only before acceptance, the description until
    the case is closed, the classification always; a reason is required."""
    def amend(state: str, *fields: str, reason: str = "更正") -> str | None:
        try:
            fire(ready(state), cmd("amend", {"fields": fields, "reason": reason}))
        except Refused as refused:
            return refused.render()
        return None

    assert amend("intake", "parties", "summary") is None
    assert amend("accepted", "parties") is not None
    assert amend("accepted", "party_details") is None
    assert amend("closed", "category") is None
    assert amend("closed", "summary") is not None
    assert amend("mediating", "amount", "persons_involved", "risk_level") is None
    assert amend("intake", "state") is not None
    assert amend("intake") is not None
    assert amend("intake", "category", reason=" ") is not None


@pytest.mark.parametrize("state", list(State))
def test_who_the_parties_are_before_acceptance_their_particulars_until_closed(
        state: State) -> None:
    """A clerk's trial (issue 14): a misspelt name could not be corrected once the case was
    accepted. The guard ``amendable``, in every state: a party added or removed or its role
    changed (``parties``) only in intake, an existing party's particulars (``party_details``)
    until the case is closed; both at once as the stricter of the two."""
    def guard(*fields: str) -> str | None:
        why = amendable(Subject(number="1", state=state), Amend(fields=fields, reason="更正"))
        return None if why is None else why.render()

    membership, details = guard("parties"), guard("party_details")
    assert (membership is None) == (state == State.intake), (state, membership)
    assert (details is None) == (state != State.closed), (state, details)
    assert (guard("party_details", "parties") is None) == (state == State.intake)
    if membership is not None:
        assert "only before the case is accepted" in membership
        assert (name("field", "party_details") in membership) == (state != State.closed)
    try:
        fire(ready(state), cmd("amend", {"fields": ("party_details",), "reason": "姓名写错"}))
    except Refused as refused:
        assert state == State.closed and refused.allowed is None
    else:
        assert state != State.closed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_refused_correction_names_what_may_be_corrected_in_that_state(lang: str) -> None:
    """A clerk's trial (issue 14): amending a closed case's facts was refused without saying
    what could be amended. For every state and every field it may not take, the refusal names
    the fields AMENDABLE allows in that state, and only them."""
    set_language(lang)
    try:
        for state, field in itertools.product(State, workflow.AMENDABLE):
            if state in workflow.AMENDABLE[field]:
                continue
            with pytest.raises(Refused) as refused:
                fire(ready(state), cmd("amend", {"fields": (field,), "reason": "更正"}))
            text = refused.value.render()
            allowed = [f for f, states in workflow.AMENDABLE.items() if state in states]
            named = ("、" if lang == "zh" else ", ").join(name("field", f, lang) for f in allowed)
            end = f"只能更正{named}。" if lang == "zh" else f"only {named} may be."
            assert text.endswith(end), (state, field, text)
    finally:
        set_language("en")


def test_withdraw_only_before_acceptance_law_art_23() -> None:
    assert workflow.transition("withdraw").sources == (State.intake,)
    assert fire(ready("intake"), cmd("withdraw", GOOD["withdraw"])) == "withdrawn"
    with pytest.raises(Refused):
        fire(ready("intake"), cmd("withdraw", {"reason": ""}))
    assert State.withdrawn in workflow.FINISHED and State.withdrawn in workflow.FINAL


def test_replay_accepts_the_former_combined_feedback_legacy_step() -> None:
    """Before issue 15 ``feedback`` recorded the visit and closed the case in one step; old logs
    keep such events and must still replay (workflow.LEGACY_STEPS), while the table fires
    today's ``feedback`` without changing the state."""
    for state in ("confirmed", "terminated", "declined"):
        old = workflow.Replay(state, 7)
        assert old.step("feedback", state, "closed", 8) is None, state
        assert workflow.Replay(state, 7).step("feedback", state, state, 8) is None
        assert workflow.Replay(state, 7).step("close", state, "closed", 8) is None
    assert workflow.Replay("closed", 9).step("feedback", "closed", "closed", 10) is None
    assert workflow.Replay("mediating", 4).step("feedback", "mediating", "closed", 5)
    assert workflow.Replay("agreed", 4).step("feedback", "agreed", "agreed", 5)
    assert workflow.legacy_feedback("feedback", "closed")
    assert not workflow.legacy_feedback("feedback", "confirmed")
    assert not workflow.legacy_feedback("close", "closed")
    # the legacy row never fires
    with pytest.raises(Refused):
        fire(ready("mediating"), cmd("feedback", GOOD["feedback"]))


def test_close_needs_a_visit_unless_the_committee_turns_it_off_close_needs_visit() -> None:
    subject = dataclasses.replace(ready("terminated"), visits=0)
    with pytest.raises(Refused, match="record at least one visit"):
        fire(subject, cmd("close", {}))
    subject.settings = workflow.Settings(close_needs_visit=False)
    assert fire(subject, cmd("close", {})) == "closed"
    assert workflow.setting("close_needs_visit").default is True


def test_a_visit_never_closes_and_urging_stays_allowed_until_closed_law_art_31() -> None:
    subject = ready("confirmed")
    for performance in ("partial", "none", "full"):
        assert fire(subject, cmd("visit", {**GOOD["visit"], "performance": performance})) \
            == "confirmed"
        assert fire(subject, cmd("urge", GOOD["urge"])) == "confirmed"
        assert fire(subject, cmd("feedback", GOOD["feedback"])) == "confirmed"
    assert fire(subject, cmd("close", {})) == "closed"
    with pytest.raises(Refused):
        fire(subject, cmd("urge", GOOD["urge"]))
    assert fire(subject, cmd("feedback", GOOD["feedback"])) == "closed"  # a late feedback


@pytest.mark.parametrize(("overrides", "warned"), [
    ({"today": date(2026, 12, 1)}, True),  # the 30th day after 2026-11-01: still open
    ({"today": date(2026, 12, 2)}, False),
    ({"today": date(2026, 11, 20), "judicial_pending": True}, False),
    ({"today": date(2026, 11, 20), "judicial_decided": "rejected"}, False),
    ({"today": date(2026, 11, 20), "agreement_form": "oral"}, False),
])
def test_judicial_window_open_warns_on_close(overrides: dict[str, Any], warned: bool) -> None:
    subject = ready("confirmed")
    for k, v in overrides.items():
        setattr(subject, k, v)
    why = workflow.judicial.judicial_window_open(subject, Close())
    assert (why is not None) is warned
    if why is not None:
        assert "until 2026-12-01" in why.render("en")


def test_a_closed_case_takes_a_filing_within_the_window() -> None:
    """Issue 14 (a clerk's trial): closed on the agenda's word while the parties' 30 days for
    judicial confirmation ran, the case refused their filing. A filing dated on or before the
    window's last day (workflow.judicial_window_end) is recorded on the closed case; the warning
    at closing says so."""
    effective = date(2026, 11, 1)
    end = workflow.judicial_window_end("written", effective, False)
    assert end == date(2026, 12, 1)
    assert workflow.judicial_window_end("oral", effective, False) is None
    assert workflow.judicial_window_end("written", effective, True) is None
    for filed in (effective, date(2026, 11, 20), end):
        assert fire(ready("closed"), cmd("judicial", {**GOOD["judicial"], "filed_on": filed})
                    ) == "closed"
    with pytest.raises(Refused, match="within 30 days"):
        fire(ready("closed"), cmd("judicial", {**GOOD["judicial"],
                                               "filed_on": end + timedelta(days=1)}))

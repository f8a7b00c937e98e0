"""A refusal lists only steps the case's own facts allow (a clerk's trial, issue 14: ``case
confirm`` on a mediating case with no session offered 达成协议, which ``case agree`` then
refused). For random states and facts: every step a refusal offers, judged on the facts
``workflow.offer_facts`` names (what the service loads for the offer), is refused by none of its
case-only guards (CASE_GUARDS); guards that read the step's inputs cannot be judged without them,
so those steps stay offered."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import workflow
from mediation.core.vocab import Performance, State
from mediation.workflow import Settings, Subject

NOW = datetime(2026, 12, 1, 4)


@st.composite
def subjects(draw: st.DrawFn) -> Subject:
    return Subject(
        number="(2026)龙人调字第1号", state=draw(st.sampled_from(list(State))),
        category=draw(st.sampled_from([None, "02"])),
        applicants=draw(st.integers(0, 2)), respondents=draw(st.integers(0, 2)),
        has_agreement=draw(st.booleans()), sessions=draw(st.integers(0, 2)),
        extensions=draw(st.integers(0, 2)), visits=draw(st.integers(0, 2)),
        urges=draw(st.integers(0, 1)), fed_back=draw(st.booleans()),
        last_performance=draw(st.sampled_from([None, *(p.value for p in Performance)])),
        deadline=NOW + timedelta(days=draw(st.integers(-5, 5))),
        settings=Settings(agree_needs_session=draw(st.booleans()),
                          close_needs_visit=draw(st.booleans())),
        now=NOW, today=NOW.date(), occurred_on=NOW.date(), deadline_day=date(2026, 12, 3))


@settings(max_examples=300, deadline=None)
@given(subject=subjects(), refused=st.sampled_from(workflow.TRIGGERS))
def test_every_step_offered_passes_its_case_fact_guards(subject: Subject, refused: str) -> None:
    known = workflow.ROW_FACTS | workflow.offer_facts(subject.state)
    offered = workflow.allowed_now(subject, refused, known=known)
    assert refused not in offered
    for trigger in offered:
        t = workflow.transition(trigger)
        assert subject.state in t.sources
        for g in t.guards:
            if g in workflow.CASE_GUARDS:
                assert g(subject, None) is None, (subject.state, trigger, g.__name__)
    # and nothing is left out that the case's facts allow: guards on inputs keep their steps
    for t in workflow.TRANSITIONS:
        if subject.state in t.sources and t.trigger != refused and all(
                g(subject, None) is None for g in t.guards if g in workflow.CASE_GUARDS):
            assert t.trigger in offered, t.trigger

"""Properties of the statistics over random case histories built through the real services."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from sqlmodel import select

from mediation.cases import Case
from mediation.core import periods
from mediation.core.periods import Period
from mediation.reporting import stats
from mediation.reporting.stats import CONCLUSIONS
from mediation.tables import Event
from tests.property.stats_history import History, _plan, build, histories, oracle, same

PERIODS: list[Period] = [periods.year(2026), periods.month(2026, 2),
                         periods.date_range(date(2026, 2, 3), date(2026, 3, 20))]
AS_OF = datetime(2026, 3, 15, 4, 0)


def _url(tmp_path: Path) -> str:
    return "sqlite:///" + str(tmp_path / f"h-{uuid.uuid4().hex}.db")


def _triggers(h: History) -> set[str]:
    return {trigger for _, trigger, _ in _plan(h)}


@settings(max_examples=8)
@given(hs=histories(max_cases=6))
def test_every_figure_equals_the_oracle(tmp_path_factory: pytest.TempPathFactory,
        hs: list[History]) -> None:
    b = build(_url(tmp_path_factory.mktemp("o")), hs)
    ids = b.committee_ids
    with b.uow() as uow:
        actor = b.directors[0]
        year = stats.compute(uow, actor, periods.year(2026), as_of=AS_OF)
        # Every history lies in 2026: a case counts once however often it is re-mediated,
        # and a declined case never enters the denominator.
        concluded = [h for h in hs if _triggers(h) & {"agree", "terminate"}]
        assert year.concluded == len(concluded)
        assert year.declined == sum(1 for h in hs if "decline" in _triggers(h))
        # withdrawn by the applicant before acceptance: counted apart from the declined
        assert year.withdrawn == sum(1 for h in hs if "withdraw" in _triggers(h))
        assert year.concluded <= year.accepted
        for period in PERIODS:
            total = oracle(uow.session, ids, period, None, AS_OF)[""]
            for by in (None, *stats.GROUP_BY):
                got = stats.compute(uow, actor, period, by, as_of=AS_OF)
                want = oracle(uow.session, ids, period, by, AS_OF)
                assert not same(got, total), (period, by, same(got, total))
                if by is not None:
                    assert got.groups is not None
                    assert [g.key for g in got.groups] == sorted(want), (period, by)
                    for g in got.groups:
                        assert not same(g, want[g.key or ""]), (period, by, g.key,
                                                                same(g, want[g.key or ""]))
                for f in [got, *(got.groups or [])]:
                    # the rate is in [0, 1] or null; null exactly when nothing concluded
                    if f.concluded == 0:
                        assert f.success_rate is None and f.success_rate_ci95 is None
                    else:
                        assert f.success_rate is not None and f.success_rate_ci95 is not None
                        assert 0.0 <= f.success_rate <= 1.0
                        low, high = f.success_rate_ci95
                        assert 0.0 <= low <= f.success_rate <= high <= 1.0
                    assert f.succeeded + f.terminated == f.concluded
                    assert f.agreements["written"] + f.agreements["oral"] == f.succeeded


@settings(max_examples=8)
@given(hs=histories(max_cases=5, committees=2))
def test_two_committees_merged_equal_their_union(tmp_path_factory: pytest.TempPathFactory,
        hs: list[History]) -> None:
    b = build(_url(tmp_path_factory.mktemp("m")), hs, committees=2)
    a_id, b_id = b.committee_ids
    actor = b.directors[0]
    additive = ("intake", "accepted", "declined", "withdrawn", "terminated", "concluded",
                "succeeded", "overdue", "agreements", "judicial", "sources")
    with b.uow() as uow:
        for period in (periods.year(2026), periods.month(2026, 2)):
            one = stats.compute(uow, actor, period, committee_ids=[a_id], as_of=AS_OF)
            two = stats.compute(uow, actor, period, committee_ids=[b_id], as_of=AS_OF)
            both = stats.compute(uow, actor, period, "committee", committee_ids=[a_id, b_id],
                                 as_of=AS_OF)
            for k in additive:
                x, y, z = getattr(one, k), getattr(two, k), getattr(both, k)
                if isinstance(z, dict):
                    assert z == {n: x[n] + y[n] for n in z}, k
                else:
                    assert z == x + y, k
            groups = {g.key: g for g in both.groups or []}
            for cid, alone in ((a_id, one), (b_id, two)):
                if str(cid) in groups:
                    assert not same(groups[str(cid)], alone)
                else:
                    assert alone.intake == alone.concluded == alone.accepted == 0


@settings(max_examples=4)
@given(hs=histories(max_cases=5))
def test_insertion_order_does_not_matter(tmp_path_factory: pytest.TempPathFactory,
        hs: list[History]) -> None:
    folder = tmp_path_factory.mktemp("i")
    builds = [build(_url(folder), hs, order=o) for o in ("time", "cases", "reversed")]
    results = []
    for b in builds:
        with b.uow() as uow:
            results.append([stats.compute(uow, b.directors[0], p, by, as_of=AS_OF)
                            for p in (periods.year(2026), periods.month(2026, 2))
                            for by in (None, "category", "month")])
    for other in results[1:]:
        for x, y in zip(results[0], other, strict=True):
            assert not same(x, y)
            assert [g.key for g in x.groups or []] == [g.key for g in y.groups or []]
            for gx, gy in zip(x.groups or [], y.groups or [], strict=True):
                assert not same(gx, gy)


def test_remediated_case_counts_once_by_its_first_conclusion(tmp_path: Path) -> None:
    """Agreed in February, re-mediated and agreed again in March: one success, in February."""
    h = History(category="02", source="grid", committee=0, mediator=0, start_hours=24,
                discovered_hours=5, amount=300,
                # accept, mediate, agree, confirm, remediate, agree, confirm
                choices=[0, 0, 0, 0, 2, 0, 0], gaps=[24, 24, 24, 24, 24 * 30, 24, 24, 1, 1],
                written=[True, False, True])
    assert [t for _, t, _ in _plan(h)] == ["accept", "mediate", "session", "agree", "confirm",
                                           "remediate", "agree", "confirm"]
    b = build(_url(tmp_path), [h])
    with b.uow() as uow:
        actor = b.directors[0]
        feb = stats.compute(uow, actor, periods.month(2026, 2), as_of=AS_OF)
        mar = stats.compute(uow, actor, periods.month(2026, 3), as_of=AS_OF)
        year = stats.compute(uow, actor, periods.year(2026), as_of=AS_OF)
    assert (feb.concluded, feb.succeeded, feb.agreements) == (1, 1, {"written": 1, "oral": 0})
    assert (mar.concluded, mar.succeeded) == (0, 0)
    assert (year.concluded, year.succeeded, year.success_rate) == (1, 1, 1.0)


@settings(max_examples=8)
@given(hs=histories(max_cases=6))
def test_the_case_milestones_equal_the_event_log(tmp_path_factory: pytest.TempPathFactory,
        hs: list[History]) -> None:
    """The columns stats counts by hold what a replay of the events gives: the first of each
    step (a re-mediated case keeps its first conclusion, outcome and confirmation)."""
    b = build(_url(tmp_path_factory.mktemp("c")), hs)
    with b.uow() as uow:
        events = sorted(uow.session.exec(select(Event)).all(), key=lambda e: e.seq)
        for c in uow.session.exec(select(Case)).all():
            mine = [e for e in events if e.case_id == c.id]

            def first(*actions: str, of: list[Event] = mine) -> Event | None:
                return next((e for e in of if e.action in actions), None)

            def at(e: Event | None) -> datetime | None:
                return None if e is None else e.at

            concluded = first(*CONCLUSIONS)
            outcome = (None if concluded is None else "termination"
                       if concluded.action == "terminate"
                       else json.loads(concluded.changes)["agreement"][1]["form"])
            assert (c.first_concluded_at, c.first_outcome) == (at(concluded), outcome)
            confirmed = first("confirm")  # effective: an oral agreement when reached (Law 30)
            assert c.first_confirmed_at == (None if confirmed is None else datetime.fromisoformat(
                json.loads(confirmed.changes)["agreement_effective"][1]["effective_at"]
                .removesuffix("Z")))
            assert c.registered_at == at(first("new"))
            assert c.accepted_at == at(first("accept"))
            assert c.declined_at == at(first("decline"))
            assert c.fed_back_at == at(first("feedback"))  # the first feedback (反馈)
            assert c.closed_at == at(first("close"))
            assert sum(e.action == "close" for e in mine) <= 1

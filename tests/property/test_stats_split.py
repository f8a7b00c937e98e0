"""A period from the first of a month into a later month (a year or a quarter to date, as the
nightly export asks): its whole months read off the counters and the rest of its last month
scanned give exactly the oracle's figures, by nothing, by month and by committee."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import pytest
from hypothesis import example, given, settings

from mediation.core import periods
from mediation.reporting import stats, stats_counted
from tests.property.stats_history import History, build, histories, oracle, same

AS_OF = datetime(2026, 3, 15, 4, 0)
SPLIT = [periods.date_range(date(2026, 1, 1), date(2026, 2, 17)),
         periods.date_range(date(2026, 2, 1), date(2026, 4, 9)),
         periods.year_to_date(date(2026, 3, 14))]


def test_these_periods_are_split() -> None:
    for period in SPLIT:
        for by in (None, "month", "committee"):
            assert stats_counted.split(by, period) is not None
        assert stats_counted.split("category", period) is None
    whole, rest = stats_counted.split(None, SPLIT[1]) or (None, None)
    assert whole is not None and rest is not None
    assert (whole.start, whole.end, rest.start, rest.end) == (
        date(2026, 2, 1), date(2026, 4, 1), date(2026, 4, 1), date(2026, 4, 10))
    assert stats_counted.split(None, periods.month_to_date(date(2026, 3, 14))) is None
    assert stats_counted.split(None, periods.year(2026)) is None


def _case(start_hours: int, committee: int = 0, *, visits: bool = False) -> History:
    # accept, mediate, agree, confirm, then (visits) one visit every 20 days, three in all
    return History(category="02", source="grid", committee=committee, mediator=0,
                   start_hours=start_hours, discovered_hours=5, amount=300,
                   choices=[0, 0, 0, 0, 4, 4, 4, 7] if visits else [0] * 9,
                   gaps=[24] * 4 + [24 * 20] * 5, written=[True, True, True])


# Every figure in each part of each period, in both committees: a case of January, one of
# early February, one of early March and one of early April; a case visited on 26 January,
# 15 February and 7 March (in both parts of a period, counted once by its last visit).
BOTH_PARTS = [_case(24), _case(24 * 35, 1), _case(24 * 32), _case(24 * 61), _case(24 * 91, 1),
              _case(24, visits=True), _case(24 * 14, 1, visits=True)]


@settings(max_examples=8)
@given(hs=histories(max_cases=6, committees=2))
@example(hs=BOTH_PARTS)
def test_split_periods_equal_the_oracle(tmp_path_factory: pytest.TempPathFactory,
                                        hs: list[History]) -> None:
    b = build("sqlite:///" + str(tmp_path_factory.mktemp("s") / f"{uuid.uuid4().hex}.db"), hs,
              committees=2)
    ids = b.committee_ids
    with b.uow() as uow:
        for period in SPLIT:
            for by in (None, "month", "committee"):
                got = stats.compute(uow, b.directors[0], period, by, committee_ids=ids,
                                    as_of=AS_OF)
                want = oracle(uow.session, ids, period, by, AS_OF)
                total = oracle(uow.session, ids, period, None, AS_OF)[""]
                assert not same(got, total), (period, by, same(got, total))
                if by is not None:
                    assert got.groups is not None
                    assert [g.key for g in got.groups] == sorted(want), (period, by)
                    for g in got.groups:
                        assert not same(g, want[g.key or ""]), (period, by, g.key)

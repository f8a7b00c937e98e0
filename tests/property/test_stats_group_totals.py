"""The totals of a grouped computation are the figures of the whole (issue 18: ``stats --by``
computes the groups once and sums them; a case visited or preventing escalation in two months
counts once in the period)."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from hypothesis import given, settings

from mediation.core import periods
from mediation.reporting import stats
from tests.property.stats_history import History, build, histories

AS_OF = datetime(2026, 12, 15, 4, 0)


def _visited_twice(h: History) -> History:
    """Steer a history towards agreement, confirmation and two visits far apart."""
    h.choices = [0, 0, 0, 0, 4, 4, *h.choices[:3]]
    h.gaps = [*h.gaps[:4], 24 * 20, 24 * 25, 24 * 25, *h.gaps[7:]]
    return h


@settings(max_examples=6, deadline=None)
@given(hs=histories(max_cases=5).map(lambda hs: [_visited_twice(h) for h in hs]))
def test_grouped_totals_are_the_whole(tmp_path_factory: pytest.TempPathFactory,
                                      hs: list[History]) -> None:
    url = "sqlite:///" + str(tmp_path_factory.mktemp("g") / f"{uuid.uuid4().hex}.db")
    b = build(url, hs)
    with b.uow() as uow:
        actor = b.directors[0]
        for period in (periods.year(2026), periods.month(2026, 2)):
            whole = stats.compute(uow, actor, period, as_of=AS_OF)
            for by in stats.GROUP_BY:
                grouped = stats.compute(uow, actor, period, by, as_of=AS_OF)
                assert grouped.model_copy(update={"by": None, "groups": None}) == whole, by

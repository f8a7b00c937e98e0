"""The district's figures (issue 17) over random histories across random numbers of committees:
each committee's row equals that committee's own ``stats``; the total equals the sum of the
rows (counts add; rates are recomputed from the summed numerators and denominators, never
averaged); no district output holds case content or personal data."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import sweeps
from mediation.access.policy import Actor
from mediation.committee import add_staff, init_committee, resolve_actor
from mediation.core import periods
from mediation.reporting import district, figures, stats
from mediation.reporting.figures import Figures
from tests.conftest import case_record
from tests.property.stats_history import PEOPLE, History, build, histories, same
from tests.property.test_stats_properties import AS_OF

PERIODS = [periods.year(2026), periods.month(2026, 2), periods.quarter(2026, 1)]
COUNTS = ("intake", "accepted", "declined", "withdrawn", "terminated", "concluded", "succeeded",
          "overdue")
NESTED = ("agreements", "judicial", "sources", "prevention")


@st.composite
def districts(draw: st.DrawFn) -> tuple[int, list[History], list[tuple[int, int, int]]]:
    n = draw(st.integers(1, len(PEOPLE)))
    hs = draw(histories(max_cases=6, committees=n))
    swept = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 3),
                                    st.integers(0, 80)), max_size=5))
    return n, hs, swept


def _viewer(b: Any) -> Actor:
    """The Bureau of Justice on the same database: an administrator and a district viewer."""
    with b.uow(write=True) as uow:
        init_committee(uow, name="岳麓区司法局", prefix="岳", director="qu", admin=True)
        add_staff(uow, resolve_actor(uow, "qu"), username="zhaoju", name="赵局",
                  role="district_viewer")
        uow.commit()
    with b.uow() as uow:
        return resolve_actor(uow, "zhaoju")


def _add(x: Any, y: Any) -> Any:
    if isinstance(x, dict):
        return {k: _add(x[k], y[k]) for k in x}
    return x + y


def _summed(rows: list[Figures]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k in (*COUNTS, *NESTED):
        values = [getattr(r, k) for r in rows]
        acc = values[0]
        for v in values[1:]:
            acc = _add(acc, v)
        out[k] = acc
    out["amount"] = sum((Decimal(r.amount_yuan) for r in rows), Decimal(0))
    perf = [r.performance for r in rows]
    out["performance"] = {k: sum(p[k] for p in perf)
                          for k in ("followed_up", "full", "partial", "none")}
    return out


@settings(max_examples=8)
@given(world=districts())
def test_the_district_is_the_sum_of_its_committees(tmp_path_factory: pytest.TempPathFactory,
                                                   world: tuple[int, list[History],
                                                                list[tuple[int, int, int]]]
                                                   ) -> None:
    n, hs, swept = world
    folder: Path = tmp_path_factory.mktemp("d")
    b = build("sqlite:///" + str(folder / f"d-{uuid.uuid4().hex}.db"), hs, committees=n)
    b.clock.now = datetime(2026, 4, 1, 2, 0)
    for who, found, day in swept:
        with b.uow(write=True) as uow:
            sweeps.record(uow, b.directors[who], area="桐梓坡小区", by="李明", found=found,
                          on=date(2026, 1, 1) + timedelta(days=day))
            uow.commit()
    viewer = _viewer(b)
    with b.uow() as uow:
        for period in PERIODS:
            d = district.compute(uow, viewer, period, as_of=AS_OF)
            # One row per committee, the Bureau's own entry left out.
            assert [r.id for r in d.committees] == b.committee_ids
            for row, director in zip(d.committees, b.directors, strict=True):
                own = stats.compute(uow, director, period, as_of=AS_OF)
                assert not same(row.figures, own), (period, row.prefix, same(row.figures, own))
                assert row.sweeps == own.sweeps
            rows = [r.figures for r in d.committees]
            summed = _summed(rows)
            t = d.total
            for k in (*COUNTS, *NESTED):
                assert getattr(t, k) == summed[k], (period, k)
            assert Decimal(t.amount_yuan) == summed["amount"]
            assert {k: t.performance[k] for k in summed["performance"]} == summed["performance"]
            # Rates: from the summed counts, never the mean of the committees' rates.
            if t.concluded:
                assert t.success_rate == t.succeeded / t.concluded
                assert t.success_rate_ci95 == list(figures.wilson(t.succeeded, t.concluded) or [])
            else:
                assert t.success_rate is None and t.success_rate_ci95 is None
            followed = t.performance["followed_up"]
            assert t.performance["rate"] == (t.performance["full"] / followed if followed
                                             else None)
            assert d.sweeps == {k: sum(r.sweeps[k] for r in d.committees)
                                for k in district.SWEEP_KEYS}
            # Counts only: nothing of a case, a party or a mediator in any output.
            for suppress in (True, False):
                text = json.dumps(district.to_json(d, suppress=suppress), ensure_ascii=False)
                record = case_record()
                secrets = [record["summary"], record["requests"], *(
                    v for p in record["parties"] for v in (p["name"], p["id_number"],
                                                           p["phone"], p["address"]))]
                secrets += [p[0] for p in PEOPLE] + [p[3] for p in PEOPLE] + ["李明"]
                for secret in secrets:
                    assert secret not in text, secret

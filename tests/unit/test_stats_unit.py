"""Wilson intervals, period parsing, small-count suppression."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from mediation.core import periods
from mediation.core.errors import InvalidInput
from mediation.reporting import figures


def test_worked_example_85_of_85() -> None:
    ci = figures.wilson(85, 85)
    assert ci is not None
    low, high = ci
    assert round(low, 3) == 0.957 and high == 1.0


def test_wilson_known_values_and_edges() -> None:
    assert figures.wilson(0, 0) is None
    low, high = figures.wilson(7913, 8438) or (0, 0)
    assert low < 7913 / 8438 < high and high - low < 0.011
    low, high = figures.wilson(0, 10) or (1, 1)
    assert low == 0.0 and round(high, 4) == 0.2775
    low, high = figures.wilson(5, 10) or (0, 0)
    assert round(low, 4) == 0.2366 and round(high, 4) == 0.7634
    with pytest.raises(ValueError):
        figures.wilson(3, 2)


@pytest.mark.parametrize("n", [1, 2, 5, 17, 100, 1000])
def test_wilson_contains_the_estimate(n: int) -> None:
    for k in range(0, n + 1, max(1, n // 7)):
        low, high = figures.wilson(k, n) or (0, 0)
        assert 0 <= low <= k / n <= high <= 1


def test_periods() -> None:
    p = periods.parse_period("2026-11", date(2026, 11, 30))
    assert (p.kind, p.start, p.end, p.label) == ("month", date(2026, 11, 1), date(2026, 12, 1),
                                                  "2026-11")
    p = periods.parse_period("2026Q4", date(2026, 11, 30))
    assert (p.start, p.end) == (date(2026, 10, 1), date(2027, 1, 1))
    p = periods.parse_period("2026q1", date(2026, 11, 30))
    assert (p.start, p.end) == (date(2026, 1, 1), date(2026, 4, 1))
    p = periods.parse_period("2026", date(2026, 11, 30))
    assert (p.start, p.end) == (date(2026, 1, 1), date(2027, 1, 1))
    p = periods.parse_period("2026-12", date(2026, 11, 30))
    assert p.end == date(2027, 1, 1)
    p = periods.parse_period("2026-02-03..2026-02-20", date(2026, 11, 30))
    assert (p.start, p.last_day) == (date(2026, 2, 3), date(2026, 2, 20))
    # local days: 2026-11-01 00:00 in China is 2026-10-31 16:00 UTC
    assert periods.month(2026, 11).start_utc == datetime(2026, 10, 31, 16, 0)


@pytest.mark.parametrize("bad", ["2026-13", "26Q1", "2026Q5", "November", "2026-02-30..x", ""])
def test_bad_periods(bad: str) -> None:
    with pytest.raises(InvalidInput):
        periods.parse_period(bad, date(2026, 11, 30))


def test_period_options() -> None:
    today = date(2026, 11, 22)
    p = periods.period_from_options(today=today)
    assert (p.kind, p.start, p.last_day) == ("month_to_date", date(2026, 11, 1), today)
    p = periods.period_from_options(from_="2026-03-01", to="2026-03-31", today=today)
    assert (p.start, p.end) == (date(2026, 3, 1), date(2026, 4, 1))
    assert periods.period_from_options(quarter_="2026Q4", today=today).label == "2026Q4"
    with pytest.raises(InvalidInput):
        periods.period_from_options(month_="2026-11", year_="2026", today=today)
    with pytest.raises(InvalidInput):
        periods.period_from_options(from_="2026-03-31", to="2026-03-01", today=today)
    with pytest.raises(InvalidInput):
        periods.period_from_options(month_="2026Q4", today=today)
    months = periods.last_months(date(2026, 2, 10), 12)
    assert [m.label for m in months][:2] == ["2025-03", "2025-04"]
    assert months[-1].label == "2026-02"


def test_suppress_small() -> None:
    doc = {"intake": 3, "concluded": 0, "succeeded": 12, "success_rate": 0.5,
           "agreements": {"written": 4, "oral": 7}, "intervals": {"whole": {"n": 2,
                                                                      "median_days": 3.0}},
           "groups": [{"key": "01", "intake": 1}]}
    out = figures.suppress_small(doc)
    assert out["intake"] == "<5" and out["concluded"] == 0 and out["succeeded"] == 12
    assert out["success_rate"] == 0.5 and out["agreements"] == {"written": "<5", "oral": 7}
    assert out["intervals"]["whole"] == {"n": "<5", "median_days": 3.0}
    assert out["groups"] == [{"key": "01", "intake": "<5"}]

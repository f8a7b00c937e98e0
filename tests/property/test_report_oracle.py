"""The statistics sheet (月报, 季报, 年报) against the brute-force statistics oracle: over random
case histories built through the real services, every row and the total of the sheet of a month,
a quarter and a year are the oracle's figures of that period by reporting category (a clerk's
trial, issue 14: the quarterly and yearly reports must say what `stats` says)."""

from __future__ import annotations

import io
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from openpyxl import load_workbook

from mediation.core import categories, periods
from mediation.reporting import report
from mediation.reporting.figures import Figures, empty
from tests.property.stats_history import History, build, histories, oracle

# The histories run from late January 2026 over some months: a month, quarters with and
# without cases, and the year.
PERIODS = [periods.month(2026, 2), periods.quarter(2026, 1), periods.quarter(2026, 2),
           periods.quarter(2026, 3), periods.year(2026)]
AS_OF = datetime(2027, 1, 1)
KINDS = ("suicide", "civil_to_criminal", "group_petition", "group_fight")


def _expected(f: Figures) -> list[Any]:
    """A row of the sheet as the definitions give it (docs/statistics.md, DOMAIN.md §5)."""
    rate = None if f.concluded == 0 else f.succeeded / f.concluded
    row: list[Any] = [f.accepted, f.concluded, f.succeeded, rate, f.agreements["written"],
                      f.agreements["oral"], f.judicial["filed"], f.judicial["confirmed"],
                      Decimal(f.amount_yuan)]
    for kind in KINDS:
        row += [f.prevention[kind]["cases"], f.prevention[kind]["persons"]]
    return row


def _read(cells: tuple[Any, ...]) -> list[Any]:
    row = [c.value for c in cells]
    row[8] = Decimal(f"{row[8]:.2f}")
    return row


@settings(max_examples=6, deadline=None)
@given(hs=histories(max_cases=6))
def test_every_row_of_every_periods_sheet_equals_the_oracle(
        tmp_path_factory: pytest.TempPathFactory, hs: list[History]) -> None:
    url = "sqlite:///" + str(tmp_path_factory.mktemp("r") / f"{uuid.uuid4().hex}.db")
    b = build(url, hs)
    codes = [c.code for c in categories.reporting_categories()]
    with b.uow() as uow:
        for period in PERIODS:
            buf = io.BytesIO()
            summary = report.monthly(uow, b.directors[0], period, buf, as_of=AS_OF)
            by_category = oracle(uow.session, b.committee_ids, period, "category", AS_OF)
            total = oracle(uow.session, b.committee_ids, period, None, AS_OF).get("")
            ws: Any = load_workbook(io.BytesIO(buf.getvalue())).active
            assert period.start.isoformat() in ws["A2"].value
            assert f"（{periods.named(period, 'zh', to_date=False)}）" in ws["A1"].value
            rows = list(ws.iter_rows(min_row=5, max_row=20, min_col=3, max_col=19))
            for code, cells in zip(codes, rows[:15], strict=True):
                want = _expected(by_category.get(code) or empty(code))
                assert _read(cells) == pytest.approx(want), (period.label, code)
            want_total = _expected(total or empty(None))
            assert _read(rows[15]) == pytest.approx(want_total), period.label
            assert (summary["concluded"], summary["succeeded"]) == tuple(want_total[1:3])

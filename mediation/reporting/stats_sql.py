"""The SQL building blocks of the statistics (``mediation.reporting.stats``): dialect-aware
expressions for durations, months, group keys and the period's bounds, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Numeric,
    String,
    Table,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
)
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlmodel import SQLModel

from mediation.core import categories

# counted in China Standard Time for every committee (docs/settings.md), not clock.calendar()
from mediation.core.calendar import DEFAULT
from mediation.core.periods import Period, next_month


def table(name: str) -> Table:
    """A stored table, read with Core (no ORM objects in the statistics)."""
    return SQLModel.metadata.tables[name]


class Sql:
    """Dialect-aware expressions for one computation."""

    def __init__(self, dialect: str, by: str | None, period: Period) -> None:
        self.dialect = dialect
        self.sqlite = dialect == "sqlite"
        self.by = by
        self.period = period

    def days(self, later: Any, earlier: Any) -> ColumnElement[Any]:
        if self.sqlite:
            return func.julianday(later) - func.julianday(earlier)
        return cast(func.extract("epoch", later - earlier), Numeric) / literal(86400, Numeric)

    def month_of(self, ts: Any, *, is_date: bool = False) -> ColumnElement[Any]:
        if self.sqlite:
            if is_date:
                return func.strftime("%Y-%m", ts)
            # The rows are within the period, so their month is found by comparing with the
            # start of each month of the period (China time, in UTC): a few text comparisons
            # a row instead of parsing every timestamp with strftime (several times faster).
            starts = []
            d = self.period.start.replace(day=1)
            while d < self.period.end:
                starts.append(d)
                d = next_month(d)
            last = literal(f"{starts[-1]:%Y-%m}", String)
            if len(starts) == 1:
                return last
            plain = self.ts(ts)
            return case(*[(plain < DEFAULT.start_of_day_utc(nxt), literal(f"{d:%Y-%m}", String))
                          for d, nxt in pairwise(starts)], else_=last)
        shifted = ts if is_date else ts + literal_column("interval '8 hours'")
        return func.to_char(shifted, "YYYY-MM")

    def key(self, c: Any, ts: Any = None, *, is_date: bool = False,
            fixed_month: str | None = None) -> ColumnElement[Any]:
        """The group key of a row: by category (reporting code), mediator, ..., or month."""
        by = self.by
        if by is None:
            return literal("", String)
        if by == "category":
            parents = [(cat.code, cat.parent) for cat in categories.all_categories()
                       if cat.parent]
            if not parents:
                return c.c.category  # type: ignore[no-any-return]
            return case(*[(c.c.category == code, literal(parent, String))
                          for code, parent in parents], else_=c.c.category)
        if by == "mediator":
            return func.coalesce(c.c.lead_mediator, "-")
        if by == "committee":
            return cast(c.c.committee_id, String)
        if by == "source":
            return c.c.source  # type: ignore[no-any-return]
        if fixed_month is not None:
            return literal(fixed_month, String)
        return self.month_of(ts, is_date=is_date)

    def group(self, stmt: Any, key: Any, *more: Any, constant: bool = False) -> Any:
        """GROUP BY the key (and ``more``), leaving out a constant key (PostgreSQL refuses it)."""
        cols = list(more) if (self.by is None or constant) else [key, *more]
        return stmt.group_by(*cols) if cols else stmt

    def ts(self, column: Any) -> Any:
        """A timestamp column as compared with the period's bounds.

        On SQLite, ``+column``: the unary plus drops the column's NUMERIC affinity (DATETIME),
        which SQLite would otherwise try to apply to the bound text parameter at every
        comparison; the values are the same ISO text either way, so the result is the same and
        a scan of the cases is about a third faster. PostgreSQL compares timestamps natively.
        """
        if self.sqlite:
            return UnaryExpression(column, operator=custom_op("+"), type_=column.type)
        return column

    def scope(self, c: Any, ids: Sequence[int]) -> ColumnElement[bool]:
        """The committees' cases. On SQLite, ``+committee_id`` keeps the planner from walking
        the committee index row by row: a statistics query reads most of a committee's cases,
        and a SQLite file holds one committee or a few, so a plain scan is the cheaper plan."""
        column: ColumnElement[Any] = c.c.committee_id
        if self.sqlite:
            column = UnaryExpression(column, operator=custom_op("+"), type_=column.type)
        return column.in_(list(ids))

    def in_period(self, ts: Any) -> ColumnElement[bool]:
        return and_(ts >= self.period.start_utc, ts < self.period.end_utc)

    def in_period_dates(self, d: Any) -> ColumnElement[bool]:
        return and_(d >= self.period.start, d < self.period.end)


def count_if(cond: Any) -> ColumnElement[Any]:
    """How many rows meet ``cond`` (0, not NULL, when none)."""
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

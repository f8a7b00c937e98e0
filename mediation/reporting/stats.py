"""Statistics that can be trusted: DOMAIN.md §5, computed by SQL aggregates (GROUP BY).

Definitions (docs/statistics.md states them for readers, in Chinese and English):

- Every figure is counted **by the date of the event** that makes it (China Standard Time):
  intake by registration (``new``), accepted by ``accept``, declined by ``decline``.
- A case's **conclusion** is its FIRST ``agree`` or ``terminate`` event. Re-mediation
  (``remediate``) never creates a second conclusion: a re-mediated case is counted once, in the
  period and with the outcome of its first conclusion, so a past period's figures never change
  when a case is re-opened later. (A termination is final, so only an agreement can be followed
  by another conclusion.)
- **Success rate** = succeeded (first conclusion is an agreement, written or oral) ÷ concluded
  (first conclusion in the period, agreement or termination after acceptance). Declined and open
  cases are never in the denominator. ``None`` when nothing concluded. Shown with its Wilson 95%
  score interval.
- Intervals are measured between the first occurrence of each step and attributed to the period
  of the later step; median and 90th percentile by nearest rank (the value at rank ⌈p·n⌉).
- ``overdue`` is a point-in-time figure: cases open (accepted or mediating) whose deadline (30
  days from acceptance, or as extended with consent) passed before ``as_of`` (the end of the
  period, or now if that is earlier).

Nothing here loads every case into Python, and nothing replays the event log per query: each
case row carries its milestones (registered, accepted, declined, ``first_concluded_at`` with
``first_outcome``, ``first_confirmed_at``, ``closed_at`` for the follow-up), set once by the steps
in the transaction of their event and never reset by re-mediation (migration 0005 backfilled them
from the event log, which stays the source of truth; the property tests replay it). One scan of
the cases with conditional sums gives the counts, the source split and the amount; one GROUP BY
per interval gives the durations per 0.01-day bucket (the percentiles are read off the bucket
counts); the other figures are one small aggregate each, all grouped by the requested dimension.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from pydantic import BaseModel
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
    or_,
    select,
    union_all,
)
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlmodel import SQLModel

from mediation.access.policy import Actor, require
from mediation.core import calendar, categories
from mediation.core.clock import local_date, start_of_local_day_utc
from mediation.core.errors import InvalidInput, UsageError
from mediation.core.i18n import msg
from mediation.core.vocab import PreventionKind, Source
from mediation.db.storage import UnitOfWork
from mediation.workflow import OPEN_STATES

Z95 = 1.959963984540054
GROUP_BY = ("category", "mediator", "committee", "source", "month")
CONCLUSIONS = ("agree", "terminate")
INTERVALS = ("discovered_to_accepted", "accepted_to_concluded", "concluded_to_confirmed",
             "confirmed_to_feedback", "whole")


# ---------------------------------------------------------------------------------------------
# Wilson score interval


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion; None when ``n`` is 0."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    low, high = max(0.0, centre - half), min(1.0, centre + half)
    # Guard against rounding at the ends: the interval always contains the point estimate.
    return min(low, p), max(high, p)


# ---------------------------------------------------------------------------------------------
# Periods (local calendar dates; ``end`` is exclusive)


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | range | month_to_date
    label: str
    start: date
    end: date  # exclusive

    @property
    def start_utc(self) -> datetime:
        return start_of_local_day_utc(self.start)

    @property
    def end_utc(self) -> datetime:
        return start_of_local_day_utc(self.end)

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    def view(self) -> dict[str, str]:
        return {"kind": self.kind, "label": self.label, "from": self.start.isoformat(),
                "to": self.last_day.isoformat()}


def _next_month(d: date) -> date:
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def month(year: int, mon: int) -> Period:
    start = date(year, mon, 1)
    return Period("month", f"{year:04d}-{mon:02d}", start, _next_month(start))


def quarter(year: int, q: int) -> Period:
    start = date(year, 3 * (q - 1) + 1, 1)
    end = date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)
    return Period("quarter", f"{year:04d}Q{q}", start, end)


def year(y: int) -> Period:
    return Period("year", f"{y:04d}", date(y, 1, 1), date(y + 1, 1, 1))


def date_range(first: date, last: date) -> Period:
    if last < first:
        raise InvalidInput(msg("the period ends ({to}) before it starts ({start})",
                               to=last.isoformat(), start=first.isoformat()))
    return Period("range", f"{first.isoformat()}..{last.isoformat()}", first,
                  last + timedelta(days=1))


def month_to_date(today: date) -> Period:
    start = today.replace(day=1)
    return Period("month_to_date", f"{today:%Y-%m} (≤{today:%m-%d})", start,
                  today + timedelta(days=1))


def year_to_date(today: date) -> Period:
    return Period("year_to_date", f"{today:%Y} (≤{today:%m-%d})", date(today.year, 1, 1),
                  today + timedelta(days=1))


def last_months(today: date, count: int = 12) -> list[Period]:
    """The ``count`` calendar months ending with the one holding ``today`` (oldest first)."""
    y, m = today.year, today.month
    out = []
    for _ in range(count):
        out.append(month(y, m))
        y, m = (y - 1, 12) if m == 1 else (y, m - 1)
    return out[::-1]


_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER_RE = re.compile(r"^(\d{4})[Qq]([1-4])$")
_YEAR_RE = re.compile(r"^(\d{4})$")


def parse_period(spec: str) -> Period:
    """``2026-11`` (month), ``2026Q4`` (quarter), ``2026`` (year) or ``D..D`` (dates)."""
    text = spec.strip()
    if m := _MONTH_RE.match(text):
        mon = int(m.group(2))
        if 1 <= mon <= 12:
            _check_day(date(int(m.group(1)) or 1, mon, 1), spec)
            return month(int(m.group(1)), mon)
    elif m := _QUARTER_RE.match(text):
        _check_day(date(int(m.group(1)) or 1, 1, 1), spec)
        return quarter(int(m.group(1)), int(m.group(2)))
    elif m := _YEAR_RE.match(text):
        _check_day(date(int(m.group(1)) or 1, 1, 1), spec)
        return year(int(m.group(1)))
    elif ".." in text:
        first, _, last = text.partition("..")
        return date_range(parse_date(first), parse_date(last))
    raise InvalidInput(msg("not a period: {value} (use 2026-11, 2026Q4, 2026 or "
                           "2026-01-01..2026-03-31)", value=spec))


def parse_date(value: str) -> date:
    """A date in any written form the one normaliser reads (normalise.date_: 2026-12-31,
    2026/12/31, 2026.12.31, 2026年12月31日, full-width digits)."""
    from mediation.core import normalise

    try:
        day = normalise.date_(value)
    except normalise.Unreadable as exc:
        raise InvalidInput(exc.message) from None
    _check_day(day, value)
    return day


def _check_day(day: date, value: str) -> None:
    if not calendar.in_range(day):
        raise UsageError(msg("{value} is out of range: dates are from {first} to {last}",
                               value=value, first=calendar.FIRST_DAY, last=calendar.LAST_DAY))


def period_from_options(*, month_: str | None = None, quarter_: str | None = None,
                        year_: str | None = None, from_: str | None = None,
                        to: str | None = None, spec: str | None = None,
                        today: date) -> Period:
    """The one period the options name; the current month to date when none is given."""
    given = [x for x in (month_, quarter_, year_, spec) if x] + (
        ["range"] if (from_ or to) else [])
    if len(given) > 1:
        raise InvalidInput(msg("give one period: --month, --quarter, --year, or --from/--to"))
    # 2026年11月, 2026/11, 2026年第4季度, 2026年 ...: one written form each (core/normalise.py).
    from mediation.core import normalise

    month_, quarter_, year_, spec = (None if x is None else normalise.period_text(x)
                                     for x in (month_, quarter_, year_, spec))
    if month_:
        if not _MONTH_RE.match(month_.strip()):
            raise InvalidInput(msg("not a month: {value} (use 2026-11)", value=month_))
        return parse_period(month_)
    if quarter_:
        if not _QUARTER_RE.match(quarter_.strip()):
            raise InvalidInput(msg("not a quarter: {value} (use 2026Q4)", value=quarter_))
        return parse_period(quarter_)
    if year_:
        if not _YEAR_RE.match(year_.strip()):
            raise InvalidInput(msg("not a year: {value} (use 2026)", value=year_))
        return parse_period(year_)
    if spec:
        return parse_period(spec)
    if from_ or to:
        first = parse_date(from_) if from_ else date(today.year, 1, 1)
        last = parse_date(to) if to else today
        return date_range(first, last)
    return month_to_date(today)


# ---------------------------------------------------------------------------------------------
# The figures


class Interval(BaseModel):
    n: int
    median_days: float | None
    p90_days: float | None


class Figures(BaseModel):
    """The figures of one period (or of one group within it)."""

    key: str | None = None
    intake: int = 0
    accepted: int = 0
    declined: int = 0
    terminated: int = 0
    concluded: int = 0
    succeeded: int = 0
    success_rate: float | None = None
    success_rate_ci95: list[float] | None = None
    denominator: str = "concluded"
    agreements: dict[str, int] = {}
    judicial: dict[str, int] = {}
    performance: dict[str, Any] = {}
    amount_yuan: str = "0.00"
    prevention: dict[str, dict[str, int]] = {}
    sources: dict[str, int] = {}
    overdue: int = 0
    intervals: dict[str, Interval] = {}


class Stats(Figures):
    period: dict[str, str]
    committees: list[int]
    as_of: str
    by: str | None = None
    groups: list[Figures] | None = None
    # Dispute sweeps (排查) dated in the period: how many, how many zero reports (nothing
    # found), and the disputes they found (docs/grid.md).
    sweeps: dict[str, int] = {}


def _blank() -> dict[str, Any]:
    return {
        "intake": 0, "accepted": 0, "declined": 0, "terminated": 0, "succeeded": 0,
        "written": 0, "oral": 0, "filed": 0, "confirmed": 0, "rejected": 0,
        "followed_up": 0, "full": 0, "partial": 0, "none": 0, "amount_fen": 0, "overdue": 0,
        "prevention": {}, "prevention_total": (0, 0), "sources": {},
        "intervals": {},
    }


def _figures(key: str | None, raw: dict[str, Any]) -> Figures:
    concluded = raw["terminated"] + raw["succeeded"]
    rate = raw["succeeded"] / concluded if concluded else None
    ci = wilson(raw["succeeded"], concluded)
    followed = raw["followed_up"]
    prevention = {k.value: {"cases": 0, "persons": 0} for k in PreventionKind}
    for kind, (n_cases, persons) in raw["prevention"].items():
        prevention[kind] = {"cases": n_cases, "persons": persons}
    prevention["total"] = {"cases": raw["prevention_total"][0],
                           "persons": raw["prevention_total"][1]}
    sources = {s.value: 0 for s in Source}
    sources.update(raw["sources"])
    intervals = {name: raw["intervals"].get(name, Interval(n=0, median_days=None,
                                                           p90_days=None))
                 for name in INTERVALS}
    return Figures(
        key=key,
        intake=raw["intake"], accepted=raw["accepted"], declined=raw["declined"],
        terminated=raw["terminated"], concluded=concluded, succeeded=raw["succeeded"],
        success_rate=rate, success_rate_ci95=list(ci) if ci else None,
        agreements={"written": raw["written"], "oral": raw["oral"]},
        judicial={"filed": raw["filed"], "confirmed": raw["confirmed"],
                  "rejected": raw["rejected"]},
        performance={"followed_up": followed, "full": raw["full"], "partial": raw["partial"],
                     "none": raw["none"], "rate": raw["full"] / followed if followed else None},
        amount_yuan=f"{Decimal(raw['amount_fen']) / 100:.2f}",
        prevention=prevention, sources=sources, overdue=raw["overdue"], intervals=intervals,
    )


def monthly_series(stats: Stats, months: Sequence[Period]) -> list[Figures]:
    """One Figures per month of ``months`` from a ``by="month"`` result (empty months filled)."""
    groups = {g.key: g for g in stats.groups or []}
    return [groups.get(m.label) or empty(m.label) for m in months]


def empty(key: str | None = None) -> Figures:
    """The figures of a group where nothing happened."""
    return _figures(key, _blank())


# ---------------------------------------------------------------------------------------------
# SQL building blocks


def _t(name: str) -> Table:
    return SQLModel.metadata.tables[name]


class _Sql:
    """Dialect-aware expressions for one computation."""

    def __init__(self, dialect: str, by: str | None, period: Period) -> None:
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
                d = _next_month(d)
            last = literal(f"{starts[-1]:%Y-%m}", String)
            if len(starts) == 1:
                return last
            plain = self.ts(ts)
            return case(*[(plain < start_of_local_day_utc(nxt), literal(f"{d:%Y-%m}", String))
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


def _n(cond: Any) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


# ---------------------------------------------------------------------------------------------
# The computation


def compute(uow: UnitOfWork, actor: Actor, period: Period, by: str | None = None, *,
            committee_ids: Sequence[int] | None = None,
            as_of: datetime | None = None) -> Stats:
    """The figures of ``period`` for the actor's committee (or ``committee_ids``), by SQL.

    ``by`` (category, mediator, committee, source, month) adds ``groups``. ``as_of`` is the
    instant ``overdue`` is measured at (default: the end of the period or now, whichever is
    earlier).
    """
    require(actor, "stats.read")
    ids = list(committee_ids) if committee_ids is not None else [actor.committee_id]
    return compute_for(uow, ids, period, by, as_of=as_of)


def compute_for(uow: UnitOfWork, ids: list[int], period: Period, by: str | None = None, *,
                as_of: datetime | None = None) -> Stats:
    """The figures of the committees ``ids``; the caller has checked the permission
    (:func:`compute`: ``stats.read`` on the actor's own; reporting/district.py:
    ``district.read``)."""
    if by is not None and by not in GROUP_BY:
        raise UsageError(msg("--by must be one of: {allowed}", allowed=", ".join(GROUP_BY)))
    when = as_of if as_of is not None else min(period.end_utc, uow.now())
    conn = uow.session.connection()
    total = _collect(conn, _Sql(conn.dialect.name, None, period), ids, when)[""]
    stats = Stats(**_figures(None, total).model_dump(), period=period.view(), committees=ids,
                  as_of=when.strftime("%Y-%m-%dT%H:%M:%SZ"), by=by,
                  sweeps=_sweeps(conn, ids, period))
    if by is not None:
        raw = _collect(conn, _Sql(conn.dialect.name, by, period), ids, when)
        stats.groups = [_figures(k, raw[k]) for k in sorted(raw)]
    return stats


def _sweeps(conn: Any, ids: list[int], period: Period) -> dict[str, int]:
    """Sweeps dated in ``period``: count, zero reports and disputes found."""
    w = _t("sweep")
    n, zero, found = conn.execute(
        select(func.count(), _n(w.c.disputes_found == 0),
               func.coalesce(func.sum(w.c.disputes_found), 0))
        .where(w.c.committee_id.in_(ids), w.c.swept_on >= period.start,
               w.c.swept_on < period.end)).one()
    return {"sweeps": int(n), "zero_reports": int(zero or 0), "disputes_found": int(found)}


def _collect(conn: Any, q: _Sql, ids: list[int], as_of: datetime) -> dict[str, dict[str, Any]]:
    c = _t("cases")
    j, f, p = _t("judicial_confirmation"), _t("follow_up"), _t("prevention")
    out: dict[str, dict[str, Any]] = {}

    def row(key: Any) -> dict[str, Any]:
        k = "" if key is None else str(key)
        return out.setdefault(k, _blank())

    if q.by is None:
        row("")
    scope = q.scope(c, ids)

    # 1. The counts: one scan of the cases, conditional sums per group and source (per fact and
    # month when grouping by month). A group appears only where something happened.
    for k, source, *counts in conn.execute(_counts_stmt(q, c, scope)):
        intake, accepted, declined, terminated, written, oral, amount = (
            int(x or 0) for x in counts)
        if not any((intake, accepted, declined, terminated, written, oral)):
            continue
        r = row(k)
        r["intake"] += intake
        if intake:
            r["sources"][source] = r["sources"].get(source, 0) + intake
        r["accepted"] += accepted
        r["declined"] += declined
        r["terminated"] += terminated
        r["succeeded"] += written + oral
        r["written"] += written
        r["oral"] += oral
        r["amount_fen"] += amount

    # 2. The intervals: durations counted per 0.01-day bucket, one GROUP BY per interval.
    buckets: dict[tuple[str, str], dict[float, int]] = {}
    for name, k, bucket, n in conn.execute(_intervals_stmt(q, c, scope)):
        counts = buckets.setdefault(("" if k is None else str(k), name), {})
        b = round(float(bucket), 2)
        counts[b] = counts.get(b, 0) + int(n)
    for (k, interval), counts in buckets.items():
        row(k)["intervals"][interval] = _percentiles(counts)

    # 3. Judicial confirmation: filed by filing date, confirmed/rejected by decision date.
    key = q.key(c, j.c.filed_on, is_date=True).label("k")
    stmt = (select(key, func.count()).select_from(j.join(c, c.c.id == j.c.case_id))
            .where(scope, q.in_period_dates(j.c.filed_on)))
    stmt = q.group(stmt, key)
    for k, n in conn.execute(stmt):
        row(k)["filed"] = int(n)
    key = q.key(c, j.c.decided_on, is_date=True).label("k")
    stmt = (select(key, _n(j.c.result == "confirmed"), _n(j.c.result == "rejected"))
            .select_from(j.join(c, c.c.id == j.c.case_id))
            .where(scope, j.c.decided_on.is_not(None), q.in_period_dates(j.c.decided_on)))
    stmt = q.group(stmt, key)
    for k, conf, rej in conn.execute(stmt):
        row(k).update(confirmed=int(conf), rejected=int(rej))

    # 4. Follow-ups of agreements: performance.
    key = q.key(c, f.c.visited_at).label("k")
    stmt = (select(key, func.count(), _n(f.c.performance == "full"),
                   _n(f.c.performance == "partial"), _n(f.c.performance == "none"))
            .select_from(f.join(c, c.c.id == f.c.case_id))
            .where(scope, q.in_period(f.c.visited_at), f.c.performance.is_not(None)))
    stmt = q.group(stmt, key)
    for k, n, full, partial, none in conn.execute(stmt):
        row(k).update(followed_up=int(n), full=int(full), partial=int(partial), none=int(none))

    # 5. Escalations prevented: cases (件) and persons (人), per kind and in total.
    key = q.key(c, p.c.recorded_at).label("k")
    stmt = (select(key, p.c.kind, func.count(func.distinct(p.c.case_id)),
                   func.coalesce(func.sum(p.c.persons), 0))
            .select_from(p.join(c, c.c.id == p.c.case_id))
            .where(scope, q.in_period(p.c.recorded_at)))
    stmt = q.group(stmt, key, p.c.kind)
    for k, kind, n, persons in conn.execute(stmt):
        row(k)["prevention"][kind] = (int(n), int(persons))
    key = q.key(c, p.c.recorded_at).label("k")
    stmt = (select(key, func.count(func.distinct(p.c.case_id)),
                   func.coalesce(func.sum(p.c.persons), 0))
            .select_from(p.join(c, c.c.id == p.c.case_id))
            .where(scope, q.in_period(p.c.recorded_at)))
    stmt = q.group(stmt, key)
    for k, n, persons in conn.execute(stmt):
        row(k)["prevention_total"] = (int(n), int(persons))

    # 6. Overdue, as of one instant (the index on (committee, state, deadline) answers it).
    as_of_month = local_date(as_of - timedelta(microseconds=1)).strftime("%Y-%m")
    key = q.key(c, fixed_month=as_of_month).label("k")
    stmt = (select(key, func.count()).select_from(c)
            .where(c.c.committee_id.in_(ids), c.c.state.in_(OPEN_STATES),
                   c.c.deadline < as_of))
    stmt = q.group(stmt, key, constant=q.by == "month")
    for k, n in conn.execute(stmt):
        if n or q.by is None:
            row(k)["overdue"] = int(n)

    for r in out.values():
        r["intervals"] = {name: Interval(**iv) for name, iv in r["intervals"].items()}
    return out


def _counts_stmt(q: _Sql, c: Table, scope: Any) -> Any:
    """(key, source, intake, accepted, declined, terminated, written, oral, amount in fen).

    Each figure is counted by the time of its milestone on the case row: ``registered_at``
    (intake), ``accepted_at``, ``declined_at`` and ``first_concluded_at`` with
    ``first_outcome`` (the first conclusion: a re-mediated case counts once). Grouped by key and
    source in one scan; by month, each milestone has its own month, so one GROUP BY per
    milestone (each reads only the rows whose milestone lies in the period).
    """
    concluded = q.in_period(q.ts(c.c.first_concluded_at))
    outcome = c.c.first_outcome
    zero = literal(0)
    figures = {
        "intake": q.in_period(q.ts(c.c.registered_at)),
        "accepted": q.in_period(q.ts(c.c.accepted_at)),
        "declined": q.in_period(q.ts(c.c.declined_at)),
        "terminated": and_(concluded, outcome == "termination"),
        "written": and_(concluded, outcome == "written"),
        "oral": and_(concluded, outcome == "oral"),
    }
    amount = func.coalesce(c.c.amount_fen, 0)
    if q.by != "month":
        key = q.key(c).label("k")
        # Only the cases with a milestone in the period: the others are passed over after a
        # few comparisons instead of evaluating every sum and the group key (a month of a
        # large database reads few of its cases).
        touched = or_(*(q.in_period(q.ts(col_)) for col_ in (
            c.c.registered_at, c.c.accepted_at, c.c.declined_at, c.c.first_concluded_at)))
        stmt = select(key, c.c.source, *(_n(cond) for cond in figures.values()),
                      func.coalesce(func.sum(case((concluded, amount), else_=0)), 0)
                      ).where(scope, touched)
        return q.group(stmt, key, c.c.source)
    parts = []
    for ts, cols, source, total in (
            (c.c.registered_at, {"intake": func.count()}, c.c.source, zero),
            (c.c.accepted_at, {"accepted": func.count()}, None, zero),
            (c.c.declined_at, {"declined": func.count()}, None, zero),
            (c.c.first_concluded_at, {"terminated": _n(outcome == "termination"),
                                      "written": _n(outcome == "written"),
                                      "oral": _n(outcome == "oral")}, None,
             func.coalesce(func.sum(amount), 0))):
        key = q.key(c, ts).label("k")
        src = (source if source is not None else literal("", String)).label("source")
        stmt = (select(key, src, *(cols.get(name, zero) for name in figures), total)
                .where(scope, q.in_period(q.ts(ts))))
        parts.append(q.group(stmt, key, *([source] if source is not None else [])))
    return union_all(*parts)


def _intervals_stmt(q: _Sql, c: Table, scope: Any) -> Any:
    """(interval, key, duration rounded to 0.01 day, cases) for the five intervals.

    An interval runs between the first occurrence of two steps and counts in the period (and
    month) of the later one; the rows returned are bounded by the number of distinct rounded
    durations, not by the cases.
    """
    discovered = func.coalesce(c.c.discovered_at, c.c.registered_at)
    spans = (
        ("discovered_to_accepted", c.c.accepted_at, discovered, ()),
        ("accepted_to_concluded", c.c.first_concluded_at, c.c.accepted_at,
         (c.c.accepted_at.is_not(None),)),
        ("concluded_to_confirmed", c.c.first_confirmed_at, c.c.first_concluded_at,
         (c.c.first_concluded_at.is_not(None),)),
        ("confirmed_to_feedback", c.c.closed_at, c.c.first_confirmed_at,
         (c.c.first_confirmed_at.is_not(None),)),
        ("whole", c.c.closed_at, discovered, ()),
    )
    parts = []
    for name, later, earlier, where in spans:
        key = q.key(c, later).label("k")
        bucket = func.round(q.days(later, earlier), 2).label("bucket")
        stmt = (select(literal(name, String).label("name"), key, bucket, func.count())
                .where(scope, q.in_period(q.ts(later)), *where))
        parts.append(q.group(stmt, key, bucket))
    return union_all(*parts)


def _percentiles(counts: dict[float, int]) -> dict[str, Any]:
    """Nearest-rank median and 90th percentile from durations counted per 0.01-day bucket.

    Rounding is monotone, so the bucket holding the value of rank r is the rounded value of
    rank r: the result equals rounding the exact order statistics.
    """
    n = sum(counts.values())
    ranks = {"median_days": (n + 1) // 2, "p90_days": (n * 9 + 9) // 10}
    out: dict[str, Any] = {"n": n, "median_days": None, "p90_days": None}
    seen = 0
    for value in sorted(counts):
        before, seen = seen, seen + counts[value]
        for field_name, rank in ranks.items():
            if before < rank <= seen:
                out[field_name] = value
    return out


# ---------------------------------------------------------------------------------------------
# Presentation helpers shared by the CLI and the export


COUNT_KEYS = frozenset({"intake", "accepted", "declined", "terminated", "concluded", "succeeded",
                        "overdue", "written", "oral", "filed", "confirmed", "rejected",
                        "followed_up", "full", "partial", "none", "cases", "persons", "n",
                        *(s.value for s in Source)})
SMALL = 5


def suppress_small(value: Any, *, parent: str | None = None) -> Any:
    """Counts from 1 to 4 become ``"<5"`` (0 stays 0: an absence identifies nobody)."""
    if isinstance(value, dict):
        return {k: suppress_small(v, parent=k) for k, v in value.items()}
    if isinstance(value, list):
        return [suppress_small(v, parent=parent) for v in value]
    if (parent in COUNT_KEYS and isinstance(value, int) and not isinstance(value, bool)
            and 0 < value < SMALL):
        return "<5"
    return value


def to_json(stats: Stats) -> dict[str, Any]:
    """The ``--json`` document: the contract keys first, then the other figures."""
    data = stats.model_dump()
    data.pop("key", None)
    if stats.groups is None:
        data["groups"] = None
    order = ["period", "intake", "accepted", "declined", "terminated", "concluded", "succeeded",
             "success_rate", "success_rate_ci95", "intervals", "overdue", "groups"]
    return {k: data[k] for k in order} | {k: v for k, v in data.items() if k not in order}

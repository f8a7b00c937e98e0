"""Statistics that can be trusted: DOMAIN.md §5, computed by SQL aggregates (GROUP BY).

Definitions (docs/statistics.md states them for readers, in Chinese and English):

- Every figure is counted **by the date of the event** that makes it (China Standard Time):
  intake by registration (``new``), accepted by ``accept``, declined by ``decline``, withdrawn
  by ``withdraw`` (the applicant withdrew before acceptance: not a decline).
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
``first_outcome``, ``first_confirmed_at``, ``fed_back_at`` for the feedback), set once by the steps
in the transaction of their event and never reset by re-mediation (migration 0005 backfilled them
from the event log, which stays the source of truth; the property tests replay it). One scan of
the cases with conditional sums gives the counts, the source split and the amount; one GROUP BY
per interval gives the durations per 0.01-day bucket (the percentiles are read off the bucket
counts); the other figures are one small aggregate each, all grouped by the requested dimension.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, Table, and_, case, func, literal, or_, select, union_all

from mediation.access.policy import Actor, require

# counted in China Standard Time for every committee (docs/settings.md), not clock.calendar()
from mediation.core.calendar import DEFAULT
from mediation.core.errors import UsageError
from mediation.core.i18n import msg
from mediation.core.periods import Period
from mediation.db.storage import UnitOfWork
from mediation.reporting import stats_counted
from mediation.reporting.figures import Interval, Stats, blank, from_raw
from mediation.reporting.stats_sql import Sql, count_if, table
from mediation.workflow import OPEN_STATES

GROUP_BY = ("category", "mediator", "committee", "source", "month")
CONCLUSIONS = ("agree", "terminate")


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
    if by is None:
        total = _collect(conn, Sql(conn.dialect.name, None, period), ids, when)[""]
        groups: dict[str, dict[str, Any]] | None = None
    else:
        # Every figure of a group is counted in exactly one group (a case has one category,
        # mediator, committee and source; a milestone one month), so the totals are the sums
        # of the groups and the intervals' bucket counts merged: one computation instead of
        # two. Except, by month, the escalations prevented and the follow-ups: a case counts
        # once (件) in each month it has one, but once in the period, so their totals are
        # counted on their own (small aggregates).
        groups = _collect(conn, Sql(conn.dialect.name, by, period), ids, when)
        total = _merged(groups.values())
        if by == "month":
            alone = Sql(conn.dialect.name, None, period)
            total["prevention"] = {}
            for name in ("followed_up", "full", "partial", "none"):
                total[name] = 0
            scope = alone.scope(table("cases"), ids)
            _prevention(conn, alone, scope, lambda _key: total)
            if stats_counted.applies(None, period):
                stats_counted.collect(conn, ids, None, period, lambda _key: total,
                                      part="visits")
            else:
                _follow_ups(conn, alone, scope, lambda _key: total)
    stats = Stats(**from_raw(None, _finished(total)).model_dump(), period=period.view(),
                  committees=ids, as_of=when.strftime("%Y-%m-%dT%H:%M:%SZ"), by=by,
                  sweeps=_sweeps(conn, ids, period))
    if groups is not None:
        stats.groups = [from_raw(k, _finished(groups[k])) for k in sorted(groups)]
        if by == "mediator":  # shown by display name; ``key`` keeps the user name
            from mediation.access import staff_names

            shown = staff_names.labels(uow, [g.key for g in stats.groups if g.key != "-"])
            for g in stats.groups:
                g.name = shown.get(g.key) if g.key and g.key != "-" else None
    return stats


def _merged(groups: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The raw counts of the whole from those of its groups (prevention: see compute_for)."""
    out = blank()
    for g in groups:
        for name, value in g.items():
            if isinstance(value, int):
                out[name] += value
        for source, n in g["sources"].items():
            out["sources"][source] = out["sources"].get(source, 0) + n
        for kind, (n, persons) in g["prevention"].items():
            had = out["prevention"].get(kind, (0, 0))
            out["prevention"][kind] = (had[0] + n, had[1] + persons)
        out["prevention_total"] = tuple(
            a + b for a, b in zip(out["prevention_total"], g["prevention_total"], strict=True))
        for interval, counts in g["intervals"].items():
            merged = out["intervals"].setdefault(interval, {})
            for bucket, n in counts.items():
                merged[bucket] = merged.get(bucket, 0) + n
    return out


def _finished(raw: dict[str, Any]) -> dict[str, Any]:
    """The raw counts with each interval's bucket counts read as its median and 90th
    percentile."""
    return raw | {"intervals": {name: Interval(**_percentiles(counts))
                                for name, counts in raw["intervals"].items()}}


def _sweeps(conn: Any, ids: list[int], period: Period) -> dict[str, int]:
    """Sweeps dated in ``period``: count, zero reports and disputes found."""
    w = table("sweep")
    n, zero, found = conn.execute(
        select(func.count(), count_if(w.c.disputes_found == 0),
               func.coalesce(func.sum(w.c.disputes_found), 0))
        .where(w.c.committee_id.in_(ids), w.c.swept_on >= period.start,
               w.c.swept_on < period.end)).one()
    return {"sweeps": int(n), "zero_reports": int(zero or 0), "disputes_found": int(found)}


def _collect(conn: Any, q: Sql, ids: list[int], as_of: datetime) -> dict[str, dict[str, Any]]:
    c = table("cases")
    j = table("judicial_confirmation")
    out: dict[str, dict[str, Any]] = {}

    def row(key: Any) -> dict[str, Any]:
        k = "" if key is None else str(key)
        return out.setdefault(k, blank())

    if q.by is None:
        row("")
    scope = q.scope(c, ids)

    parts = stats_counted.split(q.by, q.period)
    if stats_counted.applies(q.by, q.period):
        # 1-2. The counts and the intervals off the counters kept per committee and month
        # (stats_counted.py): a few rows instead of a scan and five sorts of the cases.
        stats_counted.collect(conn, ids, q.by, q.period, row)
    elif parts is not None:
        # A year (quarter) to date: its whole months off the counters, the rest of its last
        # month scanned. The follow-ups likewise by month (each month's on its own); otherwise
        # over the whole period (a case visited in both parts counts once).
        whole, rest = parts
        by_month = q.by == "month"
        stats_counted.collect(conn, ids, q.by, whole, row, part="all" if by_month else "counts")
        tail = Sql(q.dialect, q.by, rest)
        _scan(conn, tail, c, tail.scope(c, ids), row)
        _follow_ups(conn, *((tail, tail.scope(c, ids)) if by_month else (q, scope)), row)
    else:
        _scan(conn, q, c, scope, row)
        _follow_ups(conn, q, scope, row)

    # 3. Judicial confirmation: filed by filing date, confirmed/rejected by decision date.
    key = q.key(c, j.c.filed_on, is_date=True).label("k")
    stmt = (select(key, func.count()).select_from(j.join(c, c.c.id == j.c.case_id))
            .where(scope, q.in_period_dates(j.c.filed_on)))
    stmt = q.group(stmt, key)
    for k, n in conn.execute(stmt):
        row(k)["filed"] = int(n)
    key = q.key(c, j.c.decided_on, is_date=True).label("k")
    stmt = (select(key, count_if(j.c.result == "confirmed"), count_if(j.c.result == "rejected"))
            .select_from(j.join(c, c.c.id == j.c.case_id))
            .where(scope, j.c.decided_on.is_not(None), q.in_period_dates(j.c.decided_on)))
    stmt = q.group(stmt, key)
    for k, conf, rej in conn.execute(stmt):
        row(k).update(confirmed=int(conf), rejected=int(rej))

    # 4. Follow-ups of agreements: performance (with the counts above).

    # 5. Escalations prevented: cases (件) and persons (人), per kind and in total.
    _prevention(conn, q, scope, row)

    # 6. Overdue, as of one instant (the index on (committee, state, deadline) answers it).
    as_of_month = DEFAULT.local_date(as_of - timedelta(microseconds=1)).strftime("%Y-%m")
    key = q.key(c, fixed_month=as_of_month).label("k")
    stmt = (select(key, func.count()).select_from(c)
            .where(c.c.committee_id.in_(ids), c.c.state.in_(OPEN_STATES),
                   c.c.deadline < as_of))
    stmt = q.group(stmt, key, constant=q.by == "month")
    for k, n in conn.execute(stmt):
        if n or q.by is None:
            row(k)["overdue"] = int(n)

    return out


def _scan(conn: Any, q: Sql, c: Table, scope: Any,
          row: Callable[[Any], dict[str, Any]]) -> None:
    """The counts and the intervals by scanning the period's cases (the periods and groupings
    the counters do not answer)."""
    # 1. The counts: one scan of the cases, conditional sums per group and source (per fact and
    # month when grouping by month). A group appears only where something happened.
    for k, source, *counts in conn.execute(_counts_stmt(q, c, scope)):
        intake, accepted, declined, withdrawn, terminated, written, oral, amount = (
            int(x or 0) for x in counts)
        if not any((intake, accepted, declined, withdrawn, terminated, written, oral)):
            continue
        r = row(k)
        r["intake"] += intake
        if intake:
            r["sources"][source] = r["sources"].get(source, 0) + intake
        r["accepted"] += accepted
        r["declined"] += declined
        r["withdrawn"] += withdrawn
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
        into = row(k)["intervals"].setdefault(interval, {})  # read as percentiles by _finished
        for b, n in counts.items():  # (added to the counters' months, when split)
            into[b] = into.get(b, 0) + n


def _follow_ups(conn: Any, q: Sql, scope: Any,
                row: Callable[[Any], dict[str, Any]]) -> None:
    """Follow-ups of agreements: performance. A case may be visited several times (issue 15):
    it counts once per group, with what its LAST visit in the period (and group) found."""
    c, f = table("cases"), table("follow_up")
    kx = q.key(c, f.c.visited_at)
    visits = (select(kx.label("k"), f.c.performance.label("performance"),
                     func.row_number().over(partition_by=(f.c.case_id, kx),
                                            order_by=(f.c.visited_at.desc(), f.c.id.desc()))
                     .label("rn"))
              .select_from(f.join(c, c.c.id == f.c.case_id))
              .where(scope, q.in_period(f.c.visited_at), f.c.performance.is_not(None))
              .subquery())
    stmt = (select(visits.c.k, func.count(), count_if(visits.c.performance == "full"),
                   count_if(visits.c.performance == "partial"),
                   count_if(visits.c.performance == "none"))
            .where(visits.c.rn == 1)
            .group_by(visits.c.k))  # a column of the subquery, even when its value is constant
    for k, n, full, partial, none in conn.execute(stmt):
        row(k).update(followed_up=int(n), full=int(full), partial=int(partial), none=int(none))


def _prevention(conn: Any, q: Sql, scope: Any,
                row: Callable[[Any], dict[str, Any]]) -> None:
    """Escalations prevented: cases (件) and persons (人), per kind and in total."""
    c, p = table("cases"), table("prevention")
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


def _counts_stmt(q: Sql, c: Table, scope: Any) -> Any:
    """(key, source, intake, accepted, declined, withdrawn, terminated, written, oral, amount
    in fen).

    Each figure is counted by the time of its milestone on the case row: ``registered_at``
    (intake), ``accepted_at``, ``declined_at``, ``withdrawn_at`` and ``first_concluded_at`` with
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
        "withdrawn": q.in_period(q.ts(c.c.withdrawn_at)),
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
            c.c.registered_at, c.c.accepted_at, c.c.declined_at, c.c.withdrawn_at,
            c.c.first_concluded_at)))
        stmt = select(key, c.c.source, *(count_if(cond) for cond in figures.values()),
                      func.coalesce(func.sum(case((concluded, amount), else_=0)), 0)
                      ).where(scope, touched)
        return q.group(stmt, key, c.c.source)
    parts = []
    for ts, cols, source, total in (
            (c.c.registered_at, {"intake": func.count()}, c.c.source, zero),
            (c.c.accepted_at, {"accepted": func.count()}, None, zero),
            (c.c.declined_at, {"declined": func.count()}, None, zero),
            (c.c.withdrawn_at, {"withdrawn": func.count()}, None, zero),
            (c.c.first_concluded_at, {"terminated": count_if(outcome == "termination"),
                                      "written": count_if(outcome == "written"),
                                      "oral": count_if(outcome == "oral")}, None,
             func.coalesce(func.sum(amount), 0))):
        key = q.key(c, ts).label("k")
        src = (source if source is not None else literal("", String)).label("source")
        stmt = (select(key, src, *(cols.get(name, zero) for name in figures), total)
                .where(scope, q.in_period(q.ts(ts))))
        parts.append(q.group(stmt, key, *([source] if source is not None else [])))
    return union_all(*parts)


def _intervals_stmt(q: Sql, c: Table, scope: Any) -> Any:
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
        ("confirmed_to_feedback", c.c.fed_back_at, c.c.first_confirmed_at,
         (c.c.first_confirmed_at.is_not(None),)),
        ("whole", c.c.fed_back_at, discovered, ()),
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



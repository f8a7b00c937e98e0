"""The statistics' counts and interval histograms read off the counters (issue 18).

``stat_month`` (mediation/db/statcounts.py) holds, per committee and local month, the counts
``stats`` would get from one scan of the cases (intake per source, accepted, declined, withdrawn,
the first conclusions per outcome, the amount concluded) and each interval's durations counted
per 0.01-day bucket; triggers on ``cases`` keep it in the transaction of every change. For a
period of whole months, by nothing, by month or by committee, ``stats`` reads these few rows
instead of scanning and sorting the period's cases; the figures are the same (the counters are a
sum over the case rows of exactly what the scan counts, by the same month and the same rounding).
A period from the first of a month to a day within a later month (a year or a quarter to
date: the nightly export's) reads its whole months off the counters and scans only the rest of
its last month (:func:`split`). Other periods and groupings (category, mediator, source) keep
the scan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import String, func, literal, or_, select

from mediation.core.periods import Period, date_range
from mediation.reporting.stats_sql import table

OUTCOMES = {"outcome.termination": "terminated", "outcome.written": "written",
            "outcome.oral": "oral"}


def applies(by: str | None, period: Period) -> bool:
    """Whether the counters answer: whole months, and a grouping they are kept by."""
    return by in (None, "month", "committee") and period.start.day == 1 and period.end.day == 1


def split(by: str | None, period: Period) -> tuple[Period, Period] | None:
    """A period from the first of a month into a later month's middle, grouped as the counters
    are kept: its whole months (the counters answer) and the rest (scanned); None otherwise.

    The counts and the intervals' bucket counts are sums over the milestones by their date, so
    those of the two parts add up to the whole's; the follow-ups do not (a case counts once in
    the period, with its last visit) and are counted over the whole period."""
    if by not in (None, "month", "committee") or period.start.day != 1 or period.end.day == 1:
        return None
    middle = period.end.replace(day=1)
    if middle <= period.start:
        return None
    return (date_range(period.start, middle - timedelta(days=1)),
            date_range(middle, period.last_day))


def collect(conn: Any, ids: Sequence[int], by: str | None, period: Period,
            row: Callable[[Any], dict[str, Any]], *,
            part: Literal["all", "visits", "counts"] = "all") -> None:
    """Add the counters of ``period`` to the groups (``row(key)``): the counts, the
    intervals' bucket counts and the follow-ups' performance, as ``stats._collect`` gets them
    from the rows (``part``: the follow-ups alone, or all but them)."""
    s = table("stat_month")
    first = int(f"{period.start:%Y%m}")
    # A ``revisit`` is a case's last visit of an earlier month, superseded by one of this
    # month: it counts in its own month, and in a longer period only if that month is outside.
    revisit = s.c.figure.like("revisit.%")
    wanted = ~revisit if by == "month" else or_(~revisit, s.c.bucket >= first)
    key = (s.c.month if by == "month" else s.c.committee_id if by == "committee"
           else literal("", String))
    # Summed over the months by the database (a sort in C of the period's counters) rather
    # than row by row in Python: by committee or over a year, a bucket recurs in each month.
    stmt = (select(key.label("k"), s.c.figure, s.c.bucket, func.sum(s.c.n))
            .where(s.c.committee_id.in_(list(ids)),
                   s.c.month >= f"{period.start:%Y-%m}", s.c.month < f"{period.end:%Y-%m}",
                   s.c.n != 0, wanted)
            .group_by(*([key] if by in ("month", "committee") else []), s.c.figure, s.c.bucket))
    if part == "visits":
        stmt = stmt.where(s.c.figure.like("%visit.%"))
    elif part == "counts":
        stmt = stmt.where(s.c.figure.not_like("%visit.%"))
    groups: dict[Any, dict[str, Any]] = {}
    for k, figure, bucket, n in conn.execute(stmt):
        if figure.startswith("outcome.") and figure not in OUTCOMES:
            continue  # a conclusion without a known outcome: the scan counts it nowhere
        if not n:
            continue
        group = str(k) if by in ("month", "committee") else None
        r = groups.get(group)
        if r is None:
            r = groups[group] = row(group)
        n = int(n)
        if figure.startswith("intake."):
            source = figure.removeprefix("intake.")
            r["intake"] += n
            r["sources"][source] = r["sources"].get(source, 0) + n
        elif figure in ("accepted", "declined", "withdrawn"):
            r[figure] += n
        elif figure == "amount":
            r["amount_fen"] += n
        elif figure.startswith(("visit.", "revisit.")):
            kind, performance = figure.split(".", 1)
            n = n if kind == "visit" else -n
            r["followed_up"] += n
            r[performance] += n
        elif figure in OUTCOMES:
            name = OUTCOMES[figure]
            r[name] += n
            if name != "terminated":
                r["succeeded"] += n
        else:
            counts = r["intervals"].setdefault(figure, {})
            b = int(bucket) / 100
            counts[b] = counts.get(b, 0) + n

"""The statistics' counts and interval histograms read off the counters (issue 18).

``stat_month`` (mediation/db/statcounts.py) holds, per committee and local month, the counts
``stats`` would get from one scan of the cases (intake per source, accepted, declined, withdrawn,
the first conclusions per outcome, the amount concluded) and each interval's durations counted
per 0.01-day bucket; triggers on ``cases`` keep it in the transaction of every change. For a
period of whole months, by nothing, by month or by committee, ``stats`` reads these few rows
instead of scanning and sorting the period's cases; the figures are the same (the counters are a
sum over the case rows of exactly what the scan counts, by the same month and the same rounding).
Other periods and groupings (category, mediator, source) keep the scan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select

from mediation.core.periods import Period
from mediation.reporting.stats_sql import table

OUTCOMES = {"outcome.termination": "terminated", "outcome.written": "written",
            "outcome.oral": "oral"}


def applies(by: str | None, period: Period) -> bool:
    """Whether the counters answer: whole months, and a grouping they are kept by."""
    return by in (None, "month", "committee") and period.start.day == 1 and period.end.day == 1


def collect(conn: Any, ids: Sequence[int], by: str | None, period: Period,
            row: Callable[[Any], dict[str, Any]], *, only_visits: bool = False) -> None:
    """Add the counters of ``period`` to the groups (``row(key)``): the counts, the
    intervals' bucket counts and the follow-ups' performance, as ``stats._collect`` gets them
    from the rows (``only_visits``: the follow-ups alone)."""
    s = table("stat_month")
    stmt = (select(s.c.committee_id, s.c.month, s.c.figure, s.c.bucket, s.c.n)
            .where(s.c.committee_id.in_(list(ids)),
                   s.c.month >= f"{period.start:%Y-%m}", s.c.month < f"{period.end:%Y-%m}",
                   s.c.n != 0))
    if only_visits:
        stmt = stmt.where(s.c.figure.like("%visit.%"))
    first = int(f"{period.start:%Y%m}")
    groups: dict[Any, dict[str, Any]] = {}
    for committee_id, month, figure, bucket, n in conn.execute(stmt):
        if figure.startswith("outcome.") and figure not in OUTCOMES:
            continue  # a conclusion without a known outcome: the scan counts it nowhere
        if figure.startswith("revisit.") and (by == "month" or int(bucket) < first):
            # A case's last visit of an earlier month, superseded by one of this month: it
            # counts in its own month, and in a longer period only if that month is outside.
            continue
        key = month if by == "month" else str(committee_id) if by == "committee" else None
        r = groups.get(key)
        if r is None:
            r = groups[key] = row(key)
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

"""The figures of the statistics, as computed by ``mediation.reporting.stats`` and shown by the
CLI, the monthly report and the export: their schema, the success rate's Wilson interval, the
figures of a group from its raw counts, and the presentation helpers (small counts suppressed,
the ``--json`` document). Definitions: docs/statistics.md.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from mediation.core.periods import Period
from mediation.core.vocab import PreventionKind, Source

Z95 = 1.959963984540054
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
# The figures


class Interval(BaseModel):
    n: int
    median_days: float | None
    p90_days: float | None


class Figures(BaseModel):
    """The figures of one period (or of one group within it)."""

    key: str | None = None
    # The key for people where it names someone: by mediator, staff_names.label (李明); ``key``
    # keeps the user name for programs.
    name: str | None = None
    intake: int = 0
    accepted: int = 0
    declined: int = 0
    withdrawn: int = 0  # withdrawn by the applicant before acceptance (not a decline)
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


def blank() -> dict[str, Any]:
    """The raw counts of one group before anything is counted (``stats.compute`` adds to it)."""
    return {
        "intake": 0, "accepted": 0, "declined": 0, "withdrawn": 0, "terminated": 0, "succeeded": 0,
        "written": 0, "oral": 0, "filed": 0, "confirmed": 0, "rejected": 0,
        "followed_up": 0, "full": 0, "partial": 0, "none": 0, "amount_fen": 0, "overdue": 0,
        "prevention": {}, "prevention_total": (0, 0), "sources": {},
        "intervals": {},
    }


def from_raw(key: str | None, raw: dict[str, Any]) -> Figures:
    """The figures of one group from its raw counts: rates, intervals, every kind listed."""
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
        withdrawn=raw["withdrawn"],
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
    return from_raw(key, blank())


# ---------------------------------------------------------------------------------------------
# Presentation helpers shared by the CLI and the export


COUNT_KEYS = frozenset({"intake", "accepted", "declined", "withdrawn", "terminated", "concluded",
                        "succeeded", "overdue", "written", "oral", "filed", "confirmed", "rejected",
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
    order = ["period", "intake", "accepted", "declined", "withdrawn", "terminated", "concluded",
             "succeeded",
             "success_rate", "success_rate_ci95", "intervals", "overdue", "groups"]
    return {k: data[k] for k in order} | {k: v for k, v in data.items() if k not in order}

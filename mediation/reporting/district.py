"""The district's view (issue 17): the figures of every committee of the database side by side,
and the district's total, for the district administrator and the Bureau of Justice's read-only
``district_viewer`` (``district.read``). Counts only, never case content (docs/district.md).

- The same figures and definitions as ``stats`` (reporting/stats.py), computed by the same SQL:
  one row per committee (``by="committee"``), and the total over all of them. Counts add up;
  rates are recomputed from the summed numerators and denominators, never averaged (a property
  test checks the total against the rows); each row has its own Wilson interval.
- The committees are those of the database that hold cases or a committee's staff: the Bureau's
  own entry (where only district accounts live) is no row.
- Small counts (1 to 4) are shown as ``<5`` unless the reader asks otherwise
  (:func:`to_json`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select

from mediation.access.policy import Actor, require
from mediation.core.periods import Period
from mediation.core.vocab import Role
from mediation.db.storage import UnitOfWork
from mediation.reporting import figures as fig
from mediation.reporting import stats
from mediation.reporting.figures import Figures
from mediation.reporting.stats_sql import count_if, table

# Accounts of the district, not of a committee: a committee holding only these is no row.
DISTRICT_ROLES = (Role.admin.value, Role.district_viewer.value)
SWEEP_KEYS = ("sweeps", "zero_reports", "disputes_found")


class CommitteeFigures(BaseModel):
    id: int
    name: str
    prefix: str
    figures: Figures
    sweeps: dict[str, int]


class District(BaseModel):
    period: dict[str, str]
    as_of: str
    committees: list[CommitteeFigures]
    total: Figures
    sweeps: dict[str, int]


def committees(uow: UnitOfWork) -> list[tuple[int, str, str]]:
    """(id, name, prefix) of the committees of the database, in the order they were added."""
    c, s, k = table("committee"), table("staff"), table("cases")
    conn = uow.session.connection()
    staffed = {cid for (cid,) in conn.execute(
        select(s.c.committee_id).where(s.c.role.not_in(DISTRICT_ROLES)).distinct())}
    with_cases = {cid for (cid,) in conn.execute(select(k.c.committee_id).distinct())}
    rows = conn.execute(select(c.c.id, c.c.name, c.c.prefix).order_by(c.c.id)).all()
    return [(int(i), str(n), str(p)) for i, n, p in rows if i in staffed | with_cases]


def _sweeps(uow: UnitOfWork, ids: list[int], period: Period) -> dict[int, dict[str, int]]:
    w = table("sweep")
    conn = uow.session.connection()
    out = {i: dict.fromkeys(SWEEP_KEYS, 0) for i in ids}
    for cid, n, zero, found in conn.execute(
            select(w.c.committee_id, func.count(), count_if(w.c.disputes_found == 0),
                   func.coalesce(func.sum(w.c.disputes_found), 0))
            .where(w.c.committee_id.in_(ids), w.c.swept_on >= period.start,
                   w.c.swept_on < period.end)
            .group_by(w.c.committee_id)):
        out[int(cid)] = {"sweeps": int(n), "zero_reports": int(zero or 0),
                         "disputes_found": int(found)}
    return out


def compute(uow: UnitOfWork, actor: Actor, period: Period, *,
            as_of: datetime | None = None) -> District:
    """The district's figures of ``period``: one row per committee and the total."""
    require(actor, "district.read")
    listed = committees(uow)
    ids = [i for i, _n, _p in listed]
    total = stats.compute_for(uow, ids, period, "committee", as_of=as_of)
    groups = {g.key: g for g in total.groups or []}
    sweeps = _sweeps(uow, ids, period)
    rows = [CommitteeFigures(id=i, name=n, prefix=p,
                             figures=groups.get(str(i)) or fig.empty(str(i)),
                             sweeps=sweeps[i]) for i, n, p in listed]
    whole = Figures(**total.model_dump(include=set(Figures.model_fields)))
    return District(period=period.view(), as_of=total.as_of, committees=rows, total=whole,
                    sweeps={k: sum(r.sweeps[k] for r in rows) for k in SWEEP_KEYS})


def _figures_json(f: Figures) -> dict[str, Any]:
    data = f.model_dump()
    data.pop("key", None)
    data.pop("name", None)  # a group's name (stats --by mediator); a committee row has its own
    return data


def to_json(district: District, *, suppress: bool = True) -> dict[str, Any]:
    """The ``--json`` document: period, the committees' rows, the total; small counts shown as
    ``<5`` when ``suppress`` (the default)."""
    doc: dict[str, Any] = {
        "period": district.period,
        "as_of": district.as_of,
        "suppressed": suppress,
        "committees": [{"id": r.id, "name": r.name, "prefix": r.prefix,
                        **_figures_json(r.figures), "sweeps": r.sweeps}
                       for r in district.committees],
        "total": {**_figures_json(district.total), "sweeps": district.sweeps},
    }
    if suppress:
        doc["committees"] = [fig.suppress_small(r) for r in doc["committees"]]
        doc["total"] = fig.suppress_small(doc["total"])
    return doc

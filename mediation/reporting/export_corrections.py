"""``corrections.csv`` of the nightly export (issue 15): what moved a figure already exported.

A past period's figures change only through a late entry (a step entered with ``--at``, counted
when it happened) or a correction (``case amend``). So that a Bureau of Justice clerk can see why
last month's figure moved, each export lists the events recorded since the last export that
touched what that export had already counted:

- ``late_entry``: a step recorded in the window that happened before it (``occurred_at`` earlier
  than the end of the last exported day);
- ``correction``: a correction (``workflow.CORRECTIONS``) recorded in the window, of a case
  registered before it.

The window runs from the end of the day of the newest earlier export found in the export folder
(its ``manifest.json``) to the end of the exported day; with no earlier export, it is the
exported day itself. Each row names the month the entry touched (of its occurrence, or of the
case's registration for a correction) and, for a correction, the fields it changed: no values,
no free text (the clerk who runs the export sees no case content).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import and_, or_, select

from mediation import workflow
from mediation.core.clock import local_date, start_of_local_day_utc
from mediation.db.storage import UnitOfWork
from mediation.reporting import export_csv

COLUMNS = ("seq", "recorded_at", "occurred_at", "case", "action", "kind", "period", "fields",
           "actor")
_DAY_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def last_export_before(out: Path, day: date) -> date | None:
    """The newest day before ``day`` with a complete export in ``out`` (a manifest)."""
    days = [date.fromisoformat(p.name) for p in out.iterdir()
            if _DAY_FOLDER.match(p.name) and (p / "manifest.json").is_file()]
    earlier = [d for d in days if d < day]
    return max(earlier) if earlier else None


def since(out: Path, day: date) -> datetime:
    """The start of the window: the end of the last exported day, or the start of ``day``."""
    last = last_export_before(out, day)
    return start_of_local_day_utc(day if last is None else last + timedelta(days=1))


def rows(uow: UnitOfWork, committee_id: int, start: datetime, end: datetime
         ) -> list[tuple[Any, ...]]:
    """The late entries and corrections recorded in [start, end) that touched figures counted
    before ``start``, in ``seq`` order."""
    e, c = export_csv.table("event"), export_csv.table("cases")
    occurred = e.c.occurred_at
    stmt = (select(e.c.seq, e.c.at, occurred, c.c.number, e.c.action, e.c.changes,
                   e.c.actor, c.c.registered_at)
            .select_from(e.join(c, c.c.id == e.c.case_id))
            .where(e.c.committee_id == committee_id, e.c.at >= start, e.c.at < end,
                   or_(and_(e.c.action.not_in(workflow.CORRECTIONS), occurred < start),
                       and_(e.c.action.in_(workflow.CORRECTIONS), c.c.registered_at < start)))
            .order_by(e.c.seq))
    out = []
    for seq, at, happened, number, action, changes, actor, registered in (
            uow.session.connection().execute(stmt)):
        correction = action in workflow.CORRECTIONS
        touched = registered if correction else happened
        fields = ""
        if correction:
            fields = ";".join(k for k in json.loads(changes) if k != "file")
        out.append((seq, _z(at), _z(happened), number, action,
                    "correction" if correction else "late_entry",
                    f"{local_date(_dt(touched)):%Y-%m}", fields, actor))
    return out


def write(uow: UnitOfWork, committee_id: int, start: datetime, end: datetime, path: Path
          ) -> dict[str, Any]:
    out = export_csv.CsvOut(path, COLUMNS)
    out.rows_(rows(uow, committee_id, start, end))
    return out.close()


def _dt(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _z(value: datetime | str) -> str:
    return _dt(value).strftime("%Y-%m-%dT%H:%M:%SZ")

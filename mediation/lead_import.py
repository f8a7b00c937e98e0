"""``lead import FILE``: the leads a grid management platform (or a grid worker's spreadsheet)
exports, as CSV or JSON (docs/grid.md).

- **Columns** (CSV header or JSON keys; English or Chinese, in any order): ``place`` (地点,
  required), ``seen`` (情况, required), ``cell`` (网格), ``parties`` (当事人), ``found``
  (发现时间; default: now), ``risk`` (风险; code or name, default low), ``reporter`` (网格员: the
  user name of the staff member who found it; default: whoever imports). Unknown columns are
  refused, not ignored: a misspelt header would otherwise drop a whole column silently.
- **Every line is validated, by the same rules as** ``lead report`` (:func:`leads.validated`):
  free text loses control characters and the ID and phone numbers written in it
  (``redaction.scrub``) before it is stored; when found is a date and time not in the future;
  the risk is a known code. Each fault is one line naming the file's line (CSV) or record
  (JSON) and the column. If any line is at fault, nothing is written (:class:`LeadsRejected`).
- **Who.** Whoever may report leads (``lead.report``). A grid worker imports their own reports
  only (a ``reporter`` other than themselves is refused); a director or mediator may name any
  staff member of the committee who may report leads.
- Each lead is a ``lead_report`` event, as if reported one by one, with ``via: import``.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlmodel import select

from mediation import leads
from mediation.access import staff_names
from mediation.access.policy import POLICY, Actor, require
from mediation.core import jsontext
from mediation.core.errors import InvalidInput
from mediation.core.i18n import Msg, msg
from mediation.core.vocab import Role
from mediation.db import eventlog
from mediation.db.storage import UnitOfWork
from mediation.tables import Lead, Staff

MAX_ROWS = 5000
# Column -> the names a file may give it (the first is the one documented).
COLUMNS: dict[str, tuple[str, ...]] = {
    "place": ("place", "地点", "地址", "发生地点"),
    "seen": ("seen", "情况", "发现情况", "纠纷情况", "简要情况"),
    "cell": ("cell", "网格", "所属网格", "网格编号"),
    "parties": ("parties", "当事人"),
    "found": ("found", "found_at", "发现时间"),
    "risk": ("risk", "风险", "风险等级"),
    "reporter": ("reporter", "网格员", "上报人"),
}
_ALIASES = {alias.casefold(): column for column, names in COLUMNS.items() for alias in names}


class LeadsRejected(InvalidInput):
    """Some lines of the file are at fault; nothing was written. ``problems``: one line each."""

    def __init__(self, problems: list[Msg], total: int) -> None:
        self.problems = problems
        super().__init__(msg("{bad} problems in {total} lines; nothing was imported (fix them "
                             "and import the file again)", bad=len(problems), total=total))


def _header(name: str) -> str | None:
    return _ALIASES.get(name.strip().removeprefix("\ufeff").casefold())


def parse(text: str, *, origin: str) -> list[tuple[str, dict[str, str | None]]]:
    """The file's rows as (where, {column: value}): CSV with a header row, or a JSON array of
    objects. Unknown columns and unreadable files are refused here, before any row."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("[", "{")):
        return _json_rows(stripped, origin)
    return _csv_rows(text.removeprefix("\ufeff"), origin)


def _check_columns(names: list[str], origin: str) -> dict[str, str]:
    known: dict[str, str] = {}
    unknown = []
    for n in names:
        column = _header(n)
        if column is None:
            unknown.append(n)
        elif column in known.values():
            raise InvalidInput(msg("{origin}: the column {column} is given twice", origin=origin,
                                   column=n))
        else:
            known[n] = column
    if unknown:
        raise InvalidInput(msg("{origin}: unknown column {column} (the columns are: {allowed})",
                               origin=origin, column=unknown[0],
                               allowed=", ".join(names[0] for names in COLUMNS.values())))
    return known


def _csv_rows(text: str, origin: str) -> list[tuple[str, dict[str, str | None]]]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidInput(msg("{origin}: the file is empty", origin=origin))
        columns = _check_columns(header, origin)
        rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # a blank line, as spreadsheets leave at the end
            line = reader.line_num
            if len(values) > len(header):
                raise InvalidInput(msg("{origin}: line {line} has {n} values for {m} columns",
                                       origin=origin, line=line, n=len(values),
                                       m=len(header)))
            row = {columns[h]: (v if v.strip() else None) for h, v in zip(header, values,
                                                                         strict=False)}
            rows.append((msg("line {line}", line=line).render(), row))
    except csv.Error as exc:
        raise InvalidInput(msg("{origin}: not readable as CSV (line {line}: {error})",
                               origin=origin, line=reader.line_num, error=str(exc))) from None
    return rows


def _json_rows(text: str, origin: str) -> list[tuple[str, dict[str, str | None]]]:
    data = jsontext.loads(text, origin)
    if isinstance(data, dict) and isinstance(data.get("leads"), list):
        data = data["leads"]
    if not isinstance(data, list):
        raise InvalidInput(msg("{origin}: expected a JSON array of leads", origin=origin))
    rows = []
    for i, item in enumerate(data, start=1):
        where = msg("record {n}", n=i).render()
        if not isinstance(item, dict):
            raise InvalidInput(msg("{origin}: {where} is not an object", origin=origin,
                                   where=where))
        columns = _check_columns([str(k) for k in item], origin)
        row: dict[str, str | None] = {}
        for key, value in item.items():
            if value is not None and not isinstance(value, str | int | float):
                raise InvalidInput(msg("{origin}: {where}, {column}: expected text",
                                       origin=origin, where=where, column=key))
            row[columns[str(key)]] = None if value in (None, "") else str(value)
        rows.append((where, row))
    return rows


def import_leads(uow: UnitOfWork, actor: Actor, text: str, *, origin: str) -> dict[str, Any]:
    """Import the leads of ``text`` (the file's content): all of them, or none."""
    require(actor, "lead.report")
    rows = parse(text, origin=origin)
    if not rows:
        raise InvalidInput(msg("{origin}: no leads in the file", origin=origin))
    if len(rows) > MAX_ROWS:
        raise InvalidInput(msg("{origin}: at most {max} leads a file (split it)", origin=origin,
                               max=MAX_ROWS))
    reporters = _reporters(uow, actor)
    now = uow.now()
    problems: list[Msg] = []
    made: list[Lead] = []
    for where, row in rows:
        reporter = (row.get("reporter") or actor.username).strip()
        faults: list[Msg] = []
        try:  # a user name or a display name (the one resolver)
            reporter = staff_names.find(uow, reporter, committee_id=actor.committee_id) \
                or reporter
        except InvalidInput as exc:
            faults.append(exc.message)
        if not faults and reporter != actor.username:
            if actor.role == Role.grid_worker:
                faults.append(msg("a grid worker imports their own reports only, not {user}'s",
                                  user=reporter))
            elif reporter not in reporters:
                faults.append(msg("{user} is nobody of this committee who may report leads",
                                  user=reporter))
        lead, errors = leads.validated(uow, actor, place=row.get("place"), seen=row.get("seen"),
                                       cell=row.get("cell"), parties=row.get("parties"),
                                       found=row.get("found"), risk=row.get("risk"), now=now,
                                       columns=True)
        faults += errors
        if faults or lead is None:
            problems += [msg("{origin}, {where}: {fault}", origin=origin, where=where,
                             fault=f) for f in faults]
            continue
        lead.reported_by = reporter
        made.append(lead)
    if problems:
        raise LeadsRejected(problems, len(rows))
    s = uow.session
    for lead in made:
        s.add(lead)
    s.flush()
    for lead in made:
        eventlog.append(s, at=now, actor=actor.username, role=actor.role, action="lead_report",
                        committee_id=actor.committee_id,
                        changes={**leads.report_changes(lead), "via": [None, "import"]})
    return {"imported": len(made), "ids": [lead.id for lead in made], "file": origin}


def _reporters(uow: UnitOfWork, actor: Actor) -> set[str]:
    """The active staff of the actor's committee who may report leads."""
    roles = POLICY["lead.report"]
    return {u for u, role in uow.session.exec(
        select(Staff.username, Staff.role).where(Staff.committee_id == actor.committee_id,
                                                 Staff.active == True))  # noqa: E712
        if role in roles}

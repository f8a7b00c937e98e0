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
  (JSON) and the column; every fault of the file is reported at once, those of its form (each
  unknown column, each line with too many values, each record that is no object) too. If any
  line is at fault, nothing is written (:class:`LeadsRejected`).
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
from mediation.core.errors import InvalidInput, Problems
from mediation.core.i18n import Msg, msg
from mediation.core.vocab import Role
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


class LeadsRejected(Problems):
    """Some lines of the file are at fault; nothing was written. ``problems``: one line each."""

    def __init__(self, problems: list[Msg], total: int) -> None:
        super().__init__(msg("{bad} problems in {total} lines; nothing was imported (fix them "
                             "and import the file again)", bad=len(problems), total=total),
                         problems)


def _header(name: str) -> str | None:
    return _ALIASES.get(name.strip().removeprefix("\ufeff").casefold())


Rows = list[tuple[str, dict[str, str | None]]]


def parse(text: str, *, origin: str) -> tuple[Rows, list[Msg], int]:
    """The file's rows as (where, {column: value}) (CSV with a header row, or a JSON array of
    objects), every problem of its form (unknown columns, a line with too many values, a
    record that is no object: all of them; a row with one is left out of the rows to check,
    every row when the header has one) and how many rows it has. An unreadable file is refused
    here."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith(("[", "{")):
        return _json_rows(stripped, origin)
    return _csv_rows(text.removeprefix("\ufeff"), origin)


def _check_columns(names: list[str], origin: str, where: str | None = None
                   ) -> tuple[dict[str, str], list[Msg]]:
    """The file's (or a JSON record's) names of columns to their columns, and every problem
    with them: each unknown column, each given twice (all of them)."""
    known: dict[str, str] = {}
    problems: list[Msg] = []
    at = origin if where is None else msg("{origin}, {where}", origin=origin,
                                          where=where).render()
    for n in names:
        column = _header(n)
        if column is None:
            problems.append(msg("{origin}: unknown column {column} (the columns are: "
                                "{allowed})", origin=at, column=n,
                                allowed=", ".join(names[0] for names in COLUMNS.values())))
        elif column in known.values():
            problems.append(msg("{origin}: the column {column} is given twice", origin=at,
                                column=n))
        else:
            known[n] = column
    return known, problems


def _csv_rows(text: str, origin: str) -> tuple[Rows, list[Msg], int]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidInput(msg("{origin}: the file is empty", origin=origin))
        total = 0
        columns, problems = _check_columns(header, origin)
        header_ok = not problems
        rows: Rows = []
        for values in reader:
            if not any(v.strip() for v in values):
                continue  # a blank line, as spreadsheets leave at the end
            line = reader.line_num
            if len(values) > len(header):
                problems.append(msg("{origin}: line {line} has {n} values for {m} columns",
                                    origin=origin, line=line, n=len(values), m=len(header)))
                total += 1
                continue
            row = {columns[h]: (v if v.strip() else None) for h, v in zip(header, values,
                                                                         strict=False)
                   if h in columns}
            rows.append((msg("line {line}", line=line).render(), row))
            total += 1
    except csv.Error as exc:
        raise InvalidInput(msg("{origin}: not readable as CSV (line {line}: {error})",
                               origin=origin, line=reader.line_num, error=str(exc))) from None
    return (rows if header_ok else []), problems, total


def _json_rows(text: str, origin: str) -> tuple[Rows, list[Msg], int]:
    data = jsontext.loads(text, origin)
    if isinstance(data, dict) and isinstance(data.get("leads"), list):
        data = data["leads"]
    if not isinstance(data, list):
        raise InvalidInput(msg("{origin}: expected a JSON array of leads", origin=origin))
    rows: Rows = []
    problems: list[Msg] = []
    for i, item in enumerate(data, start=1):
        where = msg("record {n}", n=i).render()
        if not isinstance(item, dict):
            problems.append(msg("{origin}: {where} is not an object", origin=origin,
                                where=where))
            continue
        columns, wrong = _check_columns([str(k) for k in item], origin, where)
        row: dict[str, str | None] = {}
        for key, value in item.items():
            if value is not None and not isinstance(value, str | int | float):
                wrong.append(msg("{origin}: {where}, {column}: expected text",
                                 origin=origin, where=where, column=key))
            elif str(key) in columns:
                row[columns[str(key)]] = None if value in (None, "") else str(value)
        problems += wrong
        if not wrong:
            rows.append((where, row))
    return rows, problems, len(data)


def import_leads(uow: UnitOfWork, actor: Actor, text: str, *, origin: str) -> dict[str, Any]:
    """Import the leads of ``text`` (the file's content): all of them, or none."""
    require(actor, "lead.report")
    rows, problems, total = parse(text, origin=origin)
    form = len(problems)
    if not total:
        raise InvalidInput(msg("{origin}: no leads in the file", origin=origin))
    if total > MAX_ROWS:
        raise InvalidInput(msg("{origin}: at most {max} leads a file (split it)", origin=origin,
                               max=MAX_ROWS))
    reporters = _reporters(uow, actor)
    now = uow.now()
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
    if len(problems) == 1 and form == 1:  # the file's one fault of form: one line
        raise InvalidInput(problems[0])
    if problems:
        raise LeadsRejected(problems, total)
    s = uow.session
    for lead in made:
        s.add(lead)
    s.flush()
    for lead in made:
        leads.append_report(uow, actor, lead, now, via="import")
    return {"imported": len(made), "ids": [lead.id for lead in made], "file": origin}


def _reporters(uow: UnitOfWork, actor: Actor) -> set[str]:
    """The active staff of the actor's committee who may report leads."""
    roles = POLICY["lead.report"]
    return {u for u, role in uow.session.exec(
        select(Staff.username, Staff.role).where(Staff.committee_id == actor.committee_id,
                                                 Staff.active == True))  # noqa: E712
        if role in roles}

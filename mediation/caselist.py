"""The case list: its row (:class:`CaseSummary`) and the reads that page, count and summarise it.

``case list`` is the command a clerk runs most, so this path reads with Core statements on the
plain tables of ``mediation.readtables`` and imports neither the SQLModel classes
(``mediation.tables``, ``mediation.cases``), the ORM, nor the state machine (issue 18: defining
the stored tables alone cost more than the whole same-stack floor's query). Masking is the one
redaction (``core/redaction.shown_name``); permissions are ``access/policy``'s.
``mediation.queries`` re-exports these names, and ``mediation.cases`` the summary.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import func, select

from mediation.access.policy import (
    COMMITTEE,
    MINE_AND_INTAKE,
    Actor,
    case_scope,
    require,
    sees_names,
)
from mediation.core import redaction
from mediation.core.clock import iso
from mediation.core.vocab import OPEN_STATES, PartyRole
from mediation.db import settings
from mediation.readtables import CASE_MEDIATOR, CASES, PARTY

if TYPE_CHECKING:
    from mediation.core.calendar import Calendar
    from mediation.db.storage import UnitOfWork


class CaseSummary(BaseModel):
    """One row of a case list."""

    id: int
    number: str
    state: str
    category: str
    source: str
    applicants: list[str]
    respondents: list[str]
    lead_mediator: str | None
    registered_at: str | None
    accepted_at: str | None
    deadline: str | None  # the instant the period is over (ISO UTC), as stored
    overdue: bool
    version: int
    days_overdue: int = 0  # whole days past the deadline (a part counts as one), if overdue
    deadline_last_day: str | None = None  # the period's last day, as shown (last_shown)
    lead_mediator_name: str | None = None  # for people (staff_names.label); JSON keeps the user


_FIELDS = frozenset(CaseSummary.model_fields)
_set = object.__setattr__


def summary_of(values: dict[str, Any]) -> CaseSummary:
    """A row of trusted values naming every field, in the model's order: what
    ``CaseSummary.model_construct(**values)`` makes of them (no validation; every field set),
    without its walk of each field's aliases and defaults (a search shapes up to 20 rows: that
    walk was most of the time spent on them)."""
    if values.keys() != _FIELDS:
        raise ValueError(f"a case summary names every field: {sorted(values.keys() ^ _FIELDS)}")
    row = CaseSummary.__new__(CaseSummary)
    _set(row, "__dict__", values)
    _set(row, "__pydantic_fields_set__", set(_FIELDS))
    _set(row, "__pydantic_extra__", None)
    _set(row, "__pydantic_private__", None)
    return row


def last_shown(deadline: datetime | None, cal: Calendar) -> str | None:
    """THE date a deadline is shown as (ISO date), everywhere a case is listed or viewed: its
    period's last day in the committee's calendar (Calendar.last_day_of)."""
    return cal.last_day_of(deadline).isoformat() if deadline is not None else None


def days_late(state: str, deadline: datetime | None, now: datetime, cal: Calendar) -> int:
    """THE days an overdue case is late, everywhere (case list, --overdue, search, agenda):
    whole days of the committee's calendar from the day its deadline is shown on (that day
    itself is not counted), Calendar.days_overdue; else 0."""
    if deadline is None or not overdue(state, deadline, now):
        return 0
    return cal.days_overdue(deadline, now)


def overdue(state: str, deadline: datetime | None, now: datetime) -> bool:
    """A case past its deadline while mediation is under way (no consented extension moved it)."""
    return state in OPEN_STATES and deadline is not None and deadline < now


# The columns a summary shows, read with Core statements: every `case list` pays its
# statements' first compilation in its process, and an ORM entity query costs several times a
# Core one to compile and to load.
_SUMMARY = tuple(CASES.c[k] for k in (
    "id", "committee_id", "number", "state", "category", "source", "lead_mediator", "registered_at",
    "accepted_at", "deadline", "version"))


def summaries(uow: UnitOfWork, ids: list[int]) -> list[CaseSummary]:
    return summaries_as_seen_by(uow, ids, names_ok=True)


def summaries_as_seen_by(uow: UnitOfWork, ids: list[int], *, names_ok: bool
                         ) -> list[CaseSummary]:
    """Summaries of ``ids`` (no permission check: the caller decided who may see them), with
    persons' names masked unless ``names_ok``."""
    if not ids:
        return []
    uow.flush()
    c = CASES.c
    rows = uow.conn.execute(select(*_SUMMARY).where(c.id.in_(ids)).order_by(c.id)).all()
    return summarise(uow, list(rows), names_ok=names_ok)


def summarise(uow: UnitOfWork, rows: list[Any], *, names_ok: bool = True) -> list[CaseSummary]:
    """Summaries of case rows (``_SUMMARY``'s columns), with their parties' names."""
    ids = [c.id for c in rows]
    p = PARTY.c
    parties = uow.conn.execute(
        select(p.case_id, p.role, p.name, p.kind).where(p.case_id.in_(ids))
        .order_by(p.case_id, p.position)
    ).all()
    names: dict[int, dict[str, list[str]]] = {}
    for cid, role, pname, kind in parties:
        shown = redaction.shown_name(pname, kind, full=names_ok)
        names.setdefault(cid, {}).setdefault(role, []).append(shown)
    from mediation.access import staff_names

    staff = staff_names.labels(uow, (c.lead_mediator for c in rows))
    now = uow.now()
    out = []
    for c in rows:
        assert c.id is not None
        n = names.get(c.id, {})
        cal = settings.calendar(uow, c.committee_id)
        out.append(CaseSummary(
            id=c.id, number=c.number, state=c.state, category=c.category, source=c.source,
            applicants=n.get(PartyRole.applicant, []), respondents=n.get(PartyRole.respondent, []),
            lead_mediator=c.lead_mediator, registered_at=iso(c.registered_at),
            accepted_at=iso(c.accepted_at), deadline=iso(c.deadline),
            overdue=overdue(c.state, c.deadline, now), version=c.version,
            days_overdue=days_late(c.state, c.deadline, now, cal),
            deadline_last_day=last_shown(c.deadline, cal),
            lead_mediator_name=staff.get(c.lead_mediator) if c.lead_mediator else None,
        ))
    return out


Days = tuple[date | None, date | None]


def registered_bounds(cal: Calendar, days: Days) -> tuple[datetime | None, datetime | None]:
    """THE meaning of ``--from``/``--to`` of case list and case search: a case registered from
    the first day's 00:00 to the last day's 24:00 of the committee's calendar, as naive-UTC
    instants ``(on or after, before)``; None where a bound is not given."""
    first, last = days
    return (cal.start_of_day_utc(first) if first else None,
            cal.end_of(last) if last else None)


def _case_filter(uow: UnitOfWork, actor: Actor, *, state: str | None, overdue: bool,
                 mine: bool, categories: Sequence[str] | None,
                 mediator: str | None = None, registered: Days = (None, None)) -> list[Any]:
    """The conditions on the cases table of a list with these filters (read with Core: what the
    ORM session holds unflushed is flushed first, as its own queries would)."""
    uow.flush()
    c = CASES.c
    where = [c.committee_id == actor.committee_id]
    if state:
        where.append(c.state == state)
    if categories:
        where.append(c.category.in_(list(categories)))
    if overdue:
        where += [c.state.in_(OPEN_STATES), c.deadline < uow.now()]
    since, before = registered_bounds(settings.calendar(uow, actor.committee_id), registered)
    if since is not None:
        where.append(c.registered_at >= since)
    if before is not None:
        where.append(c.registered_at < before)
    scope = case_scope(actor, mine=mine)
    if scope != COMMITTEE:
        m = CASE_MEDIATOR.c
        mine_ids = select(m.case_id).where(m.username == actor.username)
        if scope == MINE_AND_INTAKE:
            where.append(c.id.in_(mine_ids) | (c.state == "intake"))
        else:
            where.append(c.id.in_(mine_ids))
    if mediator:  # the parser of case search --mediator: a user name or a name (李明)
        from mediation.access import staff_names

        user = staff_names.username(uow, mediator, committee_id=actor.committee_id)
        m = CASE_MEDIATOR.c
        where.append((c.lead_mediator == user)
                     | c.id.in_(select(m.case_id).where(m.username == user)))
    return where


def list_cases(uow: UnitOfWork, actor: Actor, *, state: str | None = None,
               overdue: bool = False, mine: bool = False, category: str | None = None,
               categories: Sequence[str] | None = None, limit: int | None = 200,
               offset: int = 0, newest_first: bool = False,
               mediator: str | None = None, registered: Days = (None, None)
               ) -> list[CaseSummary]:
    """Cases the actor may see, filtered; ``categories`` is a set of codes (a parent and its
    sub-categories), ``category`` one code. Oldest first unless ``newest_first`` (overdue
    lists: the earliest deadline first)."""
    require(actor, "case.read")
    cats = list(categories or []) + ([category] if category else [])
    where = _case_filter(uow, actor, state=state, overdue=overdue, mine=mine, categories=cats,
                         mediator=mediator, registered=registered)
    c = CASES.c
    order: Any
    if overdue:
        order = c.deadline.asc()
    else:
        order = c.id.desc() if newest_first else c.id.asc()
    stmt = select(*_SUMMARY).where(*where).order_by(order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = uow.conn.execute(stmt).all()
    return summarise(uow, list(rows), names_ok=sees_names(actor))


def count_cases(uow: UnitOfWork, actor: Actor, *, state: str | None = None,
                overdue: bool = False, mine: bool = False,
                categories: Sequence[str] | None = None, mediator: str | None = None,
                registered: Days = (None, None)) -> int:
    """How many cases :func:`list_cases` would list with the same filters and no limit."""
    require(actor, "case.read")
    where = _case_filter(uow, actor, state=state, overdue=overdue, mine=mine,
                         categories=categories, mediator=mediator, registered=registered)
    return int(uow.conn.execute(select(func.count()).select_from(CASES).where(*where))
               .scalar_one())


def case_page(uow: UnitOfWork, actor: Actor, *, state: str | None = None,
              overdue: bool = False, mine: bool = False,
              categories: Sequence[str] | None = None, limit: int | None = 50,
              page: int = 1, mediator: str | None = None,
              registered: Days = (None, None)) -> tuple[list[CaseSummary], int]:
    """One page of the list, newest first, and the total it is a page of (one read);
    ``registered``: the first and last day of registration (:func:`registered_bounds`)."""
    total = count_cases(uow, actor, state=state, overdue=overdue, mine=mine,
                        categories=categories, mediator=mediator, registered=registered)
    offset = (page - 1) * limit if limit else 0
    rows = list_cases(uow, actor, state=state, overdue=overdue, mine=mine,
                      categories=categories, limit=limit, offset=offset, newest_first=True,
                      mediator=mediator, registered=registered)
    return rows, total

"""Reading cases: the whole file, lists of what is due, and a case's history.

Everything returned is a view schema from ``cases.py``: personal data arrives masked unless the
caller asked to reveal it, had the permission, and gave a reason (which is recorded as an event).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from sqlmodel import SQLModel, col, select

from mediation.access.policy import (
    Actor,
    allowed,
    require,
    require_on_case,
    require_reveal,
    sees_names,
)
from mediation.cases import (
    Agreement,
    AgreementView,
    Case,
    CaseMediator,
    CaseSummary,
    CaseView,
    Extension,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Party,
    PartyView,
    Prevention,
)
from mediation.committee import committee_of
from mediation.core import redaction
from mediation.core.clock import iso
from mediation.core.errors import UsageError
from mediation.core.i18n import join, msg
from mediation.core.money import fen_to_yuan
from mediation.core.vocab import PartyRole, Role
from mediation.db import eventlog
from mediation.db.casestore import assigned_to, find
from mediation.db.storage import UnitOfWork
from mediation.tables import Event, EventView, Staff
from mediation.workflow import FINISHED, OPEN_STATES

_Row = TypeVar("_Row", bound=SQLModel)


def _overdue(case: Any, uow: UnitOfWork) -> bool:
    return (
        case.state in OPEN_STATES and case.deadline is not None and case.deadline < uow.now()
    )


def case_for(uow: UnitOfWork, actor: Actor, ref: str | int, permission: str = "case.read"
             ) -> tuple[Case, set[str]]:
    """A case of the actor's committee that ``permission`` lets them act on (mediators: their
    own cases, or cases still in intake), and the mediators assigned to it."""
    require(actor, permission)
    case = find(uow, actor, ref)
    assert case.id is not None
    assigned = assigned_to(uow, case.id)
    require_on_case(actor, permission, case_number=case.number, assigned=assigned,
                    state=case.state)
    return case, assigned


def case_view(uow: UnitOfWork, actor: Actor, ref: str | int, *, reveal: bool = False,
              reason: str | None = None) -> CaseView:
    s = uow.session
    require(actor, "case.read")
    case = find(uow, actor, ref)
    assert case.id is not None
    assigned = assigned_to(uow, case.id)
    require_on_case(actor, "case.read", case_number=case.number, assigned=assigned,
                    state=case.state)
    cid = case.id
    parties = s.exec(select(Party).where(Party.case_id == cid).order_by(col(Party.position))).all()
    party_names = redaction.persons(parties)
    if reveal:
        require_reveal(actor, case_number=case.number, assigned=assigned,
                       registrar=case.registrar)
        if not (reason or "").strip():
            raise UsageError(msg("--reveal needs --reason: why the full personal data is "
                                   "needed (it is recorded)"))
        eventlog.append(s, at=uow.now(), actor=actor.username, role=actor.role, action="reveal",
                        committee_id=case.committee_id, case_id=case.id, reason=reason,
                        changes={"fields": [None, ["id_number", "phone", "address",
                                                   "birth_date"]]}, persons=party_names)
    view = build_view(uow, actor, case, reveal=reveal, names_ok=reveal or sees_names(actor))
    if allowed(actor, "duplicate.elsewhere") and case.state not in FINISHED:
        from mediation import duplicates

        view.elsewhere = duplicates.elsewhere(
            uow, case.committee_id, [p.id_hash for p in parties if p.id_hash]) or None
    return view


def build_view(uow: UnitOfWork, actor: Actor, case: Case, *, reveal: bool, names_ok: bool
               ) -> CaseView:
    """The case file as ``case_view`` shows it, without the permission checks and the event:
    for callers that made both themselves (documents.py prints with the reason ``print``)."""
    s = uow.session
    cid = case.id
    assert cid is not None
    parties = s.exec(select(Party).where(Party.case_id == cid).order_by(col(Party.position))).all()
    party_names = redaction.persons(parties)

    def t(text: str | None) -> str | None:
        """THE rule of every free-text field of the case file: as the event log holds it
        (eventlog.append), numbers scrubbed and the persons' names masked (张某), whoever
        reads; in full only when revealed. (An urging's note is its event's text: masked
        even when revealed.)"""
        if reveal:
            return text
        return redaction.redact(text, party_names)

    def rows(model: type[_Row], order: str = "id") -> Sequence[_Row]:
        """The case's rows of one of its tables, in ``order``."""
        return s.exec(select(model).where(col(model.case_id) == cid)  # type: ignore[attr-defined]
                      .order_by(col(getattr(model, order)))).all()

    mediators = rows(CaseMediator)
    # In the order they were held (a session found missing may be entered after a later one:
    # workflow.RECORDS), numbered so; the stored number is the order they were entered in.
    sessions = sorted(rows(MediationSession, "no"), key=lambda x: (x.held_at, x.no))
    agreements = rows(Agreement, "version")
    extensions = rows(Extension)
    follow_ups = rows(FollowUp)
    judicial = rows(JudicialConfirmation)
    preventions = rows(Prevention)
    # urging performance is its event alone (no table of its own): in the order it happened
    urgings = sorted(s.exec(select(Event).where(Event.case_id == cid, Event.action == "urge")
                            ).all(), key=lambda e: (e.occurred_at or e.at, e.seq))
    from mediation.access import staff_names

    names = dict(s.exec(select(Staff.username, Staff.name)).all())
    shown = staff_names.labels(uow, [m.username for m in mediators]
                               + [f.visitor for f in follow_ups] + [e.actor for e in urgings])
    return CaseView(
        id=cid,
        number=case.number,
        committee=committee_of(uow, actor).name,
        state=case.state,
        version=case.version,
        category=case.category,
        source=case.source,
        referral_ref=t(case.referral_ref),
        summary=t(case.summary) or "",
        requests=t(case.requests) or "",
        risk_level=case.risk_level,
        persons_involved=case.persons_involved,
        amount=fen_to_yuan(case.amount_fen),
        registrar=case.registrar,
        duplicate_of=_duplicate_of(uow, actor, case),
        dates={
            "discovered": iso(case.discovered_at),
            "registered": iso(case.registered_at),
            "accepted": iso(case.accepted_at),
            "declined": iso(case.declined_at),
            "rights_notified": iso(case.rights_notified_at),
            "mediation_started": iso(case.mediation_started_at),
            "concluded": iso(case.concluded_at),
            "confirmed": iso(case.confirmed_at),
            "fed_back": iso(case.fed_back_at),
            "closed": iso(case.closed_at),
            **({"withdrawn": iso(case.withdrawn_at)} if case.withdrawn_at else {}),
        },
        deadline=iso(case.deadline),
        overdue=_overdue(case, uow),
        decline_reason=case.decline_reason,
        termination_reason=case.termination_reason,
        advice=t(case.advice),
        parties=[PartyView.of(p, reveal=reveal, names=names_ok) for p in parties],
        mediators=[{"username": m.username, "name": names.get(m.username, m.username),
                    "label": shown.get(m.username, m.username), "lead": m.lead,
                    "assigned_at": iso(m.assigned_at)} for m in mediators],
        sessions=[{"no": i, "held_at": iso(x.held_at), "place": t(x.place),
                   "attendees": t(x.attendees), "minutes": t(x.minutes),
                   "recorded_by": x.recorded_by} for i, x in enumerate(sessions, 1)],
        agreements=[AgreementView.of(a).model_copy(update={
            "terms": t(a.terms) or "", "superseded_reason": t(a.superseded_reason)})
            for a in agreements],
        extensions=[{"days": e.days, "reason": t(e.reason), "consent": e.consent,
                     "new_deadline": iso(e.new_deadline), "granted_at": iso(e.granted_at),
                     "granted_by": e.granted_by} for e in extensions],
        follow_ups=[{"visited_at": iso(f.visited_at),
                     "visitor": t(shown.get(f.visitor, f.visitor)),
                     "visited": t(f.visited), "performance": f.performance,
                     "satisfaction": f.satisfaction, "lawsuit": f.lawsuit, "note": t(f.note),
                     "measures": t(f.measures), "escalation": t(f.escalation)}
                    for f in follow_ups],
        judicial_confirmations=[{"court": t(j.court), "filed_on": iso(j.filed_on),
                                 "result": j.result, "decided_on": iso(j.decided_on)}
                                for j in judicial],
        preventions=[{"kind": p.kind, "persons": p.persons, "recorded_at": iso(p.recorded_at)}
                     for p in preventions],
        urgings=[{"at": iso(e.occurred_at or e.at), "by": shown.get(e.actor, e.actor),
                  "by_user": e.actor,
                  "note": t(_urge_note(e.changes))} for e in urgings],
    )


def _urge_note(changes: str) -> str | None:
    after = json.loads(changes).get("urge", [None, None])[1]
    return after.get("note") if isinstance(after, dict) else None


def _duplicate_of(uow: UnitOfWork, actor: Actor, case: Case) -> str | None:
    """The cases this one was registered despite resembling, as far as the reader may see."""
    from mediation.duplicates import HIDDEN, duplicate_of_as_seen_by

    shown, hidden = duplicate_of_as_seen_by(uow, actor, case.committee_id, case.duplicate_of)
    if not shown and not hidden:
        return None
    return join(shown + ([HIDDEN.render()] if hidden else []))


def summaries(uow: UnitOfWork, ids: list[int]) -> list[CaseSummary]:
    return summaries_as_seen_by(uow, ids, names_ok=True)


def summaries_as_seen_by(uow: UnitOfWork, ids: list[int], *, names_ok: bool
                         ) -> list[CaseSummary]:
    """Summaries of ``ids`` (no permission check: the caller decided who may see them), with
    persons' names masked unless ``names_ok``."""
    if not ids:
        return []
    uow.flush()
    c = _CASES.c
    rows = uow.conn.execute(select(*_SUMMARY).where(c.id.in_(ids)).order_by(c.id)).all()
    return _summarise(uow, list(rows), names_ok=names_ok)


# A case list reads the cases table with Core statements (the columns a summary shows), not ORM
# objects: every `case list` pays the statements' first compilation in its process, and an ORM
# entity query costs several times a Core one to compile and to load.
_CASES = Case.__table__  # type: ignore[attr-defined]
_PARTIES = Party.__table__  # type: ignore[attr-defined]
_MEDIATORS = CaseMediator.__table__  # type: ignore[attr-defined]
_SUMMARY = tuple(_CASES.c[k] for k in (
    "id", "number", "state", "category", "source", "lead_mediator", "registered_at",
    "accepted_at", "deadline", "version"))


def _summarise(uow: UnitOfWork, rows: list[Any], *, names_ok: bool = True
               ) -> list[CaseSummary]:
    """Summaries of case rows (``_SUMMARY``'s columns), with their parties' names."""
    ids = [c.id for c in rows]
    p = _PARTIES.c
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
    out = []
    for c in rows:
        assert c.id is not None
        n = names.get(c.id, {})
        out.append(CaseSummary(
            id=c.id, number=c.number, state=c.state, category=c.category, source=c.source,
            applicants=n.get(PartyRole.applicant, []), respondents=n.get(PartyRole.respondent, []),
            lead_mediator=c.lead_mediator, registered_at=iso(c.registered_at),
            accepted_at=iso(c.accepted_at), deadline=iso(c.deadline),
            overdue=_overdue(c, uow), version=c.version,
            lead_mediator_name=staff.get(c.lead_mediator) if c.lead_mediator else None,
        ))
    return out


def _case_filter(uow: UnitOfWork, actor: Actor, *, state: str | None, overdue: bool,
                 mine: bool, categories: Sequence[str] | None) -> list[Any]:
    """The conditions on the cases table of a list with these filters (read with Core: what the
    ORM session holds unflushed is flushed first, as its own queries would)."""
    uow.flush()
    c = _CASES.c
    where = [c.committee_id == actor.committee_id]
    if state:
        where.append(c.state == state)
    if categories:
        where.append(c.category.in_(list(categories)))
    if overdue:
        where += [c.state.in_(OPEN_STATES), c.deadline < uow.now()]
    if mine or actor.role == Role.mediator:
        m = _MEDIATORS.c
        mine_ids = select(m.case_id).where(m.username == actor.username)
        if actor.role == Role.mediator and not mine:
            where.append(c.id.in_(mine_ids) | (c.state == "intake"))
        else:
            where.append(c.id.in_(mine_ids))
    return where


def list_cases(uow: UnitOfWork, actor: Actor, *, state: str | None = None,
               overdue: bool = False, mine: bool = False, category: str | None = None,
               categories: Sequence[str] | None = None, limit: int | None = 200,
               offset: int = 0, newest_first: bool = False) -> list[CaseSummary]:
    """Cases the actor may see, filtered; ``categories`` is a set of codes (a parent and its
    sub-categories), ``category`` one code. Oldest first unless ``newest_first`` (overdue
    lists: the earliest deadline first)."""
    require(actor, "case.read")
    cats = list(categories or []) + ([category] if category else [])
    where = _case_filter(uow, actor, state=state, overdue=overdue, mine=mine, categories=cats)
    c = _CASES.c
    order: Any
    if overdue:
        order = c.deadline.asc()
    else:
        order = c.id.desc() if newest_first else c.id.asc()
    stmt = select(*_SUMMARY).where(*where).order_by(order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = uow.conn.execute(stmt).all()
    return _summarise(uow, list(rows), names_ok=sees_names(actor))


def count_cases(uow: UnitOfWork, actor: Actor, *, state: str | None = None,
                overdue: bool = False, mine: bool = False,
                categories: Sequence[str] | None = None) -> int:
    """How many cases :func:`list_cases` would list with the same filters and no limit."""
    from sqlalchemy import func

    require(actor, "case.read")
    where = _case_filter(uow, actor, state=state, overdue=overdue, mine=mine,
                         categories=categories)
    return int(uow.conn.execute(select(func.count()).select_from(_CASES).where(*where))
               .scalar_one())


def case_page(uow: UnitOfWork, actor: Actor, *, state: str | None = None,
              overdue: bool = False, mine: bool = False,
              categories: Sequence[str] | None = None, limit: int | None = 50,
              page: int = 1) -> tuple[list[CaseSummary], int]:
    """One page of the list, newest first, and the total it is a page of (one read)."""
    total = count_cases(uow, actor, state=state, overdue=overdue, mine=mine,
                        categories=categories)
    offset = (page - 1) * limit if limit else 0
    rows = list_cases(uow, actor, state=state, overdue=overdue, mine=mine,
                      categories=categories, limit=limit, offset=offset, newest_first=True)
    return rows, total


def history(uow: UnitOfWork, actor: Actor, ref: str | int) -> list[EventView]:
    case, _ = case_for(uow, actor, ref)
    rows = uow.session.exec(select(Event).where(Event.case_id == case.id)
                            .order_by(col(Event.seq))).all()
    names: list[str] = []
    if not sees_names(actor):
        parties = uow.session.exec(select(Party).where(Party.case_id == case.id)).all()
        names = redaction.persons(parties)
    return named_actors(uow, [redact_event(event_view(e, case.number), names) for e in rows])


def named_actors(uow: UnitOfWork, views: list[EventView]) -> list[EventView]:
    """The events with the staff they name as people read them (staff_names.label): the actor
    (``actor_name``) and each user name inside the changes (``staff``, tables.STAFF_FIELDS);
    ``actor`` and ``changes`` keep the user names."""
    from mediation.access import staff_names
    from mediation.tables import staff_values

    named = [staff_values(v.changes) for v in views]
    shown = staff_names.labels(uow, {v.actor for v in views}.union(*named))
    return [v.model_copy(update={"actor_name": shown.get(v.actor, v.actor),
                                 "staff": {u: shown.get(u, u) for u in sorted(users)}})
            for v, users in zip(views, named, strict=True)]


def redact_event(view: EventView, names: Sequence[str]) -> EventView:
    """An event as a reader without access to names sees it: persons' names masked (``张某``),
    in any spelling, and numbers scrubbed (events written before the event log scrubbed them)."""
    return view.model_copy(update={"changes": redaction.redact_value(view.changes, names),
                                   "reason": redaction.redact(view.reason, names)})


def event_view(e: Event, number: str | None) -> EventView:
    return EventView(seq=e.seq, at=iso(e.at), occurred_at=iso(e.occurred_at or e.at),
                     case=number, actor=e.actor, role=e.role,
                     action=e.action, from_state=e.from_state, to_state=e.to_state,
                     version=e.version, reason=e.reason, changes=shown_changes(e.changes),
                     hash=e.hash)


def shown_changes(text: str) -> dict[str, Any]:
    """An event's changes as a reader sees them: without ``file``, the keyed record of the
    whole case file that ``audit verify`` compares (hashes and row ids, nothing to read)."""
    changes: dict[str, Any] = json.loads(text)
    changes.pop("file", None)
    return changes


def replayed_states(uow: UnitOfWork) -> dict[int, tuple[str | None, int | None]]:
    """Each case's state and version as its events replay them (for checks and tests)."""
    from mediation.db import casefile  # the replay: not on the path of the reads above

    return {c.case_id: (c.replay.state, c.replay.version or None)
            for c in casefile.replay_cases(uow.session.connection(), whole_file=False)}

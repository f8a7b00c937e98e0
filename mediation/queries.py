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
from mediation.caselist import (  # re-exported: the case list's reads are caselist.py's
    case_page,
    count_cases,
    list_cases,
    overdue,
    summaries,
    summaries_as_seen_by,
)
from mediation.cases import (
    Agreement,
    AgreementView,
    Case,
    CaseMediator,
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
from mediation.db import eventlog
from mediation.db.casestore import assigned_to, find
from mediation.db.storage import UnitOfWork
from mediation.tables import Event, EventView, Staff
from mediation.workflow import FINISHED

__all__ = ["build_view", "case_for", "case_page", "case_view", "count_cases", "event_view",
           "history", "list_cases", "named_actors", "redact_event", "replayed_states",
           "shown_changes", "summaries", "summaries_as_seen_by"]

_Row = TypeVar("_Row", bound=SQLModel)


def _overdue(case: Any, uow: UnitOfWork) -> bool:
    return overdue(case.state, case.deadline, uow.now())


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
        """THE rule of every free-text field of the case file, the same as the parties'
        own names (PartyView): numbers scrubbed for every reader; the persons' names masked
        (张某) for a reader who may not see names, in full for one who may (the director,
        the case's mediator), as in the parties' list beside them; everything in full only
        when revealed. (An urging's note is its event's text, which the event log stores
        masked: it stays masked, even when revealed.)"""
        if reveal:
            return text
        return redaction.redact(text, () if names_ok else party_names)

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
    (``actor_name``) and each user name inside the changes (``staff``, vocab.STAFF_FIELDS);
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

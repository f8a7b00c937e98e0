"""Reading cases: the whole file, lists of what is due, and a case's history.

Everything returned is a view schema from ``cases.py``: personal data arrives masked unless the
caller asked to reveal it, had the permission, and gave a reason (recorded as an event)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from sqlmodel import SQLModel, col, select

from mediation import known_names
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
    last_shown,
    list_cases,
    overdue,
    summaries,
    summaries_as_seen_by,
)
from mediation.cases import (
    Agreement,
    AgreementView,
    Case,
    CaseFeedback,
    CaseMediator,
    CaseView,
    Extension,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Party,
    PartyView,
    Prevention,
    Urging,
)
from mediation.committee import committee_of
from mediation.core import redaction
from mediation.core.clock import iso
from mediation.core.errors import UsageError
from mediation.core.i18n import join, msg
from mediation.core.money import fen_to_yuan
from mediation.db import aftercare_rows, eventlog, kept, settings
from mediation.db.casestore import assigned_to, find
from mediation.db.storage import UnitOfWork
from mediation.tables import Event, EventView, Staff
from mediation.workflow import FINISHED, session_order

__all__ = [
    "PartiesShown",
    "build_view",
    "case_for",
    "case_page",
    "case_view",
    "count_cases",
    "event_view",
    "history",
    "list_cases",
    "named_actors",
    "record_reveal",
    "redact_event",
    "replayed_states",
    "shown_changes",
    "summaries",
    "summaries_as_seen_by",
]

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
    if reveal:
        record_reveal(uow, actor, case, assigned, parties, reason)
    view = build_view(uow, actor, case, reveal=reveal, names_ok=reveal or sees_names(actor))
    if allowed(actor, "duplicate.elsewhere") and case.state not in FINISHED:
        from mediation import duplicates

        view.elsewhere = duplicates.elsewhere(uow, case.committee_id, duplicates.probe(
            case.category, [(p.role, p.name, p.id_hash, p.kind) for p in parties]),
            not_case=cid) or None
    return view


def record_reveal(uow: UnitOfWork, actor: Actor, case: Case, assigned: set[str],
                  parties: Sequence[Party], reason: str | None) -> None:
    """``--reveal`` on one case, for every command that shows a case's personal data (``case
    show``, ``case history``): the one permission (policy.require_reveal: a mediator only on
    their own cases), a reason required (a usage error without one), and the ``reveal`` event
    that records who saw it and why."""
    require_reveal(actor, case_number=case.number, assigned=assigned, registrar=case.registrar)
    if not (reason or "").strip():
        raise UsageError(msg("--reveal needs --reason: why the full personal data is "
                             "needed (it is recorded)"))
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action="reveal", committee_id=case.committee_id, case_id=case.id,
                    reason=reason, changes={"fields": [None, ["id_number", "phone", "address",
                                                              "birth_date"]]},
                    persons=redaction.persons(parties))


def build_view(uow: UnitOfWork, actor: Actor, case: Case, *, reveal: bool, names_ok: bool
               ) -> CaseView:
    """The case file as ``case_view`` shows it, without the permission checks and the event:
    for callers that made both themselves (documents.py prints with the reason ``print``)."""
    s = uow.session
    cid = case.id
    assert cid is not None
    parties = s.exec(select(Party).where(Party.case_id == cid).order_by(col(Party.position))).all()
    # the persons of the case, and the names its corrections replaced (kept.names: a party
    # renamed is still named so in the facts written before)
    party_names = [*redaction.persons(parties), *kept.names(uow.conn, cid)] \
        if not (reveal or names_ok) else []

    def t(text: str | None) -> str | None:
        """THE rule of every free-text field of the case file, the same as the parties'
        own names (PartyView): numbers scrubbed for every reader; the persons' names masked
        (张某) for a reader who may not see names, in full for one who may (the director,
        the case's mediator), as in the parties' list beside them; everything in full only
        when revealed. (An urging or feedback recorded before migration 0021 holds its
        text as its event held it, masked: it stays masked, even when revealed.)"""
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
    sessions = sorted(rows(MediationSession, "no"), key=lambda x: session_order(x.held_at, x.no))
    agreements = rows(Agreement, "version")
    extensions = rows(Extension)
    follow_ups = rows(FollowUp)
    judicial = rows(JudicialConfirmation)
    preventions = rows(Prevention)
    # in the order they happened (one may be entered late: workflow.RECORDS)
    urgings = sorted(rows(Urging), key=lambda u: (u.urged_at, u.id))
    feedbacks = sorted(rows(CaseFeedback), key=lambda f: (f.fed_back_at, f.id))
    from mediation.access import staff_names

    names = dict(s.exec(select(Staff.username, Staff.name)).all())
    shown = staff_names.labels(uow, [m.username for m in mediators]
                               + [f.visitor for f in follow_ups] + [u.urged_by for u in urgings]
                               + [f.fed_back_by for f in feedbacks]
                               + [f.recipient for f in feedbacks if f.recipient in names])
    cal = settings.calendar(uow, case.committee_id)
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
        deadline_last_day=last_shown(case.deadline, cal),
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
                     "new_deadline": iso(e.new_deadline),
                     "new_last_day": last_shown(e.new_deadline, cal),
                     "granted_at": iso(e.granted_at),
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
        urgings=[{"at": iso(u.urged_at), "by": shown.get(u.urged_by, u.urged_by),
                  "by_user": u.urged_by, "note": t(u.note)} for u in urgings],
        feedbacks=[{"at": iso(f.fed_back_at), "by": shown.get(f.fed_back_by, f.fed_back_by),
                    "by_user": f.fed_back_by, "channel": f.channel,
                    # a party's name (masked), a recipient code, the grid worker's display name
                    "to": shown.get(f.recipient, f.recipient) if f.recipient in names
                    else t(f.recipient),
                    "note": t(f.note)} for f in feedbacks],
        next_session=_next_session(uow, case, t),
    )


def _next_session(uow: UnitOfWork, case: Case, t: Callable[[str | None], str | None]
                  ) -> dict[str, Any] | None:
    """The next session agreed (steps_schedule.current), its text as the file's is shown."""
    from mediation.steps_schedule import current

    nxt = current(uow, case)
    return nxt and {**nxt, "place": t(nxt.get("place")), "note": t(nxt.get("note"))}


def _duplicate_of(uow: UnitOfWork, actor: Actor, case: Case) -> str | None:
    """The cases this one was registered despite resembling, as far as the reader may see."""
    from mediation.duplicates import HIDDEN, duplicate_of_as_seen_by

    shown, hidden = duplicate_of_as_seen_by(uow, actor, case.committee_id, case.duplicate_of)
    if not shown and not hidden:
        return None
    return join(shown + ([HIDDEN.render()] if hidden else []))


def history(uow: UnitOfWork, actor: Actor, ref: str | int, *, reveal: bool = False,
            reason: str | None = None) -> list[EventView]:
    """A case's events as ``actor`` may read them. The parties an event names (the intake's)
    are shown as ``case show`` shows them, by the same rule (cases.PartyView.of): names in full
    for a reader who may see them, everything in full with ``reveal`` (checked and recorded as
    ``case show --reveal`` is: :func:`record_reveal`)."""
    case, assigned = case_for(uow, actor, ref)
    parties = uow.session.exec(select(Party).where(Party.case_id == case.id)
                               .order_by(col(Party.position))).all()
    if reveal:
        record_reveal(uow, actor, case, assigned, parties, reason)
    rows = uow.session.exec(select(Event).where(Event.case_id == case.id)
                            .order_by(col(Event.seq))).all()
    names_ok = known_names.may_restore(actor, revealed=reveal)
    names = [] if names_ok else redaction.persons(parties)
    typed = _typed_texts(uow, case.id, rows)
    values = kept.of_events(uow.conn, [e.seq for e in rows])  # names corrected (kept out)
    shown = PartiesShown(parties, case, reveal=reveal, names_ok=names_ok,
                         corrected=corrected_since(shown_changes(e.changes) for e in rows),
                         former=kept.names(uow.conn, case.id) if case.id else ())
    views = [shown.event(redact_event(kept.shown(_as_typed(
        event_view(e, case.number), typed.get(e.seq)), values.get(e.seq, ()), names=names_ok),
        names)) for e in rows]
    return named_actors(uow, known_names.restore(uow, actor, views, revealed=reveal,
                                                 parties={case.id or 0: parties}))


class PartiesShown:
    """The case's parties as ``case show`` shows them to this reader (PartyView.of), put in
    place of the masked copies an event holds (the intake's ``parties``, its summary and
    requests): a copy is replaced only where it is what the party's row gives masked, so a
    party changed since (``case amend``) stays as the event recorded it."""

    FIELDS = ("name", "id_number", "phone")

    def __init__(self, parties: Sequence[Party], case: Case, *, reveal: bool,
                 names_ok: bool, corrected: Mapping[int, set[str]] | None = None,
                 former: Sequence[str] = ()) -> None:
        self.corrected = corrected or {}
        self.pairs = [(PartyView.of(p, reveal=False, names=False),
                       PartyView.of(p, reveal=reveal, names=names_ok)) for p in parties]
        # the names corrected since (kept.names) masked the intake's text too
        persons = redaction.Names([*redaction.persons(parties), *former])
        self.texts: dict[str, str] = {}
        if reveal or names_ok:
            for text in (case.summary, case.requests, case.referral_ref):
                if text:  # the text as the intake event holds it → as case show shows it
                    self.texts[redaction.redact(text, persons) or ""] = (
                        text if reveal else redaction.redact(text) or "")
        self.active = reveal or names_ok

    def _party(self, index: int, value: dict[str, Any]) -> dict[str, Any]:
        kept = self.corrected.get(index, set())  # corrected since, the mask hiding it: as recorded
        for masked, shown in self.pairs:
            if value.get("role") == masked.role and all(
                    value.get(f) == getattr(masked, f) for f in self.FIELDS if f in value):
                # the guardian and the representative (recorded since issue 14): the shown one
                # where the recorded one is the row's masked (redaction.guardian_shown,
                # parties.representative_shown), as for the party's own fields
                agents: dict[str, Any] = {
                    a: getattr(shown, a) for a in ("guardian", "representative")
                    if a in value and a not in kept and value[a] == getattr(masked, a)}
                return {**value, **{f: getattr(shown, f) for f in self.FIELDS
                                    if f in value and f not in kept}, **agents}
        return value

    def event(self, view: EventView) -> EventView:
        if not self.active or view.action != "new":
            return view
        changes = dict(view.changes)
        for key, pair in view.changes.items():
            if not (isinstance(pair, list) and len(pair) == 2):
                continue
            after = pair[1]
            if key == "parties" and isinstance(after, list):
                after = [self._party(i, p) if isinstance(p, dict) else p
                         for i, p in enumerate(after)]
            elif isinstance(after, str):
                after = self.texts.get(after, after)
            changes[key] = [pair[0], after]
        return view.model_copy(update={"changes": changes})


def corrected_since(changes: Iterable[Mapping[str, Any]]) -> dict[int, set[str]]:
    """The fields of each party (by position) that a correction changed where the masked
    view could not show it (``case amend``'s ``corrected``: 罗霞 → 罗夏, both 罗某): the intake
    event keeps those as it recorded them, masked, never the corrected value in their place."""
    out: dict[int, set[str]] = {}
    for ch in changes:
        pair = ch.get("parties")
        if isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], list):
            for i, p in enumerate(pair[1]):
                if isinstance(p, dict) and p.get("corrected"):
                    out.setdefault(i, set()).update(p["corrected"])
    return out


def _typed_texts(uow: UnitOfWork, case_id: int | None, events: Sequence[Event]
                 ) -> dict[int, dict[str, Any]]:
    """The text of each urge and feedback event as its row of the case file holds it (as typed;
    the event holds it masked), by the event's seq: what ``history`` shows in its place."""
    wanted = {e.seq: found for e in events if e.action in aftercare_rows.STEPS
              and (found := aftercare_rows.row_of(e.action, e.seq, json.loads(e.changes)))}
    if not wanted:
        return {}
    s = uow.session
    held = {("urging", u.id): {"note": u.note} for u in s.exec(
        select(Urging).where(Urging.case_id == case_id)).all()}
    held.update({("feedback", f.id): {"to": f.recipient, "note": f.note} for f in s.exec(
        select(CaseFeedback).where(CaseFeedback.case_id == case_id)).all()})
    return {seq: held[found] for seq, found in wanted.items() if found in held}


def _as_typed(view: EventView, texts: dict[str, Any] | None) -> EventView:
    """An urge or feedback event with its row's text in place of the masked text it holds."""
    if texts is None:
        return view
    changes = dict(view.changes)
    key = aftercare_rows.STEPS[view.action][0]
    changes[key] = [None, {**changes[key][1], **texts}]
    return view.model_copy(update={"changes": changes})


def named_actors(uow: UnitOfWork, views: list[EventView]) -> list[EventView]:
    """The events with the staff they name as people read them (staff_names.label): the actor
    (``actor_name``) and each user name inside the changes (``staff``, vocab.STAFF_FIELDS);
    ``actor`` and ``changes`` keep the user names."""
    from mediation.access import staff_names
    from mediation.steps_schedule import shown_events  # a booking's time an instant (issue 14)
    from mediation.tables import staff_values

    views = shown_events(uow, views)
    named = [staff_values(v.changes) for v in views]
    shown = staff_names.labels(uow, {v.actor for v in views}.union(*named))
    return [v.model_copy(update={"actor_name": shown.get(v.actor, v.actor),
                                 "staff": {u: shown.get(u, u) for u in sorted(users)}})
            for v, users in zip(views, named, strict=True)]


def redact_event(view: EventView, names: Sequence[str]) -> EventView:
    """An event as a reader sees it: for one without access to names, persons' names masked
    (``张某``), in any spelling; for every reader, numbers scrubbed (events written before the
    event log scrubbed them)."""
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
    whole case file that ``audit verify`` compares, nor ``kept``, the keyed hashes of values
    kept out of the log (hashes and row ids, nothing to read: ``kept.shown`` puts the values)."""
    changes: dict[str, Any] = json.loads(text)
    changes.pop("file", None)
    changes.pop(kept.KEY, None)
    return changes


def replayed_states(uow: UnitOfWork) -> dict[int, tuple[str | None, int | None]]:
    """Each case's state and version as its events replay them (for checks and tests)."""
    from mediation.db import casefile  # the replay: not on the path of the reads above

    return {c.case_id: (c.replay.state, c.replay.version or None)
            for c in casefile.replay_cases(uow.session.connection(), whole_file=False)}

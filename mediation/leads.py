"""Grid leads (网格线索): a grid worker's report of a dispute and what became of it (docs/grid.md).

- ``lead report`` (grid workers, directors, mediators): place, grid cell, what was seen, the
  parties if known, when it was found, the risk. Free text loses its control characters and the
  ID and phone numbers written in it (:func:`mediation.core.redaction.scrub`, the one redaction
  of free text) before it is stored.
- ``lead list`` (directors, mediators): the committee's inbox. ``lead list --mine`` (a grid
  worker: their own reports only) shows what became of each report, never case content: the
  case's number and state, or why it was dismissed.
- ``lead dismiss LEAD --reason`` (not a dispute, resolved on the spot, duplicate of a case).
- ``lead accept LEAD`` takes a case.json and registers it through the intake
  (:func:`mediation.intake.new_case`), prefilled from the lead where the file is silent: source
  ``grid``, ``discovered_at`` (when found), the risk, the lead's reference; the reporter is
  carried over on the lead and in the ``lead_accept`` event. ``--at`` registers it late (补录)
  by ``case new --at``'s rule, never before the lead was found.

Every change is an event in the hash chain (``lead_report``, ``lead_dismiss``,
``lead_accept``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from sqlmodel import col, select

from mediation import calendars, intake
from mediation.access.policy import Actor, allowed, require, require_any
from mediation.cases import Case, CaseIn
from mediation.core import choices, moments, normalise, redaction
from mediation.core.errors import InvalidInput, NotFound, UsageError
from mediation.core.i18n import N_, Msg, msg, name
from mediation.core.vocab import LeadStatus, RiskLevel
from mediation.db import eventlog, kept, settings
from mediation.db.storage import UnitOfWork
from mediation.tables import Lead

TEXT_MAX = 500
T = TypeVar("T")


def _free(value: str | None, what: Msg, *, required: bool, limit: int = TEXT_MAX) -> str | None:
    """One free-text field: control characters out, ID and phone numbers scrubbed."""
    cleaned = redaction.scrub(normalise.text_or_none(value, multiline=True))
    if cleaned is None and required:
        raise InvalidInput(msg("give {what}: it may not be empty", what=what))
    if cleaned is not None and len(cleaned) > limit:
        raise InvalidInput(msg("{what} has at most {max} characters", what=what, max=limit))
    return cleaned


def _stamp(at: datetime | None) -> str | None:
    return None if at is None else at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _code(kind: str, value: str) -> str:
    """A code of a vocabulary, typed as the code or its name (the one parser)."""
    try:
        return choices.parse(kind, value)
    except choices.ChoiceError as exc:
        raise UsageError(exc.message) from None


def _found_at(uow: UnitOfWork, actor: Actor, found: str | None, now: datetime) -> datetime:
    """When the dispute was found, as naive UTC: a date and time in any written form
    normalise reads, local to the committee's calendar unless it carries an offset."""
    if found is None:
        return now
    calendar = calendars.of(uow, actor.committee_id)
    try:
        when = moments.parse(found, today=calendar.local_date(now))
    except moments.Unreadable:
        raise UsageError(msg("when found (--found) {value!r} is not a date and time; write "
                               "e.g. 2026-11-30 09:30", value=found)) from None
    at = when if isinstance(when, datetime) else datetime(when.year, when.month, when.day)
    return calendar.to_utc(at)


_OPTION_LABELS = {"place": msg("the place (--place)"), "cell": msg("the grid cell (--cell)"),
                  "seen": msg("what was seen (--seen)"),
                  "parties": msg("the parties (--parties)")}
_COLUMN_LABELS = {"place": msg("the place (column place)"),
                  "cell": msg("the grid cell (column cell)"),
                  "seen": msg("what was seen (column seen)"),
                  "parties": msg("the parties (column parties)")}


def validated(uow: UnitOfWork, actor: Actor, *, place: str | None, seen: str | None,
              found: str | None, cell: str | None, parties: str | None, risk: str | None,
              now: datetime, columns: bool = False, usage: list[Msg] | None = None
              ) -> tuple[Lead | None, list[Msg]]:
    """A lead as ``lead report`` stores it, reported by ``actor`` (not yet added), or every
    fault found, one message per field: the one set of rules for ``lead report`` and
    ``lead import`` (lead_import.py; ``columns``: the faults name the file's columns rather
    than the options; ``usage`` collects the faults that are values in none of their forms,
    usage errors when typed on the command line)."""
    faults: list[Msg] = []
    label = _COLUMN_LABELS if columns else _OPTION_LABELS

    def check(fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except InvalidInput as exc:
            faults.append(exc.message)
            if usage is not None and isinstance(exc, UsageError):
                usage.append(exc.message)
            return None

    found_at = check(lambda: _found_at(uow, actor, found, now))
    if found_at is not None and found_at > now:
        faults.append(msg("when found ({at}) is in the future", at=_stamp(found_at)))
        found_at = None
    risk_code = check(lambda: _code("risk", risk or RiskLevel.low))
    place_ = check(lambda: _free(place, label["place"], required=True, limit=200))
    cell_ = check(lambda: _free(cell, label["cell"], required=False, limit=100))
    seen_ = check(lambda: _free(seen, label["seen"], required=True))
    parties_ = check(lambda: _free(parties, label["parties"], required=False, limit=200))
    if faults or found_at is None or risk_code is None:
        return None, faults
    return Lead(committee_id=actor.committee_id, place=place_ or "", cell=cell_,
                seen=seen_ or "", parties=parties_, found_at=found_at, risk=risk_code,
                status=LeadStatus.open, reported_by=actor.username, reported_at=now), []


def append_report(uow: UnitOfWork, actor: Actor, lead: Lead, now: datetime,
                  via: str | None = None) -> None:
    """The ``lead_report`` event of a lead written (and flushed): its cell, risk and when it
    was found; its place kept out of the log (``mediation.db.kept``: the event holds its keyed
    hash, the kept row the text, which retention deletes with the lead's)."""
    place = [kept.Value(f"lead/{lead.id}", "place", None, lead.place)] if lead.place else []
    changes: dict[str, Any] = {"lead": [None, lead.id], "cell": [None, lead.cell],
                               "risk": [None, lead.risk],
                               "found_at": [None, _stamp(lead.found_at)]}
    if via is not None:
        changes["via"] = [None, via]
    key = settings.hash_key(uow)
    event = eventlog.append(uow.session, at=now, actor=actor.username, role=actor.role,
                            action="lead_report", committee_id=actor.committee_id,
                            changes=changes, kept=kept.committed(key, place))
    kept.write(uow.conn, event.seq, None, place)


def report(uow: UnitOfWork, actor: Actor, *, place: str, seen: str, found: str | None = None,
           cell: str | None = None, parties: str | None = None,
           risk: str = RiskLevel.low) -> dict[str, Any]:
    """A grid worker reports a dispute (``found``: when it was found, not in the future;
    default now)."""
    require(actor, "lead.report")
    now = uow.now()
    usage: list[Msg] = []
    lead, faults = validated(uow, actor, place=place, seen=seen, found=found, cell=cell,
                             parties=parties, risk=risk, now=now, usage=usage)
    if lead is None:
        raise (UsageError if faults[0] in usage else InvalidInput)(faults[0])
    s = uow.session
    s.add(lead)
    s.flush()
    append_report(uow, actor, lead, now)
    return _full_view(lead, None)


def _outcome(lead: Lead, case: Case | None) -> dict[str, Any]:
    return {"status": lead.status, "dismiss_reason": lead.dismiss_reason,
            "case_number": case.number if case else None,
            "case_state": case.state if case else None,
            "conclusion": case.conclusion if case else None,
            # when the outcome was reported back (反馈, case feedback: by default to the grid
            # worker who reported the lead; issue 17)
            "fed_back_at": _stamp(case.fed_back_at) if case else None,
            "decided_at": _stamp(lead.decided_at)}


def _own_view(lead: Lead, case: Case | None) -> dict[str, Any]:
    """What a grid worker sees of their own report: what they wrote and the outcome."""
    return {"id": lead.id, "place": lead.place, "cell": lead.cell, "seen": lead.seen,
            "risk": lead.risk, "found_at": _stamp(lead.found_at),
            "reported_at": _stamp(lead.reported_at), **_outcome(lead, case)}


def _full_view(lead: Lead, case: Case | None) -> dict[str, Any]:
    return {**_own_view(lead, case), "parties": lead.parties, "reported_by": lead.reported_by,
            "decided_by": lead.decided_by, "dismiss_note": lead.dismiss_note,
            "case_id": lead.case_id}


def list_leads(uow: UnitOfWork, actor: Actor, *, mine: bool = False,
               status: str | None = None) -> list[dict[str, Any]]:
    """The committee's inbox (directors, mediators), or (``mine``, and always for a grid
    worker) the actor's own reports with their outcome. Newest first."""
    if mine or not allowed(actor, "lead.read"):
        require_any(actor, "lead.read", "lead.read.own")
        mine = True
    stmt = select(Lead, Case).join(Case, col(Case.id) == col(Lead.case_id), isouter=True).where(
        Lead.committee_id == actor.committee_id)
    if mine:
        stmt = stmt.where(Lead.reported_by == actor.username)
    if status is not None:
        stmt = stmt.where(Lead.status == _code("lead_status", status))
    rows = uow.session.exec(stmt.order_by(col(Lead.id).desc())).all()
    if mine:
        return [_own_view(lead, case) for lead, case in rows]
    from mediation.access import staff_names

    staff = staff_names.labels(uow, (lead.reported_by for lead, _case in rows))
    return [{**_full_view(lead, case), "reported_by_name": staff.get(lead.reported_by)}
            for lead, case in rows]


def _open_lead(uow: UnitOfWork, actor: Actor, lead_id: int) -> Lead:
    lead = uow.session.get(Lead, lead_id)
    if lead is None or lead.committee_id != actor.committee_id:
        raise NotFound(msg("no lead {id} in this committee", id=lead_id))
    if lead.status != LeadStatus.open:
        raise InvalidInput(msg("lead {id} was {status} already", id=lead_id,
                          status=name("lead_status", lead.status)))
    return lead


def dismiss(uow: UnitOfWork, actor: Actor, lead_id: int, *, reason: str,
            note: str | None = None) -> dict[str, Any]:
    """Dismiss a lead: not a dispute, resolved on the spot, or a duplicate of a case."""
    require(actor, "lead.decide")
    reason = _code("dismiss", reason)
    lead = _open_lead(uow, actor, lead_id)
    now = uow.now()
    lead.status, lead.dismiss_reason = LeadStatus.dismissed, reason
    lead.dismiss_note = _free(note, msg("the note (--note)"), required=False, limit=200)
    lead.decided_by, lead.decided_at = actor.username, now
    s = uow.session
    s.add(lead)
    eventlog.append(s, at=now, actor=actor.username, role=actor.role, action="lead_dismiss",
                    committee_id=actor.committee_id, reason=reason,
                    changes={"lead": [lead_id, lead_id], "status": [LeadStatus.open,
                                                                  LeadStatus.dismissed]})
    return _full_view(lead, None)


def prefill(lead: Lead, data: dict[str, Any]) -> dict[str, Any]:
    """The case.json ``data`` with what the lead knows filled in where the file is silent."""
    out = dict(data)
    out.setdefault("source", "grid")
    out.setdefault("discovered_at", lead.found_at.strftime("%Y-%m-%dT%H:%M:%S+00:00"))
    out.setdefault("risk_level", lead.risk)
    out.setdefault("summary", lead.seen)
    out.setdefault("referral_ref", f"L{lead.id}")
    return out


def intake_prefill(uow: UnitOfWork, actor: Actor, lead_id: int) -> dict[str, Any]:
    """What the guided intake of ``lead accept`` starts from (:func:`prefill` of an empty
    record), when found in the committee's local time: for an open lead of the committee."""
    require(actor, "lead.decide")
    require(actor, "case.create")
    lead = _open_lead(uow, actor, lead_id)
    out = prefill(lead, {})
    local = calendars.of(uow, actor.committee_id).local(lead.found_at)
    out["discovered_at"] = local.strftime("%Y-%m-%d %H:%M")
    return out


def accept(uow: UnitOfWork, actor: Actor, lead_id: int, data: object, *,
           origin: str = "case.json", force: bool = False,
           at: date | None = None) -> dict[str, Any]:
    """Take a lead as a case: the case.json ``data`` prefilled from the lead (or a record the
    guided intake built from :func:`intake_prefill`), registered by the intake (which also
    checks for probable duplicates). ``at`` (``--at``, 补录): when the case was registered, if
    not now, by the rule of ``case new --at`` (intake.new_case): not in the future, within the
    late-entry days, and not before the lead was found."""
    require(actor, "lead.decide")
    require(actor, "case.create")
    lead = _open_lead(uow, actor, lead_id)
    if isinstance(data, CaseIn):
        record = data
    elif not isinstance(data, dict):
        raise InvalidInput(msg("{origin}: expected a JSON object with the case fields",
                               origin=origin))
    else:
        record = intake.parse_case(prefill(lead, intake.record_keys(data, origin)), origin=origin,
                                   calendar=calendars.of(uow, actor.committee_id))
    result = intake.new_case(uow, actor, record, force=force, at=at, found_at=lead.found_at)
    now = uow.now()
    lead.status, lead.case_id = LeadStatus.accepted, result["id"]
    lead.decided_by, lead.decided_at = actor.username, now
    s = uow.session
    s.add(lead)
    eventlog.append(s, at=now, actor=actor.username, role=actor.role, action="lead_accept",
                    committee_id=actor.committee_id, case_id=result["id"],
                    changes={"lead": [lead_id, lead_id], "status": [LeadStatus.open,
                                                                  LeadStatus.accepted],
                             "reporter": [None, lead.reported_by],
                             "case": [None, result["number"]]})
    return {**result, "lead": lead_id, "reporter": lead.reported_by}


EVENT_NAMES = (N_("trigger.lead_report"), N_("trigger.lead_dismiss"), N_("trigger.lead_accept"),
               N_("field.lead"), N_("field.place"), N_("field.cell"), N_("field.risk"),
               N_("field.found_at"), N_("field.status"), N_("field.reporter"),
               N_("field.case"))

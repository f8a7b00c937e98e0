"""One step's path, shared by every trigger's service in ``mediation.steps``.

:func:`step` checks the actor's permission, loads the case with the facts its trigger's guards
read (``casestore.load``, ``workflow.facts``), refuses a stale ``expected_version``, asks the
workflow whether the trigger may fire (guards included), applies the step's own changes, bumps the
version with a compare-and-set, and appends the event -- all in the caller's unit of work, so that
the state, the version and the event commit together or not at all.

It is on every step's path, so it uses few statements and Core rather than ORM objects: one query
for the case and its guards' facts, one ``UPDATE`` that is both the version's compare-and-set and
the case's changed columns, then the step's own records (ORM, flushed after the compare-and-set)
and the event (eventlog). ``apply`` functions set attributes on the ``Case`` they are given (use
:func:`set_field`, which also records the change for the event); that ``Case`` is in no session,
so they must not ``session.add`` it.

A step may be entered late (``at``, the CLI's ``--at``: 补录): it then happened at that time
(``workflow.occurrence``, checked by ``workflow.occurrence_problem``: not in the future, not
before the case's previous step, not more than the committee's late-entry days ago). ``apply``
runs with ``uow.now()`` answering when the step happened, so the case's milestones, its deadline
and its records carry that time; the event records both (``occurred_at`` and ``at``).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import bindparam, func, or_
from sqlalchemy import select as core_select
from sqlmodel import col

from mediation import calendars, workflow
from mediation.access.policy import Actor, require, require_on_case
from mediation.cases import Case, Party
from mediation.core import normalise, redaction
from mediation.core.clock import iso
from mediation.core.commands import Command, StepDone
from mediation.core.errors import InvalidInput, Refused
from mediation.core.i18n import msg
from mediation.core.i18n import name as display_name
from mediation.db import casefile_changes, casestore, eventlog
from mediation.db.rows import assign
from mediation.db.storage import UnitOfWork
from mediation.tables import Event

Changes = dict[str, list[Any]]

Apply = Callable[[Case], Changes]
_F = TypeVar("_F", bound=Callable[..., Any])


def text_inputs(multiline: tuple[str, ...] = (), line: tuple[str, ...] = ()
                ) -> Callable[[_F], _F]:
    """The step's free-text inputs through the one text normaliser (normalise.text): what a
    library caller passes is stored as what the CLI would have stored, never a control
    character."""
    def wrap(fn: _F) -> _F:
        @functools.wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            for name in multiline + line:
                if isinstance(kwargs.get(name), str):
                    kwargs[name] = normalise.text(kwargs[name], multiline=name in multiline)
            return fn(*args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return wrap


def step(
    uow: UnitOfWork,
    actor: Actor,
    ref: str | int,
    command: Command,
    apply: Apply,
    *,
    expected_version: int | None = None,
    reason: str | Callable[[Case], str | None] | None = None,
    permission: str = "case.workflow",
    at: date | None = None,
    twin: Twin | None = None,
) -> StepDone:
    require(actor, permission)  # before looking the case up: no hint whether it exists
    with uow.reads_before_lock():
        return _step(uow, actor, ref, command, apply, expected_version=expected_version,
                     reason=reason, permission=permission, at=at, twin=twin)


def _step(uow: UnitOfWork, actor: Actor, ref: str | int, command: Command, apply: Apply, *,
          expected_version: int | None, reason: str | Callable[[Case], str | None] | None,
          permission: str, at: date | None, twin: Twin | None) -> StepDone:
    trigger = command.trigger
    case, subject, assigned = casestore.load(uow, actor, ref, trigger)
    assert case.id is not None
    require_on_case(actor, permission, case_number=case.number, assigned=assigned,
                    state=case.state)
    if callable(reason):
        reason = reason(case)
    casestore.check_version(uow, case, expected_version)
    before = case.state
    recorded = uow.now()
    if at is not None and trigger not in workflow.allowed_triggers(before):
        _fire(uow, actor, case, subject, command)  # the state first: 已受理, not the --at
    occurred = recorded if at is None else occurred_at(uow, case, trigger, at, recorded)
    _when(uow, case, subject, occurred, recorded)
    after = _fire(uow, actor, case, subject, command)
    warned = tuple(w.render() for w in workflow.warnings(subject, command))
    old_version = case.version
    read = casestore.columns(case)
    # The step's own records are written after the compare-and-set below, as they always were:
    # the session does not flush what ``apply`` adds until then. The step happens at one
    # instant, so statistics counted by the case's milestones equal a replay of the events.
    # The names masked in the event are those of everyone who was a party before or after the
    # step: a correction that removes a party must not unmask them in its own before/after text.
    texts = _has_text(command, reason)
    persons_before = _persons(uow, case.id) if texts else []
    if twin is not None:
        _refuse_twin(uow, case, trigger, occurred, twin, persons_before)
    noted = casefile_changes.mark(uow.conn)
    with uow.one_instant(occurred):
        with uow.deferred_flush():
            try:
                changes = apply(case)
            except casestore.Moved:
                raise casestore.refused_as_stale(uow, case, expected_version) from None
        if after != before:
            changes = {"state": [before, after], **changes}
        assign(case, "state", after)
        assign(case, "version", old_version + 1)
        persons = (_union(persons_before, _persons(uow, case.id))
                   if texts and casefile_changes.mark(uow.conn) != noted else persons_before)
        # The case's changed columns and the event are built before the write lock (issue 18:
        # every other terminal waits while one holds it); the event is built again under it
        # only if the step's records, flushed there, changed the case file further.
        written = casestore.changed(uow, case, read)
        draft = eventlog.draft(
            uow.conn, at=recorded, occurred_at=occurred, actor=actor.username, role=actor.role,
            action=trigger, committee_id=case.committee_id, case_id=case.id, from_state=before,
            to_state=after, version=case.version, reason=reason, changes=changes,
            persons=persons)
        # Everything above read what may be a moment old (reads_before_lock): the write lock is
        # taken here, and the compare-and-set refuses the step if the case moved meanwhile
        # (re-run from the start by storage.transaction when no version was named).
        uow.lock()
        casestore.write(uow, case, written, old_version, expected_version)
        uow.flush()
        case_id = case.id
        event = eventlog.append(
            uow.conn, draft,
            persons_now=(lambda: _union(persons_before, _persons(uow, case_id)))
            if texts else None)
    return StepDone(id=case.id, number=case.number, state=case.state, version=case.version,
                    event=event.seq, warnings=warned,
                    by=actor.label if actor.signed_in else None)


def _offered(uow: UnitOfWork, actor: Actor, case: Case, subject: workflow.Subject,
             trigger: str) -> list[str]:
    """What a refusal offers: the steps allowed from the case's state whose case-only guards
    hold, judged on every fact they read (``workflow.offer_facts``), loaded now (a refusal is
    rare; the step itself loads only its own trigger's facts)."""
    more = workflow.offer_facts(subject.state)
    assert case.id is not None
    _, full, _ = casestore.load(uow, actor, case.id, trigger, more=more)
    for fact in more:
        setattr(subject, fact, getattr(full, fact))
    return workflow.allowed_now(subject, trigger, known=workflow.ROW_FACTS | more)


def _when(uow: UnitOfWork, case: Case, subject: workflow.Subject, occurred: datetime,
          recorded: datetime) -> None:
    """When the step happens, for the guards: the instant it happened (``--at``), the
    committee's date today (when it is recorded), and the last day of the case's period."""
    cal = calendars.of(uow, case.committee_id)
    subject.now = occurred
    subject.calendar = cal
    subject.today = cal.local_date(recorded)
    subject.occurred_on = cal.local_date(occurred)
    if case.deadline is not None:
        subject.deadline_day = cal.last_day_of(case.deadline)


_EVENT = Event.__table__  # type: ignore[attr-defined]
# A case's steps after its registration, in the dispute's time order: its events that are steps
# (a version), corrections and plans left out (workflow.UNTIMED: a correction happens when it is
# recorded; a booking of the next session says when something is to happen, not that anything
# did). The registration itself is the case's ``registered_at``, not its event's time: ``case
# amend --registered-at`` corrects it (issue 14).
_STEPS = (_EVENT.c.case_id == bindparam("case_id"), _EVENT.c.version.is_not(None),
          _EVENT.c.action.not_in((*workflow.UNTIMED, workflow.REGISTRATION)))
# The case's previous step (its trigger and when it happened; the latest recorded of those at
# the same instant), and when it entered its current state by a step (its latest change of
# state). Asked only for a late entry (``--at``), never on a step entered now.
_PREVIOUS = (core_select(_EVENT.c.action, _EVENT.c.occurred_at).where(*_STEPS)
             .order_by(_EVENT.c.occurred_at.desc(), _EVENT.c.seq.desc()).limit(1))
_BEGAN = core_select(func.max(_EVENT.c.occurred_at)).where(
    *_STEPS, or_(_EVENT.c.from_state.is_(None), _EVENT.c.from_state != _EVENT.c.to_state))
_FIRST = (core_select(_EVENT.c.action, _EVENT.c.occurred_at).where(*_STEPS)
          .order_by(_EVENT.c.occurred_at, _EVENT.c.seq).limit(1))


def first_step(uow: UnitOfWork, case_id: int) -> tuple[str, datetime] | None:
    """The case's earliest step after its registration (``workflow.UNTIMED`` left out): its
    trigger and when it happened, None before any: the latest its registration may be
    corrected to (``workflow.registration_problem``)."""
    row = uow.conn.execute(_FIRST, {"case_id": case_id}).first()
    when = None if row is None else _instant(row[1])
    return None if row is None or when is None else (row[0], when)


def _instant(value: Any) -> datetime | None:
    if isinstance(value, str):  # SQLite's text, when the driver does not convert it
        return datetime.fromisoformat(value)
    return value if isinstance(value, datetime) else None


def _fire(uow: UnitOfWork, actor: Actor, case: Case, subject: workflow.Subject,
          command: Command) -> str:
    """The step's state after it (``workflow.fire``), or its Refused offering the steps the
    case's facts allow. THE order of a step's checks: whether the step may be taken from the
    case's state comes before when it happened (``--at``): a step its state does not allow is
    refused as such, whatever time was typed (a clerk's trial: 受理 on a case already 已受理
    was told its time was before the registration)."""
    try:
        return workflow.fire(subject, command)
    except Refused as refused:
        if refused.allowed:
            refused.allowed = _offered(uow, actor, case, subject, command.trigger) or None
        raise


def occurred_at(uow: UnitOfWork, case: Case, trigger: str, at: date, now: datetime
                ) -> datetime:
    """When a step entered late happened (``workflow.occurrence``), or InvalidInput saying why
    it cannot have (``workflow.occurrence_problem``): a record (``workflow.RECORDS``) may come
    before the case's latest step, after the case entered its state; any other step after the
    case's latest step (plans and corrections, ``workflow.UNTIMED``, are none), named in the
    refusal with its time."""
    if trigger in workflow.CORRECTIONS:
        raise InvalidInput(msg("a correction happens when it is recorded: it takes no --at"))
    params = {"case_id": case.id}
    row = uow.conn.execute(_PREVIOUS, params).first()
    step, previous = (None, None) if row is None else (row[0], _instant(row[1]))
    began = (_instant(uow.conn.execute(_BEGAN, params).scalar()) or case.registered_at
             if trigger in workflow.RECORDS else None)
    return checked_occurrence(uow, case.committee_id, at, now, previous or case.registered_at,
                              case=case.number, registered=case.registered_at,
                              state_began=began, state=case.state,
                              previous_step=step if previous is not None else None)


def checked_occurrence(uow: UnitOfWork, committee_id: int, at: date, now: datetime,
                       previous: datetime | None, *, case: str | None = None,
                       registered: datetime | None = None,
                       state_began: datetime | None = None,
                       state: str | None = None,
                       earliest: datetime | None = None,
                       previous_step: str | None = None) -> datetime:
    """``at`` as the instant it names on the committee's calendar, checked against now, the
    case's registration, the previous step (``previous_step`` its trigger, None: the
    registration; or, with ``state_began``, for a record, when the case entered its
    ``state``) and the committee's late-entry days; InvalidInput saying why not.
    ``earliest`` (a registration: when the dispute was found) only places a date alone on that
    day at that time (workflow.occurrence); the caller says why anything earlier is refused."""
    cal = calendars.of(uow, committee_id)
    occurred = workflow.occurrence(at, now, previous, cal,
                                   state_began if state_began is not None else earliest)
    floor = previous if state_began is None else state_began
    why = workflow.occurrence_problem(occurred, now, floor, cal,
                                      calendars.late_entry_limit(uow, committee_id),
                                      registered=registered,
                                      state=None if state_began is None else state,
                                      step=previous_step, at=at)
    if why is not None:
        raise InvalidInput(msg("case {case}: {why}", case=case, why=why) if case else why)
    return occurred


@dataclass(frozen=True)
class Twin:
    """What makes a record (``workflow.RECORDS``) the same as one already entered: its table,
    the column saying when it happened, and the values of the columns that say what it
    recorded. A record typed twice (the same case, the same local day, the same values) is
    refused, so double-typing a session never makes two. ``event=True``: the record is its
    event alone (``values``: its action and its changes, masked here as the event log masks
    them)."""

    table: Any
    when: str
    values: dict[str, Any]
    event: bool = False


def _refuse_twin(uow: UnitOfWork, case: Case, trigger: str, occurred: datetime, twin: Twin,
                 persons: list[str]) -> None:
    cal = calendars.of(uow, case.committee_id)
    day = cal.local_date(occurred)
    values = dict(twin.values)
    content = None
    if twin.event:  # compared as the event log holds it: masked, without the file's changes
        content = json.loads(eventlog.canonical_json(
            redaction.redact_changes(values.pop("changes"), persons)))
    t = twin.table
    when = t.c[twin.when]
    same = [t.c[k].is_(None) if v is None else t.c[k] == v for k, v in values.items()]
    rows = uow.conn.execute(
        core_select(when, *([t.c.changes] if twin.event else []))
        .where(t.c.case_id == case.id, when >= cal.start_of_day_utc(day),
               when < cal.start_of_day_utc(day + timedelta(days=1)), *same)).all()
    for row in rows:
        if twin.event and {k: v for k, v in json.loads(row[1]).items() if k != "file"} != content:
            continue
        found = row[0] if isinstance(row[0], datetime) else datetime.fromisoformat(row[0])
        raise InvalidInput(msg(
            "case {case}: this {step} is already recorded ({when}, the same content): a record "
            "typed twice is kept once, nothing was written (a second one that day differs in "
            "what it records)", case=case.number, step=display_name("trigger", trigger),
            when=cal.local(found).strftime("%Y-%m-%d %H:%M")))


_PERSONS = (core_select(col(Party.name), col(Party.kind), col(Party.guardian_name),
                       col(Party.representative_name))
            .where(col(Party.case_id) == bindparam("case_id")))


def _has_text(command: Command, reason: str | None) -> bool:
    """Whether a step may carry free text (reasons, advice, minutes, terms, place, notes, the
    court): every step whose command has inputs; accept and confirm have none."""
    return bool(reason) or bool(dataclasses.fields(command))


def _persons(uow: UnitOfWork, case_id: int) -> list[str]:
    """The names masked in a step's event (redaction.persons: persons, guardians,
    representatives), and the names its corrections replaced (kept.names: a text written
    before a party was renamed, an agreement's terms corrected later, still names them)."""
    from mediation.db import kept

    return [*redaction.persons_of_rows(uow.conn.execute(_PERSONS, {"case_id": case_id}).all()),
            *kept.names(uow.conn, case_id)]


def _union(first: list[str], second: list[str]) -> list[str]:
    return [*first, *(n for n in second if n not in first)]


def set_field(case: Case, changes: Changes, field: str, value: Any) -> None:
    """Set a column of the case being stepped and record the change for the event."""
    before = getattr(case, field)
    if before != value:
        changes[field] = [_plain(before), _plain(value)]
        assign(case, field, value)


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return iso(value)
    if isinstance(value, Decimal):
        return str(value)
    return value

"""The store of cases: how a step finds a case, loads it with the facts its guards read, writes
it back with a compare-and-set on its version, and is refused when the case changed under it.

Every service that reads or writes one case goes through here (the steps, the case views, the
documents), so a case is looked up by id or number in one place (:func:`find`, and :func:`load`
for a step). The step's path is hot, so it uses SQLAlchemy Core statements built and compiled
once per process: one query for the case and its guards' facts (``workflow.facts``), and one
``UPDATE`` that is both the compare-and-set and the case's changed columns (:func:`write`).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any, Protocol, TypeVar

from sqlalchemy import bindparam, exists, func, update
from sqlalchemy import select as core_select
from sqlmodel import col, select

from mediation import workflow
from mediation.cases import (
    Agreement,
    Case,
    CaseMediator,
    Extension,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Party,
    Urging,
)
from mediation.core import normalise
from mediation.core.clock import local_date
from mediation.core.errors import ConcurrentUpdate, Conflict, NotFound, UsageError
from mediation.core.i18n import msg
from mediation.core.labels import staff_label
from mediation.core.vocab import JudicialResult, PartyRole, Role
from mediation.db import casefile_changes, settings
from mediation.db.compiled import Compiled
from mediation.db.rows import from_row
from mediation.db.storage import UnitOfWork
from mediation.readtables import SETTING as _SETTING
from mediation.tables import Committee, Event, Staff

_T = TypeVar("_T")


class Reader(Protocol):
    """Who looks a case up (``access.policy.Actor``): cases are found in their committee."""

    @property
    def committee_id(self) -> int: ...

    @property
    def username(self) -> str: ...

    @property
    def role(self) -> str: ...


def _prefix(uow: UnitOfWork, committee_id: int) -> str:
    prefix = uow.conn.execute(core_select(_COMMITTEE.c.prefix).where(
        _COMMITTEE.c.id == committee_id)).scalar()
    return str(prefix or "")


def case_key(uow: UnitOfWork, actor: Reader, ref: str | int) -> int | str:
    """The id or full number ``ref`` names (normalise.case_key; a short form's year is this year
    in the committee's calendar, as its numbers are), ``第12号``/``12号`` completed with the
    committee's prefix; a reference in none of the forms is refused naming them all (with the
    committee's prefix), not looked for."""
    if isinstance(ref, int) or ref.isdigit() or "人调字" in ref:  # an id or a full number
        key = normalise.case_key(ref)
    else:  # a short form: this year is the committee calendar's, as its case numbers are
        this_year = settings.calendar(uow, actor.committee_id).local_date(uow.now()).year
        key = normalise.case_key(ref, year=this_year)
    if isinstance(key, int) or normalise.is_case_number(key):
        return key
    prefix = _prefix(uow, actor.committee_id)
    if isinstance(key, normalise.CaseSeq):
        return normalise.case_number(key.year, prefix, key.seq)
    year = settings.calendar(uow, actor.committee_id).local_date(uow.now()).year
    raise UsageError(normalise.not_a_case(ref, prefix, year))


_PREFIX_OF = re.compile(r"\((\d{4})\)([^()]+)人调字第(\d+)号")


def not_found(uow: UnitOfWork, actor: Reader, key: int | str,
              typed: str | int | None = None) -> NotFound:
    """THE refusal of a case the committee does not hold. A number whose prefix is not the
    committee's (虎 for a committee numbering 龙, or an abbreviation mistyped: ``龙调字第1号``,
    read as the prefix 龙调字) quotes what was ``typed`` (not the number it was expanded to,
    which would be garbled: ``(2026)龙调字人调字第1号``) and shows the committee's form of the
    same case, in full and short: ``龙调字第1号 is not a case number of this committee; its
    case numbers look like (2026)龙人调字第1号 or 龙1``."""
    m = _PREFIX_OF.fullmatch(key) if isinstance(key, str) else None
    prefix = _prefix(uow, actor.committee_id)
    if m is not None and prefix and m.group(2) != prefix:
        year, seq = int(m.group(1)), int(m.group(3))
        this_year = settings.calendar(uow, actor.committee_id).local_date(uow.now()).year
        return NotFound(msg("{ref} is not a case number of this committee; its case numbers "
                            "look like {number} or {short}",
                            ref=str(typed if typed is not None else key).strip(),
                            number=normalise.case_number(year, prefix, seq),
                            short=normalise.short_ref(year, prefix, seq, this_year=this_year)))
    return NotFound(msg("no case {ref} in this committee", ref=key))


def find(uow: UnitOfWork, actor: Reader, ref: str | int) -> Case:
    """A case of the actor's committee, by id, full number or short form (:func:`case_key`)."""
    key = case_key(uow, actor, ref)
    stmt = select(Case).where(Case.committee_id == actor.committee_id)
    stmt = stmt.where(Case.id == key) if isinstance(key, int) else stmt.where(Case.number == key)
    case = uow.session.exec(stmt).first()
    if case is None:
        raise not_found(uow, actor, key, ref)
    return case


def assigned_to(uow: UnitOfWork, case_id: int) -> set[str]:
    rows = uow.session.exec(
        select(CaseMediator.username).where(CaseMediator.case_id == case_id)
    ).all()
    return set(rows)


def current_agreement(uow: UnitOfWork, case_id: int) -> Agreement | None:
    return uow.session.exec(
        select(Agreement)
        .where(Agreement.case_id == case_id, col(Agreement.superseded_at).is_(None))
        .order_by(col(Agreement.version).desc())
    ).first()


def pending_judicial(uow: UnitOfWork, case_id: int) -> JudicialConfirmation | None:
    return uow.session.exec(
        select(JudicialConfirmation).where(
            JudicialConfirmation.case_id == case_id,
            JudicialConfirmation.result == JudicialResult.pending,
        )
    ).first()

def check_version(uow: UnitOfWork, case: Case, expected: int | None) -> None:
    if expected is not None and expected != case.version:
        raise conflict(uow, case)


def conflict(uow: UnitOfWork, case: Case, *, retryable: bool = False) -> Conflict:
    # Core, not the session: pending ORM writes of a step being refused must not be flushed.
    # Who changed it as people know them (tables.staff_label: 李明), when in the committee's
    # local time, to the minute, as the CLI writes times.
    last = uow.conn.execute(_LAST_EVENT, {"case_id": case.id}).first()
    actor, at = "?", "?"
    if last is not None:
        named = uow.conn.execute(_STAFF_NAME, {"username": last.actor}).first()
        shared = named is not None and bool(named.name) and uow.conn.execute(
            _SHARED, {"name": named.name, "committee_id": named.committee_id}).scalar_one() > 1
        actor = staff_label(last.actor, named.name if named else None, shared=shared)
        at = settings.calendar(uow, case.committee_id).local(last.at).strftime(
            "%Y-%m-%d %H:%M")
    return (ConcurrentUpdate if retryable else Conflict)(
        msg(
            "case {case} was changed by {actor} at {at} (now version {version}); "
            "reload it and try again",
            case=case.number,
            actor=actor,
            at=at,
            version=case.version,
        )
    )


# The step's statements, built once: SQLAlchemy compiles each once per process and reuses it.
_CASES = Case.__table__  # type: ignore[attr-defined]
_COMMITTEE = Committee.__table__  # type: ignore[attr-defined]
_PARTY = Party.__table__  # type: ignore[attr-defined]
_AGREEMENT = Agreement.__table__  # type: ignore[attr-defined]
_JUDICIAL = JudicialConfirmation.__table__  # type: ignore[attr-defined]
_MEDIATOR = CaseMediator.__table__  # type: ignore[attr-defined]
# The records a guard counts (workflow.GUARD_FACTS): fact name -> table.
_COUNTED = {"sessions": MediationSession.__table__,  # type: ignore[attr-defined]
            "extensions": Extension.__table__,  # type: ignore[attr-defined]
            "visits": FollowUp.__table__,  # type: ignore[attr-defined]
            "urges": Urging.__table__}  # type: ignore[attr-defined]
_EVENT = Event.__table__  # type: ignore[attr-defined]
_CASE_COLUMNS: tuple[str, ...] = tuple(c.key for c in _CASES.columns)
_STAFF = Staff.__table__  # type: ignore[attr-defined]
_STAFF_NAME = core_select(_STAFF.c.name, _STAFF.c.committee_id).where(
    _STAFF.c.username == bindparam("username"))
_SHARED = core_select(func.count()).select_from(_STAFF).where(
    _STAFF.c.name == bindparam("name"), _STAFF.c.committee_id == bindparam("committee_id"))
_LAST_EVENT = (
    core_select(_EVENT.c.actor, _EVENT.c.at)
    .where(_EVENT.c.case_id == bindparam("case_id"))
    .order_by(_EVENT.c.seq.desc()).limit(1)
)
_CURRENT_VERSION = core_select(_CASES.c.version).where(_CASES.c.id == bindparam("case_id"))
# The compare-and-set and the step's column changes in one UPDATE; the SET clause is the
# changed columns (the parameters' keys), the WHERE names the version this step read.
_WRITE_CASE = update(_CASES).where(_CASES.c.id == bindparam("w_id"),
                                   _CASES.c.version == bindparam("w_version"))


def _party_count(role: PartyRole) -> Any:
    return (core_select(func.count()).select_from(_PARTY)
            .where(_PARTY.c.case_id == _CASES.c.id, _PARTY.c.role == role.value)
            .scalar_subquery())


def _setting(key: str) -> Any:
    return (core_select(_SETTING.c.value).where(_SETTING.c.key == bindparam(key))
            .scalar_subquery().label(key))


@cache
def _load_statement(by_number: bool, facts: frozenset[str], mediator: bool) -> Compiled:
    """The case row and, in the same statement, the guard facts in ``facts`` (workflow.facts),
    for a mediator whether the case is assigned to them, and the committee's calendar settings
    (settings.calendar_read: a step reads its calendar for its guards and its dates), compiled
    once (on SQLite run on the driver: every terminal's step reads it, issue 18)."""
    columns: list[Any] = [_CASES, _setting("cal_zone"), _setting("cal_holidays")]
    if "applicants" in facts:
        columns.append(_party_count(PartyRole.applicant).label("f_applicants"))
    if "respondents" in facts:
        columns.append(_party_count(PartyRole.respondent).label("f_respondents"))
    current = (_AGREEMENT.c.case_id == _CASES.c.id) & _AGREEMENT.c.superseded_at.is_(None)
    if facts & {"has_agreement", "agreement_effective_on"}:
        columns.append(exists().where(current).label("f_has_agreement"))
    if "agreement_effective_on" in facts:
        columns.append(core_select(_AGREEMENT.c.effective_at).where(current)
                       .order_by(_AGREEMENT.c.version.desc()).limit(1)
                       .scalar_subquery().label("f_effective_at"))
    if "agreement_form" in facts:
        columns.append(core_select(_AGREEMENT.c.form).where(current)
                       .order_by(_AGREEMENT.c.version.desc()).limit(1)
                       .scalar_subquery().label("f_agreement_form"))
    for fact, table in _COUNTED.items():
        if fact in facts:
            columns.append(core_select(func.count()).select_from(table)
                           .where(table.c.case_id == _CASES.c.id)
                           .scalar_subquery().label(f"f_{fact}"))
    if "last_performance" in facts:  # what the latest follow-up visit found
        visits = _COUNTED["visits"]
        columns.append(core_select(visits.c.performance).where(visits.c.case_id == _CASES.c.id)
                       .order_by(visits.c.visited_at.desc(), visits.c.id.desc()).limit(1)
                       .scalar_subquery().label("f_last_performance"))
    if "judicial_filed_on" in facts:
        columns.append(core_select(_JUDICIAL.c.filed_on)
                       .where(_JUDICIAL.c.case_id == _CASES.c.id,
                              _JUDICIAL.c.result == JudicialResult.pending.value)
                       .limit(1).scalar_subquery().label("f_judicial_filed_on"))
    if "judicial_decided" in facts:  # the latest decided filing: its result and its date
        for column in ("result", "decided_on"):
            columns.append(core_select(_JUDICIAL.c[column])
                           .where(_JUDICIAL.c.case_id == _CASES.c.id,
                                  _JUDICIAL.c.result != JudicialResult.pending.value)
                           .order_by(_JUDICIAL.c.decided_on.desc(), _JUDICIAL.c.id.desc())
                           .limit(1).scalar_subquery().label(f"f_judicial_{column}"))
    if "judicial_pending" in facts:
        columns.append(exists().where(_JUDICIAL.c.case_id == _CASES.c.id,
                                      _JUDICIAL.c.result == JudicialResult.pending.value)
                       .label("f_judicial_pending"))
    if mediator:
        columns.append(exists().where(_MEDIATOR.c.case_id == _CASES.c.id,
                                      _MEDIATOR.c.username == bindparam("username"))
                       .label("f_assigned"))
    key = _CASES.c.number if by_number else _CASES.c.id
    return Compiled(core_select(*columns).where(
        _CASES.c.committee_id == bindparam("committee_id"), key == bindparam("ref")))


def load(uow: UnitOfWork, actor: Reader, ref: str | int, trigger: str,
         more: frozenset[str] = frozenset()) -> tuple[Case, workflow.Subject, set[str]]:
    """:func:`find`, the facts ``trigger``'s guards read (every fact, one query each, is the
    tests' ``subject_of``; this reads only those) and the mediators the permission check needs
    (:func:`assigned_to`, but only whether the actor is one of them, and only when the actor is
    a mediator), in one query.

    The ``Case`` is in no session: :func:`write` writes its changes with one Core UPDATE.
    """
    key = case_key(uow, actor, ref)
    by_number = not isinstance(key, int)
    mediator = actor.role == Role.mediator
    needed = workflow.facts(trigger) | more  # more: the facts a refusal's offer reads
    stmt = _load_statement(by_number, needed, mediator)
    params: dict[str, Any] = {"committee_id": actor.committee_id, "ref": key,
                              **settings.calendar_params(actor.committee_id)}
    if mediator:
        params["username"] = actor.username
    facts = stmt.first(uow.conn, params)
    if facts is None:
        raise not_found(uow, actor, key, ref)
    case = from_row(Case, {k: facts[k] for k in _CASE_COLUMNS})
    settings.calendar_read(uow, case.committee_id, facts["cal_zone"], facts["cal_holidays"])
    effective = facts.get("f_effective_at")
    filed = facts.get("f_judicial_filed_on")
    subject = workflow.Subject(
        number=case.number,
        state=case.state,
        category=case.category,
        applicants=facts.get("f_applicants") or 0,
        respondents=facts.get("f_respondents") or 0,
        lead_mediator=case.lead_mediator,
        rights_notified=case.rights_notified_at is not None,
        has_agreement=bool(facts.get("f_has_agreement")),
        agreement_effective_on=local_date(effective) if effective else None,
        judicial_pending=bool(facts.get("f_judicial_pending")),
        deadline=case.deadline,
        persons_involved=case.persons_involved or 0,
        agreement_form=facts.get("f_agreement_form"),
        judicial_filed_on=date.fromisoformat(filed) if isinstance(filed, str) else filed,
        judicial_decided=facts.get("f_judicial_result"),
        judicial_decided_on=(date.fromisoformat(decided) if isinstance(
            decided := facts.get("f_judicial_decided_on"), str) else decided),
        sessions=facts.get("f_sessions") or 0,
        extensions=facts.get("f_extensions") or 0,
        visits=facts.get("f_visits") or 0,
        urges=facts.get("f_urges") or 0,
        fed_back=case.fed_back_at is not None,
        closed_on=local_date(case.closed_at) if case.closed_at else None,
        last_performance=facts.get("f_last_performance"),
        settings=(procedure_settings(uow, case.committee_id) if "settings" in needed
                  else workflow.Settings()),
    )
    assigned = {actor.username} if facts.get("f_assigned") else set()
    return case, subject, assigned


def procedure_settings(uow: UnitOfWork, committee_id: int) -> workflow.Settings:
    """The committee's values of the rules it may adjust (workflow.SETTINGS), in one query."""
    keys = {settings.procedure_key(st.name, committee_id): st.name for st in workflow.SETTINGS}
    stored = settings.get_many(uow.conn, keys)
    return workflow.Settings.from_stored({keys[k]: v for k, v in stored.items()})


class Moved(Exception):
    """A row an ``apply`` function relies on is gone: a concurrent step changed the case after
    it was read (PostgreSQL's READ COMMITTED shows its commit). Refused as a stale write."""


def still(value: _T | None) -> _T:
    """``value``, which the guards made sure of when the case was read; :class:`Moved` if a
    concurrent step has since taken it away."""
    if value is None:
        raise Moved
    return value


def refused_as_stale(uow: UnitOfWork, case: Case, expected_version: int | None) -> Conflict:
    """The refusal of a step whose case changed under it: retried by ``storage.transaction``
    when no version was expected, else exit 3 naming who changed it and when."""
    now_version = uow.conn.execute(_CURRENT_VERSION, {"case_id": case.id}).scalar()
    if now_version is not None:
        case.version = now_version
    return conflict(uow, case, retryable=expected_version is None)



def columns(case: Case) -> dict[str, Any]:
    """The case's stored columns as they are now: what :func:`write` compares against."""
    return {k: case.__dict__.get(k) for k in _CASE_COLUMNS}


def changed(uow: UnitOfWork, case: Case, read: dict[str, Any]) -> dict[str, Any]:
    """The columns of ``case`` that differ from ``read`` (:func:`columns` when it was loaded),
    its new version among them, noted for the step's event (casefile: the ORM's writes it sees
    itself): what :func:`write` writes. Before the write lock: if the compare-and-set then
    refuses the step, its transaction and what it noted are thrown away."""
    written = {k: v for k, v in columns(case).items() if v != read[k]}
    assert case.id is not None
    for k, v in written.items():
        casefile_changes.note_update(uow.conn, "cases", case.id, case.id, k, read[k], v)
    return written


@cache
def _write_statement(keys: frozenset[str]) -> Compiled:
    return Compiled(_WRITE_CASE, sorted(keys))


def write(uow: UnitOfWork, case: Case, written: dict[str, Any], old_version: int,
          expected_version: int | None) -> None:
    """Write ``written`` (:func:`changed`) to the case's row, if the stored version is still
    ``old_version``; otherwise the step is refused as stale (:func:`refused_as_stale`). One
    ``UPDATE`` compiled once per set of columns (on SQLite run on the driver: it is held under
    the write lock)."""
    # Compare-and-set on the version: a concurrent writer that got here first fails this.
    bumped = _write_statement(frozenset(written)).execute(
        uow.conn, {"w_id": case.id, "w_version": old_version, **written})
    if bumped.rowcount != 1:
        case.version = old_version
        raise refused_as_stale(uow, case, expected_version)
    uow.forget(Case, case.id)  # an ORM copy of this case in the session is now out of date

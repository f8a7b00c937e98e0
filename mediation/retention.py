"""Retention: each committee sets how long personal data is kept once its record's purpose is
over (PIPL art. 19: no longer than necessary).

``apply`` anonymises every finished case (closed, withdrawn, or declined and never closed)
whose period has run from its end (``personal.PERIOD_START["cases"]``: its closing, else its
withdrawal or its decline): parties' names (masked to ``张某``), ID numbers and their keyed hashes,
phones, addresses (cut to the district), dates of birth (kept as the year), guardians (names
masked, their ID numbers, keyed hashes and phones erased) and
organisations' representatives (names masked); full
names and numbers written inside every free-text field of the case (``mediation.core.personal``:
its file, and the grid worker's report it came from) are masked too. What the statistics need
stays: state, dates, category, source, amounts, roles, kinds, sex, ethnicity, agreements' form
and performance. Each case anonymised is one ``anonymise`` event; a case already anonymised is
skipped, so ``apply`` is idempotent.

Every other record holding personal data (``personal.RECORD_TEXT``: a grid worker's report never
taken as a case, a sweep's note) has that text erased once the period has run from the record's
own start (``personal.PERIOD_START``: a lead's dismissal, else its report; a sweep's recording):
no party is on record there whose name could be masked. What it counted stays (a lead's cell,
risk, status, reason and dates; a sweep's area, day and disputes found). The personal values a
record's events refer to, kept out of the log (``mediation.db.kept``: a party's name corrected,
a lead's place as reported), are deleted with it. Each record erased is
one ``anonymise`` event naming it; an erased record is not due again. The event log itself never
held raw personal data (see docs/access.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Column, func, or_
from sqlmodel import SQLModel, col, select

from mediation.access.policy import Actor, require
from mediation.cases import Case, Party
from mediation.core import identity, personal, redaction
from mediation.core.changes import Changes, record
from mediation.core.errors import InvalidInput, NotFound
from mediation.core.i18n import N_, msg
from mediation.core.vocab import FINISHED, State
from mediation.db import eventlog, kept, settings
from mediation.db.storage import UnitOfWork
from mediation.tables import Event, Lead

MAX_DAYS = 365 * 100
KEPT = "kept_value"  # the values kept out of the log (mediation.db.kept), named in the event
ACTION = "anonymise"
# The states in which a case's purpose is over (vocab.FINISHED: closed, declined, withdrawn);
# its period runs from the first of personal.PERIOD_START["cases"] that is set.
ENDED: tuple[State, ...] = FINISHED

# Every model of the database (mediation.cases and mediation.tables, both imported above), by
# its table's name.
MODELS: dict[str, type[Any]] = {
    m.class_.__table__.name: m.class_ for m in SQLModel._sa_registry.mappers}
# Every free-text column of a case and its rows: what retention redacts. Declared once, in
# mediation.core.personal (FREE_TEXT: the case file; RECORD_TEXT of a table with a case_id: the
# lead it came from).
TEXT_FIELDS: dict[type[Any], tuple[str, ...]] = {
    MODELS[table]: columns
    for table, columns in {**personal.FREE_TEXT, **personal.RECORD_TEXT}.items()
    if table in personal.FREE_TEXT or "case_id" in MODELS[table].__table__.c}
# The records retention erases on their own (RECORD_TEXT): each kind's model and free text.
RECORDS: dict[str, tuple[type[Any], tuple[str, ...]]] = {
    table: (MODELS[table], columns) for table, columns in personal.RECORD_TEXT.items()}
# What each kind is called in ``retention show|apply``.
RECORD_NAMES: dict[str, str] = {"lead": N_("grid leads never taken as a case"),
                                "sweep": N_("sweep notes")}


def party_values(p: Party) -> dict[str, Any]:
    """A party's personal data (``personal.PARTY_DATA``) as retention leaves it: removed, cut
    or masked; a guardian's relation (父亲) and a representative's title (总经理) kept, names
    masked (``王某``)."""
    return {
        "name": redaction.shown_name(p.name, p.kind, full=False),
        "id_number": None, "id_hash": None, "phone": None,
        "address": redaction.mask_address(p.address),
        "birth_date": date(p.birth_date.year, 1, 1) if p.birth_date else None,
        "guardian_name": identity.mask_name(p.guardian_name),
        "guardian_relation": p.guardian_relation, "guardian_phone": None,
        "guardian_id_number": None, "guardian_id_hash": None,
        "representative_name": identity.mask_name(p.representative_name),
        "representative_title": p.representative_title,
    }


def set_days(uow: UnitOfWork, actor: Actor, days: int) -> dict[str, Any]:
    require(actor, "committee.settings")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(msg("--days must be between 1 and {max}", max=MAX_DAYS))
    before = settings.retention_days(uow, actor.committee_id)
    changes: Changes = {}
    if record(changes, "retention_days", before, days):  # the same days: nothing written
        settings.put(uow, settings.retention_key(actor.committee_id), str(days))
        eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                        action="retention_set", committee_id=actor.committee_id,
                        changes=changes)
    return {"days": days, "before": before, "changed": sorted(changes)}


def show(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    require(actor, "committee.settings")
    days = settings.retention_days(uow, actor.committee_id)
    return {"days": days, "due": len(_due(uow, actor, days)) if days else 0,
            "records": {table: len(_records_due(uow, actor, table, days)) if days else 0
                        for table in RECORDS}}


def _due(uow: UnitOfWork, actor: Actor, days: int) -> list[Case]:
    cutoff = uow.now() - timedelta(days=days)
    done = select(Event.case_id).where(Event.action == ACTION,
                                       Event.committee_id == actor.committee_id)
    ended = _start("cases")
    return list(uow.session.exec(
        select(Case).where(Case.committee_id == actor.committee_id,
                           col(Case.state).in_(ENDED), ended.is_not(None), ended < cutoff,
                           col(Case.id).not_in(done))
        .order_by(col(Case.id))
    ).all())


def _text_left(column: Column[Any]) -> Any:
    return column.is_not(None) & (column != "")


def _start(table: str) -> Any:
    """When a record of ``table`` starts its period: the first of its PERIOD_START set."""
    t = MODELS[table].__table__
    starts = [t.c[c] for c in personal.PERIOD_START[table]]
    return func.coalesce(*starts) if len(starts) > 1 else starts[0]


def _records_due(uow: UnitOfWork, actor: Actor, table: str, days: int) -> list[Any]:
    """The committee's records of ``table`` (RECORD_TEXT) that are part of no case, whose
    period has run from their start (PERIOD_START) and that still hold some of their text."""
    model, columns = RECORDS[table]
    t = model.__table__
    stmt = select(model).where(t.c.committee_id == actor.committee_id,
                               _start(table) < uow.now() - timedelta(days=days),
                               or_(*(_text_left(t.c[c]) for c in columns)))
    if "case_id" in t.c:  # one that became part of a case is kept, and redacted, with it
        stmt = stmt.where(t.c.case_id.is_(None))
    return list(uow.session.exec(stmt.order_by(t.c.id)).all())


def apply(uow: UnitOfWork, actor: Actor, *, dry_run: bool = False) -> dict[str, Any]:
    require(actor, "retention.apply")
    days = settings.retention_days(uow, actor.committee_id)
    if days is None:
        raise NotFound(msg("no retention period is set; a director sets one with "
                           "`mediation retention set --days N`"))
    cases = _due(uow, actor, days)
    numbers = [c.number for c in cases]
    records = {table: _records_due(uow, actor, table, days) for table in RECORDS}
    erased = {table: [r.id for r in rows] for table, rows in records.items()}
    if dry_run:
        return {"days": days, "anonymised": numbers, "erased": erased, "dry_run": True}
    for case in cases:
        _anonymise(uow, actor, case, days)
    for table, rows in records.items():
        for row in rows:
            _erase(uow, actor, table, row, days)
    return {"days": days, "anonymised": numbers, "erased": erased, "dry_run": False}


def _erase(uow: UnitOfWork, actor: Actor, table: str, row: Any, days: int) -> None:
    """Erase a record's free text (RECORD_TEXT): a required column left empty, another null."""
    model, columns = RECORDS[table]
    fields = []
    for attr in columns:
        if getattr(row, attr) not in (None, ""):
            setattr(row, attr, None if model.__table__.c[attr].nullable else "")
            fields.append(attr)
    uow.session.add(row)
    uow.session.flush()
    if kept.erase(uow.conn, records=[f"{table}/{row.id}"]):  # its text its events refer to
        fields.append(KEPT)
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action=ACTION, committee_id=actor.committee_id,
                    reason=f"retention {days} days",
                    changes={table: [row.id, row.id], "fields": [None, fields]})


def _anonymise(uow: UnitOfWork, actor: Actor, case: Case, days: int) -> None:
    """Leave nothing a mask would have hidden: the parties' identifying data removed or cut,
    and every free-text field of the case redacted (numbers, persons' names in any spelling)."""
    s = uow.session
    assert case.id is not None
    parties = s.exec(select(Party).where(Party.case_id == case.id)).all()
    # read before the names below are masked; with the names corrected since (kept values),
    # which free text written before the correction may still hold
    names = redaction.persons(parties) + kept.names(uow.conn, case.id)

    def text(value: str | None) -> str | None:
        return redaction.redact(value, names)

    fields: set[str] = set()
    for p in parties:
        for attr, value in party_values(p).items():
            if getattr(p, attr) != value:
                setattr(p, attr, value)
                fields.add(f"party.{attr}")
        s.add(p)
    for attr in TEXT_FIELDS[Case]:
        old = getattr(case, attr)
        new = text(old)
        if old != new:
            setattr(case, attr, new)
            fields.add(attr)
    s.add(case)
    for row_type, attrs in TEXT_FIELDS.items():
        if row_type is Case:
            continue
        for row in s.exec(select(row_type).where(row_type.case_id == case.id)
                          .order_by(row_type.id)).all():
            for attr in attrs:
                old = getattr(row, attr)
                new = text(old)
                if old != new:
                    setattr(row, attr, new)
                    fields.add(f"{row_type.__name__.lower()}.{attr}")
            s.add(row)
    s.flush()
    # the personal values its events (and its lead's report) refer to, kept out of the log
    leads = [f"lead/{i}" for i in s.exec(select(Lead.id).where(Lead.case_id == case.id))]
    if kept.erase(uow.conn, case_id=case.id, records=leads):
        fields.add(KEPT)
    eventlog.append(s, at=uow.now(), actor=actor.username, role=actor.role, action=ACTION,
                    committee_id=case.committee_id, case_id=case.id,
                    reason=f"retention {days} days",
                    changes={"fields": [None, sorted(fields)],
                             "closed_at": [None, case.closed_at.strftime("%Y-%m-%dT%H:%M:%SZ")
                                           if case.closed_at else None]})

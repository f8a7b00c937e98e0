"""Retention: each committee sets how long closed cases keep the parties' personal data.

``apply`` anonymises every closed case whose closing date is older than the period: parties'
names (masked to ``张某``), ID numbers and their keyed hashes, phones, addresses (cut to the
district), dates of birth (kept as the year), guardians; full names and numbers written inside
every free-text field of the case (``mediation.core.personal``: its file, and the grid worker's
report it came from) are masked too. What the statistics need stays: state, dates, category,
source, amounts, roles, kinds, sex, ethnicity, agreements' form and performance. Each case
anonymised is one ``anonymise`` event; a case already anonymised is skipped, so ``apply`` is
idempotent. The event log itself never held raw personal data (see docs/access.md).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import col, select

from mediation.access.policy import Actor, require
from mediation.cases import Case, Party
from mediation.core import identity, personal, redaction
from mediation.core.errors import InvalidInput, NotFound
from mediation.core.i18n import msg
from mediation.core.vocab import State
from mediation.db import casefile_changes, eventlog, settings
from mediation.db.storage import UnitOfWork
from mediation.tables import Event, Lead

MAX_DAYS = 365 * 100
ACTION = "anonymise"

# The tables a case's rows are in, by name: the case file's, and the grid worker's report it
# came from (a lead).
_ROWS: tuple[type[Any], ...] = (*casefile_changes.MODELS, Lead)
_MODELS: dict[str, type[Any]] = {m.__table__.name: m for m in _ROWS}
# Every free-text column of a case and its rows: what retention redacts. Declared once, in
# mediation.core.personal (FREE_TEXT: the case file; LINKED_TEXT: the lead it came from).
TEXT_FIELDS: dict[type[Any], tuple[str, ...]] = {
    _MODELS[table]: columns
    for table, columns in {**personal.FREE_TEXT, **personal.LINKED_TEXT}.items()}


def party_values(p: Party) -> dict[str, Any]:
    """A party's personal data (``personal.PARTY_DATA``) as retention leaves it: removed, cut
    or masked; a guardian's relation (父亲) kept."""
    return {
        "name": redaction.shown_name(p.name, p.kind, full=False),
        "id_number": None, "id_hash": None, "phone": None,
        "address": redaction.mask_address(p.address),
        "birth_date": date(p.birth_date.year, 1, 1) if p.birth_date else None,
        "guardian_name": identity.mask_name(p.guardian_name),
        "guardian_relation": p.guardian_relation, "guardian_phone": None,
    }


def set_days(uow: UnitOfWork, actor: Actor, days: int) -> dict[str, Any]:
    require(actor, "committee.settings")
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput(msg("--days must be between 1 and {max}", max=MAX_DAYS))
    before = settings.retention_days(uow, actor.committee_id)
    settings.put(uow, settings.retention_key(actor.committee_id), str(days))
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action="retention_set", committee_id=actor.committee_id,
                    changes={"retention_days": [before, days]})
    return {"days": days, "before": before}


def show(uow: UnitOfWork, actor: Actor) -> dict[str, Any]:
    require(actor, "committee.settings")
    days = settings.retention_days(uow, actor.committee_id)
    return {"days": days, "due": len(_due(uow, actor, days)) if days else 0}


def _due(uow: UnitOfWork, actor: Actor, days: int) -> list[Case]:
    cutoff = uow.now() - timedelta(days=days)
    done = select(Event.case_id).where(Event.action == ACTION,
                                       Event.committee_id == actor.committee_id)
    return list(uow.session.exec(
        select(Case).where(Case.committee_id == actor.committee_id, Case.state == State.closed,
                           col(Case.closed_at).is_not(None), col(Case.closed_at) < cutoff,
                           col(Case.id).not_in(done))
        .order_by(col(Case.id))
    ).all())


def apply(uow: UnitOfWork, actor: Actor, *, dry_run: bool = False) -> dict[str, Any]:
    require(actor, "retention.apply")
    days = settings.retention_days(uow, actor.committee_id)
    if days is None:
        raise NotFound(msg("no retention period is set; a director sets one with "
                           "`mediation retention set --days N`"))
    cases = _due(uow, actor, days)
    numbers = [c.number for c in cases]
    if dry_run:
        return {"days": days, "anonymised": numbers, "dry_run": True}
    for case in cases:
        _anonymise(uow, actor, case, days)
    return {"days": days, "anonymised": numbers, "dry_run": False}


def _anonymise(uow: UnitOfWork, actor: Actor, case: Case, days: int) -> None:
    """Leave nothing a mask would have hidden: the parties' identifying data removed or cut,
    and every free-text field of the case redacted (numbers, persons' names in any spelling)."""
    s = uow.session
    assert case.id is not None
    parties = s.exec(select(Party).where(Party.case_id == case.id)).all()
    names = redaction.persons(parties)  # read before the names below are masked

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
    eventlog.append(s, at=uow.now(), actor=actor.username, role=actor.role, action=ACTION,
                    committee_id=case.committee_id, case_id=case.id,
                    reason=f"retention {days} days",
                    changes={"fields": [None, sorted(fields)],
                             "closed_at": [None, case.closed_at.strftime("%Y-%m-%dT%H:%M:%SZ")
                                           if case.closed_at else None]})

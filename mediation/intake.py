"""Intake (登记): validate the record, catch probable duplicates, number the case, store it.

One dispute is one case (一案一卷). A probable duplicate (a party with the same ID number in a case
still open or registered within the window, or the same applicant and respondent names with the
same category within the window) is refused unless the caller forces it; a forced intake records
which case it resembled.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, or_, update
from sqlmodel import col, select

from mediation import calendars
from mediation.access.policy import Actor, require
from mediation.cases import Case, CaseCounter, CaseIn, Party, PartyIn, _FieldError
from mediation.committee import committee_of, hash_key
from mediation.core import categories, identity, normalise
from mediation.core.calendar import Calendar
from mediation.core.errors import DuplicateSuspected, InvalidInput
from mediation.core.i18n import Msg, join, msg, name
from mediation.core.money import yuan_to_fen
from mediation.core.vocab import PartyRole, State
from mediation.db import eventlog
from mediation.db.storage import UnitOfWork
from mediation.workflow import DUPLICATE_WINDOW_DAYS

_FINISHED = (State.closed, State.declined)


def parse_case(data: object, *, origin: str = "case.json",
               calendar: Calendar | None = None) -> CaseIn:
    """Validate an intake record; InvalidInput names the first bad field and what is allowed.
    Dates and times are read on ``calendar`` (the committee's; default Asia/Shanghai)."""
    if not isinstance(data, dict):
        raise InvalidInput(msg("{origin}: expected a JSON object with the case fields",
                               origin=origin))
    try:
        return CaseIn.model_validate(data, context=validation_context(calendar))
    except ValidationError as exc:
        raise InvalidInput(_explain(exc, origin)) from None


def validation_context(calendar: Calendar | None) -> dict[str, Any] | None:
    """The pydantic validation context that makes CaseIn read dates on ``calendar``."""
    return None if calendar is None else {"calendar": calendar}


def load_case_file(text: str, *, origin: str, calendar: Calendar | None = None) -> CaseIn:
    try:
        data = json.loads(text, strict=False)  # raw control characters: the normaliser's
    except json.JSONDecodeError as exc:
        raise InvalidInput(msg("{origin}: not valid JSON (line {line}, column {column}: {error})",
                               origin=origin, line=exc.lineno, column=exc.colno,
                               error=exc.msg)) from None
    except RecursionError:
        raise InvalidInput(too_deep(origin)) from None
    return parse_case(data, origin=origin, calendar=calendar)


def too_deep(origin: str) -> Msg:
    """JSON nested deeper than Python's parser goes (a case record is 4 levels deep)."""
    return msg("{origin}: the JSON is nested too deeply (a case record is at most 4 levels "
               "deep)", origin=origin)


def warnings(record: CaseIn) -> list[Msg]:
    """What is doubtful but not refused in a valid record: a party's stated sex that the sex
    digit of their resident ID number contradicts (the clerk may have typed either wrong)."""
    found = []
    for i, p in enumerate(record.parties):
        if p.sex is not None and p.id_number and p.id_type == "resident_id":
            in_id = identity.sex_of_resident_id(p.id_number)
            if in_id != p.sex.value:
                found.append(msg("parties[{index}].sex: {sex} but the ID number's sex digit "
                                 "says {in_id}; check both", index=i, sex=name("sex", p.sex),
                                 in_id=name("sex", in_id)))
    return found


def _explain(exc: ValidationError, origin: str) -> Msg:
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"]]
    ctx = err.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, _FieldError):
        loc.append(cause.field)
    where = ".".join(
        f"[{p}]" if p.isdigit() else p for p in loc
    ).replace(".[", "[") or "(record)"
    value = err.get("input")
    kind = err["type"]
    why: Msg
    if isinstance(cause, normalise.Unreadable):
        why = cause.message
    elif isinstance(cause, ValueError):
        why = msg(str(cause))
    elif kind == "missing":
        why = msg("required")
    elif kind == "extra_forbidden":
        why = msg("unknown field")
    elif kind in ("enum", "literal_error"):
        expected = re.split(r", | or ", str(ctx.get("expected", "")).replace("'", ""))
        why = msg("{value!r} is not allowed; allowed: {allowed}", value=value,
                  allowed=join([e for e in expected if e]))
    elif kind in ("string_too_short", "too_short"):
        why = msg("must not be empty")
    elif kind.startswith(("date", "datetime")):
        why = msg("{value!r} is not a date (YYYY-MM-DD)", value=value)
    elif kind in ("greater_than_equal", "greater_than"):
        why = msg("{value!r} is too small", value=value)
    else:
        why = msg("{value!r} is not valid here", value=value)
    if where == "category":
        allowed = join(categories.codes())
        return msg("{origin}: {field}: {why}; allowed: {allowed}", origin=origin, field=where,
                   why=why, allowed=allowed)
    return msg("{origin}: {field}: {why}", origin=origin, field=where, why=why)


def find_duplicates(uow: UnitOfWork, actor: Actor, record: CaseIn) -> list[dict[str, Any]]:
    s = uow.session
    key = hash_key(uow)
    since = uow.now() - timedelta(days=DUPLICATE_WINDOW_DAYS)
    hashes = [identity.keyed_hash(key, p.id_number) for p in record.parties if p.id_number]
    found: dict[int, str] = {}
    if hashes:
        rows = s.exec(
            select(Case.id)
            .join(Party, col(Party.case_id) == Case.id)
            .where(Case.committee_id == actor.committee_id, col(Party.id_hash).in_(hashes))
            .where(or_(col(Case.registered_at) >= since, col(Case.state).not_in(_FINISHED)))
        ).all()
        for cid in rows:
            if cid is not None:
                found[cid] = "same_id_number"
    applicants = {p.name for p in record.parties if p.role == PartyRole.applicant}
    respondents = {p.name for p in record.parties if p.role == PartyRole.respondent}
    names = applicants | respondents
    candidates = s.exec(
        select(Case.id, Party.name, Party.role)
        .join(Party, col(Party.case_id) == Case.id)
        .where(Case.committee_id == actor.committee_id, Case.category == record.category,
               Case.registered_at >= since, col(Party.name).in_(names))
    ).all()
    by_case: dict[int, dict[str, set[str]]] = {}
    for cid, pname, prole in candidates:
        if cid is None:
            continue
        by_case.setdefault(cid, {}).setdefault(prole, set()).add(pname)
    for cid, roles in by_case.items():
        seen = roles.get(PartyRole.applicant, set()) | roles.get(PartyRole.respondent, set())
        if (seen & applicants) and (seen & respondents) and cid not in found:
            found[cid] = "same_names_and_category"
    if not found:
        return []
    from mediation.queries import summaries

    return [{**r.model_dump(), "match": found[r.id]} for r in summaries(uow, list(found))]


def _next_number(uow: UnitOfWork, committee_id: int, year: int) -> int:
    """The next gapless sequence number of a committee's year, from its counter row.

    The row is created on first use with INSERT .. ON CONFLICT DO NOTHING, so two terminals
    registering a committee's first case of the year at once both get a number (on PostgreSQL
    the second waits for the first; SQLite's BEGIN IMMEDIATE serialises them anyway).
    """
    s = uow.session
    bump = (
        update(CaseCounter)
        .where(col(CaseCounter.committee_id) == committee_id, col(CaseCounter.year) == year)
        .values(last=CaseCounter.last + 1)
        .returning(col(CaseCounter.last))
    )
    res = s.execute(bump).first()
    if res is None:
        from sqlalchemy.dialects import postgresql, sqlite

        pg = s.get_bind().dialect.name == "postgresql"
        insert = postgresql.insert if pg else sqlite.insert
        s.execute(insert(CaseCounter).values(committee_id=committee_id, year=year, last=0)
                  .on_conflict_do_nothing())
        res = s.execute(bump).first()
    assert res is not None
    return int(res[0])


def case_fields(record: CaseIn, *, committee_id: int, year: int, seq: int, number: str,
                now: datetime, registrar: str) -> dict[str, Any]:
    """The columns of a new case row in intake (shared by new_case and the bulk import)."""
    return {
        "committee_id": committee_id, "year": year, "seq": seq, "number": number,
        "state": State.intake.value, "version": 1, "category": record.category,
        "source": record.source.value, "referral_ref": record.referral_ref,
        "summary": record.summary, "requests": record.requests,
        "risk_level": record.risk_level.value,
        "persons_involved": record.persons_involved or len(record.parties),
        "amount_fen": None if record.amount is None else yuan_to_fen(record.amount),
        "discovered_at": record.discovered_at, "registered_at": now, "registrar": registrar,
    }


PARTY_COLUMNS = ("position", "role", "kind", "name", "sex", "ethnicity", "birth_date", "id_type",
                 "id_number", "id_hash", "phone", "address", "guardian_name",
                 "guardian_relation", "guardian_phone")


def party_values(p: PartyIn, position: int, *, key: bytes) -> tuple[Any, ...]:
    """The columns of one party row but its case, in ``PARTY_COLUMNS`` order (the ID number's
    keyed hash included); the bulk import writes these tuples as they are."""
    g = p.guardian
    return (
        position, p.role.value, p.kind.value, p.name, p.sex.value if p.sex else None,
        p.ethnicity, p.birth_date, p.id_type.value if p.id_type else None, p.id_number,
        identity.keyed_hash(key, p.id_number) if p.id_number else None, p.phone, p.address,
        g.name if g else None, g.relation if g else None, g.phone if g else None,
    )


def party_fields(record: CaseIn, position: int, p: PartyIn, *, case_id: int | None,
                 key: bytes) -> dict[str, Any]:
    """The columns of one party row (the ID number's keyed hash included)."""
    return {"case_id": case_id, **dict(zip(PARTY_COLUMNS, party_values(p, position, key=key),
                                           strict=True))}


def new_event_changes(record: CaseIn, number: str) -> dict[str, Any]:
    """The 'new' event's changes: only the fields given; personal data masked or scrubbed."""
    return {k: [None, v] for k, v in {
        "number": number, "category": record.category, "source": record.source,
        "referral_ref": record.referral_ref,
        "summary": identity.scrub(record.summary),
        "requests": identity.scrub(record.requests),
        "amount": None if record.amount is None else str(record.amount),
        "parties": [
            {"role": p.role, "kind": p.kind,
             "name": identity.mask_name(p.name) if p.kind == "person" else p.name,
             "id_number": identity.mask_id(p.id_number), "phone": identity.mask_phone(p.phone)}
            for p in record.parties
        ],
    }.items() if v is not None}


def new_case(
    uow: UnitOfWork, actor: Actor, record: CaseIn, *, force: bool = False
) -> dict[str, Any]:
    """Register a case in intake. Returns its summary (id, number, state, ...)."""
    require(actor, "case.create")
    s = uow.session
    duplicates = find_duplicates(uow, actor, record)
    if duplicates and not force:
        raise DuplicateSuspected(duplicates, {
            "category": record.category,
            "applicants": [p.name for p in record.parties if p.role == PartyRole.applicant],
            "respondents": [p.name for p in record.parties if p.role == PartyRole.respondent],
        })
    committee = committee_of(uow, actor)
    now = uow.now()
    year = calendars.of(uow, actor.committee_id).local_date(now).year
    seq = _next_number(uow, committee.id or 0, year)
    number = f"({year}){committee.prefix}人调字第{seq}号"
    case = Case(**case_fields(record, committee_id=actor.committee_id, year=year, seq=seq,
                              number=number, now=now, registrar=actor.username),
                duplicate_of=join([str(d["number"]) for d in duplicates]) if duplicates else None)
    s.add(case)
    s.flush()
    assert case.id is not None
    key = hash_key(uow)
    for i, p in enumerate(record.parties):
        s.add(Party(**party_fields(record, i, p, case_id=case.id, key=key)))
    eventlog.append(
        s, at=now, actor=actor.username, role=actor.role, action="new",
        committee_id=actor.committee_id, case_id=case.id, from_state=None,
        to_state=State.intake, version=1,
        reason=f"forced: probable duplicate of {case.duplicate_of}" if duplicates else None,
        changes=new_event_changes(record, number),
    )
    return {"id": case.id, "number": number, "state": case.state, "category": case.category,
            "source": case.source, "version": case.version,
            "registered_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duplicate_of": case.duplicate_of}


def case_count(uow: UnitOfWork, committee_id: int) -> int:
    return int(uow.session.exec(
        select(func.count()).select_from(Case).where(Case.committee_id == committee_id)
    ).one())

"""Intake (登记): validate the record, catch probable duplicates, number the case, store it.

One dispute is one case (一案一卷). A probable duplicate (a party with the same ID number in a case
still open or registered within the window, or the same applicant and respondent names with the
same category within the window) is refused unless the caller forces it; a forced intake records
which case it resembled.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import update
from sqlmodel import col, select

from mediation import calendars, duplicates
from mediation.access.policy import Actor, require
from mediation.cases import Case, CaseIn, GuardianIn, Party, PartyIn, RepresentativeIn
from mediation.committee import committee_of
from mediation.core import (
    categories,
    choices,
    identity,
    jsontext,
    moments,
    normalise,
    recordkeys,
    redaction,
)
from mediation.core.calendar import Calendar
from mediation.core.errors import DuplicateSuspected, InvalidInput, Problems
from mediation.core.fields import FieldError
from mediation.core.i18n import Msg, get_language, join, msg, name
from mediation.core.money import yuan_to_fen
from mediation.core.vocab import PartyRole, State
from mediation.db import eventlog, settings
from mediation.db.storage import UnitOfWork
from mediation.parties import missing_representatives, representative_shown
from mediation.step_machinery import checked_occurrence
from mediation.tables import CaseCounter


def parse_case(data: object, *, origin: str = "case.json",
               calendar: Calendar | None = None) -> CaseIn:
    """Validate an intake record; refused with every problem found at once (:class:`Problems`:
    each names the field, what is wrong and what is allowed; one alone is an InvalidInput).
    Dates and times are read on ``calendar`` (the committee's; default Asia/Shanghai)."""
    if not isinstance(data, dict):
        raise InvalidInput(msg("{origin}: expected a JSON object with the case fields",
                               origin=origin))
    data = record_keys(data, origin)
    try:
        return CaseIn.model_validate(data, context=validation_context(calendar))
    except ValidationError as exc:
        problems = problems_of(exc, origin)
        if len(problems) == 1:
            raise InvalidInput(problems[0]) from None
        raise Problems(msg("{origin}: {count} problems; nothing was written", origin=origin,
                           count=len(problems)), problems) from None


def validation_context(calendar: Calendar | None) -> dict[str, Any] | None:
    """The pydantic validation context that makes CaseIn read dates on ``calendar``."""
    return None if calendar is None else {"calendar": calendar}


def load_case_file(text: str, *, origin: str, calendar: Calendar | None = None) -> CaseIn:
    try:
        data = jsontext.loads(text, origin)  # raw control characters: the normaliser's
    except RecursionError:
        raise InvalidInput(too_deep(origin)) from None
    return parse_case(data, origin=origin, calendar=calendar)


def too_deep(origin: str) -> Msg:
    """JSON nested deeper than Python's parser goes (a case record is 4 levels deep)."""
    return msg("{origin}: the JSON is nested too deeply (a case record is at most 4 levels "
               "deep)", origin=origin)


# The fields of an intake record (its keys and its parties', guardians' and representatives'
# keys): each has a name in both languages (field.*); any other key is one the record should
# not have.
RECORD_FIELDS = frozenset(CaseIn.model_fields) | frozenset(PartyIn.model_fields) | frozenset(
    GuardianIn.model_fields) | frozenset(RepresentativeIn.model_fields)


def field_where(loc: Sequence[str | int]) -> str:
    """THE way a place in a case record is named to a clerk: in words of the user's language,
    a party by its number, never the internal path (``parties[0].sex``): ``第1位当事人的性别``
    under zh, ``party 1's sex`` under en; a guardian's phone ``第1位当事人的监护人的电话``. A key
    the record should not have is quoted as typed (``第2位当事人的“colour”``)."""
    parts = [str(p) for p in loc]
    where = ""
    i = 0
    while i < len(parts):
        p, after = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        if p == "parties" and after.isdigit():
            label, i = msg("party {n}", n=int(after) + 1).render(), i + 2
        else:
            label = name("field", p) if p in RECORD_FIELDS else msg(
                "“{key}”", key=recordkeys.shown(p)).render()
            i += 1
        where = label if not where else msg("{owner}'s {field}", owner=where,
                                            field=label).render()
    return where or msg("the record").render()


def keys_at(loc: Sequence[str]) -> list[str]:
    """The keys a record may have at ``loc`` (the place of the object holding a key, as in a
    validation error: ``[]`` the case, ``["parties", "0"]`` a party, ``["parties", "0",
    "guardian"]`` its guardian), in the schema's order, as codes."""
    return list(recordkeys.nested(CaseIn, list(loc)).model_fields)


def allowed_keys(loc: Sequence[str]) -> str:
    """What an unknown key's refusal lists as the keys allowed at ``loc``: the codes; under zh
    the Chinese names (which may be written for them, mediation/core/recordkeys.py) and where
    the codes are (docs/case-json.md). Names with their codes would fit no place's refusal in
    80 columns (a representative's: 94), so the codes are in the docs, not in the line."""
    codes = keys_at(loc)
    if get_language() != "zh":
        return join(codes)
    return msg("{names} (or their codes: docs/case-json.md)",
               names=join([recordkeys.label(c) for c in codes])).render()


def record_keys(data: Any, origin: str, loc: Sequence[str] = ()) -> Any:
    """``data``, the record at ``loc`` of a case record (``[]`` the case, ``["parties", "0"]``
    its first party), with each field keyed by its code (a clerk may key it by its Chinese name:
    recordkeys.canonical); a field keyed twice is refused in one line."""
    try:
        return recordkeys.canonical(recordkeys.nested(CaseIn, list(loc)), data, list(loc))
    except recordkeys.SameField as exc:
        first, second = exc.keys
        raise InvalidInput(msg(
            "{origin}: {place}: “{first}” and “{second}” are the same field ({field}): give it "
            "once", origin=origin, place=field_where(exc.loc), first=recordkeys.shown(first),
            second=recordkeys.shown(second),
            field=name("field", exc.code))) from None


def problems_of(exc: ValidationError, origin: str) -> list[Msg]:
    """Each problem of a refused record: where (:func:`field_where`), what is wrong, what is
    allowed; in the order of the record."""
    return [_problem(err, origin) for err in exc.errors(include_url=False)]


def _problem(err: Any, origin: str) -> Msg:
    loc = [str(p) for p in err["loc"]]
    ctx = err.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, FieldError) and (not loc or loc[-1] != cause.field):
        loc.append(cause.field)
    where = field_where(loc)
    value = err.get("input")
    kind = err["type"]
    why: Msg
    if isinstance(cause, (normalise.Unreadable, moments.Unreadable, choices.ChoiceError,
                          FieldError)):
        why = cause.message
    elif isinstance(cause, ValueError):
        why = msg(str(cause))
    elif kind == "missing":
        why = msg("required")
    elif kind == "extra_forbidden":
        why = msg("unknown field; the keys allowed here: {allowed}",
                  allowed=allowed_keys(loc[:-1]))
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
    if loc == ["category"] and not isinstance(cause, choices.ChoiceError):
        allowed = join(categories.codes())
        return msg("{origin}: {field}: {why}; allowed: {allowed}", origin=origin, field=where,
                   why=why, allowed=allowed)
    return msg("{origin}: {field}: {why}", origin=origin, field=where, why=why)


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
                 "guardian_relation", "guardian_phone", "representative_name",
                 "representative_title", "guardian_id_number", "guardian_id_hash")


def party_values(p: PartyIn, position: int, *, key: bytes) -> tuple[Any, ...]:
    """The columns of one party row but its case, in ``PARTY_COLUMNS`` order (the ID numbers'
    keyed hashes included: the party's, its guardian's); the bulk import writes these tuples as
    they are."""
    g, r = p.guardian, p.representative
    gid = g.id_number if g else None
    return (
        position, p.role.value, p.kind.value, p.name, p.sex.value if p.sex else None,
        p.ethnicity, p.birth_date, p.id_type.value if p.id_type else None, p.id_number,
        identity.keyed_hash(key, p.id_number) if p.id_number else None, p.phone, p.address,
        g.name if g else None, g.relation if g else None, g.phone if g else None,
        r.name if r else None, r.title if r else None,
        gid, identity.keyed_hash(key, gid) if gid else None,
    )


def party_fields(record: CaseIn, position: int, p: PartyIn, *, case_id: int | None,
                 key: bytes) -> dict[str, Any]:
    """The columns of one party row (the ID number's keyed hash included)."""
    return {"case_id": case_id, **dict(zip(PARTY_COLUMNS, party_values(p, position, key=key),
                                           strict=True))}


def record_persons(record: CaseIn) -> list[str]:
    """The persons' names of an intake record (redaction.persons: persons, guardians and
    representatives)."""
    return [n for p in record.parties
            for n in (p.name if redaction.is_person(p.kind) else None,
                      p.guardian.name if p.guardian else None,
                      p.representative.name if p.representative else None) if n]


def new_event_changes(record: CaseIn, number: str) -> dict[str, Any]:
    """The 'new' event's changes: only the fields given; personal data masked (a party's
    guardian as ``case show`` masks it, redaction.guardian_shown), and the free
    text (and the names shown) redacted: numbers and the persons' names, as eventlog.append
    would (the bulk import writes these as they are, so they are redacted here)."""
    names = redaction.Names(record_persons(record))

    def t(text: str | None) -> str | None:
        return redaction.redact(text, names)

    return {k: [None, v] for k, v in {
        "number": number, "category": record.category, "source": record.source,
        "referral_ref": t(record.referral_ref),
        "summary": t(record.summary),
        "requests": t(record.requests),
        "amount": None if record.amount is None else str(record.amount),
        "parties": [
            {"role": p.role, "kind": p.kind,
             "name": t(redaction.shown_name(p.name, p.kind, full=False)),
             "id_number": identity.mask_id(p.id_number), "phone": identity.mask_phone(p.phone),
             # the guardian (since issue 14), masked as case show masks it; absent without one
             **({"guardian": redaction.guardian_shown(
                 p.guardian.name, p.guardian.relation, p.guardian.phone, reveal=False,
                 names=False, id_number=p.guardian.id_number)} if p.guardian else {}),
             # an organisation's representative (mediation.parties), masked likewise
             **({"representative": representative_shown(
                 p.representative.name, p.representative.title, names=False)}
                if p.representative else {})}
            for p in record.parties
        ],
    }.items() if v is not None}


def new_case(
    uow: UnitOfWork, actor: Actor, record: CaseIn, *, force: bool = False,
    at: date | None = None, found_at: datetime | None = None,
) -> dict[str, Any]:
    """Register a case in intake. Returns its summary (id, number, state, ...).

    ``at`` (``--at``, 补录): when it was registered, if not now (checked as a step's is:
    ``step_machinery.checked_occurrence``: not in the future, within the committee's late-entry
    days), and never before the dispute was discovered (the record's ``discovered_at``, or
    ``found_at``: when the grid lead it is taken from was found, ``lead accept --at``, whichever is
    later); a date alone on that day is that time. The case's registration time and the year of
    its number are then that time's, and the event records both times.

    The probable-duplicate check (mediation/duplicates.py) runs only after everything the record
    could be refused for was built, so an invalid record fails alike whether or not it matches.
    A match is recorded (``duplicate_hit``) even when the intake is refused: this function then
    commits the unit of work itself before raising :class:`DuplicateSuspected`, which shows the
    matched cases only as far as ``actor`` may read them.
    """
    require(actor, "case.create")
    s = uow.session
    key = settings.hash_key(uow)
    recorded = uow.now()
    discovered = max((d for d in (record.discovered_at, found_at) if d is not None), default=None)
    now = recorded if at is None else checked_occurrence(uow, actor.committee_id, at, recorded,
                                                         None, earliest=discovered)
    cal = calendars.of(uow, actor.committee_id)
    if at is not None and discovered is not None and discovered > now:
        raise InvalidInput(msg(  # in the committee's wall time, as the clerk typed it
            "--at: the case cannot be registered before the dispute was discovered "
            "({discovered})", discovered=cal.local(discovered).strftime("%Y-%m-%d %H:%M")))
    year = cal.local_date(now).year
    fields = case_fields(record, committee_id=actor.committee_id, year=year, seq=0, number="",
                         now=now, registrar=actor.username)
    party_rows = [party_fields(record, i, p, case_id=None, key=key)
                  for i, p in enumerate(record.parties)]
    new_event_changes(record, "")  # what the event would hold is built before the check too
    probe = duplicates.probe_of(record, key)
    found = duplicates.find(uow, actor.committee_id, [probe])[0]
    duplicates.record_hits(uow, actor, found, via="intake", forced=force)
    if found and not force:
        seen = duplicates.as_seen_by(uow, actor, found)
        uow.commit()  # the hit stays on the record although the intake is refused
        raise DuplicateSuspected(seen.matches, {
            "category": record.category,
            "applicants": [p.name for p in record.parties if p.role == PartyRole.applicant],
            "respondents": [p.name for p in record.parties if p.role == PartyRole.respondent],
        }, hidden=seen.hidden)
    committee = committee_of(uow, actor)
    seq = _next_number(uow, committee.id or 0, year)
    number = normalise.case_number(year, committee.prefix, seq)
    duplicate_of = None
    if found:
        duplicate_of = "、".join(str(n) for n in s.exec(
            select(Case.number).where(col(Case.id).in_(sorted(found)))
            .order_by(col(Case.id))).all())
    case = Case(**{**fields, "seq": seq, "number": number}, duplicate_of=duplicate_of)
    s.add(case)
    s.flush()
    assert case.id is not None
    for row in party_rows:
        s.add(Party(**{**row, "case_id": case.id}))
    eventlog.append(
        s, at=recorded, occurred_at=now, actor=actor.username, role=actor.role, action="new",
        committee_id=actor.committee_id, case_id=case.id, from_state=None,
        to_state=State.intake, version=1,
        reason="forced: probable duplicate" if found else None,
        changes=new_event_changes(record, number),
    )
    shown, hidden = duplicates.duplicate_of_as_seen_by(uow, actor, actor.committee_id,
                                                       duplicate_of)
    # The same party in an open case of another committee of the database (issue 17): told,
    # never refused; the director decides (duplicates.elsewhere).
    told = duplicates.told_elsewhere(uow, actor, [case.id], [probe])[0]
    return {"id": case.id, "number": number, "state": case.state, "category": case.category,
            "source": case.source, "version": case.version,
            "registered_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duplicate_of": join(shown + ([duplicates.HIDDEN.render()] if hidden else []))
            if found else None,
            "elsewhere": told,
            # an organisation whose representative is not known yet: registered, and said
            "notes": missing_representatives(record.parties, case.id)}

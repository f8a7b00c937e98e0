"""Corrections of the record (issue 15): ``case amend`` and ``case withdraw``.

``amend`` changes a registered case's fields (category, summary, requests, amount, risk, persons
involved, source and referral), its prevention records (kind, persons) and its parties, with a
required reason: a party added or removed, or its role changed, before acceptance; an existing
party's particulars (name, phone, address, ID number, sex, ethnic group, guardian, an organisation's
representative) until the case is closed and filed; and the agreement in force as recorded (its
履行期限, amount and terms) while the case is agreed or confirmed (a clerk's trial, issue 14). That
is a correction of the record to what the parties agreed (the signed 调解协议书, or the oral
agreement as the mediator recorded it: Law arts. 27-29); a change the parties agree to later is not
a correction but a new agreement (Law art. 31: it binds as agreed): case remediate, then case agree
(a new version). The persons counted in a prevention record never exceed the persons involved in the
case. It is a step of the transition table (``workflow.AMENDABLE`` says which field may change in
which state: ``parties`` for who the parties are, ``party_details`` for their particulars), so it is
versioned and recorded like every step: one event with each field's value before and after (masked
as every event is: eventlog.append). A person's name corrected is kept out of the event, before and
after (``mediation.db.kept``: the event's case-file record holds their keyed hashes), so that ``case
history`` shows a reader who may see names what changed and retention can delete them. The whole
record, as corrected, is validated by the same schema as an intake (``intake.parse_case``), so a
correction never stores what registration refuses.

A correction happens when it is recorded: it takes no ``--at`` (``workflow.CORRECTIONS``). When
it changes a case counted in a period already reported, the nightly export lists it
(``reporting/export``: corrections.csv).

``withdraw``: the applicant withdraws the application before the committee accepts it
(``withdrawn``, a finished state; distinct from a decline, which is the committee's decision).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlmodel import col, select

from mediation import calendars, intake, workflow
from mediation.access.policy import Actor
from mediation.cases import Case, Party, Prevention
from mediation.core import choices, identity, money, normalise, redaction
from mediation.core.clock import iso
from mediation.core.commands import Amend, StepDone, Withdraw
from mediation.core.errors import InvalidInput, Unchanged, UsageError
from mediation.core.fields import corrected_party
from mediation.core.i18n import N_, msg
from mediation.core.money import fen_to_yuan, yuan_to_fen
from mediation.db import casestore, kept, settings
from mediation.db.storage import UnitOfWork
from mediation.parties import representative_shown
from mediation.step_machinery import Changes, first_step, set_field, step, text_inputs

# The case fields ``amend`` may change: its keyword (and the CLI option) → the intake record's
# key → the case column.
FIELDS: dict[str, tuple[str, str]] = {
    "category": ("category", "category"),
    "summary": ("summary", "summary"),
    "requests": ("requests", "requests"),
    "amount": ("amount", "amount_fen"),
    "risk": ("risk_level", "risk_level"),
    "persons": ("persons_involved", "persons_involved"),
    "source": ("source", "source"),
    "referral": ("referral_ref", "referral_ref"),
}
# The optional ones a correction may remove (the amend keyword, agreement's prefixed
# ``agreement_``): given None. The CLI takes an empty value, 无 or none for it (:func:`removes`).
# Not risk and persons (always hold a value: low, the number of parties), nor the required ones.
CLEARABLE = frozenset({"amount", "referral", "agreement_due", "agreement_amount"})
_NONE_WORDS = frozenset({"", "无", "none"})


def removes(value: str | None) -> bool:
    """Whether ``value``, typed for a field in :data:`CLEARABLE`, asks to remove it: an empty
    value, 无 or none (any case, spaces around ignored)."""
    return value is not None and normalise.text(value).strip().lower() in _NONE_WORDS


def _not_removable(given: Mapping[str, Any], prefix: str = "") -> None:
    """A UsageError (exit 2) for a field given None that :data:`CLEARABLE` does not hold."""
    kept_ = sorted(k for k, v in given.items() if v is None and prefix + k not in CLEARABLE)
    if kept_:
        raise UsageError(msg("{option} cannot be removed, only corrected",
                             option="--" + (prefix + kept_[0]).replace("_", "-")))


# Display names of the fields these steps record (history, audit).
EVENT_NAMES = (N_("field.withdrawn_at"), N_("field.persons_involved"),
               N_("guard.amendable"), N_("guard.persons_within_involved"),
               N_("date.withdrawn"), N_("field.party_details"), N_("field.agreement_due"),
               N_("field.agreement_amount"), N_("field.agreement_terms"), N_("field.registered_at"))


@text_inputs(multiline=("reason",))
def withdraw(uow: UnitOfWork, actor: Actor, ref: str | int, *, reason: str,
             expected_version: int | None = None, at: date | None = None) -> StepDone:
    """The applicant withdraws before acceptance (撤回申请)."""

    def apply(case: Case) -> Changes:
        ch: Changes = {}
        set_field(case, ch, "withdrawn_at", uow.now())
        return ch

    return step(uow, actor, ref, Withdraw(reason=reason), apply,
                expected_version=expected_version, at=at, reason=reason)


@text_inputs(multiline=("reason",))
def amend(uow: UnitOfWork, actor: Actor, ref: str | int, *, reason: str,
          fields: Mapping[str, Any] | None = None,
          add_parties: Sequence[Mapping[str, Any]] = (),
          edit_parties: Mapping[int, Mapping[str, Any]] | None = None,
          remove_parties: Sequence[int] = (),
          preventions: Mapping[int, Mapping[str, Any]] | None = None,
          agreement: Mapping[str, Any] | None = None,
          registered_at: date | None = None,
          expected_version: int | None = None) -> StepDone:
    """Correct a registered case: ``fields`` (keys of :data:`FIELDS`, values as a case.json
    would give them; None removes one of :data:`CLEARABLE`), and its parties by their number
    (1, 2, ... as ``case show`` lists them): ``edit_parties`` maps a number to the keys that change;
    ``preventions`` maps a prevention record's number (1, 2, ... in the order recorded) to its
    corrected ``kind`` and/or ``persons``; ``agreement`` corrects the agreement in force as
    recorded (keys of :data:`AGREEMENT`: ``due`` a date, the 履行期限, on or after the day the
    agreement was reached; ``amount`` in yuan, a Decimal or as typed; either None to remove it;
    ``terms`` the 协议内容),
    while the case is agreed or confirmed (workflow.AMENDABLE). That corrects the record to what
    the parties agreed (Law arts. 27-29); a change they agree to later is a new agreement
    (Law art. 31; case remediate, then case agree). ``registered_at`` corrects the
    registration time (登记时间; a date and time on the committee's calendar, a date alone its
    first instant) within ``workflow.registration_problem``. Errors: UsageError for a key not known,
    InvalidInput for a value not allowed, Refused in a state where it may not change."""
    wanted = _agreement_given(agreement or {})
    given = dict(fields or {})
    unknown = sorted(set(given) - set(FIELDS))
    if unknown:
        raise UsageError(msg("cannot correct {fields}: the fields are {allowed}",
                               fields=", ".join(unknown), allowed=", ".join(FIELDS)))
    _not_removable(given)
    edits = dict(edit_parties or {})
    touched = [FIELDS[k][0] for k in given]
    if add_parties or remove_parties:  # who the parties are (workflow.AMENDABLE)
        touched.append("parties")
    if edits:  # their particulars; a role changed is who they are (checked in apply)
        touched.append("party_details")
    prevented = dict(preventions or {})
    if prevented:
        touched.append("prevention")
    touched.extend(AGREEMENT[k] for k in wanted)
    if registered_at is not None:
        touched.append("registered_at")
    command = Amend(fields=tuple(touched), reason=reason)
    names: list[kept.Value] = []  # persons' names corrected: kept out of the event

    def apply(case: Case) -> Changes:
        assert case.id is not None
        parties = list(uow.session.exec(select(Party).where(Party.case_id == case.id)
                                        .order_by(col(Party.position), col(Party.id))).all())
        record = _record_of(case, parties)
        for k, v in given.items():
            record[FIELDS[k][0]] = v
        record["parties"] = _parties_amended(record["parties"], add_parties, edits,
                                             remove_parties)
        cal = calendars.of(uow, case.committee_id)
        checked = intake.parse_case(record, origin=case.number, calendar=cal)
        if "parties" not in touched and any(
                p.role.value != row.role for p, row in zip(checked.parties, parties, strict=True)):
            # an edit turned an applicant into a respondent or back: who the parties are
            workflow.fire(workflow.Subject(number=case.number, state=case.state),
                          Amend(fields=("parties",), reason=reason))
        new = intake.case_fields(checked, committee_id=case.committee_id, year=case.year,
                                 seq=case.seq, number=case.number, now=case.registered_at,
                                 registrar=case.registrar)
        if "persons" not in given:  # not recomputed from the number of parties
            new["persons_involved"] = case.persons_involved
        ch: Changes = {}
        for k in given:
            column = FIELDS[k][1]
            before = getattr(case, column)
            set_field(case, ch, column, new[column])
            if column == "amount_fen" and column in ch:
                ch["amount"] = [_yuan(before), _yuan(new[column])]
                del ch[column]
        if edits or add_parties or remove_parties:
            names[:] = _write_parties(uow, case, parties, checked, ch, [
                i for i in range(len(parties)) if i + 1 not in set(remove_parties)])
        _check_preventions(uow, case, prevented, ch)
        if wanted:
            _correct_agreement(uow, case, wanted, ch)
        if registered_at is not None:
            _correct_registration(uow, case, registered_at, ch)
        if not ch:
            raise Unchanged(msg("nothing changes: the case already holds these values"))
        return ch

    done = step(uow, actor, ref, command, apply, expected_version=expected_version,
                reason=reason)
    kept.write(uow.conn, done.event, done.id, names)
    return done


# The agreement's recorded fields ``amend`` may change: its keyword → the field the correction
# names (workflow.AMENDABLE, the event's change: before and after) → the agreement's column.
AGREEMENT: dict[str, str] = {"due": "agreement_due", "amount": "agreement_amount",
                             "terms": "agreement_terms"}
_AGREEMENT_COLUMNS = {"due": "due", "amount": "amount_fen", "terms": "terms"}


def _agreement_given(given: Mapping[str, Any]) -> dict[str, Any]:
    """The agreement's corrected values, checked as ``case agree`` checks them: ``due`` a
    date, ``amount`` in yuan (money.amount: not negative, to the fen) as fen, ``terms`` text
    (normalise.text) not empty."""
    unknown = sorted(set(given) - set(AGREEMENT))
    if unknown:
        raise UsageError(msg("cannot correct the agreement's {fields}: its fields are "
                               "{allowed}", fields=", ".join(unknown),
                               allowed=", ".join(AGREEMENT)))
    _not_removable(given, "agreement_")
    out: dict[str, Any] = {k: None for k, v in given.items() if v is None}  # removed
    if given.get("due") is not None:
        if not isinstance(given["due"], date) or isinstance(given["due"], datetime):
            raise InvalidInput(msg("--agreement-due: give a date (YYYY-MM-DD)"))
        out["due"] = given["due"]
    if given.get("amount") is not None:
        try:
            out["amount"] = yuan_to_fen(money.amount(given["amount"]))
        except (normalise.OutOfRange, normalise.Unreadable) as exc:
            raise InvalidInput(msg("{option}: {why}", option="--agreement-amount",
                                   why=exc.message)) from None
    if "terms" in given:
        terms = given["terms"]
        terms = normalise.text(terms, multiline=True).strip() if isinstance(terms, str) else ""
        if not terms:
            raise InvalidInput(msg("the agreement has no terms"))
        out["terms"] = terms
    return out


def _correct_agreement(uow: UnitOfWork, case: Case, wanted: Mapping[str, Any],
                       ch: Changes) -> None:
    """The case's agreement in force made to hold ``wanted`` (the guard ``amendable`` held: the
    case is agreed or confirmed, so it has one); each field changed recorded before and after.
    A 履行期限 is on or after the day the agreement was reached (dates.dated_input_problem),
    whenever the correction is made."""
    assert case.id is not None
    a = casestore.still(casestore.current_agreement(uow, case.id))
    if wanted.get("due") is not None:
        cal = calendars.of(uow, case.committee_id)
        today = cal.local_date(uow.now())
        item = workflow.DatedInput("--agreement-due", wanted["due"], promise=True,
                                   after="agreement_reached_on")
        why = workflow.dated_input_problem(item, today, today, cal.local_date(a.reached_at))
        if why is not None:
            raise InvalidInput(why)
    for key, value in wanted.items():
        column = _AGREEMENT_COLUMNS[key]
        before = getattr(a, column)
        if before == value:
            continue
        setattr(a, column, value)
        shown: tuple[Any, Any] = (
            (iso(before), iso(value)) if key == "due"
            else (_yuan(before), _yuan(value)) if key == "amount"
            else (identity.scrub(before), identity.scrub(value)))
        ch[AGREEMENT[key]] = list(shown)
    uow.session.add(a)


def _correct_registration(uow: UnitOfWork, case: Case, at: date, ch: Changes) -> None:
    """The case's registration time made ``at`` (a date alone: its first instant, or now for
    today), checked by the one rule ``workflow.registration_problem``; the statistics'
    counters follow in the same transaction (db/statcounts: triggers on the case row)."""
    assert case.id is not None
    cal = calendars.of(uow, case.committee_id)
    now = uow.now()
    instant = workflow.occurrence(at, now, None, cal)
    first = first_step(uow, case.id)
    why = workflow.registration_problem(instant, now, None if first is None else first[1],
                                        case.discovered_at, case.year, cal,
                                        step=None if first is None else first[0], at=at)
    if why is not None:
        raise InvalidInput(why)
    set_field(case, ch, "registered_at", instant)


def _check_preventions(uow: UnitOfWork, case: Case, corrected: Mapping[int, Mapping[str, Any]],
                       ch: Changes) -> None:
    """Correct the numbered prevention records; then every record's persons must be within
    the case's persons involved (as corrected)."""
    rows = list(uow.session.exec(select(Prevention).where(Prevention.case_id == case.id)
                                 .order_by(col(Prevention.id))).all())
    before, after = [], []
    for n, values in sorted(corrected.items()):
        if not 1 <= n <= len(rows):
            raise InvalidInput(msg("the case has no prevention record {n} (records 1 to "
                                   "{count})", n=n, count=len(rows)))
        unknown = sorted(set(values) - {"kind", "persons"})
        if unknown:
            raise UsageError(msg("a prevention record has kind and persons, not {fields}",
                                   fields=", ".join(unknown)))
        row = rows[n - 1]
        kind, persons = values.get("kind", row.kind), values.get("persons", row.persons)
        try:  # a code or its name, as --kind takes it (the one parser)
            kind = choices.parse("prevention", str(kind))
        except choices.ChoiceError as exc:
            raise UsageError(msg("--prevention {n}: kind: {why}", n=n,
                                   why=exc.message)) from None
        if not isinstance(persons, int) or isinstance(persons, bool) or persons < 1:
            raise InvalidInput(msg("give the kind of escalation prevented and how many "
                                   "persons (at least 1)"))
        if (kind, persons) != (row.kind, row.persons):
            before.append({"no": n, "kind": row.kind, "persons": row.persons})
            after.append({"no": n, "kind": kind, "persons": persons})
            row.kind, row.persons = kind, persons
            uow.session.add(row)
    if after:
        ch["prevention"] = [before, after]
    most = max((r.persons for r in rows), default=0)
    if case.persons_involved and most > case.persons_involved:
        raise InvalidInput(msg("the persons counted ({persons}) cannot exceed the persons "
                               "involved in the case ({involved}): correct the case first "
                               "(case amend --persons)", persons=most,
                               involved=case.persons_involved))


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else str(fen_to_yuan(fen))


def _record_of(case: Case, parties: Sequence[Party]) -> dict[str, Any]:
    """The case as an intake record (case.json), as it is stored now."""
    return {
        "category": case.category, "source": case.source, "summary": case.summary,
        "requests": case.requests, "referral_ref": case.referral_ref,
        "risk_level": case.risk_level, "persons_involved": case.persons_involved or None,
        "amount": None if case.amount_fen is None else str(fen_to_yuan(case.amount_fen)),
        "discovered_at": None if case.discovered_at is None
        else iso(case.discovered_at),
        "parties": [_party_record(p) for p in parties],
    }


def _party_record(p: Party) -> dict[str, Any]:
    guardian = None
    if p.guardian_name:
        guardian = {"name": p.guardian_name, "relation": p.guardian_relation,
                    "id_number": p.guardian_id_number, "phone": p.guardian_phone}
    representative = None
    if p.representative_name:
        representative = {k: v for k, v in {"name": p.representative_name,
                                            "title": p.representative_title}.items() if v}
    return {k: v for k, v in {
        "role": p.role, "kind": p.kind, "name": p.name, "sex": p.sex,
        "ethnicity": p.ethnicity, "birth_date": iso(p.birth_date), "id_type": p.id_type,
        "id_number": p.id_number, "phone": p.phone, "address": p.address,
        "guardian": guardian, "representative": representative}.items() if v is not None}


def _parties_amended(current: list[dict[str, Any]], add: Sequence[Mapping[str, Any]],
                     edits: Mapping[int, Mapping[str, Any]], remove: Sequence[int]
                     ) -> list[dict[str, Any]]:
    count = len(current)
    for n in [*edits, *remove]:
        if not 1 <= n <= count:
            raise InvalidInput(msg("the case has no party {n} (parties 1 to {count})", n=n,
                                   count=count))
    out = [corrected_party(p, intake.record_keys(edits.get(i + 1, {}), "--edit-party", [
        "parties", str(i)])) for i, p in enumerate(current) if i + 1 not in set(remove)]
    return [*out, *(dict(p) for p in add)]


def _write_parties(uow: UnitOfWork, case: Case, rows: list[Party], checked: Any,
                   ch: Changes, stay: Sequence[int]) -> list[kept.Value]:
    """The party rows made equal to the corrected record (updated in place, added, deleted),
    and the change as the masked parties before and after (``stay``: the place before of each
    party not removed, in order); returns the persons' names
    corrected, before and after, to keep out of the event (``mediation.db.kept``: the event's
    record of the case file holds their keyed hashes)."""
    assert case.id is not None
    key = settings.hash_key(uow)
    before = [_shown(p) for p in rows]
    before_rows = [{k: getattr(p, k) for k in _CORRECTABLE} for p in rows]
    wanted = [intake.party_fields(checked, i, p, case_id=case.id, key=key)
              for i, p in enumerate(checked.parties)]
    # the rows are rewritten in order: a party keeps its row when it keeps its place
    for row, values in zip(rows, wanted, strict=False):
        for k, v in values.items():
            if getattr(row, k) != v:
                setattr(row, k, v)
        uow.session.add(row)
    for values in wanted[len(rows):]:
        uow.session.add(Party(**values))
    for row in rows[len(wanted):]:
        uow.session.delete(row)
    after = [_shown(Party(**values)) for values in wanted]
    # A correction the masked view cannot show (罗霞 → 罗夏 both read 罗某; a sex, an ethnic
    # group, an address) is still a correction: it is judged on the stored values, and the
    # event names the fields corrected, party by party (their values stay out of the log).
    # Likewise a guardian's name corrected along with the phone: the lists differ, and the
    # name's correction is still named (known_names never puts the new name in the old's place).
    for j, (i, values) in enumerate(zip(stay, wanted, strict=False)):  # the party, not the row
        fixed = sorted({k.partition("_")[0] if k.startswith(("guardian_", "representative_"))
                        else k for k in _CORRECTABLE
                        if k in values and before_rows[i].get(k) != values[k]
                        and _masked(k, before_rows[i]) == _masked(k, values)})
        if fixed:
            after[j] = {**after[j], "corrected": fixed}
    if before != after:
        ch["parties"] = [before, after]
    if "parties" not in ch:  # below: the names of persons and of who act for a party (kept)
        return []
    return [kept.Value(f"party/{row.id}", field, before_rows[i].get(field), values.get(field), i)
            for i, (row, values) in enumerate(zip(rows, wanted, strict=False))
            for field in kept.NAME_FIELDS
            if (field != "name" or redaction.is_person(values.get("kind")))
            and before_rows[i].get(field) != values.get(field)
            and before_rows[i].get(field) and values.get(field)]


# A party's stored fields a correction may change whose change the masked view may hide.
_CORRECTABLE = ("name", "sex", "ethnicity", "address", "birth_date", "id_number", "phone",
                "guardian_name", "guardian_relation", "guardian_phone", "guardian_id_number",
                "id_type", "role", "kind", "representative_name", "representative_title")
N_("field.corrected")


def _masked(key: str, values: Mapping[str, Any]) -> Any:
    """A stored field as an event shows it (:func:`_shown`); None for one it does not show."""
    value = values.get(key)
    if key == "name":
        return redaction.shown_name(value or "", values.get("kind"), full=False)
    if key in ("guardian_name", "representative_name"):
        return redaction.shown_name(value, "person", full=False) if value else None
    if key in ("phone", "guardian_phone"):
        return identity.mask_phone(value)
    if key in ("id_number", "guardian_id_number"):
        return identity.mask_id(value)
    return value if key in ("role", "kind", "guardian_relation", "representative_title") else None


def _shown(p: Party) -> dict[str, Any]:
    """A party as an event shows it: masked like the registration's (intake)."""
    return {k: v for k, v in {
        "role": p.role, "kind": p.kind,
        "name": redaction.shown_name(p.name, p.kind, full=False),
        "id_number": identity.mask_id(p.id_number), "phone": identity.mask_phone(p.phone),
        "guardian": redaction.guardian_shown(p.guardian_name, p.guardian_relation,
                                             p.guardian_phone, reveal=False, names=False,
                                             id_number=p.guardian_id_number),
        "representative": representative_shown(p.representative_name, p.representative_title,
                                                names=False),
    }.items() if v is not None}

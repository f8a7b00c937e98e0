"""The field types and checks of what comes in: a ``case.json`` record, the guided intake, the
bulk import.

The schemas themselves (``CaseIn``, ``PartyIn``, ``GuardianIn``) are in ``mediation.cases`` and
say which field is of which type; this module says what each type accepts, through the one
normaliser (``mediation.core.normalise``), and holds the checks that read several fields (an ID
number against a birth date, a minor's guardian, a referral's reference). A check that belongs to
a named field raises :class:`FieldError`, which the intake names in its one-line refusal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
)

from mediation.core import identity, money, normalise
from mediation.core.calendar import DEFAULT as DEFAULT_CALENDAR
from mediation.core.calendar import Calendar, age_on
from mediation.core.clock import utcnow
from mediation.core.i18n import N_, Msg, msg, name
from mediation.core.vocab import IdType, PartyKind, Sex, Source


class In(BaseModel):
    """An incoming record: unknown fields refused, surrounding white space stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def refused_before(data: Mapping[str, Any], *names: str) -> bool:
    """Whether a field that a check depends on (``names``, declared earlier) was refused: it is
    then missing from ``data`` (a field validator's ``info.data``; a field not given has its
    default there). The dependent check is skipped, so a refused ``"kind": "公司"`` does not
    also report the credit code as a wrong resident ID number: one problem, said once."""
    return any(n not in data for n in names)


class FieldError(ValueError):
    """A validation problem that belongs to a named field of the model being validated; the
    message's ``params`` fill its fields (``message``)."""

    def __init__(self, field: str, message_id: str, /, **params: object) -> None:
        super().__init__(message_id)
        self.field = field
        self.message_id = message_id
        self.params = params

    @property
    def message(self) -> Msg:
        return msg(self.message_id, **self.params)


def calendar_of(info: ValidationInfo | None) -> Calendar:
    """The calendar an intake record is validated in: the committee's, passed as the
    validation context ``{"calendar": ...}``, else the default (Asia/Shanghai)."""
    ctx = info.context if info is not None else None
    cal = ctx.get("calendar") if isinstance(ctx, dict) else None
    return cal if isinstance(cal, Calendar) else DEFAULT_CALENDAR


def _only_str(fn: Any) -> Any:
    def before(v: Any) -> Any:
        return fn(v) if isinstance(v, str) else v
    return BeforeValidator(before)


# The common case first, without a call: a value that is already plain (printable, and ASCII
# where folding could change it) is left to the schema as it is; the bulk import validates
# hundreds of thousands of records through these.
def _text(v: Any) -> Any:
    return normalise.text(v) if type(v) is str and not v.isprintable() else v


def _long_text(v: Any) -> Any:
    return normalise.text(v, multiline=True) if type(v) is str and not v.isprintable() else v


def _fold(v: Any) -> Any:
    return normalise.fold(v) if type(v) is str and not (v.isascii() and v.isprintable()) else v


def code(kind: str) -> BeforeValidator:
    """A value of the vocabulary ``kind`` (``mediation.core.choices``): its code or its name in
    either language, in any width, as on the command line; anything else is refused by
    :class:`~mediation.core.choices.ChoiceError` naming the allowed codes and names."""
    from mediation.core import choices

    def before(v: Any) -> Any:
        if v is None or isinstance(v, str):
            return v if v is None else choices.parse(kind, v)
        return choices.parse(kind, json.dumps(v, ensure_ascii=False))  # a number, a list: no

    return BeforeValidator(before)


# What each field of an intake record is, for the one normaliser (mediation/core/normalise.py):
# free text keeps its words but loses control characters; identifier-like values are folded
# (full-width forms, ideographic spaces, dashes); each written form has its canonical value.
Text = Annotated[str, BeforeValidator(_text)]
LongText = Annotated[str, BeforeValidator(_long_text)]
Ident = Annotated[str, BeforeValidator(_fold)]
# A category: as text, or a JSON number as a clerk may write it (2 is "2", which is 02)
CategoryIn = Annotated[str, BeforeValidator(lambda v: str(v) if type(v) is int else _fold(v))]
DateIn = Annotated[date, _only_str(normalise.date_)]


_ISO = re.compile(r"\d{4}-\d\d-\d\d(?:T\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?(?:Z|[+-]\d\d:\d\d)?)?",
                  re.ASCII)


def moment(v: Any, info: ValidationInfo | None = None) -> Any:
    """A date and time as ``--at`` reads it (THE reader, mediation.core.moments: 2026-11-30
    15:30, 11月30日 下午3点半, 昨天下午3点半, 昨天 9:30, full-width digits; a word or a day
    without its year placed on or before the committee's today, :func:`calendar_of`): a wall
    time of the committee's zone, naive (aware when an offset was written, 2026-11-30T15:30
    +08:00); a day alone is its 00:00, as the guided intake keeps it. Not text (a JSON number):
    left to the schema. :class:`~mediation.core.moments.Unreadable` naming the forms."""
    if not isinstance(v, str) or _ISO.fullmatch(v):  # ISO 8601 (the bulk import's every
        return v  # record, a lead's time): the schema reads it as moments would, faster
    from mediation.core import moments

    cal = calendar_of(info)
    found = moments.parse(v, today=lambda: cal.local_date(utcnow()))
    return found if isinstance(found, datetime) else datetime(found.year, found.month,
                                                              found.day)


DateTimeIn = Annotated[datetime, BeforeValidator(moment)]
IntIn = Annotated[int, _only_str(normalise.integer_text)]


# The longest a case's facts or requests may be (cases.CaseIn).
TEXT_LIMIT = 4000


def long_text(v: str) -> str:
    """Facts or requests as :data:`LongText` keeps them (control characters dropped), at most
    :data:`TEXT_LIMIT` characters: the rule of ``CaseIn.summary`` and ``requests``, for the
    guided intake's question."""
    text = normalise.text(v, multiline=True)
    if len(text) > TEXT_LIMIT:
        raise normalise.Unreadable(N_("{count} characters: at most {limit} are kept; "
                                      "shorten it"), count=len(text), limit=TEXT_LIMIT)
    return text


def amount_text(v: str) -> str:
    """An amount as typed (:func:`amount`), as the text the guided intake keeps."""
    return str(money.amount(v))


def phone(v: str | None) -> str | None:
    """A phone number in its normal form; none given (already stripped by the schema) is None."""
    if v is None or v == "":
        return None
    return normalise.phone(v)


def person_name(v: str, kind: str = "person") -> str:
    """A name that looks like a name, in its one normal form (redaction.normal_name): THE rule
    for a party's name and a guardian's. No name holds a phone or ID number (what
    identity.scrub finds in free text and masks); a person's has letters and no e-mail address
    (a legal person's or an organisation's is as registered: 长沙市第一建筑公司). Refused with
    :class:`~mediation.core.normalise.Unreadable`."""
    from mediation.core import redaction

    v = redaction.normal_name(v)
    if v.isalpha():  # the common case: 张三
        return v
    person = kind == PartyKind.person
    if identity.scrub(v) != v or (person and ("@" in v or not any(c.isalpha() for c in v))):
        raise normalise.Unreadable(N_(
            "{value!r} does not look like a person's name: a name has letters and is no phone "
            "number, ID number or e-mail address (those have fields of their own)") if person
            else N_("{value!r} does not look like a name: a phone or ID number has a field of "
                    "its own"), value=v)
    return v


def ethnicity(v: str | None) -> str | None:
    """An ethnic group of GB/T 3304 (vocab.ETHNICITIES) typed as its code, its name in either
    language or its Chinese name without 族 (choices.parse, which refuses anything else naming
    the groups: an ID number is no ethnicity), stored as the standard's Chinese name (汉族)."""
    from mediation.core import choices
    from mediation.core.i18n import name

    if v is None or v == "":
        return None
    try:
        return name("ethnicity", choices.parse("ethnicity", v), "zh")
    except choices.ChoiceError:  # the 58 names would fill the screen; a number is masked
        raise normalise.Unreadable(N_(
            "{value!r} is not an ethnic group (GB/T 3304): give its name (汉族 or 汉, Han) or "
            "its code (01 to 56; 97 other, 98 of foreign origin)"), value=identity.scrub(v)
            ) from None


EthnicityIn = Annotated[str, BeforeValidator(_text), AfterValidator(ethnicity)]


def category(v: str) -> str:
    """A category code of the national classification (``mediation.core.categories``), from its
    code, its name or its code without the leading zero (``2`` → ``02``), as on the command
    line (``choices.category``, which refuses naming every code and name)."""
    from mediation.core import choices

    return choices.category(v)


def amount(v: Any) -> Any:
    """Every written form of an amount (1500, "1,500", "500元", "１５００"), exact, at most two
    decimals, within the bound (money.amount). A JSON number with a fraction or exponent is
    a float by the time Python sees it (json.loads); it is read as its shortest decimal form, as
    pydantic does for floats, so that validating the JSON text directly (model_validate_json,
    the bulk import) and validating the loaded object give the same Decimal ("1000.0" stays
    "1000.0")."""
    return None if v is None else money.amount(v)


def resident_id(id_number: str | None, id_type: IdType | None,
                kind: PartyKind | str | None = None) -> str | None:
    """A party's number in its normal form, checked on its own by :func:`identity_of`'s rule
    (a resident ID's form and check digit, an organisation's credit code, another document's
    form), so that it is found with the record's other problems; refused naming what is wrong
    (:class:`FieldError`). A problem of another field (an organisation's type) and the checks
    against the birth date and the sex are :func:`identity_of`'s, on the whole party."""
    if not id_number:
        return id_number
    try:
        return identity_of(id_type, id_number, None, None, kind)[1]
    except FieldError as exc:
        if exc.field != "id_number":
            return id_number
        raise


def identity_of(id_type: IdType | None, id_number: str | None, birth_date: date | None,
                sex: Sex | None = None, kind: PartyKind | str | None = None
                ) -> tuple[IdType | None, str | None, date | None, Sex | None]:
    """A party's ID type, number, birth date and sex, checked against each other: THE one
    rule of a party's identifying number (``case new`` by file or at the terminal, ``case
    amend``, the bulk import all validate through it, ``cases.PartyIn``).

    An organisation's or a legal person's number is its unified social credit code (GB 32100,
    its check character checked; type ``credit_code``, the default). A person's number without
    a type is a resident ID; one of 18 characters is checked as a resident ID whatever the type
    (a resident ID stored as ``other`` is one; ``other`` with an 18-character number is made
    ``resident_id``); any other is checked against its document's form
    (identity.DOCUMENT_FORMS). A resident ID number is put in its normal form, and it gives the
    birth date (its digits 7-14) and the sex (its 17th digit: odd male, even female): either
    taken from it when not given, or, given, refused when it says otherwise, naming both
    (:class:`FieldError`). Derived here, before the number is stored and shown only masked or
    as its keyed hash."""
    if not id_number:
        return id_type, id_number, birth_date, sex
    if kind is not None and kind != PartyKind.person:
        if id_type not in (None, IdType.credit_code):
            raise FieldError("id_type", N_("an organisation is identified by its unified social "
                                           "credit code: give id_type credit_code, or none"))
        code = identity.check_credit_code(id_number)
        if isinstance(code, str):
            raise FieldError("id_number", code)
        return IdType.credit_code, code[0], birth_date, sex
    if id_type is None:
        id_type = IdType.resident_id
    resident = id_type == IdType.resident_id or len(identity.normalise_resident_id(
        id_number)) == 18
    if not resident:
        problem = identity.document_problem(id_type, id_number)
        if problem is not None:
            raise FieldError("id_number", problem)
        return id_type, identity.normalise_resident_id(id_number), birth_date, sex
    if id_type == IdType.other:
        id_type = IdType.resident_id
    found = identity.check_resident_id(id_number)
    if isinstance(found, str):
        raise FieldError("id_number", found)
    id_number, born = found
    if birth_date is None:
        birth_date = born
    elif birth_date != born:
        raise FieldError("birth_date", N_("{given} given, but the ID number says {in_id}"),
                         given=birth_date.isoformat(), in_id=born.isoformat())
    in_id = Sex(identity.sex_of_resident_id(id_number))
    if sex is None:
        sex = in_id
    elif sex != in_id:
        raise FieldError("sex", N_("{given} given, but the ID number says {in_id}"),
                         given=name("sex", sex), in_id=name("sex", in_id))
    return id_type, id_number, birth_date, sex


def corrected_party(stored: Mapping[str, Any], edit: Mapping[str, Any]) -> dict[str, Any]:
    """A party's stored record (as case.json holds it) with a correction's keys applied. A
    corrected ID number carries the facts it holds with it: a stored birth date or sex that
    the old resident ID number gives (taken from it at intake, :func:`identity_of`, or given
    alike) and that the correction does not give is taken from the corrected number instead,
    so a mistyped number is corrected alone; one the old number did not give stays, and is
    checked against the new."""
    merged = {**stored, **edit}
    old = stored.get("id_number")
    if "id_number" not in edit or not old or edit["id_number"] == old \
            or stored.get("id_type", IdType.resident_id) != IdType.resident_id:
        return merged
    found = identity.check_resident_id(str(old))
    if isinstance(found, str):
        return merged
    number, born = found
    held = {"birth_date": born.isoformat(), "sex": identity.sex_of_resident_id(number)}
    for key, value in held.items():
        if key not in edit and stored.get(key) == value:
            merged.pop(key, None)
    return merged


def is_minor(birth_date: date, calendar: Calendar) -> bool:
    """Under 18 on the committee's local date: one is 18 from 00:00 local of the birthday.
    The one rule of who is a minor (the intake's check and the guided intake's question)."""
    return age_on(birth_date, calendar.local_date(utcnow())) < 18


def check_guardian(kind: PartyKind, birth_date: date | None, has_guardian: bool,
                   info: ValidationInfo | None) -> None:
    """A minor (:func:`is_minor`) takes part through a guardian."""
    if kind == PartyKind.person and birth_date and not has_guardian:
        if is_minor(birth_date, calendar_of(info)):
            raise FieldError(
                "guardian", N_("a minor takes part through a guardian; give the guardian")
            )


def discovered_at(v: datetime | None, info: ValidationInfo | None) -> datetime | None:
    """When the dispute was found, in naive UTC. A time without an offset is a local time of the
    committee's zone (docs/case-json.md); registration is now, so a later time is refused."""
    if v is None:
        return v
    at = calendar_of(info).to_utc(v)
    if at > utcnow():
        raise ValueError(N_("is in the future (after this registration); give the time "
                            "the dispute was found, at the latest now"))
    return at


# A field whose check runs when it is not given too (a referral's reference, check_referral)
CHECKED_WHEN_ABSENT = Field(validate_default=True)
REFERRED = frozenset({Source.court, Source.police, Source.petition, Source.government})


def check_referral(source: Source | None, referral_ref: str | None) -> str | None:
    """A referred case needs the referring body's reference (``source`` None: not known, a
    source refused on its own); the reference."""
    if source in REFERRED and not referral_ref:
        raise FieldError(
            "referral_ref", N_("a referred case needs the referring body's reference")
        )
    return referral_ref


def check_sides(parties: list[Any]) -> list[Any]:
    """No person on both sides of one dispute (issue 14, the fifth clerk's trial: a case was
    registered as 阿依古丽·买买提 与 阿依古丽·买买提). Two parties are the same person when they
    have the same ID number, or the same name (its one normal form, redaction.normal_name)
    while one of them has no ID number to tell them apart; namesakes on opposite sides are
    registered by giving both ID numbers. ``parties``: PartyIn records (role, name,
    id_number)."""
    from mediation.core.redaction import normal_name

    def key(p: Any) -> tuple[str, str | None]:
        return normal_name(str(p.name)), (str(p.id_number).upper() if p.id_number else None)

    sides = [(n, key(p), str(p.role)) for n, p in enumerate(parties, 1)]
    for n, (who, number), role in sides:
        for m, (other, other_number), other_role in sides:
            if m <= n or role == other_role:
                continue
            same = (number is not None and number == other_number) or (
                who == other and (number is None or other_number is None))
            if same:
                raise FieldError("parties", N_(
                    "parties {n} and {m} are one person on both sides; if they are two people "
                    "of the same name, give both their ID numbers"), n=n, m=m)
    return parties

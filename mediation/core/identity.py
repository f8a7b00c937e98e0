"""Parties' identifying data: validation (GB 11643 resident ID, phone numbers), masking, keyed hash.

Masked forms follow DOMAIN.md §6: ID ``110***********1234``, phone ``138****5678``, name ``张某``,
address cut to the district. Masking lives here and in the view schemas of ``cases.py``; nothing
else decides how personal data looks on a screen or in a file.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date, datetime
from operator import mul

from mediation.core import normalise
from mediation.core.i18n import N_

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[1-9]\d{16}[\dX]$", re.ASCII)
_COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 "
    "长孙 夏侯 轩辕 令狐 宇文 司徒 司空 端木 南宫".split()
)


def gb11643_check_char(first17: str) -> str:
    if len(first17) != len(_WEIGHTS):
        raise ValueError("GB 11643 check character needs exactly 17 digits")
    if first17.isascii() and first17.isdigit():
        # The weights are 2**(17-i) mod 11 and 13 = 2 (mod 11): the weighted sum is, mod 11,
        # twice the 17 digits read as a base-13 number (int() does that loop in C).
        return _CHECK[2 * int(first17, 13) % 11]
    return _CHECK[sum(map(mul, map(int, first17), _WEIGHTS)) % 11]


# The earliest birth year a resident ID number is taken to hold.
EARLIEST_BIRTH_YEAR = 1900


_TODAY: list[tuple[tuple[datetime, int], date]] = []


def _today() -> date:
    """The local date in the committee's calendar, from THE clock (mediation.core.clock: a
    test's fixed now too), worked out once a minute (a bulk import checks hundreds of
    thousands of ID numbers)."""
    from mediation.core.clock import calendar, local_date, utcnow

    now = utcnow()
    key = (now.replace(second=0, microsecond=0), id(calendar()))
    if not _TODAY or _TODAY[0][0] != key:
        _TODAY[:] = [(key, local_date(now))]
    return _TODAY[0][1]


def normalise_resident_id(value: str) -> str:
    """The ID number as typed in any width, upper case, without spaces or hyphens."""
    return normalise.resident_id_text(value)


def resident_id_problem(value: str) -> str | None:
    """None when ``value`` is a valid 18-digit resident ID; otherwise what is wrong (a msgid)."""
    found = check_resident_id(value)
    return found if isinstance(found, str) else None


def check_resident_id(value: str, today: date | None = None) -> str | tuple[str, date]:
    """What is wrong with ``value`` as a resident ID (a msgid), or, when nothing is, the
    normalised number and the birth date inside it. Full-width digits, a lower-case x and
    spaces between the groups are read as typed (normalise.resident_id_text). The birth date
    must be real, not after ``today`` (default: the local date in China) and not before 1900."""
    v = normalise_resident_id(value)
    if not _ID_RE.match(v):
        if len(v) != 18:
            return N_("must be 18 characters: 17 digits and a check digit or X")
        return N_("must be 17 digits and a check digit or X (the first digit not 0)")
    try:
        born = date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return N_("the birth date inside it is not a real date")
    if born.year < EARLIEST_BIRTH_YEAR:
        return N_("the birth date inside it is before 1900")
    if born > (today or _today()):
        return N_("the birth date inside it is in the future")
    if gb11643_check_char(v[:17]) != v[17]:
        return N_("the check digit does not match (GB 11643)")
    return v, born


# GB 32100-2015, the unified social credit code of a legal person or an organisation: 18
# characters of this alphabet (no I, O, S, V, Z), the last a check character.
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$", re.ASCII)


def check_credit_code(value: str) -> str | tuple[str]:
    """What is wrong with ``value`` as a unified social credit code (a msgid), or, when nothing
    is, the code in its normal form (any width, upper case, without spaces or hyphens)."""
    v = normalise_resident_id(value)
    if not _CREDIT_RE.match(v):
        return N_("a unified social credit code is 18 characters: digits and capital letters "
                  "other than I, O, S, V and Z (GB 32100)")
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(v, _CREDIT_WEIGHTS, strict=False))
    if _CREDIT_CHARS[-total % 31] != v[17]:
        return N_("the check character of the unified social credit code does not match "
                  "(GB 32100)")
    return (v,)


# The numbers of the other documents a person is identified by, as printed on them (folded:
# any width, upper case, no spaces or hyphens); an 18-character one is read as a resident ID.
DOCUMENT_FORMS: dict[str, tuple[re.Pattern[str], str]] = {
    "passport": (re.compile(r"^[A-Z0-9]{5,17}$", re.ASCII),
                 N_("a passport number is 5 to 17 letters and digits (E12345678)")),
    "hk_macao_permit": (re.compile(r"^[HM]\d{8}(\d{2})?$", re.ASCII),
                        N_("a Mainland travel permit for Hong Kong and Macao residents is H or "
                           "M and 8 or 10 digits (H12345678)")),
    "taiwan_permit": (re.compile(r"^\d{8}(\d{2})?$", re.ASCII),
                      N_("a Mainland travel permit for Taiwan residents is 8 or 10 digits "
                         "(12345678)")),
    "foreign_permanent": (re.compile(r"^[A-Z]{3}\d{12}$", re.ASCII),
                          N_("a foreigner's permanent residence ID card is 3 letters and 12 "
                             "digits, or 18 characters like a resident ID")),
    "other": (re.compile(r"^[A-Z0-9]{4,20}$", re.ASCII),
              N_("a document number is 4 to 20 letters and digits")),
}


def document_problem(id_type: str, value: str) -> str | None:
    """What is wrong with ``value`` as the number of a person's document of ``id_type`` other
    than a resident ID (a msgid), or None."""
    form = DOCUMENT_FORMS.get(id_type)
    if form is None:
        return N_("a person's document is a resident ID card, a passport, a travel permit or a "
                  "permanent residence ID card; a credit code is an organisation's")
    return None if form[0].match(normalise_resident_id(value)) else form[1]


def birth_date_of_resident_id(value: str) -> date:
    v = normalise_resident_id(value)
    return date(int(v[6:10]), int(v[10:12]), int(v[12:14]))


def sex_of_resident_id(value: str) -> str:
    """``male`` or ``female``, from the 17th digit (odd: male) of a valid ID number."""
    return "male" if int(normalise_resident_id(value)[16]) % 2 else "female"


def sex_contradicted(sex: str | None, id_type: str | None, id_number: str | None) -> str | None:
    """The sex a resident ID number's sex digit gives (``male`` or ``female``) when it
    contradicts the ``sex`` stated for the same party, else None: the one check of the two
    (the intake's warning, the guided intake's question)."""
    if not sex or not id_number or id_type != "resident_id":
        return None
    in_id = sex_of_resident_id(id_number)
    return in_id if in_id != sex else None


def phone_valid(value: str) -> bool:
    return valid_phone(value) is not None


def valid_phone(value: str) -> str | None:
    """The canonical phone number (normalise.phone_or_none), or None when it is not one."""
    return normalise.phone_or_none(value)


def mask_id(value: str | None) -> str | None:
    if not value:
        return value
    v = value.strip()
    if len(v) == 18:
        return v[:3] + "*" * 11 + v[-4:]
    if len(v) <= 4:
        return "*" * len(v)
    return "*" * (len(v) - 4) + v[-4:]


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    v = value.strip()
    if len(v) >= 10:
        return v[:3] + "*" * (len(v) - 7) + v[-4:]
    if len(v) <= 4:
        return "*" * len(v)
    return v[:2] + "*" * (len(v) - 4) + v[-2:]


def mask_name(value: str | None) -> str | None:
    if not value:
        return value
    v = value.strip()
    if v.isascii():
        return v[:1] + "***"
    surname = v[:2] if v[:2] in _COMPOUND_SURNAMES else v[:1]
    return surname + "某"


def mask_address(value: str | None) -> str | None:
    """Cut to the district or county; ``***`` without one (:func:`redaction.mask_address`)."""
    from mediation.core import redaction

    return redaction.mask_address(value)


_KEYED: dict[tuple[bytes, bytes], hmac.HMAC] = {}


def keyed_hash(key: bytes, id_number: str) -> str:
    """HMAC-SHA256 of a normalised ID number: finds duplicates without storing the number twice."""
    return _mac(key, b"", normalise_resident_id(id_number))


def _mac(key: bytes, prefix: bytes, text: str) -> str:
    """HMAC-SHA256 under ``key`` of ``prefix`` and ``text`` (each kind of number its own
    prefix, so their hashes never meet): keyed once per key and prefix, each hash continuing a
    copy of that keyed state."""
    base = _KEYED.get((key, prefix))
    if base is None:
        base = _KEYED[key, prefix] = hmac.new(key, prefix, digestmod=hashlib.sha256)
    mac = base.copy()
    mac.update(text.encode())
    return mac.hexdigest()


def phone_hash(key: bytes, phone: str) -> str:
    """HMAC-SHA256 of a phone number in its canonical form (as typed if it is none), kept apart
    from the ID numbers' hashes: the search index finds a case by a party's phone without a
    plain copy of it (mediation/db/searchindex.py)."""
    canonical = normalise.phone_or_none(phone) or "".join(phone.split())
    return _mac(key, b"phone\x00", canonical)


TAIL_KEYED = 4  # characters of a number's end that are hashed (search_kinds.TAIL_MIN: no fewer)
_TAIL_RE = re.compile(r"\d{3}[\dX]", re.ASCII)  # what a searched end can end in (search_kinds)


def tail_key(number: str | None) -> str | None:
    """The last :data:`TAIL_KEYED` characters of a stored phone or ID number as a search by a
    number's end compares them (hyphens aside, ASCII letters in upper case: ``0731-88886666``
    gives ``6666``, ``...803x`` gives ``803X``); None when they are no end a search can ask for
    (``search_kinds``: digits, an ``X`` last), or the number is shorter."""
    if not number:
        return None
    end = number.replace("-", "")[-TAIL_KEYED:].upper()
    return end if _TAIL_RE.fullmatch(end) else None


def tail_hash(key: bytes, end: str) -> str:
    """HMAC-SHA256 of a number's end (:func:`tail_key`, or a searched end's last
    :data:`TAIL_KEYED` characters), kept apart from the whole numbers' hashes by its own prefix:
    the search index finds the cases whose parties' phones or ID numbers end so without reading
    every party (mediation/db/searchindex.py, docs/search.md)."""
    return _mac(key, b"tail\x00", end)


def scrub(text: str | None) -> str | None:
    """ID and phone numbers inside free text masked (:func:`redaction.scrub`)."""
    from mediation.core import redaction

    return redaction.scrub(text)


def redact_names(text: str | None, names: list[str]) -> str | None:
    """Persons' names inside free text masked, any spelling (:func:`redaction.redact_names`)."""
    from mediation.core import redaction

    return redaction.redact_names(text, names)

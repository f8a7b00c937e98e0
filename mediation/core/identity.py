"""Parties' identifying data: validation (GB 11643 resident ID, phone numbers), masking, keyed hash.

Masked forms follow DOMAIN.md §6: ID ``110***********1234``, phone ``138****5678``, name ``张某``,
address cut to the district. Masking lives here and in the view schemas of ``cases.py``; nothing
else decides how personal data looks on a screen or in a file.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import date
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
_DISTRICT_RE = re.compile(r"(?<!自治)[区县旗]")


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
    if today is None:
        from datetime import UTC, datetime

        from mediation.core.clock import local_date

        today = local_date(datetime.now(UTC).replace(tzinfo=None))
    if born > today:
        return N_("the birth date inside it is in the future")
    if gb11643_check_char(v[:17]) != v[17]:
        return N_("the check digit does not match (GB 11643)")
    return v, born


def birth_date_of_resident_id(value: str) -> date:
    v = normalise_resident_id(value)
    return date(int(v[6:10]), int(v[10:12]), int(v[12:14]))


def sex_of_resident_id(value: str) -> str:
    """``male`` or ``female``, from the 17th digit (odd: male) of a valid ID number."""
    return "male" if int(normalise_resident_id(value)[16]) % 2 else "female"


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
    """Keep the address down to the district or county (区/县/旗, or a county-level 市)."""
    if not value:
        return value
    v = value.strip()
    m = _DISTRICT_RE.search(v)
    if m is None:
        cities = [i for i, ch in enumerate(v) if ch in "市州盟"]
        m_end = cities[1] + 1 if len(cities) > 1 else (cities[0] + 1 if cities else 0)
    else:
        m_end = m.end()
    return v[:m_end] + "***" if 0 < m_end < len(v) else "***"


_KEYED: dict[bytes, hmac.HMAC] = {}


def keyed_hash(key: bytes, id_number: str) -> str:
    """HMAC-SHA256 of a normalised ID number: finds duplicates without storing the number twice."""
    base = _KEYED.get(key)
    if base is None:  # keyed once per key; each hash continues a copy of the keyed state
        base = _KEYED[key] = hmac.new(key, digestmod=hashlib.sha256)
    mac = base.copy()
    mac.update(normalise_resident_id(id_number).encode())
    return mac.hexdigest()


_EMBEDDED_ID_RE = re.compile(
    r"(?<![\dA-Za-z])([1-9]\d{5})(\d{8})(\d{3}[\dXx])(?![\dA-Za-z])", re.ASCII)
_EMBEDDED_MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)", re.ASCII)


def scrub(text: str | None) -> str | None:
    """Mask ID numbers and mobile numbers written inside free text (minutes, terms, notes)."""
    if not text:
        return text
    text = _EMBEDDED_ID_RE.sub(lambda m: m.group(0)[:3] + "*" * 11 + m.group(0)[-4:], text)
    return _EMBEDDED_MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)


def redact_names(text: str | None, names: list[str]) -> str | None:
    """Replace each party's full name written inside free text by its masked form (``张某``)."""
    if not text:
        return text
    for full in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len,
                       reverse=True):
        text = text.replace(full, mask_name(full) or "")
    return text

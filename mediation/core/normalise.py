"""The one normaliser for everything a clerk types or a file brings (docs/case-json.md).

Clerks paste from Word, type through a Chinese input method and save files from Windows Notepad.
Every entry point (CLI options and arguments, ``case.json``, the guided intake, ``case import``)
passes what it reads through the functions here, and nothing else decides what a written form
means:

- **Free text** (names, summaries, minutes, terms, advice, the committee's name):
  :func:`text`. Kept as written (no NFKC: ``，`` and ``（`` are part of Chinese prose), but
  control characters never reach storage: terminal escape sequences are removed whole, C0/C1
  controls, DEL, lone surrogates and bidirectional overrides are removed; line breaks of every
  kind (``\\r\\n``, Word's vertical tab, form feed, U+2028) become ``\\n`` in multi-line fields
  and a space in single-line ones.
- **Identifier-like values** (case references, ID numbers, phones, dates, amounts, codes and
  option values): :func:`fold`. The text cleaning above, then Unicode NFKC (full-width digits,
  letters and brackets ``（）`` become ASCII, the ideographic space a space), every dash a
  hyphen, surrounding spaces stripped.
- **Written forms** with one canonical stored form each: :func:`phone`, ``money.amount``,
  :func:`date_`, :func:`case_ref`, :func:`resident_id_text`. Each
  returns the canonical value or raises :class:`Unreadable`, whose message names the value and
  the forms accepted.

For scanning free text (masking numbers written inside minutes), :func:`fold_width` folds the
full-width forms one character for one (offsets stay valid), and :func:`phone_or_none`
recognises one written form of a phone number.

The one reader of the bytes a user's file or standard input brings (UTF-8 or GB18030) is
``mediation.core.encodings``; amounts of money are read by ``mediation.core.money.amount``.

No SQLAlchemy here, no printing: a pure core module.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Final, NamedTuple, TypeGuard

from mediation.core.i18n import N_, Msg, msg


class Unreadable(ValueError):
    """A value in none of the accepted written forms. ``message`` says which forms are."""

    def __init__(self, message_id: str, /, **params: object) -> None:
        super().__init__(message_id)
        self.message_id = message_id
        self.params = params

    @property
    def message(self) -> Msg:
        return msg(self.message_id, **self.params)

    def __str__(self) -> str:
        return self.message.render()


class OutOfRange(Unreadable):
    """A value written in an accepted form but outside what is allowed (a negative amount, one
    above the bound, a fraction of a fen, a birth date in the future)."""


# ---------------------------------------------------------------------------------------------
# Free text

# A terminal escape sequence, removed whole: CSI (ESC [ ... final, or the C1 CSI), OSC (ESC ] ...
# BEL or ST, e.g. hyperlinks and window titles), DCS/SOS/PM/APC strings, and two-character escapes.
_ESCAPE_RE: Final = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
_LINE_BREAK_RE: Final = re.compile("\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Every other C0/C1 control, DEL, lone surrogates, bidirectional embeddings/overrides/isolates
# (they reorder what a reader sees), and a stray byte-order mark.
_CONTROL_RE: Final = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufeff]")


def text(value: str, *, multiline: bool = False) -> str:
    """Free text with every control character removed (see the module's docstring).

    Tabs are kept in multi-line fields and become a space in single-line ones. Surrounding
    whitespace is stripped. Nothing else changes: the text stays as the clerk wrote it.
    """
    if value.isprintable():  # the common case: no control, no line break, no format char
        return value.strip()
    v = _ESCAPE_RE.sub("", value)
    v = _LINE_BREAK_RE.sub("\n" if multiline else " ", v)
    v = _CONTROL_RE.sub("", v)
    if not multiline:
        v = v.replace("\t", " ")
    return v.strip()


def displayable(value: str) -> str:
    """Text as it may reach a terminal: :func:`text`'s cleaning (escape sequences removed whole,
    controls and bidirectional overrides removed, every line break a ``\n``) without stripping
    or joining anything. Applied at render time (cli/render.py) to whatever is shown, so that
    text stored before the normaliser existed, or built from several values, never drives the
    terminal."""
    if value.isprintable():
        return value
    v = _ESCAPE_RE.sub("", value)
    v = _LINE_BREAK_RE.sub("\n", v)
    return _CONTROL_RE.sub("", v)


def text_or_none(value: str | None, *, multiline: bool = False) -> str | None:
    """:func:`text`, keeping None; an empty result is None."""
    if value is None:
        return None
    return text(value, multiline=multiline) or None


# ---------------------------------------------------------------------------------------------
# Identifier-like values

# Dashes people type for a hyphen (NFKC keeps them): hyphen, non-breaking hyphen, figure dash,
# en and em dash, horizontal bar, minus sign, small hyphen-minus; and the ideographic full stop
# typed for a dot in dates.
_DASHES: Final = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
                                                "\ufe58\ufe63"} | {"\u3002": "."})
# Full-width ASCII (U+FF01-FF5E) and the ideographic space, one character for one.
_WIDTH: Final = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
                              | {"\u3000": " "})


def fold(value: str) -> str:
    """An identifier-like value as typed through any input method, in plain form: control
    characters removed, NFKC (full-width digits, letters, brackets and spaces to ASCII), every
    dash a hyphen, surrounding whitespace stripped. ASCII input only loses its controls."""
    v = text(value)
    if not v.isascii():
        v = unicodedata.normalize("NFKC", v).translate(_DASHES).strip()
    return v


def fold_width(value: str) -> str:
    """Full-width ASCII and the ideographic space to ASCII, one character for one, so that
    offsets found in the result are offsets in ``value`` (for scanning free text)."""
    return value.translate(_WIDTH)


_CODE_SEP_RE: Final = re.compile(r"[\s-]+")
_SPACES_RE: Final = re.compile(r"\s+")
_PLAIN_CODE_RE: Final = re.compile(r"[a-z0-9_]+", re.ASCII)


def code(value: str) -> str:
    """An option value or a code (``party_refuses``, ``01``): folded, lower case, inner spaces
    and hyphens as underscores. Names in Chinese are looked up after this (zh)."""
    if _PLAIN_CODE_RE.fullmatch(value):  # the common case, already a code
        return value
    v = fold(value)
    if v.isascii():
        v = _CODE_SEP_RE.sub("_", v.lower())
    return v


def case_ref(value: str) -> str:
    """A case reference: an id (``12``) or a full number (``(2026)龙人调字第12号``), however
    typed (``（２０２６）龙人调字第１２号``, spaces inside)."""
    v = _SPACES_RE.sub("", fold(value))
    return v if v.isascii() else unicodedata.normalize("NFKC", v)  # what the spaces kept apart


# Brackets a year may be written in, all read as the half-width ones the number is stored with.
_YEAR_BRACKETS: Final = str.maketrans({"〔": "(", "〕": ")", "[": "(", "]": ")", "【": "(",
                                       "】": ")", "［": "(", "］": ")"})
# A short form: ``龙12`` (this year's case 12 of the committee whose prefix is 龙) or
# ``2025龙12``; the prefix is what stands before 人调字 in a full number (letters: 龙, 岳麓).
_SHORT_RE: Final = re.compile(r"(?:\(?(?P<year>\d{4})\)?)?(?P<prefix>[^\W\d_]+?)第?(?P<seq>\d+)号?")
# The reader's committee's case by its sequence number alone, as a clerk says it: ``第10号``,
# ``10号``, ``第10`` (this year's), ``2025年第10号``, ``(2025)第10号``. A bare number is an id.
_SEQ_RE: Final = re.compile(
    r"(?:\((?P<y1>\d{4})\)|(?P<y2>\d{4})年)?(?:第(?P<s1>\d+)号?|(?P<s2>\d+)号)"
    r"|(?P<y3>\d{4})第(?P<s3>\d+)号?")
_NUMBER_RE: Final = re.compile(r"\(\d{4}\)[^()]+人调字第\d+号")
# A full number missing its brackets or its year: ``2025龙人调字第12号``, ``龙人调字第12号``
# (this year's), ``龙人调字12号``.
_LOOSE_NUMBER_RE: Final = re.compile(
    r"(?:(?P<year>\d{4})年?)?(?P<prefix>[^\W\d_]+?)人调字第?(?P<seq>\d+)号?")
CASE_REF_FORMS: Final = N_(
    "{ref!r} is not a case: give its id ({id}), its number ({number}, brackets half- or "
    "full-width: {wide}) or a short form ({short}, {dated}, {seq_only}, {seq_bare})")


class CaseSeq(NamedTuple):
    """A case named by its year and sequence number only (``第10号``): the reader's committee's
    prefix completes its number (db.casestore)."""

    year: int
    seq: int


def case_number(year: int, prefix: str, seq: int) -> str:
    """A committee's case number: ``(2026)龙人调字第12号``."""
    return f"({year}){prefix}人调字第{seq}号"


def short_ref(year: int, prefix: str, seq: int, *, this_year: int) -> str:
    """A case's short form, as :func:`case_key` reads it back: ``龙12`` for this year's case
    12, ``2025龙12`` for another year's."""
    return f"{prefix}{seq}" if year == this_year else f"{year}{prefix}{seq}"


def _this_year() -> int:
    from mediation.core.clock import local_date, utcnow

    return local_date(utcnow()).year


def case_key(value: str | int, *, year: int | None = None) -> int | str | CaseSeq:
    """What a case reference names: its id (an int) when it is a whole number of at most 18
    digits, otherwise its number as :func:`case_ref` reads it, in any brackets (``〔2026〕``,
    full-width), or expanded from a short form: ``龙12`` is case 12 of ``year`` (default: this
    year, China time), ``2025龙12`` case 12 of 2025; ``第12号`` or ``12号`` is a :class:`CaseSeq`
    (this year's case 12 of the reader's committee). Anything else is returned as text, which
    :func:`is_case_number` tells from a number."""
    return key_of_ref(case_ref(str(value)), year=year)


def key_of_ref(ref: str, *, year: int | None = None) -> int | str | CaseSeq:
    """:func:`case_key` of a reference already read by :func:`case_ref` (the reading is most of
    the cost: a search asks for the key of one query for several years)."""
    v = ref.translate(_YEAR_BRACKETS)
    if v.isascii() and v.isdigit() and len(v) <= 18:
        return int(v)
    if "人调字" in v and not _NUMBER_RE.fullmatch(v):
        # The number written without its year's brackets or without its year: 龙人调字第12号
        # is this year's case 12 (a clerk's trial was refused it), 2025龙人调字第12号 2025's.
        loose = _LOOSE_NUMBER_RE.fullmatch(v)
        if loose:
            return case_number(int(loose["year"]) if loose["year"] else year or _this_year(),
                               loose["prefix"], int(loose["seq"]))
    if "人调字" not in v:
        alone = _SEQ_RE.fullmatch(v)
        if alone:
            stated = alone["y1"] or alone["y2"] or alone["y3"]
            return CaseSeq(int(stated) if stated else year or _this_year(),
                           int(alone["s1"] or alone["s2"] or alone["s3"]))
        short = _SHORT_RE.fullmatch(v)
        if short:
            return case_number(int(short["year"]) if short["year"] else year or _this_year(),
                               short["prefix"], int(short["seq"]))
    return v


def is_case_number(key: int | str | CaseSeq) -> TypeGuard[str]:
    """Whether :func:`case_key`'s answer is a case number in its one written form."""
    return isinstance(key, str) and _NUMBER_RE.fullmatch(key) is not None


def not_a_case(ref: str | int, prefix: str, year: int) -> Msg:
    """The refusal of a reference in none of the forms: each form, with the committee's prefix."""
    return msg(CASE_REF_FORMS, ref=str(ref), id=12, number=case_number(year, prefix, 12),
               wide=f"〔{year}〕{prefix}人调字第12号", short=f"{prefix}12",
               dated=f"{year - 1}{prefix}12", seq_only="第12号", seq_bare="12号")


# ---------------------------------------------------------------------------------------------
# Phone numbers

PHONE_FORMS: Final = N_(
    "a mobile as 13812345678 (also 138-1234-5678, 138 1234 5678, +86 138 1234 5678, "
    "0086 13812345678) or a landline with its area code as 0731-88886666 (also "
    "(0731)88886666, 0731 8888 6666, an extension as 0731-88886666-123)")
_PHONE_SHAPE_RE: Final = re.compile(
    r"(?P<country>(?:\+|00)\s*86[\s-]*|\(\s*\+?86\s*\)\s*)?"
    r"(?P<rest>\(?\d[\d\s()-]*)", re.ASCII)
_MOBILE_RE: Final = re.compile(r"1[3-9]\d{9}", re.ASCII)
_PHONE_SEP_RE: Final = re.compile(r"[\s()-]+")
_LANDLINE_RE: Final = re.compile(r"0(?:[12]\d|[3-9]\d\d)[1-9]\d{6,7}", re.ASCII)


def _landline(digits: str) -> str | None:
    if not _LANDLINE_RE.fullmatch(digits):
        return None
    area = 3 if digits[1] in "12" else 4
    return f"{digits[:area]}-{digits[area:]}"


def phone_or_none(value: str) -> str | None:
    """The canonical form of one written phone number (``13812345678``, ``0731-88886666``,
    ``0731-88886666-123``), or None when ``value`` is in none of the accepted forms."""
    if _MOBILE_RE.fullmatch(value):  # the common case, already canonical
        return value
    v = fold(value)
    m = _PHONE_SHAPE_RE.fullmatch(v)
    if m is None or v.count("(") != v.count(")"):
        return None
    international = m.group("country") is not None
    rest = m.group("rest")
    groups = [g for g in _PHONE_SEP_RE.split(rest) if g]
    digits = "".join(groups)
    if _MOBILE_RE.fullmatch(digits):
        return digits
    if international and not digits.startswith("0"):
        digits, groups = "0" + digits, ["0" + groups[0], *groups[1:]]
    found = _landline(digits)
    if found is not None:
        return found
    if len(groups) > 1 and len(groups[-1]) <= 6:  # an extension after the last separator
        main = _landline("".join(groups[:-1]))
        if main is not None:
            return f"{main}-{groups[-1]}"
    return None


def phone(value: str) -> str:
    """The canonical form of a phone number, or :class:`Unreadable` naming the forms."""
    found = phone_or_none(value)
    if found is None:
        raise Unreadable(N_("{value!r} is not a phone number; write {forms}"), value=value,
                         forms=msg(PHONE_FORMS))
    return found


# ---------------------------------------------------------------------------------------------
# Dates

DATE_FORMS: Final = N_("2026-12-31 (also 2026/12/31, 2026.12.31, 2026年12月31日)")
_DATE_RE: Final = re.compile(
    r"(?P<y>\d{4})\s*(?:(?P<s>[-/.])\s*(?P<m1>\d{1,2})\s*(?P=s)\s*(?P<d1>\d{1,2})"
    r"|年\s*(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*[日号]?)", re.ASCII)


def _date_parts(value: str, pattern: re.Pattern[str]) -> tuple[re.Match[str], date] | None:
    m = pattern.fullmatch(fold(value))
    if m is None:
        return None
    y, mo, d = m.group("y"), m.group("m1") or m.group("m2"), m.group("d1") or m.group("d2")
    try:
        return m, date(int(y), int(mo), int(d))
    except ValueError:
        raise Unreadable(N_("{value!r} is not a real date"), value=value) from None


_PERIOD_RE: Final = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.]\s*(?P<m1>\d{1,2})|年\s*(?:(?P<m2>\d{1,2})\s*月"
    r"|第?\s*(?P<q>[1-4一二三四])\s*季度?)|\s*[Qq]\s*(?P<q2>[1-4])|\s*年度?)?", re.ASCII)
_QUARTERS: Final = {"一": "1", "二": "2", "三": "3", "四": "4"}


def period_text(value: str) -> str:
    """A month, quarter or year in any of the forms people write, as the statistics read it:
    ``2026年11月``, ``2026/11``, ``2026.11`` → ``2026-11``; ``2026年第4季度``, ``2026 q4`` →
    ``2026Q4``; ``2026年``, ``2026年度`` → ``2026``. Anything else is returned folded, unchanged
    otherwise, for the caller to refuse naming its forms."""
    folded = fold(value).strip()
    m = _PERIOD_RE.fullmatch(folded)
    if m is None:
        return folded
    month_ = m.group("m1") or m.group("m2")
    if month_:
        return f"{m.group('y')}-{int(month_):02d}"
    quarter = m.group("q") or m.group("q2")
    if quarter:
        return f"{m.group('y')}Q{_QUARTERS.get(quarter, quarter)}"
    return m.group("y")


# A month and a day without their year (12-31, 12/31, 12.31, 12月31日, 12月31号), perhaps with a
# time after it (core/moments reads the time): which year it is, periods.parse_date decides.
_MONTH_DAY_RE: Final = re.compile(
    r"(?P<m>\d{1,2})\s*(?:(?P<s>[-/.])\s*(?P<d1>\d{1,2})|月\s*(?P<d2>\d{1,2})\s*[日号]?)"
    r"(?P<rest>(?:[T ]\s*|(?<=[日号])\s*)\S.*)?", re.ASCII)


def month_day(value: str) -> tuple[int, int, str] | None:
    """``(month, day, what follows)`` of a date written without its year (``12-31``,
    ``12月31日 15:00``), folded; None for any other text. The month and day are not checked
    against a calendar here (a year decides whether 2-29 is one)."""
    m = _MONTH_DAY_RE.fullmatch(fold(value).strip())
    if m is None:
        return None
    return int(m.group("m")), int(m.group("d1") or m.group("d2")), m.group("rest") or ""


def date_(value: str, forms: str = DATE_FORMS) -> date:
    """A calendar date written ``2026-12-31``, ``2026/12/31``, ``2026.12.31`` or
    ``2026年12月31日``, in any width; otherwise :class:`Unreadable` naming ``forms`` (those,
    or a caller's that reads more)."""
    found = _date_parts(value, _DATE_RE)
    if found is None:
        raise Unreadable(N_("{value!r} is not a date; write {forms}"), value=value,
                         forms=msg(forms))
    return found[1]


# ---------------------------------------------------------------------------------------------
# Resident ID numbers (the checks themselves are in identity.py)


_PLAIN_ID_RE: Final = re.compile(r"\d{17}[\dXx]", re.ASCII)
_ID_SEP_RE: Final = re.compile(r"[\s-]+")
_GROUPED_INT_RE: Final = re.compile(r"-?\d{1,3}(?:,\d{3})+")


def resident_id_text(value: str) -> str:
    """An ID number as typed, in plain form: folded, upper case (``x`` → ``X``), without the
    spaces or hyphens some write between its groups (``430104 19900307 123X``)."""
    if _PLAIN_ID_RE.fullmatch(value):  # the common case, already plain
        return value.upper()
    return _ID_SEP_RE.sub("", fold(value)).upper()


def integer_text(value: str) -> str:
    """A whole number as typed (``１０``, ``1,000``): folded, thousands separators removed."""
    v = fold(value)
    return v.replace(",", "") if _GROUPED_INT_RE.fullmatch(v) else v

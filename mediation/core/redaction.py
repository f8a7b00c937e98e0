"""One redaction: whose names are personal, one normal form of a name, and the ID and phone
numbers written inside free text, in every common written form.

Every path that shows, stores or writes free text goes through here (docs/access.md, "Personal
information"): the case file on screen, the event log (:func:`mediation.db.eventlog.append`
scrubs every string it records), the event views (``case history``, ``audit log``), the files,
and retention.

- **Whose names.** :func:`is_person` and :func:`persons`: persons are the parties of kind
  ``person`` and every guardian (agent); a legal person's or an organisation's registered name is
  not personal data and is never masked.
- **Name variants.** :func:`normal_name`: the middle dot of minority names typed as ``·``, ``•``,
  ``・``, ``.`` (with or without spaces around it) becomes ``·``; stray spaces inside a Han name
  go (``张 三`` → ``张三``). Names are stored in this form (``cases.PartyIn``), the duplicate
  check compares it, and :func:`redact_names` finds every variant spelling of a name in text.
- **Numbers.** :func:`scrub` (widths folded by :func:`mediation.core.normalise.fold_width`, the
  inputs' one normaliser; this recognises numbers *inside* free text): resident ID numbers
  (18 characters), mobile numbers (with or without ``+86`` / ``0086`` / ``86``) and landlines
  (area code and number), written with ASCII or full-width digits and with spaces, hyphens or
  dots between the digits, are masked as ``110***********1234`` / ``138****5678``.
- **Quoted values.** :func:`scrub_quoted`: every value a message quotes (``'430***********0022'
  不是电话号码``: what a user typed into the wrong prompt, a file's field, a usage error) goes
  through it, in one place (``i18n.quoted``, called by ``Msg.render``); a whole hex word (a
  digest, a generated file name) is left as it is.

What it does not cover: names of people who are not parties or guardians (a neighbour named only
in the minutes), numbers written in Chinese numerals (一三八…), and events written before this
version (the event log cannot be changed; the views still mask the current parties' names).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from mediation.core import identity, normalise
from mediation.core.lazyre import lazy

PERSON = "person"

# ---------------------------------------------------------------------------------------------
# Whose names are personal


class _PartyLike(Protocol):
    @property
    def kind(self) -> Any: ...

    @property
    def name(self) -> str: ...

    @property
    def guardian_name(self) -> str | None: ...

    @property
    def representative_name(self) -> str | None: ...


def is_person(kind: object) -> bool:
    """Whether a party of this kind is a natural person (whose name is personal data)."""
    return str(getattr(kind, "value", kind)) == PERSON


def persons(parties: Iterable[_PartyLike]) -> list[str]:
    """The persons' names of a case: parties of kind person, every guardian (agent) and every
    organisation's representative (法定代表人, 主要负责人: mediation.parties)."""
    out: list[str] = []
    for p in parties:
        if is_person(p.kind) and p.name:
            out.append(p.name)
        out.extend(n for n in (p.guardian_name, p.representative_name) if n)
    return out


def persons_of_rows(rows: Iterable[Sequence[Any]]) -> list[str]:
    """:func:`persons` of ``(name, kind, guardian_name, representative_name)`` rows read with
    Core statements (the persons who act for a party: each a person's name, or None)."""
    out: list[str] = []
    for name, kind, *agents in rows:
        if is_person(kind) and name:
            out.append(name)
        out.extend(a for a in agents if a)
    return out


def shown_name(name: str, kind: object, *, full: bool) -> str:
    """A party's name as a reader sees it: in full, or masked (``张某``) when it is a person's
    and the reader may not see names."""
    if full or not is_person(kind):
        return name
    return identity.mask_name(name) or ""


def guardian_shown(name: str | None, relation: str | None, phone: str | None, *,
                   reveal: bool, names: bool, id_number: str | None = None
                   ) -> dict[str, str | None] | None:
    """A party's guardian (监护人) as shown: the name as a person's (:func:`shown_name`: ``周某``
    unless ``names``), the relation's code, the ID number (since migration 0026; the key only
    when there is one, so that the events recorded before read as the guardian shown now) and
    the phone masked unless ``reveal`` (``110***********1234``, ``138****5678``, as a party's);
    None without a guardian. THE one shape: ``case show`` (cases.PartyView) and the events that
    record a party (the intake's, the import's, a correction's: masked, ``reveal`` and ``names``
    false) hold the same, so that ``case history`` shows the guardian as ``case show`` does
    (queries.PartiesShown)."""
    if not name:
        return None
    return {"name": shown_name(name, PERSON, full=names), "relation": relation,
            **({"id_number": id_number if reveal else identity.mask_id(id_number)}
               if id_number else {}),
            "phone": phone if reveal else identity.mask_phone(phone)}


# ---------------------------------------------------------------------------------------------
# One normal form of a name

DOTS = "·•・.．‧∙⋅･·ㆍ"  # middle dot and the characters typed for it
_SPACE = r"[\s\u3000]"
_HAN = r"\u3400-\u9fff\uf900-\ufaff"
# A dot between two Han characters (a dot elsewhere, as in "x.example", is left alone).
_DOT_RE = lazy(rf"(?<=[{_HAN}]){_SPACE}*[{re.escape(DOTS)}]{_SPACE}*(?=[{_HAN}])")
_HAN_GAP_RE = lazy(rf"(?<=[{_HAN}·]){_SPACE}+(?=[{_HAN}·])")
_SPACES_RE = re.compile(rf"{_SPACE}+")


def normal_name(name: str) -> str:
    """The one normal form of a person's name: ``阿依古丽 • 买买提`` → ``阿依古丽·买买提``,
    ``张 三`` → ``张三``; full-width Latin letters folded; other runs of spaces made one."""
    v = _fold_width(name).strip()
    v = _DOT_RE.sub("·", v)
    v = _HAN_GAP_RE.sub("", v)
    return _SPACES_RE.sub(" ", v)


def normal_dots(text: str) -> str:
    """``text`` with each dot typed between two Han characters (``.``, ``•``, ``・``, ...; spaces
    beside it too) made the middle dot a name is stored with (:func:`normal_name`): what a
    search's words are read as, so that ``阿依古丽.买买提`` is the stored ``阿依古丽·买买提``."""
    return _DOT_RE.sub("·", text) if any(ch in _SQUEEZED_OUT for ch in text) else text


UNDOTTED_MAX = 3  # dots in a name of which each may be left out; beyond, all or none


def undotted_names(name: str) -> list[str]:
    """A stored name (:func:`normal_name`) as a clerk may type it without some or all of the
    dots between its Han characters (``阿依古丽·买买提`` → ``阿依古丽买买提``; for a name of
    three parts, either dot left out too): every such form but the name itself, in a stable
    order, the one without any dot first; none for a name without a dot. A name of more than
    :data:`UNDOTTED_MAX` dots: the one without any only."""
    if "·" not in name:
        return []
    pieces = _DOT_RE.split(name)
    if len(pieces) < 2:
        return []
    dots = len(pieces) - 1
    out = ["".join(pieces)]
    if dots <= UNDOTTED_MAX:
        for keep in range(1, 2 ** dots - 1):  # some dots kept, some left out
            form = pieces[0]
            for i, piece in enumerate(pieces[1:]):
                form += ("·" if keep >> i & 1 else "") + piece
            out.append(form)
    return out


# Matching ignores what variant spellings differ in: whitespace and the dots (and letter case
# and width). Text and names are compared "squeezed" of those; a match is mapped back to the
# characters of the original text. No regular expression per name: names differ from case to
# case, and compiling one for each would cost milliseconds per case in a bulk import.
_SQUEEZED_OUT = frozenset(DOTS)
_SQUEEZE = {ord(ch): None for ch in DOTS} | {ord(ch): None for ch in " \t\n\r\f\v\u3000\u00a0"}


def _key(name: str) -> str:
    return _fold_width(name).translate(_SQUEEZE).lower()


class Names:
    """The persons' names to mask, prepared once for many texts (an event's changes)."""

    def __init__(self, names: Iterable[str]) -> None:
        masks: dict[str, str] = {}
        for n in names:
            if not n:
                continue
            normal = normal_name(n)
            key = _key(normal)
            if len(key) >= 2:
                masks[key] = identity.mask_name(normal) or ""
        self.keys = sorted(masks, key=len, reverse=True)  # the longest name first
        self.masks = masks
        # A text holding none of the names' first characters (either case, either width)
        # holds none of the names: most strings of an event are codes, dates and numbers.
        self.firsts = {v for k in masks for v in (k[0], k[0].upper(),
                                                  chr(ord(k[0]) + 0xFEE0) if "!" <= k[0] <= "~"
                                                  else k[0],
                                                  chr(ord(k[0].upper()) + 0xFEE0)
                                                  if "!" <= k[0].upper() <= "~" else k[0])}

        # the characters themselves, looked for without a regular expression (one compiled
        # for each case's names cost the bulk import a compile a case)
        self._first = frozenset("".join(self.firsts))

    def __bool__(self) -> bool:
        return bool(self.keys)

    def redact(self, text: str) -> str:
        if self._first.isdisjoint(text):
            return text
        folded = _fold_width(text).lower()
        if not any(k in folded.translate(_SQUEEZE) for k in self.keys):
            return text  # the usual case: none of the names is written here
        kept = [i for i, ch in enumerate(folded)
                if ch not in _SQUEEZED_OUT and not ch.isspace()]
        squeezed = "".join(folded[i] for i in kept)
        taken = [False] * len(squeezed)
        spans: list[tuple[int, int, str]] = []
        for key in self.keys:
            at = squeezed.find(key)
            while at >= 0:
                end = at + len(key)
                if any(taken[at:end]):  # inside a longer name found before
                    at = squeezed.find(key, at + 1)
                    continue
                taken[at:end] = [True] * len(key)
                spans.append((kept[at], kept[end - 1] + 1, self.masks[key]))
                at = squeezed.find(key, end)
        out, last = [], 0
        for start, end, mask in sorted(spans):
            out.append(text[last:start])
            out.append(mask)
            last = end
        out.append(text[last:])
        return "".join(out)


def redact_names(text: str | None, names: Iterable[str] | Names) -> str | None:
    """Each person's name written inside ``text``, in any variant spelling, masked (``张某``)."""
    if not text:
        return text
    if isinstance(names, Names):
        prepared = names
    elif isinstance(names, (tuple, list)) and not names:
        return text  # no names (redact's default): nothing to prepare
    else:
        prepared = Names(names)
    return prepared.redact(text) if prepared else text


# ---------------------------------------------------------------------------------------------
# Numbers inside free text

_fold_width = normalise.fold_width  # the inputs' one normaliser: full-width to ASCII


_D = "[0-9０-９]"
_SEP = "[ \u00a0\u3000\t\\-‐‑‒–—－.．]"
_G = f"{_SEP}{{0,3}}"  # between two digits: nothing, or up to three separators (" - ")
_NOT_BEFORE = r"(?<![0-9０-９])"
_NOT_AFTER = r"(?![0-9０-９])"


def _digits(n: int) -> str:
    return "".join(f"{_G}{_D}" for _ in range(n))


_ID_RE = lazy(f"{_NOT_BEFORE}[1-9１-９]{_digits(16)}{_G}(?:{_D}|[XxＸｘ]){_NOT_AFTER}")
_PREFIX = f"(?:(?:[+＋]|00|００)[ \u3000]*)?[8８][ \u3000]*[6６]{_SEP}{{0,3}}"
_MOBILE_RE = lazy(
    f"{_NOT_BEFORE}(?:[(（][ \u3000]*(?:[+＋]|00|００)?[ \u3000]*[8８][ \u3000]*[6６][ \u3000]*"
    f"[)）][ \u3000]*|{_PREFIX})?(?P<m>[1１]{_G}[3-9３-９]{_digits(9)}){_NOT_AFTER}")
_LANDLINE_RE = lazy(
    f"{_NOT_BEFORE}(?P<m>[(（]?[0０]{_digits(2)}(?:{_G}{_D})?[)）]?{_G}"
    f"{_D}{_digits(6)}(?:{_G}{_D})?){_NOT_AFTER}")
_ANY_DIGITS = re.compile(f"{_D}(?:{_G}{_D}){{6}}")  # seven digits at least: worth a look


def _plain(written: str) -> str:
    return "".join(ch for ch in _fold_width(written).upper() if ch.isdigit() or ch == "X")


def _mask_id(m: re.Match[str]) -> str:
    v = _plain(m.group(0))
    return v[:3] + "*" * 11 + v[-4:]


def _mask_number(m: re.Match[str]) -> str:
    v = _plain(m.group("m"))
    start = m.start("m") - m.start(0)
    return m.group(0)[:start] + v[:3] + "*" * (len(v) - 7) + v[-4:]


# A whole value that is an instant or a date as the log records them (clock.iso:
# ``2026-12-01T13:48:00Z``, ``2026-12-01``) holds no ID or phone number: the three expressions
# leave every one unchanged (tests/unit/test_redaction.py), at some 50 us each, and a workflow
# step's changes are mostly such values (issue 18).
_INSTANT_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?:T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?")


def scrub(text: str | None) -> str | None:
    """ID numbers and phone numbers written inside free text, in any common written form,
    masked (``110***********1234``, ``138****5678``, ``073****8888``)."""
    if not text or not _ANY_DIGITS.search(text) or _INSTANT_RE.fullmatch(text):
        return text
    return _scrub_numbers(text)


def _scrub_numbers(text: str) -> str:
    text = _ID_RE.sub(_mask_id, text)
    text = _MOBILE_RE.sub(_mask_number, text)
    return _LANDLINE_RE.sub(_mask_number, text)


# A whole word of lower-case hex digits with a letter in it: a digest or a generated file name
# (``intake-0123456789abcdef.json``, an anchor's hash), whose digits are no phone number.
_HEX_WORD_RE = lazy(r"(?<![0-9A-Za-z])[0-9a-f]*[a-f][0-9a-f]*(?![0-9A-Za-z])")


def scrub_quoted(text: str) -> str:
    """:func:`scrub` of a value a message quotes (i18n.quoted: what a user typed, a file's
    field, a path, a digest): every number masked but those inside a whole hex word."""
    if not _ANY_DIGITS.search(text):
        return text
    out, last = [], 0
    for m in _HEX_WORD_RE.finditer(text):
        if len(m.group(0)) >= 8:
            out.append(scrub(text[last:m.start()]) or "")
            out.append(m.group(0))
            last = m.end()
    out.append(scrub(text[last:]) or "")
    return "".join(out)


def redact(text: str | None, names: Iterable[str] | Names = ()) -> str | None:
    """Free text with numbers scrubbed and the given persons' names masked."""
    return redact_names(scrub(text), names)


_HEX_RE = re.compile(r"[0-9a-f]{32,}")


def redact_value(value: Any, names: Sequence[str] | Names = ()) -> Any:
    """:func:`redact` applied to every string inside a JSON-like value (an event's changes);
    a hex digest (a keyed hash) is left as it is."""
    if not isinstance(names, Names):
        names = Names(names)
    if isinstance(value, str):
        return value if _HEX_RE.fullmatch(value) else redact(value, names)
    if isinstance(value, Mapping):
        return {k: redact_value(v, names) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value(v, names) for v in value]
    return value


def redact_changes(changes: Mapping[str, Any], names: Sequence[str] = ()) -> dict[str, Any]:
    """An event's changes with :func:`redact_value` applied to every string in them."""
    prepared = Names(names)
    return {k: redact_value(v, prepared) for k, v in changes.items()}


# ---------------------------------------------------------------------------------------------
# Addresses

_UNIT = f"[{_HAN}]"
_ADDRESS_RE = lazy(
    rf"^{_SPACE}*(?P<prefix>(?:{_UNIT}{{1,10}}?(?:省|自治区|特别行政区){_SPACE}*)?"
    rf"(?:{_UNIT}{{1,10}}?(?:市|自治州|州|盟|地区){_SPACE}*){{0,2}})"
    rf"(?P<district>{_UNIT}{{1,10}}?(?:区|县|旗|市))")
# Names ending like a district that are not divisions: compounds, estates, zones. (东城区,
# 中山区, 神农架林区 are real: 城区, 山区 and 林区 are not listed.)
_NOT_DIVISIONS = ("小区", "社区", "园区", "街区", "景区", "校区", "厂区", "营区", "住宅区",
                  "生活区", "宿舍区", "商业区", "开发区", "工业区", "保税区", "高新区", "片区",
                  "辖区", "花园区", "家属区")


def address_prefix(value: str) -> str | None:
    """The administrative divisions an address starts with, down to the district or county
    (``湖南省长沙市岳麓区``), or None when it starts with none (a road, a compound)."""
    m = _ADDRESS_RE.match(value)
    if m is None:
        return None
    district = m.group("district")
    if district.endswith(_NOT_DIVISIONS) or (not m.group("prefix") and len(district) < 3):
        return None
    return re.sub(_SPACE, "", m.group(0))


def mask_address(value: str | None) -> str | None:
    """An address cut to the district or county (``湖南省长沙市岳麓区***``); ``***`` when no
    administrative division is found at its start."""
    if not value:
        return value
    prefix = address_prefix(value)
    return (prefix or "") + "***"

"""What a ``case search`` query asks for: the one place a query is classified (issue 14).

A query is one of:

- ``reference``: a case number, in full (``(2026)龙人调字第12号``, any brackets) or short
  (``龙12``, ``2025龙12``, ``第12号``, ``12号``); it finds that case first, and is searched as
  words too.
- ``phone``: a whole, valid phone number (``13812345678``, ``0731-88886666``); looked up by its
  keyed hash, never as text (a number is scrubbed from the text). A landline's digits may also
  be the end of an ID number (``0103120014`` is both ``010-3120014`` and the end of the ID
  number of someone born in 2001): then they are looked up as a tail too (``tail``).
- ``id``: a whole, valid resident ID number; looked up by its keyed hash, never as text.
- ``tail``: the end of a phone or ID number, 4 characters or more (digits; an ID number's may
  end in ``X``), as a clerk asks for "the one whose phone ends in 5678"; looked up on the
  parties' own numbers, and searched as words too (``5678`` may be an amount).
- ``text``: anything else: names, parts of names, words of the case file.

Pure: no database. What each kind becomes in SQL is :mod:`mediation.search_query`; who may look
a number or a tail up (the readers who see names) is :mod:`mediation.search`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final, Literal

from mediation.core import identity, normalise, redaction

Kind = Literal["reference", "phone", "id", "tail", "text"]
TAIL_MIN: Final = 4  # characters of a number's end: fewer would find half the committee
# the end of a phone (digits) or of an ID number (digits, an X last), written in any width
_TAIL_RE: Final = re.compile(rf"\d{{{TAIL_MIN},17}}|\d{{{TAIL_MIN - 1},17}}X", re.ASCII)


@dataclass(frozen=True)
class Asked:
    """A query classified: its ``kind``, its words (``terms``), and for a number the normal form
    it is looked up by (``number``: the canonical phone, the normalised ID number, the tail in
    upper case, or the reference as typed, completed by :func:`reference_key`)."""

    kind: Kind
    terms: list[str] = field(default_factory=list)
    number: str = ""
    tail: str = ""  # the end of a number it is (kind tail), or may be too (a landline)
    ref: str = ""  # a reference as normalise.case_ref reads it (kind reference): key_of's input

    @property
    def whole_number(self) -> bool:
        """A whole phone or ID number: looked up by its keyed hash only, never as text."""
        return self.kind in ("phone", "id")

    @property
    def searched_as_text(self) -> bool:
        return not self.whole_number


def terms_of(query: str) -> list[str]:
    """The words of a query: split on white space (ideographic too), each at most once; a dot
    typed between two Han characters (``阿依古丽.买买提``, ``阿依古丽 • 买买提``) read as the
    middle dot names are stored with (``redaction.normal_dots``), as the duplicate check reads
    a name (the index holds a name without its dots too: ``searchindex.document``)."""
    out: list[str] = []
    for t in redaction.normal_dots(normalise.text(query)).split():
        if t and t not in out:
            out.append(t)
    return out


def classify(query: str) -> Asked:
    """What ``query`` asks for (the module's kinds, tried in that order)."""
    terms = terms_of(query)
    stripped = query.strip()
    ref = read_reference(stripped)
    if ref is not None:
        return Asked("reference", terms, stripped, ref=ref)
    compact = "".join(query.split())
    phone = identity.valid_phone(stripped)
    if phone is not None:  # a mobile's digits are no ID number's end (that starts 9 or 0)
        return Asked("phone", terms, phone, tail=(tail_of(query) or "") if phone[0] == "0"
                     else "")
    found = identity.check_resident_id(compact)
    if not isinstance(found, str):
        return Asked("id", terms, found[0])
    tail = tail_of(query)
    if tail is not None:
        return Asked("tail", terms, tail, tail=tail)
    return Asked("text", terms)


def tail_of(query: str) -> str | None:
    """The end of a phone or ID number the query is, normalised (``5678``, ``123X``), or None."""
    v = normalise.resident_id_text(query)  # any width, upper case, no spaces or hyphens
    return v if _TAIL_RE.fullmatch(v) else None


def is_reference(query: str) -> bool:
    """Whether the query is a case number in one of its forms. A bare number is not (it may be
    an amount, or a number's tail); anything else is text to search."""
    return read_reference(query) is not None


def read_reference(query: str) -> str | None:
    """The query as :func:`normalise.case_ref` reads it when it is a case number in one of its
    forms (:func:`is_reference`), else None: read once, the key then taken for any year
    (:func:`key_of`, :func:`year_stated`)."""
    try:
        ref = normalise.case_ref(query)
        key = normalise.key_of_ref(ref, year=2000)  # the year does not decide the form
    except (ValueError, TypeError):
        return None
    return ref if isinstance(key, normalise.CaseSeq) or normalise.is_case_number(key) else None


def reference_key(query: str, year: int) -> str | normalise.CaseSeq:
    """The number a reference names, its year (when the form states none) ``year``; a
    :class:`~mediation.core.normalise.CaseSeq` when the committee's prefix completes it."""
    return key_of(normalise.case_ref(query), year)


def key_of(ref: str, year: int) -> str | normalise.CaseSeq:
    """:func:`reference_key` of a reference read by :func:`read_reference`."""
    key = normalise.key_of_ref(ref, year=year)
    if isinstance(key, int):  # not a reference (read_reference says so first)
        raise ValueError(ref)
    return key


def states_year(query: str) -> bool:
    """Whether a reference states its year (``2025龙12``, a full number) or means this year's."""
    return year_stated(normalise.case_ref(query))


def year_stated(ref: str) -> bool:
    """:func:`states_year` of a reference read by :func:`read_reference`."""
    return key_of(ref, 1999) == key_of(ref, 2001)

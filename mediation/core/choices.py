"""The one parser for enumerated values a user types: a code or its name, in either language.

``parse("state", "调解中")`` → ``mediating``; ``parse("sex", "男")`` → ``male``; the English name
and the code work too, in any letter case and in full-width characters. A part of exactly one
Chinese name, of two characters or more, is that value too (``结案`` → ``closed``, ``微信`` →
``message`` 短信微信); a part of several names is refused naming them (``调解``: 调解中 or
终止调解), never guessed. Names come from the
message catalogues (``state.mediating`` → 调解中), so a name shown on screen can always be typed
back. Categories have their own rules (:func:`category`): code, name, a part of exactly one
name (``邻里``), or a code without its leading zero (``2`` → ``02``).

A value that is none of these raises :class:`ChoiceError` whose message names the allowed values:
under zh each by its Chinese name alone (``男、女``: the codes are still read, and --help and
the docs list them), under en the codes. Every
vocabulary value read from any input (a CLI option, a prompt, ``case.json``, a ``case import``
line, ``case amend --add-party/--edit-party/--prevention`` JSON, a lead CSV or JSON) goes
through :func:`parse` or :func:`category`, so the code and its name are accepted alike on every
path. Pure: no database, no terminal.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from mediation.core.i18n import Msg, get_language, join, msg, name

# The vocabularies a user may type, by the catalogue kind of their names.
_ENUMS: dict[str, str] = {
    "state": "State", "source": "Source", "sex": "Sex", "decline": "DeclineReason",
    "terminate": "TerminateReason", "performance": "Performance",
    "satisfaction": "Satisfaction", "judicial": "JudicialResult", "prevention": "PreventionKind",
    "role": "Role", "risk": "RiskLevel", "form": "AgreementForm", "party": "PartyRole",
    "kind": "PartyKind", "id_type": "IdType",
    "dismiss": "DismissReason", "lead_status": "LeadStatus", "channel": "FeedbackChannel",
    "format": "OutputFormat", "recipient": "Recipient", "relation": "GuardianRelation",
    "ethnicity": "ETHNICITIES",  # codes, not an enum: GB/T 3304's are numbers (01 汉族)
}

@functools.cache
def _words() -> dict[str, dict[str, str]]:
    """Words people write for a value besides its names (父亲 for 父母, 个人 for 自然人), by
    vocabulary."""
    from mediation.core import vocab

    # an ethnic group's name without 族 (汉, 蒙古, 土 for 土族, not 土家族)
    short = {name("ethnicity", c, "zh").removesuffix("族"): c for c in values("ethnicity")
             if name("ethnicity", c, "zh").endswith("族")}
    return {"relation": vocab.RELATION_WORDS, "kind": vocab.KIND_WORDS, "ethnicity": short}

# The shortest part of a Chinese name taken for the whole (one character is too easily a slip).
SHORTEST_PART = 2


class ChoiceError(ValueError):
    def __init__(self, message: Msg) -> None:
        super().__init__(message.render("en"))
        self.message = message


def fold(text: str) -> str:
    """How typed values are compared: the one normaliser for codes (normalise.code: full-width
    to half-width, separators as underscores), then case-folded."""
    from mediation.core import normalise

    return normalise.code(text).casefold()


def values(kind: str) -> list[str]:
    """The codes of a vocabulary, in their defined order."""
    from mediation.core import vocab

    enum: type[StrEnum] | tuple[str, ...] = getattr(vocab, _ENUMS[kind])
    return [v if isinstance(v, str) else v.value for v in enum]


@functools.cache
def _codes(kind: str) -> frozenset[str]:
    return frozenset(values(kind))


def kinds() -> list[str]:
    return list(_ENUMS)


def label(kind: str, code: str, lang: str | None = None) -> str:
    """``登记 (intake)`` in Chinese, ``intake`` in English: what a listing of choices shows."""
    lang = lang or get_language()
    shown = name(kind, code, lang)
    return code if lang == "en" or fold(shown) == fold(code) else shown


def allowed(kind: str, codes: Sequence[str] | None = None) -> str:
    """The allowed values as one line: Chinese names under zh, codes under en."""
    sep = "、" if get_language() == "zh" else ", "
    return sep.join(label(kind, c) for c in (codes if codes is not None else values(kind)))


def listing(kind: str, codes: Sequence[str] | None = None) -> str:
    """THE allowed values as a refusal names them: under zh each by its Chinese name alone
    (``男、女``; the codes are still read, and --help and the docs list them), under en the
    codes."""
    return join([label(kind, code) for code in (codes if codes is not None else values(kind))])


def both(kind: str, code: str) -> str:
    """A value by its Chinese name, its code in brackets (``自然人（person）``): how a value is
    named where the code may matter too, whatever the language (a name that is its code
    alone: ``JSON``)."""
    shown = name(kind, code, "zh")
    if fold(shown) == fold(code):  # JSON: the name is the code
        return shown
    return f"{shown}（{code}）" if get_language() == "zh" else f"{shown} ({code})"


def parse(kind: str, text: str, codes: Sequence[str] | None = None) -> str:
    """The code ``text`` means: the code itself, its Chinese or English name, a word people
    write for it (:func:`_words`: 父亲 is 父母), or a part (two characters or more) of exactly
    one Chinese name."""
    if text in (_codes(kind) if codes is None else codes):  # the common case, already a code
        return text  # (the bulk import's every record)
    choices = list(codes) if codes is not None else values(kind)
    wanted = fold(text)
    for code in choices:
        if wanted in {fold(code), fold(name(kind, code, "zh")), fold(name(kind, code, "en"))}:
            return code
    word = _words().get(kind, {}).get(wanted)
    if word is not None and word in choices:
        return word
    found = part_of(kind, wanted, choices)
    if len(found) == 1:
        return found[0]
    if found:
        raise ChoiceError(msg("{value!r} is part of several: {found}; give one of them",
                              value=text, found=_both(kind, found)))
    raise ChoiceError(msg("{value!r} is not one of: {allowed}", value=text,
                          allowed=listing(kind, choices)))


def part_of(kind: str, wanted: str, codes: Sequence[str]) -> list[str]:
    """The codes whose Chinese name holds ``wanted`` (folded, two characters or more, not a
    code's letters): the one rule of a part of a name, for :func:`parse` and its callers."""
    return parts(wanted, {c: name(kind, c, "zh") for c in codes})


def parts(wanted: str, names: Mapping[str, str], *, shortest: int = SHORTEST_PART
          ) -> list[str]:
    """The keys of ``names`` whose name holds ``wanted`` (folded, ``shortest`` characters or
    more, not Latin letters, which are codes): THE rule of a part of a name, for vocabularies
    (:func:`part_of`) and for staff (``staff_names.mediator``: a surname, ``李``, is one
    character)."""
    if len(wanted) < shortest or wanted.isascii():
        return []
    return [key for key, shown in names.items() if wanted in fold(shown)]


def _both(kind: str, codes: Sequence[str]) -> str:
    """What a part of a Chinese name matched: under zh each by its Chinese name (as
    :func:`listing`), under en by its Chinese name and code (``自然人 (person)``)."""
    if get_language() == "zh":
        return listing(kind, codes)
    return join([both(kind, c) for c in codes])


def completions(kind: str, incomplete: str,
                codes: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """Shell completion: codes and Chinese names that start with what was typed, with help."""
    start = fold(incomplete)
    found: list[tuple[str, str]] = []
    for code in codes if codes is not None else values(kind):
        zh = name(kind, code, "zh")
        if fold(code).startswith(start):
            found.append((code, zh))
        if zh != code and fold(zh).startswith(start):
            found.append((zh, code))
    return found


def category(text: str) -> str:
    """A category code from its code, its code without the leading zero, or its name."""
    from mediation.core import categories

    if categories.get(text) is not None:  # the common case, already a code
        return text
    wanted = fold(text)
    table = categories.all_categories()
    for cat in table:
        if wanted in {fold(cat.code), fold(cat.zh), fold(cat.en)}:
            return cat.code
        if wanted.isdigit() and len(wanted) < len(cat.code) and wanted.zfill(len(cat.code)) == \
                cat.code:
            return cat.code
    if len(wanted) >= SHORTEST_PART and not wanted.isascii():  # a part of one name (邻里)
        found = [c for c in table if wanted in fold(c.zh)]
        if len(found) == 1:
            return found[0].code
        if found:
            raise ChoiceError(msg("{value!r} is part of several: {found}; give one of them",
                                  value=text, found=join([_category(c, "zh") for c in found])))
    listing = join([_category(c, get_language()) for c in table])
    raise ChoiceError(msg("{value!r} is not a category; allowed: {allowed}", value=text,
                          allowed=listing))


def _category(cat: Any, lang: str) -> str:
    """A category in a listing: by name with its code in brackets, the name in ``lang``."""
    shown = cat.name(lang)
    return f"{shown}（{cat.code}）" if get_language() == "zh" else f"{shown} ({cat.code})"


def category_family(code: str) -> list[str]:
    """A category and its sub-categories (a parent code includes them, as statistics count)."""
    from mediation.core import categories

    return [c.code for c in categories.all_categories() if code in (c.code, c.parent)]


def ethnicity_name(stored: str | None) -> str | None:
    """A stored ethnic group (the standard's Chinese name, ``fields.ethnicity``) in the reader's
    language (汉族, Han); a value of no group of the standard (none is stored) as it is. Here,
    not beside ``fields.ethnicity``: the views show it, and ``mediation.core.fields`` imports
    pydantic, which no view (nor ``--help``, which imports the views) may pay for (issue 18)."""
    from mediation.core.vocab import ETHNICITIES

    if not stored:
        return stored
    try:
        return name("ethnicity", parse("ethnicity", stored, ETHNICITIES))
    except ChoiceError:
        return stored

"""Every one-line message fits an 80-column terminal (issue 14, "output that fits"): a refusal,
a note, a confirmation, an echo line is one line, so its text, with the longest values its
fields take in practice, fits on the line after the CLI's ``错误：`` / ``error: `` prefix.

Which messages are one line, over the whole catalogue (tools/catalogues.py):

* every message the code of mediation/ and cli/ uses (Babel's extraction, as the catalogue
  check does): one line by default, so a new message is checked without naming it here;
* but not the live command tree's help texts (docstrings, option help, metavars: the help
  formatter wraps them, tests/cli/test_help_wrap.py), nor the names of values (``state.*``,
  ``field.*``, ``revision.*``, the workflow table's bases: shown in cells or inside a message),
  nor the entries marked ``#, wrapped`` in the catalogues: prose printed wrapped to the
  terminal (render.paragraph: a statistics note, a one-time code's instructions; render.notes:
  a note before a command to copy), a table's cell, or a document's text; never a refusal.

The budget (documented at the top of docs/cli.md, written by tools/clidoc.py): 80 columns less
the width of the error prefix in that language (``错误：`` 6, ``error: `` 7), CJK characters two
columns each. A field is counted with the longest value it realistically takes (``WORST``: a
case number as (2026)龙人调字第1234号, a masked name of four characters, a path of 20 columns,
a date and time, the longest state or role name of the language); a field that holds another
message (``{why}``, ``{message}``, ``{forms}``...) counts as empty here: that message is
checked on its own.
"""

from __future__ import annotations

import re
import string
import sys
from functools import cache
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import catalogues

from cli.lines import width
from tests.unit.width_known import EN_KNOWN, ZH_LEFT

COLUMNS = 80
WRAPPED = "wrapped"  # the catalogue flag of text the CLI wraps (or a document holds)
_KEY = re.compile(r"[a-z_]+\.[\w.-]+")

CASE = "(2026)龙人调字第1234号"
NAME = "欧阳某某"  # a name of four characters, masked as shown to most roles
PATH = "卷宗/2026/调解书.pdf"  # 20 columns
WHEN = "2026-12-01 09:30"
DATE = "2026-12-01"
COUNT = "1234"
TYPED = "二〇二六年十"  # a value the user typed, quoted: 14 columns with its quotes
WORST: dict[str, str] = {
    **dict.fromkeys(("case", "number", "numbers", "case_no"), CASE),
    **dict.fromkeys(("name", "who", "target", "actor", "visitor", "visited", "giver", "admin",
                     "signed", "label", "staff", "typed", "able", "holders", "guardian",
                     "applicants", "respondents", "names", "users", "lead", "owner"), NAME),
    "user": "liming22",
    **dict.fromkeys(("path", "file", "folder", "source"), PATH),
    "url": "postgresql://db/mediation",
    **dict.fromkeys(("when", "time", "at", "registered", "previous", "now"), WHEN),
    **dict.fromkeys(("date", "due", "filed", "day", "today", "discovered", "iso", "start",
                     "end", "deadline", "decided"), DATE),
    # counts and sequence numbers (an event's, a lead's, a line's): four digits
    **dict.fromkeys(("n", "count", "line", "seq", "days", "total", "bad", "version", "id",
                     "persons", "involved", "other", "events", "max", "page", "shown",
                     "found", "size", "minutes", "no", "row", "m", "nth", "limit", "most",
                     "zero", "year", "left", "head", "first", "last", "before", "after",
                     "concluded", "succeeded", "rev", "in_id", "replayed_version", "kept",
                     "attempts", "checks", "revs", "diffs", "cases"), COUNT),
    **dict.fromkeys(("hash", "head_hash", "last_hash", "published", "actual"), "0" * 16),
    **dict.fromkeys(("value", "ref", "zone", "category", "option"), TYPED),
    **dict.fromkeys(("period", "latest"), "2026-01-01..2026-03-31"),
    "command": "mediation case intake",
    "code": "K7QW-3M9P",
    # a step a message names: the longest of the steps a clerk records (申请司法确认); the
    # longest trigger name (其他调委会疑似重复) is no step one types
    **dict.fromkeys(("step", "action"), "申请司法确认"),
    "rate": "66.7%",
    "interval": "55.1%–76.4%",
    **dict.fromkeys(("low", "high"), "55.1%"),
}
# fields whose value is another message, checked on its own
PARTS = frozenset({"message", "why", "detail", "hint", "error", "notice", "note", "allowed",
                   "actions", "what", "refusal", "said", "forms", "words", "example", "reason",
                   "help", "fault", "result", "terms", "measures"})
# fields naming a value of a vocabulary: the longest name of its kind in the language
KINDS = {"state": "state", "replayed": "state", "from_state": "state", "to_state": "state",
         "dest": "state", "role": "role", "granted": "role",
         "act": "trigger",
         "performance": "performance", "satisfaction": "satisfaction", "form": "form",
         "party": "party", "kind": "kind", "relation": "relation", "sex": "sex",
         "channel": "channel", "stage": "state"}
DEFAULT = "12345678"  # any other field: eight columns
# where a field's name means something else in one message
SPECIFIC: dict[str, dict[str, str]] = {
    "Imported {count} cases: {first} to {last}.": {"first": CASE, "last": CASE},
    "{value} is out of range: dates are from {first} to {last}": {"first": DATE, "last": DATE},
    "{first} et al. ({count})": {"first": NAME},
    "two places given ({first} and --out {second}): give one": {"first": PATH, "second": PATH},
    "Note: the same party is in an open case of another committee: {cases}. Decide with that "
    "committee whether this is one dispute.": {"cases": CASE},
    "Filed {case} on {date}; kept for {period}; {count} documents frozen.": {"period": "30 年"},
    # what the district administrator did, the longest of its acts (停用/启用账号)
    'Notice: the district administrator {admin} did "{act}" ({user}) on {time}.': {
        "act": "停用/启用账号"},
    # an hour a part of the day does not say (moments._no_such_hour: 中午3点)
    "{value!r}: {part} has no {hour} o'clock; write {early} ({am}) or {late} ({pm})": {
        "value": "中午3点", "part": "中午", "hour": "3", "early": "凌晨3点", "am": "03:00",
        "late": "下午3点", "pm": "15:00"},
    # a time typed alone that is still to come today (dates.py: 晚上12点), for --registered-at
    '{option} {when} is in the future (now {now}); if you meant yesterday, write {option} '
    '"yesterday {time}"': {"option": "--registered-at", "time": "晚上12点"},
    # a spreadsheet or document given where JSON is read: its file name and its kind
    "{origin} is a {kind} file; case import takes only .jsonl, one JSON object per line (see "
    "docs/case-json.md)": {"origin": PATH, "kind": "Excel"},
    "{origin} is a {kind} file; case new --file takes one case as JSON (see docs/case-json.md); "
    "a ledger of cases goes through case import": {"origin": PATH, "kind": "Excel"},
    # a period's option as typed (--month)
    "the period is given twice ({period} and {option} {value}): give one": {
        "option": "--quarter", "value": "2026Q4"},
    # a step's line: the event's number and who recorded it
    "{number}: now {state} (version {version}, event {event}), recorded by {by}": {
        "event": COUNT, "by": NAME},
    # the one whose session a sign-in ends: a person
    "Signed in as {user} ({role}) until {time}; {previous} is signed out.": {"previous": NAME},
    # the forms of a case reference, for case 12 (normalise.not_a_case)
    "{ref!r} is not a case: give its id ({id}), its number ({number}, brackets half- or "
    "full-width: {wide}) or a short form ({short}, {dated}, {seq_only}, {seq_bare})": {
        "id": "12", "number": "(2026)龙人调字第12号", "wide": "〔2026〕龙人调字第12号",
        "short": "龙12", "dated": "2025龙12", "seq_only": "第12号", "seq_bare": "12号"},
}


def prefix(lang: str) -> int:
    from mediation.core.i18n import gettext_

    return width(gettext_("error: {message}", lang).format(message=""))


def budget(lang: str) -> int:
    return COLUMNS - prefix(lang)


@cache
def longest(kind: str, lang: str) -> str:
    from mediation.core.i18n import names

    shown = [t for k, t in names(lang).items() if k.startswith(kind + ".")]
    return max(shown, key=width, default=DEFAULT)


def worst(field: str, lang: str, mid: str = "") -> str:
    if field in SPECIFIC.get(mid, {}):
        return SPECIFIC[mid][field]
    if field in PARTS:
        return ""
    if field in KINDS:
        return longest(KINDS[field], lang)
    return WORST.get(field, DEFAULT)


def at_worst(text: str, lang: str, mid: str = "") -> str:
    """``text`` (message ``mid``) with each field filled by its longest realistic value
    (``{value!r}`` quoted)."""
    fields = {f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f}
    return text.format(**{f: worst(f, lang, mid) for f in fields})


@cache
def wrapped() -> frozenset[str]:
    """The entries marked ``#, wrapped`` in either language's catalogue."""
    return frozenset(str(m.id) for lang in catalogues.LANGS
                     for cat in catalogues.catalogues(lang).values() for m in cat
                     if m.id and WRAPPED in m.flags)


@cache
def one_line_ids() -> frozenset[str]:
    other = catalogues.tree_ids() | catalogues.enum_keys() | wrapped()
    return frozenset(m for m in catalogues.code_ids()
                     if m not in other and not _KEY.fullmatch(m))


@cache
def texts(lang: str) -> dict[str, str]:
    """Each one-line message in ``lang`` as the CLI shows it: its translation, or (English
    catalogues leave sentences untranslated) its id."""
    known = catalogues.known("zh_CN" if lang == "zh" else "en")
    return {m: known.get(m) or m for m in one_line_ids()}


def too_long(lang: str) -> dict[str, tuple[int, str]]:
    found = {}
    for mid, text in texts(lang).items():
        shown = at_worst(text, lang, mid)
        if width(shown) > budget(lang):
            found[mid] = (width(shown), shown)
    return found




def test_the_budget_is_80_columns_less_the_error_prefix() -> None:
    assert budget("zh") == 74 and budget("en") == 73
    assert width(CASE) == 22 and width(PATH) == 20 and width(f"'{TYPED}'") == 14


def test_the_classification_holds_what_it_must() -> None:
    """Refusals of every kind are one-line; help texts, names and paragraphs are not."""
    ids = one_line_ids()
    assert {"error: {message}", "Case {case} is {state}; cannot {action}: {why}. {allowed}",
            "May duplicate {numbers}; check, or add --force (recorded)."} <= ids
    assert not ids & catalogues.tree_ids()
    assert all(not _KEY.fullmatch(m) for m in ids)
    assert wrapped() and not wrapped() & ids
    for mid in wrapped():  # a wrapped text is still one the code uses
        assert mid in catalogues.code_ids(), mid


@pytest.mark.parametrize(("lang", "known"), [("zh", ZH_LEFT), ("en", EN_KNOWN)])
def test_every_one_line_message_fits(lang: str, known: frozenset[str]) -> None:
    """Each message over the budget is named, with its width and its worst case; those left
    from before (tests/unit/width_known.py) are allowed until shortened, and leave the list
    then."""
    over = too_long(lang)
    new = {m: v for m, v in over.items() if m not in known}
    assert not new, "\n".join(f"{w} columns (budget {budget(lang)}): {mid!r}\n    {shown}"
                              for mid, (w, shown) in sorted(new.items()))
    assert not known - set(over), sorted(known - set(over))  # fits now: take it off the list


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_message_too_long_is_named(lang: str) -> None:
    """The check itself: a field takes its worst value, and the message is named."""
    text = "案件 {case} 已由 {who} 于 {time} 修改：请重新读取后再试，或联系主任"
    assert width(at_worst(text, lang)) > budget(lang) >= width(at_worst("案件 {case}", lang))
    assert at_worst("{value!r}", lang) == f"'{TYPED}'"
    assert at_worst("{state}{why}", lang) == longest("state", lang)

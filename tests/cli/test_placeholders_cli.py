"""A placeholder (``‹原因›``, core.placeholders) is refused by every option and argument of the
command line, whatever its kind (free text, a word of a vocabulary, a number, a date, a file, a
case reference): one line saying what to replace, exit 1, nothing written (issue 14: an agenda
line run as printed recorded a reason "原因" and a court "人民法院")."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation.core.placeholders import CLOSE, OPEN, found, placeholder
from tests.conftest import Result

Cli = Callable[..., Result]

# Commands of the demo's cases, each with one value to be replaced by a placeholder ("{}").
LINES = [
    ("case", "extend", "5", "--days", "{}", "--reason", "等待鉴定", "--consent"),
    ("case", "extend", "5", "--days", "10", "--reason", "{}", "--consent"),
    ("case", "visit", "6", "--performance", "{}", "--satisfaction", "满意"),
    ("case", "visit", "6", "--performance", "full", "--satisfaction", "{}"),
    ("case", "feedback", "6", "--channel", "{}"),
    ("case", "feedback", "6", "--channel", "phone", "--to", "{}"),
    ("case", "judicial", "6", "--court", "{}"),
    ("case", "judicial", "6", "--court", "岳麓区人民法院", "--filed", "{}"),
    ("case", "terminate", "4", "--reason", "{}", "--advice", "可向法院起诉"),
    ("case", "terminate", "4", "--reason", "no_agreement", "--advice", "{}"),
    ("case", "agree", "5", "--terms", "{}"),
    ("case", "urge", "6", "--note", "{}"),
    ("case", "session", "5", "--minutes", "{}"),
    ("case", "accept", "{}"),
    ("case", "visit", "6", "--satisfaction", "满意", "--at", "{}"),
    ("case", "print", "agreement", "6", "{}"),
]
inner = st.text(st.characters(blacklist_characters=OPEN + CLOSE + "\x00",
                              blacklist_categories=("Cs", "Cc")), max_size=12)


def _versions(cli: Cli) -> list[tuple[int, int]]:
    listed = json.loads(cli("case", "list", "--all", "--json").out)
    return [(c["id"], c["version"]) for c in listed]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(line=st.sampled_from(LINES), text=inner, lang=st.sampled_from(["zh", "en"]),
       around=st.sampled_from(["", "前", "x "]))
def test_a_placeholder_is_refused_in_one_line_anywhere(
        cli: Cli, demo_of: Callable[..., None], line: tuple[str, ...], text: str, lang: str,
        around: str) -> None:
    demo_of()  # a copy (nothing is written here: the example before left no journal)
    shown = f"{OPEN}{text}{CLOSE}"
    value = around + shown
    before = _versions(cli)
    done = cli("--lang", lang, *[value if w == "{}" else w for w in line])
    assert done.code == 1 and done.out == "", (line, done.err)
    assert len(done.err.splitlines()) == 1 and "Traceback" not in done.err
    assert found(value) == shown
    assert (f"请把 {shown} 换成实际内容" if lang == "zh"
            else f"replace {shown} with the actual value") in done.err, done.err
    assert _versions(cli) == before


def test_the_form() -> None:
    assert placeholder("advice given") == "‹advice-given›"
    assert found("--reason ‹原因›") == "‹原因›" and found("原因") is None

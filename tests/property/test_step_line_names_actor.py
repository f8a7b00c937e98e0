"""A step's confirmation names who recorded it when they signed in (a clerk's trial: on a shared
terminal `(2026)龙人调字第1号：当前为“调解中”（版本 4，记录 16）` did not say whose step it
was). One place renders every step's line (render.step_done); Hypothesis over staff names
(Chinese, Latin, with a user name in brackets), case numbers, states, versions and both
languages: the line starts as it always did, ends with the name whole, and fits 80 columns;
without sign-in it is exactly the old line."""

from __future__ import annotations

import io
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli import render
from mediation.core.commands import StepDone
from mediation.core.i18n import name, set_language
from mediation.core.vocab import State


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_names = st.one_of(
    st.text(_HAN, min_size=2, max_size=6),
    st.builds(lambda n, u: f"{n}({u})", st.text(_HAN, min_size=2, max_size=4),
              st.from_regex(r"[a-z]{3,10}[0-9]?", fullmatch=True)),
    st.from_regex(r"[A-Z][a-z]{2,8} [A-Z][a-z]{2,10}", fullmatch=True))


def _line(done: StepDone, monkeypatch: pytest.MonkeyPatch) -> str:
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    try:
        render.step_done(done, as_json=False)
    finally:
        monkeypatch.setattr(sys, "stdout", sys.__stdout__)
    return out.getvalue()


@settings(max_examples=150, deadline=None)
@given(lang=st.sampled_from(["zh", "en"]), by=_names,
       number=st.builds(lambda y, p, n: f"({y}){p}人调字第{n}号", st.integers(2020, 2099),
                        st.text(_HAN, min_size=1, max_size=3), st.integers(1, 99999)),
       state=st.sampled_from(list(State)), version=st.integers(1, 999),
       event=st.integers(1, 10**7))
def test_the_step_line_names_who_recorded_it(lang: str, by: str, number: str, state: State,
                                            version: int, event: int) -> None:
    mp = pytest.MonkeyPatch()
    mp.setenv("COLUMNS", "80")
    set_language(lang)
    try:
        old = _line(StepDone(id=1, number=number, state=state.value, version=version,
                             event=event), mp)
        new = _line(StepDone(id=1, number=number, state=state.value, version=version,
                             event=event, by=by), mp)
        shown_state = name("state", state.value)
    finally:
        set_language("en")
        mp.undo()
    assert old == (f"{number}：当前为“{shown_state}”（版本 {version}，记录 {event}）\n"
                   if lang == "zh" else
                   f"{number}: now {shown_state} (version {version}, event {event})\n")
    lines = new.rstrip("\n").split("\n")
    assert all(width(line) <= 80 for line in lines), new
    assert "".join(lines).replace(" ", "") == (
        old.rstrip("\n") + ("，由 " if lang == "zh" else ", recorded by ") + by
        + (" 记录" if lang == "zh" else "")).replace(" ", ""), new
    assert any(by in line for line in lines), new  # the name whole on one line

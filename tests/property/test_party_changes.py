"""A correction's parties show only what changed (issue 14, a clerk's trial): for any
correction (parties removed, particulars edited, an ID number among them, parties added, as
``case amend`` makes them: corrections._parties_amended), mediation.party_changes finds
exactly the parties removed and added and, for each party kept, exactly the fields edited;
and the timeline (``case history``, ``audit log``, ``audit case``, in zh and en, on a terminal
and in a pipe) shows each value changed and no value of a party left as it was."""

from __future__ import annotations

import io
import sys
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cli.timeline import events
from mediation.core.i18n import set_language
from mediation.party_changes import party_changes
from mediation.tables import EventView
from tests.conftest import TerminalOut

HAN = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁"
ADDED = "甲乙丙丁戊己庚辛"  # the surnames of the parties added, none of those before


@st.composite
def corrections(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]],
                                          dict[str, Any]]:
    """Parties before, after, and what was done: ``removed`` (0-based places before),
    ``edited`` (place after → the fields changed), ``added`` (places after)."""
    serial = iter(range(10_000))

    def party(surnames: str = HAN) -> dict[str, Any]:  # each of those before its own surname
        n = next(serial)
        p: dict[str, Any] = {"role": draw(st.sampled_from(["applicant", "respondent"])),
                             "kind": "person", "name": surnames[n % len(surnames)] + draw(
                                 st.text(HAN, min_size=1, max_size=3)) + f"{n}",
                             "phone": f"139****{n:04d}", "id_number": f"430***********{n:04d}"}
        if draw(st.booleans()):
            p["guardian"] = {"name": f"周{n}", "relation": "parent", "phone": f"136****{n:04d}"}
        return p

    before = [party() for _ in range(draw(st.integers(1, 5)))]
    removed = sorted(draw(st.sets(st.integers(0, len(before) - 1), max_size=len(before) - 1)))
    after: list[dict[str, Any]] = []
    edited: dict[int, set[tuple[str, ...]]] = {}
    for i, p in enumerate(before):
        if i in removed:
            continue
        p = {**p}
        fields: set[tuple[str, ...]] = set()
        for field in draw(st.sets(st.sampled_from(["phone", "name", "guardian.phone",
                                                   "id_number"]))):
            n = next(serial)
            if field == "id_number":  # a number corrected (with any other field: issue 14)
                p["id_number"] = f"430***********{n:04d}"
                fields.add(("id_number",))
            elif field == "guardian.phone" and "guardian" in p:
                p["guardian"] = {**p["guardian"], "phone": f"136****{n:04d}"}
                fields.add(("guardian", "phone"))
            elif field == "phone":
                p["phone"] = f"139****{n:04d}"
                fields.add(("phone",))
            elif field == "name":
                p["name"] = p["name"] + "改"
                fields.add(("name",))
        if fields:
            edited[len(after)] = fields
        after.append(p)
    kept = len(after)
    # another person: another surname (a party added in the place of one removed, 李某 → 王某)
    after += [party(ADDED) for _ in range(draw(st.integers(0, 2)))]
    return before, after, {"removed": removed, "edited": edited,
                           "added": list(range(kept, len(after)))}


@given(made=corrections())
def test_exactly_what_changed_is_found(made: tuple[list[dict[str, Any]], list[dict[str, Any]],
                                                   dict[str, Any]]) -> None:
    before, after, done = made
    found = party_changes(before, after)
    assert [c.number - 1 for c in found if c.kind == "removed"] == done["removed"]
    assert [c.number - 1 for c in found if c.kind == "added"] == done["added"]
    assert {c.number - 1: {f for f, _b, _a in c.fields} for c in found
            if c.kind == "changed"} == done["edited"]
    assert not any(c.corrected for c in found)


@given(made=corrections(), lang=st.sampled_from(["zh", "en"]), terminal=st.booleans())
def test_the_timeline_shows_only_what_changed(made: tuple[list[dict[str, Any]],
                                                          list[dict[str, Any]],
                                                          dict[str, Any]],
                                              lang: str, terminal: bool) -> None:
    before, after, done = made
    event = EventView(seq=5, at="2026-12-01T13:45:00Z", case="(2026)龙人调字第1号",
                      actor="wangfang", role="director", action="amend", from_state="intake",
                      to_state="intake", version=2, reason="更正", hash="0" * 64,
                      changes={"parties": [before, after]})
    shown: io.StringIO = TerminalOut() if terminal else io.StringIO()
    saved, sys.stdout = sys.stdout, shown
    set_language(lang)
    try:
        events([event], fmt=None, as_json=False, with_case=True)
    finally:
        sys.stdout = saved
        set_language("en")
    text = shown.getvalue()
    gone = {before[i]["phone"] for i in done["removed"]}
    new = {p["phone"] for j in done["added"] for p in [after[j]]}
    changed = {after[j]["phone"] for j, f in done["edited"].items() if ("phone",) in f}
    same = {p["phone"] for p in after} - new - changed
    assert all(phone in text for phone in gone | new | changed), text
    assert not any(phone in text for phone in same - gone), text  # a party as it was: not shown
    assert ("第" in text and "位当事人" in text) == (lang == "zh" and bool(
        done["removed"] or done["added"] or done["edited"])), text

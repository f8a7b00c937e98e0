"""The one renderer of an event's change values (cli.timeline): staff by display name under
every field that holds a user name (vocab.STAFF_FIELDS), at any depth; the clauses it joins
with no doubled punctuation."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.timeline import clauses, event_rows
from mediation.core.i18n import set_language
from mediation.core.vocab import STAFF_FIELDS
from mediation.tables import EventView, staff_values


def _event(changes: dict[str, Any], staff: dict[str, str]) -> EventView:
    return EventView(seq=1, at="2026-11-02T05:00:00Z", case="(2026)龙人调字第1号",
                     actor="liming", role="mediator", action="visit", from_state=None,
                     to_state=None, version=1, reason=None, changes=changes, hash="0" * 64,
                     actor_name="李明", staff=staff)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("field", sorted(STAFF_FIELDS))
def test_every_staff_field_shows_the_display_name_at_any_depth(field: str, lang: str) -> None:
    set_language(lang)
    shapes: list[dict[str, Any]] = [
        {field: [None, "liming"]}, {field: [["zhaomin"], ["liming", "zhaomin"]]},
        {"follow_up": [None, {field: "liming", "note": "x"}]},
        {"mediators": [None, [{field: "zhaomin"}]]}]
    staff = {"liming": "李明", "zhaomin": "赵敏"}
    for changes in shapes:
        assert staff_values(changes) <= set(staff), changes
        row = event_rows([_event(changes, staff)])[0]
        shown = row[-1]
        assert "liming" not in shown and "zhaomin" not in shown, (changes, shown)
        assert "李明" in shown or "赵敏" in shown, (changes, shown)
    set_language("en")


def test_a_user_name_outside_the_staff_fields_is_text() -> None:
    assert staff_values({"note": [None, "liming"], "minutes": "zhaomin"}) == set()


ends = st.sampled_from(["", "。", "；", "，", ".", ";", " ", "。 "])
text = st.text(st.sampled_from("调解协议甲乙ab1"), min_size=1, max_size=6)


@given(st.lists(st.tuples(text, ends), min_size=1, max_size=5), st.sampled_from(["；", "，", "; "]))
def test_no_clause_is_followed_by_a_second_mark(parts: list[tuple[str, str]], sep: str) -> None:
    joined = clauses([t + e for t, e in parts], sep)
    mark = sep.strip()
    for doubled in ("。" + mark, "；" + mark, "，" + mark, "." + mark, ";" + mark):
        assert doubled not in joined, joined
    assert joined.endswith(parts[-1][0] + parts[-1][1])  # the last clause is as typed
    assert joined.count(mark) >= len(parts) - 1

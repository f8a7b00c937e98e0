"""Hypothesis: the one numbering of a case's sessions (workflow.session_order, 第N次调解) and
what recording one says of it (workflow.renumbering, issue 14): for sessions entered in any
order at any times (ties included), the number a session takes is its place in the order held,
and the sessions said to be renumbered are exactly those whose number changed, from what to
what."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from mediation.workflow import renumbering, session_order

T0 = datetime(2026, 11, 1, 9, 0)


@given(st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=12))
def test_the_numbers_said_are_the_numbers_shown(hours: list[int]) -> None:
    held: list[tuple[datetime, int]] = []
    for entered, h in enumerate(hours, 1):
        new = session_order(T0 + timedelta(hours=h), entered)
        shown_before = {s: i for i, s in enumerate(sorted(held), 1)}
        number, moved = renumbering(held, new)
        held.append(new)
        shown_after = {s: i for i, s in enumerate(sorted(held), 1)}
        assert number == shown_after[new]
        assert moved == [(shown_before[s], shown_after[s]) for s in sorted(shown_before)
                         if shown_before[s] != shown_after[s]]
        assert all(b == a + 1 for a, b in moved)  # each moves one place, in order
        assert not moved or moved[0][0] == number

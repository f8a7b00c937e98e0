"""The shortcuts a search takes (issue 14: the fixed cost of ``case search``) give what the
long way gave.

- ``clock.iso`` writes a time with ``isoformat`` where that is the same text as the
  ``strftime`` it replaced (naive, a year of four digits), ``strftime`` otherwise.
- On SQLite a short word without ASCII letters is counted in the text as stored, not in the
  text folded by ``lower`` (``search_query._count``): the same count, for any text.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from mediation import search_query
from mediation.core.clock import iso

_ZONES = st.sampled_from([None, UTC, timezone(timedelta(hours=8)), timezone(-timedelta(hours=5))])


@given(value=st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)),
       zone=_ZONES)
def test_iso_is_the_strftime_it_replaced(value: datetime, zone: timezone | None) -> None:
    value = value.replace(tzinfo=zone)
    assert iso(value) == value.strftime("%Y-%m-%dT%H:%M:%SZ")


_TEXT = st.text(alphabet="张三李四漏水aAbBzZ0１２ÄäİıΣσß \n-%_", max_size=40)


@given(body=_TEXT, term=st.text(alphabet="张三李四漏水aAbBzZ0１２ÄäİıΣσß-%_", min_size=1,
                                max_size=2))
def test_a_short_word_is_counted_as_lower_counted_it(body: str, term: str) -> None:
    conn = sqlite3.connect(":memory:")
    folded = ("(length(:b) - length(replace(lower(:b), lower(:t), ''))) / length(:t)")
    ours = search_query._count("sqlite", ":b", term, ":t")
    got, want = conn.execute(f"SELECT {ours}, {folded}", {"b": body, "t": term}).fetchone()
    assert got == want
    if any(ch.isascii() and ch.isalpha() for ch in term):
        assert "lower" in ours  # a word with ASCII letters is still matched folded
    else:
        assert "lower" not in ours

"""eventlog.seq_split: the hashed content with any sequence number spliced in is exactly what
content_text writes for that number, whatever the other columns hold (a ``"seq"`` key in the
changes, quotes and the marker's own text in the reason). PostgreSQL's one-statement append
hashes what this splices (eventlog._PG_APPEND)."""

from __future__ import annotations

from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from mediation.db.eventlog import canonical_json, content_text, seq_split

_TEXT = st.text(alphabet=st.sampled_from(list('"seq:,0{}to_state\\王 ')), max_size=30)
_CHANGES = st.dictionaries(st.one_of(_TEXT, st.sampled_from(["seq", "to_state", "version"])),
                           st.one_of(_TEXT, st.integers(-5, 5), st.none()), max_size=4)


@given(seq=st.integers(1, 10**12), reason=st.one_of(st.none(), _TEXT), changes=_CHANGES,
       to_state=st.one_of(st.none(), _TEXT), version=st.one_of(st.none(), st.integers(0, 99)),
       content_version=st.sampled_from([1, 2]))
def test_splice_is_content_text(seq: int, reason: str | None, changes: dict[str, object],
                                to_state: str | None, version: int | None,
                                content_version: int) -> None:
    at = datetime(2026, 11, 30, 8, 0, 0, 123456)

    def content(n: int) -> str:
        return content_text(n, at, 1, 2, "wangfang", "director", "accept", "intake",
                            to_state, version, reason, canonical_json(changes), at,
                            content_version)

    before, after = seq_split(content(0))
    assert before + str(seq) + after == content(seq)

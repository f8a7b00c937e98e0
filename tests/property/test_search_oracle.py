"""Hypothesis: `case search` finds exactly the cases a brute-force scan finds (issue 14), on both
backends, whichever index serves the words: the trigram index (three characters or more), the
short-word index (one or two characters, mediation/db/searchgrams.py) or both in one query.

Random cases (names and facts drawn from a few Chinese characters, ASCII letters of both cases
and punctuation: a quote, a backslash, the operators of FTS5, tsquery and LIKE; so that one- and
two-character words often match and often do not) are searched by the director and the auditor
for random words: pieces of the cases' texts and random strings, ASCII case flipped at random.
On PostgreSQL, either way a short word is served (the index, or a walk of the newest texts for a
word the statistics call common). The scan: every case whose text, as that reader's column of
the index holds it (built from the case file by searchindex.read), holds every word, ASCII case
aside. The search's results, as a set, are the scan's.
"""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import committee, intake, search
from mediation.access.policy import Actor
from mediation.db import searchgrams, searchindex
from mediation.db import settings as db_settings
from tests.conftest import Room

CHARS = "张王李三四漏水赔偿家aBc，'\\&*%"
text_of = st.text(alphabet=CHARS, min_size=2, max_size=24)
name_of = st.builds(lambda s, g: s + g, st.sampled_from("张王李"),
                    st.text(alphabet="三四水家", min_size=1, max_size=2))


def _auditor(room: Room) -> Actor:
    with room.uow() as uow:
        try:
            committee.add_staff(uow, room.director, username="sunli", name="孙丽",
                                role="auditor")
            uow.commit()
        except Exception:
            uow.rollback()
    with room.uow(write=False) as uow:
        return committee.resolve_actor(uow, "sunli")


def _flip(word: str, flips: list[bool]) -> str:
    return "".join(ch.swapcase() if f else ch for ch, f in zip(word, flips, strict=True))


def _scan(room: Room, column: str, words: list[str]) -> set[int]:
    with room.uow(write=False) as uow:
        conn = uow.session.connection()
        ids = [int(r[0]) for r in conn.exec_driver_sql("SELECT id FROM cases")]
        docs = searchindex.read(conn, db_settings.hash_key_of(conn), ids)
    fold = searchgrams.fold
    return {d.case_id for d in docs
            if all(fold(w) in fold(getattr(d, column)) for w in words)}


@settings(max_examples=40)
@given(cases=st.lists(st.tuples(name_of, name_of, text_of).filter(lambda t: t[0] != t[1]),
                      min_size=1, max_size=3),  # one person is never on both sides
       data=st.data())
def test_search_finds_what_a_scan_finds(room: Room, cases: list[tuple[str, str, str]],
                                        data: Any) -> None:
    auditor = _auditor(room)
    for a, b, summary in cases:
        record = intake.parse_case({
            "category": "02", "source": "application",
            "summary": f"{a}称{summary}", "requests": f"请求{b}赔偿。",
            "parties": [{"role": "applicant", "kind": "person", "name": a},
                        {"role": "respondent", "kind": "person", "name": b}]})
        room.run(intake.new_case, room.director, record, force=True)
    pieces = [a for a, _, _ in cases] + [s for _, _, s in cases]
    words = data.draw(st.lists(st.one_of(
        st.text(alphabet=CHARS, min_size=1, max_size=3),
        st.sampled_from(pieces).flatmap(lambda p: st.integers(0, len(p) - 1).flatmap(
            lambda i: st.integers(1, 4).map(lambda n: p[i:i + n])))),
        min_size=1, max_size=3))
    words = [_flip(w, data.draw(st.lists(st.booleans(), min_size=len(w), max_size=len(w))))
             for w in words]
    query = " ".join(words)
    terms = search.terms_of(query)
    if not terms:
        return
    # PostgreSQL: a word the statistics call common is checked on the newest texts instead
    # of looked up in the index; both ways are checked (COMMON 0: every word is common)
    walk = data.draw(st.booleans())
    for actor, column in ((room.director, "named"), (auditor, "masked")):
        with room.uow(write=False) as uow, patch.object(searchgrams, "COMMON",
                                                         0.0 if walk else 2.0):
            found = {h.case.id for h in search.search_cases(uow, actor, query, limit=500)}
        assert found == _scan(room, column, terms), (column, query, walk)

"""The shortcuts PostgreSQL's search takes (issue 14: ``case search`` within 2x of the raw
trigram query) give what the long way gave, for any text, on the server itself.

- A short word without a character ``lower`` folds (``search_query._caseless``: Chinese, digits,
  ASCII punctuation) is counted in the text as stored, not in the text folded by ``lower``
  (``search_query._count``): the same count, whatever the text holds (cased letters of any
  script, ``İ``, ``ß``, full-width letters).
- A word of one or two characters whose gram has no ASCII letter is looked for in the text as
  stored, not in the text with its ASCII letters folded (``search_query._holds``): the same
  answer, for any text.

The results of whole searches (the common short word beside a long one checked on the long
one's matches, the case's row carried by the text's rows) are compared with a scan and with the
search before by tests/property/test_search_oracle.py and test_search_old_new.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, create_engine, text

from mediation import search_query
from mediation.db import searchgrams

pytestmark = pytest.mark.postgres

_LETTERS = "张三李四漏水号0１２aAbBzZÄäİıΣσςßＡａǅ"
_TEXT = st.text(alphabet=_LETTERS + " \n-%_'\\", max_size=40)
_WORD = st.text(alphabet=_LETTERS + "-%_'", min_size=1, max_size=2)


@pytest.fixture(scope="module")
def pg() -> Iterator[Connection]:
    from tests.pg import fresh_database

    with fresh_database() as url:
        engine = create_engine(url)
        with engine.connect() as conn:
            yield conn
        engine.dispose()


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_TEXT, term=_WORD)
def test_a_short_word_is_counted_as_lower_counted_it(pg: Connection, body: str,
                                                     term: str) -> None:
    folded = "(length(:b) - length(replace(lower(:b), lower(:t), ''))) / length(:t)"
    ours = search_query._count("postgresql", "CAST(:b AS text)", term, "CAST(:t AS text)")
    got, want = pg.execute(text(f"SELECT {ours}, {folded}"), {"b": body, "t": term}).one()
    assert got == want
    assert ("lower" in ours) == (not search_query._caseless("postgresql", term))


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_TEXT, word=_WORD)
def test_a_short_word_is_found_as_the_folded_text_found_it(pg: Connection, body: str,
                                                           word: str) -> None:
    gram = searchgrams.query_gram(word)
    upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    folded = f"strpos(translate(CAST(:b AS text), '{upper}', '{upper.lower()}'), :g) > 0"
    ours = search_query._holds("CAST(:b AS text)", gram, ":g")
    got, want = pg.execute(text(f"SELECT {ours}, {folded}"), {"b": body, "g": gram}).one()
    assert got == want == (gram in searchgrams.fold(body))

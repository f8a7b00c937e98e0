"""One declaration of which columns hold personal data (mediation/core/personal.py), and every
consumer derived from it (issue 14: urging and feedback notes were not searched; retention missed
whom a follow-up visit saw, its measures and signs of escalation, and grid leads never taken as a
case and sweep notes).

Every text column of every table of the database, read from the models, must be classified
exactly once; then each free-text column of the case file is searched, hashed in the event log
and redacted by retention, each party datum hashed and cut by retention, each record's free text
erased by retention from its declared start. A new table or column that is not classified fails
here, before it can be missed (tests/property/test_retention_covers_everything.py checks on the
database that retention clears each one).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Column, DateTime, String, Table
from sqlmodel import SQLModel

import mediation.cases  # every table in the metadata
import mediation.tables  # noqa: F401
from mediation import retention
from mediation.cases import Party
from mediation.core import personal
from mediation.db import casefile_changes, searchindex

CLASSES = {"free text": personal.FREE_TEXT, "party data": {"party": personal.PARTY_DATA},
           "not personal": personal.NOT_PERSONAL, "record text": personal.RECORD_TEXT,
           "kept values": personal.KEPT_VALUES}


# Tables that hold nothing typed as it was typed, and why.
EXEMPT = {"event": "the event log: every string redacted as it is written (eventlog.append), "
                   "the case file's personal data and free text as keyed hashes; never changed"}


def _tables() -> dict[str, Table]:
    """Every table of the database, from the models."""
    return {t.name: t for t in SQLModel.metadata.sorted_tables if t.name not in EXEMPT}


def _case_tables() -> dict[str, Table]:
    """Every table of a case: the case's own and each with a ``case_id``."""
    return {n: t for n, t in _tables().items() if n == "cases" or "case_id" in t.c}


def _is_text(column: Column[Any]) -> bool:
    """A column of text: a String, or SQLModel's AutoString (a decorated String)."""
    kind = column.type
    return isinstance(kind, String) or isinstance(getattr(kind, "impl", None), String)


def _text_columns() -> list[tuple[str, str]]:
    return sorted((name, c.key) for name, t in _tables().items() for c in t.columns
                  if _is_text(c) and c.key not in ("id", "case_id"))


FREE = sorted((t, c) for t, cs in personal.FREE_TEXT.items() for c in cs)


def test_the_case_tables_include_every_table_of_the_case_file() -> None:
    assert ("urging", "note") in _text_columns()  # the enumeration sees the models' text
    assert set(casefile_changes.TABLES) <= set(_case_tables())
    assert {"urging", "feedback", "follow_up", "lead"} <= set(_case_tables())
    assert ("sweep", "note") in _text_columns() and ("staff", "name") in _text_columns()


@pytest.mark.parametrize(("table", "column"), _text_columns())
def test_every_text_column_of_a_case_is_classified_exactly_once(table: str, column: str
                                                                ) -> None:
    kinds = [kind for kind, declared in CLASSES.items() if column in declared.get(table, ())]
    assert len(kinds) == 1, (
        f"{table}.{column}: declare it in mediation/core/personal.py as free text, party data "
        f"or not personal (found in: {kinds or 'none'})")


def test_every_declared_column_exists_and_free_text_is_text() -> None:
    tables = _tables()
    for kind, declared in CLASSES.items():
        for table, columns in declared.items():
            assert table in tables, (kind, table)
            for c in columns:
                assert c in tables[table].c, (kind, table, c)
                if kind in ("free text", "record text"):
                    assert _is_text(tables[table].c[c]), (table, c)
    # the case file's free text is the case file's; the records' text is not
    assert set(personal.FREE_TEXT) <= set(casefile_changes.TABLES)
    assert not set(personal.RECORD_TEXT) & set(casefile_changes.TABLES)
    # each kind of record, and a case, names when its period starts: times of its own table
    assert set(personal.PERIOD_START) == {*personal.RECORD_TEXT, "cases"}
    for table, starts in personal.PERIOD_START.items():
        for c in starts:
            assert isinstance(tables[table].c[c].type, DateTime), (table, c)
    assert set(retention.RECORD_NAMES) == set(personal.RECORD_TEXT)


@pytest.mark.parametrize(("table", "column"), FREE)
def test_each_free_text_column_is_indexed_hashed_and_redacted(table: str, column: str) -> None:
    # searched: read into the index, and a change of it refreshes the case's row
    assert column in dict(searchindex.ALL)[table]
    assert column in searchindex.SEARCHED[table]
    assert searchindex.touched([{}, {f"{table}/1": {column: "x"}}])
    # recorded as a keyed hash only in the event log
    assert column in casefile_changes.HASHED[table]
    # redacted by retention
    by_table = {m.__table__.name: cs for m, cs in retention.TEXT_FIELDS.items()}
    assert column in by_table[table]


def test_retention_covers_the_records_text_and_every_party_datum() -> None:
    by_table = {m.__table__.name: set(cs) for m, cs in retention.TEXT_FIELDS.items()}
    for table, columns in personal.RECORD_TEXT.items():
        assert retention.RECORDS[table][1] == columns
        if "case_id" in _tables()[table].c:  # redacted with the case it became part of
            assert set(columns) <= by_table[table]
    party = Party(case_id=1, position=1, role="applicant", kind="person", name="张三",
                  birth_date=date(1980, 3, 12), id_number="430104198003120014",
                  phone="13812345678", address="湖南省长沙市岳麓区某路1号",
                  guardian_name="张大山", guardian_relation="父亲", guardian_phone="13987654321")
    assert set(personal.PARTY_DATA) <= set(retention.party_values(party))
    left = retention.party_values(party)
    assert "张三" not in str(left) and "13812345678" not in str(left)
    assert "430104198003120014" not in str(left) and "张大山" not in str(left)
    assert casefile_changes.HASHED == {t: frozenset(c) for t, c in personal.PERSONAL.items()}


def test_the_index_document_holds_every_free_text_field_masked_for_each_reader() -> None:
    """Each free-text field's words are in the case's index row: in full (numbers scrubbed)
    for a reader who may see names, the parties' names masked for one who may not."""
    case = {"number": "(2026)龙人调字第1号",
            **{c: f"词cases{c} 张三 13812345678" for c in personal.FREE_TEXT["cases"]}}
    others = [f"词{t}{c} 张三 13812345678" for t, cs in personal.FREE_TEXT.items()
              if t != "cases" for c in cs]
    doc = searchindex.document(b"k" * 32, 1, case, [{"name": "张三", "kind": "person"}], others)
    for t, c in FREE:
        assert f"词{t}{c} 张三" in doc.named
        assert f"词{t}{c} 张某" in doc.masked
    assert "13812345678" not in doc.named + doc.masked
    assert "张三" not in doc.masked

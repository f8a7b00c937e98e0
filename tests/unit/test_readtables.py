"""The plain Core tables the start-up paths read (mediation/readtables.py) describe the stored
tables exactly: every column they name is the SQLModel table's column of that name, with the same
type on both backends, the same nullability and the same primary key (issue 18)."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, DateTime, Integer, String, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel

import mediation.cases
import mediation.tables  # noqa: F401
from mediation import readtables

DIALECTS = (sqlite.dialect(), postgresql.dialect())  # type: ignore[no-untyped-call]


def _shape(column: Column[object]) -> tuple[object, ...]:
    return (column.name, tuple(column.type.compile(dialect=d) for d in DIALECTS),
            column.nullable, column.primary_key)


@pytest.mark.parametrize("light", readtables.METADATA.sorted_tables, ids=lambda t: t.name)
def test_each_column_is_the_stored_tables(light: Table) -> None:
    stored = SQLModel.metadata.tables[light.name]
    for column in light.columns:
        assert column.name in stored.c, f"{light.name}.{column.name} is no stored column"
        assert _shape(column) == _shape(stored.c[column.name])


def test_a_drifted_column_would_be_caught() -> None:
    """The comparison sees a changed type, nullability or key (the test above can fail)."""
    stored = SQLModel.metadata.tables["cases"].c
    assert _shape(Column("deadline", DateTime, nullable=False)) != _shape(stored.deadline)
    assert _shape(Column("version", String, nullable=False)) != _shape(stored.version)
    assert _shape(Column("id", Integer, nullable=False)) != _shape(stored.id)
    assert _shape(Column("deadline", DateTime)) == _shape(stored.deadline)


def test_no_metadata_is_shared() -> None:
    """The plain tables are never created or migrated: they are not on SQLModel's metadata."""
    assert readtables.METADATA is not SQLModel.metadata
    assert all(t.metadata is readtables.METADATA for t in readtables.METADATA.sorted_tables)

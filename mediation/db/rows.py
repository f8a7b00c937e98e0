"""Table model instances from database rows, without the ORM's query machinery."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy.orm import configure_mappers
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlmodel import SQLModel

M = TypeVar("M", bound=SQLModel)


def from_row(model: type[M], values: Mapping[str, Any]) -> M:
    """An instance of a table model from a database row, built as the ORM builds one it loads
    (no validation: the values come from the database), but in no session.

    Hot paths read rows with Core statements and still hand a ``Case`` to code that sets its
    attributes (steps.py); building it through the model's ``__init__`` would validate every
    field again, at several times the cost of the query.
    """
    manager = manager_of_class(model)
    if not manager.mapper.configured:
        configure_mappers()
    obj: M = manager.new_instance()
    obj.__dict__.update(values)
    return obj


def assign(obj: SQLModel, field: str, value: Any) -> None:
    """Set a column of an instance :func:`from_row` built, as it set them: in its ``__dict__``,
    where reading the attribute finds it. No session tracks the instance, so SQLAlchemy's
    change tracking has nothing to record, and a table model validates no assignment, so
    pydantic's ``__setattr__`` only stores it too: the two took 15-30 us an assignment, four a
    workflow step (issue 18). Its caller writes the changes itself (casestore.write)."""
    obj.__dict__[field] = value

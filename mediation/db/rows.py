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

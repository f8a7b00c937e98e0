"""Core statements compiled once and, on SQLite, run straight on the driver's connection.

SQLAlchemy compiles a Core statement once per process (its cache), but executing it still costs
far more than SQLite takes to run it: 100-140 us against 6 us for the log head's read (issue 18,
2026-12-01, a loaded machine). On a workflow step's path under SQLite's write lock -- the
compare-and-set on the case, the log head, the event, the head advanced -- that was most of the
time the lock was held, and every other terminal waited for it. :class:`Compiled` keeps a
statement's SQL text for the dialect, the order of its parameters, each one's bind processor
(a timestamp as SQLAlchemy's SQLite type writes it: the same text) and the values the statement
binds itself (``log_head.id = 1``), and on SQLite runs it on the connection's sqlite3 connection,
in the transaction the unit of work began. What the engine does before a statement is done here
too (``engines.before_statement``: the write lock taken first by a unit of work that reads
first), and a driver's error is raised as SQLAlchemy raises it. On any other backend it is
``conn.execute``, unchanged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler

from mediation.db.engines import before_statement

# One parameter: its name, its type's bind processor, and the value the statement binds itself.
_Param = tuple[str, Callable[[Any], Any] | None, Any]
_MISSING = object()


class Compiled:
    """``statement`` compiled once per dialect (with ``column_keys``: an INSERT's or UPDATE's
    columns, in any order) and run by :meth:`execute`."""

    def __init__(self, statement: Executable, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._plans: dict[str, tuple[str, tuple[_Param, ...]]] = {}

    def _plan(self, dialect: Dialect) -> tuple[str, tuple[_Param, ...]]:
        plan = self._plans.get(dialect.name)
        if plan is None:
            compiled = self.statement.compile(  # type: ignore[attr-defined]
                dialect=dialect, column_keys=self.column_keys)
            assert isinstance(compiled, SQLCompiler)
            params: list[_Param] = []
            for name in compiled.positiontup or ():
                bind = compiled.binds[name]
                fixed = _MISSING if bind.required else bind.effective_value
                params.append((name, bind.type.dialect_impl(dialect).bind_processor(dialect),
                               fixed))
            plan = self._plans[dialect.name] = (str(compiled), tuple(params))
        return plan

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """The statement run with ``params`` in ``conn``'s transaction: on SQLite the driver's
        cursor (``fetchone``, ``rowcount``), else SQLAlchemy's result."""
        if conn.dialect.name != "sqlite":
            return conn.execute(self.statement, dict(params))
        sql, plan = self._plan(conn.dialect)
        before_statement(conn, sql)
        values = []
        for name, process, fixed in plan:
            value = params.get(name, fixed)
            if value is _MISSING:
                raise KeyError(name)
            values.append(value if process is None else process(value))
        dbapi: Any = conn.connection.dbapi_connection
        try:
            return dbapi.execute(sql, values)
        except sqlite3.Error as exc:
            raise DBAPIError.instance(sql, values, exc, sqlite3.Error) from exc

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

The reads every step of every terminal makes before the lock -- who acts, the case with its
guards' facts and its committee's calendar -- are compiled the same way (:meth:`Compiled.first`,
:meth:`Compiled.rows`): with several terminals on two cores the CPU each step spends before the
lock is what limits them (issue 18, 2026-12-01). Each column is converted by its type's result
processor, as SQLAlchemy's rows convert it (a timestamp from SQLite's text, a boolean from its
integer).
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
# The SQL, its parameters and its result columns (key, result processor).
_Plan = tuple[str, tuple[_Param, ...], tuple[tuple[str, Callable[[Any], Any] | None], ...]]


class Compiled:
    """``statement`` compiled once per dialect (with ``column_keys``: an INSERT's or UPDATE's
    columns, in any order) and run by :meth:`execute`, or (a query) by :meth:`first`."""

    def __init__(self, statement: Executable, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._plans: dict[str, _Plan] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            compiled = self.statement.compile(  # type: ignore[attr-defined]
                dialect=dialect, column_keys=self.column_keys)
            assert isinstance(compiled, SQLCompiler)
            sql = str(compiled)
            # An expanding IN or a value rendered at run time would change the SQL per call.
            assert "POSTCOMPILE" not in sql, sql
            params: list[_Param] = []
            for name in compiled.positiontup or ():
                bind = compiled.binds[name]
                fixed = _MISSING if bind.required else bind.effective_value
                params.append((name, bind.type.dialect_impl(dialect).bind_processor(dialect),
                               fixed))
            # A query's columns: each one's key and its type's result processor (a timestamp
            # from SQLite's text, a boolean from its integer), as SQLAlchemy's rows give them.
            columns = tuple((c.keyname, c.type.dialect_impl(dialect).result_processor(
                dialect, None)) for c in compiled._result_columns)
            plan = self._plans[dialect.name] = (sql, tuple(params), columns)
        return plan

    def _run(self, conn: Connection, params: Mapping[str, Any]) -> tuple[Any, _Plan]:
        sql, plan, columns = self._plan(conn.dialect)
        # The lock rule is the transaction's: a read outside any (a unit of work that opens
        # none, ``snapshot=False``) has none, whatever a transaction before it on this pooled
        # connection left pending.
        if conn.in_transaction():
            before_statement(conn, sql)
        values = []
        for name, process, fixed in plan:
            value = params.get(name, fixed)
            if value is _MISSING:
                raise KeyError(name)
            values.append(value if process is None else process(value))
        dbapi: Any = conn.connection.dbapi_connection
        try:
            return dbapi.execute(sql, values), (sql, plan, columns)
        except sqlite3.Error as exc:
            raise DBAPIError.instance(sql, values, exc, sqlite3.Error) from exc

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """The statement run with ``params`` in ``conn``'s transaction: on SQLite the driver's
        cursor (``fetchone``, ``rowcount``), else SQLAlchemy's result."""
        if conn.dialect.name != "sqlite":
            return conn.execute(self.statement, dict(params))
        return self._run(conn, params)[0]

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """A query's first row as a mapping of its columns' keys to their values (converted as
        SQLAlchemy converts them), or None when it has none: on SQLite read from the driver
        (a read before the write lock costs every terminal CPU, issue 18), else SQLAlchemy's
        row mapping."""
        if conn.dialect.name != "sqlite":
            found = conn.execute(self.statement, dict(params)).mappings().first()
            return None if found is None else dict(found)
        cursor, (_, _, columns) = self._run(conn, params)
        row = cursor.fetchone()
        if row is None:
            return None
        return {key: value if process is None or value is None else process(value)
                for (key, process), value in zip(columns, row, strict=True)}

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """A query's rows as tuples of its columns' values (converted as SQLAlchemy converts
        them): on SQLite read from the driver, else through SQLAlchemy."""
        if conn.dialect.name != "sqlite":
            return [tuple(row) for row in conn.execute(self.statement, dict(params))]
        cursor, (_, _, columns) = self._run(conn, params)
        processes = [process for _, process in columns]
        if not any(processes):
            return cursor.fetchall()  # type: ignore[no-any-return]
        return [tuple(value if process is None or value is None else process(value)
                      for process, value in zip(processes, row, strict=True))
                for row in cursor.fetchall()]

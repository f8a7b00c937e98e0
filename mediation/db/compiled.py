"""Core statements compiled once and run straight on the driver's connection.

SQLAlchemy compiles a Core statement once per process (its cache), but executing it still costs
far more than the database takes to run it: 100-140 us against 6 us for the log head's read on
SQLite (issue 18, 2026-12-01, a loaded machine), and on PostgreSQL about half of a step's CPU
(710 of 1,400 us for its four statements, one process, 2026-12-01 17:10 UTC, load 12).
:class:`Compiled` keeps a statement's SQL text for the dialect, its parameters (in order for
SQLite's ``?``, by name for psycopg's ``%(name)s``), each one's bind processor (a timestamp as
SQLAlchemy's SQLite type writes it: the same text) and the values the statement binds itself
(``log_head.id = 1``), and runs it on the connection's driver connection (sqlite3 or psycopg),
in the transaction the unit of work began. What the engine does before a statement is done here
too (``engines.before_statement``: on SQLite the write lock taken first by a unit of work that
reads first), a driver's error is raised as SQLAlchemy raises it, and a connection the server
dropped is invalidated as SQLAlchemy would.

A workflow step's statements run this way: who acts, the case with its guards' facts and its
committee's calendar (:meth:`Compiled.first`, :meth:`Compiled.rows`; before SQLite's write
lock, where with several terminals on two cores the CPU each step spends is what limits them),
the compare-and-set on the case, and the event with the log head (under the lock on SQLite, one
statement holding the head row on PostgreSQL). Each column is converted by its type's result
processor, as SQLAlchemy's rows convert it (a timestamp from SQLite's text, a boolean from its
integer; on PostgreSQL chosen by the type the driver reports, as SQLAlchemy chooses it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler

from mediation.db.engines import before_statement

# One parameter: its name (the caller's key), its type's bind processor, the value the
# statement binds itself, and its name in the SQL (a named paramstyle's ``%(name)s``).
_Param = tuple[str, Callable[[Any], Any] | None, Any, str]
_MISSING = object()
_Processor = Callable[[Any], Any] | None
# The SQL, whether its parameters are positional (SQLite's ``?``) or named (psycopg's
# ``%(name)s``), its parameters, and its result columns (key, type).
_Plan = tuple[str, bool, tuple[_Param, ...], tuple[tuple[str, Any], ...]]


class Compiled:
    """``statement`` compiled once per dialect (with ``column_keys``: an INSERT's or UPDATE's
    columns, in any order) and run by :meth:`execute`, or (a query) by :meth:`first` or
    :meth:`rows`, on the driver's connection in the unit of work's transaction."""

    def __init__(self, statement: Executable, column_keys: Sequence[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = list(column_keys) if column_keys is not None else None
        self._plans: dict[str, _Plan] = {}
        # Each result column's processor, per dialect: from the column's type alone on SQLite;
        # elsewhere with the type the driver reports (``cursor.description``), as SQLAlchemy
        # chooses it (psycopg's numeric types), found at the first result.
        self._processors: dict[str, tuple[_Processor, ...]] = {}

    def _plan(self, dialect: Dialect) -> _Plan:
        plan = self._plans.get(dialect.name)
        if plan is None:
            compiled = self.statement.compile(  # type: ignore[attr-defined]
                dialect=dialect, column_keys=self.column_keys)
            assert isinstance(compiled, SQLCompiler)
            sql = str(compiled)
            # An expanding IN or a value rendered at run time would change the SQL per call.
            assert "POSTCOMPILE" not in sql, sql
            positional = bool(compiled.positional)
            names = compiled.positiontup if positional else list(compiled.binds)
            escaped = getattr(compiled, "escaped_bind_names", None) or {}
            params: list[_Param] = []
            for name in names or ():
                bind = compiled.binds[name]
                fixed = _MISSING if bind.required else bind.effective_value
                params.append((name, bind.type.dialect_impl(dialect).bind_processor(dialect),
                               fixed, escaped.get(name, name)))
            columns = tuple((c.keyname, c.type) for c in compiled._result_columns)
            plan = self._plans[dialect.name] = (sql, positional, tuple(params), columns)
        return plan

    def _run(self, conn: Connection, params: Mapping[str, Any]) -> tuple[Any, _Plan]:
        dialect = conn.dialect
        plan = self._plan(dialect)
        sql, positional, binds, _ = plan
        # The lock rule is the transaction's: a read outside any (a unit of work that opens
        # none, ``snapshot=False``) has none, whatever a transaction before it on this pooled
        # connection left pending.
        if dialect.name == "sqlite" and conn.in_transaction():
            before_statement(conn, sql)
        values: Any = [] if positional else {}
        for name, process, fixed, key in binds:
            value = params.get(name, fixed)
            if value is _MISSING:
                raise KeyError(name)
            if process is not None:
                value = process(value)
            if positional:
                values.append(value)
            else:
                values[key] = value
        dbapi: Any = conn.connection.dbapi_connection
        error = dialect.loaded_dbapi.Error
        try:
            return dbapi.execute(sql, values), plan
        except error as exc:
            # As SQLAlchemy's own execution: a connection the server dropped is not handed out
            # again, and the driver's error is raised as SQLAlchemy's (OperationalError ...).
            invalidated = bool(dialect.is_disconnect(exc, dbapi, None))
            if invalidated:
                conn.invalidate(exc)
            raise DBAPIError.instance(sql, values, exc, error,
                                      connection_invalidated=invalidated,
                                      dialect=dialect) from exc

    def _columns(self, dialect: Dialect, cursor: Any, plan: _Plan) -> tuple[_Processor, ...]:
        processors = self._processors.get(dialect.name)
        if processors is None:
            types = [None] * len(plan[3]) if dialect.name == "sqlite" else [
                d[1] for d in cursor.description]
            processors = self._processors[dialect.name] = tuple(
                t.dialect_impl(dialect).result_processor(dialect, code)
                for (_, t), code in zip(plan[3], types, strict=True))
        return processors

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """The statement run with ``params`` in ``conn``'s transaction: the driver's cursor
        (``fetchone``, ``rowcount``)."""
        return self._run(conn, params)[0]

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """A query's first row as a mapping of its columns' keys to their values (converted as
        SQLAlchemy converts them), or None when it has none."""
        cursor, plan = self._run(conn, params)
        row = cursor.fetchone()
        if row is None:
            return None
        processors = self._columns(conn.dialect, cursor, plan)
        return {key: value if process is None or value is None else process(value)
                for (key, _), process, value in zip(plan[3], processors, row, strict=True)}

    def rows(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """A query's rows as tuples of its columns' values (converted as SQLAlchemy converts
        them)."""
        cursor, plan = self._run(conn, params)
        rows = cursor.fetchall()
        processors = self._columns(conn.dialect, cursor, plan)
        if not any(processors):
            return [tuple(row) for row in rows]
        return [tuple(value if process is None or value is None else process(value)
                      for process, value in zip(processors, row, strict=True))
                for row in rows]

"""PostgreSQL: what a new engine's first connection asks the server, in one round trip.

Every command is a new process, so every command's engine is new, and SQLAlchemy's dialect
reads the server's settings on its first connection (``initialize``): its version, the current
schema, the default isolation level (then a rollback) and ``standard_conforming_strings``, each
a statement of its own, in a transaction psycopg begins with a ``BEGIN`` of its own; and
psycopg's dialect looks up the ``hstore`` type. That was eight round trips before a command's
first statement (docs/deploy.md, "What a clerk's command meets: a fresh connection").

:func:`answer_in_one_round_trip` makes the engine's dialect ask the four in one statement, on
the connection in autocommit (no ``BEGIN``, nothing to roll back), and answer its own probes
from that row: SQLAlchemy still parses and stores each answer as it would have. The engine is
also made with ``use_native_hstore=False`` (:data:`ENGINE_OPTIONS`): no column is an hstore.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

# What SQLAlchemy's PostgreSQL dialect runs on a new engine's first connection, each as its own
# statement, and the column of PROBE that answers it.
PROBES = {
    "select pg_catalog.version()": 0,
    "select current_schema()": 1,
    "show transaction isolation level": 2,
    "show standard_conforming_strings": 3,
}
PROBE = ("SELECT pg_catalog.version(), current_schema(), "
         "current_setting('transaction_isolation'), "
         "current_setting('standard_conforming_strings')")
# Keyword arguments of create_engine for a PostgreSQL URL.
ENGINE_OPTIONS: dict[str, Any] = {"use_native_hstore": False}


class _Answer:
    def __init__(self, value: Any) -> None:
        self._value = value

    def scalar(self) -> Any:
        return self._value


class _Answers:
    """Stands for the connection in the dialect's probes: each statement answered from the
    row the one round trip read."""

    def __init__(self, row: Any) -> None:
        self._row = row

    def exec_driver_sql(self, statement: str, *_: Any, **__: Any) -> _Answer:
        return _Answer(self._row[PROBES[statement]])


def answer_in_one_round_trip(engine: Engine) -> None:
    """Make ``engine``'s dialect read what its ``initialize`` asks in one statement."""
    dialect: Any = engine.dialect
    cls = type(dialect)
    overrides = ("_get_server_version_info", "_get_default_schema_name",
                 "get_default_isolation_level", "_set_backslash_escapes")

    def initialize(connection: Any) -> None:
        dbapi = connection.connection.dbapi_connection
        row = _probe(dbapi)
        answers = _Answers(row)
        dialect._get_server_version_info = lambda _c: cls._get_server_version_info(dialect,
                                                                                   answers)
        dialect._get_default_schema_name = lambda _c: cls._get_default_schema_name(dialect,
                                                                                   answers)
        dialect.get_default_isolation_level = lambda _d: str(row[2]).upper()
        dialect._set_backslash_escapes = lambda _c: cls._set_backslash_escapes(dialect, answers)
        try:
            cls.initialize(dialect, connection)
        finally:
            for name in overrides:
                dialect.__dict__.pop(name, None)

    dialect.initialize = initialize


def _probe(dbapi: Any) -> Any:
    """The row of :data:`PROBE`, read in autocommit so that psycopg sends no ``BEGIN`` and
    leaves no transaction to roll back; the connection's autocommit put back as it was."""
    idle = dbapi.info.transaction_status == 0  # psycopg.pq.TransactionStatus.IDLE
    before = dbapi.autocommit
    if idle and not before:
        dbapi.autocommit = True
    try:
        with dbapi.cursor() as cur:
            cur.execute(PROBE)
            return cur.fetchone()
    finally:
        if idle and not before:
            dbapi.autocommit = before

"""A migrated schema for tests, copied instead of migrated again: ``alembic upgrade head`` on an
empty database (every revision: 1.2-3 s under load, most of a ``room``'s or a CLI test's
``init``) is run once per process and backend, then copied into every other empty database.

:func:`upgrade` stands in for :func:`mediation.db.migrate.upgrade` (tests/conftest.py patches
it for every test but those of the migrations themselves, ``MIGRATION_TESTS``). On a database
that is not empty, or to a target other than the newest, it is the real upgrade. On an empty
one it copies this process's template, which the real upgrade made from an empty database of
the same backend (so every worker still migrates from nothing once, and a broken migration
fails there), and returns what the real one would: (None, the newest revision).

- SQLite: the template file is copied into the database through SQLite's backup API, on a
  connection of the database's own engine (the file keeps the mode the engine gave it, 0600).
- PostgreSQL: the empty database is renamed away (dropped in the background) and a copy of the
  template takes its name (``CREATE DATABASE ... TEMPLATE``, tests/pg.py ``replace_with_copy``);
  the engine's pooled connections are closed first. Where that cannot be done (a connection of
  the caller's is open) the real upgrade runs.

What a migration writes is schema and, on data it finds, rows; on an empty database no rows
(v0013 appends events only for names it changed), so a copy is what migrating would have made.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy import Engine, inspect

from mediation.db import migrate

real_upgrade = migrate.upgrade

_sqlite_template: tuple[Path, str | None] | None = None


def _empty(engine: Engine) -> bool:
    with engine.connect().execution_options(mediation_write=False) as conn:
        return not inspect(conn).get_table_names()


def _sqlite_copy(engine: Engine) -> str | None:
    global _sqlite_template
    if _sqlite_template is None:
        from mediation.db.engines import engine_for, release_engine

        path = Path(tempfile.mkdtemp(prefix="mtest-schema-")) / "schema.db"
        url = "sqlite:///" + str(path)
        made = engine_for(url)
        _, after = real_upgrade(made)
        release_engine(url)  # closed: the file holds all of it
        _sqlite_template = (path, after)
    path, after = _sqlite_template
    raw = engine.raw_connection()
    try:
        source = sqlite3.connect(str(path))
        try:
            source.backup(raw.driver_connection)  # type: ignore[arg-type]
        finally:
            source.close()
    finally:
        raw.close()
    return after


def upgrade(engine: Engine, target: str = "heads") -> tuple[str | None, str | None]:
    """:func:`mediation.db.migrate.upgrade`, copying a template into an empty database."""
    if target != "heads" or not _empty(engine):
        return real_upgrade(engine, target)
    if engine.dialect.name == "sqlite":
        return None, _sqlite_copy(engine)
    from tests.pg import replace_with_copy

    after = replace_with_copy(engine, _pg_build)
    if after is None:  # could not be replaced: migrate it
        return real_upgrade(engine, target)
    return None, after


def _pg_build(url: str) -> str | None:
    from mediation.db.engines import engine_for

    _, after = real_upgrade(engine_for(url))
    return after

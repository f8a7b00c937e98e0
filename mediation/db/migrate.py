"""Schema migrations with Alembic, for SQLite and PostgreSQL alike.

The migration scripts live inside the package (``mediation/db/migrations``); the alembic
:class:`~alembic.config.Config` is built here in code, so no ``alembic.ini`` is needed at run
time. Every upgrade runs in one transaction on the caller's engine (on SQLite that is a
``BEGIN IMMEDIATE``, so terminals wait rather than see half a schema; PostgreSQL has
transactional DDL).

A database made before migrations existed (by ``create_all``) has the tables of the first
revision but no ``alembic_version`` row: it is stamped at that revision, then upgraded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
FIRST = "0001"


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("version_locations", str(MIGRATIONS / "versions"))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("file_template", "v%%(rev)s_%%(slug)s")  # importable module names
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest revision these scripts know."""
    rev = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert rev is not None
    return rev


def revisions() -> list[dict[str, Any]]:
    """Every known revision, oldest first: id and the first line of its description."""
    script = ScriptDirectory.from_config(alembic_config())
    out = [{"revision": r.revision, "down": r.down_revision, "message": (r.doc or "").strip()}
           for r in script.walk_revisions()]
    return list(reversed(out))


def current(engine: Engine) -> str | None:
    """The revision the database is at (None: not migrated, or empty)."""
    with engine.connect().execution_options(mediation_write=False) as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _legacy_unversioned(conn: Connection) -> bool:
    insp = inspect(conn)
    return insp.has_table("committee") and not insp.has_table("alembic_version")


def upgrade(engine: Engine, target: str = "heads") -> tuple[str | None, str | None]:
    """Migrate to ``target`` (default: the newest). Returns (revision before, revision after)."""
    with engine.begin() as conn:
        before = MigrationContext.configure(conn).get_current_revision()
        cfg = alembic_config(conn)
        if before is None and _legacy_unversioned(conn):
            command.stamp(cfg, FIRST)
            before = FIRST
        command.upgrade(cfg, target)
        after = MigrationContext.configure(conn).get_current_revision()
    return before, after


def include_name(name: str | None, type_: str, _parents: Any) -> bool:
    """What the models describe: all but the search index's tables (made by SQL of their own
    for each backend: an FTS5 virtual table, pg_trgm indexes; mediation/db/searchindex.py)."""
    from mediation.db.searchindex import is_index_table

    return not (type_ in ("table", "index") and is_index_table(name))


def drift(engine: Engine) -> list[Any]:
    """Differences between the models (SQLModel.metadata) and the database's schema.

    Empty when the migrated schema equals the models. Each entry is one of alembic's
    ``compare_metadata`` diffs (add_table, add_index, modify_type, ...).
    """
    from alembic.autogenerate import compare_metadata
    from sqlmodel import SQLModel

    import mediation.cases
    import mediation.tables  # noqa: F401

    with engine.connect().execution_options(mediation_write=False) as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "include_name": include_name})
        diffs: list[Any] = compare_metadata(ctx, SQLModel.metadata)
    return diffs


def status(engine: Engine, *, with_drift: bool = True) -> dict[str, Any]:
    """Where the database stands: its revision, the newest, what is pending, any drift."""
    cur = current(engine)
    known = revisions()
    order = [r["revision"] for r in known]
    applied = set(order[: order.index(cur) + 1]) if cur in order else set()
    pending = [r for r in order if r not in applied]
    diffs: list[str] = []
    if with_drift and not pending:
        diffs = [describe(d) for d in drift(engine)]
    return {
        "url": engine.url.render_as_string(hide_password=True),
        "current": cur,
        "head": head(),
        "pending": pending,
        "revisions": [{**r, "applied": r["revision"] in applied} for r in known],
        "drift": diffs,
    }


def describe(diff: Any) -> str:
    """One of compare_metadata's diffs as a short line: ``add_index ix_cases_x on cases``."""
    if isinstance(diff, list):  # column-level diffs come grouped in a list
        return ", ".join(describe(d) for d in diff)
    kind = str(diff[0])
    rest = [getattr(x, "name", None) or str(x) for x in diff[1:] if x is not None]
    return " ".join([kind, *rest[:3]])

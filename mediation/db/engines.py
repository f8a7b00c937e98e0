"""Engines: one per database URL per process, from ``--db`` / ``MEDIATION_DB``, SQLite set up
safely; the schema created, probed and required.

- ``MEDIATION_DB`` / ``--db`` is either a SQLAlchemy URL (``postgresql+psycopg://...``) or a file
  path, which means SQLite. Default: ``mediation.db`` in the user's data directory.
- SQLite connections use WAL, ``busy_timeout``, ``foreign_keys=ON`` and ``synchronous=FULL``; every
  write transaction begins with ``BEGIN IMMEDIATE`` so that two terminals never deadlock halfway
  through a step -- or, when its unit of work reads first (``mediation_read_first``: a workflow
  step, whose compare-and-set on the case's version refuses what a stale read would get wrong),
  with a plain ``BEGIN``, taking the write lock (:func:`take_write_lock`) only at its first
  statement that is not such a read, so that terminals do their reads side by side. Our
  writers queue for ``BEGIN IMMEDIATE`` on a turnstile (``mediation.db.turnstile``), woken as
  soon as the writer before them is done. A path on a network filesystem is refused: SQLite's
  locking is not safe there.
- PostgreSQL: a pooled connection idle for more than :data:`PING_AFTER_IDLE_SECONDS` is pinged
  (and replaced if dead) before use. A new engine's first connection reads the server's
  settings SQLAlchemy asks for in one round trip (``mediation.db.pg_first_connect``).

The unit of work that runs on an engine is ``mediation.db.storage``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError

from mediation.core import paths
from mediation.core.errors import InvalidInput, NotFound
from mediation.core.i18n import msg
from mediation.db.turnstile import TimedOut, Turnstile

BUSY_TIMEOUT_MS = 30_000
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smbfs", "smb3", "sshfs", "fuse.sshfs", "afs", "9p", "davfs",
     "fuse.davfs2", "glusterfs", "fuse.glusterfs", "ceph", "lustre", "gpfs"}
)
MOUNTS = Path("/proc/mounts")
PING_AFTER_IDLE_SECONDS = 5.0


def default_db_path() -> Path:
    return paths.user_path("data", "mediation.db")


def database_url(value: str | None) -> str:
    """Turn ``--db`` / ``MEDIATION_DB`` (a URL or a path) into a SQLAlchemy URL."""
    raw = (value or "").strip() or str(default_db_path())
    if "://" in raw:
        try:
            make_url(raw)
        except ArgumentError:
            raise InvalidInput(msg("not a database URL or path: {value}", value=raw)) from None
        return raw
    if raw.startswith(("//", "\\\\")):
        raise InvalidInput(msg("{path} is on a network share; SQLite's locking is not safe "
                               "there. Use PostgreSQL for terminals on several machines.",
                               path=raw))
    return "sqlite:///" + str(Path(raw).expanduser().resolve())


def filesystem_type(path: Path) -> str | None:
    """The type of the filesystem holding ``path``, from /proc/mounts (None where unknown)."""
    try:
        mounts = MOUNTS.read_text().splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, best_type = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        prefix = mount_point.rstrip("/") + "/"
        if (target == mount_point or target.startswith(prefix)) and len(mount_point) > len(best):
            best, best_type = mount_point, parts[2]
    return best_type


# The first 16 bytes of every SQLite database file (https://www.sqlite.org/fileformat.html).
SQLITE_HEADER = b"SQLite format 3\x00"


def _check_sqlite_path(url: str) -> Path:
    path = Path(make_url(url).database or "")
    existing = path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if path.is_dir():
        raise InvalidInput(msg("{path} is a folder, not a database file; name a file with --db "
                               "or MEDIATION_DB", path=str(path)))
    if path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise InvalidInput(msg("{path} is not a SQLite database file; name a mediation "
                                       "database file with --db or MEDIATION_DB", path=str(path)))
    fstype = filesystem_type(existing)
    if fstype in NETWORK_FILESYSTEMS:
        raise InvalidInput(msg("{path} is on a network filesystem ({fstype}); SQLite's locking is "
                               "not safe there. Use PostgreSQL for terminals on several machines.",
                               path=str(path), fstype=fstype))
    return path


def _create_private(path: Path) -> None:
    """Create a new SQLite file (and its folder) owner-only before SQLite does: SQLite would
    make it 0644, and its -wal and -shm take the database file's mode (core/files.py)."""
    from mediation.core import files

    if path.exists() or str(path) in ("", ":memory:"):
        return
    files.make_dirs(path.parent)
    try:
        os.close(files.create(path))
    except InvalidInput:  # another terminal created it meanwhile: theirs is as private
        if path.is_symlink():
            raise


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


_engines: dict[str, Engine] = {}

# Keys in a SQLite connection's ``info``: the transaction is a read that takes the write lock
# before its first statement that is not a read allowed before it (LOCK_PENDING), and whether
# the statements now run are such reads (READS_BEFORE_LOCK; mediation.db.storage sets it).
LOCK_PENDING = "mediation.lock_pending"
READS_BEFORE_LOCK = "mediation.reads_before_lock"
# The database's writers' turnstile (mediation.db.turnstile), and whether this connection has
# passed it for its transaction.
TURNSTILE = "mediation.turnstile"
TURNSTILE_HELD = "mediation.turnstile_held"
_turnstiles: dict[str, Turnstile] = {}


def take_write_lock(conn: Connection) -> None:
    """SQLite: end the read transaction this connection is in (it wrote nothing) and begin
    ``BEGIN IMMEDIATE`` in its place, if it is waiting for the lock (LOCK_PENDING); nothing
    otherwise. What was read before may since have changed: only reads whose staleness a later
    check refuses (a step's compare-and-set on its case's version) are run before it."""
    info = conn.info
    if not info.get(LOCK_PENDING):
        return
    info[LOCK_PENDING] = False
    dbapi: Any = conn.connection.dbapi_connection
    dbapi.execute("COMMIT")
    begin_immediate(info, dbapi)


def begin_immediate(info: dict[Any, Any], dbapi: Any) -> None:
    """SQLite: ``BEGIN IMMEDIATE`` on the driver's connection (its pool record's ``info``),
    through the writers' turnstile when the database has one (``mediation.db.turnstile``: a
    waiting terminal is woken the moment the writer before it is done, instead of sleeping in
    SQLite's busy handler); left by :func:`leave_turnstile` when the transaction ends. A
    failure ("database is locked" once the timeout has passed) is raised as SQLAlchemy raises
    it."""
    gate = info.get(TURNSTILE)
    if gate is not None and not info.get(TURNSTILE_HELD):
        try:
            info[TURNSTILE_HELD] = gate.enter(BUSY_TIMEOUT_MS / 1000)
        except TimedOut:
            locked = sqlite3.OperationalError("database is locked")
            raise DBAPIError.instance("BEGIN IMMEDIATE", None, locked, sqlite3.Error) from None
    try:
        dbapi.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        leave_turnstile(info)
        raise DBAPIError.instance("BEGIN IMMEDIATE", None, exc, sqlite3.Error) from exc


def leave_turnstile(info: dict[Any, Any]) -> None:
    """Leave the writers' turnstile if this connection (its pool record's ``info``) passed it:
    at the end of its transaction (``storage.UnitOfWork``), or when it goes back to the pool."""
    if info.pop(TURNSTILE_HELD, False):
        info[TURNSTILE].leave()


def before_statement(conn: Connection, statement: str) -> None:
    """SQLite, before each statement: a unit of work that reads first takes the write lock
    before its first statement that is not a read allowed before it (READS_BEFORE_LOCK). The
    engine's listener calls it, and ``mediation.db.compiled`` for what it runs on the driver."""
    info = conn.info
    if info.get(LOCK_PENDING) and not (info.get(READS_BEFORE_LOCK)
                                       and statement.startswith("SELECT")):
        take_write_lock(conn)


def engine_for(url: str) -> Engine:
    """One engine per URL per process."""
    engine = _engines.get(url)
    if engine is None:
        engine = _make_engine(url)
        _engines[url] = engine
    return engine


def existing_engine(url: str) -> Engine:
    """The engine of a database that must already exist (every command but those that create
    one): a SQLite file that is not there is refused naming the path and how to create one,
    and nothing is created, neither the file nor its folder."""
    if url.startswith("sqlite") and url not in _engines:
        path = _check_sqlite_path(url)
        if str(path) not in ("", ":memory:") and not path.exists():
            raise NotFound(msg("no database at {path}; create one with `mediation init` (a "
                               "committee) or `mediation demo` (an example), or choose another "
                               "with --db or MEDIATION_DB", path=str(path)))
    return engine_for(url)


def release_engine(which: str | Engine) -> None:
    """Close this process's pooled connections to a database (by URL, or the engine itself) and
    forget its engine, so that the next :func:`engine_for` connects afresh: after a restore
    replaced the file, or when a test drops its database."""
    url = which if isinstance(which, str) else str(which.url)
    for key, engine in list(_engines.items()):
        if engine is which or key == url:
            engine.dispose()
            del _engines[key]
            gate = _turnstiles.pop(key, None)
            if gate is not None:
                gate.close()


def release_sqlite_engines_under(folder: str | Path) -> None:
    """Release (:func:`release_engine`) this process's engines of SQLite files under
    ``folder``: a process that ran commands on databases of a folder it is done with (a test's
    folder)."""
    base = str(Path(folder).resolve()) + os.sep
    for key in [k for k in _engines if k.startswith("sqlite")]:
        path = str(_engines[key].url.database or "")
        if path and str(Path(path).resolve()).startswith(base):
            release_engine(key)


def release_engines(*, inherited: bool = False) -> None:
    """Forget every engine of this process. ``inherited``: in a forked child, whose pooled
    connections are its parent's: they are left open for the parent (``dispose(close=False)``)."""
    for engine in _engines.values():
        engine.dispose(close=not inherited)
    _engines.clear()
    for gate in _turnstiles.values():
        gate.close()  # in a forked child, the parent's descriptor is left open for it
    _turnstiles.clear()


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = _check_sqlite_path(url)
        _create_private(path)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        database = make_url(url).database or ""
        gate = (None if database in ("", ":memory:")
                else _turnstiles.setdefault(url, Turnstile(database)))

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, record: Any) -> None:
            leave_turnstile(record.info)  # a record's connection replaced mid-transaction
            record.info[TURNSTILE] = gate
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            options = conn.get_execution_options()
            write = options.get("mediation_write", True)
            late = write and options.get("mediation_read_first", False)
            info = conn.info
            info[LOCK_PENDING] = late
            info[READS_BEFORE_LOCK] = False
            if not options.get("mediation_snapshot", True):
                return  # each statement on its own (UnitOfWork snapshot=False)
            # Straight to the driver (a statement per transaction, SQLAlchemy's execution
            # machinery costs more than the statement); a failure ("database is locked" once
            # busy_timeout has passed) is raised as SQLAlchemy would have raised it.
            dbapi: Any = conn.connection.dbapi_connection
            if write and not late:
                begin_immediate(info, dbapi)
                return
            try:
                dbapi.execute("BEGIN")
            except sqlite3.Error as exc:
                raise DBAPIError.instance("BEGIN", None, exc, sqlite3.Error) from exc

        @event.listens_for(engine, "checkin")
        def _on_checkin_sqlite(_dbapi_conn: Any, record: Any) -> None:
            leave_turnstile(record.info)

        @event.listens_for(engine, "invalidate")
        def _on_invalidate(_dbapi_conn: Any, record: Any, _exc: Any) -> None:
            leave_turnstile(record.info)

        @event.listens_for(engine, "before_cursor_execute")
        def _before_statement(conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
            before_statement(conn, statement)

        return engine
    from mediation.db import pg_first_connect

    engine = create_engine(url, **pg_first_connect.ENGINE_OPTIONS)
    pg_first_connect.answer_in_one_round_trip(engine)

    # A pooled connection that sat idle for a while may have been dropped by the server (a
    # restart, an idle timeout): ping it before handing it out, and replace it if it is dead.
    # One that was in use moments ago is not pinged (``pool_pre_ping`` would ping it on every
    # transaction: a round trip per step for a process that runs many).
    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except Exception as exc:
            raise DisconnectionError(str(exc)) from exc

    return engine


def create_schema(engine: Engine) -> None:
    """Create or bring the schema up to date: ``alembic upgrade head`` (see mediation.db.migrate).

    Revision 0003 installs the append-only triggers on the event table (mediation.db.audit_schema).
    """
    from mediation.db import migrate

    migrate.upgrade(engine)


def schema_exists(engine: Engine) -> bool:
    """Whether the mediation schema is there. A read: on SQLite a plain ``BEGIN``, never the
    write lock, so a command probing the schema does not wait behind another terminal's
    write (the command's own transaction decides whether it writes)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import DatabaseError

    try:
        with engine.connect().execution_options(mediation_write=False) as conn:
            return inspect(conn).has_table("committee")
    except DatabaseError as exc:
        # A file the user named that SQLite cannot open or read (not a database, no access):
        # the user's mistake, said in one line, never an internal error.
        if not is_sqlite(engine) or sqlite_locked(exc):
            raise
        raise InvalidInput(msg("{path} cannot be opened as a database ({why}); name a "
                               "mediation database file with --db or MEDIATION_DB",
                               path=str(engine.url.database), why=str(exc.orig))) from None


def sqlite_locked(exc: BaseException) -> bool:
    """SQLite's "database is locked": another process held the write lock for longer than
    ``busy_timeout`` (which has already waited for it)."""
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def require_schema(engine: Engine) -> None:
    if not schema_exists(engine):
        label = make_url(str(engine.url)).render_as_string(hide_password=True)
        raise NotFound(msg("no mediation database at {url}; run `mediation init` first",
                           url=label))

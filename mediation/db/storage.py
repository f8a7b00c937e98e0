"""Storage: an engine from a URL, SQLite set up safely, and the unit of work.

- ``MEDIATION_DB`` / ``--db`` is either a SQLAlchemy URL (``postgresql+psycopg://...``) or a file
  path, which means SQLite. Default: ``mediation.db`` in the user's data directory.
- SQLite connections use WAL, ``busy_timeout``, ``foreign_keys=ON`` and ``synchronous=FULL``; every
  write transaction begins with ``BEGIN IMMEDIATE`` so that two terminals never deadlock halfway
  through a step. A path on a network filesystem is refused: SQLite's locking is not safe there.
- PostgreSQL: a pooled connection idle for more than :data:`PING_AFTER_IDLE_SECONDS` is pinged
  (and replaced if dead) before use.
- :class:`UnitOfWork` (cosmicpython): one transaction; it rolls back unless ``commit()`` is called.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session

from mediation.core.clock import utcnow
from mediation.core.errors import Busy, InvalidInput, NotFound
from mediation.core.i18n import msg

BUSY_TIMEOUT_MS = 30_000
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smbfs", "smb3", "sshfs", "fuse.sshfs", "afs", "9p", "davfs",
     "fuse.davfs2", "glusterfs", "fuse.glusterfs", "ceph", "lustre", "gpfs"}
)
MOUNTS = Path("/proc/mounts")
PING_AFTER_IDLE_SECONDS = 5.0
Clock = Callable[[], datetime]


def default_db_path() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mediation" / "mediation.db"


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


def release_engines(*, inherited: bool = False) -> None:
    """Forget every engine of this process. ``inherited``: in a forked child, whose pooled
    connections are its parent's: they are left open for the parent (``dispose(close=False)``)."""
    for engine in _engines.values():
        engine.dispose(close=not inherited)
    _engines.clear()


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = _check_sqlite_path(url)
        _create_private(path)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            write = conn.get_execution_options().get("mediation_write", True)
            statement = "BEGIN IMMEDIATE" if write else "BEGIN"
            # Straight to the driver (a statement per transaction, SQLAlchemy's execution
            # machinery costs more than the statement); a failure ("database is locked" once
            # busy_timeout has passed) is raised as SQLAlchemy would have raised it.
            try:
                conn.connection.dbapi_connection.execute(statement)  # type: ignore[union-attr]
            except sqlite3.Error as exc:
                raise DBAPIError.instance(statement, None, exc, sqlite3.Error) from exc

        return engine
    engine = create_engine(url)

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


# The key under which mediation.db.casefile collects, on the connection, a transaction's changes
# to the case file until its event takes them.
CASEFILE_PENDING = "mediation.casefile.pending"


class UnitOfWork:
    """One transaction. Rolls back on exit unless :meth:`commit` was called.

    ``write=False`` opens a read transaction (on SQLite a plain ``BEGIN`` instead of
    ``BEGIN IMMEDIATE``); ``clock`` supplies the time every step is stamped with.

    ``conn`` is the transaction's connection, for Core statements on hot paths (a workflow step,
    the event log); ``session`` is an ORM session bound to the same connection, created on first
    use (a step that needs no ORM object never pays for one). Both see the same transaction.
    """

    def __init__(self, engine: Engine, *, write: bool = True, clock: Clock = utcnow):
        self.engine = engine
        self.write = write
        self.clock = clock
        self._committed = False
        self._session: Session | None = None
        self._autoflush = True

    def __enter__(self) -> UnitOfWork:
        conn = self.engine.connect()
        if not self.write:
            conn = conn.execution_options(mediation_write=False)
        self.conn: Connection = conn
        self._tx = conn.begin()
        # What a transaction rolled back on this pooled connection had collected for its events
        # (mediation.db.casefile) is not this one's.
        conn.info.pop(CASEFILE_PENDING, None)
        return self

    @property
    def session(self) -> Session:
        if self._session is None:
            self._session = Session(bind=self.conn, autoflush=self._autoflush,
                                    expire_on_commit=False)
        return self._session

    def flush(self) -> None:
        """Flush the ORM session's pending changes, if a session was opened."""
        if self._session is not None:
            self._session.flush()

    @contextmanager
    def deferred_flush(self) -> Iterator[None]:
        """Within this block the session does not flush before its queries (no autoflush):
        what is added is written at the next :meth:`flush` or at commit."""
        self._autoflush = False
        if self._session is not None:
            self._session.autoflush = False
        try:
            yield
        finally:
            self._autoflush = True
            if self._session is not None:
                self._session.autoflush = True

    @contextmanager
    def one_instant(self, instant: datetime | None = None) -> Iterator[datetime]:
        """Within this block :meth:`now` answers one instant (yielded; ``instant`` when given,
        else the clock's now): everything a step stamps -- its case's timestamps, its records
        -- carries the same time, the time the step happened (its event also records when it
        was recorded)."""
        at = self.clock() if instant is None else instant
        clock = self.clock
        self.clock = lambda: at
        try:
            yield at
        finally:
            self.clock = clock

    def forget(self, model: type[Any], ident: Any) -> None:
        """Expire the session's copy of a row (if it holds one) that was written with Core."""
        if self._session is not None:
            held = self._session.identity_map.get(identity_key(model, (ident,)))
            if held is not None:
                self._session.expire(held)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed and self._tx.is_active:
                self._tx.rollback()
        finally:
            if self._session is not None:
                self._session.close()
            self.conn.close()

    def now(self) -> datetime:
        return self.clock()

    def commit(self) -> None:
        self.flush()
        self._tx.commit()
        self._committed = True

    def rollback(self) -> None:
        self._tx.rollback()


RETRY_ATTEMPTS = 6
RETRY_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
T = TypeVar("T")


def retryable(exc: BaseException) -> bool:
    """True for failures that re-running the whole transaction can cure.

    PostgreSQL serialization failures and deadlocks; a case changed between this transaction's
    read and its compare-and-set when the caller named no version (ConcurrentUpdate); and
    SQLite's "database is locked" (see :func:`sqlite_locked`: not re-run by :func:`transaction`,
    since busy_timeout has already waited).
    """
    from sqlalchemy.exc import DBAPIError, OperationalError

    from mediation.core.errors import ConcurrentUpdate

    if isinstance(exc, ConcurrentUpdate):
        return True
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        state = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None),
                                                           "sqlstate", None)
        if state in RETRY_SQLSTATES:
            return True
        if isinstance(exc, OperationalError) and "database is locked" in str(orig):
            return True
    return False


def sqlite_locked(exc: BaseException) -> bool:
    """SQLite's "database is locked": another process held the write lock for longer than
    ``busy_timeout`` (which has already waited for it)."""
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


def busy_error() -> Busy:
    """The one line a user sees when the database stays locked by another writer (exit 3)."""
    return Busy(msg("the database is busy: another terminal is writing to it; nothing was "
                    "written, try again in a moment"))


def transaction(
    engine: Engine,
    fn: Callable[[UnitOfWork], T],
    *,
    write: bool = True,
    clock: Clock = utcnow,
    attempts: int = RETRY_ATTEMPTS,
) -> T:
    """Run ``fn(uow)`` in one unit of work, committed if ``write``; re-run it from the start
    (a new transaction) on a :func:`retryable` failure, at most ``attempts`` times in all,
    with a short randomised back-off. The last failure is raised as it is; a database still
    busy after that becomes a clean :class:`~mediation.core.errors.Busy` error (exit 3). A
    SQLite write lock still held when busy_timeout has passed is that error at once: waiting
    ``attempts`` times as long helps nobody.
    """
    from mediation.core.errors import MediationError

    for attempt in range(1, attempts + 1):
        try:
            with UnitOfWork(engine, write=write, clock=clock) as uow:
                result = fn(uow)
                if write:
                    uow.commit()
                return result
        except Exception as exc:
            if not retryable(exc):
                raise
            if sqlite_locked(exc):
                raise busy_error() from exc
            if attempt == attempts:
                if isinstance(exc, MediationError):
                    raise
                raise Busy(msg("the database stayed busy after {attempts} attempts; nothing "
                               "was written, try again", attempts=attempts)) from exc
            time.sleep(random.uniform(0, 0.02 * 2 ** attempt))
    raise AssertionError("unreachable")


@contextmanager
def unit_of_work(
    url_or_engine: str | Engine, *, write: bool = True, clock: Clock = utcnow
) -> Iterator[UnitOfWork]:
    engine = url_or_engine if isinstance(url_or_engine, Engine) else engine_for(url_or_engine)
    with UnitOfWork(engine, write=write, clock=clock) as uow:
        yield uow


def require_schema(engine: Engine) -> None:
    if not schema_exists(engine):
        label = make_url(str(engine.url)).render_as_string(hide_password=True)
        raise NotFound(msg("no mediation database at {url}; run `mediation init` first",
                           url=label))

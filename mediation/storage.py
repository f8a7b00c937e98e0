"""Storage: an engine from a URL, SQLite set up safely, and the unit of work.

- ``MEDIATION_DB`` / ``--db`` is either a SQLAlchemy URL (``postgresql+psycopg://...``) or a file
  path, which means SQLite. Default: ``mediation.db`` in the user's data directory.
- SQLite connections use WAL, ``busy_timeout``, ``foreign_keys=ON`` and ``synchronous=FULL``; every
  write transaction begins with ``BEGIN IMMEDIATE`` so that two terminals never deadlock halfway
  through a step. A path on a network filesystem is refused: SQLite's locking is not safe there.
- :class:`UnitOfWork` (cosmicpython): one transaction; it rolls back unless ``commit()`` is called.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlmodel import Session, SQLModel

from mediation import cases
from mediation.errors import InvalidInput, NotFound
from mediation.i18n import msg

BUSY_TIMEOUT_MS = 30_000
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smbfs", "smb3", "sshfs", "fuse.sshfs", "afs", "9p", "davfs",
     "fuse.davfs2", "glusterfs", "fuse.glusterfs", "ceph", "lustre", "gpfs"}
)
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
        mounts = Path("/proc/mounts").read_text().splitlines()
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


def _check_sqlite_path(url: str) -> Path:
    path = Path(make_url(url).database or "")
    fstype = filesystem_type(path.parent if path.parent.exists() else Path("/"))
    if fstype in NETWORK_FILESYSTEMS:
        raise InvalidInput(msg("{path} is on a network filesystem ({fstype}); SQLite's locking is "
                               "not safe there. Use PostgreSQL for terminals on several machines.",
                               path=str(path), fstype=fstype))
    return path


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


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = _check_sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
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
            conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    from mediation.audit_schema import install_triggers

    SQLModel.metadata.create_all(engine)
    with engine.begin() as conn:
        install_triggers(conn)


def schema_exists(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return inspect(engine).has_table("committee")


class UnitOfWork:
    """One transaction. Rolls back on exit unless :meth:`commit` was called.

    ``write=False`` opens a read transaction (on SQLite a plain ``BEGIN`` instead of
    ``BEGIN IMMEDIATE``); ``clock`` supplies the time every step is stamped with.
    """

    session: Session

    def __init__(self, engine: Engine, *, write: bool = True, clock: Clock = cases.utcnow):
        self.engine = engine
        self.write = write
        self.clock = clock
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        conn = self.engine.connect().execution_options(mediation_write=self.write)
        self._conn = conn
        self._tx = conn.begin()
        self.session = Session(bind=conn, autoflush=True, expire_on_commit=False)
        return self

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
            self.session.close()
            self._conn.close()

    def now(self) -> datetime:
        return self.clock()

    def commit(self) -> None:
        self.session.flush()
        self._tx.commit()
        self._committed = True

    def rollback(self) -> None:
        self._tx.rollback()


@contextmanager
def unit_of_work(
    url_or_engine: str | Engine, *, write: bool = True, clock: Clock = cases.utcnow
) -> Iterator[UnitOfWork]:
    engine = url_or_engine if isinstance(url_or_engine, Engine) else engine_for(url_or_engine)
    with UnitOfWork(engine, write=write, clock=clock) as uow:
        yield uow


def require_schema(engine: Engine) -> None:
    if not schema_exists(engine):
        raise NotFound(msg("no mediation database here; run `mediation init` first"))

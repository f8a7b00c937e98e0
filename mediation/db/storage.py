"""Storage: the unit of work, and a transaction run with retries.

- :class:`UnitOfWork` (cosmicpython): one transaction; it rolls back unless ``commit()`` is called.
- :func:`transaction`: a unit of work run again from the start on a failure re-running cures
  (PostgreSQL serialization failures and deadlocks, a case changed under a step that named no
  version); a database that stays busy is one clean error.

Engines (one per URL per process, SQLite set up safely) are ``mediation.db.engines``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine

from mediation.core.clock import utcnow
from mediation.core.errors import Busy
from mediation.core.i18n import msg
from mediation.db.engines import (
    READS_BEFORE_LOCK,
    engine_for,
    leave_turnstile,
    sqlite_locked,
    take_write_lock,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import RootTransaction
    from sqlmodel import Session

Clock = Callable[[], datetime]


# The key under which mediation.db.casefile collects, on the connection, a transaction's changes
# to the case file until its event takes them.
CASEFILE_PENDING = "mediation.casefile.pending"


class UnitOfWork:
    """One transaction. Rolls back on exit unless :meth:`commit` was called.

    ``write=False`` opens a read transaction (on SQLite a plain ``BEGIN`` instead of
    ``BEGIN IMMEDIATE``). ``read_first=True`` (a write): on SQLite the transaction opens as a
    read and takes the write lock at its first statement that is not a read run within
    :meth:`reads_before_lock` (the actor's, a workflow step's up to its compare-and-set), or at
    :meth:`lock`: several terminals then do those reads at once instead of one by one inside
    the lock (issue 18); what was read may since have changed, which only a read whose
    staleness a later check refuses may tolerate. ``clock`` supplies the time every step is
    stamped with.
    ``snapshot=False`` (reads only) opens none: each statement reads on its own (SQLite without
    ``BEGIN``, PostgreSQL in autocommit), for a read whose figures need not agree with each
    other, such as ``case search``: it saves PostgreSQL two round trips, and SQLite's FTS5 ran
    a trigram query three times slower inside an explicit transaction than outside one.

    ``conn`` is the transaction's connection, for Core statements on hot paths (a workflow step,
    the event log); ``session`` is an ORM session bound to the same connection, created on first
    use (a step that needs no ORM object never pays for one). Both see the same transaction.
    """

    def __init__(self, engine: Engine, *, write: bool = True, clock: Clock = utcnow,
                 snapshot: bool = True, read_first: bool = False):
        self.engine = engine
        self.write = write
        self.read_first = read_first and write
        self.snapshot = snapshot or write
        self.clock = clock
        self._committed = False
        self._session: Session | None = None
        self._autoflush = True
        # What this unit of work read once and may read again (a committee's calendar, which
        # a step reads for its guards and again for its deadline): settings.put clears it.
        self.memo: dict[Any, Any] = {}

    def __enter__(self) -> UnitOfWork:
        conn = self.engine.connect()
        self._restore: tuple[Any, bool, Any] | None = None
        pg = conn.dialect.name == "postgresql"
        if not self.snapshot:  # a read of one statement that counts: each statement alone
            conn = conn.execution_options(mediation_write=False, mediation_snapshot=False)
            if pg:
                self._restore = _driver_level(conn, autocommit=True)
        elif self.read_first:
            conn = conn.execution_options(mediation_read_first=True)
        elif not self.write:
            conn = conn.execution_options(mediation_write=False)
            if pg:
                # One snapshot for every statement of a read (statistics, the district's rows
                # and total, reports, exports): figures that take several queries agree with
                # each other while other terminals write. A read-only transaction is never
                # refused for serialization, so this costs nothing (issue 17).
                self._restore = _driver_level(conn, autocommit=False)
        self.conn: Connection = conn
        # Each statement on its own (snapshot=False): no transaction is begun here. A Core
        # statement begins SQLAlchemy's own (autobegin, which the engine's begin hook leaves
        # without a BEGIN), ended at exit; a search reads through the driver and begins none
        # (the begin and its rollback were a fifth of a short search's Python, issue 14).
        self._tx: RootTransaction | None = conn.begin() if self.snapshot else None
        # What a transaction rolled back on this pooled connection had collected for its events
        # (mediation.db.casefile) is not this one's.
        conn.info.pop(CASEFILE_PENDING, None)
        return self

    @property
    def session(self) -> Session:
        if self._session is None:
            from sqlmodel import Session  # the ORM: imported by the first unit of work using it

            self._session = Session(bind=self.conn, autoflush=self._autoflush,
                                    expire_on_commit=False)
        return self._session

    def flush(self) -> None:
        """Flush the ORM session's pending changes, if a session was opened."""
        if self._session is not None:
            self._session.flush()

    def autoflush(self) -> None:
        """Before a Core read of what the ORM may hold: flush as the session's own query would
        (not within :meth:`deferred_flush`)."""
        if self._autoflush:
            self.flush()

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

    @contextmanager
    def reads_before_lock(self) -> Iterator[None]:
        """The reads within this block may run before the write lock is taken (SQLite, a unit
        of work that reads first): their caller checks later, under the lock, that what it read
        still holds -- a step's compare-and-set on its case's version -- or reads what may be a
        moment old as PostgreSQL's READ COMMITTED would (who acts). A write within it still
        takes the lock first."""
        info = self.conn.info
        before = info.get(READS_BEFORE_LOCK, False)
        info[READS_BEFORE_LOCK] = True
        try:
            yield
        finally:
            info[READS_BEFORE_LOCK] = before

    def lock(self) -> None:
        """Take the write lock now if this unit of work has not yet (SQLite, reading first);
        nothing otherwise."""
        take_write_lock(self.conn)

    def forget(self, model: type[Any], ident: Any) -> None:
        """Expire the session's copy of a row (if it holds one) that was written with Core."""
        if self._session is not None:
            from sqlalchemy.orm.util import identity_key

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
            tx = self._transaction()
            if not self._committed and tx is not None and tx.is_active:
                tx.rollback()
        finally:
            leave_turnstile(self.conn.info)
            if self._session is not None:
                self._session.close()
            if self._restore is not None:
                _restore_level(self.conn, self._restore)
            self.conn.close()

    def now(self) -> datetime:
        return self.clock()

    def _transaction(self) -> RootTransaction | None:
        """This unit of work's transaction: the one it began, or (snapshot=False) the one a
        statement began by itself, if any."""
        return self._tx if self._tx is not None else self.conn.get_transaction()

    def commit(self) -> None:
        self.flush()
        tx = self._transaction()
        if tx is not None:
            tx.commit()
        self._committed = True
        leave_turnstile(self.conn.info)  # the next terminal's turn, before this one tidies up

    def rollback(self) -> None:
        tx = self._transaction()
        if tx is not None:
            tx.rollback()


def _driver_level(conn: Connection, *, autocommit: bool) -> tuple[Any, bool, Any]:
    """PostgreSQL: put the pooled connection's driver (psycopg) in autocommit (a read of
    statements each on its own: no BEGIN and no ROLLBACK, two round trips) or have its next
    transaction begin REPEATABLE READ (a read with one snapshot); returns what to restore at
    the unit's end (:func:`_restore_level`). Set on the driver's connection itself rather than
    as SQLAlchemy's ``isolation_level`` execution option, which checks, sets and at check-in
    resets the level through its characteristics (7 of the 15 microseconds a search's unit of
    work cost its process, issue 14); what SQLAlchemy sees is the same: its transaction begins
    nothing on psycopg, whose own BEGIN carries the level. The connection is idle at check-out
    (the pool rolled it back at check-in), as the driver requires."""
    dbapi: Any = conn.connection.dbapi_connection
    before = (dbapi, dbapi.autocommit, dbapi.isolation_level)
    if autocommit:
        dbapi.autocommit = True
    else:
        from psycopg import IsolationLevel

        dbapi.isolation_level = IsolationLevel.REPEATABLE_READ
    return before


def _restore_level(conn: Connection, before: tuple[Any, bool, Any]) -> None:
    """The driver's connection as :func:`_driver_level` found it, before it goes back to the
    pool; one that cannot be (still in a transaction a failure left open, or broken) is
    discarded rather than handed to the next unit of work in autocommit or at another level."""
    dbapi, autocommit, level = before
    try:
        if dbapi.autocommit != autocommit:
            dbapi.autocommit = autocommit
        if dbapi.isolation_level != level:
            dbapi.isolation_level = level
    except Exception:
        conn.invalidate()


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
    snapshot: bool = True,
    read_first: bool = False,
) -> T:
    """Run ``fn(uow)`` in one unit of work, committed if ``write``; re-run it from the start
    (a new transaction) on a :func:`retryable` failure, at most ``attempts`` times in all,
    with a short randomised back-off. The last failure is raised as it is; a database still
    busy after that becomes a clean :class:`~mediation.core.errors.Busy` error (exit 3). A
    SQLite write lock still held when busy_timeout has passed is that error at once: waiting
    ``attempts`` times as long helps nobody. ``read_first``: see :class:`UnitOfWork`.
    """
    from mediation.core.errors import MediationError

    for attempt in range(1, attempts + 1):
        try:
            with UnitOfWork(engine, write=write, clock=clock, snapshot=snapshot,
                            read_first=read_first) as uow:
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

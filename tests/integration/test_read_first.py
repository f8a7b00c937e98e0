"""A write that reads first (``UnitOfWork(read_first=True)``, what every CLI write runs; issue 18):
on SQLite who acts and a step's reads run before the write lock, its compare-and-set and event
under it. What was read may be a moment old: the compare-and-set must refuse (and
``storage.transaction`` re-run) a step whose case moved in between, and every statement that is
not such a read must take the lock before it runs."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from mediation import intake, step_machinery, steps
from mediation.access import acting
from mediation.cases import Case, Prevention
from mediation.core.commands import Prevent, StepDone
from mediation.core.errors import Conflict
from mediation.db import settings
from mediation.db.engines import LOCK_PENDING, release_engine
from mediation.db.storage import UnitOfWork, transaction
from mediation.tables import Event
from tests.conftest import Room, case_record, make_room


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Room]:
    url = "sqlite:///" + str(tmp_path / "read_first.db")
    yield make_room(url)
    release_engine(url)


def _new_case(room: Room) -> int:
    return int(room.run(intake.new_case, None, intake.parse_case(case_record()))["id"])


def _other_writer(room: Room) -> sqlite3.Connection:
    """Another terminal holding the write lock; ours gives up waiting for it after 50 ms."""
    with room.engine.connect() as conn:  # the pool's one connection
        conn.connection.dbapi_connection.execute("PRAGMA busy_timeout=50")  # type: ignore[union-attr]
    other = sqlite3.connect(str(room.engine.url.database), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    return other


def test_a_step_reads_while_another_terminal_writes_and_waits_only_to_write(room: Room) -> None:
    cid = _new_case(room)
    other = _other_writer(room)
    try:
        with UnitOfWork(room.engine, read_first=True, clock=room.clock) as uow:
            actor = acting.actor_for(uow, user="wangfang", token=None)  # no wait
            reached, lock = [], uow.lock

            def lock_noted() -> None:
                reached.append(True)
                lock()

            uow.lock = lock_noted  # type: ignore[method-assign]
            with pytest.raises(OperationalError, match="database is locked"):
                steps.accept(uow, actor, cid)
            assert reached  # its reads ran; only its compare-and-set waited for the lock
        with UnitOfWork(room.engine, read_first=True, clock=room.clock) as uow:
            with pytest.raises(OperationalError, match="database is locked"):
                # any other statement, a read included, takes the lock before it runs
                uow.conn.execute(text("SELECT count(*) FROM cases"))
    finally:
        other.rollback()
        other.close()


@pytest.mark.parametrize("expected", [None, 1])
def test_a_case_moved_between_the_reads_and_the_lock_is_refused_or_run_again(
        room: Room, expected: int | None) -> None:
    """The version moves (another terminal commits) after the step read the case and before
    it takes the lock: with no version named the step is run again from the start and
    commits once; with one named it is refused, and nothing is written either way."""
    cid = _new_case(room)
    attempts: list[int] = []

    def once(uow: UnitOfWork) -> StepDone:
        def apply(case: Case) -> step_machinery.Changes:
            uow.session.add(Prevention(case_id=cid, kind="suicide", persons=1,
                                       recorded_at=uow.now(), recorded_by="wangfang"))
            if not attempts:  # another terminal commits in between, the first time only
                other = sqlite3.connect(str(room.engine.url.database), isolation_level=None)
                other.execute("UPDATE cases SET version = version + 1 WHERE id = ?", (cid,))
                other.close()
            attempts.append(case.version)
            return {}

        actor = acting.actor_for(uow, user="wangfang", token=None)
        return step_machinery.step(uow, actor, cid, Prevent(kind="suicide", persons=1), apply,
                                   expected_version=expected)

    if expected is not None:
        with pytest.raises(Conflict, match="now version 2"):
            transaction(room.engine, once, read_first=True, clock=room.clock)
        assert attempts == [1]
    else:
        done = transaction(room.engine, once, read_first=True, clock=room.clock)
        assert attempts == [1, 2] and done.version == 3
    with UnitOfWork(room.engine, write=False) as uow:
        kept = uow.conn.execute(select(func.count()).select_from(Prevention)).scalar()
        events = uow.conn.execute(select(func.count()).select_from(Event).where(
            Event.case_id == cid, Event.action == "prevent")).scalar()  # type: ignore[arg-type]
    assert (kept, events) == ((0, 0) if expected is not None else (1, 1))


def test_a_read_without_a_transaction_after_a_step_refused_before_the_lock(room: Room) -> None:
    """A step refused before it took the lock leaves its pooled connection's lock pending; a
    unit of work that opens no transaction (``snapshot=False``, a search) and reads on the
    driver (``Compiled``: the calendar's settings, who acts) on that connection reads, and
    takes no lock it is not in a transaction to take (it used to COMMIT nothing, an error)."""
    with UnitOfWork(room.engine, read_first=True, clock=room.clock) as uow:
        acting.actor_for(uow, user="wangfang", token=None)  # then refused: no lock taken
    with UnitOfWork(room.engine, write=False, snapshot=False, clock=room.clock) as uow:
        assert uow.conn.info.get(LOCK_PENDING)  # the same pooled connection
        assert settings.get_many(uow.conn, [settings.zone_key(1)]) == {}
        assert acting.actor_for(uow, user="wangfang", token=None).username == "wangfang"

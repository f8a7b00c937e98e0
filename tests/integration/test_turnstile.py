"""SQLite's writers' turnstile (``mediation.db.turnstile``, issue 18): every write transaction
passes it just before ``BEGIN IMMEDIATE`` and leaves it when it ends, however it ends; a waiter
is woken when the writer before it leaves, and gives up after the same timeout as SQLite's, as
the one clean "busy" error."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from mediation.core.errors import Busy
from mediation.db import engines
from mediation.db.engines import release_engine
from mediation.db.storage import UnitOfWork, retryable, transaction
from mediation.db.turnstile import SUFFIX
from tests.conftest import Room, make_room


@pytest.fixture
def room(tmp_path: Path) -> Iterator[Room]:
    url = "sqlite:///" + str(tmp_path / "turnstile.db")
    yield make_room(url)
    release_engine(url)


def _side_file(room: Room) -> Path:
    return Path(str(room.engine.url.database) + SUFFIX)


def _free(room: Room) -> bool:
    """Whether another terminal could pass the turnstile now (a descriptor of its own)."""
    fd = os.open(_side_file(room), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # closing it leaves the lock it took, if any
    return True


def _write(uow: UnitOfWork) -> None:
    uow.conn.execute(text("UPDATE committee SET name = name"))


def test_the_side_file_is_owner_only_and_left_after_every_write(room: Room) -> None:
    transaction(room.engine, _write)
    assert _side_file(room).stat().st_mode & 0o777 == 0o600
    assert _free(room)


class _Fails(Exception):
    pass


def _raises(uow: UnitOfWork) -> None:
    _write(uow)
    raise _Fails


def _reads_then_writes(uow: UnitOfWork) -> None:
    with uow.reads_before_lock():
        uow.conn.execute(text("SELECT count(*) FROM cases"))
    uow.lock()
    _write(uow)


def _commits_twice(room: Room) -> None:
    with UnitOfWork(room.engine) as outer:
        _write(outer)
        with UnitOfWork(room.engine, write=False) as inner:  # a read beside it: no wait
            inner.conn.execute(text("SELECT count(*) FROM cases"))
        outer.commit()


_WAYS: dict[str, Callable[[Room], object]] = {
    "commit": lambda room: transaction(room.engine, _write),
    "read first": lambda room: transaction(room.engine, _reads_then_writes, read_first=True),
    "rollback": lambda room: UnitOfWork(room.engine).__enter__().__exit__(None, None, None),
    "error": lambda room: transaction(room.engine, _raises),
    "read": lambda room: transaction(room.engine, lambda uow: None, write=False),
    "nested": _commits_twice,
    "engine.begin": lambda room: room.engine.begin().__enter__().__exit__(None, None, None),
}


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ways=st.lists(st.sampled_from(sorted(_WAYS)), min_size=1, max_size=6))
def test_the_turnstile_is_left_however_a_transaction_ends(room: Room, ways: list[str]) -> None:
    """Whatever a run of transactions does (commits, rolls back, fails, reads, begins on the
    engine directly), the turnstile is free after each: a transaction that ended and kept it
    would keep every other terminal waiting."""
    for way in ways:
        try:
            _WAYS[way](room)
        except _Fails:
            pass
        assert _free(room), way


def _held_elsewhere(room: Room) -> int:
    """Another terminal in its write: it holds the turnstile."""
    transaction(room.engine, _write)  # the side file exists
    fd = os.open(_side_file(room), os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


@pytest.mark.parametrize("in_thread", [False, True])
def test_a_waiting_writer_goes_on_as_soon_as_the_other_leaves(room: Room,
                                                              in_thread: bool) -> None:
    fd = _held_elsewhere(room)
    threading.Timer(0.2, lambda: os.close(fd)).start()
    start, errors = time.monotonic(), []

    def write() -> None:
        try:
            transaction(room.engine, _write)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    if in_thread:  # not the main thread: tried at short intervals
        worker = threading.Thread(target=write)
        worker.start()
        worker.join()
    else:
        write()
    waited = time.monotonic() - start
    assert not errors
    assert 0.15 <= waited < 5
    assert _free(room)


@pytest.mark.parametrize("in_thread", [False, True])
def test_a_writer_gives_up_after_the_timeout_as_a_clean_busy_error(
        room: Room, monkeypatch: pytest.MonkeyPatch, in_thread: bool) -> None:
    monkeypatch.setattr(engines, "BUSY_TIMEOUT_MS", 200)
    fd = _held_elsewhere(room)
    got: list[BaseException] = []

    def write() -> None:
        with pytest.raises(OperationalError, match="database is locked") as locked:
            with UnitOfWork(room.engine):
                pass
        got.append(locked.value)
        with pytest.raises(Busy):
            transaction(room.engine, _write)

    try:
        start = time.monotonic()
        if in_thread:
            worker = threading.Thread(target=write)
            worker.start()
            worker.join()
        else:
            write()
        assert 0.15 <= time.monotonic() - start < 5
        assert got and retryable(got[0])
        with UnitOfWork(room.engine, write=False) as uow:  # readers are not held (WAL)
            assert uow.conn.execute(text("SELECT count(*) FROM cases")).scalar() == 0
    finally:
        os.close(fd)
    transaction(room.engine, _write)
    assert _free(room)

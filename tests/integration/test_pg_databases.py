"""The tests' PostgreSQL databases (tests/pg.py): copies of a template are alike and apart, a
refused template is made again, nothing is left behind, a killed run's databases are dropped by
the next, and a room copied from its template is the room a test would have made."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from mediation.db.engines import engine_for, release_engine
from mediation.tables import Committee, Event, Staff
from tests import pg
from tests.conftest import Room

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _reachable() -> None:
    pg.require_postgres()


def _names() -> set[str]:
    engine = create_engine(pg.ADMIN_URL)
    try:
        with engine.connect() as conn:
            return {r[0] for r in conn.execute(text(
                "SELECT datname FROM pg_database WHERE datname LIKE 'mtest%'"))}
    finally:
        engine.dispose()


def _build(calls: list[str]) -> Callable[[str], str]:
    def build(url: str) -> str:
        calls.append(url)
        with engine_for(url).begin() as conn:
            conn.execute(text("CREATE TABLE probe (n int)"))
            conn.execute(text("INSERT INTO probe VALUES (1)"))
        return "made"
    return build


def _rows(url: str) -> list[int]:
    with engine_for(url).connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT n FROM probe ORDER BY n"))]


def test_copies_of_a_template_are_alike_and_apart_and_nothing_is_left() -> None:
    calls: list[str] = []
    build = _build(calls)

    def fresh(made: str) -> bool:
        return made == "made"

    with pg.cloned_database("probe", build, fresh) as (first, made):
        assert made == "made" and _rows(first) == [1]
        with engine_for(first).begin() as conn:
            conn.execute(text("INSERT INTO probe VALUES (2)"))
        with pg.cloned_database("probe", build, fresh) as (second, _):
            assert second != first and _rows(second) == [1] and _rows(first) == [1, 2]
    assert len(calls) == 1  # the template was built once, and is kept till the session's end
    assert make_url(calls[0]).database in _names()
    pg.finish()
    assert not {n for n in _names() if f"_{os.getpid()}_" in n}


def test_a_refused_template_is_made_again() -> None:
    calls: list[str] = []
    build = _build(calls)
    for _ in range(2):
        with pg.cloned_database("stale", build, lambda _made: False) as (url, _m):
            assert _rows(url) == [1]
    assert len(calls) == 2 and calls[0] != calls[1]
    pg.finish()
    assert not {make_url(u).database for u in calls} & _names()


def test_a_killed_runs_databases_are_dropped_by_the_next_run() -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    left = f"mtest_{pg.HOST}_{gone}_gw9_db1_abcdef"
    other_host = f"mtest_000000_{gone}_gw9_db1_abcdef"
    admin = create_engine(pg.ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in (left, other_host):
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        with pg.fresh_database() as mine:
            pg.drop_leftovers()  # as the next run's first database does, in the background
            pg.finish()  # which the session's end waits for
            names = _names()
            assert left not in names and other_host in names  # another host's: not ours
            assert make_url(mine).database in names  # a live run's: kept
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{other_host}"'))
            conn.execute(text(f'DROP DATABASE IF EXISTS "{left}"'))
        admin.dispose()


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_copied_room_is_the_room_a_test_would_have_made(room: Room) -> None:
    """Its rows were written at the instant its clock starts at, within minutes of the real
    clock, on the same local day; its engine works and its staff are there."""
    from mediation.core.calendar import DEFAULT
    from mediation.core.clock import utcnow

    with room.uow(write=False) as uow:
        committee = uow.session.exec(select(Committee)).one()
        staff = uow.session.exec(select(Staff.username)).all()
        last = uow.session.exec(select(Event).order_by(Event.seq.desc())).first()  # type: ignore[attr-defined]
    assert last is not None and committee.created_at == room.clock.now == last.at
    assert sorted(staff) == ["liming", "wangfang", "zhaomin"]
    assert room.director.committee_id == committee.id
    now = utcnow()
    assert timedelta(0) <= now - room.clock.now < timedelta(minutes=6)
    assert DEFAULT.local_date(now) == DEFAULT.local_date(room.clock.now)
    release_engine(room.url)

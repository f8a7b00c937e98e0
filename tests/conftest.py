"""Shared fixtures: a fresh database per test, a committee with staff, and a CLI runner.

Layers: tests/unit (no database), tests/property (Hypothesis), tests/integration (real SQLite file
and PostgreSQL), tests/cli (end to end through the command line).

Backends: ``db_url`` (and so ``room`` and ``cli``) is parametrised over the ``backend`` fixture,
``sqlite`` and ``postgres``; every test using them runs on both. The PostgreSQL half is marked
``postgres`` (deselect with ``-m "not postgres"``); it is skipped when the server is unreachable,
except when ``CI=true``, where it fails. ``MEDIATION_TEST_BACKENDS=sqlite`` runs one backend only.
On PostgreSQL, ``room`` is a copy of its worker's template and every database is dropped in the
background (tests/pg.py says how, and why a copied room's clock starts when it does). On both
backends an empty database is given a copy of the worker's migrated schema instead of being
migrated (tests/schemas.py), but in the migrations' own tests.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from mediation import committee
from mediation.access.policy import Actor
from mediation.core.calendar import DEFAULT as DEFAULT_CALENDAR
from mediation.core.clock import utcnow
from mediation.core.i18n import set_language
from mediation.db.engines import create_schema, engine_for
from mediation.db.storage import UnitOfWork

settings.register_profile(
    "default", deadline=None, max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "ci", deadline=None, max_examples=60, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "default")

DATA = Path(__file__).resolve().parent.parent / "data"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Each process drops the PostgreSQL databases it made (tests/pg.py), templates included."""
    pg = sys.modules.get("tests.pg")
    if pg is not None:
        pg.finish()


# The longest files, longest first (--durations, 2026-12-01): pytest-xdist deals the tests out
# in collection order, so these start first on every worker instead of ending the run on one.
SLOWEST_FIRST = (
    "tests/property/test_search_old_new.py", "tests/property/test_no_leaks.py",
    "tests/property/test_workflow_stateful.py", "tests/property/test_no_leaks_written_forms.py",
    "tests/cli/test_no_split.py", "tests/integration/test_concurrency.py",
    "tests/cli/test_help_wrap.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run ``SLOWEST_FIRST``'s tests first, in its order; the rest keep theirs. Every worker
    sorts the same collection the same way, as pytest-xdist requires."""
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::", 1)[0]
        return SLOWEST_FIRST.index(path) if path in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)  # stable: the order within a file and among the rest is kept


FDS_AT_MOST = 400  # a worker's open files after any test (pexpect's select() fails at 1,024)


@pytest.fixture(autouse=True)
def _no_file_left_open(request: pytest.FixtureRequest) -> Iterator[None]:
    """A test's SQLite databases are closed when it ends, and the worker's open files stay
    few. The CLI keeps one engine per database per process (a command is a process);
    run in-process, each test's engines stayed, three descriptors a database, until a worker
    passed 1,024 and pexpect's select() failed in every later terminal test. The engines of
    the test's folder are released here, in one place, and the worker's open files are
    counted after every test (FDS_AT_MOST): a leak that grows test after test fails where it
    starts to, not in an unrelated test much later."""
    yield  # autouse: set up before the test's other fixtures, so torn down after them
    folder = getattr(request.node, "funcargs", {}).get("tmp_path")
    if folder is not None:
        from mediation.db.engines import release_sqlite_engines_under

        release_sqlite_engines_under(folder)
    # What a test opens itself and leaves to the garbage collector is not counted; what stays
    # open, test after test, is: a worker must never come near select()'s 1,024.
    held = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
    assert held < FDS_AT_MOST, f"{held} files open in this worker after {request.node.nodeid}"


@pytest.fixture(autouse=True)
def _english_by_default() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True, scope="session")
def _drawing_imported() -> None:
    """matplotlib (as the chart imports it), its fonts and openpyxl are imported once in each
    test process: the nightly export makes its chart and sheet in a forked copy of the process
    (mediation/reporting/beside.py), which otherwise imported them again at every export (about
    0.55 s CPU each). The same functions draw the same bytes; only the imports are inherited."""
    import openpyxl.styles
    import openpyxl.utils
    import openpyxl.worksheet.properties  # noqa: F401

    from mediation.reporting import chart

    chart._import_drawing()
    chart.cjk_font()


@pytest.fixture(autouse=True)
def _default_calendar() -> Iterator[None]:
    """Each test starts (and leaves) the process in the default calendar: a CLI command run
    in-process makes its committee's the current one (clock.use, cli/context Env.act)."""
    from mediation.core import clock
    from mediation.core.calendar import DEFAULT

    clock.use(DEFAULT)
    yield
    clock.use(DEFAULT)


# The tests of the migrations themselves migrate every empty database (tests/schemas.py).
MIGRATION_TESTS = ("tests.integration.test_migrations", "tests.integration.test_migration_names")


@pytest.fixture(autouse=True)
def _schema_copied(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty database is given a copy of this process's migrated schema instead of being
    migrated again (tests/schemas.py), but in ``MIGRATION_TESTS``."""
    if request.module.__name__ in MIGRATION_TESTS:
        return
    from mediation.db import migrate
    from tests import schemas

    monkeypatch.setattr(migrate, "upgrade", schemas.upgrade)


class Clock:
    """A controllable clock for services: starts at a fixed instant, moves when told."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or utcnow().replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Room:
    """A committee in a fresh database: its engine, clock, director and mediator."""

    url: str
    engine: Engine
    clock: Clock
    director: Actor
    mediator: Actor

    def uow(self, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self.engine, write=write, clock=self.clock)

    def run(self, fn: Callable[..., Any], actor: Actor | None = None, *args: Any,
            **kwargs: Any) -> Any:
        """Call a service in its own committed unit of work."""
        with self.uow() as uow:
            result = fn(uow, actor or self.director, *args, **kwargs)
            uow.commit()
            return result


def make_room(url: str) -> Room:
    engine = engine_for(url)
    create_schema(engine)
    clock = Clock()
    with UnitOfWork(engine, clock=clock) as uow:
        committee.init_committee(uow, name="龙王港社区人民调解委员会", prefix="龙",
                                 director="wangfang", director_name="王芳")
        director = committee.resolve_actor(uow, "wangfang")
        committee.add_staff(uow, director, username="liming", name="李明", role="mediator")
        committee.add_staff(uow, director, username="zhaomin", name="赵敏", role="mediator")
        uow.commit()
    with UnitOfWork(engine, clock=clock) as uow:
        mediator = committee.resolve_actor(uow, "liming")
    return Room(url=url, engine=engine, clock=clock, director=director, mediator=mediator)


BACKENDS = [
    b for b in os.environ.get("MEDIATION_TEST_BACKENDS", "sqlite,postgres").split(",") if b
]


@pytest.fixture(params=[
    pytest.param(b, marks=[pytest.mark.postgres] if b == "postgres" else [], id=b)
    for b in BACKENDS
])
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend of this test run: ``sqlite`` or ``postgres``."""
    return str(request.param)


@contextmanager
def new_database(backend: str, path: Path) -> Iterator[str]:
    """An empty database of ``backend``: a SQLite file at ``path``, or a fresh PostgreSQL one."""
    if backend == "postgres":
        from tests.pg import fresh_database

        with fresh_database() as url:
            yield url
        return
    yield "sqlite:///" + str(path)


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    with new_database(backend, tmp_path / "room.db") as url:
        yield url


@dataclass(frozen=True)
class RoomMade:
    """What a room's template holds beside its rows: the instant they were written, the staff."""

    now: datetime
    director: Actor
    mediator: Actor


def _room_made(url: str) -> RoomMade:
    made = make_room(url)
    return RoomMade(made.clock.now, made.director, made.mediator)


ROOM_TEMPLATE_MINUTES = 5


def _template_fresh(made: datetime) -> bool:
    """A template whose rows were written at ``made`` is copied while that is within a few
    minutes of the real clock, in the same hour and local day."""
    now = utcnow()
    return (now - made < timedelta(minutes=ROOM_TEMPLATE_MINUTES)
            and now.replace(minute=0, second=0, microsecond=0)
            == made.replace(minute=0, second=0, microsecond=0)
            and DEFAULT_CALENDAR.local_date(now) == DEFAULT_CALENDAR.local_date(made))


def _room_template_fresh(made: RoomMade) -> bool:
    """A room's template is copied while a copy's clock (which starts at the instant its rows
    were written) is within a few minutes of the real one, in the same hour and local day."""
    return _template_fresh(made.now)


@pytest.fixture
def room(backend: str, tmp_path: Path) -> Iterator[Room]:
    """A committee with staff (``make_room``) in a database of its own. On PostgreSQL it is a
    copy of this worker's template (tests/pg.py ``cloned_database``), whose clock starts at the
    instant the template's rows were written, as a room made afresh starts at its own."""
    if backend != "postgres":
        with new_database(backend, tmp_path / "room.db") as url:
            yield make_room(url)
        return
    from tests.pg import cloned_database

    with cloned_database("room", _room_made, _room_template_fresh) as (url, made):
        yield Room(url=url, engine=engine_for(url), clock=Clock(made.now),
                   director=made.director, mediator=made.mediator)


def case_record(**overrides: Any) -> dict[str, Any]:
    """A valid case.json as a dict (the walkthrough's leak between neighbours)."""
    import json

    record: dict[str, Any] = json.loads((DATA / "demo" / "case.json").read_text("utf-8"))
    record.update(overrides)
    return record


@dataclass
class Result:
    code: int
    out: str
    err: str


class TerminalOut(io.StringIO):
    """Standard output that says it is a terminal (``cli(..., terminal=True)``)."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def cli_db(backend: str, tmp_path: Path) -> Iterator[str]:
    """The CLI's own database (distinct from ``room``'s): a path or a PostgreSQL URL."""
    if backend == "sqlite":
        yield str(tmp_path / "cli.db")
        return
    with new_database(backend, tmp_path / "cli.db") as url:
        yield url


@pytest.fixture
def fixed_now() -> Iterator[Callable[[datetime], None]]:
    """``fixed_now(instant)`` (naive UTC): from then on "now" and "today" of everything this
    process runs, the CLI in-process included, are that instant's (mediation.core.clock.fixed)
    until it is fixed again or the test ends: a test of the date does not depend on the day it
    is run (a test skipped on 1 January was never run on 1 January)."""
    from contextlib import ExitStack

    from mediation.core import clock

    with ExitStack() as stack:
        yield lambda instant: stack.enter_context(clock.fixed(instant))


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, cli_db: str, tmp_path: Path
        ) -> Callable[..., Result]:
    """Run the CLI in-process: ``cli("case", "list", input=..., env={...})``; with
    ``terminal=True`` standard output is a terminal (``COLUMNS`` wide), otherwise a pipe.

    Sign-in state and the guided intake's drafts stay inside the test: the session file and the
    drafts are in ``tmp_path``, and Argon2 runs at its low test cost (MEDIATION_ARGON2_FAST,
    docs/access.md).
    """
    from cli.main import run

    if "MEDIATION_SESSION_FILE" not in os.environ:  # a test's own fixture may have chosen one
        monkeypatch.setenv("MEDIATION_SESSION_FILE", str(tmp_path / "session"))
    if "MEDIATION_DRAFTS" not in os.environ:  # the guided intake's drafts, likewise
        monkeypatch.setenv("MEDIATION_DRAFTS", str(tmp_path / "drafts"))
    monkeypatch.setenv("MEDIATION_ARGON2_FAST", "1")
    monkeypatch.delenv("MEDIATION_TOKEN_FILE", raising=False)
    monkeypatch.setenv("MEDIATION_DB", cli_db)
    monkeypatch.setenv("MEDIATION_USER", "wangfang")
    monkeypatch.delenv("MEDIATION_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args: str, input: str | io.StringIO | None = None,
               env: dict[str, str] | None = None, terminal: bool = False) -> Result:
        for k, v in (env or {}).items():
            monkeypatch.setenv(k, v)
        out, err = TerminalOut() if terminal else io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        stdin = input if isinstance(input, io.StringIO) else io.StringIO(input or "")
        monkeypatch.setattr(sys, "stdin", stdin)
        try:
            code = run(list(args))
        finally:
            monkeypatch.setattr(sys, "stdout", sys.__stdout__)
            monkeypatch.setattr(sys, "stderr", sys.__stderr__)
        return Result(code, out.getvalue(), err.getvalue())

    return invoke


@dataclass
class Templates:
    """A test module's prepared SQLite databases, by name, in a folder of their own."""

    folder: Path
    made: dict[str, Path]


@pytest.fixture(scope="module")
def cli_templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    return Templates(tmp_path_factory.mktemp("templates"), {})


def _copy_sqlite(src: Path, dest: Path) -> None:
    import shutil

    for suffix in ("", "-wal", "-shm"):
        if Path(str(src) + suffix).exists():
            shutil.copyfile(str(src) + suffix, str(dest) + suffix)


def prepared(cli: Callable[..., Result], cli_db: str, templates: Templates, key: str,
             build: Callable[[Callable[..., Result]], None]) -> Callable[..., Result]:
    """``cli`` on a copy of a database that ``build`` made through the CLI once per module: the
    module's first test builds it (every call checked as before) and keeps a copy; the next
    copy that file instead of running ``init`` and the rest again. SQLite only (the module
    runs on the ``sqlite`` backend)."""
    from mediation.db.engines import database_url, release_engine

    db = Path(cli_db)
    if key not in templates.made:
        build(cli)
        release_engine(database_url(str(db)))  # closed: the files hold all of it
        _copy_sqlite(db, templates.folder / f"{key}.db")
        templates.made[key] = templates.folder / f"{key}.db"
    else:
        _copy_sqlite(templates.made[key], db)
    return cli


@pytest.fixture(scope="session")
def cli_templates_of_process(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    """This process's SQLite templates of ``cli_copy``, by key."""
    return Templates(tmp_path_factory.mktemp("copies"), {})


_copies_made: dict[str, datetime] = {}

Build = Callable[[Callable[..., Result]], None]


@pytest.fixture
def cli_copy(cli: Callable[..., Result], cli_db: str, backend: str,
             cli_templates_of_process: Templates, monkeypatch: pytest.MonkeyPatch
             ) -> Callable[[str, Build], None]:
    """``cli_copy(key, build)`` leaves in the test's (empty) CLI database what ``build(cli)``
    makes there through the CLI: a copy of the database this process built with ``build`` for
    ``key`` (a key names one build wherever it is used, ``[a-z0-9_]``, at most 15 characters).
    Each build runs through the CLI once per worker and backend (every call checked as the
    build checks it), each test then gets a copy (SQLite: the files, mode kept; PostgreSQL:
    ``CREATE DATABASE ... TEMPLATE`` under the test's database's name, tests/pg.py
    ``replace_with_copy``). What the CLI writes is dated by the real clock when it is built, so
    a template is built again once it is a few minutes old or the hour or local day has changed
    (``_template_fresh``), as a room's is: a copy is what the same build a little earlier in
    the test would have made."""
    from mediation.db.engines import database_url, engine_for, release_engine

    def copy(key: str, build: Build) -> None:
        assert re.fullmatch(r"[a-z0-9_]{1,15}", key), key

        def made(url: str) -> datetime:
            at = utcnow()
            monkeypatch.setenv("MEDIATION_DB", url)
            try:
                build(cli)
            finally:
                monkeypatch.setenv("MEDIATION_DB", cli_db)
            release_engine(database_url(url))
            return at

        if backend == "postgres":
            from tests.pg import replace_with_copy

            assert replace_with_copy(engine_for(cli_db), made, key, _template_fresh) is not None
            return
        template = cli_templates_of_process.folder / f"{key}.db"
        if key not in _copies_made or not _template_fresh(_copies_made[key]):
            for suffix in ("", "-wal", "-shm"):
                Path(str(template) + suffix).unlink(missing_ok=True)
            _copies_made[key] = made(str(template))
        _copy_sqlite(template, Path(cli_db))
        os.chmod(cli_db, template.stat().st_mode & 0o777)

    return copy


@pytest.fixture
def demo_of(cli_copy: Callable[[str, Build], None]) -> Callable[..., None]:
    """``demo_of("--cases", "40")`` leaves in the test's (empty) CLI database what
    ``cli("demo", "--quiet", "--cases", "40")`` builds there, as a copy (``cli_copy``) of the
    demo this process built with the same options (a demo took 0.7 s CPU for 9 cases and 4.3 s
    for 49, a copy milliseconds). Tests of the demo command itself call ``cli("demo", ...)``."""

    def demo(*options: str) -> None:
        def build(cli: Callable[..., Result]) -> None:
            r = cli("demo", "--quiet", *options)
            assert r.code == 0, r.err

        cli_copy("demo" + "".join(re.sub(r"\W", "", o) for o in options), build)

    return demo


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database (skipped when unreachable, failing when CI=true)."""
    from tests.pg import fresh_database

    with fresh_database() as url:
        yield url

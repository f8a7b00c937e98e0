"""PostgreSQL for tests: a database of its own per test, made cheaply, dropped without waiting.

The server is the one at 127.0.0.1:5432 (user postgres, trust auth), or ``MEDIATION_TEST_PG``
(an admin URL). When it is not reachable, tests that need it are skipped with the reason, except
when ``CI=true``: there they fail, because CI must run them.

What a test gets, and what it costs (measured under load: CREATE 0.3-1.5 s, building the schema
and a committee 2-2.5 s, DROP 1-4 s, the DROP being a checkpoint of the whole server):

- :func:`fresh_database`: an empty database (``CREATE DATABASE`` from ``template1``), for tests
  that build their own schema or let the CLI's ``init`` do it.
- :func:`cloned_database`: ``CREATE DATABASE x TEMPLATE tpl``, a copy of a template that this
  process built once by calling ``build(url)`` (``room`` in tests/conftest.py: the schema, a
  committee and its staff). The template is made per process, so per xdist worker and per
  session, and is named for both; its engine is released as soon as it is built (PostgreSQL
  copies a database nobody is connected to). ``build`` returns what the copies need to know;
  ``fresh(that)`` says whether the template may still be copied, otherwise it is made again.
  For ``room``: a room made afresh writes its rows at the instant its clock starts (the real
  time then), so a copy's clock starts at the instant the template's rows were written: every
  time a test compares (its steps', its rows', its clock's) stands as in a room made afresh.
  What differs is how far the real clock has moved since, which only a test comparing room
  times to the real clock could see (none does: the CLI's tests have databases of their own,
  from ``init``): the template is made again once it is 5 minutes old or the hour (and so the
  local day) has changed, so a copy's day is always the real one's.
- Dropping: a test's database is released by the test's process at once, then dropped by
  background threads (``DROPPERS`` per process) while the next tests run. A DROP waits for a
  checkpoint; drops at once share one, so four threads drop about four times as many (measured:
  8 drops 26 s one after another, 6 s on four threads); one thread fell behind the tests. The
  session's end (``pytest_sessionfinish`` calls :func:`finish`) waits for those drops and drops
  the templates.
- Names: ``mtest_<host>_<pid>_...``. A run that was killed leaves its databases; the next run
  (the first database each process asks for) drops, in the background, every ``mtest_``
  database of this host whose process is gone. Databases of live processes (other sessions
  at work) are left alone.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import queue
import re
import socket
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

ADMIN_URL = os.environ.get("MEDIATION_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:6]
NAME = re.compile(rf"^mtest_{HOST}_(\d+)_")

DROPPERS = 4  # threads dropping at once: their DROPs share the server's checkpoints

T = TypeVar("T")


def _unreachable_reason() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install '.[postgres]')"
    from sqlalchemy.engine import make_url

    url = make_url(ADMIN_URL)
    try:
        psycopg.connect(host=url.host, port=url.port or 5432, user=url.username,
                        dbname=url.database, connect_timeout=3).close()
    except Exception as exc:  # any failure to connect means "not reachable"
        return f"PostgreSQL at {url.host}:{url.port} is not reachable ({exc.__class__.__name__})"
    return None


_reached = False


def require_postgres() -> None:
    global _reached
    reason = None if _reached else _unreachable_reason()
    if reason is None:
        _reached = True
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}: PostgreSQL tests must run in CI")
    pytest.skip(reason)


def _connect() -> Any:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(ADMIN_URL)
    return psycopg.connect(host=url.host, port=url.port or 5432, user=url.username,
                           password=url.password, dbname=url.database, autocommit=True)


def _url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@dataclass
class _Template:
    name: str
    made: Any  # what build() returned


class _Databases:
    """This process's databases: its admin connection, its templates and the dropping thread."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.worker = re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))[:12]
        self.lock = threading.Lock()
        self.admin: Any = None
        self.templates: dict[str, _Template] = {}
        self.made = 0
        self.drops: queue.Queue[str | None] = queue.Queue()
        self.droppers: list[threading.Thread] = []
        self.failed: list[str] = []

    def name(self, kind: str) -> str:
        self.made += 1
        return f"mtest_{HOST}_{self.pid}_{self.worker}_{kind}{self.made}_{uuid.uuid4().hex[:6]}"

    def execute(self, sql: str) -> list[Any]:
        with self.lock:
            first = self.admin is None
            if first:
                self.admin = _connect()
            cur = self.admin.execute(sql)
            rows = cur.fetchall() if cur.description else []
        if first:
            self.drop_leftovers()
        return rows

    def drop_leftovers(self) -> None:
        """Drop (in the background) the databases of runs of this host whose process is gone."""
        for (name,) in self.execute("SELECT datname FROM pg_database WHERE datname LIKE 'mtest%'"):
            found = NAME.match(name)
            if found and not _alive(int(found.group(1))):
                self.drop_later(name)

    def create(self, name: str, template: str | None = None) -> str:
        self.execute(f'CREATE DATABASE "{name}"'
                     + (f' TEMPLATE "{template}"' if template else ""))
        return _url(name)

    def release(self, name: str) -> None:
        from mediation.db.engines import release_engine

        release_engine(_url(name))

    def drop_later(self, name: str) -> None:
        self.release(name)
        self.droppers = [t for t in self.droppers if t.is_alive()]
        while len(self.droppers) < DROPPERS:
            self.droppers.append(threading.Thread(target=self._drop_each, daemon=True))
            self.droppers[-1].start()
        self.drops.put(name)

    def _drop_each(self) -> None:
        with _connect() as conn:
            while (name := self.drops.get()) is not None:
                try:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except Exception:  # dropped again at the end of the session
                    self.failed.append(name)

    def template(self, key: str, build: Callable[[str], T],
                 fresh: Callable[[T], bool]) -> _Template:
        known = self.templates.get(key)
        if known is not None and fresh(known.made):
            return known
        if known is not None:
            del self.templates[key]
            self.drop_later(known.name)
        name = self.name(f"{key}_tpl")
        url = self.create(name)
        try:
            made = build(url)
        except BaseException:
            self.drop_later(name)
            raise
        finally:
            self.release(name)  # no connection left: PostgreSQL copies it only then
        self.templates[key] = _Template(name, made)
        return self.templates[key]

    def finish(self) -> None:
        """Wait for the drops in flight, then drop the templates and whatever failed."""
        if os.getpid() != self.pid:  # a forked child: its parent's databases are not its own
            return
        for known in self.templates.values():
            self.drop_later(known.name)
        self.templates.clear()
        for _ in self.droppers:
            self.drops.put(None)
        for thread in self.droppers:
            thread.join()
        self.droppers = []
        while not self.drops.empty():  # a thread stopped early (it could not connect)
            if (name := self.drops.get()) is not None:
                self.failed.append(name)
        if self.failed:
            with _connect() as conn:
                for name in self.failed:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            self.failed.clear()
        with self.lock:
            if self.admin is not None:
                self.admin.close()
                self.admin = None


_databases = _Databases()


def drop_leftovers() -> None:
    """Drop the databases of killed runs (as each process's first database does)."""
    _databases.drop_leftovers()


def finish() -> None:
    """The end of the session (tests/conftest.py ``pytest_sessionfinish``): nothing left behind."""
    _databases.finish()


atexit.register(finish)  # a session that ends some other way still cleans up


@contextmanager
def fresh_database() -> Iterator[str]:
    """Create an empty database, yield its SQLAlchemy URL, drop it afterwards."""
    require_postgres()
    name = _databases.name("db")
    url = _databases.create(name)
    try:
        yield url
    finally:
        _databases.drop_later(name)


@contextmanager
def cloned_database(key: str, build: Callable[[str], T],
                    fresh: Callable[[T], bool]) -> Iterator[tuple[str, T]]:
    """A copy of this process's template ``key`` (made by ``build(url)`` when there is none or
    ``fresh`` refuses it): yield its URL and what ``build`` returned; drop it afterwards."""
    require_postgres()
    template = _databases.template(key, build, fresh)
    name = _databases.name(key)
    url = _databases.create(name, template=template.name)
    try:
        yield url, template.made
    finally:
        _databases.drop_later(name)


def replace_with_copy(engine: Any, build: Callable[[str], T], key: str = "schema",
                      fresh: Callable[[T], bool] = lambda _made: True) -> T | None:
    """Put a copy of this process's template ``key`` (made by ``build(url)`` when there is none
    or ``fresh`` refuses it; ``schema`` for tests/schemas.py, a demo for tests/conftest.py
    ``demo_of``) in place of the empty database of ``engine``: the engine's connections are
    closed, the database is renamed away and dropped in the background, and the copy takes its
    name. Returns what ``build`` returned, or None (nothing done) where the database is not one
    of this run's or cannot be renamed (a connection to it is open)."""
    name = str(engine.url.database or "")
    if not name.startswith(f"mtest_{HOST}_"):
        return None
    template: _Template = _databases.template(key, build, fresh)
    made: T = template.made
    engine.dispose()
    old = _databases.name("old")
    try:
        _databases.execute(f'ALTER DATABASE "{name}" RENAME TO "{old}"')
    except Exception:  # psycopg: someone is connected to it
        return None
    _databases.create(name, template=template.name)
    _databases.drop_later(old)
    return made

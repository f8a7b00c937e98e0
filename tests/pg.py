"""PostgreSQL for tests: a fresh, empty database per call, dropped afterwards.

The server is the one at 127.0.0.1:5432 (user postgres, trust auth), or ``MEDIATION_TEST_PG``
(an admin URL). When it is not reachable, tests that need it are skipped with the reason, except
when ``CI=true``: there they fail, because CI must run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

ADMIN_URL = os.environ.get("MEDIATION_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


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


def require_postgres() -> None:
    reason = _unreachable_reason()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true and {reason}: PostgreSQL tests must run in CI")
    pytest.skip(reason)


@contextmanager
def fresh_database() -> Iterator[str]:
    """Create an empty database, yield its SQLAlchemy URL, drop it afterwards."""
    require_postgres()
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"mediation_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        from mediation.db.engines import release_engine

        release_engine(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

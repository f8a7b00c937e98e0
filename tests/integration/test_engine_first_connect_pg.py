"""A new engine's first PostgreSQL connection (mediation.db.pg_first_connect): one statement
before the command's own, and the dialect knows the server as SQLAlchemy's own probes would
have told it, whatever the session's settings (Hypothesis: isolation level, string
conformance, search path)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, text

from mediation.db import engines, pg_first_connect
from tests.pg import ADMIN_URL, require_postgres

SETTINGS = ("server_version_info", "default_schema_name", "default_isolation_level",
            "_backslash_escapes", "supports_smallserial", "supports_identity_columns",
            "_supports_drop_index_concurrently", "insert_returning", "max_identifier_length",
            "_supports_jsonb_subscripting", "supports_virtual_generated_columns")


def _known(engine: Any) -> dict[str, Any]:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {name: getattr(engine.dialect, name) for name in SETTINGS}


def test_first_connect_is_one_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    require_postgres()
    ran: list[str] = []
    execute = psycopg.Cursor.execute

    def logged(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        ran.append(str(query))
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", logged)
    engine = engines._make_engine(ADMIN_URL)
    try:
        with engine.connect():
            pass
        assert ran == [pg_first_connect.PROBE]
    finally:
        engine.dispose()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(level=st.sampled_from(["read committed", "repeatable read", "serializable",
                              "read uncommitted"]),
       conforming=st.sampled_from(["on", "off"]),
       path=st.sampled_from(["public", "pg_catalog", "nowhere, public", "nowhere"]))
def test_dialect_knows_what_its_own_probes_would_say(level: str, conforming: str,
                                                      path: str) -> None:
    require_postgres()
    def escaped(value: str) -> str:
        return value.replace(" ", "\\ ")

    options = (f"-c default_transaction_isolation={escaped(level)} "
               f"-c standard_conforming_strings={conforming} -c search_path={escaped(path)}")
    theirs = create_engine(ADMIN_URL, connect_args={"options": options})
    ours = create_engine(ADMIN_URL, connect_args={"options": options},
                         **pg_first_connect.ENGINE_OPTIONS)
    pg_first_connect.answer_in_one_round_trip(ours)
    try:
        assert _known(ours) == _known(theirs)
        assert ours.dialect.default_isolation_level == level.upper()
    finally:
        theirs.dispose()
        ours.dispose()

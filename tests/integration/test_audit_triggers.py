"""The event table is append-only in the database itself: UPDATE and DELETE are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from mediation.db.engines import create_schema
from tests.audit_support import full_history
from tests.conftest import Room, make_room


def _refused(room: Room, sql: str) -> None:
    with pytest.raises(DBAPIError, match="append-only"), room.engine.begin() as conn:
        conn.execute(text(sql))


def _check_append_only(room: Room) -> None:
    cid = full_history(room)
    with room.engine.connect() as conn:
        before = conn.execute(text("SELECT count(*), max(seq) FROM event")).one()
    _refused(room, "UPDATE event SET reason = 'rewritten' WHERE seq = 2")
    _refused(room, "UPDATE event SET hash = prev_hash")
    _refused(room, f"DELETE FROM event WHERE seq = {before[1]}")
    _refused(room, "DELETE FROM event")
    with room.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*), max(seq) FROM event")).one() == before
        reasons = conn.execute(text("SELECT count(*) FROM event WHERE reason = 'rewritten'"))
        assert reasons.scalar_one() == 0
    # The log head stays updatable: the workflow goes on appending.
    other = full_history(room)
    assert other != cid
    with room.engine.connect() as conn:
        head = conn.execute(text("SELECT seq, hash FROM log_head")).one()
        last = conn.execute(text("SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1")).one()
    assert tuple(head) == tuple(last)
    # Installing again (create_schema on an existing database) is harmless.
    create_schema(room.engine)
    _refused(room, "DELETE FROM event WHERE seq = 1")


def test_sqlite_refuses_update_and_delete(room: Room) -> None:
    _check_append_only(room)


@pytest.mark.postgres
def test_postgres_refuses_update_delete_truncate(pg_url: str) -> None:
    room = make_room(pg_url)
    _check_append_only(room)
    _refused(room, "TRUNCATE event")


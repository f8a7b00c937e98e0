"""Database triggers that make the event table append-only, on SQLite and PostgreSQL.

An UPDATE or DELETE on ``event`` (and a TRUNCATE on PostgreSQL) is refused by the database
itself, whoever issues it: the application, a script, or someone at the ``sqlite3`` / ``psql``
prompt. ``log_head`` stays updatable: every append advances it.

The triggers do not stop someone who owns the database file or the server and drops them first;
that is what the hash chain, the published heads and :func:`mediation.audit.verify` are for
(docs/audit.md).

:func:`install_triggers` is idempotent and is called by ``engines.create_schema``.
"""

from __future__ import annotations

from sqlalchemy import Connection

REFUSED = "the event log is append-only: {op} on table event is refused (see docs/audit.md)"

SQLITE_TRIGGERS = {
    "event_no_update": "UPDATE",
    "event_no_delete": "DELETE",
}

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mediation_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION
        'the event log is append-only: %% on table event is refused (see docs/audit.md)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def install_triggers(connection: Connection) -> None:
    """Create the append-only triggers on ``event`` (dialect-aware; safe to run again)."""
    dialect = connection.dialect.name
    if dialect == "sqlite":
        for trigger, op in SQLITE_TRIGGERS.items():
            message = REFUSED.format(op=op).replace("'", "''")
            connection.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {trigger} BEFORE {op} ON event "
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    elif dialect == "postgresql":
        connection.exec_driver_sql(PG_FUNCTION)
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS event_append_only ON event")
        connection.exec_driver_sql(
            "CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON event "
            "FOR EACH ROW EXECUTE FUNCTION mediation_event_append_only()"
        )
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS event_no_truncate ON event")
        connection.exec_driver_sql(
            "CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON event "
            "FOR EACH STATEMENT EXECUTE FUNCTION mediation_event_append_only()"
        )
    else:  # pragma: no cover - only the two supported backends
        raise NotImplementedError(f"append-only triggers for {dialect}")


def drop_triggers(connection: Connection) -> None:
    """Remove the triggers: only for tests that tamper behind the application's back."""
    if connection.dialect.name == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    else:
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS event_append_only ON event")
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS event_no_truncate ON event")

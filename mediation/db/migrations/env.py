"""Alembic environment: the models' metadata, and a connection handed over by mediation.schema.

``mediation init`` and ``mediation db upgrade`` build the alembic Config in code
(:func:`mediation.schema.alembic_config`) and pass an open connection in
``config.attributes["connection"]``; no alembic.ini is needed at run time. Run as plain
``alembic`` (by a developer, with ``-x url=...``), a URL is taken from there instead.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import mediation.cases
import mediation.tables  # noqa: F401
from mediation.db.migrate import include_name

config = context.config
target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from mediation.db.engines import database_url, engine_for

    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    with engine_for(database_url(url)).connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()

"""When a step happened, beside when it was recorded: ``event.occurred_at`` and the version of
an event's hashed content (``event.content_version``).

A step may be entered late (``--at``, 补录): ``at`` stays when it was recorded, ``occurred_at``
is when it happened, and both are in the hash chain from content version 2 on
(mediation/db/eventlog.py, docs/audit.md §2). Every event written before this revision is
content version 1 and verifies as it was written; its ``occurred_at`` is backfilled with its
``at`` (recorded as it happened). The event table is append-only (revision 0003): its triggers
are dropped for the backfill and installed again.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 13:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mediation.db.audit_schema import drop_triggers, install_triggers

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("event", sa.Column("occurred_at", sa.DateTime(), nullable=True))
    op.add_column("event", sa.Column("content_version", sa.Integer(), nullable=False,
                                     server_default="1"))
    bind = op.get_bind()
    drop_triggers(bind)
    op.execute("UPDATE event SET occurred_at = at WHERE occurred_at IS NULL")
    install_triggers(bind)


def downgrade() -> None:
    # For development only: the events written since this revision (content version 2) no
    # longer verify without these columns; a database in use is restored from a backup instead.
    op.drop_column("event", "content_version")
    op.drop_column("event", "occurred_at")

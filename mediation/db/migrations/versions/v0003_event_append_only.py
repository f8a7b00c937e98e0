"""The event log becomes append-only: triggers refuse UPDATE and DELETE (and TRUNCATE) on event.

See mediation/db/audit_schema.py and docs/audit.md. Databases made before this revision get the
triggers when they are upgraded (`mediation db upgrade`).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 23:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from mediation.db.audit_schema import drop_triggers, install_triggers

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    install_triggers(op.get_bind())


def downgrade() -> None:
    drop_triggers(op.get_bind())

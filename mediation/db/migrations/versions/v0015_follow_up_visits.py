"""Several follow-up visits per case (回访, issue 15): who was visited, the measures taken and any
signs of escalation, beside the visitor, date, performance and satisfaction a visit already had.

New nullable columns, null for every visit so far (the visits recorded by the former
``feedback`` step), so the case files recorded in the events stay as they were.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 14:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("visited", "measures", "escalation")


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column("follow_up", sa.Column(name, sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("follow_up") as batch:
        for name in COLUMNS:
            batch.drop_column(name)

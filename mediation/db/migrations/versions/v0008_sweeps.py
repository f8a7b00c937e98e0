"""Dispute sweeps (排查): one row per sweep of an area on one day, zero reports included.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 11:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sweep",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("swept_on", sa.Date(), nullable=False),
        sa.Column("area", sa.String(), nullable=False),
        sa.Column("swept_by", sa.String(), nullable=False),
        sa.Column("disputes_found", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sweep_committee_id", "sweep", ["committee_id"])
    op.create_index("ix_sweep_swept_on", "sweep", ["swept_on"])


def downgrade() -> None:
    op.drop_index("ix_sweep_swept_on", table_name="sweep")
    op.drop_index("ix_sweep_committee_id", table_name="sweep")
    op.drop_table("sweep")

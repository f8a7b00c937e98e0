"""Grid leads (网格线索): a grid worker's report of a dispute and what became of it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 11:35:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lead",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(), nullable=False),
        sa.Column("cell", sa.String(), nullable=True),
        sa.Column("seen", sa.String(), nullable=False),
        sa.Column("parties", sa.String(), nullable=True),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("risk", sa.String(), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reported_by", sa.String(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("dismiss_reason", sa.String(), nullable=True),
        sa.Column("dismiss_note", sa.String(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.ForeignKeyConstraint(["committee_id"], ["committee.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lead_committee_id", "lead", ["committee_id"])
    op.create_index("ix_lead_status", "lead", ["status"])
    op.create_index("ix_lead_reported_by", "lead", ["reported_by"])


def downgrade() -> None:
    op.drop_index("ix_lead_reported_by", table_name="lead")
    op.drop_index("ix_lead_status", table_name="lead")
    op.drop_index("ix_lead_committee_id", table_name="lead")
    op.drop_table("lead")

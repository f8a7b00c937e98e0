"""Personal values an event refers to, kept out of the log (``kept_value``, mediation/db/kept.py):
a party's name before and after a correction (``case amend --edit-party``), a lead's place as
reported (``lead_report``). Each new event holds only their keyed hash; the row is mutable, so
retention can delete it. Events written before keep what they hold (a ``lead_report``'s place
as text, scrubbed of numbers) and verify as they are; nothing is backfilled.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 11:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kept_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("record", sa.String(), nullable=False),
        sa.Column("field", sa.String(), nullable=False),
        sa.Column("item", sa.Integer(), nullable=True),
        sa.Column("before", sa.String(), nullable=True),
        sa.Column("after", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_kept_value_seq", "kept_value", ["seq"])
    op.create_index("ix_kept_value_case_id", "kept_value", ["case_id"])
    op.create_index("ix_kept_value_record", "kept_value", ["record"])


def downgrade() -> None:
    op.drop_table("kept_value")

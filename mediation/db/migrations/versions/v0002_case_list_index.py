"""Composite index for the working lists: cases by (committee, state, deadline).

`case list --state X` and `case list --overdue` filter a committee's cases by state and sort the
overdue ones by deadline; on a district database holding many committees the single-column
indexes made PostgreSQL scan every committee's cases of that state.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 23:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_cases_committee_state_deadline",
        "cases",
        ["committee_id", "state", "deadline"],
        if_not_exists=True,
    )


def downgrade() -> None:
    op.drop_index("ix_cases_committee_state_deadline", table_name="cases", if_exists=True)

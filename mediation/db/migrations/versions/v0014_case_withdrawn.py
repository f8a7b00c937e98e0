"""A case the applicant withdrew before acceptance (``case withdraw``, issue 15): when.

A new nullable column, null for every case so far (none was withdrawn), so the case files
recorded in the events stay as they were.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 14:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("withdrawn_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("cases", "withdrawn_at")

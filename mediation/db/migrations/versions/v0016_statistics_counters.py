"""Counters of the statistics per committee and month, kept by triggers (issue 18).

``stat_month`` (committee, local month, figure, 0.01-day bucket, count) holds the counts and the
interval histograms ``stats`` read by scanning and sorting the cases; triggers on ``cases`` keep
it in the transaction of every change of a milestone (mediation/db/statcounts.py). This revision
creates the table and the triggers and backfills the counters from the case rows.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mediation.db import statcounts

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "stat_month",
        sa.Column("committee_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("month", sa.String(), nullable=False),
        sa.Column("figure", sa.String(), nullable=False),
        sa.Column("bucket", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("committee_id", "month", "figure", "bucket"),
    )
    connection = op.get_bind()
    # what this revision counted (0018 adds the withdrawn, 0020 the feedback by fed_back_at)
    statcounts.install(connection, withdrawn=False, fed_back=False)
    statcounts.backfill(connection, withdrawn=False, fed_back=False)


def downgrade() -> None:
    statcounts.drop(op.get_bind())
    op.drop_table("stat_month")

"""Counters of the follow-up visits' performance per committee and month (issue 18).

Triggers on ``follow_up`` keep, in ``stat_month``, each case's last visit per month and the
visits that a later month's visit supersedes (mediation/db/statvisits.py), so ``stats`` reads the
performance figures of whole months off the counters; this revision creates the triggers and
recounts every counter from the rows.

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 17:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from mediation.db import statcounts, statvisits

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    statvisits.install(connection)
    statcounts.backfill(connection, fed_back=False)  # 0020 measures the feedback by fed_back_at


def downgrade() -> None:
    connection = op.get_bind()
    statvisits.drop(connection)
    connection.exec_driver_sql("DELETE FROM stat_month WHERE figure LIKE 'visit.%%' "
                               "OR figure LIKE 'revisit.%%'")

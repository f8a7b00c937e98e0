"""The statistics' counters count the withdrawn (issue 15): cases whose applicant withdrew before
acceptance, by ``withdrawn_at``, apart from the declined. The triggers on ``cases`` are
installed again with the new figure and the counters backfilled from the case rows
(mediation/db/statcounts.py: a change of what is counted is a revision that calls both).

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 17:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from mediation.db import statcounts

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    connection = op.get_bind()
    statcounts.install(connection, fed_back=False)
    statcounts.backfill(connection, fed_back=False)


def downgrade() -> None:
    connection = op.get_bind()
    statcounts.install(connection, withdrawn=False, fed_back=False)
    connection.exec_driver_sql("DELETE FROM stat_month WHERE figure = 'withdrawn'")

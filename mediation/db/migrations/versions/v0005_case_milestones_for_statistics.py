"""Case milestones for the statistics: first conclusion, its outcome, first confirmation.

``stats`` counted every figure by replaying the event log per query (a GROUP BY over every event
of the committee, then a join with the cases). These nullable columns hold what that replay
derived, so one scan of ``cases`` gives the figures (mediation/reporting/stats.py,
docs/statistics.md):

- ``first_concluded_at``: the time of the case's FIRST ``agree`` or ``terminate`` event;
- ``first_outcome``: ``written`` or ``oral`` (the form of agreement version 1) or ``termination``;
- ``first_confirmed_at``: when its first confirmed agreement took effect (see below).

Unlike ``concluded_at``, ``conclusion`` and ``confirmed_at`` they are never reset by
``remediate``. The steps set them from now on (mediation/steps.py); this revision backfills them
from the event log, which stays the source of truth (a termination is final, so a case that ever
agreed concluded first with agreement version 1).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 01:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL_TIMES = """
UPDATE cases SET
  first_concluded_at = (SELECT min(e.at) FROM event e
                        WHERE e.case_id = cases.id AND e.action IN ('agree', 'terminate')),
  first_confirmed_at = (SELECT min(a.effective_at) FROM agreement a
                        WHERE a.case_id = cases.id)
"""
# first_confirmed_at: when the first confirmed agreement took effect. Before issue 15 that was
# always the time of the first ``confirm`` event (which set it); since then an oral agreement
# takes effect on the day it was reached (Law art. 30). An agreement's effective_at is kept when
# it is superseded, and a later version takes effect after the earlier one was confirmed, so the
# earliest effective_at of the case's agreements is its first confirmation either way.
BACKFILL_OUTCOME = """
UPDATE cases SET first_outcome = CASE
  WHEN EXISTS (SELECT 1 FROM event e WHERE e.case_id = cases.id AND e.action = 'agree')
  THEN coalesce((SELECT a.form FROM agreement a WHERE a.case_id = cases.id AND a.version = 1),
                'written')
  ELSE 'termination' END
WHERE first_concluded_at IS NOT NULL
"""


def upgrade() -> None:
    op.add_column("cases", sa.Column("first_concluded_at", sa.DateTime(), nullable=True))
    op.add_column("cases", sa.Column("first_outcome", sa.String(), nullable=True))
    op.add_column("cases", sa.Column("first_confirmed_at", sa.DateTime(), nullable=True))
    op.execute(BACKFILL_TIMES)
    op.execute(BACKFILL_OUTCOME)


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35, PostgreSQL): no index or constraint
    # names these columns.
    for name in ("first_confirmed_at", "first_outcome", "first_concluded_at"):
        op.drop_column("cases", name)

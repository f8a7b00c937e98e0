"""Feeding back (反馈, issue 15): when the outcome was first reported back to whoever brought
the dispute, a step of its own (``case feedback``), apart from the follow-up visit and the
closing (``case close``).

A new nullable column. Before this revision the one ``feedback`` step recorded the visit and
closed the case, so a case closed so far was fed back when it was closed: its ``fed_back_at`` is
its ``closed_at``. The replay of the case file (``mediation.db.casefile``) takes each such
former combined step the same way (``workflow.legacy_feedback``), so the case files recorded in
the events still verify.

The statistics' counters (mediation/db/statcounts.py) measure the intervals confirmed ->
feedback and the whole by ``fed_back_at`` from this revision: their triggers are installed again
and the counters backfilled from the case rows.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mediation.db import statcounts

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("fed_back_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE cases SET fed_back_at = closed_at "
               "WHERE closed_at IS NOT NULL AND fed_back_at IS NULL")
    connection = op.get_bind()
    statcounts.install(connection)
    statcounts.backfill(connection)


def downgrade() -> None:
    connection = op.get_bind()
    statcounts.install(connection, fed_back=False)
    statcounts.backfill(connection, fed_back=False)
    op.drop_column("cases", "fed_back_at")

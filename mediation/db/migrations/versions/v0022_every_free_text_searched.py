"""Every free-text field of a case file in the search index: the advice, the sessions' place
and attendees, the agreements' superseded reasons, the extensions' reasons, the follow-up visits'
whom, measures and signs of escalation, the court, the urgings' notes and the feedbacks'
recipients and notes, beside what was indexed before (``mediation.core.personal.FREE_TEXT``,
the one declaration the index reads). Every case's row of the index, and its short words, built
anew; downgraded, built again from the fields indexed before.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from mediation.db import searchindex

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What revisions 0011 to 0021 indexed, in the order they did.
BEFORE: searchindex.Columns = (
    ("cases", ("referral_ref", "summary", "requests")),
    ("mediation_session", ("minutes",)),
    ("agreement", ("terms",)),
    ("follow_up", ("note",)),
)


def upgrade() -> None:
    conn = op.get_bind()
    searchindex.rebuild(conn, tails=False)  # the numbers' ends come with 0023
    searchindex.settle(conn)


def downgrade() -> None:
    conn = op.get_bind()
    searchindex.rebuild(conn, columns=BEFORE, tails=False)
    searchindex.settle(conn)

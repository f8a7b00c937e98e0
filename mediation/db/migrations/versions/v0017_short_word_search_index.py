"""The short-word index of ``case search``: words of one or two characters (a surname, a
two-character name) found through an index instead of a walk of every case's text. SQLite: a
contentless FTS5 table of each case's characters and character pairs; PostgreSQL:
``tsvector`` columns of them on ``case_fts`` with GIN indexes. Every existing case indexed. See
mediation/db/searchgrams.py and docs/search.md.

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 16:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from mediation.db import searchgrams

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    searchgrams.create(conn)
    searchgrams.backfill(conn)


def downgrade() -> None:
    searchgrams.drop(op.get_bind())

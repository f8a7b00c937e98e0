"""The search index of the case file (``case search``): an FTS5 trigram table on SQLite,
pg_trgm GIN indexes on PostgreSQL, and the keyed hashes of the parties' phone and ID numbers;
every existing case indexed. See mediation/db/searchindex.py and docs/search.md.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 13:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from mediation.db import searchindex

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    searchindex.create(conn)
    searchindex.rebuild(conn, grams=False, tails=False)  # 0017 adds the short words, 0023 the ends


def downgrade() -> None:
    searchindex.drop(op.get_bind())

"""The ends of the parties' numbers in the search index: beside the keyed hashes of the whole
phone and ID numbers, the keyed hash of the last 4 characters of each party's phone, guardian's
phone and ID number (``mediation.db.searchindex.keys_of``), so that a search by a number's end
(``case search 5678``) reads the parties of the few cases whose numbers end so, not every party.
Every case's number hashes made anew; downgraded, made again without the ends.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from mediation.db import searchindex

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    searchindex.rebuild_keys(op.get_bind())


def downgrade() -> None:
    searchindex.rebuild_keys(op.get_bind(), tails=False)

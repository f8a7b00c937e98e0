"""A name with a middle dot in the search index also without it (issue 14, a clerk's trial:
``case search 阿依古丽买买提`` found nothing for 阿依古丽·买买提): the ``named`` text of each case
with a party, guardian or representative whose name has a dot holds that name both ways
(``mediation.db.searchindex.document``); the ``masked`` text is unchanged. Only those cases'
rows are written anew; downgraded, written again without.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-01 20:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from mediation.db import searchindex

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    searchindex.refresh_dotted(op.get_bind())


def downgrade() -> None:
    searchindex.refresh_dotted(op.get_bind(), undotted=False)

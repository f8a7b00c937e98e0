"""An organisation party's representative (issue 14): its 法定代表人 (a legal person's) or
主要负责人 (an unincorporated organisation's) name and title (职务), which the Ministry of
Justice's forms print beside the organisation's name and address (``mediation.parties``).

Two new nullable columns of ``party``; the parties registered before stay without one (a
clerk adds it with ``case amend --edit-party N``). The name is personal data, classified in
``mediation.core.personal``: searched (``mediation.db.searchindex``), hashed in the event log,
masked by retention.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 14:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("party", sa.Column("representative_name", sa.String(), nullable=True))
    op.add_column("party", sa.Column("representative_title", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("party") as batch:
        batch.drop_column("representative_title")
        batch.drop_column("representative_name")

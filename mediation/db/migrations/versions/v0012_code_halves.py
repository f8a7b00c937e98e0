"""A one-time code in two halves: the district administrator's and the committee's.

An account the district administrator creates or resets in a committee that holds cases or other
members signs in first with a code in two halves (mediation/access/passwords.py): the
administrator is shown the first; a member of the committee gives the second (``staff code``).
``credential.second_half``: NULL when the code is whole (or the credential is a password), ``''``
while the committee's half is awaited, else the Argon2id hash of the committee's half.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 13:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("credential") as batch:
        batch.add_column(sa.Column("second_half", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credential") as batch:
        batch.drop_column("second_half")

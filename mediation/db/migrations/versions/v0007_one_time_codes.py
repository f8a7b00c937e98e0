"""One-time codes: an account the district administrator creates or resets signs in first with a
one-time code and must then choose its own password (mediation/access/signin.py).

``credential.one_time_until``: when set, the stored hash is that of a one-time code valid until
then, which the first sign-in must replace with a password of the account holder's own.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 10:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("credential") as batch:
        batch.add_column(sa.Column("one_time_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credential") as batch:
        batch.drop_column("one_time_until")

"""A guardian's ID number (issue 14): the 人民调解申请书 and 调解协议书 identify a party's
guardian (监护人, 法定代理人) as they identify a party, by name and 公民身份号码; a clerk's trial
found it neither asked nor stored (``mediation.parties.GuardianIn``).

Two new nullable columns of ``party``, stored as the party's own ID number is: the number
(``guardian_id_number``, personal data: masked wherever the party's is, hashed in the event
log, erased by retention) and its keyed hash (``guardian_id_hash``, HMAC-SHA256 under the
database's key, ``identity.keyed_hash``: the search index finds the case by it). The guardians
recorded before stay without one (a clerk adds it with ``case amend --edit-party N``), so the
search index needs no rebuild.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("party", sa.Column("guardian_id_number", sa.String(), nullable=True))
    op.add_column("party", sa.Column("guardian_id_hash", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("party") as batch:
        batch.drop_column("guardian_id_hash")
        batch.drop_column("guardian_id_number")

"""Amounts in fen as 64-bit integers on both backends.

``cases.amount_fen`` and ``agreement.amount_fen`` were INTEGER: 32-bit on PostgreSQL, so any
amount above ¥21,474,836.47 failed there (exit 70) while SQLite, whose INTEGER is 64-bit, took
it. They become BIGINT on PostgreSQL; on SQLite the storage already is 64-bit and the declared
type stays INTEGER (the model says so with a variant), so no table is rebuilt. The bound on
input (mediation/core/money.py, MAX_AMOUNT_FEN = ¥1,000,000,000.00) keeps every SUM over
them far below 2**63 - 1.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 10:15:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("cases", "amount_fen"), ("agreement", "amount_fen"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: INTEGER is already a 64-bit integer
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer(),
                        existing_nullable=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Fails (numeric out of range) when an amount above ¥21,474,836.47 is stored: going back
    # would lose it, and a failed downgrade leaves everything as it was.
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger(),
                        existing_nullable=True)

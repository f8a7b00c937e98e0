"""Urgings (督促履行) and feedbacks (反馈) in tables of their own, part of the case file: the note
of an urging, and the recipient and note of a feedback, as typed (shown to a reader who may see
names, masked for one who may not), bound into the audit of the case file like every other row
of it, and anonymised by retention.

Before this revision each was its event alone, its text held masked in the event's changes: the
backfill makes each such event a row (``mediation.db.aftercare_rows.legacy_row``, id = the
event's seq, when = when it happened, by = its actor), its text as the event holds it (masked:
what was typed is nowhere else). The replay of the case file takes each such event as having
inserted that row. The former combined feedback step (a visit and a closing) recorded no
feedback of its own: it makes no row.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 23:00:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from mediation.db.aftercare_rows import legacy_row

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    urging = op.create_table(
        "urging",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("urged_at", sa.DateTime(), nullable=False),
        sa.Column("urged_by", sa.String(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_urging_case_id", "urging", ["case_id"])
    feedback = op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("fed_back_at", sa.DateTime(), nullable=False),
        sa.Column("fed_back_by", sa.String(), nullable=False),
        sa.Column("channel", sa.String(), nullable=False),
        sa.Column("recipient", sa.String(), nullable=True),
        sa.Column("note", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_feedback_case_id", "feedback", ["case_id"])
    assert urging is not None and feedback is not None
    backfill(op.get_bind(), {"urging": urging, "feedback": feedback})


def backfill(connection: sa.Connection, tables: dict[str, sa.Table]) -> None:
    event = sa.table("event", sa.column("seq", sa.Integer()), sa.column("case_id", sa.Integer()),
                     sa.column("action", sa.String()), sa.column("actor", sa.String()),
                     sa.column("occurred_at", sa.DateTime()), sa.column("at", sa.DateTime()),
                     sa.column("changes", sa.String()))
    rows: dict[str, list[dict[str, object]]] = {name: [] for name in tables}
    found = connection.execute(
        sa.select(event.c.seq, event.c.case_id, event.c.action, event.c.actor,
                  sa.func.coalesce(event.c.occurred_at, event.c.at).label("occurred_at"),
                  event.c.changes)
        .where(event.c.action.in_(("urge", "feedback")), event.c.case_id.is_not(None))
        .order_by(event.c.seq))
    for e in found:
        try:
            changes = json.loads(e.changes)
        except ValueError:
            continue  # an unreadable event: audit verify reports it
        made = legacy_row(e.action, changes, e.occurred_at, e.actor) \
            if isinstance(changes, dict) else None
        if made is not None:
            rows[made[0]].append({"id": e.seq, "case_id": e.case_id, **made[1]})
    for name, table in tables.items():
        if rows[name]:
            connection.execute(table.insert(), rows[name])
        if connection.dialect.name == "postgresql":  # the next id after those taken here
            connection.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"))


def downgrade() -> None:
    op.drop_index("ix_feedback_case_id", table_name="feedback")
    op.drop_table("feedback")
    op.drop_index("ix_urging_case_id", table_name="urging")
    op.drop_table("urging")

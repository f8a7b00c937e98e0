"""Initial schema: the core's tables (committee, staff, cases, parties, steps, event log).

Revision ID: 0001
Revises:
Create Date: 2026-11-22 23:10:32.729059
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "committee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("prefix", sa.String(), nullable=False),
        sa.Column("login_required", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("prefix"),
    )
    op.create_table(
        "event",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("from_state", sa.String(), nullable=True),
        sa.Column("to_state", sa.String(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("changes", sa.String(), nullable=False),
        sa.Column("prev_hash", sa.String(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    op.create_index("ix_event_actor", "event", ["actor"])
    op.create_index("ix_event_at", "event", ["at"])
    op.create_index("ix_event_case_id", "event", ["case_id"])
    op.create_index("ix_event_committee_id", "event", ["committee_id"])

    op.create_table(
        "log_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "setting",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "case_counter",
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committee.id"],
        ),
        sa.PrimaryKeyConstraint("committee_id", "year"),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(), nullable=False),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("referral_ref", sa.String(), nullable=True),
        sa.Column("summary", sa.String(), nullable=False),
        sa.Column("requests", sa.String(), nullable=False),
        sa.Column("risk_level", sa.String(), nullable=False),
        sa.Column("persons_involved", sa.Integer(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.Column("discovered_at", sa.DateTime(), nullable=True),
        sa.Column("registered_at", sa.DateTime(), nullable=False),
        sa.Column("registrar", sa.String(), nullable=False),
        sa.Column("duplicate_of", sa.String(), nullable=True),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("deadline", sa.DateTime(), nullable=True),
        sa.Column("declined_at", sa.DateTime(), nullable=True),
        sa.Column("decline_reason", sa.String(), nullable=True),
        sa.Column("rights_notified_at", sa.DateTime(), nullable=True),
        sa.Column("mediation_started_at", sa.DateTime(), nullable=True),
        sa.Column("lead_mediator", sa.String(), nullable=True),
        sa.Column("concluded_at", sa.DateTime(), nullable=True),
        sa.Column("conclusion", sa.String(), nullable=True),
        sa.Column("termination_reason", sa.String(), nullable=True),
        sa.Column("advice", sa.String(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committee.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("committee_id", "year", "seq"),
        sa.UniqueConstraint("number"),
    )
    op.create_index("ix_cases_category", "cases", ["category"])
    op.create_index("ix_cases_committee_id", "cases", ["committee_id"])
    op.create_index("ix_cases_lead_mediator", "cases", ["lead_mediator"])
    op.create_index("ix_cases_state", "cases", ["state"])

    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("committee_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["committee_id"],
            ["committee.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_index("ix_staff_committee_id", "staff", ["committee_id"])

    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("form", sa.String(), nullable=False),
        sa.Column("terms", sa.String(), nullable=False),
        sa.Column("amount_fen", sa.Integer(), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("reached_at", sa.DateTime(), nullable=False),
        sa.Column("effective_at", sa.DateTime(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.Column("superseded_reason", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agreement_case_id", "agreement", ["case_id"])

    op.create_table(
        "case_mediator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(), nullable=False),
        sa.Column("lead", sa.Boolean(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_case_mediator_case_id", "case_mediator", ["case_id"])

    op.create_table(
        "extension",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("new_deadline", sa.DateTime(), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("granted_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_extension_case_id", "extension", ["case_id"])

    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("visited_at", sa.DateTime(), nullable=False),
        sa.Column("visitor", sa.String(), nullable=False),
        sa.Column("performance", sa.String(), nullable=True),
        sa.Column("satisfaction", sa.String(), nullable=False),
        sa.Column("lawsuit", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_follow_up_case_id", "follow_up", ["case_id"])

    op.create_table(
        "mediation_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("held_at", sa.DateTime(), nullable=False),
        sa.Column("place", sa.String(), nullable=True),
        sa.Column("attendees", sa.String(), nullable=True),
        sa.Column("minutes", sa.String(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mediation_session_case_id", "mediation_session", ["case_id"])

    op.create_table(
        "party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("sex", sa.String(), nullable=True),
        sa.Column("ethnicity", sa.String(), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("id_type", sa.String(), nullable=True),
        sa.Column("id_number", sa.String(), nullable=True),
        sa.Column("id_hash", sa.String(), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("address", sa.String(), nullable=True),
        sa.Column("guardian_name", sa.String(), nullable=True),
        sa.Column("guardian_relation", sa.String(), nullable=True),
        sa.Column("guardian_phone", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_party_case_id", "party", ["case_id"])
    op.create_index("ix_party_id_hash", "party", ["id_hash"])

    op.create_table(
        "prevention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("persons", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_prevention_case_id", "prevention", ["case_id"])

    op.create_table(
        "judicial_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("court", sa.String(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("result", sa.String(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["cases.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_judicial_confirmation_case_id", "judicial_confirmation", ["case_id"])
    # The append-only triggers on "event" come with revision 0003.


def downgrade() -> None:
    op.drop_index("ix_judicial_confirmation_case_id", table_name="judicial_confirmation")

    op.drop_table("judicial_confirmation")
    op.drop_index("ix_prevention_case_id", table_name="prevention")

    op.drop_table("prevention")
    op.drop_index("ix_party_id_hash", table_name="party")
    op.drop_index("ix_party_case_id", table_name="party")

    op.drop_table("party")
    op.drop_index("ix_mediation_session_case_id", table_name="mediation_session")

    op.drop_table("mediation_session")
    op.drop_index("ix_follow_up_case_id", table_name="follow_up")

    op.drop_table("follow_up")
    op.drop_index("ix_extension_case_id", table_name="extension")

    op.drop_table("extension")
    op.drop_index("ix_case_mediator_case_id", table_name="case_mediator")

    op.drop_table("case_mediator")
    op.drop_index("ix_agreement_case_id", table_name="agreement")

    op.drop_table("agreement")
    op.drop_index("ix_staff_committee_id", table_name="staff")

    op.drop_table("staff")
    op.drop_index("ix_cases_state", table_name="cases")
    op.drop_index("ix_cases_lead_mediator", table_name="cases")
    op.drop_index("ix_cases_committee_id", table_name="cases")
    op.drop_index("ix_cases_category", table_name="cases")

    op.drop_table("cases")
    op.drop_table("case_counter")
    op.drop_table("setting")
    op.drop_table("log_head")
    op.drop_index("ix_event_committee_id", table_name="event")
    op.drop_index("ix_event_case_id", table_name="event")
    op.drop_index("ix_event_at", table_name="event")
    op.drop_index("ix_event_actor", table_name="event")

    op.drop_table("event")
    op.drop_table("committee")

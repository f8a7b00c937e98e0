"""Everything a case holds: its stored tables and a schema per use case.

- Tables (``SQLModel, table=True``): what is stored. Enumerated fields are stored as their string
  values so that raw SQL, reports and both database backends read them plainly.
- ``*In`` schemas: what comes in (a ``case.json`` file, the guided intake), validated field by
  field with messages a mediator can act on; the field types and the checks are in
  ``mediation.core.fields``. A party's fields, in and out, are in ``mediation.parties``
  (re-exported here).
- ``*View`` schemas: what is shown. Personal data is masked unless the view is built with
  ``reveal=True``, so masking lives in the types, not in the commands.

The fixed vocabularies (states, sources, reasons ...) are in ``mediation.core.vocab``; money is
stored in fen (``mediation.core.money``) so that sums are exact in SQL.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ValidationInfo, field_validator
from sqlalchemy import BigInteger, DateTime, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

import mediation.tables  # noqa: F401  (the committee table that a case's foreign key names)
from mediation.core import fields, identity
from mediation.core.clock import iso
from mediation.core.fields import CategoryIn, DateTimeIn, Ident, IntIn, LongText
from mediation.core.money import fen_to_yuan
from mediation.core.vocab import JudicialResult, RiskLevel, Source

# A party's fields, in and out (re-exported: ``from mediation.cases import PartyIn`` holds)
from mediation.parties import GuardianIn as GuardianIn
from mediation.parties import PartyIn as PartyIn
from mediation.parties import PartyView as PartyView
from mediation.parties import RepresentativeIn as RepresentativeIn

# ---------------------------------------------------------------------------------------------
# Tables

# Money in fen: a 64-bit integer on both backends (migration 0006; SQLite's INTEGER is one,
# PostgreSQL's BIGINT). Amounts are bounded at input (money.MAX_AMOUNT_FEN) so that a SUM over
# tens of millions of them cannot overflow.
FEN = BigInteger().with_variant(Integer(), "sqlite")


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("committee_id", "year", "seq"),
        # The working lists: a committee's cases by state, the overdue ones by deadline.
        Index("ix_cases_committee_state_deadline", "committee_id", "state", "deadline"),
    )

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    year: int
    seq: int
    number: str = Field(unique=True)
    state: str = Field(index=True)
    version: int = 1
    category: str = Field(index=True)
    source: str
    referral_ref: str | None = None
    summary: str
    requests: str
    risk_level: str = RiskLevel.low
    persons_involved: int = 0
    amount_fen: int | None = Field(default=None, sa_type=FEN)
    discovered_at: datetime | None = Field(default=None, sa_type=DateTime)
    registered_at: datetime = Field(sa_type=DateTime)
    registrar: str
    duplicate_of: str | None = None
    accepted_at: datetime | None = Field(default=None, sa_type=DateTime)
    deadline: datetime | None = Field(default=None, sa_type=DateTime)
    declined_at: datetime | None = Field(default=None, sa_type=DateTime)
    decline_reason: str | None = None
    rights_notified_at: datetime | None = Field(default=None, sa_type=DateTime)
    mediation_started_at: datetime | None = Field(default=None, sa_type=DateTime)
    lead_mediator: str | None = Field(default=None, index=True)
    concluded_at: datetime | None = Field(default=None, sa_type=DateTime)
    conclusion: str | None = None  # "agreement" or "termination"
    termination_reason: str | None = None
    advice: str | None = None
    confirmed_at: datetime | None = Field(default=None, sa_type=DateTime)
    closed_at: datetime | None = Field(default=None, sa_type=DateTime)
    # the outcome was first reported back to whoever brought the dispute (反馈, migration 0016)
    fed_back_at: datetime | None = Field(default=None, sa_type=DateTime)
    # the applicant withdrew before acceptance (case withdraw, migration 0011)
    withdrawn_at: datetime | None = Field(default=None, sa_type=DateTime)
    # The milestones the statistics count by (reporting/stats.py), derived from the event log
    # and set once by the steps: the FIRST conclusion (agree or terminate), its outcome
    # ("written", "oral" or "termination") and the FIRST confirmation, never reset by remediate.
    first_concluded_at: datetime | None = Field(default=None, sa_type=DateTime)
    first_outcome: str | None = None
    first_confirmed_at: datetime | None = Field(default=None, sa_type=DateTime)


class Party(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    position: int
    role: str
    kind: str
    name: str
    sex: str | None = None
    ethnicity: str | None = None
    birth_date: date | None = None
    id_type: str | None = None
    id_number: str | None = None
    id_hash: str | None = Field(default=None, index=True)
    phone: str | None = None
    address: str | None = None
    guardian_name: str | None = None
    guardian_relation: str | None = None
    guardian_phone: str | None = None
    # the guardian's ID number and its keyed hash, stored as the party's (mediation.parties, 0026)
    guardian_id_number: str | None = None
    guardian_id_hash: str | None = None
    # an organisation's 法定代表人 or 主要负责人 and its title (职务): mediation.parties, 0025
    representative_name: str | None = None
    representative_title: str | None = None


class CaseMediator(SQLModel, table=True):
    __tablename__ = "case_mediator"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    username: str
    lead: bool
    assigned_at: datetime = Field(sa_type=DateTime)


class MediationSession(SQLModel, table=True):
    __tablename__ = "mediation_session"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    no: int
    held_at: datetime = Field(sa_type=DateTime)
    place: str | None = None
    attendees: str | None = None
    minutes: str
    recorded_by: str


class Agreement(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    version: int
    form: str
    terms: str
    amount_fen: int | None = Field(default=None, sa_type=FEN)
    due: date | None = None
    reached_at: datetime = Field(sa_type=DateTime)
    effective_at: datetime | None = Field(default=None, sa_type=DateTime)
    superseded_at: datetime | None = Field(default=None, sa_type=DateTime)
    superseded_reason: str | None = None


class Extension(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    days: int
    reason: str
    consent: bool
    new_deadline: datetime = Field(sa_type=DateTime)
    granted_at: datetime = Field(sa_type=DateTime)
    granted_by: str


class FollowUp(SQLModel, table=True):
    __tablename__ = "follow_up"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    visited_at: datetime = Field(sa_type=DateTime)
    visitor: str
    performance: str | None = None
    satisfaction: str
    lawsuit: bool = False
    note: str | None = None
    # Since issue 15 (migration 0015): several visits per case, each with who was visited, the
    # measures taken and any signs of escalation (null for the visits recorded before).
    visited: str | None = None
    measures: str | None = None
    escalation: str | None = None


class JudicialConfirmation(SQLModel, table=True):
    __tablename__ = "judicial_confirmation"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    agreement_id: int = Field(foreign_key="agreement.id")
    court: str
    filed_on: date
    result: str = JudicialResult.pending
    decided_on: date | None = None


class Prevention(SQLModel, table=True):
    """An escalation prevented (防止激化): counted in cases (件) and persons (人)."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str
    persons: int
    recorded_at: datetime = Field(sa_type=DateTime)
    recorded_by: str


class Urging(SQLModel, table=True):
    """Urging performance (督促履行, ``case urge``, migration 0021): when, by whom, the note."""

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    urged_at: datetime = Field(sa_type=DateTime)
    urged_by: str
    note: str | None = None


class CaseFeedback(SQLModel, table=True):
    """The outcome reported back (反馈, ``case feedback``, migration 0021): when, by whom, how
    (``channel``), to whom (``recipient``), the note."""

    __tablename__ = "feedback"
    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    fed_back_at: datetime = Field(sa_type=DateTime)
    fed_back_by: str
    channel: str
    recipient: str | None = None
    note: str | None = None


# ---------------------------------------------------------------------------------------------
# What comes in


class CaseIn(fields.In):
    """The intake record: ``case.json`` or the guided prompts."""

    category: CategoryIn
    source: Annotated[Source, fields.code("source")]
    summary: LongText = Field(min_length=1, max_length=fields.TEXT_LIMIT)
    requests: LongText = Field(min_length=1, max_length=fields.TEXT_LIMIT)
    referral_ref: Annotated[Ident | None, fields.CHECKED_WHEN_ABSENT] = None
    discovered_at: DateTimeIn | None = None
    risk_level: Annotated[RiskLevel, fields.code("risk")] = RiskLevel.low
    persons_involved: IntIn | None = Field(default=None, ge=1)
    amount: Decimal | None = Field(default=None, ge=0)
    parties: list[PartyIn] = Field(min_length=1)

    @field_validator("category")
    @classmethod
    def _category(cls, v: str) -> str:
        return fields.category(v)

    @field_validator("amount", mode="before")
    @classmethod
    def _amount_as_written(cls, v: Any) -> Any:
        return fields.amount(v)

    @field_validator("discovered_at")
    @classmethod
    def _naive_utc(cls, v: datetime | None, info: ValidationInfo) -> datetime | None:
        return fields.discovered_at(v, info)

    @field_validator("parties")
    @classmethod
    def _sides(cls, v: list[PartyIn]) -> list[PartyIn]:
        return fields.check_sides(v)

    @field_validator("referral_ref")  # a field's check: found with the record's other problems
    @classmethod
    def _referral(cls, v: str | None, info: ValidationInfo) -> str | None:
        return fields.check_referral(info.data.get("source"), v)


# ---------------------------------------------------------------------------------------------
# What is shown


class AgreementView(BaseModel):
    version: int
    form: str
    terms: str
    amount: str | None
    due: str | None
    reached_at: str | None
    effective_at: str | None
    superseded_at: str | None
    superseded_reason: str | None

    @classmethod
    def of(cls, a: Agreement, *, reveal: bool = False) -> AgreementView:
        return cls(
            version=a.version,
            form=a.form,
            terms=(a.terms if reveal else identity.scrub(a.terms)) or "",
            amount=fen_to_yuan(a.amount_fen),
            due=iso(a.due),
            reached_at=iso(a.reached_at),
            effective_at=iso(a.effective_at),
            superseded_at=iso(a.superseded_at),
            superseded_reason=a.superseded_reason,
        )


class CaseView(BaseModel):
    """``case show``: the whole file, personal data masked unless revealed."""

    id: int
    number: str
    committee: str
    state: str
    version: int
    category: str
    source: str
    referral_ref: str | None
    summary: str
    requests: str
    risk_level: str
    persons_involved: int
    amount: str | None
    registrar: str
    duplicate_of: str | None
    dates: dict[str, str | None]
    deadline: str | None  # the instant the period is over (ISO UTC), as stored
    deadline_last_day: str | None  # its last day, as shown (caselist.last_shown)
    overdue: bool
    decline_reason: str | None
    termination_reason: str | None
    advice: str | None
    parties: list[PartyView]
    mediators: list[dict[str, Any]]
    sessions: list[dict[str, Any]]
    agreements: list[AgreementView]
    extensions: list[dict[str, Any]]
    follow_ups: list[dict[str, Any]]
    judicial_confirmations: list[dict[str, Any]]
    preventions: list[dict[str, Any]]
    # Urgings (督促履行) and feedbacks (反馈: how, to whom): when, by whom, the note, masked.
    urgings: list[dict[str, Any]] = []
    feedbacks: list[dict[str, Any]] = []
    next_session: dict[str, Any] | None = None  # 约定下次调解 (steps_schedule.current)
    # The same party in open cases of other committees (duplicates.elsewhere): for a director,
    # each committee's name and case number; None for anyone else, or when there is none.
    elsewhere: list[dict[str, str]] | None = None

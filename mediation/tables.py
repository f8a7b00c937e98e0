"""The stored tables that are not a case's: committees, their case numbers' counter and their
staff, credentials and sign-in tokens, settings, dispute sweeps and grid leads, and the event log
with its head; and an event's view (``EventView``), beside its table.

A case's own tables and schemas are in ``mediation.cases``; the two modules together are every
table of the database (``mediation.db.migrate`` and Alembic import both).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, PrivateAttr
from sqlalchemy import BigInteger, DateTime, Integer
from sqlmodel import Field, SQLModel

from mediation.core.vocab import STAFF_FIELDS


class Setting(SQLModel, table=True):
    """Per-database settings: schema version, the key of the ID-number keyed hash."""

    key: str = Field(primary_key=True)
    value: str


class Committee(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str
    prefix: str = Field(unique=True)
    login_required: bool = False
    created_at: datetime = Field(sa_type=DateTime)


class CaseCounter(SQLModel, table=True):
    """The last case sequence number used, per committee and year: numbers are gapless."""

    __tablename__ = "case_counter"
    committee_id: int = Field(foreign_key="committee.id", primary_key=True)
    year: int = Field(primary_key=True)
    last: int = 0


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    username: str = Field(unique=True)
    name: str
    role: str
    active: bool = True
    created_at: datetime = Field(sa_type=DateTime)


class Credential(SQLModel, table=True):
    """A staff member's password (an Argon2id hash) and the failed-attempt counter (signin.py)."""

    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    password_hash: str
    failed: int = 0
    locked_until: datetime | None = Field(default=None, sa_type=DateTime)
    changed_at: datetime = Field(sa_type=DateTime)
    # Set: the hash is of a one-time code, valid until then, that the first sign-in replaces.
    one_time_until: datetime | None = Field(default=None, sa_type=DateTime)
    # A code in two halves (revision 0012, access/passwords.py): None when the code is whole or
    # this is a password; "" while the committee's half is awaited; else that half's hash.
    second_half: str | None = None


class AccessToken(SQLModel, table=True):
    """A sign-in session or a long-lived token for cron. Only the SHA-256 of the token is kept."""

    __tablename__ = "access_token"
    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    kind: str  # "session" (mediation login) or "api" (mediation token create)
    token_hash: str = Field(unique=True)
    created_at: datetime = Field(sa_type=DateTime)
    expires_at: datetime = Field(sa_type=DateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime)
    created_by: str


class Sweep(SQLModel, table=True):
    """A dispute sweep (矛盾纠纷排查) of an area on one day; ``disputes_found`` 0 is a
    零报告 (a report that nothing was found), which committees must file too."""

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    swept_on: date = Field(index=True)
    area: str
    swept_by: str
    disputes_found: int
    note: str | None = None
    recorded_at: datetime = Field(sa_type=DateTime)
    recorded_by: str


class Lead(SQLModel, table=True):
    """A grid worker's report of a dispute (网格线索) and what became of it (docs/grid.md).
    Free text is stored scrubbed of ID and phone numbers (mediation/leads.py)."""

    id: int | None = Field(default=None, primary_key=True)
    committee_id: int = Field(foreign_key="committee.id", index=True)
    place: str
    cell: str | None = None
    seen: str
    parties: str | None = None
    found_at: datetime = Field(sa_type=DateTime)
    risk: str
    status: str = Field(index=True)
    reported_by: str = Field(index=True)
    reported_at: datetime = Field(sa_type=DateTime)
    dismiss_reason: str | None = None
    dismiss_note: str | None = None
    case_id: int | None = Field(default=None, foreign_key="cases.id")
    decided_by: str | None = None
    decided_at: datetime | None = Field(default=None, sa_type=DateTime)


class Event(SQLModel, table=True):
    """One step on the record. Append-only, numbered without gaps, hash-chained (see eventlog)."""

    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    at: datetime = Field(index=True, sa_type=DateTime)
    committee_id: int | None = Field(default=None, index=True)
    case_id: int | None = Field(default=None, index=True)
    actor: str = Field(index=True)
    role: str
    action: str
    from_state: str | None = None
    to_state: str | None = None
    version: int | None = None
    reason: str | None = None
    changes: str = "{}"
    # When the step happened (``at``: when it was recorded); equal to ``at`` unless entered
    # late (``--at``). Null only in a database not yet upgraded by migration 0010.
    occurred_at: datetime | None = Field(default=None, sa_type=DateTime)
    # The form of the hashed content (eventlog.content_text): 1 before migration 0010, then 2.
    content_version: int = 1
    prev_hash: str
    hash: str


class KeptValue(SQLModel, table=True):
    """A personal value an event refers to but the log must not hold (mediation/db/kept.py): a
    party's name before and after a correction, a lead's place as reported. The event holds
    only its keyed hash; this row is mutable, and retention deletes it with its record."""

    __tablename__ = "kept_value"
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(index=True)  # the event (its seq) that committed to it
    case_id: int | None = Field(default=None, index=True)  # the case whose event it is
    record: str = Field(index=True)  # "<table>/<row id>": the row it was a value of
    field: str  # the column
    item: int | None = None  # the row's place in the event's before/after list (parties)
    before: str | None = None
    after: str | None = None


class LogHead(SQLModel, table=True):
    """The single row holding the last event's sequence number and hash."""

    __tablename__ = "log_head"
    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str


class StatMonth(SQLModel, table=True):
    """Counters of the statistics per committee and local month, kept by triggers on ``cases``
    (``mediation.db.statcounts``): figure, 0.01-day bucket of an interval (0 otherwise), count
    (or amount in fen)."""

    __tablename__ = "stat_month"
    committee_id: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={
        "autoincrement": False})
    month: str = Field(primary_key=True)
    figure: str = Field(primary_key=True)
    bucket: int = Field(primary_key=True, sa_type=Integer, sa_column_kwargs={
        "autoincrement": False})
    n: int = Field(sa_type=BigInteger().with_variant(Integer(), "sqlite"))



def staff_values(value: Any, key: str | None = None) -> set[str]:
    """The user names inside an event's changes: every string under a :data:`STAFF_FIELDS`
    key, at any depth."""
    if isinstance(value, dict):
        return {u for k, v in value.items() for u in staff_values(v, k)}
    if isinstance(value, list):
        return {u for v in value for u in staff_values(v, key)}
    return {value} if isinstance(value, str) and key in STAFF_FIELDS else set()


class EventView(BaseModel):
    """An event as shown and exported (``case history``, ``audit log``): times as text."""

    seq: int
    at: str | None  # when it was recorded
    occurred_at: str | None = None  # when it happened (earlier than ``at`` when entered late)
    case: str | None
    actor: str
    role: str
    action: str
    from_state: str | None
    to_state: str | None
    version: int | None
    reason: str | None
    changes: dict[str, Any]
    hash: str
    actor_name: str | None = None  # the actor for people (staff_names.label); ``actor`` stays
    # Each staff member named in ``changes`` (STAFF_FIELDS): user name -> staff_names.label.
    staff: dict[str, str] = {}
    # The persons' names put back into its free text (known_names.restore), for the screen
    # to keep each whole on a wrapped line; never exported (a private attribute).
    _names: list[str] = PrivateAttr(default_factory=list)

    @property
    def names(self) -> list[str]:
        return self._names

    def naming(self, names: list[str]) -> EventView:
        """This view with ``names`` as the persons' names its free text may hold."""
        self._names = list(names)
        return self

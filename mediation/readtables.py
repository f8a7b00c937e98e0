"""The columns the start-up paths read, as plain SQLAlchemy Core tables (issue 18).

Defining the ~20 SQLModel classes of ``mediation.tables`` and ``mediation.cases`` (each a
pydantic model and a mapped class) costs a command 85-95 ms of CPU before it reads anything.
The paths every clerk's command takes -- who is acting (``access/acting.py``), the case list
(``caselist.py``) and the staff names it shows (``access/staff_names.py``) -- read a few columns
with Core statements, so they read them from these tables, which need neither SQLModel nor the
ORM.

The SQLModel classes stay the schema (migrations, ``create_all``, every write): these are
descriptions of some of their columns, on a metadata of their own, never created or migrated.
tests/unit/test_readtables.py checks every column here against its SQLModel table's (name,
type on both backends, nullability, primary key), so the two cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, MetaData, String, Table

METADATA = MetaData()
SETTING = Table(  # the committee's calendar, which the case list's days overdue are counted in
    "setting", METADATA,
    Column("key", String, primary_key=True),
    Column("value", String, nullable=False),
)

CASES = Table(
    "cases", METADATA,
    Column("id", Integer, primary_key=True),
    Column("committee_id", Integer, nullable=False),
    Column("number", String, nullable=False),
    Column("state", String, nullable=False),
    Column("version", Integer, nullable=False),
    Column("category", String, nullable=False),
    Column("source", String, nullable=False),
    Column("registered_at", DateTime, nullable=False),
    Column("accepted_at", DateTime),
    Column("deadline", DateTime),
    Column("lead_mediator", String),
)

PARTY = Table(
    "party", METADATA,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("role", String, nullable=False),
    Column("kind", String, nullable=False),
    Column("name", String, nullable=False),
)

CASE_MEDIATOR = Table(
    "case_mediator", METADATA,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, nullable=False),
    Column("username", String, nullable=False),
)

COMMITTEE = Table(
    "committee", METADATA,
    Column("id", Integer, primary_key=True),
    Column("name", String, nullable=False),
    Column("login_required", Boolean, nullable=False),
)

STAFF = Table(
    "staff", METADATA,
    Column("id", Integer, primary_key=True),
    Column("committee_id", Integer, nullable=False),
    Column("username", String, nullable=False),
    Column("name", String, nullable=False),
    Column("role", String, nullable=False),
    Column("active", Boolean, nullable=False),
)

ACCESS_TOKEN = Table(
    "access_token", METADATA,
    Column("id", Integer, primary_key=True),
    Column("staff_id", Integer, nullable=False),
    Column("token_hash", String, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("revoked_at", DateTime),
)

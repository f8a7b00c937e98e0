"""Rows stored before issue 11 brought to the form intake stores today: persons' names in their
one normal form, and the free text of leads and sweeps with ID and phone numbers scrubbed.

- ``party.name`` and ``party.guardian_name``: :func:`mediation.core.redaction.normal_name`
  (``阿依古丽 • 买买提`` → ``阿依古丽·买买提``, ``张 三`` → ``张三``), as ``cases.PartyIn`` stores a
  name now. The duplicate check compares stored names in SQL (``duplicates.find``), so a name
  stored in another spelling was never found again.
- ``lead`` (place, cell, seen, parties, dismiss_note) and ``sweep`` (area, swept_by, note):
  :func:`mediation.core.redaction.scrub`, as ``leads.py`` and ``sweeps.py`` store them now.

The party rows belong to the case file, which the event log binds
(``mediation.db.casefile_changes``): each case whose names change gets an event,
``names_normalised`` by ``(upgrade)`` (role ``system``), recording the change as the case file's
keyed hashes, so ``audit verify`` still replays every case to its rows. The event log itself is
append-only and is not rewritten (its views mask names and numbers when shown). Safe to run again: a
normal form stays as it is. Downgrade keeps the rows as they are (the old spellings are not kept
anywhere).

This migration uses the application's redaction and event log (one definition of the normal
form, one way to append an event), as they are at revision 0013.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 14:05:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from mediation.core.i18n import N_

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTOR, ROLE, ACTION = "(upgrade)", "system", "names_normalised"
EVENT_NAMES = (N_("trigger.names_normalised"), N_("role.system"))
_TEXTS = {"lead": ("place", "cell", "seen", "parties", "dismiss_note"),
          "sweep": ("area", "swept_by", "note")}


def upgrade() -> None:
    conn = op.get_bind()
    normalise_names(conn)
    for table, columns in _TEXTS.items():
        scrub_texts(conn, table, columns)


BATCH = 2000  # party rows read at a time (keyset by id): memory does not grow with the database


def normalise_names(conn: sa.Connection) -> int:
    """Every party's name and guardian's name in the normal form, one event per case changed in
    each batch of rows. Returns the number of events appended."""
    from mediation.core.clock import utcnow
    from mediation.core.redaction import normal_name
    from mediation.db import casefile_changes, eventlog

    party = sa.table("party", sa.column("id"), sa.column("case_id"), sa.column("name"),
                     sa.column("guardian_name"))
    cases = sa.table("cases", sa.column("id"), sa.column("committee_id"))
    now, last, events = utcnow(), 0, 0
    while True:
        rows = conn.execute(
            sa.select(party.c.id, party.c.case_id, party.c.name, party.c.guardian_name)
            .where(party.c.id > last).order_by(party.c.id).limit(BATCH)).all()
        if not rows:
            return events
        last = rows[-1].id
        changed: dict[int, set[str]] = {}
        for row in rows:
            values: dict[str, Any] = {}
            for column, old in (("name", row.name), ("guardian_name", row.guardian_name)):
                new = normal_name(old) if old else old
                if new != old:
                    values[column] = new
                    casefile_changes.note_update(conn, "party", row.id, row.case_id, column,
                                                 old, new)
                    changed.setdefault(row.case_id, set()).add(f"party.{column}")
            if values:
                conn.execute(party.update().where(party.c.id == row.id).values(**values))
        if not changed:
            continue
        committees = dict(conn.execute(sa.select(cases.c.id, cases.c.committee_id).where(
            cases.c.id.in_(sorted(changed)))).all())
        for case_id in sorted(changed):
            eventlog.append(conn, at=now, actor=ACTOR, role=ROLE, action=ACTION,
                            committee_id=committees.get(case_id), case_id=case_id,
                            changes={"fields": [None, sorted(changed[case_id])]})
            events += 1


def scrub_texts(conn: sa.Connection, table: str, columns: Sequence[str]) -> None:
    from mediation.core.redaction import scrub

    t = sa.table(table, sa.column("id"), *(sa.column(c) for c in columns))
    last = 0
    while True:
        rows = conn.execute(sa.select(t.c.id, *(t.c[c] for c in columns))
                            .where(t.c.id > last).order_by(t.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1].id
        for row in rows:
            values = {c: scrub(getattr(row, c)) for c in columns}
            values = {c: v for c, v in values.items() if v != getattr(row, c)}
            if values:
                conn.execute(t.update().where(t.c.id == row.id).values(**values))


def downgrade() -> None:
    """Nothing to undo: the normal forms stay (the old spellings are not kept)."""

"""What each event records of the case file: every change a transaction makes to a row of the
case file (the case, its parties, mediators, sessions, agreements, extensions, follow-ups, judicial
confirmations, prevention records, urgings and feedbacks) is collected here -- ORM writes by a
flush listener, Core writes by the code that issues them (:func:`note_insert`, :func:`note_update`,
:func:`note_delete`) -- and the next event of that case takes it (:func:`take`, called by
``eventlog.append``) as ``changes["file"] = [before, after]``: ``{"<table>/<id>": {column:
value}}``, the whole row for an insert (``before`` null), the changed columns for an update,
``after`` null for a deletion. Columns holding personal data or free text are recorded as keyed
hashes (:func:`recorded`), so the log holds none of it in clear and verification needs no reveal.

The replay that checks the rows against what the events recorded is ``mediation.db.casefile``.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, event, inspect
from sqlalchemy.orm import Session

from mediation.cases import (
    Agreement,
    Case,
    CaseFeedback,
    CaseMediator,
    Extension,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Party,
    Prevention,
    Urging,
)
from mediation.core import personal
from mediation.db import settings
from mediation.db.storage import CASEFILE_PENDING

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

# The case file's tables, in the order differences are reported.
MODELS: tuple[type[Any], ...] = (Case, Party, CaseMediator, MediationSession, Agreement,
                                 Extension, FollowUp, JudicialConfirmation, Prevention, Urging,
                                 CaseFeedback)
TABLES: dict[str, Any] = {m.__table__.name: m.__table__ for m in MODELS}
_BY_MODEL = {m: m.__table__.name for m in MODELS}
# The columns recorded of each row: all but its id and its case (both are in the row's key).
COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c.key for c in t.columns if c.key not in ("id", "case_id"))
    for name, t in TABLES.items()
}
# Personal data and free text (which may name people): recorded as keyed hashes only. The
# columns are declared once, in mediation.core.personal.
HASHED: dict[str, frozenset[str]] = {t: frozenset(c) for t, c in personal.PERSONAL.items()}
_MAC_PREFIX = b"mediation-casefile\x00"


def plain(value: Any) -> Any:
    """A value as JSON holds it: timestamps ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, dates ISO."""
    if isinstance(value, datetime):
        return value.strftime(TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def recorded(key: bytes, table: str, column: str, value: Any) -> Any:
    """A column's value as events record it and verification compares it: JSON-plain
    (timestamps ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, dates ISO), and for personal data and free
    text the first 32 hex digits of HMAC-SHA256 under the database's ID-hash key."""
    kind = type(value)
    if kind is not str and kind is not int and kind is not bool and value is not None:
        value = plain(value)
    if value is None or column not in HASHED.get(table, ()):
        return value
    return keyed(key, value if isinstance(value, str) else json.dumps(value))


def keyed(key: bytes, text: str) -> str:
    """The keyed hash events record of a personal text: the first 32 hex digits of
    HMAC-SHA256 under the database's ID-hash key (the case file's, and ``mediation.db.kept``'s
    values kept out of the log)."""
    return hmac.digest(key, _MAC_PREFIX + text.encode("utf-8"), "sha256").hex()[:32]


_PENDING = CASEFILE_PENDING
_KEY = "mediation.casefile.key"
Images = dict[str, dict[str, Any] | None]


def _hash_key(conn: Connection) -> bytes:
    key = conn.info.get(_KEY)
    if key is None:
        value = settings.hash_key_of(conn)
        if not value:
            return b""
        key = conn.info[_KEY] = value
    return bytes(key)


_NOTES = "mediation.casefile.notes"


def _images(conn: Connection, case_id: int) -> tuple[Images, Images]:
    info = conn.info
    info[_NOTES] = info.get(_NOTES, 0) + 1
    pending: dict[int, tuple[Images, Images]] = info.setdefault(_PENDING, {})
    return pending.setdefault(case_id, ({}, {}))


def mark(conn: Connection) -> int:
    """How many changes to the case file this connection has collected so far: an event drafted
    before its records were written (``eventlog.draft``) is built again if this moved on."""
    return int(conn.info.get(_NOTES, 0))


def note_insert(conn: Connection, table: str, row_id: int, case_id: int,
                values: Mapping[str, Any]) -> None:
    key = _hash_key(conn)
    before, after = _images(conn, case_id)
    name = f"{table}/{row_id}"
    before.setdefault(name, None)
    after[name] = {c: recorded(key, table, c, values.get(c)) for c in COLUMNS[table]}


def note_update(conn: Connection, table: str, row_id: int, case_id: int, column: str,
                old: Any, new: Any) -> None:
    if column not in COLUMNS[table]:
        return
    key = _hash_key(conn)
    before, after = _images(conn, case_id)
    name = f"{table}/{row_id}"
    if name not in before:
        before[name] = {}
    was = before[name]
    if was is not None and column not in was:
        was[column] = recorded(key, table, column, old)
    now = after.setdefault(name, {})
    if now is not None:
        now[column] = recorded(key, table, column, new)


def note_delete(conn: Connection, table: str, row_id: int, case_id: int,
                values: Mapping[str, Any]) -> None:
    key = _hash_key(conn)
    before, after = _images(conn, case_id)
    name = f"{table}/{row_id}"
    if name not in before:
        before[name] = {c: recorded(key, table, c, values.get(c)) for c in COLUMNS[table]}
    after[name] = None


# Each table's recorded columns as (column, hashed), for :func:`inserted`.
_PLAN: dict[str, tuple[tuple[str, bool], ...]] = {
    t: tuple((c, c in HASHED.get(t, ())) for c in columns) for t, columns in COLUMNS.items()}


def inserted(key: bytes, rows: Sequence[tuple[str, int, Mapping[str, Any]]]) -> list[Images]:
    """The ``file`` record of new rows ``(table, id, values)`` (what :func:`note_insert` collects
    for each): for writers that build an event's changes themselves (the bulk import). Each value
    exactly as :func:`recorded` makes it, by one loop over the columns (the import's thousands
    of rows a batch called :func:`recorded` for every column of every row)."""
    after: Images = {}
    for t, i, v in rows:
        row: dict[str, Any] = {}
        for c, hashed in _PLAN[t]:
            value = v.get(c)
            if value is None:
                row[c] = None
            elif hashed:
                row[c] = recorded(key, t, c, value)
            else:
                kind = type(value)
                row[c] = value if kind is str or kind is int or kind is bool else plain(value)
        after[f"{t}/{i}"] = row
    return [dict.fromkeys(after), after]


def keep(conn: Connection, case_id: int, recorded: list[Images]) -> None:
    """Leave what :func:`take` returned for the next :func:`take` (an event drafted before
    its records are written takes it again when it is written: ``eventlog.draft``)."""
    before, after = recorded
    conn.info.setdefault(_PENDING, {})[case_id] = (before, after)


def take(conn: Connection, case_id: int) -> list[Images] | None:
    """What this transaction changed of the case's file since its last event, as
    ``[before, after]``; None when nothing was collected."""
    pending: dict[int, tuple[Images, Images]] | None = conn.info.get(_PENDING)
    if not pending or case_id not in pending:
        return None
    before, after = pending.pop(case_id)
    return [before, after]


def _case_of(obj: Any) -> int:
    cid = obj.id if isinstance(obj, Case) else obj.case_id
    assert cid is not None
    return int(cid)


@event.listens_for(Session, "after_flush")
def _collect(session: Session, _context: Any) -> None:
    """The ORM's writes to the case file, as the flush wrote them."""
    targets = [o for o in (*session.new, *session.dirty, *session.deleted)
               if type(o) in _BY_MODEL]
    if not targets:
        return
    conn = session.connection()
    for obj in targets:
        table = _BY_MODEL[type(obj)]
        if obj in session.new:
            note_insert(conn, table, obj.id, _case_of(obj),
                        {c: getattr(obj, c) for c in COLUMNS[table]})
        elif obj in session.deleted:
            note_delete(conn, table, obj.id, _case_of(obj),
                        {c: getattr(obj, c) for c in COLUMNS[table]})
        else:
            state = inspect(obj)
            for c in COLUMNS[table]:
                history = state.attrs[c].history
                if history.added:
                    old = history.deleted[0] if history.deleted else None
                    if old != history.added[0]:
                        note_update(conn, table, obj.id, _case_of(obj), c, old,
                                    history.added[0])

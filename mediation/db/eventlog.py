"""The event log: every change is an event, numbered without gaps and hash-chained.

An event's hash is SHA-256 over the previous event's hash (64 lowercase hex characters, the
genesis value being 64 zeros), a newline, and the canonical serialisation of the event's content:
JSON with sorted keys, no insignificant white space, UTF-8 (not ASCII-escaped), timestamps as
``YYYY-MM-DDTHH:MM:SS.ffffffZ``. docs/audit.md states this for outside verifiers.

The ``log_head`` row holds the last sequence number and hash; it is read ``FOR UPDATE`` inside the
step's transaction, so sequence numbers are gapless and the chain is linear on every backend. The
head and the events are read and written with Core statements (compiled once per process), not
ORM objects: appending is on every step's path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from mediation.cases import Event, LogHead, from_row
from mediation.core import redaction

GENESIS = "0" * 64
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_json(value: Any) -> str:
    """``json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))``."""
    return _CANONICAL.encode(value)


class EventColumns(Protocol):
    """An ``Event`` or a plain row of the event table (the verifier streams rows, not objects)."""

    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime: ...
    @property
    def committee_id(self) -> int | None: ...
    @property
    def case_id(self) -> int | None: ...
    @property
    def actor(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def from_state(self) -> str | None: ...
    @property
    def to_state(self) -> str | None: ...
    @property
    def version(self) -> int | None: ...
    @property
    def reason(self) -> str | None: ...
    @property
    def changes(self) -> str: ...


def content_of(e: EventColumns) -> dict[str, Any]:
    """The hashed content of an event: every column but ``prev_hash`` and ``hash``."""
    return {
        "seq": e.seq,
        "at": e.at.strftime(TIME_FORMAT),
        "committee_id": e.committee_id,
        "case_id": e.case_id,
        "actor": e.actor,
        "role": e.role,
        "action": e.action,
        "from_state": e.from_state,
        "to_state": e.to_state,
        "version": e.version,
        "reason": e.reason,
        "changes": json.loads(e.changes),
    }


def chain_hash(prev_hash: str, content: Mapping[str, Any]) -> str:
    data = prev_hash.encode("ascii") + b"\n" + canonical_json(content).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


_EVENT = Event.__table__  # type: ignore[attr-defined]
_HEAD = LogHead.__table__  # type: ignore[attr-defined]
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)
_LOCK_HEAD = _READ_HEAD.with_for_update()
_INSERT_EVENT = insert(_EVENT)
_ADVANCE_HEAD = update(_HEAD).where(_HEAD.c.id == 1)


def _connection(target: Session | Connection) -> Connection:
    """The connection to write through. A session's pending objects are flushed first (they
    are written before the event that records them), and a ``LogHead`` it may hold is expired,
    since the head is written below with Core statements."""
    if isinstance(target, Connection):
        return target
    target.flush()
    held = target.identity_map.get(identity_key(LogHead, (1,)))
    if held is not None:
        target.expire(held)
    return target.connection()


def ensure_head(session: Session | Connection) -> None:
    conn = _connection(session)
    if conn.execute(_READ_HEAD).first() is None:
        conn.execute(insert(_HEAD).values(id=1, seq=0, hash=GENESIS))


def append(
    session: Session | Connection,
    *,
    at: datetime,
    actor: str,
    role: str,
    action: str,
    committee_id: int | None = None,
    case_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    version: int | None = None,
    reason: str | None = None,
    changes: Mapping[str, Any] | None = None,
    persons: Sequence[str] = (),
) -> Event:
    """Append one event inside the caller's transaction and advance the head.

    The event log can never be changed, so nothing personal goes in: every string of
    ``reason`` and ``changes`` has its ID and phone numbers scrubbed, and the names of
    ``persons`` (the case's parties who are persons, and guardians) masked, in any spelling
    (:mod:`mediation.core.redaction`).

    ``session`` is the unit of work's ORM session or its connection; either way the event and
    the head are written with Core statements (a hot path: every step ends here). The returned
    ``Event`` is in no session.
    """
    conn = _connection(session)
    seq, prev_hash = conn.execute(_LOCK_HEAD).one()
    values: dict[str, Any] = {
        "seq": seq + 1,
        "at": at.replace(tzinfo=None),
        "committee_id": committee_id,
        "case_id": case_id,
        "actor": actor,
        "role": role,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "version": version,
        "reason": redaction.redact(reason, persons),
        "changes": canonical_json(redaction.redact_changes(changes or {}, persons)),
        "prev_hash": prev_hash,
        "hash": "",
    }
    event = from_row(Event, values)
    values["hash"] = event.hash = chain_hash(prev_hash, content_of(event))
    conn.execute(_INSERT_EVENT, values)
    conn.execute(_ADVANCE_HEAD, {"seq": values["seq"], "hash": values["hash"]})
    return event


def head(session: Session | Connection) -> tuple[int, str]:
    row = _connection(session).execute(_READ_HEAD).first()
    return (0, GENESIS) if row is None else (row.seq, row.hash)

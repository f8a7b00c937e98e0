"""The event log: every change is an event, numbered without gaps and hash-chained.

An event's hash is SHA-256 over the previous event's hash (64 lowercase hex characters, the
genesis value being 64 zeros), a newline, and the canonical serialisation of the event's content:
JSON with sorted keys, no insignificant white space, UTF-8 (not ASCII-escaped), timestamps as
``YYYY-MM-DDTHH:MM:SS.ffffffZ``. docs/audit.md states this for outside verifiers.

The content is versioned (``content_version``, a column of the event): version 1, the events
written before migration 0010, hashes the twelve columns it always did; version 2 adds when the
step happened (``occurred_at``, which may be earlier than ``at``, when it was recorded) and the
version itself. Older events keep verifying as they were written.

The ``log_head`` row holds the last sequence number and hash; it is read ``FOR UPDATE`` inside the
step's transaction, so sequence numbers are gapless and the chain is linear on every backend. The
head and the events are read and written with Core statements (compiled once per process), not
ORM objects: appending is on every step's path.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, overload

from sqlalchemy import Connection, insert, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from mediation.core import redaction
from mediation.db import casefile_changes, searchindex
from mediation.db.compiled import Compiled
from mediation.db.rows import from_row
from mediation.tables import Event, LogHead

GENESIS = "0" * 64
CONTENT_VERSION = 2  # what :func:`append` writes; 1: events written before migration 0010
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
_encode_string: Callable[[str], str] = getattr(json.encoder, "c_encode_basestring", None) \
    or json.encoder.py_encode_basestring


def canonical_json(value: Any) -> str:
    """``json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))``."""
    return _CANONICAL.encode(value)


class EventColumns(Protocol):
    """An ``Event`` or a plain row of the event table (the verifier streams rows, not objects)."""

    @property
    def seq(self) -> int: ...
    @property
    def at(self) -> datetime | str: ...
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
    @property
    def occurred_at(self) -> datetime | str | None: ...
    @property
    def content_version(self) -> int: ...


class NotCanonical(ValueError):
    """An event's ``changes`` is not the canonical JSON of an object (docs/audit.md §4)."""


def _no_float(text: str) -> Any:
    raise NotCanonical(f"a number that is not an integer: {text}")


# One decoder for every event (json.loads with hooks would build one per call), and the
# canonical encoder without its check for circular references (parsed JSON has none).
_STRICT = json.JSONDecoder(parse_float=_no_float, parse_constant=_no_float)
_RECHECK = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                            check_circular=False)


def parse_changes(text: str) -> dict[str, Any]:
    """The ``changes`` column read strictly: a JSON object written exactly as
    :func:`canonical_json` writes it, so duplicate keys, another key order or spacing, escaped
    non-ASCII, floats, ``NaN`` and ``Infinity`` are all refused (:class:`NotCanonical`)."""
    value = _STRICT.decode(text)
    if not isinstance(value, dict):
        raise NotCanonical("not a JSON object")
    if _RECHECK.encode(value) != text:
        raise NotCanonical("not canonical JSON (duplicate keys, key order or spacing)")
    return value


def _at_text(at: datetime | str) -> str:
    """``at`` as hashed: ``YYYY-MM-DDTHH:MM:SS.ffffffZ``; SQLite's stored text
    (``YYYY-MM-DD HH:MM:SS.ffffff``) is turned into it without parsing a datetime."""
    if isinstance(at, str):
        if len(at) == 26 and at[10] == " ":
            return at[:10] + "T" + at[11:] + "Z"
        at = datetime.fromisoformat(at)
    if not isinstance(at, datetime):
        raise TypeError(at)
    return at.strftime(TIME_FORMAT)


def content_text(seq: int, at: datetime | str, committee_id: int | None, case_id: int | None,
                 actor: str, role: str, action: str, from_state: str | None,
                 to_state: str | None, version: int | None, reason: str | None,
                 changes: str, occurred_at: datetime | str | None = None,
                 content_version: int = 1) -> str:
    """THE hashed content of an event: the canonical JSON (docs/audit.md §2-4) of every column
    but ``prev_hash`` and ``hash``, keys sorted. ``changes`` is the column's text, spliced in
    verbatim: it is canonical JSON already (:func:`parse_changes` checks that when it is read).
    The log's append, the verifier and the bulk import all hash what this returns.

    Version 1 (the events written before migration 0010) is the twelve columns it always was;
    version 2 adds ``content_version`` and ``occurred_at`` (when the step happened). Any other
    version is not an event this program wrote (:class:`NotCanonical`)."""
    cj = _value
    head = (f'{{"action":{cj(action)},"actor":{cj(actor)},"at":{cj(_at_text(at))},'
            f'"case_id":{cj(case_id)},"changes":{changes},"committee_id":{cj(committee_id)},')
    tail = (f'"reason":{cj(reason)},"role":{cj(role)},'
            f'"seq":{cj(seq)},"to_state":{cj(to_state)},"version":{cj(version)}}}')
    if content_version == 1:
        return f'{head}"from_state":{cj(from_state)},{tail}'
    if content_version == 2 and occurred_at is not None:
        return (f'{head}"content_version":2,"from_state":{cj(from_state)},'
                f'"occurred_at":{cj(_at_text(occurred_at))},{tail}')
    raise NotCanonical(f"content version {content_version!r} with occurred_at "
                       f"{occurred_at!r}")


def _value(value: Any) -> str:
    """``canonical_json(value)`` for one column's value: strings and integers directly (the
    C string encoder), anything else through the canonical encoder."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if kind is int:
        return str(value)
    if value is None:
        return "null"
    return _CANONICAL.encode(value)


def content_of(e: EventColumns) -> str:
    """The hashed content of an event or event row (:func:`content_text`)."""
    return content_text(e.seq, e.at, e.committee_id, e.case_id, e.actor, e.role, e.action,
                        e.from_state, e.to_state, e.version, e.reason, e.changes,
                        e.occurred_at, e.content_version)


def chain_hash(prev_hash: str, content: str | Mapping[str, Any]) -> str:
    """SHA-256 over ``prev_hash``, a newline and the content (its text, or a mapping that is
    serialised canonically)."""
    text = content if isinstance(content, str) else canonical_json(content)
    data = prev_hash.encode("ascii") + b"\n" + text.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


_EVENT = Event.__table__  # type: ignore[attr-defined]
_HEAD = LogHead.__table__  # type: ignore[attr-defined]
_READ_HEAD = select(_HEAD.c.seq, _HEAD.c.hash).where(_HEAD.c.id == 1)
_LOCK_HEAD = _READ_HEAD.with_for_update()
_INSERT_EVENT = insert(_EVENT)
_ADVANCE_HEAD = update(_HEAD).where(_HEAD.c.id == 1)
# The same, run on SQLite's driver (mediation.db.compiled): held under the write lock.
_LOCK_HEAD_ONCE = Compiled(_LOCK_HEAD)
_INSERT_EVENT_ONCE = Compiled(_INSERT_EVENT, [c.key for c in _EVENT.columns])
_ADVANCE_HEAD_ONCE = Compiled(_ADVANCE_HEAD, ["seq", "hash"])


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


@dataclass
class Draft:
    """An event built before its transaction takes the log head (:func:`draft`): redacted,
    serialised, its hashed content split around the sequence number (:func:`seq_split`), so
    that under the head (on SQLite the write lock every terminal queues on) only the head, the
    hash and the insert remain (:func:`append` given it). What it was built from is kept, to
    build it again if the transaction writes more of the case file before it is written."""

    values: dict[str, Any]
    changes: Mapping[str, Any]
    reason: str | None
    persons: Sequence[str]
    kept: Mapping[str, Any] | None
    content: tuple[str, str]
    refresh_index: bool
    mark: int


def draft(
    session: Session | Connection,
    *,
    at: datetime,
    occurred_at: datetime | None = None,
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
    kept: Mapping[str, Any] | None = None,
) -> Draft:
    """An event to append (:func:`append`, whose arguments these are), built as far as it can
    be without the log head: redacted, serialised, its content ready for the hash."""
    conn = _connection(session)
    values: dict[str, Any] = {
        "seq": 0,
        "at": at.replace(tzinfo=None),
        "committee_id": committee_id,
        "case_id": case_id,
        "actor": actor,
        "role": role,
        "action": action,
        "from_state": from_state,
        "to_state": to_state,
        "version": version,
        "reason": None,
        "changes": "",
        "occurred_at": (occurred_at or at).replace(tzinfo=None),
        "content_version": CONTENT_VERSION,
        "prev_hash": "",
        "hash": "",
    }
    recorded = casefile_changes.take(conn, case_id) if case_id is not None else None
    if recorded is not None:  # taken again by append(), with whatever is added meanwhile
        casefile_changes.keep(conn, values["case_id"], recorded)
    return _build(conn, values, changes or {}, reason, persons, kept, recorded)


def _build(conn: Connection, values: dict[str, Any], changes: Mapping[str, Any],
           reason: str | None, persons: Sequence[str], kept: Mapping[str, Any] | None,
           recorded: list[Any] | None) -> Draft:
    """The event's columns from what it records: every string of ``reason`` and ``changes``
    scrubbed and the names of ``persons`` masked, then the case file's changes (``recorded``:
    their personal data and free text are keyed hashes already) added as recorded."""
    redacted = redaction.redact_changes(changes, persons)
    if kept:
        redacted = {**redacted, "kept": dict(kept)}
    if recorded is not None:
        redacted = {**redacted, "file": recorded}
    values["reason"] = redaction.redact(reason, persons)
    values["changes"] = canonical_json(redacted)
    content = seq_split(content_text(
        0, values["at"], values["committee_id"], values["case_id"], values["actor"],
        values["role"], values["action"], values["from_state"], values["to_state"],
        values["version"], values["reason"], values["changes"], values["occurred_at"],
        values["content_version"]))
    return Draft(values, changes, reason, persons, kept, content,
                 searchindex.touched(recorded) if recorded is not None else False,
                 casefile_changes.mark(conn))


@overload
def append(session: Session | Connection, drafted: Draft, *,
           persons_now: Callable[[], Sequence[str]] | None = None) -> Event: ...


@overload
def append(
    session: Session | Connection,
    *,
    at: datetime,
    occurred_at: datetime | None = None,
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
    kept: Mapping[str, Any] | None = None,
) -> Event: ...


def append(
    session: Session | Connection,
    drafted: Draft | None = None,
    *,
    at: datetime | None = None,
    occurred_at: datetime | None = None,
    actor: str = "",
    role: str = "",
    action: str = "",
    committee_id: int | None = None,
    case_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    version: int | None = None,
    reason: str | None = None,
    changes: Mapping[str, Any] | None = None,
    persons: Sequence[str] = (),
    kept: Mapping[str, Any] | None = None,
    persons_now: Callable[[], Sequence[str]] | None = None,
) -> Event:
    """Append one event inside the caller's transaction and advance the head.

    ``at`` is when it is recorded, ``occurred_at`` when it happened (``at`` when not given: a
    step typed as it happens; earlier for a late entry, ``--at``).

    The event log can never be changed, so nothing personal goes in: every string of
    ``reason`` and ``changes`` has its ID and phone numbers scrubbed, and the names of
    ``persons`` (the case's parties who are persons, and guardians) masked, in any spelling
    (:mod:`mediation.core.redaction`). The case file's changes (``changes["file"]``) are added
    after that, as recorded: their personal data and free text are keyed hashes already; so
    are ``kept``, the keyed hashes of values kept out of the log (``changes["kept"]``,
    :mod:`mediation.db.kept`).

    ``session`` is the unit of work's ORM session or its connection; either way the event and
    the head are written with Core statements (a hot path: every step ends here). The returned
    ``Event`` is in no session.

    Or the event ``drafted`` before the write lock (:func:`draft`, a workflow step): built
    again if the transaction wrote more of the case file since (a step's records), with the
    names ``persons_now`` returns, when given (a party added or renamed is masked).
    """
    if drafted is None:
        assert at is not None
        drafted = draft(
            session, at=at, occurred_at=occurred_at, actor=actor, role=role, action=action,
            committee_id=committee_id, case_id=case_id, from_state=from_state,
            to_state=to_state, version=version, reason=reason, changes=changes,
            persons=persons, kept=kept)
    return _write(session, drafted, persons_now)


def _write(session: Session | Connection, event: Draft,
           persons: Callable[[], Sequence[str]] | None) -> Event:
    conn = _connection(session)
    values = event.values
    case_id = values["case_id"]
    if case_id is not None:
        recorded = casefile_changes.take(conn, case_id)
        if casefile_changes.mark(conn) != event.mark:
            event = _build(conn, dict(values), event.changes, event.reason,
                           persons() if persons is not None else event.persons, event.kept,
                           recorded)
            values = event.values
        if event.refresh_index:  # the search index, in the same transaction
            searchindex.refresh(conn, case_id)
    before, after = event.content
    if conn.dialect.name == "postgresql":
        values["seq"], values["prev_hash"], values["hash"] = _append_postgresql(
            conn, values, before, after)
        return from_row(Event, values)
    seq, prev = _LOCK_HEAD_ONCE.execute(conn, {}).fetchone()
    seq += 1
    values.update(seq=seq, prev_hash=prev, hash=chain_hash(prev, f"{before}{seq}{after}"))
    _INSERT_EVENT_ONCE.execute(conn, values)
    _ADVANCE_HEAD_ONCE.execute(conn, {"seq": seq, "hash": values["hash"]})
    return from_row(Event, values)


# PostgreSQL: the head locked, the event inserted with its hash and the head advanced in ONE
# statement, so that the head row -- which every write of every terminal takes -- is held for
# that statement and the commit, not for three round trips and the Python between them (issue
# 18: with eight terminals the steps queue on it). The hash is :func:`chain_hash` computed by
# the server (``sha256``, PostgreSQL 11 and later) over the same bytes: the previous hash, a
# newline, and :func:`content_text` with the new sequence number spliced in
# (:func:`seq_split`). The verifier recomputes every hash in Python, so any difference would
# show as a broken chain (tests/integration/test_concurrency.py and test_audit_verify.py run
# on PostgreSQL and verify the chain after).
_PG_APPEND = text("""
WITH head AS (SELECT seq + 1 AS seq, hash AS prev FROM log_head WHERE id = 1 FOR UPDATE),
added AS (
    INSERT INTO event (seq, at, committee_id, case_id, actor, role, action, from_state, to_state,
                       version, reason, changes, occurred_at, content_version, prev_hash, hash)
    SELECT head.seq, CAST(:at AS TIMESTAMP), CAST(:committee_id AS INTEGER),
           CAST(:case_id AS INTEGER), CAST(:actor AS VARCHAR), CAST(:role AS VARCHAR),
           CAST(:action AS VARCHAR), CAST(:from_state AS VARCHAR), CAST(:to_state AS VARCHAR),
           CAST(:version AS INTEGER), CAST(:reason AS VARCHAR), CAST(:changes AS VARCHAR),
           CAST(:occurred_at AS TIMESTAMP), CAST(:content_version AS INTEGER), head.prev,
           encode(sha256(convert_to(head.prev || chr(10) || CAST(:before AS VARCHAR)
                                    || CAST(head.seq AS VARCHAR) || CAST(:after AS VARCHAR),
                                    'UTF8')), 'hex')
    FROM head
    RETURNING seq, prev_hash, hash)
UPDATE log_head SET seq = added.seq, hash = added.hash FROM added WHERE log_head.id = 1
RETURNING added.seq, added.prev_hash, added.hash
""")
_PG_APPEND_ONCE = Compiled(_PG_APPEND)


def seq_split(content: str) -> tuple[str, str]:
    """``content`` (:func:`content_text` written with ``seq`` 0) as the text before and after
    the sequence number: ``before + str(seq) + after`` is the content with ``seq``. The number
    is the last ``"seq"`` key (only ``to_state`` and ``version`` follow it, plain values; a
    ``"seq"`` key inside ``changes`` comes earlier)."""
    mark = ',"seq":0,"to_state":'
    at = content.rindex(mark) + len(',"seq":')
    return content[:at], content[at + 1:]


def _append_postgresql(conn: Connection, values: dict[str, Any], before: str, after: str
                       ) -> tuple[int, str, str]:
    params = {k: v for k, v in values.items() if k not in ("seq", "prev_hash", "hash")}
    row = _PG_APPEND_ONCE.execute(conn, {**params, "before": before, "after": after}).fetchone()
    return int(row[0]), str(row[1]), str(row[2])


def head(session: Session | Connection) -> tuple[int, str]:
    row = _connection(session).execute(_READ_HEAD).first()
    return (0, GENESIS) if row is None else (row.seq, row.hash)

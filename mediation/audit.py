"""Audit: verify the event log, sign checkpoints of its head, and read it as timelines.

:func:`verify` is the plain function other checks call (``mediation db check``); it needs no
actor. It streams the event table in batches of ``batch`` rows ordered by ``seq`` (keyset
pagination, so memory does not grow with the log) and checks, row by row:

- ``seq`` starts at 1 and has no gaps;
- ``prev_hash`` equals the previous row's stored ``hash`` (the genesis value for seq 1);
- ``hash`` equals SHA-256 over ``prev_hash``, a newline and the canonical content (eventlog);
- every anchor's head ``(seq, hash)`` is still in the log, unchanged.

Each row is judged against its neighbours' *stored* values, so one altered row is reported at its
own ``seq`` and does not drown the rest of the log in follow-on errors. Afterwards, with the
stream done, it checks that the ``log_head`` row equals the last event, and replays every case in
SQL (window functions and one join, evaluated by the database; see docs/audit.md for why this is
preferred over a dictionary of every case in Python): each case's versioned events must count
1, 2, 3... with each ``from_state`` the previous ``to_state``, and the last of them must equal the
case row's current ``state`` and ``version``.

The result is typed: ``ok`` or the first bad ``seq`` and the kind of problem (:class:`Kind`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, LargeBinary, String, cast, select, type_coerce
from sqlalchemy.exc import OperationalError
from sqlmodel import col

from mediation.access.policy import Actor, audit_scope, require, sees_names
from mediation.cases import Case, EventView, Party
from mediation.committee import committee_of
from mediation.core import encodings, normalise, redaction
from mediation.core.clock import iso, start_of_local_day_utc
from mediation.core.errors import IntegrityFailure, InvalidInput
from mediation.core.i18n import N_, Msg, msg
from mediation.db import casefile, casestore, eventlog
from mediation.db.storage import UnitOfWork
from mediation.tables import Event, LogHead

BATCH = 2000
MAX_FINDINGS = 50
CHECKPOINT_FORMAT = "mediation-checkpoint/1"
MIN_KEY_BYTES = 16

# Display names this feature adds: its own action and the fields its timelines show.
NAMES = (N_("trigger.checkpoint"), N_("field.state"), N_("field.key_fingerprint"))


class Kind(StrEnum):
    """What is wrong at the first bad sequence number."""

    seq_gap = "seq_gap"  # a sequence number is missing (or the log does not start at 1)
    prev_hash = "prev_hash"  # prev_hash is not the previous event's hash
    hash = "hash"  # the stored hash is not the hash of the content
    content = "content"  # the row cannot be read as an event (bad JSON in changes, ...)
    head = "head"  # the log_head row does not match the last event
    replay = "replay"  # a case's state/version differs from the replay of its events
    transition = "transition"  # a case's event is not a step the workflow table allows there
    field = "field"  # a stored field of the case file differs from what its events recorded
    anchor_missing = "anchor_missing"  # a published head is beyond the end of the log
    anchor_mismatch = "anchor_mismatch"  # the event at a published head has another hash
    signature = "signature"  # given --key: an anchor is unsigned, or its HMAC does not match


CASE_KINDS = frozenset({Kind.replay, Kind.transition, Kind.field})  # ("content" may come from
# the case replay too: it is a problem of the log, ranked with the chain's)


def _order(f: Finding) -> tuple[bool, bool, int]:
    return f.kind in CASE_KINDS, f.seq is None, f.seq or 0


@dataclass(frozen=True)
class Finding:
    seq: int | None
    kind: Kind
    detail: Msg
    case_id: int | None = None  # the case, for replay, transition and field
    field: str | None = None  # for field: "<table>/<row id>.<column>" (or the row)

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind.value, "detail": self.detail.render(),
                "case_id": self.case_id, "field": self.field}


@dataclass(frozen=True)
class Anchor:
    """A head published outside the database: a nightly manifest or a signed checkpoint."""

    source: str
    seq: int
    hash: str
    statement: dict[str, Any] | None = None  # the whole checkpoint, when it is one

    @property
    def signed(self) -> bool:
        return self.statement is not None and "signature" in self.statement


@dataclass
class AnchorResult:
    source: str
    seq: int
    hash: str
    found: bool = False
    signature: str = "none"  # none | unchecked | valid | invalid | unsigned (given --key)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "seq": self.seq, "hash": self.hash, "found": self.found,
                "signature": self.signature}


@dataclass
class VerifyResult:
    events: int = 0
    head: tuple[int, str] = (0, eventlog.GENESIS)
    findings: list[Finding] = field(default_factory=list)
    more_findings: int = 0
    anchors: list[AnchorResult] = field(default_factory=list)
    cases: int = 0
    whole_files: int = 0  # cases whose whole file was compared (the others: state and version)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        """The problem of the log at the lowest sequence number; when the log itself holds, the
        first problem of the cases (a broken chain makes their replay meaningless anyway).
        Problems without a sequence number come last."""
        if not self.findings:
            return None
        return min(self.findings, key=_order)

    def add(self, finding: Finding) -> None:
        if len(self.findings) < MAX_FINDINGS:
            self.findings.append(finding)
        else:
            self.more_findings += 1

    def to_dict(self) -> dict[str, Any]:
        first = self.first
        return {
            "ok": self.ok,
            "events": self.events,
            "cases": self.cases,
            "whole_files": self.whole_files,
            "head": {"seq": self.head[0], "hash": self.head[1]},
            "first_bad_seq": first.seq if first else None,
            "problem": first.to_dict() if first else None,
            "findings": [f.to_dict() for f in sorted(
                self.findings, key=_order)],
            "more_findings": self.more_findings,
            "anchors": [a.to_dict() for a in self.anchors],
            "unchecked_anchors": [a.source for a in self.unchecked],
        }

    @property
    def unchecked(self) -> list[AnchorResult]:
        """The anchors whose signature was not checked: every anchor, when no key was given."""
        return [a for a in self.anchors if a.signature in ("none", "unchecked")]

    def failure(self) -> IntegrityFailure:
        first = self.first
        assert first is not None
        if first.seq is None:
            return IntegrityFailure(msg("audit verification failed: {detail}",
                                        detail=first.detail))
        return IntegrityFailure(msg("audit verification failed at event {seq}: {detail}",
                                    seq=first.seq, detail=first.detail))


# ---------------------------------------------------------------------------------------------
# Anchors and keys


def anchor_from_json(data: object, source: str) -> Anchor:
    """An anchor from a manifest (``log_head``) or a checkpoint (``log_head`` + ``signature``)."""
    head = data.get("log_head") if isinstance(data, dict) else None
    seq = head.get("seq") if isinstance(head, dict) else None
    value = head.get("hash") if isinstance(head, dict) else None
    if (not isinstance(seq, int) or isinstance(seq, bool) or seq < 0
            or not isinstance(value, str) or len(value) != 64):
        raise InvalidInput(msg("{file} holds no log head (\"log_head\": {{\"seq\": N, "
                               "\"hash\": \"64 hex\"}})", file=source))
    assert isinstance(data, dict)
    statement = data if "signature" in data else None
    return Anchor(source=source, seq=seq, hash=value.lower(), statement=statement)


def anchor_from_file(path: str | Path) -> Anchor:
    p = Path(path)
    try:
        data = json.loads(encodings.decode(p.read_bytes())[0])  # the one reader of files
    except OSError:
        raise InvalidInput(msg("cannot read {file}", file=str(p))) from None
    except normalise.Unreadable as exc:
        raise InvalidInput(msg("{origin}: {why}", origin=str(p), why=exc.message)) from None
    except ValueError:
        raise InvalidInput(msg("{file} is not JSON", file=str(p))) from None
    return anchor_from_json(data, str(p))


def read_key(path: str | Path) -> bytes:
    """The HMAC key: the file's bytes without surrounding white space (at least 16 bytes)."""
    try:
        key = Path(path).read_bytes().strip()
    except OSError:
        raise InvalidInput(msg("cannot read {file}", file=str(path))) from None
    if len(key) < MIN_KEY_BYTES:
        raise InvalidInput(msg("the key in {file} is too short: use at least {n} random bytes "
                               "(e.g. `openssl rand -hex 32 > {file}`)", file=str(path),
                               n=MIN_KEY_BYTES))
    return key


def key_fingerprint(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def sign(statement: dict[str, Any], key: bytes) -> str:
    """HMAC-SHA256 over the canonical JSON of the statement without its ``signature``."""
    body = {k: v for k, v in statement.items() if k != "signature"}
    return hmac.new(key, eventlog.canonical_json(body).encode("utf-8"), hashlib.sha256).hexdigest()


def signature_valid(statement: dict[str, Any], key: bytes) -> bool:
    sig = statement.get("signature")
    value = sig.get("value") if isinstance(sig, dict) else None
    return isinstance(value, str) and hmac.compare_digest(value, sign(statement, key))


# ---------------------------------------------------------------------------------------------
# Verification


def _connection(uow: UnitOfWork) -> tuple[Connection, bool]:
    """A connection that sees one consistent snapshot of the whole log.

    SQLite: the unit of work's own transaction (a WAL read transaction is a snapshot).
    PostgreSQL: a separate REPEATABLE READ connection, so that appends committed while we stream
    do not make the head and the events disagree.
    """
    if uow.engine.dialect.name == "postgresql":
        conn = uow.engine.connect().execution_options(isolation_level="REPEATABLE READ")
        return conn, True
    return uow.session.connection(), False


_COLUMNS = ("seq", "at", "committee_id", "case_id", "actor", "role", "action", "from_state",
            "to_state", "version", "reason", "changes", "prev_hash", "hash", "occurred_at",
            "content_version")


def _rows(conn: Connection, batch: int) -> Iterator[tuple[Any, ...]]:
    """The event table in ``seq`` order, ``batch`` rows per query, as plain tuples.

    On SQLite ``at`` arrives as its stored text, which ``eventlog.content_text`` takes as it
    is. A batch holding text that is not UTF-8 (which the driver refuses to decode) is read
    again with every text column as its stored bytes, decoded here: the bad row is then
    unreadable (``content``) instead of failing the whole verification. (PostgreSQL refuses
    such text when it is written.)
    """
    t = Event.__table__  # type: ignore[attr-defined]
    cols: list[Any] = [t.c[c] for c in _COLUMNS]
    sqlite = conn.dialect.name == "sqlite"
    raw_cols = cols
    if sqlite:
        cols = [cols[0], type_coerce(t.c.at, String).label("at"), *cols[2:14],
                type_coerce(t.c.occurred_at, String).label("occurred_at"), cols[15]]
        raw_cols = [cols[0], *(cast(c, LargeBinary).label(c.key)
                               if c.key in _TEXT else c for c in raw_cols[1:])]
    last = None
    while True:
        stmt = select(*cols).order_by(t.c.seq).limit(batch)
        if last is not None:
            stmt = stmt.where(t.c.seq > last)
        try:
            rows: Sequence[Any] = conn.execute(stmt).all()
        except OperationalError as exc:
            if not (sqlite and "decode" in str(exc)):
                raise
            stmt = select(*raw_cols).order_by(t.c.seq).limit(batch)
            if last is not None:
                stmt = stmt.where(t.c.seq > last)
            rows = [_decoded(row) for row in conn.execute(stmt).all()]
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


_TEXT = frozenset({"at", "actor", "role", "action", "from_state", "to_state", "reason",
                   "changes", "prev_hash", "hash", "occurred_at"})


class _Undecodable(str):
    """A column's bytes that are not UTF-8: never equal to anything the log wrote."""


def _text(value: Any) -> Any:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return _Undecodable(value.decode("utf-8", "replace"))
    return value


def _decoded(row: Sequence[Any]) -> tuple[Any, ...]:
    """A row read as bytes, decoded; a row with a column that is not UTF-8 gets changes that
    cannot be parsed, so that it is reported unreadable (``content``)."""
    values = [_text(v) for v in row]
    if any(isinstance(v, _Undecodable) for v in values):
        values[11] = _Undecodable("\ufffd")
    return tuple(values)


def _hash_of(row: tuple[Any, ...]) -> str:
    """The chain hash of one streamed row: ``eventlog.content_text`` of its columns, the
    ``changes`` read strictly (``eventlog.parse_changes``: canonical JSON or ValueError) --
    except a case's events that record its file, which the case replay parses, strictly, once
    (``casefile``)."""
    if row[3] is None or casefile.FILE_KEY not in row[11]:
        eventlog.parse_changes(row[11])
    r = row
    return eventlog.chain_hash(r[12], eventlog.content_text(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[14], r[15]))


def verify(uow: UnitOfWork, anchors: Sequence[Anchor] = (), *, key: bytes | None = None,
           batch: int = BATCH) -> VerifyResult:
    """Check the whole log; see the module docstring. Never raises for a bad log."""
    conn, own = _connection(uow)
    try:
        return _verify(conn, anchors, key, batch)
    finally:
        if own:
            conn.close()


def _verify(conn: Connection, anchors: Sequence[Anchor], key: bytes | None,
            batch: int) -> VerifyResult:
    result = VerifyResult()
    checks = [(AnchorResult(a.source, a.seq, a.hash), a)
              for a in sorted(anchors, key=lambda a: a.seq)]
    result.anchors = [r for r, _ in checks]
    for r, a in checks:
        if a.statement is None and key is not None:
            r.signature = "unsigned"
            result.add(Finding(a.seq, Kind.signature, msg(
                "{file} is not a signed checkpoint: with --key every anchor must be signed "
                "(a manifest, or a checkpoint whose signature was removed, is accepted only "
                "without --key)", file=a.source)))
        elif a.statement is not None:
            if key is None:
                r.signature = "unchecked"
            elif signature_valid(a.statement, key):
                r.signature = "valid"
            else:
                r.signature = "invalid"
                result.add(Finding(a.seq, Kind.signature, msg(
                    "the signature of checkpoint {file} does not match the key (the statement "
                    "was altered, or signed with another key)", file=a.source)))
        if a.seq == 0:
            r.found = a.hash == eventlog.GENESIS
            if not r.found:
                result.add(Finding(0, Kind.anchor_mismatch, msg(
                    "the head published in {file} has hash {published}, the log now has "
                    "{actual}: history up to it was rewritten", file=a.source,
                    published=a.hash[:16], actual=eventlog.GENESIS[:16])))
    pending = [(r, a) for r, a in checks if a.seq > 0]
    i = 0

    prev_seq, prev_hash = 0, eventlog.GENESIS
    for row in _rows(conn, batch):
        result.events += 1
        seq, stored_prev, stored_hash = row[0], row[12], row[13]
        if seq != prev_seq + 1:
            missing = prev_seq + 1
            if seq == missing + 1:
                why = msg("event {seq} is missing (the log goes from {before} to {after})",
                          seq=missing, before=prev_seq, after=seq)
            elif seq > missing:
                why = msg("events {first} to {last} are missing (the log goes from {before} "
                          "to {after})", first=missing, last=seq - 1, before=prev_seq, after=seq)
            else:
                why = msg("event {seq} is out of order after {before}", seq=seq, before=prev_seq)
            result.add(Finding(missing, Kind.seq_gap, why))
        if stored_prev != prev_hash:
            result.add(Finding(seq, Kind.prev_hash, msg(
                "its prev_hash is not the hash of the event before it: the chain is broken "
                "here (an event was removed, inserted, reordered or rewritten)")))
        try:
            computed = _hash_of(row)
        except (ValueError, TypeError, AttributeError):
            result.add(Finding(seq, Kind.content, msg(
                "the event cannot be read: its changes are not canonical JSON (duplicate keys, "
                "key order, spacing, a float), or a field is not UTF-8 or is malformed")))
            computed = None
        if computed is not None and computed != stored_hash:
            result.add(Finding(seq, Kind.hash, msg(
                "its content does not match its hash: the event was altered after it was written")))
        while i < len(pending) and pending[i][1].seq <= seq:
            r, a = pending[i]
            if a.seq == seq:
                r.found = True
                if stored_hash != a.hash or (computed is not None and computed != a.hash):
                    result.add(Finding(seq, Kind.anchor_mismatch, msg(
                        "the head published in {file} has hash {published}, the log now has "
                        "{actual}: history up to it was rewritten", file=a.source,
                        published=a.hash[:16], actual=str(stored_hash)[:16])))
            else:
                result.add(Finding(a.seq, Kind.anchor_missing, msg(
                    "the event {seq} published in {file} is no longer in the log",
                    seq=a.seq, file=a.source)))
            i += 1
        prev_seq, prev_hash = seq, stored_hash
    for _r, a in pending[i:]:
        result.add(Finding(a.seq, Kind.anchor_missing, msg(
            "the head {seq} published in {file} is beyond the end of the log ({last}): the log "
            "was truncated", seq=a.seq, file=a.source, last=prev_seq)))
    result.head = (prev_seq, prev_hash)
    _check_head(conn, result, prev_seq, prev_hash)
    _check_replay(conn, result)
    return result


def _check_head(conn: Connection, result: VerifyResult, last_seq: int, last_hash: str) -> None:
    t = LogHead.__table__  # type: ignore[attr-defined]
    head = conn.execute(select(t.c.seq, t.c.hash).where(t.c.id == 1)).first()
    if head is None:
        if last_seq:
            result.add(Finding(last_seq, Kind.head, msg("the log_head row is missing")))
        return
    if (head.seq, head.hash) != (last_seq, last_hash):
        seq = min(head.seq, last_seq) + 1 if head.seq != last_seq else last_seq
        result.add(Finding(seq, Kind.head, msg(
            "the log head says event {head} ({head_hash}) but the last event is {last} "
            "({last_hash}): events were added or removed behind the application's back",
            head=head.seq, head_hash=head.hash[:16], last=last_seq, last_hash=last_hash[:16])))


def _check_replay(conn: Connection, result: VerifyResult) -> None:
    """Every case replayed from its events and judged (``mediation.db.casefile``): each
    versioned event by the transition table, the case row against the replay."""
    for case in casefile.replay_cases(conn):
        if case.number is not None:
            result.cases += 1
            result.whole_files += case.complete
        for p in case.problems:
            result.add(Finding(p.seq, Kind(p.kind), p.detail, p.case_id, p.field))


def run_verify(uow: UnitOfWork, actor: Actor, anchors: Sequence[Anchor] = (), *,
               key: bytes | None = None) -> VerifyResult:
    """The ``audit verify`` service: permission, then :func:`verify`."""
    require(actor, "audit.verify")
    return verify(uow, anchors, key=key)


# ---------------------------------------------------------------------------------------------
# Checkpoints


def checkpoint(uow: UnitOfWork, actor: Actor, key_bytes: bytes) -> dict[str, Any]:
    """Record a checkpoint event and return the signed statement of the head that includes it."""
    require(actor, "audit.checkpoint")
    if len(key_bytes) < MIN_KEY_BYTES:
        raise InvalidInput(msg("the key is too short: use at least {n} random bytes",
                               n=MIN_KEY_BYTES))
    committee = committee_of(uow, actor)
    now = uow.now()
    eventlog.append(uow.session, at=now, actor=actor.username, role=actor.role,
                    action="checkpoint", committee_id=actor.committee_id,
                    changes={"key_fingerprint": [None, key_fingerprint(key_bytes)]})
    seq, value = eventlog.head(uow.session)
    statement: dict[str, Any] = {
        "format": CHECKPOINT_FORMAT,
        "log_head": {"seq": seq, "hash": value},
        "at": now.strftime(eventlog.TIME_FORMAT),
        "committee": {"id": committee.id, "name": committee.name},
        "signer": {"username": actor.username, "role": actor.role},
        "key_fingerprint": key_fingerprint(key_bytes),
    }
    statement["signature"] = {"alg": "HMAC-SHA256", "value": sign(statement, key_bytes)}
    return statement


# ---------------------------------------------------------------------------------------------
# Timelines for a reviewer


def _local_day(d: date | datetime, *, end: bool = False) -> datetime:
    """A date is a whole day in China Standard Time; a datetime is a naive-UTC instant."""
    if isinstance(d, datetime):
        return d
    return start_of_local_day_utc(d + timedelta(days=1) if end else d)


def log(uow: UnitOfWork, actor: Actor, *, case: str | None = None,
        actor_name: str | None = None, since: date | datetime | None = None,
        until: date | datetime | None = None, action: str | None = None,
        limit: int | None = 500, offset: int = 0, newest_first: bool = False
        ) -> list[EventView]:
    """The committee's events, oldest first (``newest_first``: the latest first), filtered;
    ``since`` and ``until`` days inclusive; ``limit`` events from ``offset`` (None: all).

    A mediator sees only the events they made (``access.audit_scope``); a reader without access
    to parties' names (the auditor) sees them masked, also inside free text.
    """
    stmt = _log_filter(uow, actor, case=case, actor_name=actor_name, since=since,
                       until=until, action=action)
    order = col(Event.seq).desc() if newest_first else col(Event.seq)
    stmt = stmt.order_by(order).offset(offset)
    rows = uow.session.execute(stmt if limit is None else stmt.limit(limit)).all()
    from mediation.queries import event_view, redact_event

    names: list[str] = []
    if not sees_names(actor):
        # The persons of every case in the extract (redaction.persons: parties who are
        # persons, and guardians; organisations keep their registered names).
        case_ids = {ev.case_id for ev, _ in rows if ev.case_id is not None}
        names = redaction.persons_of_rows(uow.session.execute(
            select(col(Party.name), col(Party.kind), col(Party.guardian_name))
            .where(col(Party.case_id).in_(case_ids))).all())
    return [redact_event(event_view(ev, number), names) for ev, number in rows]


def log_page(uow: UnitOfWork, actor: Actor, *, limit: int | None = 50, page: int = 1,
             **filters: Any) -> tuple[list[EventView], int]:
    """One page of the log, newest first, and how many events the filters match in all."""
    from sqlalchemy import func

    counted = _log_filter(uow, actor, **filters).with_only_columns(func.count()) \
        .order_by(None)
    total = int(uow.session.execute(counted).scalar_one())
    offset = (page - 1) * limit if limit else 0
    return log(uow, actor, limit=limit, offset=offset, newest_first=True, **filters), total


def _log_filter(uow: UnitOfWork, actor: Actor, *, case: str | None = None,
                actor_name: str | None = None, since: date | datetime | None = None,
                until: date | datetime | None = None, action: str | None = None) -> Any:
    """The events the reader may see that the filters match (a select of event and number)."""
    scope = audit_scope(actor)
    stmt = select(Event, col(Case.number)).outerjoin(Case, col(Case.id) == col(Event.case_id)) \
        .where(col(Event.committee_id) == actor.committee_id)
    if scope == "own":
        stmt = stmt.where(col(Event.actor) == actor.username)
    if case is not None:
        stmt = stmt.where(col(Event.case_id) == _case_id(uow, actor, case))
    if actor_name:
        stmt = stmt.where(col(Event.actor) == actor_name)
    if action:
        stmt = stmt.where(col(Event.action) == action)
    if since is not None:
        stmt = stmt.where(col(Event.at) >= _local_day(since))
    if until is not None:
        end = _local_day(until, end=True)
        stmt = stmt.where(col(Event.at) < end if not isinstance(until, datetime)
                          else col(Event.at) <= end)
    return stmt


def _case_id(uow: UnitOfWork, actor: Actor, ref: str) -> int:
    case_id = casestore.find(uow, actor, ref).id
    assert case_id is not None
    return case_id


def case_timeline(uow: UnitOfWork, actor: Actor, ref: str) -> dict[str, Any]:
    """One case for a reviewer: its current state and every event, with before and after."""
    audit_scope(actor)
    cid = _case_id(uow, actor, ref)
    case = uow.session.get(Case, cid)
    assert case is not None
    events = log(uow, actor, case=str(cid), limit=1_000_000)
    return {"id": cid, "number": case.number, "state": case.state, "version": case.version,
            "registered_at": iso(case.registered_at),
            "events": [e.model_dump() for e in events]}


def require_ok(result: VerifyResult) -> VerifyResult:
    """Raise :class:`IntegrityFailure` (exit 4) unless the result is ok."""
    if not result.ok:
        raise result.failure()
    return result

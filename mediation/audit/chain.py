"""Verifying the event log: the chain in ``seq`` order, the head, and every case replayed.

:func:`verify` is the plain function other checks call (``mediation db check``); it needs no
actor. It streams the chain (``seq``, ``case_id``, ``prev_hash``, ``hash``) in batches of
``batch`` rows ordered by ``seq`` (keyset pagination, so memory does not grow with the log) and
checks, row by row:

- ``seq`` starts at 1 and has no gaps;
- ``prev_hash`` equals the previous row's stored ``hash`` (the genesis value for seq 1);
- every anchor's head ``(seq, hash)`` is still in the log, unchanged.

``hash`` must equal SHA-256 over ``prev_hash``, a newline and the canonical content (eventlog):
checked here for the events of no case (read whole beside the chain), and for the events of a
case by the case replay (``casefile.replay_cases(on_event=...)``), which reads each of them once
anyway. Each row is judged against its neighbours' *stored* values, so one altered row is
reported at its own ``seq`` and does not drown the rest of the log in follow-on errors. Then it
checks that the ``log_head`` row equals the last event, and replays every case in keyset batches
of case ids (``mediation.db.casefile``): each event's changes read strictly, each versioned
event by the transition table, the last state and version against the case row, and the whole
case file against what its events recorded. Last, each personal value kept out of the log
(``mediation.db.kept``) against the keyed hash its event holds.

The result is typed: ``ok`` or the first bad ``seq`` and the kind of problem (:class:`Kind`).
"""


from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, LargeBinary, cast, select
from sqlalchemy.exc import OperationalError

from mediation.audit.anchors import Anchor, signature_valid
from mediation.audit.findings import AnchorResult, Finding, Kind, VerifyResult
from mediation.core.i18n import msg
from mediation.db import casefile, casefile_rows, eventlog, kept, settings
from mediation.db.storage import UnitOfWork
from mediation.tables import Event, LogHead

BATCH = 2000


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


_CHAIN = ("seq", "case_id", "prev_hash", "hash")


def _rows(conn: Connection, batch: int, names: Sequence[str] = casefile_rows.EVENT_COLUMNS,
          cases: bool = True) -> Iterator[tuple[Any, ...]]:
    """The event table's columns ``names`` in ``seq`` order (without ``cases``: only the events
    of no case), ``batch`` rows per query, as plain tuples.

    A batch holding text that is not UTF-8 (which SQLite's driver refuses to decode) is read
    again with every text column as its stored bytes, decoded here: the bad row is then
    unreadable (``content``) instead of failing the whole verification. (PostgreSQL refuses
    such text when it is written.)
    """
    t = Event.__table__  # type: ignore[attr-defined]
    sqlite = conn.dialect.name == "sqlite"
    cols = casefile_rows.event_columns(sqlite, names)
    raw_cols = [cast(t.c[c], LargeBinary).label(c) if c in _TEXT else t.c[c] for c in names]
    last = None
    while True:
        stmt = select(*cols).order_by(t.c.seq).limit(batch)
        if not cases:
            stmt = stmt.where(t.c.case_id.is_(None))
        if last is not None:
            stmt = stmt.where(t.c.seq > last)
        try:
            rows: Sequence[Any] = conn.execute(stmt).all()
        except OperationalError as exc:
            if not (sqlite and "decode" in str(exc)):
                raise
            stmt = select(*raw_cols).order_by(t.c.seq).limit(batch)
            if not cases:
                stmt = stmt.where(t.c.case_id.is_(None))
            if last is not None:
                stmt = stmt.where(t.c.seq > last)
            rows = [_decoded(row, names) for row in conn.execute(stmt).all()]
        if not rows:
            return
        yield from rows
        last = rows[-1][0]


_TEXT = frozenset({"at", "actor", "role", "action", "from_state", "to_state", "reason",
                   "changes", "prev_hash", "hash", "occurred_at"})
_Undecodable = casefile_rows.Undecodable


def _text(value: Any) -> Any:
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return _Undecodable(value.decode("utf-8", "replace"))
    return value


def _decoded(row: Sequence[Any], names: Sequence[str]) -> tuple[Any, ...]:
    """A row read as bytes, decoded; a row with a column that is not UTF-8 gets changes that
    cannot be parsed, so that it is reported unreadable (``content``)."""
    values = [_text(v) for v in row]
    if "changes" in names and any(isinstance(v, _Undecodable) for v in values):
        values[names.index("changes")] = _Undecodable("\ufffd")
    return tuple(values)


def _hash_of(row: Sequence[Any]) -> str:
    """The chain hash of one event row (all of ``casefile_rows.EVENT_COLUMNS``):
    ``eventlog.content_text`` of its columns, the ``changes`` read strictly
    (``eventlog.parse_changes``: canonical JSON or ValueError) -- except a case's events, which
    the case replay parses, strictly, once (``casefile``)."""
    r = row
    if r[3] is None:
        eventlog.parse_changes(r[11])
    return eventlog.chain_hash(r[12], eventlog.content_text(
        r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[14], r[15]))


def verify(uow: UnitOfWork, anchors: Sequence[Anchor] = (), *, key: bytes | None = None,
           batch: int = BATCH) -> VerifyResult:
    """Check the whole log; see the module docstring. Never raises for a bad log."""
    conn, own = _connection(uow)
    try:
        with _fewer_collections():
            return _verify(conn, anchors, key, batch)
    finally:
        if own:
            conn.close()


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """The cyclic garbage collector run less often while verifying: the replay makes and drops
    millions of small acyclic objects (freed at once by reference counting), and each
    collection would scan the batch in hand; this took 10-12% of the time (docs/deploy.md)."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*before)


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

    # The chain in seq order, reading only what links it; the events of no case are hashed
    # here, those of cases by the case replay below, which reads each of them once anyway.
    published = {a.seq: a for _r, a in pending}
    others = _rows(conn, batch, cases=False)
    prev_seq, prev_hash = 0, eventlog.GENESIS
    for seq, case_id, stored_prev, stored_hash in _rows(conn, batch, _CHAIN):
        result.events += 1
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
        if case_id is None:
            _check_event(result, next(others), published)
        while i < len(pending) and pending[i][1].seq <= seq:
            r, a = pending[i]
            if a.seq == seq:
                r.found = True
                if stored_hash != a.hash:
                    result.add(_rewritten(a, stored_hash))
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
    _check_replay(conn, result, lambda row: _check_event(result, row, published))
    _check_kept(conn, result)
    return result


def _check_kept(conn: Connection, result: VerifyResult) -> None:
    """Each personal value kept out of the log (``mediation.db.kept``; retention may have
    deleted it) against the keyed hash its event recorded."""
    key = settings.hash_key_of(conn)
    for seq, case_id, name in kept.mismatches(conn, key):
        result.add(Finding(seq, Kind.field, msg(
            "the value kept out of the log for {name} is not the one its event recorded (its "
            "keyed hash differs): it was changed behind the application's back", name=name),
            case_id, name))


def _rewritten(a: Anchor, actual: str) -> Finding:
    return Finding(a.seq, Kind.anchor_mismatch, msg(
        "the head published in {file} has hash {published}, the log now has {actual}: history "
        "up to it was rewritten", file=a.source, published=a.hash[:16], actual=str(actual)[:16]))


def _check_event(result: VerifyResult, row: Sequence[Any], published: dict[int, Anchor]
                 ) -> None:
    """One event's hash against its content (all of ``casefile_rows.EVENT_COLUMNS``), and against
    the head published at it, if any."""
    seq, stored_hash = row[0], row[13]
    try:
        if any(isinstance(v, _Undecodable) for v in (*row[:11], *row[14:])):
            raise ValueError("not UTF-8")
        computed = _hash_of(row)
    except (ValueError, TypeError, AttributeError):
        if row[3] is None or not isinstance(row[11], _Undecodable):  # (else the replay says)
            result.add(Finding(seq, Kind.content, msg(
                "the event cannot be read: its changes are not canonical JSON (duplicate keys, "
                "key order, spacing, a float), or a field is not UTF-8 or is malformed")))
        return
    if computed != stored_hash:
        result.add(Finding(seq, Kind.hash, msg(
            "its content does not match its hash: the event was altered after it was written")))
    a = published.get(seq)
    if a is not None and computed != a.hash and stored_hash == a.hash:
        result.add(_rewritten(a, computed))


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


def _check_replay(conn: Connection, result: VerifyResult,
                  on_event: casefile.EventCheck) -> None:
    """Every case replayed from its events and judged (``mediation.db.casefile``): each
    versioned event by the transition table, the case row against the replay; and each event
    of a case by ``on_event`` (its hash)."""
    for case in casefile.replay_cases(conn, on_event=on_event):
        if case.number is not None:
            result.cases += 1
            result.whole_files += case.complete
        for p in case.problems:
            result.add(Finding(p.seq, Kind(p.kind), p.detail, p.case_id, p.field))

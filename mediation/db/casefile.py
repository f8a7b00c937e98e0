"""The case file bound to the event log: what each event records of it, and each case replayed
from its events and compared with its rows (``audit verify`` and ``db check`` both judge the
cases through :func:`replay_cases`).

**Recording.** Every change to a row of the case file (the case, its parties, mediators,
sessions, agreements, extensions, follow-ups, judicial confirmations and prevention records) made
in a transaction is collected here -- ORM writes by a flush listener, Core writes by the code
that issues them (:func:`note_insert`, :func:`note_update`, :func:`note_delete`) -- and the next
event of that case takes it (``eventlog.append``) as ``changes["file"] = [before, after]``:
``{"<table>/<id>": {column: value}}``, the whole row for an insert (``before`` null), the
changed columns for an update, ``after`` null for a deletion. Columns holding personal data or
free text are recorded as keyed hashes (:func:`recorded`), so the log holds none of it in clear
and verification needs no reveal.

The cases are read in keyset batches of ``batch`` case ids; for each batch, the events of those
cases in ``(case_id, seq)`` order. Only one batch is held at a time, so memory does not grow with
the number of cases or events. Each case's versioned events go through
:class:`mediation.workflow.Replay` (the transition table's rule, one event at a time), and the
last replayed state and version must be the case row's.
"""

from __future__ import annotations

import hmac
import itertools
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Date, DateTime, String, event, inspect, select, type_coerce
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from mediation import workflow
from mediation.cases import (
    Agreement,
    Case,
    CaseMediator,
    Extension,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Party,
    Prevention,
)
from mediation.core.i18n import Msg, msg
from mediation.db import settings
from mediation.db.storage import CASEFILE_PENDING
from mediation.tables import Event

BATCH = 1000  # cases per batch
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"

_CASES = Case.__table__  # type: ignore[attr-defined]
_EVENT = Event.__table__  # type: ignore[attr-defined]

# The case file's tables, in the order differences are reported.
MODELS: tuple[type[Any], ...] = (Case, Party, CaseMediator, MediationSession, Agreement,
                                 Extension, FollowUp, JudicialConfirmation, Prevention)
TABLES: dict[str, Any] = {m.__table__.name: m.__table__ for m in MODELS}
_BY_MODEL = {m: m.__table__.name for m in MODELS}
# The columns recorded of each row: all but its id and its case (both are in the row's key).
COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(c.key for c in t.columns if c.key not in ("id", "case_id"))
    for name, t in TABLES.items()
}
# Personal data and free text (which may name people): recorded as keyed hashes only.
HASHED: dict[str, frozenset[str]] = {
    "cases": frozenset({"summary", "requests", "advice", "referral_ref"}),
    "party": frozenset({"name", "birth_date", "id_number", "phone", "address",
                        "guardian_name", "guardian_relation", "guardian_phone"}),
    "mediation_session": frozenset({"place", "attendees", "minutes"}),
    "agreement": frozenset({"terms", "superseded_reason"}),
    "extension": frozenset({"reason"}),
    "follow_up": frozenset({"note"}),
    "judicial_confirmation": frozenset({"court"}),  # free text: may hold a name or number
}
_MAC_PREFIX = b"mediation-casefile\x00"
# In an event's canonical changes this text can only be an object's key (a quote inside a string
# is escaped): the events that record the case file, parsed strictly by the replay.
FILE_KEY = '"file":'


def _plain(value: Any) -> Any:
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
        value = _plain(value)
    if value is None or column not in HASHED.get(table, ()):
        return value
    text = value if isinstance(value, str) else json.dumps(value)
    return hmac.digest(key, _MAC_PREFIX + text.encode("utf-8"), "sha256").hex()[:32]


# ---------------------------------------------------------------------------------------------
# Recording what a transaction changes

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


def _images(conn: Connection, case_id: int) -> tuple[Images, Images]:
    pending: dict[int, tuple[Images, Images]] = conn.info.setdefault(_PENDING, {})
    return pending.setdefault(case_id, ({}, {}))


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


def inserted(key: bytes, rows: Sequence[tuple[str, int, Mapping[str, Any]]]) -> list[Images]:
    """The ``file`` record of new rows ``(table, id, values)`` (what :func:`note_insert` collects
    for each): for writers that build an event's changes themselves (the bulk import)."""
    return [{f"{t}/{i}": None for t, i, _ in rows},
            {f"{t}/{i}": {c: recorded(key, t, c, v.get(c)) for c in COLUMNS[t]}
             for t, i, v in rows}]


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


@dataclass(frozen=True)
class Problem:
    """Something wrong with one case: at an event (``seq``) or with its row (``seq`` None)."""

    seq: int | None
    case_id: int
    kind: str  # "transition" (an event the table does not allow), "replay" (row vs events),
    # "field" (a stored field of the case file differs from what its events recorded)
    detail: Msg
    field: str | None = None  # "<table>/<id>.<column>", or the row, for "field"


@dataclass
class CaseReplay:
    """One case: its row (None when events name a case that does not exist) and its replay."""

    case_id: int
    number: str | None
    state: str | None
    version: int | None
    replay: workflow.Replay = field(default_factory=workflow.Replay)
    last_seq: int | None = None
    problems: list[Problem] = field(default_factory=list)
    complete: bool = False  # its events record the whole case file (format 2, see docs/audit.md)
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)  # the file, as replayed
    set_by: dict[str, int] = field(default_factory=dict)  # row -> the seq inserting/deleting it
    updates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (seq, after) of
    # the events that updated rows: who last set a column is looked up only when one differs

    def last_set(self, row: str, column: str) -> int | None:
        """The event that last set ``row.column``: the last update of it since the row was
        inserted, else the insertion."""
        inserted = self.set_by.get(row)
        for seq, after in reversed(self.updates):
            if inserted is not None and seq <= inserted:
                break
            values = after.get(row)
            if isinstance(values, dict) and column in values:
                return int(seq)
        return inserted

    @property
    def label(self) -> str:
        return self.number or f"#{self.case_id}"


_ORDER = {name: i for i, name in enumerate(TABLES)}


def _row_order(name: str) -> tuple[int, int]:
    table, _, ident = name.partition("/")
    return _ORDER.get(table, len(_ORDER)), int(ident) if ident.isdigit() else -1


def replay_cases(conn: Connection, *, batch: int = BATCH, whole_file: bool = True,
                 on_event: EventCheck | None = None) -> Iterator[CaseReplay]:
    """Every case, and every case id the events name, replayed and judged, in id order; with
    ``whole_file``, every event's changes read strictly and the rows of each complete case
    compared with what its events recorded. ``on_event`` is called with every event of a case
    (all of :data:`EVENT_COLUMNS`), so that a verifier reads each event once."""
    return _replay_cases(conn, batch, whole_file, on_event)


class Undecodable(str):
    """A column's stored bytes that are not UTF-8, read with replacement characters: never
    equal to anything the log wrote, and the event holding it is unreadable (``content``)."""


def _lenient(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return Undecodable(value.decode("utf-8", "replace"))


@contextmanager
def _lenient_text(conn: Connection) -> Iterator[None]:
    """On SQLite, text that is not UTF-8 is read as :class:`Undecodable` instead of failing
    the whole query: it then differs from what was recorded, and is reported as such."""
    raw = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
    if raw is None:
        yield
        return
    before = raw.text_factory
    raw.text_factory = _lenient
    try:
        yield
    finally:
        raw.text_factory = before


# The event's columns in the order its hashed content lists them (``eventlog.content_text``),
# then its chain: what a check of each event's hash reads (``replay_cases(on_event=...)``).
EVENT_COLUMNS = ("seq", "at", "committee_id", "case_id", "actor", "role", "action", "from_state",
                 "to_state", "version", "reason", "changes", "prev_hash", "hash")


def event_columns(sqlite: bool, names: Sequence[str] = EVENT_COLUMNS) -> list[Any]:
    """The event table's columns ``names``; on SQLite ``at`` as its stored text, which
    ``eventlog.content_text`` takes as it is."""
    return [type_coerce(_EVENT.c.at, String).label("at") if c == "at" and sqlite
            else _EVENT.c[c] for c in names]


EventCheck = Callable[[Any], None]


def _replay_cases(conn: Connection, batch: int, whole_file: bool,
                  on_event: EventCheck | None) -> Iterator[CaseReplay]:
    key = settings.hash_key_of(conn) if whole_file else b""
    after: int | None = None
    while True:
        try:
            data = _read(conn, key, after, batch, whole_file, on_event is not None)
        except OperationalError as exc:
            if not (conn.dialect.name == "sqlite" and "decode" in str(exc)):
                raise
            with _lenient_text(conn):  # text that is not UTF-8 in this batch
                data = _read(conn, key, after, batch, whole_file, on_event is not None)
        upto = data[1]
        yield from _judged(data, whole_file, on_event)
        del data  # one batch in memory at a time: this one goes before the next is read
        if upto is None:
            return
        after = upto


def _judged(data: tuple[Sequence[Any], int | None, dict[int, list[Any]],
                        dict[int, dict[str, dict[str, Any]]]],
            whole_file: bool, on_event: EventCheck | None) -> Iterator[CaseReplay]:
    """The cases of one batch (:func:`_read`), replayed and judged, in id order."""
    rows, _upto, by_case, stored = data
    known = {r.id: r for r in rows}
    for cid in sorted(known.keys() | by_case.keys()):
        row = known.get(cid)
        events = by_case.pop(cid, [])
        if on_event is not None:
            for e in events:
                on_event(e)
        case = _judge(CaseReplay(cid, row.number if row else None,
                                 row.state if row else None, row.version if row else None),
                      events, whole_file)
        if whole_file and case.complete:
            _compare(case, stored.pop(cid, {}))
        yield case


_REPLAYED = ("case_id", "seq", "action", "from_state", "to_state", "version", "changes")


def _read(conn: Connection, key: bytes, after: int | None, batch: int, whole_file: bool,
          whole_events: bool) -> tuple[Sequence[Any], int | None, dict[int, list[Any]],
                                       dict[int, dict[str, dict[str, Any]]]]:
    """One batch: its case rows, the last id it covers (None: to the end), its events by case
    (``whole_events``: every column), and (``whole_file``) its stored case files."""
    sqlite = conn.dialect.name == "sqlite"
    cases = select(*_case_columns(sqlite)).order_by(_CASES.c.id).limit(batch)
    events = select(*event_columns(sqlite, EVENT_COLUMNS if whole_events else _REPLAYED)) \
        .where(_EVENT.c.case_id.is_not(None)).order_by(_EVENT.c.case_id, _EVENT.c.seq)
    if after is not None:
        cases = cases.where(_CASES.c.id > after)
        events = events.where(_EVENT.c.case_id > after)
    rows = conn.execute(cases).all()
    upto = rows[-1].id if len(rows) == batch else None  # the last batch takes every id on
    if upto is not None:
        events = events.where(_EVENT.c.case_id <= upto)
    by_case = {cid: list(evs) for cid, evs in
               itertools.groupby(conn.execute(events).all(), lambda e: e.case_id)}
    stored = _stored(conn, key, rows, after, upto) if whole_file else {}
    return rows, upto, by_case, stored


# The case row as the replay reads it: id, number, state, version, then every recorded column.
_CASE_COLUMNS = ("id", "number", "state", "version", *COLUMNS["cases"])


def _case_columns(sqlite: bool) -> list[Any]:
    return [*(_CASES.c[c] for c in _CASE_COLUMNS[:4]),
            *_columns(_CASES, _CASE_COLUMNS[4:], sqlite)]


def _stored(conn: Connection, key: bytes, cases: Sequence[Any], after: int | None,
            upto: int | None) -> dict[int, dict[str, dict[str, Any]]]:
    """The stored case file of the batch's cases, each column as events record it."""
    out: dict[int, dict[str, dict[str, Any]]] = {}
    sqlite = conn.dialect.name == "sqlite"
    record = _recorder(key, "cases", sqlite)
    first = len(_CASE_COLUMNS) - len(COLUMNS["cases"])  # the row's id leads (_case_rows)
    for r in cases:
        out[r[0]] = {f"cases/{r[0]}": record(r[first:])}
    for name, t in TABLES.items():
        if name == "cases":
            continue
        record = _recorder(key, name, sqlite)
        stmt = select(t.c.case_id, t.c.id, *_columns(t, COLUMNS[name], sqlite)) \
            .where(t.c.case_id.is_not(None)).order_by(t.c.case_id, t.c.id)
        if after is not None:
            stmt = stmt.where(t.c.case_id > after)
        if upto is not None:
            stmt = stmt.where(t.c.case_id <= upto)
        for r in conn.execute(stmt).all():
            out.setdefault(r[0], {})[f"{name}/{r[1]}"] = record(r[2:])
    return out


_TIMES = (DateTime, Date)


def _columns(t: Any, names: Sequence[str], sqlite: bool) -> list[Any]:
    """The columns ``names`` of table ``t`` to select; on SQLite, times and dates as their stored
    text (:func:`_time_text` turns it into the recorded form without parsing a datetime)."""
    return [type_coerce(t.c[c], String).label(c)
            if sqlite and isinstance(t.c[c].type, _TIMES) else t.c[c] for c in names]


def _time_text(value: Any) -> Any:
    """A time or date as stored by SQLite (``YYYY-MM-DD HH:MM:SS.ffffff``, ``YYYY-MM-DD``) in
    the form events record it; other text is parsed as ISO, and kept as it is (so that it
    differs) when it is not a time."""
    if type(value) is str:
        if len(value) == 26 and value[10] == " ":
            return value[:10] + "T" + value[11:] + "Z"
        if len(value) == 10:
            return value
        try:
            return _plain(datetime.fromisoformat(value))
        except ValueError:
            return value
    return _plain(value)


def _recorder(key: bytes, table: str, sqlite: bool = False
              ) -> Callable[[Sequence[Any]], dict[str, Any]]:
    """:func:`recorded` for a whole row of ``table`` (its ``COLUMNS`` values, in order, as
    :func:`_columns` selects them)."""
    names = COLUMNS[table]
    hashed = HASHED.get(table, frozenset())
    t = TABLES[table]
    digest, prefix = hmac.digest, _MAC_PREFIX

    def hashed_value(v: Any) -> str:
        text = v if type(v) is str else json.dumps(_plain(v))
        return digest(key, prefix + text.encode("utf-8"), "sha256").hex()[:32]

    def time_then_hash(v: Any) -> str:
        return hashed_value(_time_text(v) if sqlite else _plain(v))

    special: list[tuple[int, str, Callable[[Any], Any]]] = []
    for i, c in enumerate(names):
        is_time = isinstance(t.c[c].type, _TIMES)
        if c in hashed:
            special.append((i, c, time_then_hash if is_time else hashed_value))
        elif is_time:
            special.append((i, c, _time_text if sqlite else _plain))

    def record(values: Sequence[Any]) -> dict[str, Any]:
        out = dict(zip(names, values, strict=True))
        for i, c, convert in special:
            v = values[i]
            if v is not None:
                out[c] = convert(v)
        return out

    return record


def _compare(case: CaseReplay, stored: dict[str, dict[str, Any]]) -> None:
    """The first stored field that differs from the replayed file, as one problem."""
    if case.rows == stored:  # the common case, compared at C speed
        return
    for name in sorted(stored.keys() | case.rows.keys(), key=_row_order):
        mine, theirs = case.rows.get(name), stored.get(name)
        if mine is None:
            case.problems.append(Problem(None, case.case_id, "field", msg(
                "case {case}: row {row} is in the case file, but no event recorded it",
                case=case.label, row=name), name))
            return
        if theirs is None:
            case.problems.append(Problem(case.set_by.get(name), case.case_id, "field", msg(
                "case {case}: row {row}, recorded by event {seq}, is missing from the case "
                "file", case=case.label, row=name, seq=case.set_by.get(name, "-")), name))
            return
        table = name.partition("/")[0]
        for c in COLUMNS.get(table, ()):
            if mine.get(c) != theirs.get(c):
                where = f"{name}.{c}"
                seq = case.last_set(name, c)
                case.problems.append(Problem(seq, case.case_id, "field", msg(
                    "case {case}: {field} differs from what its events recorded (last set by "
                    "event {seq})", case=case.label, field=where, seq=seq or "-"), where))
                return


def _apply(case: CaseReplay, seq: int, images: Any) -> None:
    """One event's ``file`` ``[before, after]`` applied to the replayed file."""
    if not (isinstance(images, list) and len(images) == 2 and isinstance(images[1], dict)):
        return
    before = images[0] if isinstance(images[0], dict) else {}
    updated = False
    for name, values in images[1].items():
        if values is None:
            case.rows.pop(name, None)
            case.set_by[name] = seq
            continue
        if not isinstance(values, dict):
            continue
        if (name in before and before[name] is None) or name not in case.rows:
            case.rows[name] = dict(values)  # inserted: each column set by this event
            case.set_by[name] = seq
            continue
        case.rows[name].update(values)
        updated = True
    if updated:
        case.updates.append((seq, images[1]))


def _records_file(e: Any) -> bool:
    return isinstance(e.changes, str) and FILE_KEY in e.changes


def _strict(case: CaseReplay, e: Any) -> dict[str, Any] | None:
    """An event's changes parsed strictly (``eventlog.parse_changes``), or a ``content`` problem:
    the chain's pass leaves the events of cases to this one parse."""
    from mediation.db import eventlog  # (eventlog imports this module)

    try:
        if isinstance(e.changes, Undecodable):
            raise ValueError("not UTF-8")
        return eventlog.parse_changes(e.changes)
    except (ValueError, TypeError):
        case.problems.append(Problem(e.seq, case.case_id, "content", msg(
            "the event cannot be read: its changes are not canonical JSON (duplicate keys, "
            "key order, spacing, a float), or a field is not UTF-8 or is malformed")))
        return None


def _judge(case: CaseReplay, events: Sequence[Any], whole_file: bool = False) -> CaseReplay:
    if case.number is None:
        case.problems.append(Problem(events[0].seq, case.case_id, "replay", msg(
            "the event belongs to a case that does not exist")))
        for e in events:
            if whole_file:
                _strict(case, e)
        return case
    for n, e in enumerate(events):
        if whole_file:
            has_file = _records_file(e)
            if n == 0:
                case.complete = has_file
            changes = _strict(case, e)  # every event: the verifier's one strict reading
            if has_file and changes is not None and case.complete:
                _apply(case, e.seq, changes.get("file"))
        if e.version is None:  # recorded about the case without changing it (reveal, ...)
            continue
        why = case.replay.step(e.action, e.from_state, e.to_state, e.version)
        case.last_seq = e.seq
        if why is not None:
            case.problems.append(Problem(e.seq, case.case_id, "transition", msg(
                "case {case}: {action} does not follow from the case's earlier events: {why}",
                case=case.label, action=e.action, why=why)))
    r = case.replay
    if case.last_seq is None:
        case.problems.append(Problem(None, case.case_id, "replay", msg(
            "case {case} is {state} at version {version} but no event records it",
            case=case.label, state=case.state, version=case.version)))
    elif (r.state, r.version) != (case.state, case.version):
        case.problems.append(Problem(case.last_seq, case.case_id, "replay", msg(
            "case {case} is {state} at version {version}, but replaying its events gives "
            "{replayed} at version {replayed_version}", case=case.label, state=case.state,
            version=case.version, replayed=r.state or "-", replayed_version=r.version)))
    return case

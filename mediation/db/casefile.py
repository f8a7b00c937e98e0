"""The case file bound to the event log: what each event records of it, and each case replayed
from its events and compared with its rows (``audit verify`` and ``db check`` both judge the
cases through :func:`replay_cases`).

**Recording** (``mediation/db/casefile_changes.py``): every change to a row of the case file
made in a transaction is collected, and the next event of that case takes it as
``changes["file"] = [before, after]``, personal data and free text as keyed hashes.

**Replaying** (here): the cases are read in keyset batches of ``batch`` case ids; for each
batch, the events of those cases in ``(case_id, seq)`` order, and (verifying) the rows of its
case files as the events record them (``mediation/db/casefile_rows.py``). Only one batch is
held at a time, so memory does not grow with the number of cases or events. Each case's
versioned events go through :class:`mediation.workflow.Replay` (the transition table's rule, one
event at a time), and the last replayed state and version must be the case row's.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import OperationalError

from mediation import workflow
from mediation.cases import (
    Case,
)
from mediation.core.i18n import Msg, msg, or_absent
from mediation.db import aftercare_rows, casefile_rows, settings
from mediation.db.casefile_changes import COLUMNS, TABLES, recorded
from mediation.tables import Event

BATCH = 1000  # cases per batch

_CASES = Case.__table__  # type: ignore[attr-defined]
_EVENT = Event.__table__  # type: ignore[attr-defined]
# In an event's canonical changes this text can only be an object's key (a quote inside a string
# is escaped): the events that record the case file, parsed strictly by the replay.
FILE_KEY = '"file":'

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
            with casefile_rows.lenient_text(conn):  # text that is not UTF-8 in this batch
                data = _read(conn, key, after, batch, whole_file, on_event is not None)
        upto = data[1]
        yield from _judged(data, whole_file, on_event, key)
        del data  # one batch in memory at a time: this one goes before the next is read
        if upto is None:
            return
        after = upto


def _judged(data: tuple[Sequence[Any], int | None, dict[int, list[Any]],
                        dict[int, dict[str, dict[str, Any]]]],
            whole_file: bool, on_event: EventCheck | None, key: bytes = b""
            ) -> Iterator[CaseReplay]:
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
                      events, whole_file, key)
        if whole_file and case.complete:
            _compare(case, stored.pop(cid, {}))
        yield case


_REPLAYED = ("case_id", "seq", "action", "from_state", "to_state", "version", "changes",
             "actor", "occurred_at")


def _read(conn: Connection, key: bytes, after: int | None, batch: int, whole_file: bool,
          whole_events: bool) -> tuple[Sequence[Any], int | None, dict[int, list[Any]],
                                       dict[int, dict[str, dict[str, Any]]]]:
    """One batch: its case rows, the last id it covers (None: to the end), its events by case
    (``whole_events``: every column), and (``whole_file``) its stored case files."""
    sqlite = conn.dialect.name == "sqlite"
    cases = select(*casefile_rows.case_columns(sqlite)).order_by(_CASES.c.id).limit(batch)
    events = select(*casefile_rows.event_columns(
        sqlite, casefile_rows.EVENT_COLUMNS if whole_events else _REPLAYED)) \
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
    stored = casefile_rows.stored(conn, key, rows, after, upto) if whole_file else {}
    return rows, upto, by_case, stored


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
                "file", case=case.label, row=name, seq=or_absent(case.set_by.get(name))), name))
            return
        table = name.partition("/")[0]
        for c in COLUMNS.get(table, ()):
            if mine.get(c) != theirs.get(c):
                where = f"{name}.{c}"
                seq = case.last_set(name, c)
                case.problems.append(Problem(seq, case.case_id, "field", msg(
                    "case {case}: {field} differs from what its events recorded (last set by "
                    "event {seq})", case=case.label, field=where, seq=or_absent(seq)), where))
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


def _fed_back_when_closed(case: CaseReplay) -> None:
    """The former combined feedback step (visit, feedback and closing in one) fed the case back
    when it closed it: what migration 0020 stored as ``fed_back_at``, the replay does too."""
    row = case.rows.get(f"cases/{case.case_id}")
    if row is not None and row.get("fed_back_at") is None:
        row["fed_back_at"] = row.get("closed_at")


def _recorded_alone(case: CaseReplay, e: Any, changes: dict[str, Any], key: bytes) -> None:
    """An urging or feedback recorded before it had a table (its event alone, no row in its
    ``file``): the row migration 0021 made of it, ``<table>/<seq>`` (``aftercare_rows``)."""
    made = aftercare_rows.legacy_row(e.action, changes, e.occurred_at, e.actor)
    if made is None or aftercare_rows.records_row(made[0], changes.get("file")):
        return
    table, values = made
    when = aftercare_rows.STEPS[e.action][2]  # as the stored row's time is read
    values[when] = casefile_rows.time_text(values[when])
    name = f"{table}/{e.seq}"
    case.rows[name] = {c: recorded(key, table, c, values.get(c)) for c in COLUMNS[table]}
    case.set_by[name] = e.seq


def _records_file(e: Any) -> bool:
    return isinstance(e.changes, str) and FILE_KEY in e.changes


def _strict(case: CaseReplay, e: Any) -> dict[str, Any] | None:
    """An event's changes parsed strictly (``eventlog.parse_changes``), or a ``content`` problem:
    the chain's pass leaves the events of cases to this one parse."""
    from mediation.db import eventlog  # (eventlog imports this module)

    try:
        if isinstance(e.changes, casefile_rows.Undecodable):
            raise ValueError("not UTF-8")
        return eventlog.parse_changes(e.changes)
    except (ValueError, TypeError):
        case.problems.append(Problem(e.seq, case.case_id, "content", msg(
            "the event cannot be read: its changes are not canonical JSON (duplicate keys, "
            "key order, spacing, a float), or a field is not UTF-8 or is malformed")))
        return None


def _judge(case: CaseReplay, events: Sequence[Any], whole_file: bool = False,
           key: bytes = b"") -> CaseReplay:
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
                if workflow.legacy_feedback(e.action, e.to_state):
                    _fed_back_when_closed(case)
            if changes is not None and case.complete and e.action in aftercare_rows.STEPS:
                _recorded_alone(case, e, changes, key)
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
            version=case.version, replayed=or_absent(r.state), replayed_version=r.version)))
    return case

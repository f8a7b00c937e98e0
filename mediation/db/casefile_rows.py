"""The case file's rows and the events as the replay reads them (``mediation.db.casefile``):
every stored column in the form the events record it, so that the replayed file and the stored
one compare as plain dictionaries.

On SQLite, timestamps and dates are selected as their stored text and cut into the recorded form
(``YYYY-MM-DDTHH:MM:SS.ffffffZ``) without parsing a datetime; personal data and free text are
compared through their keyed hashes (``casefile_changes.recorded``). Text that is not UTF-8 is
read, under :func:`lenient_text`, as :class:`Undecodable`, so that it differs from anything the
log wrote instead of failing the whole verification.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Date, DateTime, String, select, type_coerce

from mediation.cases import Case
from mediation.db.casefile_changes import COLUMNS, HASHED, TABLES, plain, recorded
from mediation.tables import Event

_CASES = Case.__table__  # type: ignore[attr-defined]
_EVENT = Event.__table__  # type: ignore[attr-defined]


class Undecodable(str):
    """A column's stored bytes that are not UTF-8, read with replacement characters: never
    equal to anything the log wrote, and the event holding it is unreadable (``content``)."""


def _lenient(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return Undecodable(value.decode("utf-8", "replace"))


@contextmanager
def lenient_text(conn: Connection) -> Iterator[None]:
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
                 "to_state", "version", "reason", "changes", "prev_hash", "hash", "occurred_at",
                 "content_version")
_EVENT_TIMES = frozenset({"at", "occurred_at"})


def event_columns(sqlite: bool, names: Sequence[str] = EVENT_COLUMNS) -> list[Any]:
    """The event table's columns ``names``; on SQLite ``at`` and ``occurred_at`` as their stored
    text, which ``eventlog.content_text`` takes as it is."""
    return [type_coerce(_EVENT.c[c], String).label(c) if sqlite and c in _EVENT_TIMES
            else _EVENT.c[c] for c in names]


# The case row as the replay reads it: id, number, state, version, then every recorded column.
CASE_COLUMNS = ("id", "number", "state", "version", *COLUMNS["cases"])


def case_columns(sqlite: bool) -> list[Any]:
    return [*(_CASES.c[c] for c in CASE_COLUMNS[:4]),
            *_columns(_CASES, CASE_COLUMNS[4:], sqlite)]


def stored(conn: Connection, key: bytes, cases: Sequence[Any], after: int | None,
            upto: int | None) -> dict[int, dict[str, dict[str, Any]]]:
    """The stored case file of the batch's cases, each column as events record it."""
    out: dict[int, dict[str, dict[str, Any]]] = {}
    sqlite = conn.dialect.name == "sqlite"
    record = _recorder(key, "cases", sqlite)
    first = len(CASE_COLUMNS) - len(COLUMNS["cases"])  # id, number, state, version lead
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
    text (:func:`time_text` turns it into the recorded form without parsing a datetime)."""
    return [type_coerce(t.c[c], String).label(c)
            if sqlite and isinstance(t.c[c].type, _TIMES) else t.c[c] for c in names]


def time_text(value: Any) -> Any:
    """A time or date as stored by SQLite (``YYYY-MM-DD HH:MM:SS.ffffff``, ``YYYY-MM-DD``) in
    the form events record it; other text is parsed as ISO, and kept as it is (so that it
    differs) when it is not a time."""
    if type(value) is str:
        if len(value) == 26 and value[10] == " ":
            return value[:10] + "T" + value[11:] + "Z"
        if len(value) == 10:
            return value
        try:
            return plain(datetime.fromisoformat(value))
        except ValueError:
            return value
    return plain(value)


def _recorder(key: bytes, table: str, sqlite: bool = False
              ) -> Callable[[Sequence[Any]], dict[str, Any]]:
    """:func:`recorded` for a whole row of ``table`` (its ``COLUMNS`` values, in order, as
    :func:`_columns` selects them)."""
    names = COLUMNS[table]
    t = TABLES[table]

    def hashed(column: str, time: bool) -> Callable[[Any], Any]:
        if time and sqlite:
            return lambda v: recorded(key, table, column, time_text(v))
        return lambda v: recorded(key, table, column, v)

    special: list[tuple[int, str, Callable[[Any], Any]]] = []
    for i, c in enumerate(names):
        is_time = isinstance(t.c[c].type, _TIMES)
        if c in HASHED.get(table, ()):
            special.append((i, c, hashed(c, is_time)))
        elif is_time:
            special.append((i, c, time_text if sqlite else plain))

    def record(values: Sequence[Any]) -> dict[str, Any]:
        out = dict(zip(names, values, strict=True))
        for i, c, convert in special:
            v = values[i]
            if v is not None:
                out[c] = convert(v)
        return out

    return record

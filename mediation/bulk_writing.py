"""The bulk import's second pass (``mediation.bulk``): the validated rows written in batches,
each batch one transaction (so terminals keep working between batches).

A batch reserves its numbers from the committee's counter row, takes the cases' ids, inserts
cases, parties and the 'new' events each with one driver-level ``executemany``, the events'
hash chain continued from the log head (locked ``FOR UPDATE``), exactly as
:func:`mediation.db.eventlog.append` would have written them one by one. On SQLite the writing
connection gets a larger page cache for the import (``CACHE_KIB``), so that the indexes' pages
(the ID-hash index is written at random places) stay in memory from one batch to the next.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import col

from mediation import calendars, duplicates
from mediation.access.policy import Actor, require
from mediation.access.signin import Credentials, resolve
from mediation.bulk_validation import BIRTH, CASE_COLUMNS, DISCOVERED, Prepared, probe_of
from mediation.committee import committee_of
from mediation.core import normalise
from mediation.core.vocab import State
from mediation.db import casefile_changes, eventlog, searchindex, settings
from mediation.db.storage import UnitOfWork
from mediation.intake import PARTY_COLUMNS
from mediation.parties import representative_notes
from mediation.tables import CaseCounter, LogHead

CACHE_KIB = 256 * 1024  # SQLite page cache of the connection writing the batches
DEFAULT_CACHE = -2000  # SQLite's default (2 MB), restored when the import ends
# The case columns set per batch when written, and the event log's columns.
BATCH_COLUMNS = ("committee_id", "year", "seq", "number", "registered_at", "registrar")
EVENT_COLUMNS = ("seq", "at", "committee_id", "case_id", "actor", "role", "action",
                 "from_state", "to_state", "version", "reason", "changes", "prev_hash", "hash",
                 "occurred_at", "content_version")


def importer(uow: UnitOfWork, who: Credentials) -> Actor:
    actor = resolve(uow, who)
    require(actor, "case.import")
    return actor


def _reserve(uow: UnitOfWork, committee_id: int, year: int, n: int) -> int:
    """Reserve ``n`` consecutive case numbers; returns the first."""
    from sqlalchemy.dialects import postgresql, sqlite

    conn = uow.session.connection()
    pg = conn.dialect.name == "postgresql"
    ins = postgresql.insert if pg else sqlite.insert
    conn.execute(ins(CaseCounter).values(committee_id=committee_id, year=year, last=0)
                 .on_conflict_do_nothing())
    last = conn.execute(
        update(CaseCounter)
        .where(col(CaseCounter.committee_id) == committee_id, col(CaseCounter.year) == year)
        .values(last=col(CaseCounter.last) + n)
        .returning(col(CaseCounter.last))
    ).scalar_one()
    return int(last) - n + 1


def _new_ids(uow: UnitOfWork, n: int, table: str = "cases") -> list[int]:
    """``n`` fresh ids of ``table`` (cases or party): from the sequence on PostgreSQL; on
    SQLite, after the largest (the batch's transaction holds the write lock, so nobody else can
    take them). The events record the rows by id (docs/audit.md)."""
    assert table in ("cases", "party")
    conn = uow.session.connection()
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
            "FROM generate_series(1, %s)", (n,)).all()
        return [int(r[0]) for r in rows]
    start = int(conn.exec_driver_sql(f"SELECT COALESCE(MAX(id), 0) FROM {table}").scalar_one())
    return list(range(start + 1, start + n + 1))


def _bind(uow: UnitOfWork, table: str, column: str) -> Callable[[Any], Any]:
    """The column type's bind processor for this connection's dialect (what SQLAlchemy would
    do to a value of the column before handing it to the driver); identity where there is none.
    """
    from sqlmodel import SQLModel

    dialect = uow.session.connection().dialect
    proc = SQLModel.metadata.tables[table].c[column].type.dialect_impl(dialect).bind_processor(
        dialect)
    return (lambda v: v) if proc is None else proc


def _from_iso(uow: UnitOfWork, table: str, column: str,
              sample: date) -> Callable[[str], Any] | None:
    """How a date or time spooled as ISO text becomes the driver's value for ``column``; None
    when the ISO text already is that value (SQLite stores dates as ISO text)."""
    proc = _bind(uow, table, column)
    if proc(sample) == sample.isoformat():
        return None
    parse = datetime.fromisoformat if isinstance(sample, datetime) else date.fromisoformat
    return lambda text: proc(parse(text))


def _executemany(uow: UnitOfWork, table: str, columns: tuple[str, ...],
                 rows: list[tuple[Any, ...]]) -> None:
    """One driver-level executemany of rows already in the driver's terms (see :func:`_bind`)."""
    conn = uow.session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    conn.exec_driver_sql(sql, rows)


_KIND, _NAME = PARTY_COLUMNS.index("kind"), PARTY_COLUMNS.index("name")
_REP = PARTY_COLUMNS.index("representative_name")

# What a written batch tells: its first and last case numbers, for each case whose party is in
# an open case of another committee (line, number, what the importer is told), and for each
# case with an organisation that names no representative (line, number, the notes).
Written = tuple[str, str, list[tuple[int, str, dict[str, Any]]],
                list[tuple[int, str, list[str]]]]


def write_batch(uow: UnitOfWork, who: Credentials, batch: list[Prepared]) -> Written:
    actor = importer(uow, who)  # again for each batch: a token revoked meanwhile stops it
    committee = committee_of(uow, actor)
    assert committee.id is not None
    conn = uow.session.connection()
    if conn.dialect.name == "sqlite":
        # Room for the indexes' pages between batches (the random ID-hash index above all),
        # so that each batch does not read them back; reset when the import ends.
        conn.exec_driver_sql(f"PRAGMA cache_size=-{CACHE_KIB}")
    now = uow.now().replace(tzinfo=None)
    year = calendars.of(uow, committee.id).local_date(now).year
    n = len(batch)
    first = _reserve(uow, committee.id, year, n)
    numbers = [normalise.case_number(year, committee.prefix, first + i) for i in range(n)]
    ids = _new_ids(uow, n)

    discovered = _from_iso(uow, "cases", "discovered_at", datetime(2001, 2, 3, 4, 5, 6, 7))
    fixed = (committee.id, year)
    tail = (_bind(uow, "cases", "registered_at")(now), actor.username)
    case_rows = []
    for (_ln, case, _ps, _ch, _hs), cid, seq, number in zip(
            batch, ids, range(first, first + n), numbers, strict=True):
        if discovered is not None and case[DISCOVERED] is not None:
            case = (*case[:DISCOVERED], discovered(case[DISCOVERED]), *case[DISCOVERED + 1:])
        case_rows.append((cid, *fixed, seq, number, *tail, *case))
    _executemany(uow, "cases", ("id", *BATCH_COLUMNS, *CASE_COLUMNS), case_rows)

    party_ids = iter(_new_ids(uow, sum(len(item[2]) for item in batch), "party"))
    birth = _from_iso(uow, "party", "birth_date", date(2001, 2, 3))
    party_rows = []
    key = settings.hash_key(uow)
    files = []  # what each 'new' event records of the case file (mediation.db.casefile)
    docs = []  # their rows of the search index (mediation.db.searchindex)
    for (_ln, case, parties, _ch, _hs), cid, seq_, number in zip(
            batch, ids, range(first, first + n), numbers, strict=True):
        values = dict(zip(CASE_COLUMNS, case, strict=True))
        if values["discovered_at"] is not None:
            values["discovered_at"] = datetime.fromisoformat(values["discovered_at"])
        values.update(committee_id=committee.id, year=year, seq=seq_, number=number,
                      registered_at=now, registrar=actor.username)
        rows: list[tuple[str, int, dict[str, Any]]] = [("cases", cid, values)]
        for p in parties:
            pid = next(party_ids)
            rows.append(("party", pid, dict(zip(PARTY_COLUMNS, p, strict=True))))
            if birth is not None and p[BIRTH] is not None:
                p = (*p[:BIRTH], birth(p[BIRTH]), *p[BIRTH + 1:])
            party_rows.append((pid, cid, *p))
        files.append(casefile_changes.inserted(key, rows))
        docs.append(searchindex.document(key, cid, values, [r[2] for r in rows[1:]], ()))
    _executemany(uow, "party", ("id", "case_id", *PARTY_COLUMNS), party_rows)
    searchindex.insert_many(conn, docs)  # the cases' rows of the search index

    # The 'new' events, chained from the head exactly as eventlog.append would chain them one
    # by one, their hashed content built by the same function (eventlog.content_text).
    head = conn.execute(select(LogHead.__table__).where(  # type: ignore[attr-defined]
        col(LogHead.id) == 1).with_for_update()).one()
    seq, prev = int(head.seq), str(head.hash)
    cj = eventlog.canonical_json
    state = State.intake.value
    at = _bind(uow, "event", "at")(now)
    content = eventlog.content_text
    events = []
    for (_ln, _cs, _ps, (ch_head, ch_tail), _hs), cid, number, file in zip(
            batch, ids, numbers, files, strict=True):
        seq += 1
        # "file" sorts between "category" (always given, so ch_head ends with a comma) and
        # "number": the changes stay canonical JSON.
        changes = f'{ch_head}"file":{cj(file)},"number":[null,{cj(number)}]{ch_tail}'
        text = content(seq, now, actor.committee_id, cid, actor.username, actor.role, "new",
                       None, state, 1, None, changes, now, eventlog.CONTENT_VERSION)
        h = eventlog.chain_hash(prev, text)
        events.append((seq, at, actor.committee_id, cid, actor.username, actor.role, "new",
                       None, state, 1, None, changes, prev, h, at, eventlog.CONTENT_VERSION))
        prev = h
    _executemany(uow, "event", EVENT_COLUMNS, events)
    conn.execute(update(LogHead).where(col(LogHead.id) == 1).values(seq=seq, hash=prev))
    # The same party in an open case of another committee (issue 17): the rule of intake
    # (duplicates.told_elsewhere), recorded on the new case, told as the importer may see it.
    told = duplicates.told_elsewhere(uow, actor, ids, [probe_of(item) for item in batch])
    elsewhere = [(item[0], number, seen) for item, number, seen in zip(batch, numbers, told,
                                                                        strict=True) if seen]
    # An organisation without its representative: imported, and noted per line as intake notes
    # it (parties.representative_notes).
    noted = [(item[0], number, said) for item, number, cid in zip(batch, numbers, ids,
                                                                   strict=True)
             if (said := representative_notes([(p[_KIND], p[_NAME], bool(p[_REP]))
                                               for p in item[2]], cid))]
    return numbers[0], numbers[-1], elsewhere, noted

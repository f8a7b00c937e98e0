"""The nightly export's files, written owner-only, hashed as they are written and fsynced:
``cases.csv`` (the register) and ``events.csv`` (the log), UTF-8 with a BOM (so Excel shows
Chinese), streamed from the database in batches (constant memory), masked: persons only as masked
names, no ID number, phone or address column, no free text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, literal, or_, select

from mediation.core import categories, cells, files, redaction
from mediation.core.money import fen_to_yuan
from mediation.db.storage import UnitOfWork

BATCH = 2000
Progress = Callable[[str, int, int | None], None]

CASE_COLUMNS = (
    "number", "state", "category", "reporting_category", "source", "risk_level",
    "persons_involved", "amount_yuan", "discovered_at", "registered_at", "accepted_at",
    "declined_at", "concluded_at", "conclusion", "confirmed_at", "closed_at", "lead_mediator",
    "applicants", "respondents", "withdrawn_at", "reporting_category_name", "province_code",
    "fed_back_at",
)
# ``category`` and ``reporting_category`` are this program's codes (data/categories.json);
# ``reporting_category_name`` is the report form's name of the category (how a province's
# numbering is matched), ``province_code`` its code in the numbering the committee loaded
# (mediation procedure set --numbering; empty when it loaded none). ``fed_back_at`` is the
# first feedback to the referring body (issue 15; empty before one), added last so that the
# earlier columns keep their places.
# No free text (reasons, notes): the clerk who runs the export sees no case content. ``at`` is
# when an event was recorded, ``occurred_at`` when its step happened (earlier for a late entry).
EVENT_COLUMNS = ("seq", "at", "occurred_at", "case", "actor", "role", "action", "from_state",
                 "to_state", "version", "hash")


def quiet(stage: str, done: int, total: int | None) -> None:
    return None


class _HashingWriter:
    """A binary file that is hashed as it is written, and fsynced when closed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh = files.open_new(path)  # exclusive, owner-only, never through a link
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.fh.write(data)
        self.sha.update(data)
        self.size += len(data)

    def close(self) -> dict[str, Any]:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        return {"sha256": self.sha.hexdigest(), "bytes": self.size}


class _CsvOut:
    """csv.writer over a text buffer, flushed to the hashing file every batch."""

    def __init__(self, path: Path, header: tuple[str, ...]) -> None:
        self.file = _HashingWriter(path)
        self.buf = io.StringIO(newline="")
        self.writer = csv.writer(self.buf, lineterminator="\r\n")
        self.file.write("\ufeff".encode())
        self.writer.writerow(header)
        self.flush()
        self.rows = 0

    def rows_(self, rows: Sequence[Sequence[Any]]) -> None:
        self.writer.writerows(rows)
        data = self._take()
        if cells.csv_danger_utf8(data):
            # Rare: a cell a spreadsheet would run as a formula. The batch is written again
            # with every cell made inert (cells.inert, OWASP's CSV injection rule).
            self.writer.writerows(cells.inert_rows(rows))
            data = self._take()
        self.rows += len(rows)
        self.file.write(data)

    def _take(self) -> bytes:
        """The text written since the last call, encoded; the buffer emptied."""
        data = self.buf.getvalue().encode("utf-8")
        self.buf.seek(0)
        self.buf.truncate()
        return data

    def flush(self) -> None:
        self.file.write(self._take())

    def close(self) -> dict[str, Any]:
        self.flush()
        return {**self.file.close(), "rows": self.rows}


CsvOut = _CsvOut  # for the export's other CSV files (export_corrections)


def _iso(conn: Any, column: Any) -> Any:
    """A timestamp column formatted as ``YYYY-MM-DDTHH:MM:SSZ`` by the database.

    On SQLite a timestamp is stored as text, ``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLAlchemy's format)
    or ``YYYY-MM-DD HH:MM:SS``; cutting that text is several times cheaper than ``strftime``,
    which parses every value. Any other shape (none is written today) goes through ``strftime``.
    """
    if conn.dialect.name == "sqlite":
        length = func.length(column)
        return case((or_(length == 19, length == 26),
                     func.substr(column, 1, 10) + literal("T") + func.substr(column, 12, 8)
                     + literal("Z")),
                    else_=func.strftime("%Y-%m-%dT%H:%M:%SZ", column))
    return func.to_char(column, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')


def _t(name: str) -> Any:
    from sqlmodel import SQLModel

    return SQLModel.metadata.tables[name]


table = _t


def _batches(conn: Any, stmt: Any) -> Generator[Sequence[Sequence[Any]], None, None]:
    """The rows of ``stmt``, BATCH at a time, as the driver's plain tuples, in the transaction of
    ``conn``: on SQLite from a sqlite3 cursor (which steps through the result as it is read), on
    PostgreSQL from a named (server-side) psycopg cursor, so memory stays constant.

    The statement is compiled by SQLAlchemy (bound values through their types' processors), but
    its rows bypass SQLAlchemy's ``Row`` objects, which cost about a fifth of the CSV streaming;
    every column selected here is a string or an integer, as the driver returns it.
    """
    dialect = conn.dialect
    driver = dialect.driver
    compiled = stmt.compile(dialect=dialect)
    if driver not in ("pysqlite", "psycopg") or any(
            bind.expanding for bind in compiled.binds.values()):
        result = conn.execution_options(yield_per=BATCH, stream_results=True).execute(stmt)
        yield from result.partitions()
        return
    values = compiled.construct_params()
    for name, bind in compiled.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None and name in values:
            values[name] = process(values[name])
    params: Any = ([values[name] for name in compiled.positiontup or ()]
                   if compiled.positional else values)
    raw = conn.connection.driver_connection
    if driver == "psycopg":
        cursor = raw.cursor(name=f"mediation_export_{next(_CURSOR_NUMBERS)}")
    else:
        cursor = raw.cursor()
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(BATCH):
            yield rows
    finally:
        cursor.close()


_CURSOR_NUMBERS = itertools.count(1)  # two named cursors are open at once for cases.csv


MASKED_KEPT = 50_000  # distinct names whose masked form one export keeps (bounded memory)


def masker(keep: int = MASKED_KEPT) -> Callable[[str, Any], str]:
    """``redaction.shown_name(name, kind, full=False)``, each distinct name and kind masked once:
    names repeat (surnames, the same party in several cases). At most ``keep`` are kept,
    then forgotten all at once, so that memory stays flat at any size."""
    kept: dict[tuple[str, Any], str] = {}
    shown = redaction.shown_name

    def masked(name: str, kind: Any) -> str:
        key = (name, kind)
        value = kept.get(key)
        if value is None:
            if len(kept) >= keep:
                kept.clear()
            value = kept[key] = shown(name, kind, full=False)
        return value

    return masked


def write_cases(uow: UnitOfWork, committee_id: int, end: datetime, path: Path,
                 progress: Progress, numbering: str | None = None) -> dict[str, Any]:
    """One pass over the cases and one over their parties, both in case order, merged here."""
    c, p = _t("cases"), _t("party")
    conn = uow.session.connection()
    where = (c.c.committee_id == committee_id, c.c.registered_at < end)
    counted = select(c.c.id).where(*where)
    if conn.dialect.name == "sqlite":
        # Ordered by id, SQLite counts along ix_cases_committee_id, reading the table in rowid
        # order; unordered it picks the (committee, state, deadline) index and reads the table
        # in random order: ten times slower at a million cases.
        counted = counted.order_by(c.c.id)
    total = int(conn.execute(select(func.count()).select_from(counted.subquery())).scalar_one())
    parents = {cat.code: cat.reporting_code for cat in categories.all_categories()}
    names = {cat.code: cat.name("zh") for cat in categories.all_categories()}
    province = {code: categories.local_code(code, numbering) if numbering else ""
                for code in set(parents.values())}
    out = _CsvOut(path, CASE_COLUMNS)
    stmt = (select(c.c.id, c.c.number, c.c.state, c.c.category, c.c.source, c.c.risk_level,
                   c.c.persons_involved, c.c.amount_fen, _iso(conn, c.c.discovered_at),
                   _iso(conn, c.c.registered_at), _iso(conn, c.c.accepted_at),
                   _iso(conn, c.c.declined_at), _iso(conn, c.c.concluded_at), c.c.conclusion,
                   _iso(conn, c.c.confirmed_at), _iso(conn, c.c.closed_at), c.c.lead_mediator,
                   _iso(conn, c.c.withdrawn_at), _iso(conn, c.c.fed_back_at))
            .where(*where).order_by(c.c.id))
    party_stmt = (select(c.c.id, p.c.role, p.c.name, p.c.kind)
                  .select_from(c.join(p, p.c.case_id == c.c.id))
                  .where(*where).order_by(c.c.id, p.c.position))
    done = 0
    progress("cases.csv", 0, total)
    masked = masker()
    with closing(_batches(conn, party_stmt)) as party_batches, \
            closing(_batches(conn, stmt)) as batches:
        parties = itertools.chain.from_iterable(party_batches)
        nxt = next(parties, None)
        for batch in batches:
            rows = []
            for r in batch:
                cid = r[0]
                applicants: list[str] = []
                respondents: list[str] = []
                # The two streams are separate statements: skip the parties of a case the
                # case stream does not hold (registered between the two reads), so that one
                # such case can never leave every later case without its names.
                while nxt is not None and nxt[0] < cid:
                    nxt = next(parties, None)
                while nxt is not None and nxt[0] == cid:
                    if nxt[1] == "applicant":
                        applicants.append(masked(nxt[2], nxt[3]))
                    elif nxt[1] == "respondent":
                        respondents.append(masked(nxt[2], nxt[3]))
                    nxt = next(parties, None)
                amount = r[7]
                rows.append((*r[1:4], parents.get(r[3], r[3]), *r[4:7],
                             "" if amount is None else fen_to_yuan(amount), *r[8:17],
                             "、".join(applicants), "、".join(respondents), r[17],
                             names.get(parents.get(r[3], r[3]), ""),
                             province.get(parents.get(r[3], r[3]), ""), r[18]))
            out.rows_(rows)
            done += len(rows)
            progress("cases.csv", done, total)
    return out.close()


def write_events(uow: UnitOfWork, committee_id: int, end: datetime, path: Path,
                  progress: Progress) -> dict[str, Any]:
    e, c = _t("event"), _t("cases")
    conn = uow.session.connection()
    where = (e.c.committee_id == committee_id, e.c.at < end)
    total = int(conn.execute(select(func.count()).select_from(e).where(*where)).scalar_one())
    out = _CsvOut(path, EVENT_COLUMNS)
    stmt = (select(e.c.seq, _iso(conn, e.c.at), _iso(conn, e.c.occurred_at), c.c.number,
                   e.c.actor, e.c.role, e.c.action, e.c.from_state, e.c.to_state, e.c.version,
                   e.c.hash)
            .select_from(e.outerjoin(c, c.c.id == e.c.case_id))
            .where(*where).order_by(e.c.seq))
    done = 0
    progress("events.csv", 0, total)
    with closing(_batches(conn, stmt)) as batches:
        for batch in batches:
            rows = batch
            out.rows_(rows)
            done += len(rows)
            progress("events.csv", done, total)
    return out.close()


def write_bytes(path: Path, data: bytes) -> dict[str, Any]:
    w = _HashingWriter(path)
    w.write(data)
    return w.close()


def json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()

"""Bulk import of cases from JSON Lines: validated like case.json, numbered gaplessly, fast.

``import_cases`` reads the file twice, in effect:

1. **Validate** every record with the same schema as ``case.json`` (:class:`~mediation.cases.
   CaseIn`), in parallel worker processes for large files. Each valid record becomes the rows it
   will be stored as (case, parties, the 'new' event's changes), spooled to a temporary file;
   each invalid one a message with its line number. Unless ``force``, a party whose ID number
   already belongs to an open or recent case of the committee, or to an earlier line of the
   file, makes the record a probable duplicate (the bulk path checks ID numbers only; the
   names-and-category heuristic of ``case new`` is not applied). If any record is rejected,
   nothing is written, unless ``skip_invalid``.
2. **Write** the spooled rows in batches, each batch one transaction (so terminals keep working
   between batches): reserve the batch's numbers from the committee's counter row, insert the
   cases with one Core ``INSERT .. RETURNING id``, the parties with one executemany, and the
   'new' events with their hash chain continued from the log head (locked ``FOR UPDATE``),
   exactly as :func:`mediation.eventlog.append` would have written them one by one.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any, cast

from sqlalchemy import Engine, or_, select, update
from sqlmodel import col

from mediation import eventlog
from mediation.access import Actor, require
from mediation.cases import Case, CaseCounter, CaseIn, Event, LogHead, Party, State
from mediation.clock import local_date
from mediation.committee import committee_of, hash_key, resolve_actor
from mediation.errors import InvalidInput
from mediation.i18n import _, get_language, msg, set_language
from mediation.intake import case_fields, new_event_changes, parse_case, party_fields
from mediation.storage import Clock, UnitOfWork, transaction
from mediation.workflow import DUPLICATE_WINDOW_DAYS

BATCH = 5000
CHUNK = 2000  # lines per validation task
PARALLEL_FROM = 20_000  # lines: below this, validating in-process is quicker than a pool
_EPOCH = datetime(2000, 1, 1)


@dataclass
class Rejected:
    line: int
    message: str


@dataclass
class ImportResult:
    imported: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    first: str | None = None
    last: str | None = None
    batches: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "first": self.first, "last": self.last,
                "batches": self.batches,
                "rejected": [{"line": r.line, "message": r.message} for r in self.rejected]}


class ImportRejected(InvalidInput):
    """Some records failed validation; nothing was written. ``rejected`` lists them."""

    def __init__(self, rejected: list[Rejected], total: int) -> None:
        self.rejected = rejected
        super().__init__(msg("{bad} of {total} records rejected; nothing was imported (fix them, "
                             "or pass --skip-invalid to import the others)",
                             bad=len(rejected), total=total))


# ---------------------------------------------------------------------------------------------
# Pass 1: validation (pure; runs in worker processes for large files)

# One prepared record, plain types only (cheap to spool): (line, case values in CASE_COLUMNS
# order, party values in PARTY_COLUMNS order, the 'new' event's changes as canonical JSON with
# the number left as a placeholder, the parties' ID hashes)
Prepared = tuple[int, tuple[Any, ...], list[tuple[Any, ...]], str, list[str]]
CASE_COLUMNS = ("committee_id", "year", "seq", "number", "state", "version", "category",
                "source", "referral_ref", "summary", "requests", "risk_level",
                "persons_involved", "amount_fen", "discovered_at", "registered_at", "registrar")
PARTY_COLUMNS = ("position", "role", "kind", "name", "sex", "ethnicity", "birth_date", "id_type",
                 "id_number", "id_hash", "phone", "address", "guardian_name",
                 "guardian_relation", "guardian_phone")
EVENT_COLUMNS = ("seq", "at", "committee_id", "case_id", "actor", "role", "action",
                 "from_state", "to_state", "version", "reason", "changes", "prev_hash", "hash")
_NUMBER = "\x00"  # placeholder for the case number, which is known only when written
_NUMBER_JSON = '"number":[null,' + eventlog.canonical_json(_NUMBER) + "]"


def _prepare(line: int, text: str, key: bytes) -> Prepared | Rejected:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Rejected(line, msg("line {line}: not valid JSON (column {column}: {error})",
                                  line=line, column=exc.colno, error=exc.msg).render())
    try:
        record: CaseIn = parse_case(data, origin=_("line {line}", line=line))
    except InvalidInput as exc:
        return Rejected(line, exc.render())
    case = case_fields(record, committee_id=0, year=0, seq=0, number="", now=_EPOCH,
                       registrar="")
    parties = [party_fields(record, i, p, case_id=None, key=key)
               for i, p in enumerate(record.parties)]
    hashes = [p["id_hash"] for p in parties if p["id_hash"]]
    changes = eventlog.canonical_json(new_event_changes(record, _NUMBER))
    return (line, tuple(case[c] for c in CASE_COLUMNS),
            [tuple(p[c] for c in PARTY_COLUMNS) for p in parties], changes, hashes)


def _prepare_chunk(args: tuple[list[tuple[int, str]], bytes, str]) -> list[Prepared | Rejected]:
    lines, key, lang = args
    set_language(lang)
    return [_prepare(n, text, key) for n, text in lines]


def _chunks(lines: Iterable[str]) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    for n, text in enumerate(lines, start=1):
        if text.strip():
            chunk.append((n, text))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _validated(path: Path, key: bytes, workers: int) -> Iterator[Prepared | Rejected]:
    lang = get_language()
    with path.open(encoding="utf-8-sig") as fh:
        tasks = ((chunk, key, lang) for chunk in _chunks(fh))
        if workers <= 1:
            for task in tasks:
                yield from _prepare_chunk(task)
            return
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with multiprocessing.get_context(method).Pool(workers) as pool:
            for results in pool.imap(_prepare_chunk, tasks, chunksize=1):
                yield from results


def _default_workers(path: Path) -> int:
    try:
        size = path.stat().st_size
    except OSError:
        return 1
    if size < PARALLEL_FROM * 600:  # ~600 bytes a record
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


# ---------------------------------------------------------------------------------------------
# Duplicates (unless forced)


def _known_duplicates(uow: UnitOfWork, actor: Actor, hashes: set[str]) -> dict[str, str]:
    """ID hashes already on an open or recent case of the committee -> that case's number."""
    since = uow.now() - timedelta(days=DUPLICATE_WINDOW_DAYS)
    found: dict[str, str] = {}
    todo = sorted(hashes)
    for i in range(0, len(todo), 500):
        rows = uow.session.execute(
            select(col(Party.id_hash), col(Case.number))
            .join(Case, col(Case.id) == col(Party.case_id))
            .where(col(Case.committee_id) == actor.committee_id,
                   col(Party.id_hash).in_(todo[i:i + 500]),
                   or_(col(Case.registered_at) >= since,
                       col(Case.state).not_in([State.closed, State.declined])))
        ).all()
        for h, number in rows:
            if h is not None:
                found.setdefault(h, number)
    return found


# ---------------------------------------------------------------------------------------------
# Pass 2: writing in batches


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


def _new_ids(uow: UnitOfWork, n: int) -> list[int]:
    """``n`` fresh case ids: from the sequence on PostgreSQL; on SQLite, after the largest (the
    batch's transaction holds the write lock, so nobody else can take them)."""
    conn = uow.session.connection()
    if conn.dialect.name == "postgresql":
        rows = conn.exec_driver_sql(
            "SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, %s)",
            (n,)).all()
        return [int(r[0]) for r in rows]
    start = int(conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM cases").scalar_one())
    return list(range(start + 1, start + n + 1))


def _executemany(uow: UnitOfWork, table: str, columns: tuple[str, ...],
                 rows: list[tuple[Any, ...]]) -> None:
    """One driver-level executemany, each value through the column type's bind processor."""
    from sqlmodel import SQLModel

    conn = uow.session.connection()
    dialect = conn.dialect
    t = SQLModel.metadata.tables[table]
    procs = [(i, proc) for i, c in enumerate(columns)
             if (proc := t.c[c].type.dialect_impl(dialect).bind_processor(dialect)) is not None]
    if procs:
        converted = []
        for row in rows:
            values = list(row)
            for i, proc in procs:
                if values[i] is not None:
                    values[i] = proc(values[i])
            converted.append(tuple(values))
        rows = converted
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = (f"INSERT INTO {t.name} ({', '.join(columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    conn.exec_driver_sql(sql, rows)


def _write_batch(uow: UnitOfWork, username: str, batch: list[Prepared]) -> tuple[str, str]:
    actor = resolve_actor(uow, username)
    committee = committee_of(uow, actor)
    assert committee.id is not None
    conn = uow.session.connection()
    now = uow.now().replace(tzinfo=None)
    year = local_date(now).year
    n = len(batch)
    first = _reserve(uow, committee.id, year, n)
    numbers = [f"({year}){committee.prefix}人调字第{first + i}号" for i in range(n)]
    ids = _new_ids(uow, n)
    fixed = {"committee_id": committee.id, "year": year, "registered_at": now,
             "registrar": actor.username}
    pos = {c: CASE_COLUMNS.index(c) for c in (*fixed, "seq", "number")}
    case_rows: list[tuple[Any, ...]] = []
    party_rows: list[tuple[Any, ...]] = []
    for (_ln, case, parties, _ch, _hs), cid, i in zip(batch, ids, range(n), strict=True):
        values = list(case)
        for c, v in fixed.items():
            values[pos[c]] = v
        values[pos["seq"]] = first + i
        values[pos["number"]] = numbers[i]
        case_rows.append((cid, *values))
        party_rows.extend((cid, *p) for p in parties)
    _executemany(uow, "cases", ("id", *CASE_COLUMNS), case_rows)
    _executemany(uow, "party", ("case_id", *PARTY_COLUMNS), party_rows)

    head = conn.execute(select(LogHead.__table__).where(  # type: ignore[attr-defined]
        col(LogHead.id) == 1).with_for_update()).one()
    seq, prev = int(head.seq), str(head.hash)
    events = []
    for (_ln, _cs, _ps, changes, _hs), cid, number in zip(batch, ids, numbers, strict=True):
        seq += 1
        row = {"seq": seq, "at": now, "committee_id": actor.committee_id, "case_id": cid,
               "actor": actor.username, "role": actor.role, "action": "new",
               "from_state": None, "to_state": State.intake.value, "version": 1,
               "reason": None, "prev_hash": prev,
               "changes": changes.replace(
                   _NUMBER_JSON, '"number":[null,' + eventlog.canonical_json(number) + "]", 1)}
        prev = row["hash"] = eventlog.chain_hash(
            prev, eventlog.content_of(cast(Event, SimpleNamespace(**row))))
        events.append(tuple(row[c] for c in EVENT_COLUMNS))
    _executemany(uow, "event", EVENT_COLUMNS, events)
    conn.execute(update(LogHead).where(col(LogHead.id) == 1).values(seq=seq, hash=prev))
    return numbers[0], numbers[-1]


# ---------------------------------------------------------------------------------------------
# The service


def import_cases(
    engine: Engine,
    username: str | None,
    path: Path,
    *,
    force: bool = False,
    skip_invalid: bool = False,
    batch_size: int = BATCH,
    workers: int | None = None,
    clock: Clock | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import every case of the JSON Lines file ``path`` (see the module docstring)."""
    if not path.is_file():
        raise InvalidInput(msg("no such file: {file}", file=str(path)))
    kw: dict[str, Any] = {} if clock is None else {"clock": clock}

    def who(uow: UnitOfWork) -> tuple[Actor, bytes]:
        actor = resolve_actor(uow, username)
        require(actor, "case.import")
        return actor, hash_key(uow)

    actor, key = transaction(engine, who, write=False, **kw)
    result = ImportResult()
    seen: dict[str, int] = {}
    total = 0
    with tempfile.TemporaryFile(prefix="mediation-import-") as spool:
        for item in _validated(path, key, workers or _default_workers(path)):
            total += 1
            if isinstance(item, Rejected):
                result.rejected.append(item)
                continue
            if not force:
                clash = next((seen[h] for h in item[4] if h in seen), None)
                if clash is not None:
                    result.rejected.append(Rejected(item[0], msg(
                        "line {line}: probable duplicate of line {other} (same ID number); "
                        "use --force to import both", line=item[0], other=clash).render()))
                    continue
                for h in item[4]:
                    seen[h] = item[0]
            pickle.dump(item, spool, protocol=pickle.HIGHEST_PROTOCOL)
        if not force and seen:
            known = transaction(engine, lambda uow: _known_duplicates(uow, actor, set(seen)),
                                write=False, **kw)
            clashes = {seen[h]: number for h, number in known.items()}
            result.rejected.extend(Rejected(line, msg(
                "line {line}: probable duplicate of {number} (same ID number); use --force to "
                "import it anyway", line=line, number=number).render())
                for line, number in sorted(clashes.items()))
        else:
            clashes = {}
        result.rejected.sort(key=lambda r: r.line)
        if result.rejected and not skip_invalid:
            raise ImportRejected(result.rejected, total)
        spool.seek(0)
        for batch in _batches(spool, batch_size, set(clashes)):
            first, last = transaction(
                engine, partial(_write_batch, username=actor.username, batch=batch), **kw)
            result.first = result.first or first
            result.last = last
            result.imported += len(batch)
            result.batches += 1
            if progress is not None:
                progress(result.imported)
    return result


def _batches(spool: IO[bytes], size: int, skip: set[int]) -> Iterator[list[Prepared]]:
    batch: list[Prepared] = []
    while True:
        try:
            item: Prepared = pickle.load(spool)
        except EOFError:
            break
        if item[0] in skip:
            continue
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch

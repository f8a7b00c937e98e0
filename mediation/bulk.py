"""Bulk import of cases from JSON Lines: validated like case.json, numbered gaplessly, fast.

``import_cases`` reads the file twice, in effect:

1. **Validate** every record with the same schema as ``case.json`` (:class:`~mediation.cases.
   CaseIn`), in chunks, in parallel worker processes for large files. Each line's JSON text is
   validated directly (``model_validate_json``); a line refused that way is validated again
   exactly as ``case new --file`` does (``json.loads``, then the schema), which decides and
   words the rejection, so both routes accept the same records with the same values. Each valid
   record becomes the rows it will be stored as (case, parties, the 'new' event's changes), each
   chunk's rows spooled to a temporary file as one pickled blob; each invalid one a message
   with its line number. If any record is rejected, nothing is written (and no duplicate is
   looked for), unless ``skip_invalid``. Then, unless ``force``, each valid record is checked
   for probable duplicates by the one rule of :mod:`mediation.duplicates`, against the earlier
   lines and the committee's cases; a hit on a stored case is recorded as a ``duplicate_hit``
   event and named only as far as the importer may read it.
2. **Write** the spooled rows in batches, each batch one transaction (so terminals keep working
   between batches): reserve the batch's numbers from the committee's counter row, take the
   cases' ids, insert cases, parties and the 'new' events each with one driver-level
   ``executemany``, the events' hash chain continued from the log head (locked ``FOR UPDATE``),
   exactly as :func:`mediation.db.eventlog.append` would have written them one by one. On SQLite
   the writing connection gets a larger page cache for the import (``CACHE_KIB``), so that the
   indexes' pages (the ID-hash index is written at random places) stay in memory from one batch
   to the next.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError
from sqlalchemy import Engine, select, update
from sqlmodel import col

from mediation import calendars, duplicates
from mediation.access.policy import Actor, require
from mediation.access.signin import Credentials, resolve
from mediation.cases import CaseCounter, CaseIn
from mediation.committee import committee_of
from mediation.core import normalise
from mediation.core.calendar import Calendar
from mediation.core.errors import InvalidInput
from mediation.core.i18n import _, get_language, join, msg, name, set_language
from mediation.core.vocab import State
from mediation.db import casefile, eventlog, searchindex, settings
from mediation.db.storage import Clock, UnitOfWork, transaction
from mediation.intake import (
    PARTY_COLUMNS,
    case_fields,
    new_event_changes,
    parse_case,
    party_values,
    too_deep,
    validation_context,
)
from mediation.intake import warnings as intake_warnings
from mediation.tables import LogHead

BATCH = 5000
CACHE_KIB = 256 * 1024  # SQLite page cache of the connection writing the batches
_DEFAULT_CACHE = -2000  # SQLite's default (2 MB), restored afterwards
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
    encoding: str | None = None  # "GB18030" when the file was read as such (a note to show)
    notes: list[Rejected] = field(default_factory=list)  # imported, but doubtful (a note each)

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

# One prepared record, plain types only (cheap to spool, no dates or Decimals): (line, the case
# values in CASE_COLUMNS order, the party rows in PARTY_COLUMNS order with the birth date as ISO
# text, the 'new' event's changes as canonical JSON split around the case number, which is known
# only when written, and the parties' ID hashes)
Prepared = tuple[int, tuple[Any, ...], list[tuple[Any, ...]], tuple[str, str], list[str]]
# The case columns that depend on the record; committee, year, number, registration time and
# registrar are set per batch when written.
CASE_COLUMNS = ("state", "version", "category", "source", "referral_ref", "summary", "requests",
                "risk_level", "persons_involved", "amount_fen", "discovered_at")
BATCH_COLUMNS = ("committee_id", "year", "seq", "number", "registered_at", "registrar")
EVENT_COLUMNS = ("seq", "at", "committee_id", "case_id", "actor", "role", "action",
                 "from_state", "to_state", "version", "reason", "changes", "prev_hash", "hash")
_NUMBER = "\x00"  # placeholder for the case number in the event's changes
_NUMBER_JSON = '"number":[null,' + eventlog.canonical_json(_NUMBER) + "]"
_BIRTH = PARTY_COLUMNS.index("birth_date")
_HASH = PARTY_COLUMNS.index("id_hash")
_DISCOVERED = CASE_COLUMNS.index("discovered_at")


def _prepare(line: int, text: str, key: bytes, calendar: Calendar | None = None,
             notes: list[Rejected] | None = None) -> Prepared | Rejected:
    """Validate one line. The common case validates the JSON text directly (no intermediate
    dict); anything it refuses is validated again the way ``case new --file`` does (json.loads,
    then the schema), which decides and words the rejection."""
    try:
        record = CaseIn.model_validate_json(text, context=validation_context(calendar))
    except ValidationError:
        return _prepare_loaded(line, text, key, calendar, notes)
    if notes is not None:
        _note(line, record, notes)
    return _rows(line, record, key)


def _prepare_loaded(line: int, text: str, key: bytes, calendar: Calendar | None = None,
                    notes: list[Rejected] | None = None) -> Prepared | Rejected:
    try:
        data = json.loads(text, strict=False)  # raw control characters: the normaliser's
    except json.JSONDecodeError as exc:
        return Rejected(line, msg("line {line}: not valid JSON (column {column}: {error})",
                                  line=line, column=exc.colno, error=exc.msg).render())
    except RecursionError:
        return Rejected(line, too_deep(_("line {line}", line=line)).render())
    try:
        record: CaseIn = parse_case(data, origin=_("line {line}", line=line),
                                    calendar=calendar)
    except InvalidInput as exc:
        return Rejected(line, exc.render())
    if notes is not None:
        _note(line, record, notes)
    return _rows(line, record, key)


def _note(line: int, record: CaseIn, notes: list[Rejected]) -> None:
    """What is doubtful but imported (intake.warnings), one line each, numbered as the file's."""
    for warning in intake_warnings(record):
        notes.append(Rejected(line, msg("line {line}: {warning}", line=line,
                                        warning=warning).render()))


def _rows(line: int, record: CaseIn, key: bytes) -> Prepared:
    case = case_fields(record, committee_id=0, year=0, seq=0, number="", now=_EPOCH,
                       registrar="")
    values = [case[c] for c in CASE_COLUMNS]
    if values[_DISCOVERED] is not None:
        values[_DISCOVERED] = values[_DISCOVERED].isoformat()
    parties = []
    hashes = []
    for i, p in enumerate(record.parties):
        row = party_values(p, i, key=key)
        if row[_HASH] is not None:
            hashes.append(row[_HASH])
        if row[_BIRTH] is not None:
            row = (*row[:_BIRTH], row[_BIRTH].isoformat(), *row[_BIRTH + 1:])
        parties.append(row)
    head, tail = eventlog.canonical_json(new_event_changes(record, _NUMBER)).split(
        _NUMBER_JSON, 1)
    return (line, tuple(values), parties, (head, tail), hashes)


# What a validated chunk of lines comes back as: its prepared records pickled into one blob (the
# parent spools it as it is), the rejected lines, the (line, duplicate probe) of the prepared
# records when duplicates are checked, and how many records the chunk held.
Chunk = tuple[bytes, list[Rejected], list[tuple[int, duplicates.Probe]], int, list[Rejected]]
_CATEGORY = CASE_COLUMNS.index("category")
_ROLE = PARTY_COLUMNS.index("role")
_NAME = PARTY_COLUMNS.index("name")


def _probe(item: Prepared) -> tuple[int, duplicates.Probe]:
    return item[0], duplicates.probe(str(item[1][_CATEGORY]),
                                     [(p[_ROLE], p[_NAME], p[_HASH]) for p in item[2]])


def _prepare_chunk(args: tuple[list[tuple[int, str]], bytes, str, bool, Calendar]) -> Chunk:
    lines, key, lang, check, calendar = args
    set_language(lang)
    good: list[Prepared] = []
    bad: list[Rejected] = []
    notes: list[Rejected] = []
    for n, text in lines:
        item = _prepare(n, text, key, calendar, notes)
        if isinstance(item, Rejected):
            bad.append(item)
        else:
            good.append(item)
    probes = [_probe(item) for item in good] if check else []
    return (pickle.dumps(good, protocol=pickle.HIGHEST_PROTOCOL), bad, probes, len(lines),
            notes)


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


def _validated(path: Path, key: bytes, workers: int, hashes: bool, calendar: Calendar,
               encoding: str = "utf-8-sig") -> Iterator[Chunk]:
    lang = get_language()
    with path.open(encoding=encoding) as fh:
        tasks = ((chunk, key, lang, hashes, calendar) for chunk in _chunks(fh))
        if workers <= 1:
            for task in tasks:
                yield _prepare_chunk(task)
            return
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with multiprocessing.get_context(method).Pool(workers) as pool:
            yield from pool.imap(_prepare_chunk, tasks, chunksize=1)


def _default_workers(path: Path) -> int:
    """Worker processes for validating ``path``: one per idle core, at most four.

    A worker pays for its chunks' transfer and the parent's spooling, so parallel validation
    only pays where cores are idle: on the 2-core development machine with other jobs running
    (load average above 2) two workers validated 100,000 records 15-20% slower than one
    process did. Small files are validated in-process.
    """
    try:
        size = path.stat().st_size
    except OSError:
        return 1
    if size < PARALLEL_FROM * 600:  # ~600 bytes a record
        return 1
    cores = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on every platform
        busy = 0.0
    idle = int(cores - busy + 0.5)
    return max(1, min(4, idle))


# ---------------------------------------------------------------------------------------------
# Duplicates (unless forced): the one rule of mediation/duplicates.py


def _duplicates(engine: Engine, actor: Actor, probes: list[tuple[int, duplicates.Probe]],
                kw: dict[str, Any]) -> list[Rejected]:
    """The lines that are probable duplicates of an earlier line or of a case already stored.

    Runs only on records that passed validation. Every hit on a stored case is recorded
    (``duplicate_hit``, committed here whatever the import does next) and named only as far as
    the importer may read that case."""
    rejected = []
    earlier = duplicates.within(probes)
    for line, (other, why) in sorted(earlier.items()):
        rejected.append(Rejected(line, msg(
            "line {line}: probable duplicate of line {other} ({why}); use --force to import "
            "both", line=line, other=other, why=name("duplicate", why)).render()))
    rest = [(line, p) for line, p in probes if line not in earlier]

    def check(uow: UnitOfWork) -> dict[int, tuple[duplicates.Seen, str]]:
        found = duplicates.find(uow, actor.committee_id, [p for _, p in rest])
        seen = {}
        for (line, _p), hit in zip(rest, found, strict=True):
            if hit:
                duplicates.record_hits(uow, actor, hit, via="import", forced=False, line=line)
                seen[line] = (duplicates.as_seen_by(uow, actor, hit), sorted(hit.values())[0])
        return seen

    for line, (seen, why) in sorted(transaction(engine, check, **kw).items()):
        if seen.numbers:
            text = msg("line {line}: probable duplicate of {number} ({why}); use --force to "
                       "import it anyway", line=line, number=join(seen.numbers),
                       why=name("duplicate", why))
        else:
            text = msg("line {line}: a probable duplicate exists in this committee; the "
                       "director can see it; use --force to import it anyway", line=line)
        rejected.append(Rejected(line, text.render()))
    return rejected


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


def _write_batch(uow: UnitOfWork, who: Credentials, batch: list[Prepared]) -> tuple[str, str]:
    actor = _importer(uow, who)  # again for each batch: a token revoked meanwhile stops it
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
        if discovered is not None and case[_DISCOVERED] is not None:
            case = (*case[:_DISCOVERED], discovered(case[_DISCOVERED]), *case[_DISCOVERED + 1:])
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
            if birth is not None and p[_BIRTH] is not None:
                p = (*p[:_BIRTH], birth(p[_BIRTH]), *p[_BIRTH + 1:])
            party_rows.append((pid, cid, *p))
        files.append(casefile.inserted(key, rows))
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
                       None, state, 1, None, changes)
        h = eventlog.chain_hash(prev, text)
        events.append((seq, at, actor.committee_id, cid, actor.username, actor.role, "new",
                       None, state, 1, None, changes, prev, h))
        prev = h
    _executemany(uow, "event", EVENT_COLUMNS, events)
    conn.execute(update(LogHead).where(col(LogHead.id) == 1).values(seq=seq, hash=prev))
    return numbers[0], numbers[-1]


# ---------------------------------------------------------------------------------------------
# The service


def import_cases(
    engine: Engine,
    who: Credentials | str | None,
    path: Path,
    *,
    force: bool = False,
    skip_invalid: bool = False,
    batch_size: int = BATCH,
    workers: int | None = None,
    clock: Clock | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import every case of the JSON Lines file ``path`` (see the module docstring).

    ``who`` is what the caller presents (a bare string is a user name, which names the actor
    only where sign-in is not required): ``signin.actor_for`` decides who is acting, before
    anything is read and again for every batch written.
    """
    if not isinstance(who, Credentials):
        who = Credentials(user=who)
    if not path.is_file():
        raise InvalidInput(msg("no such file: {file}", file=str(path)))
    try:  # the one reader's rules (normalise.encoding_of), streamed for a large file
        encoding, note = normalise.file_encoding(path)
    except normalise.Unreadable as exc:
        raise InvalidInput(msg("{origin}: {why}", origin=path.name, why=exc.message)) from None
    except OSError as exc:
        raise InvalidInput(msg("cannot read {file}: {error}", file=str(path),
                               error=exc.strerror or type(exc).__name__)) from None
    kw: dict[str, Any] = {} if clock is None else {"clock": clock}

    def start(uow: UnitOfWork) -> tuple[Actor, bytes, Calendar]:
        actor = _importer(uow, who)
        return actor, settings.hash_key(uow), calendars.of(uow, actor.committee_id)

    actor, key, calendar = transaction(engine, start, write=False, **kw)
    with _without_gc():
        result = _import(engine, actor, who, path, key, calendar, force=force,
                         skip_invalid=skip_invalid, batch_size=batch_size, workers=workers,
                         progress=progress, kw=kw, encoding=encoding)
    result.encoding = note
    return result


@contextmanager
def _without_gc() -> Iterator[None]:
    """Each batch is tens of thousands of fresh tuples, and none in a reference cycle; their
    allocation sets off the cyclic collector, which rescans them all (10-30% of the write
    pass's CPU time, measured). Reference counting frees them just the same."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _importer(uow: UnitOfWork, who: Credentials) -> Actor:
    actor = resolve(uow, who)
    require(actor, "case.import")
    return actor


def _import(engine: Engine, actor: Actor, who: Credentials, path: Path, key: bytes,
            calendar: Calendar, *,
            force: bool, skip_invalid: bool, batch_size: int, workers: int | None,
            progress: Callable[[int], None] | None, kw: dict[str, Any],
            encoding: str = "utf-8-sig") -> ImportResult:
    result = ImportResult()
    probes: list[tuple[int, duplicates.Probe]] = []
    total = 0
    with tempfile.TemporaryFile(prefix="mediation-import-") as spool:
        for blob, bad, chunk_probes, count, notes in _validated(
                path, key, workers or _default_workers(path), not force, calendar, encoding):
            total += count
            result.rejected.extend(bad)
            result.notes.extend(notes)
            pickle.dump(blob, spool, protocol=pickle.HIGHEST_PROTOCOL)
            probes.extend(chunk_probes)
        # Every record is validated before any duplicate check: a file refused as invalid says
        # nothing about what the database holds.
        if result.rejected and not skip_invalid:
            result.rejected.sort(key=lambda r: r.line)
            raise ImportRejected(result.rejected, total)
        skip = {r.line for r in result.rejected}
        if probes:
            hits = _duplicates(engine, actor, probes, kw)
            result.rejected.extend(hits)
            skip |= {r.line for r in hits}
        result.rejected.sort(key=lambda r: r.line)
        if result.rejected and not skip_invalid:
            raise ImportRejected(result.rejected, total)
        spool.seek(0)
        try:
            for batch in _batches(spool, batch_size, skip):
                first, last = transaction(
                    engine, partial(_write_batch, who=who, batch=batch), **kw)
                result.first = result.first or first
                result.last = last
                result.imported += len(batch)
                result.batches += 1
                if progress is not None:
                    progress(result.imported)
        finally:
            if engine.dialect.name == "sqlite":
                with engine.connect().execution_options(mediation_write=False) as conn:
                    # the pooled connection gives its cache back
                    conn.exec_driver_sql(f"PRAGMA cache_size={_DEFAULT_CACHE}")
    return result


def _batches(spool: IO[bytes], size: int, skip: set[int]) -> Iterator[list[Prepared]]:
    batch: list[Prepared] = []
    while True:
        try:
            blob: bytes = pickle.load(spool)
        except EOFError:
            break
        items: list[Prepared] = pickle.loads(blob)
        for item in items:
            if skip and item[0] in skip:
                continue
            batch.append(item)
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch

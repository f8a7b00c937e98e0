"""Bulk import of cases from JSON Lines: validated like case.json, numbered gaplessly, fast.

``import_cases`` reads the file twice, in effect:

1. **Validate** (``mediation/bulk_validation.py``) every record with the same schema as
   ``case.json`` (:class:`~mediation.cases.CaseIn`), in chunks, in parallel worker processes for
   large files. Each line's JSON text is validated directly (``model_validate_json``); a line
   refused that way is validated again exactly as ``case new --file`` does (``json.loads``,
   then the schema), which decides and words the rejection, so both routes accept the same
   records with the same values. Each valid
   record becomes the rows it will be stored as (case, parties, the 'new' event's changes), each
   chunk's rows spooled to a temporary file as one pickled blob; each invalid one a message
   with its line number. If any record is rejected, nothing is written (and no duplicate is
   looked for), unless ``skip_invalid``. Then, unless ``force``, each valid record is checked
   for probable duplicates by the one rule of :mod:`mediation.duplicates`, against the earlier
   lines and the committee's cases; a hit on a stored case is recorded as a ``duplicate_hit``
   event and named only as far as the importer may read it.
2. **Write** (``mediation/bulk_writing.py``) the spooled rows in batches, each batch one
   transaction (so terminals keep working between batches), the events' hash chain continued
   from the log head exactly as :func:`mediation.db.eventlog.append` would have written them.
   A case whose party (by the ID number's keyed hash) is in an open case of another committee
   of the database is imported and told, by the rule intake uses
   (:func:`mediation.duplicates.told_elsewhere`): a ``duplicate_elsewhere`` event on the new
   case, and the director sees that committee's name and case number, anyone else only that
   one exists (``ImportResult.elsewhere``).
"""

from __future__ import annotations

import gc
import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Engine

from mediation import bulk_validation, bulk_writing, calendars, duplicates, ledger
from mediation.access.policy import Actor
from mediation.access.signin import Credentials
from mediation.bulk_validation import Prepared, Rejected
from mediation.core import encodings, filekinds, files, normalise
from mediation.core.calendar import Calendar
from mediation.core.errors import InvalidInput
from mediation.core.i18n import join, msg, name
from mediation.db import searchindex, settings
from mediation.db.storage import Clock, UnitOfWork, transaction

BATCH = 5000


@dataclass
class ImportResult:
    imported: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    first: str | None = None
    last: str | None = None
    batches: int = 0
    encoding: str | None = None  # "GB18030" when the file was read as such (a note to show)
    # imported cases whose party is in an open case of another committee (issue 17): line,
    # number, and what the importer is told (duplicates.told_elsewhere, as intake tells it)
    elsewhere: list[dict[str, Any]] = field(default_factory=list)
    # imported cases with an organisation that names no representative: line, number, notes
    # (parties.representative_notes, as intake notes them)
    notes: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"imported": self.imported, "first": self.first, "last": self.last,
                "batches": self.batches, "elsewhere": self.elsewhere, "notes": self.notes,
                "rejected": [{"line": r.line, "message": r.message} for r in self.rejected]}


class ImportRejected(InvalidInput):
    """Some records failed validation; nothing was written. ``rejected`` lists them."""

    def __init__(self, rejected: list[Rejected], total: int) -> None:
        self.rejected = rejected
        super().__init__(msg("{bad} of {total} records rejected; nothing was imported (fix them, "
                             "or pass --skip-invalid to import the others)",
                             bad=len(rejected), total=total))


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
    if (why := files.not_readable(path)) is not None:
        raise InvalidInput(why)
    source, encoding, note, unheaded = _source(path)
    kw: dict[str, Any] = {} if clock is None else {"clock": clock}

    def start(uow: UnitOfWork) -> tuple[Actor, bytes, Calendar]:
        actor = bulk_writing.importer(uow, who)
        return actor, settings.hash_key(uow), calendars.of(uow, actor.committee_id)

    actor, key, calendar = transaction(engine, start, write=False, **kw)
    with _without_gc():
        result = _import(engine, actor, who, path, key, calendar, force=force,
                         skip_invalid=skip_invalid, batch_size=batch_size, workers=workers,
                         progress=progress, kw=kw, encoding=encoding, source=source,
                         unheaded=unheaded)
    result.encoding = note
    return result


def _source(path: Path) -> tuple[Path | list[tuple[int, str]], str, str | None,
                                 list[Rejected]]:
    """What is read: the JSON Lines file, or the JSON lines a ledger's rows become
    (mediation.ledger), with its codec, the encoding note and the ledger's rows refused before
    validation. Another spreadsheet or a document (filekinds.kind_of) is refused in one line,
    before any line is read as JSON."""
    try:  # the one reader's rules (encodings.encoding_of), streamed for a large file
        with path.open("rb") as fh:
            head = fh.read(filekinds.HEAD)
        if ledger.readable(path, head):
            table = ledger.read(path, head)
            return table.rows, "utf-8", table.encoding, [Rejected(row, msg(
                "line {line}: column {column} has a value but no header", line=row,
                column=column).render()) for row, column in table.unheaded]
        if (kind := filekinds.kind_of(path.name, head)) is not None:
            raise InvalidInput(msg("{origin}: a {kind} file, not JSON; case import reads .jsonl, "
                                   ".csv or .xlsx: save it as .xlsx or CSV (see "
                                   "docs/case-json.md)", origin=path.name, kind=kind))
        encoding, note = encodings.file_encoding(path)
    except normalise.Unreadable as exc:
        raise InvalidInput(msg("{origin}: {why}", origin=path.name, why=exc.message)) from None
    except OSError as exc:
        raise InvalidInput(msg("cannot read {file}: {error}", file=str(path),
                               error=exc.strerror or type(exc).__name__)) from None
    return path, encoding, note, []


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


def _import(engine: Engine, actor: Actor, who: Credentials, path: Path, key: bytes,
            calendar: Calendar, *,
            force: bool, skip_invalid: bool, batch_size: int, workers: int | None,
            progress: Callable[[int], None] | None, kw: dict[str, Any],
            encoding: str = "utf-8-sig", source: Path | list[tuple[int, str]] | None = None,
            unheaded: list[Rejected] | None = None) -> ImportResult:
    result = ImportResult(rejected=list(unheaded or ()))
    probes: list[tuple[int, duplicates.Probe]] = []
    total = len(result.rejected)
    with tempfile.TemporaryFile(prefix="mediation-import-") as spool:
        workers = workers or bulk_validation.default_workers(path)
        for blob, bad, chunk_probes, count in bulk_validation.validated(
                path if source is None else source, key, workers, not force, calendar,
                encoding):
            total += count
            result.rejected.extend(bad)
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
                first, last, elsewhere, noted = transaction(
                    engine, partial(bulk_writing.write_batch, who=who, batch=batch), **kw)
                result.elsewhere += [{"line": line, "number": number, **seen}
                                     for line, number, seen in elsewhere]
                result.notes += [{"line": line, "number": number, "notes": said}
                                 for line, number, said in noted]
                result.first = result.first or first
                result.last = last
                result.imported += len(batch)
                result.batches += 1
                if progress is not None:
                    progress(result.imported)
            if result.imported and engine.dialect.name != "sqlite":
                # the search indexes settled and the planner's statistics of what was loaded
                transaction(engine, lambda uow: searchindex.settle(uow.session.connection()),
                            **kw)
        finally:
            if engine.dialect.name == "sqlite":
                with engine.connect().execution_options(mediation_write=False) as conn:
                    # the pooled connection gives its cache back
                    conn.exec_driver_sql(f"PRAGMA cache_size={bulk_writing.DEFAULT_CACHE}")
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

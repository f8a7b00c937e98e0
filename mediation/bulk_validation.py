"""The bulk import's first pass (``mediation.bulk``): every line of a JSON Lines file validated
with the same schema as ``case.json`` and turned into the rows it will be stored as, in chunks,
in worker processes for large files. Pure: nothing here reads or writes the database.

A line is validated from its JSON text directly (``model_validate_json``); a line refused that
way is validated again exactly as ``case new --file`` does (``json.loads``, then the schema),
which decides and words the rejection, so both routes accept the same records with the same
values.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mediation import duplicates
from mediation.cases import CaseIn
from mediation.core import jsontext
from mediation.core.calendar import Calendar
from mediation.core.errors import InvalidInput, Problems
from mediation.core.i18n import _, get_language, set_language
from mediation.db import eventlog
from mediation.intake import (
    PARTY_COLUMNS,
    case_fields,
    new_event_changes,
    parse_case,
    party_values,
    too_deep,
    validation_context,
)

CHUNK = 2000  # lines per validation task
PARALLEL_FROM = 20_000  # lines: below this, validating in-process is quicker than a pool
_EPOCH = datetime(2000, 1, 1)


@dataclass
class Rejected:
    line: int
    message: str


# One prepared record, plain types only (cheap to spool, no dates or Decimals): (line, the case
# values in CASE_COLUMNS order, the party rows in PARTY_COLUMNS order with the birth date as ISO
# text, the 'new' event's changes as canonical JSON split around the case number, which is known
# only when written, and the parties' ID hashes)
Prepared = tuple[int, tuple[Any, ...], list[tuple[Any, ...]], tuple[str, str], list[str]]
# The case columns that depend on the record; committee, year, number, registration time and
# registrar are set per batch when written.
CASE_COLUMNS = ("state", "version", "category", "source", "referral_ref", "summary", "requests",
                "risk_level", "persons_involved", "amount_fen", "discovered_at")
_NUMBER = "\x00"  # placeholder for the case number in the event's changes
_NUMBER_JSON = '"number":[null,' + eventlog.canonical_json(_NUMBER) + "]"
BIRTH = PARTY_COLUMNS.index("birth_date")
HASH = PARTY_COLUMNS.index("id_hash")
DISCOVERED = CASE_COLUMNS.index("discovered_at")


def prepare(line: int, text: str, key: bytes, calendar: Calendar | None = None
            ) -> Prepared | Rejected:
    """Validate one line. The common case validates the JSON text directly (no intermediate
    dict); anything it refuses is validated again the way ``case new --file`` does (json.loads,
    then the schema), which decides and words the rejection."""
    try:
        record = CaseIn.model_validate_json(text, context=validation_context(calendar))
    except ValidationError:
        return prepare_loaded(line, text, key, calendar)
    return rows(line, record, key)


def prepare_loaded(line: int, text: str, key: bytes, calendar: Calendar | None = None
                   ) -> Prepared | Rejected:
    try:
        data = json.loads(text, strict=False)  # raw control characters: the normaliser's
    except json.JSONDecodeError as exc:  # the line's own line 1: said as the file's line
        exc.lineno = line
        return Rejected(line, jsontext.where(exc, _("line {line}", line=line)).render())
    except RecursionError:
        return Rejected(line, too_deep(_("line {line}", line=line)).render())
    try:
        record: CaseIn = parse_case(data, origin=_("line {line}", line=line),
                                    calendar=calendar)
    except Problems as exc:  # every problem of the line, in its one line
        return Rejected(line, exc.one_line())
    except InvalidInput as exc:
        return Rejected(line, exc.render())
    return rows(line, record, key)


def rows(line: int, record: CaseIn, key: bytes) -> Prepared:
    case = case_fields(record, committee_id=0, year=0, seq=0, number="", now=_EPOCH,
                       registrar="")
    values = [case[c] for c in CASE_COLUMNS]
    if values[DISCOVERED] is not None:
        values[DISCOVERED] = values[DISCOVERED].isoformat()
    parties = []
    hashes = []
    for i, p in enumerate(record.parties):
        row = party_values(p, i, key=key)
        if row[HASH] is not None:
            hashes.append(row[HASH])
        if row[BIRTH] is not None:
            row = (*row[:BIRTH], row[BIRTH].isoformat(), *row[BIRTH + 1:])
        parties.append(row)
    head, tail = eventlog.canonical_json(new_event_changes(record, _NUMBER)).split(
        _NUMBER_JSON, 1)
    return (line, tuple(values), parties, (head, tail), hashes)


# What a validated chunk of lines comes back as: its prepared records pickled into one blob (the
# parent spools it as it is), the rejected lines, the (line, duplicate probe) of the prepared
# records when duplicates are checked, and how many records the chunk held.
Chunk = tuple[bytes, list[Rejected], list[tuple[int, duplicates.Probe]], int]
_CATEGORY = CASE_COLUMNS.index("category")
_ROLE = PARTY_COLUMNS.index("role")
_NAME = PARTY_COLUMNS.index("name")
_KIND = PARTY_COLUMNS.index("kind")


def probe_of(item: Prepared) -> duplicates.Probe:
    """What the duplicate rules compare of a prepared line (duplicates.probe)."""
    return duplicates.probe(str(item[1][_CATEGORY]),
                            [(p[_ROLE], p[_NAME], p[HASH], p[_KIND]) for p in item[2]])


def _prepare_chunk(args: tuple[list[tuple[int, str]], bytes, str, bool, Calendar]) -> Chunk:
    lines, key, lang, check, calendar = args
    set_language(lang)
    good: list[Prepared] = []
    bad: list[Rejected] = []
    for n, text in lines:
        item = prepare(n, text, key, calendar)
        if isinstance(item, Rejected):
            bad.append(item)
        else:
            good.append(item)
    probes = [(item[0], probe_of(item)) for item in good] if check else []
    return pickle.dumps(good, protocol=pickle.HIGHEST_PROTOCOL), bad, probes, len(lines)


def _chunks(lines: Iterable[tuple[int, str]]) -> Iterator[list[tuple[int, str]]]:
    chunk: list[tuple[int, str]] = []
    for n, text in lines:
        if text.strip():
            chunk.append((n, text))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def validated(source: Path | list[tuple[int, str]], key: bytes, workers: int, hashes: bool,
              calendar: Calendar, encoding: str = "utf-8-sig") -> Iterator[Chunk]:
    """The chunks of the JSON Lines file ``source``, or of the numbered JSON lines a ledger's
    rows became (mediation.ledger), validated."""
    if isinstance(source, Path):
        with source.open(encoding=encoding) as fh:
            yield from _validated(enumerate(fh, start=1), key, workers, hashes, calendar)
    else:
        yield from _validated(source, key, workers, hashes, calendar)


def _validated(lines: Iterable[tuple[int, str]], key: bytes, workers: int, hashes: bool,
               calendar: Calendar) -> Iterator[Chunk]:
    lang = get_language()
    tasks = ((chunk, key, lang, hashes, calendar) for chunk in _chunks(lines))
    if workers <= 1:
        for task in tasks:
            yield _prepare_chunk(task)
        return
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        yield from pool.imap(_prepare_chunk, tasks, chunksize=1)


def default_workers(path: Path) -> int:
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

"""A clerk's ledger (台账) as ``case import`` reads it: a CSV file (UTF-8 with or without a
byte-order mark, or GB18030, as Excel on a Chinese Windows saves it; commas or tabs) or an
``.xlsx`` workbook's first sheet, one case per row (docs/case-json.md, "A ledger").

The first row names the columns, each by a field's Chinese name or code, read by the one rule
of :func:`mediation.core.recordkeys.path_of` (``简要案情``, ``summary``, ``涉及金额（元）``); a
party's columns are its role's name or code, an optional number and the party's field
(``申请人姓名``, ``被申请人2电话``, ``respondent_id_number``, ``被申请人法定代表人职务``); a
column headed ``序号`` is the ledger's own numbering and is left out. Each row becomes the record
a JSON line would be (every cell as text, empty cells left out, a party with no cell filled left
out; the applicants first, then the respondents, each by number), written as that JSON line,
and goes through the same validation and import path (:mod:`mediation.bulk`), named by its row
(``第 3 行``: the header is row 1).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Final

from mediation.cases import CaseIn, PartyIn
from mediation.core import encodings, filekinds, recordkeys
from mediation.core.errors import InvalidInput
from mediation.core.i18n import msg, name
from mediation.core.normalise import fold
from mediation.core.vocab import PartyRole

SKIPPED: Final = ("序号",)
_NUMBERED = re.compile(r"(\d*)[._\-]?(.+)")


@dataclass(frozen=True)
class Column:
    """Where a column's cells go: the case's field (``party`` None) or a party's, by its role
    and number, the field's path of codes."""

    party: tuple[str, int] | None
    path: tuple[str, ...]


@dataclass
class Ledger:
    rows: list[tuple[int, str]]  # (row number, the row as a JSON line)
    unheaded: list[tuple[int, int]]  # (row, column): a value in a column with no header
    encoding: str | None = None  # "GB18030" when a CSV file was read as such


def readable(path: Path, head: bytes) -> bool:
    """A file this module reads: a CSV or TSV file, or an .xlsx workbook."""
    kind = filekinds.kind_of(path.name, head)
    return kind in (filekinds.CSV, filekinds.TSV) or filekinds.is_xlsx(path.name, head)


def read(path: Path, head: bytes) -> Ledger:
    """Every row of the ledger ``path`` as its JSON line; the header refused in one line."""
    if filekinds.is_xlsx(path.name, head):
        table, encoding = _workbook(path), None
    else:
        table, encoding = _csv(path)
    header = next(table, None)
    if header is None or not any(_text(c) for c in header):
        raise InvalidInput(msg("{origin}: no header row; the first row names the columns "
                               "(see docs/case-json.md)", origin=path.name))
    columns = _columns(path.name, [_text(c) for c in header])
    rows, unheaded = [], []
    for number, cells in enumerate(table, start=2):
        texts = [_text(c) for c in cells]
        unheaded += [(number, i) for i, text in enumerate(texts, start=1) if text and (
            i > len(header) or not _text(header[i - 1]))]
        record = _record(columns, texts)
        if unheaded and unheaded[-1][0] == number:
            continue  # refused, by row and column
        if record:
            rows.append((number, json.dumps(record, ensure_ascii=False)))
    return Ledger(rows, unheaded, encoding)


def column(header: str) -> Column | None:
    """The field a header names (see the module docstring), or None."""
    path = recordkeys.path_of(CaseIn, header)
    if path is not None and path[0] != "parties":
        return Column(None, tuple(path))
    folded = fold(header).replace(" ", "")
    for role in PartyRole:
        for form in sorted({name("party", role.value, "zh"), role.value}, key=len,
                           reverse=True):
            if not folded.lower().startswith(form):
                continue
            found = _NUMBERED.fullmatch(folded[len(form):])
            inner = recordkeys.path_of(PartyIn, found.group(2)) if found else None
            if found and inner is not None and inner[0] != "role":
                if recordkeys.nested(PartyIn, inner) is not PartyIn and len(inner) == 1:
                    inner = [*inner, "name"]  # 被申请人法定代表人: the representative's name
                return Column((role.value, int(found.group(1) or 1)), tuple(inner))
    return None


def _columns(origin: str, header: list[str]) -> list[Column | None]:
    out: list[Column | None] = []
    seen: dict[Column, int] = {}
    for i, text in enumerate(header, start=1):
        if not text or fold(text).replace(" ", "") in SKIPPED:
            out.append(None)
            continue
        found = column(text)
        if found is None:
            if not any(column(h) for h in header if h):  # a row of data, not a header
                raise InvalidInput(msg("{origin}: the first row names no field; it must be the "
                                       "header, naming the columns (see docs/case-json.md)",
                                       origin=origin))
            raise InvalidInput(msg(
                "{origin}: column {column} ({header}) names no field; the columns are the "
                "fields' names or codes, a party's after its role: 申请人姓名, 被申请人2电话 "
                "(see docs/case-json.md)", origin=origin, column=i, header=text))
        if found in seen:
            raise InvalidInput(msg("{origin}: columns {first} and {second} give the same field",
                                   origin=origin, first=seen[found], second=i))
        seen[found] = i
        out.append(found)
    return out


def _record(columns: list[Column | None], cells: list[str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    parties: dict[tuple[str, int], dict[str, Any]] = {}
    for col, value in zip(columns, cells, strict=False):
        if col is None or not value:
            continue
        if col.party is None:
            into = record
        else:
            into = parties.setdefault(col.party, {"role": col.party[0]})
        for part in col.path[:-1]:
            into = into.setdefault(part, {})
        into[col.path[-1]] = value
    if parties:  # applicants first, then respondents, each by number
        order = list(PartyRole)
        record["parties"] = [parties[k] for k in sorted(
            parties, key=lambda k: (order.index(PartyRole(k[0])), k[1]))]
    return record


def _text(cell: object) -> str:
    """A cell as the text a JSON line would give: a number as written (an integer without
    ``.0``), a date or time in ISO form, text stripped."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, datetime):
        return cell.isoformat(sep=" ", timespec="minutes") if cell.time() else cell.date(
        ).isoformat()
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell).strip()


def _csv(path: Path) -> tuple[Iterator[Sequence[object]], str | None]:
    codec, note = encodings.file_encoding(path)

    def rows() -> Iterator[Sequence[object]]:
        with path.open(encoding=codec, newline="") as fh:
            first = fh.readline()
            fh.seek(0)
            delimiter = "\t" if "\t" in first and "," not in first else ","
            yield from csv.reader(fh, delimiter=delimiter)

    return rows(), note


def _workbook(path: Path) -> Iterator[Sequence[object]]:
    from zipfile import BadZipFile

    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError):
        raise InvalidInput(msg("{origin}: cannot be read as an .xlsx workbook; save it again "
                               "from Excel or WPS as .xlsx or CSV", origin=path.name)) from None

    def rows() -> Iterator[Sequence[object]]:
        try:
            sheet = book.worksheets[0]
            yield from sheet.iter_rows(values_only=True)
        finally:
            book.close()

    return rows()

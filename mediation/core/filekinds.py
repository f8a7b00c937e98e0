"""What kind of file a user gave where JSON was asked for (``case import``, ``case new --file``):
the one rule that tells a spreadsheet or a document from JSON, by the name and by the first
bytes, so that such a file is told so in one line instead of one JSON error per line.

A file is a spreadsheet or a document when its name ends in one of :data:`BY_SUFFIX`, when it
starts with a ZIP (``.xlsx``, ``.docx``) or an OLE (``.xls``, ``.doc``) signature, or when its
first line that is not blank looks like a CSV header: commas or tabs and no ``{`` or ``[``.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Final

CSV: Final = "CSV"
TSV: Final = "TSV"
EXCEL: Final = "Excel"
WORD: Final = "Word"
BY_SUFFIX: Final = {".csv": CSV, ".tsv": TSV, ".xlsx": EXCEL, ".xlsm": EXCEL, ".xls": EXCEL,
                    ".et": EXCEL, ".docx": WORD, ".doc": WORD, ".wps": WORD}
_ZIP: Final = b"PK\x03\x04"
_OLE: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEAD: Final = 4096  # bytes enough to tell


def kind_of(name: str, head: bytes) -> str | None:
    """``"CSV"``, ``"TSV"``, ``"Excel"`` or ``"Word"`` when the file called ``name`` whose first
    bytes are ``head`` is one of these rather than JSON, else None."""
    suffix = PurePath(name).suffix.lower()
    if suffix in BY_SUFFIX:
        return BY_SUFFIX[suffix]
    if head.startswith(_ZIP):
        return WORD if b"word/" in head else EXCEL
    if head.startswith(_OLE):
        return EXCEL
    return _text_kind(head)


def is_xlsx(name: str, head: bytes) -> bool:
    """An Office Open XML workbook (what Excel and WPS save as ``.xlsx``), by its bytes or its
    name."""
    return kind_of(name, head) == EXCEL and (head.startswith(_ZIP) or PurePath(
        name).suffix.lower() in (".xlsx", ".xlsm"))


def _text_kind(head: bytes) -> str | None:
    for codec in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(codec)
            break
        except UnicodeDecodeError as exc:  # a character cut at the end of the head
            if exc.start >= len(head) - 4:
                text = head[:exc.start].decode(codec, "replace")
                break
    else:
        return None
    first = next((line for line in text.splitlines() if line.strip() or "\t" in line), "")
    if "{" in first or "[" in first:
        return None
    if "\t" in first:
        return TSV
    if "," in first or "，" in first:
        return CSV
    return None

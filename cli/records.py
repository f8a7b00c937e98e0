"""The one renderer of a record view in a pipe (``case show``, ``calendar show``, ``procedure
show``, ``retention show``; issue 14): what a script or ``| grep 履行期限`` reads.

A record is its facts, one ``label<TAB>value`` row each (the labels in the chosen language;
a fact without a value is left out, as on a terminal), and its sections of several rows (a
case's parties), each a headed block: a blank line, its title, its header row, its rows, tab
separated. With ``--format csv`` (where a command offers it) the same rows as CSV, the facts
as ``label,value``. A list (``case list``) is not a record: its rows stay headerless
(cli.tables). On a terminal each view lays itself out (cli.caseview, the settings' sentences).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from cli.lines import unmarked
from cli.output import clean, emit_json, is_terminal
from cli.tables import Column, emit_rows

PIPED = ("tsv", "csv")  # the formats a record is written in here


def _plain(text: str) -> str:
    """A value as one cell: cleaned, unmarked, its lines joined by a space, no tabs."""
    return " ".join(clean(unmarked(text)).split())


def facts(rows: list[tuple[str, str]], fmt: str = "tsv") -> None:
    """The record's facts as ``label<TAB>value`` rows (``fmt`` csv: ``label,value``); a fact
    without a value is left out."""
    kept = [(_plain(label[:1].upper() + label[1:]), _plain(value)) for label, value in rows
            if _plain(value)]  # a label as a heading: Due, not due (Chinese as it is)
    if fmt == "csv":
        import csv

        csv.writer(sys.stdout, lineterminator="\n").writerows(kept)
        return
    for label, value in kept:
        sys.stdout.write(f"{label}\t{value}\n")


def block(title: str, columns: list[Column], rows: list[list[str]], fmt: str = "tsv") -> None:
    """A section of several rows (a case's parties): a blank line, its title, its header row
    (what each column is: a script tells them apart by name), its rows."""
    sys.stdout.write("\n")
    if fmt == "csv":
        import csv

        csv.writer(sys.stdout, lineterminator="\n").writerow([_plain(title)])
        emit_rows(columns, rows, "csv")
        return
    emit_rows(columns, rows, "tsv", title=title, header=True)


def show(rows: Callable[[], list[tuple[str, str]]], say: Callable[[], None], *,
         as_json: bool, document: Any) -> None:
    """A record view: ``document`` for ``--json``; on a terminal what ``say`` says (the
    view's own sentences); in a pipe ``rows``' ``label<TAB>value`` rows (:func:`facts`)."""
    if as_json:
        emit_json(document)
    elif is_terminal():
        say()
    else:
        facts(rows())

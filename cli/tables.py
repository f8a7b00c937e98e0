"""The one table renderer: every table the CLI prints goes through :func:`emit_rows`.

On a terminal a table fitted to its width (80 columns and up): identifiers, states, dates and
numbers are never split across lines (columns of less importance are left out first, or
shown under their row as ``field: value`` where marked ``under``: :func:`beneath`); every
cell is laid out here by unit (:func:`laid`), never folded by character by rich: a
``flexible`` cell (the parties, a category) is broken between its names or words and, past
three lines, shortened by whole names (a ``whole`` column never leaves one out: its
:class:`Cell`'s shorter forms, ``罗霞等3人``); free text (``by_character``, a
snippet) is what is shortened first; a ``wrap`` column (prose: a legal basis, an address)
wraps keeping whole what is marked (an address's places, cli.lines.keep_places). In a pipe,
or with ``--format tsv``, plain tab-separated rows without a header (what ``gh`` and ``git``
do, so ``| grep 张`` and ``cut -f2`` work), except a table of figures (stats), whose
columns are labelled; ``--format csv`` has a header row; ``--format json`` / ``--json`` one
JSON document.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Any

from cli import lines
from cli.lines import (
    KEPT,
    err,
    keep,
    keep_each,
    keep_short,
    protect,
    unmarked,
    width,
    wrap,
)
from cli.output import clean, console, emit_json, out
from mediation.core.i18n import Shown, _
from mediation.core.vocab import OutputFormat

FORMATS = tuple(f.value for f in OutputFormat)  # typed as a code or a name (--format 表格)
GAP = 2  # columns between two cells
SHORTEST = 16  # the narrowest a flexible or wrapping column is made


def output_format(fmt: str | None, as_json: bool = False) -> str:
    """``--json`` or ``--format``; otherwise a table on a terminal and TSV rows in a pipe."""
    if as_json:
        return "json"
    if fmt:
        from mediation.core import choices

        try:  # the code or its name (表格, 制表符分隔, 逗号分隔): the one resolver
            wanted = choices.parse("format", fmt)
        except choices.ChoiceError as exc:
            import typer

            raise typer.BadParameter(exc.message.render(), param_hint="--format") from None
        if wanted == "table":
            lines.table_asked()
        return wanted
    return "table" if sys.stdout.isatty() else "tsv"


class Cell(str):
    """A cell with shorter forms of itself (``shorter``), tried in turn where the cell would
    take more than :data:`MOST_LINES` lines: the parties ``罗平 与 罗霞等3人`` for ``罗平 与
    罗霞、罗刚、罗敏``, every name it shows whole. In a pipe the cell as it is."""

    shorter: tuple[str, ...] = ()

    def __new__(cls, text: str, shorter: tuple[str, ...] = ()) -> Cell:
        made = super().__new__(cls, text)
        made.shorter = tuple(s for s in shorter if s != text)
        return made


@dataclass(frozen=True)
class Column:
    """A column of a fitted table: lower ``priority`` columns are kept first; a ``flexible``
    column takes what width is left and is shortened with an ellipsis (never the others); a
    ``wrap`` column takes what is left and wraps. A cell may hold several lines (``\\n``), each
    kept whole, e.g. one state per line."""

    header: str
    priority: int = 1
    right: bool = False
    flexible: bool = False
    wrap: bool = False
    least: int = 0  # the narrowest an elastic column is made, if not SHORTEST
    by_character: bool = False  # free text (a search's snippet): one line, cut anywhere, first
    whole: bool = False  # a flexible cell of which no unit is ever left out (a category)
    under: bool = False  # left out for width, its cells go under their row (field: value)
    spill: bool = False  # a ``whole`` column's name wider than it goes under its row, whole

    @property
    def elastic(self) -> bool:
        return self.flexible or self.wrap


def cell_width(text: str) -> int:
    """The widest line of a cell, in terminal columns (a CJK character takes two)."""
    return max((width(line) for line in text.split("\n")), default=0)


MOST_LINES = 3  # the lines a flexible cell (the parties) takes at most before it is shortened
_UNIT = re.compile(r"[^\s、，,]+[\s、，,]*")  # a name (a word) with the separator after it


def _units(line: str) -> list[str]:
    return _UNIT.findall(line) or [line]


def widest_unit(cell: str) -> int:
    """The widest unit of a cell: a name, or a word of an English category."""
    return max((cell_width(u.rstrip(" ")) for part in cell.split("\n")
                for u in _units(part)), default=0)


def _least(column: Column, natural: int, widest: int = 0) -> int:
    """The narrowest a column is made: its widest cell, or for an elastic one 16 columns (less
    if all its cells are narrower), never narrower than its header (a header is not split) nor,
    for a ``whole`` column, than its widest unit (``widest``); a wrapping column whose cells
    are all short (a name, an address: lines.KEPT) is not wrapped."""
    if not column.elastic or (column.wrap and natural <= KEPT):
        return natural
    if column.whole:  # a ``spill`` column: a name wider than ``least`` goes under its row
        widest = min(widest, natural, (column.least or SHORTEST) if column.spill else widest)
        return max(widest, cell_width(column.header))
    return max(min(column.least or SHORTEST, natural), cell_width(column.header))


def _natural(columns: list[Column], rows: list[list[str]], idx: list[int]) -> list[int]:
    return [max([cell_width(columns[i].header)] + [cell_width(unmarked(r[i])) for r in rows])
            for i in idx]


def _leasts(columns: list[Column], rows: list[list[str]], idx: list[int]) -> list[int]:
    return [_least(columns[i], n, max((widest_unit(r[i]) for r in rows), default=0)
                   if columns[i].whole else 0)
            for i, n in zip(idx, _natural(columns, rows, idx), strict=True)]


def _need(columns: list[Column], rows: list[list[str]], idx: list[int]) -> int:
    return sum(_leasts(columns, rows, idx)) + GAP * (len(idx) - 1)


def kept_columns(columns: list[Column], rows: list[list[str]], columns_available: int) -> list[int]:
    """Which columns fit ``columns_available`` terminal columns, most important first, each
    at its full width except the elastic ones (at least 16 columns wide)."""
    keep = list(range(len(columns)))
    for priority in sorted({c.priority for c in columns if c.priority > 1}, reverse=True):
        if _need(columns, rows, keep) <= columns_available:
            break
        keep = [i for i in keep if columns[i].priority != priority]
    return keep


def fitted(columns: list[Column], rows: list[list[str]], columns_available: int
           ) -> tuple[list[Column], list[list[str]]]:
    """The columns :func:`kept_columns` keeps, and their cells."""
    keep = kept_columns(columns, rows, columns_available)
    return [columns[i] for i in keep], [[r[i] for i in keep] for r in rows]


def fits(columns: list[Column], rows: list[list[str]], columns_available: int) -> bool:
    """Whether the columns :func:`fitted` keeps fit whole; otherwise each row is shown as a
    record (:func:`_records`) rather than a table that splits its cells."""
    kept, cells = fitted(columns, rows, columns_available)
    return _need(kept, cells, list(range(len(kept)))) <= columns_available


def _widths(cols: list[Column], cells: list[list[str]], available: int) -> list[int]:
    """Each column's width: its widest cell, except that the elastic columns share what is
    left of ``available``: free text (``by_character``, a snippet) is shortened first, the
    columns of names and words take what they need, narrowest first; what a column laid out
    (:func:`laid`) leaves unused goes to the others."""
    idx = list(range(len(cols)))
    natural, least = _natural(cols, cells, idx), _leasts(cols, cells, idx)
    elastic = [i for i, c in enumerate(cols) if c.elastic]
    widths = list(natural)
    fixed: dict[int, int] = {}
    for _round in range(3):
        left = available - GAP * (len(cols) - 1) - sum(
            w for i, w in enumerate(natural) if i not in elastic) - sum(fixed.values())
        order = sorted((i for i in elastic if i not in fixed),  # names kept in their column
                       key=lambda i: (cols[i].by_character, not cols[i].spill, natural[i]))
        for n, i in enumerate(order):
            if cols[i].by_character:  # free text: an even share of what is left
                share = left // sum(1 for j in order[n:] if cols[j].by_character)
            else:  # what the columns after it leave over at their narrowest
                share = left - sum(least[j] for j in order[n + 1:])
            widths[i] = min(natural[i], max(least[i], share))
            left -= widths[i]
        unused = {i: widths[i] - max([cell_width(cols[i].header)] + [
            cell_width(laid(r[i], widths[i], cols[i])) for r in cells])
            for i in order if not cols[i].by_character}
        short = [i for i in order if widths[i] < natural[i]]
        if not short or not any(unused.values()):
            break
        fixed.update({i: max(least[i], widths[i] - u) for i, u in unused.items() if u > 0})
        for i, w in fixed.items():
            widths[i] = w
    return widths


def laid(cell: str, cells: int, column: Column) -> str:
    """:func:`lay`'s lines of a cell."""
    return lay(cell, cells, column)[0]


def lay(cell: str, cells: int, column: Column) -> tuple[str, list[str]]:
    """A cell as the lines it takes in a column ``cells`` wide: free text shortened to one
    line; a flexible cell broken between its units (:func:`broken`); a wrapping cell (an
    address, prose) wrapped by cli.lines.wrap, values marked with cli.lines.keep whole; any
    other cell as it is (its column is as wide as it). With the lines, the names of a
    ``spill`` column too wide for it (:func:`broken`), to be shown under the row."""
    if column.by_character:
        return shorten(unmarked(cell), cells, True), []
    if column.flexible:
        most = None if column.whole else MOST_LINES
        spill: list[str] | None = [] if column.spill else None
        text = broken(unmarked(cell), cells, most, spill)
        for shorter in getattr(cell, "shorter", ()):  # a Cell's shorter forms, in turn,
            if text.count("\n") < MOST_LINES:  # each only where none of its names is cut
                break
            if column.spill or widest_unit(unmarked(shorter)) <= cells:
                spill = [] if column.spill else None
                text = broken(unmarked(shorter), cells, most, spill)
        return text, spill or []
    if column.wrap:
        return "\n".join(line for part in cell.split("\n")
                          for line in wrap(protect(part), cells, prefer=True)), []
    return unmarked(cell), []


def broken(cell: str, cells: int, most: int | None = MOST_LINES,
           spill: list[str] | None = None) -> str:
    """A cell of names (``张三 与 李四、王五``) or words in lines of ``cells`` columns, broken
    between them, never inside one; past ``most`` lines, or at a name wider than the column,
    the rest is left out whole for an ellipsis (only a first name wider than the whole column
    is cut), except that with ``spill`` a name wider than the column is put there instead,
    whole, to be shown under the row."""
    done: list[list[str]] = []
    line: list[str] = []
    cut = False
    for part in cell.split("\n"):
        for piece in _units(part):
            if width("".join(line) + piece.rstrip()) <= cells:
                line.append(piece)
                continue
            if spill is not None and width(piece.rstrip()) > cells:
                spill.append(piece.rstrip(" 、，,"))
                continue
            if line:
                done.append(line)
                line = []
            if width(piece.rstrip()) > cells:
                if not done:
                    done.append([shorten(piece.rstrip(), cells, True)])
                cut = True
                break
            line = [piece]
        if cut:
            break
        if line:
            done.append(line)
            line = []
    if most is not None and len(done) > most:
        done, cut = done[:most], True
    if cut and done:
        last = done[-1]
        while len(last) > 1 and width("".join(last).rstrip(" 、，,") + "…") > cells:
            last.pop()
        if not "".join(last).endswith("…"):
            done[-1] = ["".join(last).rstrip(" 、，,") + "…"]
    return "\n".join("".join(line).rstrip() for line in done)


def shorten(cell: str, cells: int, by_character: bool = False) -> str:
    """A flexible cell cut to ``cells`` columns between its names (``张三 与 李四、王五`` →
    ``张三 与 李四…``), with an ellipsis: a name is left out whole, not cut; only a first name
    wider than the whole column is cut."""
    if cell_width(cell) <= cells:
        return cell
    kept = ""
    for piece in [] if by_character else re.findall(r"[^\s、，,]+[\s、，,]*", cell):
        if cell_width(kept + piece.rstrip()) + 1 > cells:
            break
        kept += piece
    if not kept.strip():
        for ch in cell:
            if width(kept + ch) + 1 > cells:
                break
            kept += ch
    return kept.rstrip(" 、，,") + "…"


def _plain(cell: str) -> str:
    """A cell as one line of a TSV row: cleaned, lines joined by a space, no tabs."""
    return " ".join(clean(unmarked(cell)).split())


def emit_rows(columns: list[Column], rows: list[list[str]], fmt: str, *,
              title: str | None = None, stderr: bool = False, header: bool = False) -> None:
    """Rows as a table fitted to the terminal, TSV (no header, for grep and cut) or CSV. A table
    of figures (``header``: stats) labels its columns in TSV too, after its title if it has
    one: its rows mean nothing without them."""
    stream = sys.stderr if stderr else sys.stdout
    if fmt == "tsv":
        if header:
            if title:
                stream.write(_plain(title) + "\n")
            stream.write("\t".join(_plain(c.header) for c in columns) + "\n")
        for r in rows:
            stream.write("\t".join(_plain(c) for c in r) + "\n")
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow([c.header for c in columns])
        writer.writerows([[clean(unmarked(c)) for c in r] for r in rows])
        return
    from rich import box
    from rich.table import Table

    out = console(stderr=stderr)
    if not fits(columns, rows, out.width):
        _records(columns, rows, out, title)
        return
    keep = kept_columns(columns, rows, out.width)
    cols, cells = [columns[i] for i in keep], [[r[i] for i in keep] for r in rows]
    widths = _widths(cols, cells, out.width)
    under = [i for i, c in enumerate(columns) if c.under and i not in keep]

    def table(first: bool) -> Table:
        made = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), show_edge=False,
                     collapse_padding=True, title=title if first else None, show_header=first)
        for c, w in zip(cols, widths, strict=True):  # each cell laid out by unit, not by rich
            made.add_column(c.header, justify="right" if c.right else "left", no_wrap=True,
                            overflow="ellipsis", width=w)
        return made

    laid_rows = [[lay(v, w, c) for c, v, w in zip(cols, r, widths, strict=True)] for r in cells]
    if not under and not any(spilled for lr in laid_rows for _t, spilled in lr):
        whole = table(True)
        for lr in laid_rows:
            whole.add_row(*[text for text, _s in lr])
        out.print(whole)
        return
    lead = " " * (widths[0] + GAP if out.width - widths[0] - GAP >= 40 else 4)
    for n, (lr, row) in enumerate(zip(laid_rows, rows, strict=True)):  # a table a row, aligned
        one = table(n == 0)
        one.add_row(*[text for text, _s in lr])
        out.print(one)
        below = [(columns[i], row[i]) for i in under]
        below += [(c, "、".join(s)) for c, (_t, s) in zip(cols, lr, strict=True) if s]
        for line in beneath([c for c, _v in below], [v for _c, v in below], out.width, lead):
            out.print(line, markup=False, soft_wrap=True)


def beneath(columns: list[Column], cells: list[str], cells_wide: int, lead: str) -> list[str]:
    """The cells of a row's columns left out for width (``under``), under the row: the short
    ones on one line (``民族：土家族  出生日期：1975-11-20``), each wrapping one (an address,
    names too wide for their column) on lines of its own; every value whole (cli.lines)."""
    short: list[str] = []
    long: list[str] = []
    for column, cell in zip(columns, cells, strict=True):
        if not unmarked(cell).strip():
            continue
        value = " ".join(p if "\ue000" in p else keep_short(p) if column.wrap else
                         keep_each(p) if column.flexible else keep(p)
                         for p in cell.split("\n") if p)
        said = _("{field}: {value}", field=keep(column.header), value=Shown(value))
        (long if column.elastic else short).append(said)
    done: list[str] = []
    for text in short:  # side by side while they fit, GAP apart
        if done and width(done[-1] + " " * GAP + unmarked(text)) <= cells_wide:
            done[-1] += " " * GAP + unmarked(text)
        else:
            done += wrap(text, cells_wide, indent=lead + "  ", first_indent=lead)
    return done + [line for text in long for line in wrap(
        text, cells_wide, indent=lead + "  ", first_indent=lead)]


def period_line(text: str, fmt: str) -> None:
    """What a table of figures counts (``统计 2026-11（2026-11-01 至 2026-11-30）``), said first
    in TSV and CSV, as the rule above the table says it on a terminal."""
    if fmt == "csv":
        import csv

        csv.writer(sys.stdout, lineterminator="\n").writerow([_plain(text)])
    else:
        sys.stdout.write(_plain(text) + "\n")


def _records(columns: list[Column], rows: list[list[str]], out: Any, title: str | None) -> None:
    """Rows too wide for any table at this width, each as a record: the first two cells on a
    line, then ``header: value`` of each other cell; no value split (cli.lines), prose wraps."""

    def kept(column: Column, cell: str) -> str:
        parts = [p for p in cell.split("\n") if p]
        if column.wrap:  # its values marked where the cell was made (an address's places)
            return " ".join(p if "\ue000" in p else keep_short(p) for p in parts)
        if column.flexible:
            return " ".join(keep_each(unmarked(p)) for p in parts)
        return " ".join(keep(unmarked(p)) for p in parts)

    if title:
        out.print(title, style="italic", markup=False)
    for r in rows:
        head = "  ".join(kept(c, v) for c, v in zip(columns[:2], r[:2], strict=False) if v)
        for line in lines.wrap(head, out.width, indent="    ", first_indent=""):
            out.print(line, style="bold", markup=False, soft_wrap=True)
        for column, cell in zip(columns[2:], r[2:], strict=False):
            if cell.strip():
                text = _("{field}: {value}", field=lines.keep(column.header),
                         value=Shown(kept(column, cell)))  # masked or revealed by its view
                for line in lines.wrap(text, out.width, indent="      ", first_indent="    "):
                    out.print(line, markup=False, soft_wrap=True)


def show(columns: list[Column], rows: list[list[str]], *, fmt: str | None,
         as_json: bool = False, document: Any = None, empty: str | None = None,
         title: str | None = None) -> str:
    """A command's table in the chosen format (``document`` for JSON); ``empty`` is said on a
    terminal when there are no rows. Returns the format chosen."""
    chosen = output_format(fmt, as_json)
    if chosen == "json":
        emit_json(document)
        return chosen
    if not rows and empty:
        nothing(empty, chosen)
    if rows or chosen == "csv":
        emit_rows(columns, rows, chosen, title=title if chosen == "table" else None)
    return chosen


def nothing(empty: str, fmt: str) -> None:
    """What a list says when it has no rows (``没有相符的案件。``): on a terminal's table, on
    standard output; in a pipe (TSV, CSV) on standard error, so standard output holds rows only
    and a clerk still reads why there are none. Every list with nothing to show says it here."""
    (out if fmt == "table" else err)(empty + "\n")

"""Lines of text for people (timelines, a case file, the agenda): the one rule of where a line
may break.

On a terminal a line is wrapped to its width, but a value is never split across two lines: an
identifier, a name, a state, a date and time, a number or an amount is marked with :func:`keep`
where the line is composed, and :func:`cli.framework.wrap` breaks only around it (prose, a
summary or minutes, breaks anywhere). When standard output is not a terminal nothing is wrapped:
each line is written whole, so ``| grep`` finds every word.
"""

from __future__ import annotations

from cli.framework import END, KEEP, unmarked, width, wrap

KEPT = 24  # terminal cells: a free-text value up to this wide is taken for a name, kept whole


def keep(value: object) -> str:
    """``value`` as text that a wrapped line never splits."""
    text = str(value)
    return f"{KEEP}{text}{END}" if text else text


def keep_short(value: object) -> str:
    """A free-text value: kept whole when it is short (a name, a code, a number), left to
    break as prose when longer."""
    text = str(value)
    return keep(text) if width(text) <= KEPT else text


def keep_each(text: str) -> str:
    """A list of names as one text (``张三 与 李四、王五``): each name kept whole, the line
    free to break between them."""
    import re

    return re.sub(r"[^\s、，,]+", lambda m: keep(m.group()), text)


# ``--format table`` asked for explicitly: lines fitted to the width (COLUMNS) even in a pipe,
# as a table is. Set by tables.output_format, cleared at the start of each run (cli.main).
_TABLE_ASKED: list[bool] = [False]


def table_asked(asked: bool = True) -> None:
    _TABLE_ASKED[0] = asked


def columns() -> int | None:
    """The width lines are wrapped to: the terminal's (or with ``--format table``, COLUMNS),
    or None (no wrapping) in a pipe."""
    from cli import render

    if render.is_terminal() or _TABLE_ASKED[0]:
        return render.console().width
    return None


def fit(text: str, cells: int | None, indent: str = "", first_indent: str | None = None
        ) -> list[str]:
    """``text`` as the lines it takes at ``cells`` columns (one unwrapped line for None)."""
    lead = indent if first_indent is None else first_indent
    if cells is None:
        return [lead + " ".join(unmarked(text).strip().split("\n"))]
    return wrap(text, cells, indent=indent, first_indent=first_indent)


def emit(text: str, *, indent: str = "", first_indent: str | None = None,
         bold: bool = False) -> None:
    """Write ``text`` to standard output fitted by :func:`fit` (bold on a terminal)."""
    from cli import render

    cells = columns()
    for line in fit(text, cells, indent, first_indent):
        if cells is not None and bold:
            render.console().print(line, style="bold", markup=False, soft_wrap=True)
        else:
            render.out(line + "\n")


def command_lines(command: str, indent: int = 4) -> list[str]:
    """A shell command to copy: on a terminal too narrow for it, broken between its words with
    a ``\\`` at each line's end, so it still pastes as one command; whole in a pipe."""
    import shlex

    cells = columns()
    if cells is None or width(command) + indent <= cells:
        return [command]
    words = [shlex.quote(w) if w != shlex.quote(w) and " " in w else w
             for w in command.split(" ")]
    out: list[str] = []
    line = ""
    for word in words:
        if line and width(line) + 1 + width(word) + 2 + indent > cells:
            out.append(line + " \\")
            line = "  " + word
        else:
            line = f"{line} {word}" if line else word
    out.append(line)
    return out

"""THE placeholder form of a command a program prints for a clerk to complete (``mediation
agenda``): a value the clerk must supply is printed between ``‹`` and ``›`` (``--reason ‹原因›``,
``--performance ‹全部履行/部分履行/未履行›``), never as a plausible value that would be
recorded as typed. Every option and argument of the command line refuses a value holding one
(``cli.options.normalise_params`` asks :func:`refuse`), in one line, before anything is read or
written: ``请把 ‹原因› 换成实际内容``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mediation.core import choices
from mediation.core.errors import InvalidInput
from mediation.core.i18n import msg

# A placeholder holds nothing a shell reads (no space, no ``|``): the line pasted as printed
# reaches the program, which refuses it, rather than the shell splitting or piping it.
OPEN, CLOSE, SEPARATOR = "‹", "›", "/"
_FOUND = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")


def placeholder(text: str) -> str:
    """``text`` (already in the reader's language) as a placeholder: ``‹原因›``; a space
    becomes ``-`` (``‹advice-given›``)."""
    return f"{OPEN}{'-'.join(text.split())}{CLOSE}"


def one_of(kind: str, codes: Sequence[str] | None = None) -> str:
    """A vocabulary's values as a placeholder to choose from: ``‹全部履行/部分履行/未履行›``
    under zh, ``‹full/partial/none›`` under en (each value as a choice listing shows it, so the
    one kept is typed as it reads)."""
    return placeholder(SEPARATOR.join(choices.label(kind, c)
                                for c in (codes if codes is not None else choices.values(kind))))


def found(value: str) -> str | None:
    """The first placeholder in ``value``, or None."""
    m = _FOUND.search(value)
    return m.group(0) if m else None


def refuse(value: str) -> str:
    """``value`` as given, or refused (exit 1, one line) when it holds a placeholder."""
    shown = found(value)
    if shown is not None:
        raise InvalidInput(msg("replace {placeholder} with the actual value",
                               placeholder=shown))
    return value

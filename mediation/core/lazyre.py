"""Regular expressions compiled when first used, not when their module is imported.

A few of the patterns that mask personal data (``mediation.core.redaction``: Han names with
their dots, ID, mobile and landline numbers, addresses) take 1-3 ms each to compile, about
11 ms CPU together: every command that imports the case tables paid that at start-up, even
those that never mask a text (``case list``, issue 18). :func:`lazy` returns a stand-in that
compiles its pattern on the first attribute used (``.sub``, ``.search``...) and then hands out
the compiled pattern's; the module keeps its name and call sites as they were.
"""

from __future__ import annotations

import re
from typing import Any, cast


class _Lazy:
    __slots__ = ("_compiled", "_flags", "_pattern")

    def __init__(self, pattern: str, flags: int) -> None:
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self._pattern, self._flags)
        return getattr(compiled, name)


def lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled on first use."""
    return cast("re.Pattern[str]", _Lazy(pattern, flags))

"""Options whose value is one of a vocabulary: typed as a code or its name (mediation.core.choices).

``choice_opt("state", None, "--state", help=...)`` parses the value with the one parser, offers
the names in ``--help`` and both the codes and the Chinese names to shell completion. A value that
is none of them is a usage error (exit 2) naming the allowed ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import typer

from mediation.core.i18n import _

# Help texts composed here (a translated sentence and the allowed values): not message ids
# themselves, so the catalogue tool leaves them out (cli.framework.tree_texts).
COMPOSED: set[str] = set()


@dataclass(frozen=True)
class ChoiceParser:
    """An option's callback: the value typed, as the code of ``kind`` it means (the one resolver,
    mediation.core.choices; ``kind`` "category" by choices.category), or a usage error naming the
    allowed values. The tests find every vocabulary option of the command tree by it."""

    kind: str
    codes: tuple[str, ...] | None = None

    def __call__(self, value: Any) -> Any:
        from mediation.core import choices

        if value is None:
            return None
        try:
            if isinstance(value, list):
                return [self._one(str(v)) for v in value]
            return self._one(str(value))
        except choices.ChoiceError as exc:
            raise typer.BadParameter(exc.message.render()) from None

    def _one(self, text: str) -> str:
        from mediation.core import choices

        if self.kind == "category":
            return choices.category(text)
        return choices.parse(self.kind, text, self.codes)


def _parser(kind: str, codes: Sequence[str] | None) -> ChoiceParser:
    return ChoiceParser(kind, None if codes is None else tuple(codes))


def _completer(kind: str, codes: Sequence[str] | None) -> Callable[[str], list[tuple[str, str]]]:
    def complete(incomplete: str) -> list[tuple[str, str]]:
        from mediation.core import choices

        return choices.completions(kind, incomplete, codes)

    return complete


def choice_opt(kind: str, default: Any, *decls: str, help: str,
               codes: Sequence[str] | None = None, metavar: str = "VALUE") -> Any:
    """An option taking a code or a name of ``kind``; its help lists the allowed values."""
    from cli.framework import CHOICE_KINDS
    from mediation.core import choices

    text = _("{help} One of: {allowed}.", help=help, allowed=choices.allowed(kind, codes))
    COMPOSED.add(text)
    if isinstance(default, str):  # its [default: …] shown by name (cli.framework._extra)
        CHOICE_KINDS.update(((d, default), kind) for d in decls if d.startswith("--"))
    return typer.Option(default, *decls, metavar=metavar, callback=_parser(kind, codes),
                        autocompletion=_completer(kind, codes), help=text)


def category_opt(*decls: str, help: str) -> Any:
    """A category by code, name or code without its leading zero."""

    def complete(incomplete: str) -> list[tuple[str, str]]:
        from mediation.core import categories, choices

        start = choices.fold(incomplete)
        out = []
        for c in categories.all_categories():
            if choices.fold(c.code).startswith(start):
                out.append((c.code, c.zh))
            if choices.fold(c.zh).startswith(start):
                out.append((c.zh, c.code))
        return out

    return typer.Option(None, *decls, metavar="CATEGORY", callback=ChoiceParser("category"),
                        autocompletion=complete, help=help)

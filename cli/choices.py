"""Options whose value is one of a vocabulary: typed as a code or its name (mediation.core.choices).

``choice_opt("state", None, "--state", help=...)`` parses the value with the one parser, offers
the names in ``--help`` and both the codes and the Chinese names to shell completion. A value that
is none of them is a usage error (exit 2) naming the allowed ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import typer

from mediation.core.i18n import _

# Help texts composed here (a translated sentence and the allowed values): not message ids
# themselves, so the catalogue tool leaves them out (cli.framework.tree_texts).
COMPOSED: set[str] = set()


def _parser(kind: str, codes: Sequence[str] | None) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        from mediation.core import choices

        if value is None:
            return None
        try:
            if isinstance(value, list):
                return [choices.parse(kind, v, codes) for v in value]
            return choices.parse(kind, str(value), codes)
        except choices.ChoiceError as exc:
            raise typer.BadParameter(exc.message.render()) from None

    return parse


def _completer(kind: str, codes: Sequence[str] | None) -> Callable[[str], list[tuple[str, str]]]:
    def complete(incomplete: str) -> list[tuple[str, str]]:
        from mediation.core import choices

        return choices.completions(kind, incomplete, codes)

    return complete


def choice_opt(kind: str, default: Any, *decls: str, help: str,
               codes: Sequence[str] | None = None) -> Any:
    """An option taking a code or a name of ``kind``; its help lists the allowed values."""
    from cli.framework import CHOICE_KINDS
    from mediation.core import choices

    text = _("{help} One of: {allowed}.", help=help, allowed=choices.allowed(kind, codes))
    COMPOSED.add(text)
    if isinstance(default, str):  # its [default: …] shown by name (cli.framework._extra)
        CHOICE_KINDS.update(((d, default), kind) for d in decls if d.startswith("--"))
    return typer.Option(default, *decls, metavar="VALUE", callback=_parser(kind, codes),
                        autocompletion=_completer(kind, codes), help=text)


def category_opt(*decls: str, help: str) -> Any:
    """A category by code, name or code without its leading zero."""

    def parse(value: str | None) -> str | None:
        from mediation.core import choices

        if value is None:
            return None
        try:
            return choices.category(value)
        except choices.ChoiceError as exc:
            raise typer.BadParameter(exc.message.render()) from None

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

    return typer.Option(None, *decls, metavar="CATEGORY", callback=parse,
                        autocompletion=complete, help=help)

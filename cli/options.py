"""Options and argument parsing shared by the command modules."""

from __future__ import annotations

from datetime import date
from typing import Any

import typer

from mediation.core.i18n import _


def json_opt() -> Any:
    return typer.Option(False, "--json", help=_("Print one JSON document on stdout."))


def format_opt() -> Any:
    return typer.Option(
        None, "--format", metavar="FORMAT", help=_(
            "table, tsv, csv or json (default: a table on a terminal, tab-separated rows in a "
            "pipe)."),
        autocompletion=lambda: ["table", "tsv", "csv", "json"],
    )


def version_opt() -> Any:
    return typer.Option(
        None, "--expect-version", metavar="N",
        help=_("Refuse (exit 3) if the case is no longer at this version."),
    )


def parse_date(value: str | None, option: str) -> date | None:
    """``YYYY-MM-DD`` or a usage error (exit 2) naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(_("{value!r} is not a date (YYYY-MM-DD)", value=value),
                                 param_hint=option) from None

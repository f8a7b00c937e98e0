"""`mediation case search TEXT`: find any case by its words, number, names, phone or ID number."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

from cli import render
from cli.choices import category_opt, choice_opt
from cli.context import env
from cli.options import (
    MAX_INT,
    format_opt,
    json_opt,
    parse_date,
    registered_from_opt,
    registered_to_opt,
)
from mediation.core.i18n import _, name

if TYPE_CHECKING:
    from mediation.search import Hit

MATCH_CELLS = 24  # terminal cells of the match shown in a table (all of it in TSV and JSON)


LEAD = 2  # characters shown before a match, so that a table shortening the cell keeps it


def where_found(hit: Hit, cells: int | None) -> str:
    """What a case was found by: the text around the first word (in a table, starting
    :data:`LEAD` characters before the word and cut to ``cells``, so the word is shown
    however narrow the column: a table shortens a snippet at its end), or the number that
    matched, by its kind and its last four characters only (``电话尾号 5678``)."""
    if hit.number:
        kind, ending = hit.number
        return (_("phone ending {ending}", ending=ending) if kind == "phone"
                else _("ID number ending {ending}", ending=ending))
    if cells is None:
        return hit.match
    text = hit.match
    if hit.at > LEAD:
        text = "…" + text[hit.at - LEAD:]
    return _cut(text, cells)


def _cut(text: str, cells: int) -> str:
    """``text`` cut to ``cells`` terminal cells (a Chinese character takes two), with an
    ellipsis where it was cut."""
    from cli.lines import width

    if width(text) <= cells:
        return text
    out = ""
    for ch in text:
        if width(out + ch) > cells - 1:
            break
        out += ch
    return out.rstrip("…") + "…"


def register_case(case: typer.Typer) -> None:
    @case.command("search")
    def search(
        ctx: typer.Context,
        words: list[str] = typer.Argument(..., metavar="TEXT", help=_(
            "What to look for: words of any text of the case file (facts, requests, minutes, "
            "agreements, visits, urgings, feedback), a party's name or part of it, a case "
            "number, a whole phone or ID number, or the end of one (4 characters or more: "
            "5678).")),
        state: str | None = choice_opt("state", None, "--state", help=_(
            "Only cases in this state.")),
        category: str | None = category_opt("--category", help=_(
            "Only this category: a code, a name, or a parent code (with its sub-categories).")),
        from_: str | None = registered_from_opt(),
        to: str | None = registered_to_opt(),
        mediator: str | None = typer.Option(None, "--mediator", metavar="USER", help=_(
            "Only cases this mediator handles (a user name or name).")),
        limit: int = typer.Option(20, "--limit", min=1, max=MAX_INT, help=_(
            "Show at most this many cases, best match first.")),
        fmt: str | None = format_opt(),
        as_json: bool = json_opt(),
    ) -> None:
        """Find cases by any words of their file, best match first (查找案件)."""
        from mediation import search as searching
        from mediation.core.choices import category_family

        filters = searching.Filters(
            state=state, categories=category_family(category) if category else None,
            registered_from=parse_date(from_, "--from"), registered_to=parse_date(to, "--to"),
            mediator=mediator)
        found = env(ctx).act(searching.find, " ".join(words), filters=filters, limit=limit,
                             write=False, snapshot=False)
        hits = found.hits
        if found.names_masked:  # never silently: a name is neither searched nor shown in full
            render.err(_("Note: names are masked for your role ({role}): a party is found and "
                         "shown only by a masked name such as 张某, never by the full name.",
                         role=name("role", found.role)) + "\n")
        chosen = render.output_format(fmt, as_json)
        if chosen == "json":
            render.emit_json([h.as_dict() for h in hits])
            return
        if not hits:
            render.nothing(_("No case matches."), chosen)
            if chosen != "csv":  # a CSV has its header row all the same
                return
        # case list's columns in case list's order, then where the words were found
        found_at = [where_found(h, MATCH_CELLS if chosen == "table" else None) for h in hits]
        from cli.lines import width  # a number found is shown whole (电话尾号 5678)

        least = max([12] + [width(f) for f, h in zip(found_at, hits, strict=True) if h.number])
        cols, cells = render.case_rows([h.case for h in hits], extra=[(render.Column(
            _("Where found"), 2, flexible=True, least=least, by_character=True), found_at)],
            view="search", table=chosen == "table")
        render.emit_rows(cols, cells, chosen)
        if chosen == "table":
            sys.stdout.write(_("{count} found, best match first.", count=len(hits)) + "\n")

"""Rendering: one JSON document on stdout for ``--json``, Rich tables for people.

Rich honours ``NO_COLOR``; labels and enumerated values are translated through mediation.core.i18n.
"""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from cli.caseview import case_view
from cli.lines import err
from cli.output import (
    category_name,
    clean,
    console,
    emit_json,
    is_terminal,
    local_time,
    out,
)
from cli.output import err as whole_err
from cli.tables import (
    FORMATS,
    Cell,
    Column,
    emit_rows,
    fitted,
    nothing,
    output_format,
    period_line,
    show,
)
from cli.timeline import history, timeline
from mediation.core.i18n import _, name, or_absent
from mediation.core.labels import staff_label

__all__ = ["FORMATS", "Column", "case_view", "category_name", "clean", "console", "emit_json",
           "emit_rows", "err", "fitted", "history", "is_terminal", "local_time", "nothing", "out",
           "output_format", "period_line", "show", "timeline"]

if TYPE_CHECKING:

    from mediation.caselist import CaseSummary
    from mediation.core.commands import StepDone
    from mediation.core.periods import Period


def spoken(period: Period) -> str:
    """A period's one name in the language of the messages (periods.named): 2026年11月,
    2026年12月（截至12月1日）."""
    from mediation.core.i18n import get_language
    from mediation.core.periods import named

    return named(period, get_language())


def paragraph(text: str) -> None:
    """A paragraph on standard output wrapped to the terminal's width as help and messages are
    (cli.lines.help_wrap: by display width, values and names whole, a break preferred after
    punctuation)."""
    from cli.lines import help_wrap

    for line in text.rstrip("\n").split("\n"):
        out("\n".join(help_wrap(line, console().width) or [""]) + "\n")


def step_done(result: StepDone, as_json: bool, more: dict[str, Any] | None = None) -> None:
    """The step's line (or JSON, with ``more``'s keys); its warnings (workflow: they do not
    refuse) on stderr."""
    for warning in result.warnings:
        err(_("note: {message}", message=warning) + "\n")
    if as_json:
        emit_json(json_read_as({**asdict(result), **(more or {})}))
        return
    said = {"number": result.number, "state": name("state", result.state),
            "version": result.version, "event": result.event}
    if result.by is None:  # nobody signed in: MEDIATION_USER names, proves nothing
        line = _("{number}: now {state} (version {version}, event {event})", **said)
    else:  # who recorded it (sign-in on): wrapped after a comma, never in a name, at 80
        from cli.lines import help_wrap, keep

        line = "\n".join(help_wrap(_(
            "{number}: now {state} (version {version}, event {event}), recorded by {by}",
            by=keep(result.by), **said), console().width))
    out(with_read_as(line) + "\n")


def with_read_as(line: str) -> str:
    """A command's confirmation ``line`` and, when a moment was typed relative to the day
    (``--at 今天 8点``, ``--due 12月31日``), what it was read as (cli.options.read_as) on the
    line under it (beside it, a step's line would pass 80 columns), on a terminal and piped
    alike; the first line stays what it always was."""
    from cli.options import read_as

    said = read_as()
    return line if said is None else f"{line}\n{said.render()}"


def json_read_as(doc: dict[str, Any]) -> dict[str, Any]:
    """A command's ``--json`` document and, where :func:`with_read_as` would add its line, the
    same moments as ISO 8601 under ``read_as`` (cli.options.read_moments: ``{"--at":
    "2026-12-01T08:00:00+08:00"}``); the document as it was otherwise."""
    from cli.options import read_moments

    read = read_moments()
    return {**doc, "read_as": read} if read else doc


# Each listing's columns by priority (1 kept first; cli.tables.fitted leaves out the highest
# first): a view's defining columns are 1, never the ones left out at 80 columns. The one place
# that says what each list is for; tests/cli/test_view_columns.py checks every view.
VIEWS: dict[str, dict[str, int]] = {
    # what a clerk works from: which case, where it stands, who, by when; then what kind of
    # dispute, before the mediator (a clerk's trial at 80 columns: the category was left out;
    # it fits by its short name, the parties over two lines, 已逾期 under the date; it gives
    # way where a name is too wide beside it: a name is never cut)
    "list": {"id": 1, "number": 1, "state": 1, "parties": 1, "deadline": 1, "category": 2,
             "mediator": 3},
    # --overdue: which case, whose, the deadline and how many days late
    "overdue": {"number": 1, "parties": 1, "deadline": 1, "id": 2, "mediator": 3, "state": 4,
                "category": 5},
    # case search: which case, whose, and where the words were found (shortened, never left out)
    "search": {"id": 1, "number": 1, "parties": 1, "found": 1, "state": 2, "category": 3,
               "mediator": 4, "deadline": 5},
}


def case_rows(rows: list[CaseSummary], extra: list[tuple[Column, list[str]]] | None = None,
              view: str = "list", *, table: bool = False) -> tuple[list[Column], list[list[str]]]:
    """The one order of a case's columns (case list, case search; table, TSV and CSV): ID,
    number, state, parties, mediator, category, deadline, then ``extra`` columns (search's
    where found, key ``found``). Which are kept at 80 columns is the ``view``'s (``VIEWS``):
    its defining columns are never left out; the parties are broken between names over lines,
    the column never narrower than its widest name (past three lines a side of several is
    named by its first, :func:`parties_cell`; a name is never cut), a category is never cut
    (in English it may break between words); in a ``table`` it is named short (邻里, not
    邻里纠纷: the heading says 类别), in TSV and CSV in full. The overdue view says how many
    days late."""
    rank = VIEWS[view]
    columns = [Column(_("ID"), rank["id"], right=True), Column(_("Number"), rank["number"]),
               Column(_("State"), rank["state"]),
               # a name is never cut: the column as wide as the widest name up to 10 Han
               # characters, a wider one under its row (cli.tables: whole, spill), the
               # parties over lines, a side of several as 罗霞等3人 past three
               Column(_("Parties"), rank["parties"], flexible=True, whole=True, spill=True,
                      least=20),
               Column(_("Mediator"), rank["mediator"]),
               Column(_("Category"), rank["category"], flexible=True, whole=True),
               # a deadline past: its mark (已逾期) goes under the date where room is short
               Column(_("Deadline"), rank["deadline"], flexible=view != "overdue", whole=True)]
    body = []
    for r in rows:
        deadline = r.deadline_last_day or ""  # the period's last day (Calendar.last_day_of)
        if r.overdue and view == "overdue" and r.days_overdue:
            deadline = _("{date} (overdue by {days} days)", date=deadline, days=r.days_overdue)
        elif r.overdue:  # 2026-11-19 已逾期: the mark a unit of its own, under the date if need be
            deadline = _("{date} (overdue)", date=deadline)
        body.append([str(r.id), r.number, name("state", r.state),
                     parties_cell(r.applicants, r.respondents),
                     r.lead_mediator_name or r.lead_mediator or "",
                     category_label(r.category, short=table),
                     deadline])
    for column, cells in extra or []:
        columns.append(Column(column.header, rank.get("found", column.priority), column.right,
                              column.flexible, column.wrap, column.least, column.by_character,
                              column.whole))
        for row, cell in zip(body, cells, strict=True):
            row.append(cell)
    return columns, body


def parties_cell(applicants: list[str], respondents: list[str]) -> Cell:
    """``张三 与 李四、王五``; where that takes more than three lines of its column, the side
    of more names, then both, named by its first and how many (``李四等2人``): names whole."""

    def side(names: list[str], short: bool) -> str:
        if short and len(names) > 1:
            return _("{first} et al. ({count})", first=names[0], count=len(names))
        return "、".join(names)

    def both(short_a: bool, short_r: bool) -> str:
        return _("{applicants} v. {respondents}", applicants=side(applicants, short_a),
                 respondents=side(respondents, short_r))

    first = (False, True) if len(respondents) >= len(applicants) else (True, False)
    return Cell(both(False, False), (both(*first), both(True, True)))


def case_list(rows: list[CaseSummary], *, as_json: bool = False, fmt: str | None = None,
              total: int | None = None, page: int = 1, view: str = "list") -> None:
    chosen = output_format(fmt, as_json)
    if chosen == "json":
        emit_json([r.model_dump() for r in rows])
        return
    if not rows:
        nothing(_("No cases."), chosen)
    if rows or chosen == "csv":  # a CSV has its header row all the same
        emit_rows(*case_rows(rows, view=view, table=chosen == "table"), chosen)
    if total is not None and total != 0:  # "No cases." says it
        line = list_summary(total, len(rows), page)
        (sys.stdout if chosen == "table" else sys.stderr).write(line + "\n")


def list_summary(total: int, shown: int, page: int = 1, unit: str = "cases") -> str:
    """共 2,009 件，显示最新 50 件 (or the page's range); ``unit`` "events": 共 N 条."""
    all_, now = format(total, ","), format(shown, ",")
    if unit == "events":
        if shown >= total and page == 1:
            return _("{total} events in all.", total=all_)
        if page == 1:
            return _("{total} events in all, showing the newest {shown}.", total=all_,
                     shown=now)
        return _("{total} events in all, page {page}: showing {shown}.", total=all_,
                 page=page, shown=now)
    if shown >= total and page == 1:
        return _("{total} in all.", total=all_)
    if page == 1:
        return _("{total} in all, showing the newest {shown}.", total=all_, shown=now)
    return _("{total} in all, page {page}: showing {shown}.", total=all_, page=page, shown=now)


def category_label(code: str, *, short: bool = False) -> str:
    """A category's name alone (its code where the table has no name for it); ``short``, as a
    column headed 类别 names it (categories.Category.short_name)."""
    from mediation.core import categories
    from mediation.core.i18n import get_language

    cat = categories.get(code)
    if cat is None:
        return code
    return cat.short_name(get_language()) if short else cat.name(get_language())


def elsewhere(seen: dict[str, Any] | None) -> None:
    """After intake: the same party in open cases of other committees (duplicates.elsewhere),
    as far as the reader may see them; on standard error, a note beside the result."""
    if not seen:
        return
    if seen.get("cases"):
        err(_("Note: the same party is in an open case of another committee: {cases}. Decide "
              "with that committee whether this is one dispute.", cases="、".join(
                  _("{committee} {number}", committee=e["committee"], number=e["number"])
                  for e in seen["cases"])) + "\n")
    else:
        err(_("Note: {notice}.", notice=seen["notice"]) + "\n")


def notes(said: list[str] | None) -> None:
    """After intake: what the record lacks that the forms need (an organisation's
    representative: mediation.parties.missing_representatives), one note a line on standard
    error; the case is registered. A note's first line is prose, fitted to the terminal; each
    line after it is a command to copy (parties.representative_command), written whole on one
    line as it is, never broken (a terminal too narrow shows it folded, and copies it whole)."""
    for note in said or []:
        first, *commands = note.split("\n")
        err(_("note: {message}", message=first) + "\n")
        for command in commands:
            whole_err("  " + command + "\n")


def duplicates(matches: list[dict[str, Any]], new: dict[str, Any]) -> None:
    """The new record and the cases it resembles, side by side (on stderr), fitted to the
    terminal; names as the reader may see them (the service masked them)."""
    columns = [Column(_("Number")), Column(_("State")), Column(_("Category")),
               Column(_("Applicants")), Column(_("Respondents")), Column(_("Registered"), 2),
               Column(_("Why"))]  # what docs/clerks-day.md shows is kept; the date goes first
    body = [[_("(new)"), "", category_name(str(new["category"])), "\n".join(new["applicants"]),
             "\n".join(new["respondents"]), "", ""]]
    for m in matches:
        body.append([str(m["number"]), name("state", str(m["state"])),
                     category_name(str(m["category"])), "\n".join(m["applicants"]),
                     "\n".join(m["respondents"]), local_time(m["registered_at"]),
                     name("duplicate", str(m["match"]))])
    emit_rows(columns, body, "table", title=_("Probable duplicates"), stderr=True)


def one_time_code(result: dict[str, Any]) -> None:
    """The one-time code an account was given (stdout), if it was given one: the person named
    as everywhere (``staff_label``: 李明), the user name only in the command to type."""
    if not result.get("one_time_code"):
        return
    fields = {"who": staff_label(result["username"], result.get("display_name")),
              "user": result["username"], "code": result["one_time_code"],
              "time": local_time(result["code_expires_at"])}
    if result.get("half") == "administrator":
        text = _("First half of the one-time code for {who}: {code} (valid until {time}). It "
                 "is not enough alone: a member of {who}'s committee gives the second half "
                 "(`mediation staff code {user}`). Hand this half to them in person; they type "
                 "both halves at their first sign-in and then choose their own password.",
                 **fields)
    elif result.get("half") == "committee":
        text = _("Second half of the one-time code for {who}: {code} (valid until {time}). "
                 "Hand it to them in person; they type the district administrator's half and "
                 "this one at their first sign-in, then choose their own password.", **fields)
    else:
        text = _("One-time code for {who}: {code} (valid until {time}). Hand it to them in "
                 "person: they sign in with it once and then choose their own password.",
                 **fields)
    paragraph(text)  # instructions: wrapped to the terminal (catalogue flag `wrapped`)


def admin_notices(rows: list[dict[str, Any]]) -> None:
    """What the district administrator did in the committee since the director last signed in
    (stderr), and accounts that signed in for the first time with a one-time code; staff named
    as everywhere (sessions.notices gives their labels)."""
    for r in rows:
        who = or_absent(r.get("user_label") or r["username"])
        by = r.get("actor_label") or r["actor"]
        if r["first_sign_in"]:
            text = _("Notice: {user} signed in with a one-time code and chose a password on "
                     "{time}.", user=who, time=local_time(r["at"]))
        elif r.get("half"):
            text = _("Notice: {giver} gave the committee's half of the one-time code of {user} "
                     "on {time}.", giver=by, user=who, time=local_time(r["at"]))
        else:
            text = _("Notice: the district administrator {admin} did \"{act}\" ({user}) on "
                     "{time}.", admin=by, act=name("trigger", r["action"]), user=who,
                     time=local_time(r["at"]))
            if r.get("awaits_half"):
                text += " " + _("{who} cannot sign in until a member of the committee gives "
                                "them the second half of their one-time code: `mediation staff "
                                "code {user}`.", who=who, user=r["username"])
        sys.stderr.write(text + "\n")


def committee_created(result: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        emit_json(result)
        return
    out(_("Committee {name} created; {user} is its {role}.", name=result["name"],
                       user=staff_label(result["director"], result.get("director_name")),
                       role=name("role", result["role"])) + "\n")


def staff(rows: list[dict[str, Any]], *, as_json: bool, fmt: str | None = None) -> None:
    columns = [Column(_("User")), Column(_("Name")), Column(_("Role")), Column(_("Active"), 2)]
    body = [[r["username"], r["name"], name("role", r["role"]),
             _("yes") if r["active"] else _("no")] for r in rows]
    from cli.tables import show

    show(columns, body, fmt=fmt, as_json=as_json, document=rows)

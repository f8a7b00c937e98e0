"""Rendering: one JSON document on stdout for ``--json``, Rich tables for people.

Rich honours ``NO_COLOR``; labels and enumerated values are translated through mediation.core.i18n.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from mediation.core.i18n import N_, _, get_language, name

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from mediation.cases import CaseSummary, CaseView, EventView
    from mediation.core.commands import StepDone


def clean(value: str) -> str:
    """What may reach the terminal of a text: escape sequences and control characters removed
    (``normalise.displayable``). Stored text is data: never markup, never terminal control."""
    from mediation.core.normalise import displayable

    return displayable(value)


def out(line: str) -> None:
    """Write ``line`` (already ending in a newline, as ``sys.stdout.write`` is given) to
    standard output, cleaned. Every plain line the CLI prints goes through here or console()."""
    sys.stdout.write(clean(line))


def is_terminal(*, stderr: bool = False) -> bool:
    return (sys.stderr if stderr else sys.stdout).isatty()


def err(line: str) -> None:
    """As :func:`out`, on standard error (errors and notes)."""
    sys.stderr.write(clean(line))


@cache
def _console_class() -> type[Console]:
    from rich.console import Console

    class TextConsole(Console):
        """A console for which every string is plain text: no markup (``[/b]``, ``[link=...]``
        in a name are shown as written), no emoji codes, no highlighting, and escape
        sequences and control characters cleaned out of every string it renders (printed
        strings, table cells and titles all pass through ``render_str``)."""

        def render_str(self, text: str, **kwargs: Any) -> Text:
            kwargs["markup"] = False
            kwargs["emoji"] = False
            return super().render_str(clean(text), **kwargs)

    return TextConsole


def console(stderr: bool = False) -> Console:
    return _console_class()(stderr=stderr, highlight=False, soft_wrap=False, markup=False,
                            emoji=False)


# Characters JSON leaves raw with ensure_ascii=False that a terminal may act on: DEL and the C1
# controls (0x9b is a CSI), bidirectional overrides, line and paragraph separators.
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def emit_json(value: Any) -> None:
    """One JSON document on stdout. Text stays exactly as stored; the characters a terminal
    could act on are written as ``\\uXXXX`` escapes (the same JSON value)."""
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def local_time(value: str | None) -> str:
    """An ISO UTC timestamp shown in China Standard Time, to the minute."""
    if not value:
        return ""
    if "T" not in value:
        return value
    from mediation.core.clock import LOCAL

    dt = datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return dt.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def category_name(code: str) -> str:
    from mediation.core import categories
    from mediation.core.i18n import get_language

    cat = categories.get(code)
    return f"{code} {cat.name(get_language())}" if cat else code


def step_done(result: StepDone, as_json: bool) -> None:
    """The step's line (or JSON); its warnings (workflow: they do not refuse) on stderr."""
    for warning in result.warnings:
        err(_("note: {message}", message=warning) + "\n")
    if as_json:
        emit_json(asdict(result))
        return
    out(
        _("{number}: now {state} (version {version}, event {event})",
          number=result.number, state=name("state", result.state),
          version=result.version, event=result.event) + "\n"
    )


FORMATS = ("table", "tsv", "csv", "json")


def output_format(fmt: str | None, as_json: bool = False) -> str:
    """``--json`` or ``--format``; otherwise a table on a terminal and TSV rows in a pipe."""
    if as_json:
        return "json"
    if fmt:
        from mediation.core import choices

        wanted = choices.fold(fmt)
        if wanted not in FORMATS:
            import typer

            raise typer.BadParameter(_("{value!r} is not one of: {allowed}", value=fmt,
                                       allowed=", ".join(FORMATS)), param_hint="--format")
        return wanted
    return "table" if sys.stdout.isatty() else "tsv"


@dataclass(frozen=True)
class Column:
    """A column of a fitted table: lower ``priority`` columns are kept first; a ``flexible``
    column takes what width is left and is shortened with an ellipsis (never the others)."""

    header: str
    priority: int = 1
    right: bool = False
    flexible: bool = False


def _cell_width(text: str) -> int:
    from cli.framework import width

    return width(text)


def fitted(columns: list[Column], rows: list[list[str]], columns_available: int
           ) -> tuple[list[Column], list[list[str]]]:
    """The columns that fit ``columns_available`` terminal columns, most important first, each
    at its full width except the flexible one (at least 16 columns wide)."""
    gap = 2
    natural = [max([_cell_width(c.header)] + [_cell_width(r[i]) for r in rows])
               for i, c in enumerate(columns)]
    keep = list(range(len(columns)))

    def need(idx: list[int]) -> int:
        return sum(min(16, natural[i]) if columns[i].flexible else natural[i]
                   for i in idx) + gap * (len(idx) - 1)

    for priority in sorted({c.priority for c in columns if c.priority > 1}, reverse=True):
        if need(keep) <= columns_available:
            break
        keep = [i for i in keep if columns[i].priority != priority]
    chosen = [columns[i] for i in keep]
    return chosen, [[r[i] for i in keep] for r in rows]


def emit_rows(columns: list[Column], rows: list[list[str]], fmt: str) -> None:
    """Rows as a table fitted to the terminal, TSV (no header, for grep and cut) or CSV."""
    if fmt == "tsv":
        for r in rows:
            sys.stdout.write("\t".join(" ".join(clean(c).split()) for c in r) + "\n")
        return
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow([c.header for c in columns])
        writer.writerows([[clean(c) for c in r] for r in rows])
        return
    from rich import box
    from rich.table import Table

    out = console()
    cols, cells = fitted(columns, rows, out.width)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), show_edge=False,
                  collapse_padding=True)
    for c in cols:
        table.add_column(c.header, justify="right" if c.right else "left", no_wrap=True,
                         overflow="ellipsis" if c.flexible else "fold",
                         min_width=None if c.flexible else max(
                             [_cell_width(c.header)] + [_cell_width(r[cols.index(c)])
                                                        for r in cells]),
                         ratio=1 if c.flexible else None)
    for r in cells:
        table.add_row(*r)
    out.print(table)


def case_rows(rows: list[CaseSummary]) -> tuple[list[Column], list[list[str]]]:
    columns = [Column(_("ID"), 1, right=True), Column(_("Number"), 1), Column(_("State"), 1),
               Column(_("Deadline"), 3), Column(_("Mediator"), 4), Column(_("Category"), 5),
               Column(_("Parties"), 2, flexible=True)]
    body = []
    for r in rows:
        deadline = local_time(r.deadline)[:10]
        if r.overdue:
            deadline = _("{date} (overdue)", date=deadline)
        parties = _("{applicants} v. {respondents}", applicants="、".join(r.applicants),
                    respondents="、".join(r.respondents))
        body.append([str(r.id), r.number, name("state", r.state), deadline,
                     r.lead_mediator or "", category_label(r.category), parties])
    return columns, body


def case_list(rows: list[CaseSummary], *, as_json: bool = False, fmt: str | None = None,
              total: int | None = None, page: int = 1) -> None:
    chosen = output_format(fmt, as_json)
    if chosen == "json":
        emit_json([r.model_dump() for r in rows])
        return
    if not rows and chosen == "table":
        sys.stdout.write(_("No cases.") + "\n")
    elif rows:
        emit_rows(*case_rows(rows), chosen)
    if total is not None:
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


def category_label(code: str) -> str:
    """A category's name alone (its code where the table has no name for it)."""
    from mediation.core import categories
    from mediation.core.i18n import get_language

    cat = categories.get(code)
    return cat.name(get_language()) if cat else code


def case_view(view: CaseView, *, as_json: bool) -> None:
    if as_json:
        emit_json(view.model_dump())
        return
    from rich.table import Table

    out = console()
    out.print(view.number, style="bold", end="")
    out.print("  " + view.committee)
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    facts.add_row(_("State"), _("{state} (version {version})", state=name("state", view.state),
                                version=view.version))
    facts.add_row(_("Category"), category_name(view.category))
    source = name("source", view.source)
    facts.add_row(_("Source"), f"{source} ({view.referral_ref})" if view.referral_ref else source)
    facts.add_row(_("Facts"), view.summary)
    facts.add_row(_("Requests"), view.requests)
    if view.amount:
        facts.add_row(_("Amount (yuan)"), view.amount)
    for key, value in view.dates.items():
        if value:
            facts.add_row(name("date", key), local_time(value))
    if view.deadline:
        deadline = local_time(view.deadline)
        facts.add_row(_("Deadline"), _("{date} (overdue)", date=deadline) if view.overdue
                      else deadline)
    if view.decline_reason:
        facts.add_row(_("Decline reason"), name("decline", view.decline_reason))
    if view.termination_reason:
        facts.add_row(_("Termination reason"), name("terminate", view.termination_reason))
    if view.advice:
        facts.add_row(_("Advice given"), view.advice)
    if view.duplicate_of:
        facts.add_row(_("Registered despite probable duplicate of"), view.duplicate_of)
    out.print(facts)

    parties = Table(title=_("Parties"))
    for header in (_("Role"), _("Name"), _("ID number"), _("Phone"), _("Address"),
                   _("Guardian")):
        parties.add_column(header, overflow="fold")
    for p in view.parties:
        guardian = ""
        if p.guardian:
            guardian = " ".join(v for v in (p.guardian.get("name"), p.guardian.get("relation"),
                                            p.guardian.get("phone")) if v)
        parties.add_row(name("party", p.role), p.name, p.id_number or "", p.phone or "",
                        p.address or "", guardian)
    out.print(parties)
    lines: list[str] = []
    for m in view.mediators:
        label = _("lead mediator") if m["lead"] else _("co-mediator")
        lines.append(_("Mediator: {name} ({user}), {label}", name=m["name"], user=m["username"],
                       label=label))
    for s in view.sessions:
        lines.append(_("Session {no}, {time}: {minutes}", no=s["no"],
                       time=local_time(s["held_at"]), minutes=s["minutes"]))
    for a in view.agreements:
        status = _("superseded") if a.superseded_at else (
            _("in effect") if a.effective_at else _("not yet in effect"))
        lines.append(_("Agreement v{version} ({form}, {status}): {terms}", version=a.version,
                       form=name("form", a.form), status=status, terms=a.terms))
        if a.amount or a.due:
            lines.append(_("    amount {amount} yuan, due {due}", amount=a.amount or "-",
                           due=a.due or "-"))
    for e in view.extensions:
        lines.append(_("Extension: {days} more days, to {deadline} ({reason})", days=e["days"],
                       deadline=local_time(e["new_deadline"]), reason=e["reason"]))
    for j in view.judicial_confirmations:
        lines.append(_("Judicial confirmation: {court}, filed {filed}, {result}",
                       court=j["court"], filed=j["filed_on"],
                       result=name("judicial", j["result"])))
    for f in view.follow_ups:
        lines.append(_("Follow-up {time}: performance {performance}, {satisfaction}. {note}",
                       time=local_time(f["visited_at"]),
                       performance=name("performance", f["performance"])
                       if f["performance"] else "-",
                       satisfaction=name("satisfaction", f["satisfaction"]),
                       note=f["note"] or ""))
    for pr in view.preventions:
        lines.append(_("Escalation prevented: {kind}, {persons} persons",
                       kind=name("prevention", pr["kind"]), persons=pr["persons"]))
    for line in lines:
        out.print(line.rstrip(), markup=False)


def history(rows: list[EventView], *, as_json: bool) -> None:
    """A case's history: one JSON document, or the timeline for people."""
    if as_json:
        emit_json([r.model_dump() for r in rows])
        return
    timeline(rows, with_case=False)


# The vocabulary (catalogue kind) of a field's value; where a key is used by two vocabularies
# (a party's role, a staff member's role) the first with a name for the value wins.
_VALUE_KINDS: dict[str, tuple[str, ...]] = {
    "state": ("state",), "source": ("source",), "role": ("party", "role"),
    "decline_reason": ("decline",), "termination_reason": ("terminate",),
    "risk_level": ("risk",), "kind": ("kind", "prevention"), "sex": ("sex",),
    "form": ("form",), "result": ("judicial",), "judicial": ("judicial",),
    "performance": ("performance",), "satisfaction": ("satisfaction",),
    "conclusion": ("conclusion",), "id_type": ("id_type",), "why": ("why",),
    "reason": ("decline", "terminate"),
}
# Field names of nested records (an agreement, a session, a party...), shown translated.
FIELDS = (N_("field.attendees"), N_("field.court"), N_("field.decided_on"), N_("field.due"),
          N_("field.effective_at"), N_("field.filed_on"), N_("field.form"),
          N_("field.id_number"), N_("field.kind"), N_("field.lawsuit"), N_("field.minutes"),
          N_("field.no"), N_("field.note"), N_("field.performance"), N_("field.persons"),
          N_("field.phone"), N_("field.place"), N_("field.result"), N_("field.satisfaction"),
          N_("field.terms"), N_("field.version"), N_("field.sex"), N_("field.address"),
          N_("field.ethnicity"), N_("field.guardian"), N_("field.relation"),
          N_("field.id_type"), N_("field.visited_at"), N_("field.held_at"),
          N_("field.risk_level"), N_("field.days"), N_("field.reason"),
          N_("field.new_deadline"), N_("conclusion.agreement"), N_("conclusion.termination"),
          N_("why.wrong_password"), N_("why.unknown_user"), N_("why.disabled"),
          N_("why.no_password"), N_("why.locked"), N_("role.unknown"),
          N_("token_kind.session"), N_("token_kind.api"), N_("token_status.valid"),
          N_("token_status.revoked"), N_("token_status.expired"))


def _code_name(value: str, key: str) -> str:
    for kind in _VALUE_KINDS.get(key, ()):
        shown = name(kind, value)
        if shown != value:
            return shown
    return value


def _value(value: Any, key: str) -> str:
    """A field's value for people: codes by their names, times local, records as
    ``name: value`` pairs with translated field names."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and key in _VALUE_KINDS:
        return _code_name(value, key)
    if isinstance(value, str) and len(value) == 20 and value.endswith("Z") and "T" in value:
        return local_time(value)
    if isinstance(value, dict):
        sep = "，" if get_language() == "zh" else ", "
        return sep.join(_("{field}: {value}", field=name("field", k), value=_value(v, k))
                        for k, v in value.items() if v is not None)
    if isinstance(value, list):
        parts = [_value(v, key) for v in value]
        return ("；" if get_language() == "zh" else "; ").join(
            f"[{p}]" if isinstance(v, dict) else p for p, v in zip(parts, value, strict=True))
    return str(value)


def timeline(rows: list[EventView], *, with_case: bool) -> None:
    """Per event: who did what when (and to which case), why, and each field before → after."""
    out = console()
    for e in rows:
        move = ""
        if e.from_state or e.to_state:
            a = name("state", e.from_state) if e.from_state else ""
            b = name("state", e.to_state) if e.to_state else ""
            move = b if a == b else f"{a} → {b}".strip(" →")
        head = _("#{seq} {time} {actor} ({role}) {action} {move}", seq=e.seq,
                 time=local_time(e.at), actor=e.actor, role=name("role", e.role),
                 action=name("trigger", e.action), move=move).rstrip()
        if with_case and e.case:
            head = _("{line} [case {case}]", line=head, case=e.case)
        out.print(head, markup=False, style="bold")
        if e.reason:
            out.print("    " + _("reason: {reason}", reason=_code_name(e.reason, "reason")),
                      markup=False)
        for key, change in e.changes.items():
            if isinstance(change, list) and len(change) == 2:
                before, after = change
                line = _("{field}: {before} → {after}", field=name("field", key),
                         before=_value(before, key), after=_value(after, key))
            else:
                line = _("{field}: {value}", field=name("field", key), value=_value(change, key))
            out.print("    " + line, markup=False)


def duplicates(matches: list[dict[str, Any]], new: dict[str, Any]) -> None:
    """The new record and the cases it resembles, side by side (on stderr)."""
    from rich.table import Table

    table = Table(title=_("Probable duplicates"))
    for header in (_("Number"), _("State"), _("Category"), _("Applicants"), _("Respondents"),
                   _("Registered"), _("Why")):
        table.add_column(header, overflow="fold")
    table.add_row(_("(new)"), "", category_name(str(new["category"])),
                  "、".join(new["applicants"]), "、".join(new["respondents"]), "", "",
                  end_section=True)
    for m in matches:
        table.add_row(str(m["number"]), name("state", str(m["state"])),
                      category_name(str(m["category"])), "、".join(m["applicants"]),
                      "、".join(m["respondents"]), local_time(m["registered_at"]),
                      name("duplicate", str(m["match"])))
    console(stderr=True).print(table)


def one_time_code(result: dict[str, Any]) -> None:
    """The one-time code an account was given (stdout), if it was given one."""
    if not result.get("one_time_code"):
        return
    sys.stdout.write(_("One-time code for {user}: {code} (valid until {time}). Hand it to them "
                       "in person: they sign in with it once and then choose their own "
                       "password.", user=result["username"], code=result["one_time_code"],
                       time=local_time(result["code_expires_at"])) + "\n")


def admin_notices(rows: list[dict[str, Any]]) -> None:
    """What the district administrator did in the committee since the director last signed in
    (stderr), and accounts that signed in for the first time with a one-time code."""
    for r in rows:
        if r["first_sign_in"]:
            text = _("Notice: {user} signed in with a one-time code and chose a password on "
                     "{time}.", user=r["username"] or "-", time=local_time(r["at"]))
        else:
            text = _("Notice: the district administrator {admin} did \"{act}\" ({user}) on "
                     "{time}.", admin=r["actor"], act=name("trigger", r["action"]),
                     user=r["username"] or "-", time=local_time(r["at"]))
        sys.stderr.write(text + "\n")


def committee_created(result: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        emit_json(result)
        return
    out(_("Committee {name} created; {user} is its {role}.", name=result["name"],
                       user=result["director"], role=name("role", result["role"])) + "\n")


def staff(rows: list[dict[str, Any]], *, as_json: bool) -> None:
    if as_json:
        emit_json(rows)
        return
    from rich.table import Table

    table = Table()
    for header in (_("User"), _("Name"), _("Role"), _("Active")):
        table.add_column(header)
    for r in rows:
        table.add_row(r["username"], r["name"], name("role", r["role"]),
                      _("yes") if r["active"] else _("no"))
    console().print(table)

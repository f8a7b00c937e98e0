"""Timelines of events (``case history``, ``audit log``, ``audit case``): who did what when,
why, and each field before → after, with codes by their names and times local."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from cli import tables
from cli.lines import emit, joined, keep, keep_value, words_kept
from cli.output import category_name, emit_json, local_time
from mediation.core import clock, money
from mediation.core.i18n import N_, Shown, _, get_language, name
from mediation.core.vocab import STAFF_FIELDS

if TYPE_CHECKING:
    from mediation.tables import EventView


def history(rows: list[EventView], *, as_json: bool, fmt: str | None = None,
            since: date | None = None) -> None:
    """A case's history: the timeline on a terminal, TSV rows in a pipe, CSV or JSON; with
    ``since`` the events recorded from that local day on (as ``audit log --since`` counts), and
    none of them said as what helps: the day of the latest, an earlier --since or none (issue
    14, a clerk's trial: case history 1 --since 昨天 was offered --json)."""
    empty = None
    if since is not None:
        start = clock.iso(clock.start_of_local_day_utc(since)) or ""
        kept, rows = rows, [e for e in rows if (e.at or "") >= start]
        if not rows and kept:
            empty = _("Nothing since {day} (latest {last}): give an earlier --since or omit it",
                      day=since.isoformat(), last=local_time(kept[-1].at)[:10])
    events(rows, fmt=fmt, as_json=as_json, with_case=False, empty=empty)


# The vocabulary (catalogue kind) of a field's value; where a key is used by two vocabularies
# (a party's role, a staff member's role) the first with a name for the value wins.
_VALUE_KINDS: dict[str, tuple[str, ...]] = {
    "state": ("state",), "source": ("source",), "role": ("party", "role"),
    "decline_reason": ("decline",), "termination_reason": ("terminate",),
    "risk_level": ("risk",), "kind": ("kind", "prevention"), "sex": ("sex",),
    "form": ("form",), "result": ("judicial",), "judicial": ("judicial",),
    "performance": ("performance",), "satisfaction": ("satisfaction",),
    "conclusion": ("conclusion",), "id_type": ("id_type",), "why": ("why",),
    "reason": ("decline", "terminate", "dismiss", "reason"),
    "status": ("lead_status", "token_status"), "risk": ("risk",), "match": ("duplicate",),
    "via": ("via",), "fields": ("field",), "channel": ("channel",), "to": ("recipient",),
    "relation": ("relation",),
}
# Fields holding the instant a period is over: shown as its last day (Calendar.last_day_of).
DEADLINES = frozenset({"deadline", "new_deadline"})
# Fields holding an amount in yuan: written by money.shown, as everywhere else.
MONEY = frozenset({"amount", "amount_yuan", "paid", "agreement_amount"})
# Names of the values above that no other vocabulary names: reasons the system records itself,
# how a duplicate was met, a revealed field, the documents printed.
NAMES = (N_("reason.print"), N_("reason.forced: probable duplicate"), N_("via.intake"),
         N_("via.import"), N_("field.birth_date"), N_("document.cover"),
         N_("document.contents"), N_("document.application"), N_("document.oral_application"),
         N_("document.registration"), N_("document.decline"), N_("document.rights"),
         N_("document.investigation"), N_("document.session"), N_("document.agreement"),
         N_("document.oral"), N_("document.termination"), N_("document.visit"))
# Field names of nested records (an agreement, a session, a party...), shown translated.
FIELDS = (N_("field.after_closing"), N_("field.attendees"), N_("field.court"),
          N_("field.decided_on"), N_("field.due"),
          N_("field.effective_at"), N_("field.filed_on"), N_("field.form"),
          N_("field.id_number"), N_("field.kind"), N_("field.lawsuit"), N_("field.minutes"),
          N_("field.no"), N_("field.note"), N_("field.performance"), N_("field.persons"),
          N_("field.phone"), N_("field.place"), N_("field.result"), N_("field.satisfaction"),
          N_("field.terms"), N_("field.version"), N_("field.sex"), N_("field.address"),
          N_("field.ethnicity"), N_("field.guardian"), N_("field.relation"),
          N_("field.representative"), N_("field.title"),
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


# A clause's own closing punctuation (a note typed ending with 。), before the marks of a value
# kept whole: dropped where the timeline's separator follows it, so no 。； or 。，is shown.
_CLOSING = re.compile("[。．.；;，,、\\s]+(?=[\ue000\ue001]*$)")


def clauses(parts: Iterable[str], sep: str) -> str:
    """THE one join of a timeline's clauses (the fields of a record, the items of a list, the
    changes of an event): each part's own closing punctuation dropped before ``sep``, so a
    value typed with a full stop is not followed by a second mark."""
    items = list(parts)
    return sep.join([_CLOSING.sub("", p) for p in items[:-1]] + items[-1:])


def _document(key: str) -> str:
    """A printed document by its key (``agreement-1``, ``cover``): documentkinds.shown_key."""
    from mediation.core.documentkinds import shown_key

    return shown_key(key)


def _value(value: Any, key: str, kept: bool = False, staff: Mapping[str, str] = {}) -> str:
    """A field's value for people: codes by their names, staff by display name (``staff``,
    EventView.staff), times local, records as ``name: value`` pairs with translated field
    names. ``kept``: each single value marked to be kept whole on a wrapped line
    (lines.keep_short), the record around it free to break."""
    mark = keep_value if kept else str
    if value is None:
        return "—"
    if isinstance(value, str) and key in STAFF_FIELDS and (
            key not in _VALUE_KINDS or staff.get(value, value) != value):  # a feedback's "to"
        # is a staff member (the lead's grid worker) or not (a recipient code, a party)
        return mark(staff.get(value, value))
    if isinstance(value, bool):
        return mark(_("yes") if value else _("no"))
    if isinstance(value, str) and key in _VALUE_KINDS:
        return mark(_code_name(value, key))
    if isinstance(value, str) and key == "category":
        return mark(category_name(value))
    if isinstance(value, str) and key in ("documents", "document"):
        return mark(_document(value))
    if isinstance(value, str) and len(value) == 20 and value.endswith("Z") and "T" in value:
        if key in DEADLINES:  # the period's last day, as case show shows it
            last = clock.calendar().last_day_of(datetime.fromisoformat(value[:19]))
            return mark(last.isoformat())
        return mark(local_time(value))
    if isinstance(value, dict):
        sep = "，" if get_language() == "zh" else ", "
        if key in ("documents", "document") and "key" in value:  # a filed document's entry:
            value = {("document" if k == "key" else k): v for k, v in value.items()}  # 文书
        return clauses((_("{field}: {value}", field=mark(name("field", k)),
                          value=_joined(_nested(_value(v, k, kept, staff)) if isinstance(v, dict)
                                        else _value(v, k, kept, staff), kept))
                        for k, v in value.items()
                        if v is not None), sep)
    if key == "renumbered" and isinstance(value, list):  # sessions' numbers (steps_session)
        zh = get_language() == "zh"
        return clauses((mark(f"第{v}次" if zh else str(v)) for v in value), "、" if zh else ", ")
    if key == "corrected" and isinstance(value, list):  # a party's fields corrected, by name
        return clauses((mark(name("field", v)) for v in value),
                       "、" if get_language() == "zh" else ", ")
    if isinstance(value, list):
        parts = [_value(v, key, kept, staff) for v in value]
        return clauses((f"[{p}]" if isinstance(v, dict) else p
                        for p, v in zip(parts, value, strict=True)),
                       "；" if get_language() == "zh" else "; ")
    return mark(money.shown(value) if key in MONEY else str(value))


def _nested(text: str) -> str:
    """A record inside a record (a party's guardian) in brackets: （姓名：周某，关系：父母）."""
    return f"（{text}）" if get_language() == "zh" else f"({text})"


def _move(e: EventView) -> str:
    if not (e.from_state or e.to_state):
        return ""
    a = name("state", e.from_state) if e.from_state else ""
    b = name("state", e.to_state) if e.to_state else ""
    return b if a == b else f"{a} → {b}".strip(" →")


def _joined(text: str, kept: bool) -> Shown:
    """A labelled value: on a terminal its start kept on the label's line (lines.joined)."""
    return Shown(joined(text) if kept else text)


def _changes(e: EventView, kept: bool) -> list[str]:
    """Each field of the event: ``field: before → after`` (or ``field: value``); a
    correction's parties by what changed (:func:`_party_lines`)."""
    mark = keep if kept else str
    lines = []
    for key, change in e.changes.items():
        key, change = _as_shown(key, change)
        if key == "parties" and isinstance(change, list) and len(change) == 2 and all(
                isinstance(side, list) for side in change):
            lines += _party_lines(change[0], change[1], kept, e.staff)
        elif isinstance(change, list) and len(change) == 2 and change[0] != change[1]:
            before, after = change
            lines.append(_("{field}: {before} → {after}", field=mark(name("field", key)),
                           before=_joined(_value(before, key, kept, e.staff), kept),
                           after=Shown(mark(_("(none)")) if after is None  # removed: （无）
                                       else _value(after, key, kept, e.staff))))
        else:  # a value alone, or the same before and after (the user an event is about:
            # 用户名：李明, not 李明 → 李明; issue 14)
            if isinstance(change, list) and len(change) == 2 and change[0] == change[1]:
                change = change[0]
            lines.append(_("{field}: {value}", field=mark(name("field", key)),
                           value=_joined(_value(change, key, kept, e.staff), kept)))
    return lines


def _as_shown(key: str, change: Any) -> tuple[str, Any]:
    """A field the log holds in a stored unit shown as people read it: the case's amount, which
    an agreement's step records in fen (``amount_fen``: 500000), as 涉及金额（元） 5,000.00."""
    if key == "amount_fen":
        if isinstance(change, list):
            return "amount", [money.fen_to_yuan(v) if isinstance(v, int) else v for v in change]
        return "amount", money.fen_to_yuan(change) if isinstance(change, int) else change
    return key, change


def _party_lines(before: list[Any], after: list[Any], kept: bool,
                 staff: Mapping[str, str]) -> list[str]:
    """A correction's parties (mediation.party_changes): ``第2位当事人 电话：139****4321 →
    139****1111`` for each field changed, ``第2位当事人 已更正：民族`` for those the masked
    lists cannot show, a party added or removed whole."""
    from mediation.party_changes import party_changes

    mark = keep if kept else str
    lines = []
    for change in party_changes(before, after):
        party = _("party {n}", n=change.number)
        if change.party is not None:
            template = N_("{party} added: {value}") if change.kind == "added" else \
                N_("{party} removed: {value}")
            lines.append(_(template, party=mark(party), value=_joined(
                _value(change.party, "parties", kept, staff), kept)))
            continue
        for path, was, now in change.fields:
            label = _("{party} {field}", party=party, field=_(
                "{whose} {field}", whose=name("field", path[0]), field=name("field", path[1]))
                if len(path) > 1 else name("field", path[0]))
            lines.append(_("{field}: {before} → {after}", field=mark(label),
                           before=_joined(_value(was, path[-1], kept, staff), kept),
                           after=Shown(_value(now, path[-1], kept, staff))))
        if change.corrected:
            label = _("{party} {field}", party=party, field=name("field", "corrected"))
            lines.append(_("{field}: {value}", field=mark(label), value=_joined(
                _value(list(change.corrected), "corrected", kept, staff), kept)))
    return lines


def corrected(e: EventView) -> None:
    """What a correction (``case amend``) changed, one line per field, in the words of ``case
    history`` (:func:`_changes`, the same change record the event stores, masked as it shows
    it): ``已更正 履行期限：2026-12-10 → 2026-12-20``, a value removed ``→ （无）``; fitted to
    the terminal without splitting a value, one line each in a pipe."""
    with words_kept(e.names):
        for line in _changes(e, True):
            emit(_("corrected {change}", change=Shown(line)), indent="    ", first_indent="")


def event_columns() -> list[tables.Column]:
    return [tables.Column(h) for h in (
        _("Event"), _("Time"), _("Happened"), _("User"), _("Role"), _("Action"), _("State"),
        _("Case"), _("Reason"), _("Changes"))]


def event_rows(rows: list[EventView]) -> list[list[str]]:
    """One row per event (TSV, CSV): every field of the timeline (the time it happened when
    entered late), the changes joined."""
    sep = "；" if get_language() == "zh" else "; "
    return [[str(e.seq), local_time(e.at),
             local_time(e.occurred_at) if e.occurred_at and e.occurred_at != e.at
             else "", e.actor_name or e.actor, name("role", e.role),
             name("trigger", e.action), _move(e), e.case or "",
             _code_name(e.reason, "reason") if e.reason else "", clauses(_changes(e, False), sep)]
            for e in rows]


def events(rows: list[EventView], *, fmt: str | None, as_json: bool, with_case: bool,
           empty: str | None = None) -> str:
    """Events in the chosen format: the timeline on a terminal, one TSV row per event in a
    pipe, CSV with a header, or JSON. Returns the format chosen."""
    chosen = tables.output_format(fmt, as_json)
    if chosen == "json":
        emit_json([r.model_dump() for r in rows])
    else:
        if not rows and empty:
            tables.nothing(empty, chosen)
        if chosen == "table":
            timeline(rows, with_case=with_case)
        elif rows or chosen == "csv":
            tables.emit_rows(event_columns(), event_rows(rows), chosen)
    return chosen


def timeline(rows: list[EventView], *, with_case: bool) -> None:
    """Per event: who did what when (and to which case), why, and each field before → after;
    fitted to the terminal without splitting a value (cli.lines), unwrapped in a pipe."""
    for e in rows:
        head = _("#{seq} {time} {actor} ({role}) {action} {move}", seq=keep(e.seq),
                 time=keep(local_time(e.at)), actor=keep(e.actor_name or e.actor),
                 role=keep(name("role", e.role)), action=keep(name("trigger", e.action)),
                 move=keep(_move(e))).rstrip()
        if with_case and e.case:
            # [案件 (2026)龙人调字第8号] kept whole, label and all: a line breaks before it
            label = _("{line} [case {case}]", line="", case=e.case).strip()
            head = f"{head} {keep(label)}"
        emit(head, indent="    ", bold=True)
        if e.occurred_at and e.occurred_at != e.at:
            emit(_("happened: {time} (entered late)", time=joined(keep(local_time(
                e.occurred_at)))), indent="      ", first_indent="    ")
        with words_kept(e.names):  # a person's name in free text is never split either
            if e.reason:
                emit(_("reason: {reason}", reason=joined(keep_value(_code_name(e.reason,
                                                                               "reason")))),
                     indent="      ", first_indent="    ")
            for line in _changes(e, True):
                emit(line, indent="      ", first_indent="    ")

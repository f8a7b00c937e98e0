"""Timelines of events (``case history``, ``audit log``, ``audit case``): who did what when,
why, and each field before → after, with codes by their names and times local."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cli import render
from mediation.core.i18n import N_, _, get_language, name

if TYPE_CHECKING:
    from mediation.tables import EventView


def history(rows: list[EventView], *, as_json: bool) -> None:
    """A case's history: one JSON document, or the timeline for people."""
    if as_json:
        render.emit_json([r.model_dump() for r in rows])
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
    "reason": ("decline", "terminate", "reason"), "risk": ("risk",), "match": ("duplicate",),
    "via": ("via",), "fields": ("field",), "channel": ("channel",),
}
# Names of the values above that no other vocabulary names: reasons the system records itself,
# how a duplicate was met, a revealed field, the documents printed.
NAMES = (N_("reason.print"), N_("reason.forced: probable duplicate"), N_("via.intake"),
         N_("via.import"), N_("field.birth_date"), N_("document.cover"),
         N_("document.contents"), N_("document.application"), N_("document.oral_application"),
         N_("document.registration"), N_("document.decline"), N_("document.rights"),
         N_("document.investigation"), N_("document.session"), N_("document.agreement"),
         N_("document.oral"), N_("document.termination"), N_("document.visit"))
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


def _document(key: str) -> str:
    """A printed document by its key (``agreement-1``, ``cover``): its kind's name, and number."""
    kind, _sep, no = key.rpartition("-")
    if kind and no.isdigit():
        return _("{document} no. {no}", document=name("document", kind), no=no)
    return name("document", key)


def _value(value: Any, key: str) -> str:
    """A field's value for people: codes by their names, times local, records as
    ``name: value`` pairs with translated field names."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and key in _VALUE_KINDS:
        return _code_name(value, key)
    if isinstance(value, str) and key == "category":
        return render.category_name(value)
    if isinstance(value, str) and key in ("documents", "document"):
        return _document(value)
    if isinstance(value, str) and len(value) == 20 and value.endswith("Z") and "T" in value:
        return render.local_time(value)
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
    from cli.framework import wrap

    out = render.console()
    for e in rows:
        move = ""
        if e.from_state or e.to_state:
            a = name("state", e.from_state) if e.from_state else ""
            b = name("state", e.to_state) if e.to_state else ""
            move = b if a == b else f"{a} → {b}".strip(" →")
        head = _("#{seq} {time} {actor} ({role}) {action} {move}", seq=e.seq,
                 time=render.local_time(e.at), actor=e.actor, role=name("role", e.role),
                 action=name("trigger", e.action), move=move).rstrip()
        if with_case and e.case:
            head = _("{line} [case {case}]", line=head, case=e.case)
        out.print(head, markup=False, style="bold")
        if e.occurred_at and e.occurred_at != e.at:
            out.print("    " + _("happened: {time} (entered late)",
                                 time=render.local_time(e.occurred_at)), markup=False)
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
            for part in wrap(line, out.width, indent="      ", first_indent="    "):
                out.print(part, markup=False)

"""The guided intake: `mediation case new` at a terminal asks for each field in turn.

Each answer is checked as it is given (category code, ID number check digit, phone), so a mediator
fixes a typo on the spot instead of losing the whole form; the finished record is validated once
more by the same schema as a case.json file.
"""

from __future__ import annotations

from typing import Any

import typer

from mediation.cases import CaseIn
from mediation.core import categories, identity, normalise
from mediation.core.calendar import Calendar
from mediation.core.i18n import _, get_language, name
from mediation.core.vocab import IdType, PartyKind, PartyRole, Sex, Source


def _ask(label: str, **options: Any) -> str:
    """One prompt, on standard error so that standard output stays the command's result."""
    return str(typer.prompt(label, err=True, **options)).strip()


def _choose(label: str, kind: str, values: list[str], default: str | None = None) -> str:
    listing = "  ".join(f"{v}={name(kind, v)}" for v in values)
    while True:
        answer = _ask(f"{label} [{listing}]", default=default)
        if answer in values:
            return answer
        typer.echo(_("{value!r} is not allowed; allowed: {allowed}", value=answer,
                     allowed=", ".join(values)), err=True)


def _optional(label: str) -> str | None:
    answer = _ask(label, default="", show_default=False)
    return answer or None


def _category() -> str:
    lang = get_language()
    listing = "  ".join(f"{c.code}={c.name(lang)}" for c in categories.all_categories())
    typer.echo(listing, err=True)
    while True:
        code = normalise.fold(_ask(_("Category")))
        if categories.get(code):
            return code
        typer.echo(_("unknown category code"), err=True)


def _id_number() -> tuple[str | None, str | None]:
    while True:
        value = _optional(_("ID number (empty if none)"))
        if value is None:
            return None, None
        problem = identity.resident_id_problem(value)
        if problem is None:
            return IdType.resident_id, identity.normalise_resident_id(value)
        folded = identity.normalise_resident_id(value)
        if folded[:17].isdigit() or len(folded) == 18:
            typer.echo(_(problem), err=True)
            continue
        return IdType.other, value


def _phone() -> str | None:
    while True:
        value = _optional(_("Phone (empty if none)"))
        if value is None:
            return value
        try:
            return normalise.phone(value)
        except normalise.Unreadable as exc:
            typer.echo(exc.message.render(), err=True)


def _party(role: str) -> dict[str, Any]:
    typer.echo(f"— {name('party', role)} —", err=True)
    party: dict[str, Any] = {"role": role}
    party["kind"] = _choose(_("Kind"), "kind", [k.value for k in PartyKind], PartyKind.person)
    party["name"] = _ask(_("Name"))
    if party["kind"] == PartyKind.person:
        party["sex"] = _choose(_("Sex"), "sex", [s.value for s in Sex])
        party["ethnicity"] = _optional(_("Ethnicity (empty if unknown)"))
    party["id_type"], party["id_number"] = _id_number()
    party["phone"] = _phone()
    party["address"] = _optional(_("Address or work unit (empty if unknown)"))
    guardian = _optional(_("Guardian's name (for a minor; empty if none)"))
    if guardian:
        party["guardian"] = {"name": guardian, "relation": _optional(_("Relation")),
                             "phone": _phone()}
    return {k: v for k, v in party.items() if v is not None}


def guided_intake(calendar: Calendar | None = None) -> CaseIn:
    """Ask for a case at the terminal; dates are read on ``calendar`` (the committee's)."""
    from mediation.intake import parse_case

    record: dict[str, Any] = {
        "category": _category(),
        "source": _choose(_("Source"), "source", [s.value for s in Source],
                          Source.application),
    }
    if record["source"] not in (Source.application, Source.proactive, Source.grid):
        record["referral_ref"] = _ask(_("Referral reference"))
    record["summary"] = _ask(_("Facts"))
    record["requests"] = _ask(_("Requests"))
    parties = [_party(PartyRole.applicant), _party(PartyRole.respondent)]
    while typer.confirm(_("Add another party?"), default=False, err=True):
        role = _choose(_("Role"), "party", [r.value for r in PartyRole])
        parties.append(_party(role))
    record["parties"] = parties
    return parse_case(record, origin=_("intake"), calendar=calendar)

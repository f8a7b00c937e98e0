"""The guided intake: `mediation case new` at a terminal asks for each field in turn.

Each answer is checked as it is given (category, ID number check digit, phone, amount, time), so a
clerk fixes a typo on the spot instead of losing the whole form; a minor's guardian is asked for
as soon as the ID number shows the party is a minor. Before anything is written the whole record is
shown, to confirm or to go back to any field. Choices are listed by their names (Chinese under
zh) and taken as a code or a name. Prompts are on standard error, so that standard output stays
the command's result; the framework's own prompt messages are never used (every error is ours,
in the user's language).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from cli import render
from mediation.cases import CaseIn
from mediation.core import categories, choices, identity, normalise
from mediation.core.calendar import Calendar
from mediation.core.i18n import _, get_language, name
from mediation.core.vocab import IdType, PartyKind, PartyRole, RiskLevel, Source


def _say(text: str) -> None:
    render.err(text + "\n")


def _listing(items: list[str]) -> None:
    """Choices as lines that fit the terminal, never splitting one choice."""
    import shutil

    from cli.lines import width

    columns = max(shutil.get_terminal_size().columns, 40)
    line = ""
    for item in items:
        if line and width(line) + 2 + width(item) > columns:
            _say(line)
            line = ""
        line = f"{line}  {item}" if line else item
    if line:
        _say(line)


def _ask(label: str, default: str | None = None) -> str:
    """One answer (stripped); ``default`` is shown in brackets and taken on an empty answer."""
    import sys

    shown = f"{label} [{default}]" if default else label
    render.err(shown + ": ")
    sys.stderr.flush()
    line = sys.stdin.readline()  # not the framework's prompt: it writes to standard output
    if not line:
        raise typer.Abort()  # end of input: cancelled, nothing written
    return line.strip() or (default or "")


def yes(label: str, default: bool = False) -> bool:
    """A yes/no question; y, yes, 是, 对 or n, no, 否, 不 (asked again otherwise)."""
    hint = _("Y/n") if default else _("y/N")
    while True:
        answer = choices.fold(_ask(f"{label} ({hint})"))
        if not answer:
            return default
        if answer in {"y", "yes", "是", "对", "好", "确认"}:
            return True
        if answer in {"n", "no", "否", "不", "不是"}:
            return False
        _say(_("answer y (yes) or n (no)"))


def _choose(label: str, kind: str, values: list[str], default: str | None = None) -> str:
    """One of ``values``, listed by name; the code, the name (either language) or its number."""
    _listing([f"{i}={choices.label(kind, v)}" for i, v in enumerate(values, 1)])
    while True:
        answer = _ask(label, choices.label(kind, default) if default else None)
        if answer.isdigit() and 1 <= int(answer) <= len(values):
            return values[int(answer) - 1]
        try:
            return choices.parse(kind, answer, values)
        except choices.ChoiceError as exc:
            _say(exc.message.render())


def _optional(label: str) -> str | None:
    return _ask(label) or None


def _required(label: str) -> str:
    while True:
        answer = _ask(label)
        if answer:
            return answer
        _say(_("this is required"))


def _category() -> str:
    lang = get_language()
    _listing([f"{c.code}={c.name(lang)}" for c in categories.all_categories()])
    while True:
        try:
            return choices.category(_ask(_("Category (code or name)")))
        except choices.ChoiceError:
            _say(_("unknown category: give a code above (2 for 02) or its name"))


def _amount() -> str | None:
    while True:
        value = _optional(_("Amount involved in yuan (empty if none)"))
        if value is None:
            return None
        text = normalise.fold(value).replace(",", "").removesuffix("元")
        try:
            from decimal import Decimal, InvalidOperation

            amount = Decimal(text)
            if amount >= 0 and amount.is_finite():
                return str(amount)
        except InvalidOperation:
            pass
        _say(_("{value} is not an amount: write a number of yuan, e.g. 1500 or 1500.50",
               value=value))


def _discovered(calendar: Calendar | None) -> str | None:
    """When the dispute was found: empty for now, else a date and time of the committee's zone
    (in any form ``normalise.datetime_text`` reads), not in the future."""
    from datetime import datetime

    from mediation.core import periods
    from mediation.core.calendar import DEFAULT
    from mediation.core.clock import utcnow
    from mediation.core.errors import InvalidInput

    while True:
        value = _optional(_("When was the dispute found? (e.g. 2026-11-28 09:30; empty: now)"))
        if value is None:
            return None
        today = (calendar or DEFAULT).local_date(utcnow())
        try:
            when = datetime.fromisoformat(normalise.datetime_text(
                periods.with_year(value, today=today)))
        except (ValueError, InvalidInput):  # normalise.Unreadable is a ValueError
            _say(_("{value} is not a date or a date and time: write 2026-11-28 or "
                   "2026-11-28 15:00", value=value))
            continue
        if calendar is not None and when.tzinfo is None and \
                calendar.to_utc(when) > utcnow():
            _say(_("that is in the future: give the time the dispute was found, at the "
                   "latest now"))
            continue
        return when.isoformat()


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
            _say(_(problem))
            continue
        return IdType.other, value


def _phone(label: str | None = None) -> str | None:
    while True:
        value = _optional(label or _("Phone (empty if none)"))
        if value is None:
            return value
        try:
            return normalise.phone(value)
        except normalise.Unreadable as exc:
            _say(exc.message.render())


def _guardian(required: bool) -> dict[str, Any] | None:
    guardian: str | None
    if required:
        _say(_("This party is a minor: a minor takes part through a guardian."))
        guardian = _required(_("Guardian's name"))
    else:
        guardian = _optional(_("Guardian's name (for a minor; empty if none)"))
    if not guardian:
        return None
    return {"name": guardian, "relation": _optional(_("Guardian's relation to the party")),
            "phone": _phone(_("Guardian's phone (empty if none)"))}


def _is_minor(party: dict[str, Any], calendar: Calendar | None) -> bool:
    from mediation.cases import PartyIn
    from mediation.intake import validation_context

    if party.get("kind") != PartyKind.person or party.get("id_type") != IdType.resident_id:
        return False
    try:
        PartyIn.model_validate(party, context=validation_context(calendar))
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        return "guardian" in str(exc)
    return False


def _party(role: str, calendar: Calendar | None) -> dict[str, Any]:
    _say(f"— {name('party', role)} —")
    party: dict[str, Any] = {"role": role}
    party["kind"] = _choose(_("Kind"), "kind", [k.value for k in PartyKind], PartyKind.person)
    party["name"] = _required(_("Name"))
    if party["kind"] == PartyKind.person:
        party["sex"] = _choose(_("Sex"), "sex", ["male", "female"])
        party["ethnicity"] = _optional(_("Ethnicity (empty if unknown)"))
    party["id_type"], party["id_number"] = _id_number()
    if _is_minor(party, calendar):  # asked now, not refused at the end
        party["guardian"] = _guardian(required=True)
    party["phone"] = _phone()
    party["address"] = _optional(_("Address or work unit (empty if unknown)"))
    if "guardian" not in party and party["kind"] == PartyKind.person:
        party["guardian"] = _guardian(required=False)
    return {k: v for k, v in party.items() if v is not None}


def _party_line(p: dict[str, Any]) -> str:
    parts = [name("kind", p["kind"]), p["name"]]
    if p.get("sex"):
        parts.append(name("sex", p["sex"]))
    if p.get("id_number"):
        parts.append((identity.mask_id(p["id_number"]) or "") if p.get("id_type") ==
                     IdType.resident_id else p["id_number"])
    if p.get("phone"):
        parts.append(identity.mask_phone(p["phone"]) or "")
    if p.get("address"):
        parts.append(p["address"])
    if p.get("guardian"):
        parts.append(_("guardian {name}", name=p["guardian"]["name"]))
    return "，".join(parts) if get_language() == "zh" else ", ".join(parts)


class Form:
    """The record being entered: each field with its label, how it is shown and asked."""

    # The record's key each of the first fields of :meth:`fields` sets, in the same order.
    KEYS = ("category", "source", "summary", "requests", "amount", "discovered_at", "risk_level")

    def __init__(self, calendar: Calendar | None,
                 prefill: dict[str, Any] | None = None) -> None:
        self.calendar = calendar
        # What is known already (a grid lead taken as a case: source, when found, risk, what
        # was seen): not asked again, shown in the summary to confirm or change.
        self.record: dict[str, Any] = dict(prefill or {})
        self.parties: list[dict[str, Any]] = []

    def fields(self) -> list[tuple[str, Callable[[], str], Callable[[], None]]]:
        r = self.record
        rows: list[tuple[str, Callable[[], str], Callable[[], None]]] = [
            (_("Category"), lambda: render.category_name(r["category"]), self.ask_category),
            (_("Source"), lambda: name("source", r["source"]) + (
                f" ({r['referral_ref']})" if r.get("referral_ref") else ""), self.ask_source),
            (_("Facts"), lambda: r["summary"], self.ask_summary),
            (_("Requests"), lambda: r["requests"], self.ask_requests),
            (_("Amount (yuan)"), lambda: r.get("amount") or "—", self.ask_amount),
            (_("Discovered"), lambda: r.get("discovered_at") or _("now"), self.ask_discovered),
            (_("Risk level"), lambda: name("risk", r["risk_level"]), self.ask_risk),
        ]
        for i, p in enumerate(self.parties):
            rows.append((name("party", p["role"]), self._show_party(p), self._ask_party(i)))
        return rows

    @staticmethod
    def _show_party(p: dict[str, Any]) -> Callable[[], str]:
        return lambda: _party_line(p)

    def _ask_party(self, i: int) -> Callable[[], None]:
        return lambda: self.ask_party(i)

    def ask_category(self) -> None:
        self.record["category"] = _category()

    def ask_source(self) -> None:
        source = _choose(_("Source"), "source", [s.value for s in Source], Source.application)
        self.record["source"] = source
        self.record.pop("referral_ref", None)
        if source not in (Source.application, Source.proactive, Source.grid):
            self.record["referral_ref"] = _required(_("Referral reference"))

    def ask_summary(self) -> None:
        self.record["summary"] = _required(_("Facts"))

    def ask_requests(self) -> None:
        self.record["requests"] = _required(_("Requests"))

    def ask_amount(self) -> None:
        self.record["amount"] = _amount()

    def ask_discovered(self) -> None:
        self.record["discovered_at"] = _discovered(self.calendar)

    def ask_risk(self) -> None:
        self.record["risk_level"] = _choose(_("Risk level"), "risk",
                                            [v.value for v in RiskLevel], RiskLevel.low)

    def ask_party(self, i: int) -> None:
        self.parties[i] = _party(self.parties[i]["role"], self.calendar)

    def fill(self) -> None:
        for key, (_label, _show, ask) in zip(self.KEYS, self.fields(), strict=False):
            if key not in self.record:
                ask()
        self.parties = [_party(PartyRole.applicant, self.calendar),
                        _party(PartyRole.respondent, self.calendar)]
        while yes(_("Add another party?")):
            role = _choose(_("Role"), "party", [r.value for r in PartyRole])
            self.parties.append(_party(role, self.calendar))

    def summary(self) -> None:
        _say("")
        _say(_("Please check what was entered:"))
        for i, (label, show, _ask_again) in enumerate(self.fields(), 1):
            _say(f"{i:>3}. {label}：{show()}" if get_language() == "zh"
                 else f"{i:>3}. {label}: {show()}")

    def confirmed(self) -> bool:
        """Summary, then register (y), change field N (its number) or cancel (n)."""
        while True:
            self.summary()
            fields = self.fields()
            answer = choices.fold(_ask(_("Register it? y: yes; a number: change that field; "
                                         "n: cancel"), "y"))
            if answer in {"y", "yes", "是", "对", "好", "确认"}:
                return True
            if answer in {"n", "no", "否", "不", "取消", "q"}:
                return False
            if answer.isdigit() and 1 <= int(answer) <= len(fields):
                fields[int(answer) - 1][2]()
                continue
            _say(_("answer y, n or a field's number (1 to {n})", n=len(fields)))

    def data(self) -> dict[str, Any]:
        record = {k: v for k, v in self.record.items() if v is not None}
        return {**record, "parties": self.parties}


def guided_intake(calendar: Calendar | None = None,
                  prefill: dict[str, Any] | None = None) -> CaseIn:
    """Ask for a case at the terminal; dates are read on ``calendar`` (the committee's). Raises
    typer.Abort (nothing written) when the clerk cancels at the summary. ``prefill``: fields
    known already (``lead accept``: leads.intake_prefill), not asked but shown to confirm."""
    from mediation.core.errors import InvalidInput
    from mediation.intake import parse_case

    form = Form(calendar, prefill)
    form.fill()
    while True:
        if not form.confirmed():
            raise typer.Abort()
        try:
            return parse_case(form.data(), origin=_("intake"), calendar=calendar)
        except InvalidInput as exc:  # a rule across fields: say it, and back to the summary
            _say(exc.render())

"""The guided intake: `mediation case new` at a terminal asks for each field in turn.

Each answer is checked as it is given (category, ID number check digit, a sex the ID number
contradicts, phone, amount, time), so a clerk fixes a typo on the spot instead of losing the whole
form; a guardian is asked for only when the party needs one (cli/party_prompts.py). Before
anything is written the whole record is shown, to confirm or to go back to any field. Choices are
listed by their names (Chinese under zh) and taken as a code or a name; the questions themselves
are in cli/asking.py. Interrupted, ``case new`` keeps what was typed in a draft and offers to
continue it next time (cli/intake_draft.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from cli import party_prompts, render
from cli.asking import NO, YES, Refused, answer, ask, choose, listing, review, say, yes
from mediation.cases import CaseIn
from mediation.core import categories, choices, fields, normalise
from mediation.core.calendar import Calendar
from mediation.core.i18n import _, get_language, name
from mediation.core.vocab import PartyRole, RiskLevel, Source

if TYPE_CHECKING:
    from cli.intake_draft import Draft

__all__ = ["Form", "guided_intake", "guided_registration", "yes"]
R = TypeVar("R")


def _category_rule(value: str) -> str:
    try:
        return choices.category(value)
    except choices.ChoiceError:  # every code and name would fill the screen: listed above
        raise Refused(_("unknown category: give a code above (2 for 02) or its name")) from None


def _category(default: str | None = None) -> str:
    lang = get_language()
    listing([f"{c.code}={c.name(lang)}" for c in categories.all_categories()])
    return answer(_("Category (code or name)"), _category_rule, default, needed=True) or ""


def _amount(default: str | None = None) -> str | None:
    """The amount involved, by the rule of ``case new --file``'s (fields.amount: at most two
    decimals, within the bound), refused at the question."""
    return answer(_("Amount involved in yuan (empty if none)"), fields.amount_text, default)


def _moment(question: str, future: str, calendar: Calendar | None, *,
            times: bool = True, default: str | None = None,
            check: Callable[[str], str | None] | None = None) -> str | None:
    """A date or a date and time of the committee's zone (in every form mediation.core.moments
    reads: 11-28, 2026年11月28日 9:30, 昨天 下午3点), not in the future, as ISO
    text; empty: None (now). ``times``: a date alone stays a date (``case new --at``'s rule),
    else it is that day's 00:00. ``default``: the answer given before (a correction at the
    summary: Enter keeps it); ``check``: what is wrong with an answer against the others (said
    at once, naming the question, and asked again), or None."""
    from datetime import datetime

    from mediation.core import moments
    from mediation.core.calendar import DEFAULT
    from mediation.core.clock import utcnow

    cal = calendar or DEFAULT

    def rule(value: str) -> str:
        if value == default:
            return value
        try:
            found = moments.parse(value, today=cal.local_date(utcnow()))
        except moments.Unreadable as exc:
            raise Refused(exc.message.render()) from None
        timed = isinstance(found, datetime)
        when = found if isinstance(found, datetime) else datetime(found.year, found.month,
                                                                   found.day)
        if when.tzinfo is None and (cal.to_utc(when) > utcnow() if timed or times
                                    else when.date() > cal.local_date(utcnow())):
            raise Refused(future)
        answer_ = when.isoformat() if timed or times else when.date().isoformat()
        if check is not None and (wrong := check(answer_)) is not None:
            raise Refused(wrong)
        return answer_

    return answer(question, rule, default, render.local_time(default) if default else None)


def _before(registered: str | None, discovered: str | None) -> bool:
    """Whether a registration time (a date, or a date and time, as answered) is earlier than
    the discovery time: a date alone is earlier only when its day is."""
    if not registered or not discovered:
        return False
    if "T" not in registered:
        return registered < discovered[:10]
    return datetime.fromisoformat(registered) < datetime.fromisoformat(discovered)


def _discovered(calendar: Calendar | None, default: str | None = None,
                registered: str | None = None) -> str | None:
    """When the dispute was found: empty for now, else a date and time (:func:`_moment`), not
    after the registration time when one was answered."""
    return _moment(_("When was the dispute found? (e.g. 2026-11-28 09:30; empty: now)"),
                   _("that is in the future: give the time the dispute was found, at the "
                     "latest now"), calendar, default=default,
                   check=lambda a: _("the dispute cannot have been found after the case was "
                                     "registered ({registered}): give the time it was found",
                                     registered=render.local_time(registered))
                   if _before(registered, a) else None)


def _registered(calendar: Calendar | None, default: str | None = None,
                discovered: str | None = None) -> str | None:
    """When the case was registered (``case new --at``, 补录: the dispute came yesterday):
    empty for now, else a date or a date and time (:func:`_moment`), not in the future and not
    before the dispute was found (said at the question, asked again)."""
    return _moment(_("When was the case registered? (e.g. 11-28 or 2026-11-28 09:30; "
                     "empty: now)"),
                   _("that is in the future: give the time the case was registered, at the "
                     "latest now"), calendar, times=False, default=default,
                   check=lambda a: _("the case cannot be registered before the dispute was "
                                     "found ({discovered}): give the registration time again",
                                     discovered=render.local_time(discovered))
                   if _before(a, discovered) else None)


class Form:
    """The record being entered: each field with its label, how it is shown and asked."""

    # The record's key each of the first fields of :meth:`fields` sets, in the same order.
    KEYS = ("category", "source", "summary", "requests", "amount", "discovered_at", "risk_level")

    def __init__(self, calendar: Calendar | None,
                 prefill: dict[str, Any] | None = None, *, registering: bool = False) -> None:
        self.calendar = calendar
        # ``case new`` without --at: when the case was registered is asked too (补录)
        self.registering = registering
        # What is known already (a grid lead taken as a case: source, when found, risk, what
        # was seen): not asked again, shown in the summary to confirm or change.
        self.record: dict[str, Any] = dict(prefill or {})
        self.parties: list[dict[str, Any]] = []
        # The party being entered, filled one answer at a time (kept in a draft when the
        # clerk is interrupted); it joins ``parties`` when complete.
        self.current: dict[str, Any] | None = None
        # Every question answered: the clerk is at the summary (a draft resumed lands there).
        self.reviewing = False
        self._prefilled = dict(self.record)

    def fields(self) -> list[tuple[str, Callable[[], str], Callable[[], None]]]:
        r = self.record
        rows: list[tuple[str, Callable[[], str], Callable[[], None]]] = [
            (_("Category"), lambda: render.category_name(r["category"]), self.ask_category),
            (_("Source"), lambda: name("source", r["source"]) + (  # brackets as choices.label
                (f"（{r['referral_ref']}）" if get_language() == "zh"
                 else f" ({r['referral_ref']})") if r.get("referral_ref") else ""),
             self.ask_source),
            (_("Facts"), lambda: r["summary"], self.ask_summary),
            (_("Requests"), lambda: r["requests"], self.ask_requests),
            (_("Amount (yuan)"), lambda: r.get("amount") or "—", self.ask_amount),
            (_("Discovered"), lambda: render.local_time(r.get("discovered_at")) or _("now"),
             self.ask_discovered),
            (_("Risk level"), lambda: name("risk", r["risk_level"]), self.ask_risk),
        ]
        if self.registering:
            rows.append((_("Registered"), lambda: render.local_time(r.get("registered_at"))
                         or _("now"), self.ask_registered))
        for i, p in enumerate(self.parties):
            rows.append((name("party", p["role"]), self._show_party(p), self._ask_party(i)))
        return rows

    @staticmethod
    def _show_party(p: dict[str, Any]) -> Callable[[], str]:
        return lambda: party_prompts.line(p)

    def _ask_party(self, i: int) -> Callable[[], None]:
        return lambda: self.ask_party(i)

    def ask_category(self) -> None:
        self.record["category"] = _category(self.record.get("category"))

    def ask_source(self) -> None:
        source = choose(_("Source"), "source", [s.value for s in Source], Source.application)
        ref = None
        if source not in (Source.application, Source.proactive, Source.grid):
            ref = answer(_("Referral reference"), normalise.fold,
                         self.record.get("referral_ref"), needed=True)
        self.record.pop("referral_ref", None)
        self.record.update({"source": source, **({"referral_ref": ref} if ref else {})})

    def ask_summary(self) -> None:
        self.record["summary"] = answer(_("Facts"), fields.long_text,
                                        self.record.get("summary"), needed=True)

    def ask_requests(self) -> None:
        self.record["requests"] = answer(_("Requests"), fields.long_text,
                                         self.record.get("requests"), needed=True)

    def ask_amount(self) -> None:
        self.record["amount"] = _amount(self.record.get("amount"))

    def ask_discovered(self) -> None:
        self.record["discovered_at"] = _discovered(
            self.calendar, self.record.get("discovered_at"), self.record.get("registered_at"))

    def ask_risk(self) -> None:
        self.record["risk_level"] = choose(_("Risk level"), "risk",
                                           [v.value for v in RiskLevel], RiskLevel.low)

    def ask_registered(self) -> None:
        """Never before the dispute was found: the time answered, or the grid lead's (the
        prefilled one, ``lead accept``), whichever is later (intake.new_case's rule)."""
        found = [t for t in (self.record.get("discovered_at"),
                             self._prefilled.get("discovered_at")) if t]
        latest = max(found, key=lambda t: datetime.fromisoformat(t)) if found else None
        self.record["registered_at"] = _registered(
            self.calendar, self.record.get("registered_at"), latest)

    def registered(self) -> date | None:
        """When the case is registered (a date, or a datetime of the committee's zone, as
        ``--at`` gives it), or None: now."""
        when = self.record.get("registered_at")
        if not when:
            return None
        return datetime.fromisoformat(when) if "T" in when else date.fromisoformat(when)

    def _nth(self, role: str, before: int) -> int:
        """Which party of its role the one at ``before`` is (第2位被申请人)."""
        return 1 + sum(1 for p in self.parties[:before] if p["role"] == role)

    def ask_party(self, i: int) -> None:
        was = self.parties[i]
        self.parties[i] = party_prompts.party(was["role"], self.calendar,
                                              n=self._nth(was["role"], i), current=was)

    def fill(self) -> None:
        """Ask what is not answered yet (all of it, unless a draft is continued): the case's
        fields, then the applicant, the respondent and any other parties; nothing when the
        clerk was at the summary already (a draft resumed there)."""
        if self.reviewing:
            return
        keys = (*self.KEYS, "registered_at") if self.registering else self.KEYS
        for key, (_label, _show, ask_field) in zip(keys, self.fields(), strict=False):
            if key not in self.record:
                ask_field()
        first = (PartyRole.applicant, PartyRole.respondent)
        while True:
            if self.current is not None:
                role = self.current["role"]
                self.parties.append(party_prompts.party(
                    role, self.calendar, self.current, n=self._nth(role, len(self.parties))))
                self.current = None
            if len(self.parties) < len(first):
                self.current = {"role": first[len(self.parties)]}
            elif yes(_("Add another party?")):
                self.current = {"role": choose(_("Role"), "party",
                                               [r.value for r in PartyRole])}
            else:
                self.reviewing = True
                return

    def state(self) -> dict[str, Any] | None:
        """What was typed so far, as the draft keeps it (cli/intake_draft.py), or None when
        nothing was."""
        if self.record == self._prefilled and not self.parties and (
                self.current is None or set(self.current) <= {"role"}):
            return None
        return {"record": self.record, "parties": self.parties, "current": self.current,
                **({"step": "summary"} if self.reviewing else {})}

    def restore(self, state: dict[str, Any]) -> None:
        """Continue from a draft's :meth:`state`."""
        self.record = dict(state["record"])
        self.parties = [dict(p) for p in state["parties"]]
        self.current = dict(state["current"]) if state.get("current") else None
        self.reviewing = state.get("step") == "summary"

    def summary(self) -> None:
        say("")
        say(_("Please check what was entered:"))
        cells = render.console(stderr=True).width if render.is_terminal(stderr=True) else None
        for i, (label, show, _ask_again) in enumerate(self.fields(), 1):
            for line in review(i, label, show(), cells):  # a hanging indent under the value
                say(line)

    def confirmed(self) -> bool:
        """Summary, then register (y), change field N (its number) or cancel (n)."""
        while True:
            self.summary()
            fields = self.fields()
            answer = choices.fold(ask(_("Register it? y: yes; a number: change that field; "
                                        "n: cancel"), _("y")))
            if answer in YES:
                return True
            if answer in NO | {"取消", "q"}:
                return False
            if answer.isdigit() and 1 <= int(answer) <= len(fields):
                fields[int(answer) - 1][2]()
                continue
            say(_("answer y, n or a field's number (1 to {n})", n=len(fields)))

    def data(self) -> dict[str, Any]:
        record = {k: v for k, v in self.record.items()
                  if v is not None and k != "registered_at"}
        return {**record, "parties": self.parties}


def guided_intake(calendar: Calendar | None = None,
                  prefill: dict[str, Any] | None = None, draft: Draft | None = None) -> CaseIn:
    """Ask for a case at the terminal; dates are read on ``calendar`` (the committee's). Raises
    typer.Abort (nothing written) when the clerk cancels at the summary. ``prefill``: fields
    known already (``lead accept``: leads.intake_prefill), not asked but shown to confirm.
    ``draft`` (``case new``, ``lead accept``): a draft left unfinished is offered first; the
    form is watched, so that an interruption inside ``draft.kept()`` keeps what was typed; a
    cancel deletes it."""
    return _run(Form(calendar, prefill), draft, lambda record, _at: record)


def guided_registration(calendar: Calendar | None, draft: Draft,
                        register: Callable[[CaseIn, date | None], R],
                        prefill: dict[str, Any] | None = None) -> R:
    """``case new`` and ``lead accept`` (``prefill``: what the lead says) without --file or
    --at: :func:`guided_intake` that asks when the case was registered too (empty: now; 补录
    like ``--at``: a date alone is that day; never before the dispute, or the lead, was found),
    shows it in the summary, and registers it by ``register``: a refusal (beyond the
    late-entry days) is said and the clerk is back at the summary, what was typed kept."""
    return _run(Form(calendar, prefill, registering=True), draft, register)


def _run(form: Form, draft: Draft | None, finish: Callable[[CaseIn, date | None], R]) -> R:
    from mediation.core.errors import Exit, InvalidInput
    from mediation.intake import parse_case

    if draft is not None:
        if (state := draft.offer()) is not None:
            form.restore(state)
        draft.watch(form)
    form.fill()
    while True:
        if not form.confirmed():  # a deliberate cancel (exit 1), not an interruption (130)
            say(_("cancelled; nothing was written"))
            if draft is not None:
                draft.cancelled(form)
            raise typer.Exit(Exit.REFUSED)
        try:
            return finish(parse_case(form.data(), origin=_("intake"), calendar=form.calendar),
                          form.registered())
        except InvalidInput as exc:  # a rule across fields: say it, and back to the summary
            for detail in exc.details():  # every problem, one line each (errors.Problems)
                say(detail.render())
            say(exc.render())

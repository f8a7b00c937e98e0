"""`mediation case amend` and `case withdraw`: corrections of the record (issue 15; the
recorded agreement: issue 14)."""

from __future__ import annotations

import re
from typing import Any

import typer

from cli import render
from cli.choices import category_opt, choice_opt
from cli.context import env
from cli.options import (
    MAX_INT,
    at_opt,
    composed,
    hours_help,
    json_opt,
    parse_amount,
    parse_at,
    parse_date,
    version_opt,
)
from mediation.core import jsontext
from mediation.core.errors import InvalidInput, Unchanged, UsageError
from mediation.core.i18n import _, msg
from mediation.core.periods import AHEAD


def _object(value: str, option: str) -> dict[str, Any]:
    try:
        data = jsontext.loads(value, None)  # the refusal names the option
    except InvalidInput as exc:
        raise typer.BadParameter(exc.render(), param_hint=option) from None
    if not isinstance(data, dict):
        raise typer.BadParameter(_("give a JSON object, e.g. {example}",
                                   example='{"role": "respondent", "name": "王五"}'),
                                 param_hint=option)
    return data


_EDIT_RE = re.compile(r"\s*(\d+)\s*[:：]\s*(.*)", re.S)  # 2:{…} or 2：{…} (an input method's)


def _edit(value: str, option: str = "--edit-party") -> tuple[int, dict[str, Any]]:
    found = _EDIT_RE.fullmatch(value)
    if not found:
        # The example is the message's own text, never masked (a value quoted in a message
        # is: the example showed as 139****1111, which cannot be typed).
        raise typer.BadParameter(_(
            'write N:{{...}}, e.g. {n}:{{"representative": {{"name": "王建华", "title": '
            '"总经理"}}}} or {n}:{{"phone": "13900001111"}}', n=2), param_hint=option)
    return int(found[1]), _object(found[2], option)


def _given(options: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """The fields ``case amend`` was given: {keyword: value}, a value ``(typed, reader)`` read
    by its reader; an empty value, 无 or none for one of corrections.CLEARABLE removes it
    (None); an option not given is left out."""
    from mediation.corrections import CLEARABLE, removes

    out: dict[str, Any] = {}
    for key, value in options.items():
        typed, read = value if isinstance(value, tuple) else (value, None)
        if typed is None:
            continue
        if prefix + key in CLEARABLE and isinstance(typed, str) and removes(typed):
            out[key] = None
        else:
            out[key] = read(typed) if read is not None else typed
    return out


def _said_corrected(ctx: typer.Context, done: Any, as_json: bool) -> None:
    """The step's line, then what it corrected, one line per field as case history tells the
    event (issue 14, a clerk's trial: case amend did not say what it changed); --json: the
    event's changes as case history --json gives them."""
    from cli.timeline import corrected
    from mediation import queries

    event = next(e for e in env(ctx).act(queries.history, done.id, write=False)
                 if e.seq == done.event)  # the event as case history shows it to this reader
    render.step_done(done, as_json, {"changes": event.changes})
    if not as_json:
        corrected(event)


def register(case: typer.Typer) -> None:
    @case.command("amend")
    def amend(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        reason: str = typer.Option(..., "--reason", help=_(
            "Why the record is corrected (recorded with the values before and after).")),
        category: str | None = category_opt("--category", help=_("The dispute category.")),
        summary: str | None = typer.Option(None, "--summary", help=_("The dispute's summary.")),
        requests: str | None = typer.Option(None, "--requests", help=_(
            "What the applicant asks for.")),
        amount: str | None = typer.Option(None, "--amount", help=_(
            "The amount in dispute, in yuan; 无 (or none, or \"\") removes it.")),
        risk: str | None = choice_opt("risk", None, "--risk", help=_("The risk level.")),
        persons: int | None = typer.Option(None, "--persons", min=1, max=MAX_INT, help=_(
            "How many persons are involved.")),
        source: str | None = choice_opt("source", None, "--source", help=_(
            "How the dispute came to the committee.")),
        referral: str | None = typer.Option(None, "--referral", help=_(
            "The referring body's reference; 无 (or none, or \"\") removes it.")),
        add_party: list[str] = typer.Option([], "--add-party", metavar="JSON", help=_(
            "Add a party, as in case.json (before acceptance; repeatable).")),
        edit_party: list[str] = typer.Option([], "--edit-party", metavar="N:JSON", help=_(
            "Correct party N (as case show numbers them): the keys given. Its particulars "
            "(name, phone, address, ID number, ...) until the case is closed, its role only "
            "before acceptance (repeatable).")),
        remove_party: list[int] = typer.Option([], "--remove-party", metavar="N", help=_(
            "Remove party N (before acceptance; repeatable).")),
        prevention: list[str] = typer.Option([], "--prevention", metavar="N:JSON", help=_(
            "Correct prevention record N (in the order recorded): its kind and/or persons, "
            "e.g. 1:{\"persons\": 2} (repeatable).")),
        agreement_due: str | None = typer.Option(None, "--agreement-due", metavar="DATE",
                                                 help=_(
            "Correct the agreement's performance deadline (履行期限) as recorded: 2026-12-31, "
            "or 12月31日 for the next one to come; not before the day it was reached; 无 (or "
            "none, or \"\") removes it.")),
        agreement_amount: str | None = typer.Option(None, "--agreement-amount", help=_(
            "Correct the agreement's amount as recorded, in yuan; 无 (or none, or \"\") "
            "removes it.")),
        agreement_terms: str | None = typer.Option(None, "--agreement-terms", help=_(
            "Correct the agreement's terms as recorded (协议内容). The three --agreement "
            "options correct the record of what the parties agreed (Law arts. 27-29), while "
            "the case is agreed or confirmed; a change the parties agree to later is a new "
            "agreement (Law art. 31): case remediate, then case agree.")),
        registered_at: str | None = typer.Option(None, "--registered-at", metavar="WHEN",
                                                 help=composed(_(
            "Correct the registration time (登记时间), as --at is written (2026-12-01 8:00, "
            "今天 8点): not in the future, not after the case's first step, not before the "
            "discovery time. {hours}", hours=hours_help()))),
        expect_version: int | None = version_opt(), as_json: bool = json_opt(),
    ) -> None:
        """Correct a case's fields, parties or recorded agreement (更正), with the reason."""
        from mediation import steps

        fields = _given({
            "category": category, "summary": summary, "requests": requests,
            "amount": (amount, parse_amount), "risk": risk, "persons": persons,
            "source": source, "referral": referral})
        agreement = _given({
            "due": (agreement_due, lambda v: parse_date(v, "--agreement-due", AHEAD)),
            "amount": (agreement_amount,
                       lambda v: parse_amount(v, "--agreement-amount")),
            "terms": agreement_terms}, "agreement_")
        edits = dict(_edit(v) for v in edit_party)
        if not (fields or agreement or edits or add_party or remove_party or prevention
                or registered_at is not None):  # a usage error, before the case is read
            raise UsageError(msg("nothing to correct: give a field to change (see mediation "
                                 "case amend --help)"))
        try:
            done = env(ctx).act(
                steps.amend, case_ref, reason=reason, fields=fields,
                add_parties=[_object(v, "--add-party") for v in add_party], edit_parties=edits,
                remove_parties=remove_party,
                preventions=dict(_edit(v, "--prevention") for v in prevention),
                agreement=agreement,
                registered_at=parse_at(registered_at, option="--registered-at"),
                expected_version=expect_version)
        except Unchanged as same:  # the values held: no change, nothing written (exit 0)
            if as_json:
                render.emit_json({"changed": [], "message": same.render()})
            else:
                render.out(same.render() + "\n")
            return
        _said_corrected(ctx, done, as_json)

    @case.command("withdraw")
    def withdraw(
        ctx: typer.Context, case_ref: str = typer.Argument(..., metavar="CASE"),
        reason: str = typer.Option(..., "--reason", help=_(
            "Why the applicant withdraws (as they said it).")),
        expect_version: int | None = version_opt(),
        at: str | None = at_opt(), as_json: bool = json_opt(),
    ) -> None:
        """The applicant withdraws before acceptance (撤回申请; not a decline)."""
        from mediation import steps

        render.step_done(env(ctx).act(steps.withdraw, case_ref, reason=reason,
                                      expected_version=expect_version, at=parse_at(at)),
                         as_json)

"""The guards of judicial confirmation (司法确认, People's Mediation Law art. 33; SPC
Interpretation [2011] No. 5): a court's decision, a written agreement only, a filing within the
window (on a closed case too: the parties' right to apply does not end when the committee
files the case), and the warning at closing while the window is open. Like every guard
(``guards``), each returns None when it holds, or the reason it does not.
"""

from __future__ import annotations

from datetime import date, timedelta

from mediation.core import choices
from mediation.core.commands import Close, Judicial
from mediation.core.i18n import Msg, msg, name, or_absent
from mediation.core.vocab import AgreementForm, JudicialResult, State
from mediation.workflow.guards import Subject, _text
from mediation.workflow.settings import JUDICIAL_WINDOW_DAYS


def judicial_window_end(form: str | None, effective: date | None, filed: bool) -> date | None:
    """THE last day the parties may apply for judicial confirmation of an agreement (Law art.
    33: within 30 days of its taking effect; a period in days starts the day after, DOMAIN.md
    §7), for a written agreement in effect with nothing filed; else None (no window applies).
    The agenda's judicial item and its closing item read it too."""
    if form != AgreementForm.written or effective is None or filed:
        return None
    return effective + timedelta(days=JUDICIAL_WINDOW_DAYS)


def judicial_result_allowed(_: Subject, c: Judicial) -> Msg | None:
    """A court's decision is confirmed or rejected (pending is what a filing starts as)."""
    result = c.result
    if result is None:
        return None
    decided = (JudicialResult.confirmed, JudicialResult.rejected)
    if result in decided:
        return None
    return msg("--result must be one of: {allowed}",
               allowed=choices.listing("judicial", decided))


def judicial_written_only(s: Subject, c: Judicial) -> Msg | None:
    """SPC Interpretation [2011] No. 5 art. 3: the application is made with the (written)
    mediation agreement, so an oral agreement cannot be filed for confirmation."""
    if c.result is None and s.agreement_form == AgreementForm.oral:
        return msg("judicial confirmation applies to a written agreement, submitted with the "
                   "application (SPC Interpretation [2011] No. 5 art. 3); this agreement is oral")
    return None


def judicial_filing_in_time(s: Subject, c: Judicial) -> Msg | None:
    if c.result is not None:
        if s.judicial_pending:
            return None
        if s.judicial_decided is not None:
            return msg("the judicial confirmation filed was already decided ({result}, {date}); "
                       "no filing is pending",
                       result=name("judicial", s.judicial_decided),
                       date=or_absent(s.judicial_decided_on and s.judicial_decided_on.isoformat()))
        return msg("no judicial confirmation has been filed")
    if s.state == State.closed and s.agreement_effective_on is None:
        return msg("a closed case records only the court's decision on a filing made before "
                   "it was closed (--result)")
    # A closed case takes a filing made within the window (the parties' right, Law art. 33,
    # does not end when the committee files the case): the checks below, as before closing.
    if s.judicial_pending:
        return msg("a judicial confirmation is already pending")
    filed = c.filed_on
    if not _text(c.court) or not isinstance(filed, date):
        return msg("give the court (--court) and the filing date (--filed)")
    effective = s.agreement_effective_on
    if effective is not None and filed < effective:
        return msg(
            "the filing date {filed} is before the agreement took effect ({date}): a filing is "
            "made on or after that day, within {days} days",
            filed=filed.isoformat(),
            date=effective.isoformat(),
            days=JUDICIAL_WINDOW_DAYS,
        )
    if effective is not None and filed > effective + timedelta(days=JUDICIAL_WINDOW_DAYS):
        return msg(
            "judicial confirmation must be applied for within {days} days of the agreement "
            "taking effect ({date})",
            days=JUDICIAL_WINDOW_DAYS,
            date=effective.isoformat(),
        )
    return None


def judicial_window_open(s: Subject, _: Close) -> Msg | None:
    """A warning, not a refusal (Law art. 33): the parties may still apply for judicial
    confirmation of a written agreement; a filing made within the window is recorded on the
    closed case too (judicial_filing_in_time)."""
    step_day = s.occurred_on or s.today
    until = judicial_window_end(s.agreement_form, s.agreement_effective_on,
                                s.judicial_pending or s.judicial_decided is not None)
    if until is None or step_day is None or step_day > until:
        return None
    return msg("the parties may apply for judicial confirmation until {date}: a filing made by "
               "then is still recorded after closing (case judicial --filed)",
               date=until.isoformat())

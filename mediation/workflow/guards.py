"""The guards of the transition table (``mediation.workflow.table``): each reads the facts of
one case (:class:`Subject`) and the step's typed command, and returns None when it holds or the
reason it does not, so that every refusal has the same form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mediation.core import choices
from mediation.core.calendar import DEFAULT, Calendar
from mediation.core.commands import (
    Agree,
    Amend,
    Assign,
    Close,
    Command,
    Decline,
    Extend,
    Feedback,
    Judicial,
    Mediate,
    Prevent,
    Recuse,
    Remediate,
    ReportPolice,
    Schedule,
    Session,
    Terminate,
    Urge,
    Visit,
    Withdraw,
)
from mediation.core.i18n import N_, Msg, join, msg, name, or_absent
from mediation.core.vocab import (
    CONCLUDED,
    Performance,
    State,
)
from mediation.workflow.dates import appointment_problem, dated_input_problem, dated_inputs
from mediation.workflow.settings import (
    Settings,
    named,
)

# Corrections (case amend, issue 15): which fields of a registered case may change in which
# states. The description of the dispute until the case is closed and filed (结案归档); its
# classification for the statistics (category, source, referral) in every state, since a wrong
# one would stay in every report. Who the parties are (``parties``: a party added or removed, or
# its role turned from applicant to respondent or back) only before acceptance: after it they
# are whom mediation is with, and a new party is a new case. An existing party's particulars
# (``party_details``: a name misspelt, a phone, an address, an ID number typed wrong, the sex,
# the ethnic group, the guardian) are corrected until the case is closed and filed, as the
# description is (a clerk's trial, issue 14). The registration time (``registered_at``, 登记时间:
# a case registered without ``--at`` took the clock's time) likewise, within the rule of
# ``dates.registration_problem``.
_UNTIL_CLOSED = tuple(s for s in State if s != State.closed)
# The agreement as recorded (its 履行期限, amount and terms: ``case amend --agreement-*``, a
# clerk's trial, issue 14) while it is the case's agreement in force and the case is not yet
# closed: agreed or confirmed. This corrects the record to what the parties agreed (the signed
# 调解协议书, or the oral agreement as the mediator recorded it: Law arts. 27-29); a change the
# parties agree to later is a new agreement (Law art. 31: it binds as agreed), reached by
# mediating again (case remediate, then case agree: a new version; the old one stays).
AGREED: tuple[State, ...] = (State.agreed, State.confirmed)
AGREEMENT_FIELDS: tuple[str, ...] = ("agreement_due", "agreement_amount", "agreement_terms")
AMENDABLE: dict[str, tuple[State, ...]] = {
    "category": tuple(State), "source": tuple(State), "referral_ref": tuple(State),
    "summary": _UNTIL_CLOSED, "requests": _UNTIL_CLOSED, "amount": _UNTIL_CLOSED,
    "risk_level": _UNTIL_CLOSED, "persons_involved": _UNTIL_CLOSED,
    "prevention": _UNTIL_CLOSED, "party_details": _UNTIL_CLOSED, "parties": (State.intake,),
    **{f: AGREED for f in AGREEMENT_FIELDS},
    "registered_at": _UNTIL_CLOSED,
}


@dataclass
class Subject:
    """The facts about one case that the guards read; the machine sets ``state`` on it."""

    number: str
    state: str
    category: str | None = None
    applicants: int = 0
    respondents: int = 0
    lead_mediator: str | None = None
    rights_notified: bool = False
    has_agreement: bool = False
    agreement_effective_on: date | None = None
    judicial_pending: bool = False
    deadline: datetime | None = None
    agreement_form: str | None = None
    judicial_filed_on: date | None = None
    judicial_decided: str | None = None  # the court's decision on the latest decided filing
    judicial_decided_on: date | None = None
    sessions: int = 0
    extensions: int = 0
    visits: int = 0
    urges: int = 0
    fed_back: bool = False  # the outcome was fed back (反馈): the case's fed_back_at
    closed_on: date | None = None  # the committee's date the case was closed
    last_performance: str | None = None  # what the latest follow-up visit found (Performance)
    settings: Settings = field(default_factory=Settings)
    persons_involved: int = 0  # the case's persons involved (0: not known)
    # When the step happens (the instant and the committee's local date): set by the service.
    now: datetime | None = None
    today: date | None = None
    calendar: Calendar | None = None  # the committee's: its wall time in what a guard says
    occurred_on: date | None = None  # the committee's date of the instant it happened (--at)
    deadline_day: date | None = None  # the last day of the period (the deadline is its end)


# A guard reads the subject and the command of its trigger (each guard names the commands it
# reads in its signature); it returns None when it holds, or the reason it does not.
Guard = Callable[[Subject, Any], Msg | None]


# ---------------------------------------------------------------------------------------------
# Guards: each returns None when it holds, or the reason it does not.


def has_category(s: Subject, _: Command) -> Msg | None:
    return None if s.category else msg("the case has no dispute category")


def has_both_sides(s: Subject, _: Command) -> Msg | None:
    if s.applicants >= 1 and s.respondents >= 1:
        return None
    return msg("it needs at least one applicant and one respondent")


def names_mediator(s: Subject, c: Mediate | Assign) -> Msg | None:
    return None if (c.mediator or s.lead_mediator) else msg("no mediator is named")


def rights_notified(s: Subject, c: Mediate) -> Msg | None:
    if c.rights_notified or s.rights_notified:
        return None
    return msg("the parties have not been told their rights and duties (--rights-notified)")


def minutes_given(_: Subject, c: Session) -> Msg | None:
    return None if _text(c.minutes) else msg("the session minutes are empty")


def terms_given(_: Subject, c: Agree) -> Msg | None:
    return None if _text(c.terms) else msg("the agreement has no terms")


def session_recorded(s: Subject, _: Agree) -> Msg | None:
    """An agreement is reached in mediation (setting ``agree_needs_session``, default on)."""
    if not s.settings.agree_needs_session or s.sessions >= 1:
        return None
    return msg("an agreement is reached in mediation: record at least one session first "
               "(case session)")


def written_where_rights_settled(_: Subject, c: Agree) -> Msg | None:
    """A warning, not a refusal: Rules art. 34 expects a written agreement where civil rights
    and obligations are settled (an oral one is still valid, Law art. 28)."""
    if c.amount is not None and not c.written:
        return msg("an agreement that settles an amount should be written: the Rules (art. 34) "
                   "expect a written agreement where civil rights and obligations are settled")
    return None


def no_performance_deadline(_: Subject, c: Agree) -> Msg | None:
    """A warning, not a refusal: an agreement that settles an amount names no date by which it
    is to be performed (``--due``). Law art. 29 lets the agreement state the manner and time of
    performance; without one, nobody is reminded when the payment falls due, and the agenda
    asks for a follow-up visit only when the agreement has been in effect 30 days. The date
    is added or corrected later with ``case amend --agreement-due`` (AMENDABLE)."""
    if c.amount is not None and c.due is None:
        return msg("the agreement settles an amount but names no performance deadline: give "
                   "--due YYYY-MM-DD (Law art. 29), or add it later (case amend "
                   "--agreement-due), so the agenda reminds the visit when it falls due")
    return None


def _one_of(kind: str, given: object, message: str) -> Msg | None:
    """None when ``given`` is a code of the vocabulary ``kind``, else ``message`` naming the
    allowed values as every refusal names them (``choices.listing``)."""
    if given in choices.values(kind):
        return None
    return msg(message, allowed=choices.listing(kind))


def _reason_in(kind: str) -> Guard:
    def guard(_: Subject, c: Decline | Terminate) -> Msg | None:
        return _one_of(kind, c.reason, N_("the reason must be one of: {allowed}"))

    guard.__name__ = f"{kind.replace('.', '_')}_reason_allowed"
    return guard


decline_reason_allowed = _reason_in("decline")
terminate_reason_allowed = _reason_in("terminate")


def advice_given(_: Subject, c: Decline | Terminate) -> Msg | None:
    if _text(c.advice):
        return None
    return msg("record the advice given to the parties (--advice: which court or authority)")


def has_agreement(s: Subject, _: Command) -> Msg | None:
    return None if s.has_agreement else msg("there is no agreement to confirm")


def follow_up_recorded(s: Subject, c: Visit) -> Msg | None:
    why = _one_of("satisfaction", c.satisfaction,
                  N_("record the parties' satisfaction (--satisfaction: {allowed})"))
    if why is not None:
        return why
    performance = c.performance
    if s.has_agreement:
        return _one_of("performance", performance,
                       N_("record how the agreement is performed (--performance: {allowed})"))
    if performance is not None:
        return msg("there is no agreement whose performance could be recorded")
    return None


def fed_back_recorded(_: Subject, c: Feedback) -> Msg | None:
    """反馈: to whom the outcome was reported and how."""
    if not _text(c.to):
        return msg("record to whom the outcome was reported (--to: the party, the grid worker, "
                   "the referring court, police station or office)")
    return _one_of("channel", c.channel,
                   N_("record how the outcome was reported (--channel: {allowed})"))


def ready_to_close(s: Subject, c: Close | None) -> Msg | None:
    """THE rule of 结案归档 (DOMAIN.md §1, "feed back"): a case is closed and filed after its
    follow-up visit (setting ``close_needs_visit``) and after its outcome was fed back (反馈,
    the last of the five first-times); an agreement is closed when the latest visit found it
    fully performed. Where it is partly or not performed, the committee urges performance (Law
    art. 31) and, if it is still not performed, the parties are told they may sue: then a
    director closes the case with the reason (``--reason``), after at least one urging. The
    agenda's "ready to close" is this same rule (``closable``)."""
    if s.settings.close_needs_visit and s.visits < 1:
        return msg("a case is closed and filed after its follow-up: record at least one visit "
                   "first (case visit)")
    if not s.fed_back:
        return msg("a case is closed and filed after its outcome is fed back: record the "
                   "feedback first (case feedback)")
    if s.state != State.confirmed or s.last_performance not in (
            Performance.partial.value, Performance.none.value):
        return None
    reason = c.reason if c is not None else None
    performance = name("performance", s.last_performance)
    if not _text(reason):
        return msg("the latest follow-up visit found the agreement {performance}: urge "
                   "performance and visit again (case urge, case visit), or a director closes "
                   "it with the reason (--reason, e.g. the parties were told they may sue)",
                   performance=performance)
    if s.urges < 1:
        return msg("the agreement is {performance} and no party was urged to perform: urge "
                   "performance first (case urge), then close it with the reason",
                   performance=performance)
    return None


def closable(s: Subject) -> bool:
    """Whether the case may be closed now without a director's reason (the agenda's "ready to
    close"): the one rule, :func:`ready_to_close`."""
    return s.state in CONCLUDED and ready_to_close(s, None) is None


def fed_back_before_closing(s: Subject, _: Feedback) -> Msg | None:
    """A closed case was fed back before it was closed (ready_to_close): a further feedback is
    recorded only as a late entry of one given on or before the closing day (--at)."""
    if s.state != State.closed or s.closed_on is None:
        return None
    step_day = s.occurred_on or s.today
    if step_day is not None and step_day <= s.closed_on:
        return None
    return msg("the case was closed on {date}: a feedback is recorded only if it was given on "
               "or before that day (--at YYYY-MM-DD)", date=s.closed_on.isoformat())


def consent_recorded(_: Subject, c: Extend | Remediate) -> Msg | None:
    return None if c.consent else msg("both parties' consent is not recorded (--consent)")


def reason_given(_: Subject, c: Extend | Remediate | Withdraw | Amend) -> Msg | None:
    return None if _text(c.reason) else msg("give the reason (--reason)")


def amendable(s: Subject, c: Amend) -> Msg | None:
    """Each field the correction changes may change in the case's state (AMENDABLE)."""
    if not c.fields:
        return msg("nothing to correct: give a field to change")
    for f in c.fields:
        if f not in AMENDABLE:
            return msg("{field} is not a field a correction changes", field=f)
        if s.state not in AMENDABLE[f] and f == "parties":
            return msg("a party is added or removed, or its role changed, only before the case "
                       "is accepted (a new party is a new case); the case is {state}: in this "
                       "state only {allowed} may be", state=name("state", s.state),
                       allowed=amendable_in(s.state))
        if s.state not in AMENDABLE[f] and f in AGREEMENT_FIELDS and s.state != State.closed:
            return msg("the case has no agreement in force to correct (an agreement is "
                       "corrected once agreed and until the case is closed); in this state "
                       "only {allowed} may be", allowed=amendable_in(s.state))
        if s.state not in AMENDABLE[f]:
            return msg("{field} may not be corrected once the case is {state}; in this state "
                       "only {allowed} may be", field=name("field", f),
                       state=name("state", s.state), allowed=amendable_in(s.state))
    return None


def amendable_in(state: str) -> str:
    """What a correction may change in ``state`` (AMENDABLE), by name: what a refusal offers."""
    return join([name("field", f) for f, states in AMENDABLE.items() if state in states])


def extension_within_limit(s: Subject, c: Extend) -> Msg | None:
    days, most = c.days, s.settings.extension_days
    if isinstance(days, int) and 1 <= days <= most:
        return None
    return msg("--days must be 1 to {max}: the days one extension adds ({setting})",
               max=most, setting=named("extension_days"))


def extension_allowed(s: Subject, _: Extend) -> Msg | None:
    """Local practice: one consented extension (setting ``extensions``), applied for before the
    period ends. After the deadline it is refused, so that a case counted overdue in a past
    period stays counted (the extension would otherwise move a past figure)."""
    most = s.settings.extensions
    if s.extensions >= most:
        return msg("this case may have {most} consented extension(s) and has had {had} "
                   "(local practice; {setting})", most=most, had=s.extensions,
                   setting=named("extensions"))
    if s.deadline is not None and s.now is not None and s.now >= s.deadline:
        return msg("the period to conclude ended with {date}: an extension must be applied for "
                   "before the period ends",
                   date=or_absent(s.deadline_day and s.deadline_day.isoformat()))
    return None


def dates_possible(s: Subject, c: Agree | Judicial) -> Msg | None:
    """The dates among a step's inputs (``dates.dated_inputs``: a performance deadline, a
    filing, a court's decision) are checked by one rule (``dates.dated_input_problem``) against
    the day the step happened and the case's facts: a past fact not in the future nor after the
    step's day, a promise not before it, a decision not before its filing."""
    today = s.today
    step_day = s.occurred_on or today
    if today is None or step_day is None:
        return None
    for item in dated_inputs(c):
        bound = getattr(s, item.after) if item.after else None
        why = dated_input_problem(item, step_day, today, bound)
        if why is not None:
            return why
    return None


def prevention_recorded(_: Subject, c: Prevent) -> Msg | None:
    if c.kind:
        why = _one_of("prevention", c.kind, N_("--kind must be one of: {allowed}"))
        if why is not None:
            return why
    persons = c.persons
    if isinstance(persons, int) and persons >= 1 and c.kind:
        return None
    return msg("give the kind of escalation prevented and how many persons (at least 1)")


def visited_named(_: Subject, c: Visit) -> Msg | None:
    return None if _text(c.visited) else msg("record who was visited (--visited)")


def urging_recorded(_: Subject, c: Urge) -> Msg | None:
    if _text(c.note):
        return None
    return msg("record whom you urged to perform, and how (--note)")


def persons_within_involved(s: Subject, c: Prevent) -> Msg | None:
    """The persons counted for an escalation prevented cannot exceed the persons involved in
    the case (issue 15); correct the case first (case amend --persons) when more were."""
    persons = c.persons
    if isinstance(persons, int) and s.persons_involved and persons > s.persons_involved:
        return msg("the persons counted ({persons}) cannot exceed the persons involved in the "
                   "case ({involved}): correct the case first (case amend --persons)",
                   persons=persons, involved=s.persons_involved)
    return None


def recusal_recorded(s: Subject, c: Recuse) -> Msg | None:
    """回避: who asked, why, and the mediator who takes over (not the one asked to step aside)."""
    if not _text(c.party) or not _text(c.reason):
        return msg("record which party asked for another mediator (--party) and why (--reason)")
    if not _text(c.mediator):
        return msg("no mediator is named")
    if c.mediator == s.lead_mediator:
        return msg("the new mediator must not be the one asked to step aside")
    return None


def police_report_recorded(_: Subject, c: ReportPolice) -> Msg | None:
    if _text(c.to):
        return None
    return msg("record which police station or department was told (--to)")


def appointment_given(_: Subject, c: Schedule) -> Msg | None:
    """约定下次调解: the next session's time is given (a cancellation names none)."""
    if c.cancel or c.when is not None:
        return None
    return msg("give the date and time of the next session (--at 2026-12-05 09:30)")


def appointment_ahead(s: Subject, c: Schedule) -> Msg | None:
    """约定下次调解: the next session is later than now (``dates.appointment_problem``: its
    time and now in the committee's wall time)."""
    if c.cancel or c.when is None or s.now is None:
        return None
    return appointment_problem(c.when.replace(tzinfo=None), s.now.replace(tzinfo=None),
                               s.calendar or DEFAULT)


def amount_not_negative(_: Subject, c: Agree) -> Msg | None:
    amount = c.amount
    return None if amount is None or amount >= 0 else msg("--amount must not be negative")


def _text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""

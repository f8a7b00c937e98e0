"""THE state machine of a mediation case: every rule of the workflow is in this file.

The transition table below lists, for each trigger, the states it may be fired from, the state it
leads to (``None``: the case stays where it is and the step is recorded), the guards that must
hold, and the legal basis (DOMAIN.md §1). One ``transitions.Machine`` is built from it once per
process with ``model=None`` and ``auto_transitions=False``; a case is bound only for the duration
of one trigger (the machine fires its event against a small :class:`Subject`), so the number of
models the machine holds never grows.

This module knows nothing about SQL or terminals. The services build a :class:`Subject` (the
facts the guards read) and pass the step's command (``mediation.core.commands``: one typed,
frozen class per trigger); :func:`fire` returns the destination state or raises
:class:`~mediation.core.errors.Refused` naming the case, its state, what was asked, why not and
what is allowed now.

Rules marked ≈ in DOMAIN.md come from secondary sources. The rules a committee may adjust are the
named settings of :data:`SETTINGS` (their defaults are the constants right below); a committee's
values reach the guards on the :class:`Subject` (``settings``), set with ``mediation procedure
set`` (docs/settings.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import Any

from transitions import Machine, MachineError

from mediation.core.calendar import Calendar
from mediation.core.commands import (
    Agree,
    Amend,
    Assign,
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
    Session,
    Terminate,
    Urge,
    Visit,
    Withdraw,
)
from mediation.core.errors import Refused
from mediation.core.i18n import N_, Msg, join, msg, name
from mediation.core.vocab import (
    AgreementForm,
    DeclineReason,
    JudicialResult,
    Performance,
    PreventionKind,
    Satisfaction,
    State,
    TerminateReason,
)

CONCLUSION_DAYS = 30  # Rules art. 33: mediation normally concludes within one month of acceptance
JUDICIAL_WINDOW_DAYS = 30  # Law art. 33: joint application within 30 days of the agreement's effect
# Local practice, not the 2002 Rules (which set only the one month, art. 33): one consented
# extension of up to a further month, applied for before the period ends.
MAX_EXTENSION_DAYS = 30
MAX_EXTENSIONS = 1
DUPLICATE_WINDOW_DAYS = 90  # same parties and category within this many days: probable duplicate


@dataclass(frozen=True)
class Setting:
    """One rule a committee may adjust: its name (``mediation procedure set --NAME``), default,
    bounds (numbers), what it does and where it comes from."""

    name: str
    default: int | bool
    help: str
    basis: str
    low: int = 0
    high: int = 0


SETTINGS: tuple[Setting, ...] = (
    Setting("extension_days", MAX_EXTENSION_DAYS,
            N_("How many days one consented extension may add at most."),
            N_("local practice, not the 2002 Rules"), 1, 90),
    Setting("extensions", MAX_EXTENSIONS,
            N_("How many consented extensions a case may have (0: none)."),
            N_("local practice, not the 2002 Rules"), 0, 3),
    Setting("agree_needs_session", True,
            N_("Whether an agreement needs at least one recorded mediation session."),
            N_("Law arts. 22, 27-28")),
)


@dataclass(frozen=True)
class Settings:
    """A committee's values of :data:`SETTINGS` (the defaults unless it changed them)."""

    extension_days: int = MAX_EXTENSION_DAYS
    extensions: int = MAX_EXTENSIONS
    agree_needs_session: bool = True

    @classmethod
    def from_stored(cls, stored: dict[str, str]) -> Settings:
        """From the stored text values by setting name; a value that does not parse, or lies
        outside its bounds, is the default (a setting is checked when it is set)."""
        values: dict[str, Any] = {}
        for st in SETTINGS:
            raw = stored.get(st.name)
            if raw is None:
                continue
            if isinstance(st.default, bool):
                values[st.name] = raw == "1"
            elif raw.isdigit() and st.low <= int(raw) <= st.high:
                values[st.name] = int(raw)
        return cls(**values)


def setting(name_: str) -> Setting:
    for st in SETTINGS:
        if st.name == name_:
            return st
    raise KeyError(name_)


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
    judicial_rejected: bool = False
    deadline: datetime | None = None
    agreement_form: str | None = None
    judicial_filed_on: date | None = None
    sessions: int = 0
    extensions: int = 0
    visits: int = 0
    settings: Settings = field(default_factory=Settings)
    persons_involved: int = 0  # the case's persons involved (0: not known)
    # When the step happens (the instant and the committee's local date): set by the service.
    now: datetime | None = None
    today: date | None = None
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


def _one_of(values: type[StrEnum], given: object, message: str, kind: str | None = None
            ) -> Msg | None:
    """None when ``given`` is one of ``values``, else ``message`` naming the allowed values
    (with their names in the user's language when ``kind`` names their catalogue keys)."""
    if given in {v.value for v in values}:
        return None
    allowed = [f"{v.value} ({name(kind, v.value)})" if kind else v.value for v in values]
    return msg(message, allowed=join(allowed))


def _reason_in(kind: str, allowed: type[DeclineReason] | type[TerminateReason]) -> Guard:
    def guard(_: Subject, c: Decline | Terminate) -> Msg | None:
        return _one_of(allowed, c.reason, N_("the reason must be one of: {allowed}"),
                       kind)

    guard.__name__ = f"{kind.replace('.', '_')}_reason_allowed"
    return guard


decline_reason_allowed = _reason_in("decline", DeclineReason)
terminate_reason_allowed = _reason_in("terminate", TerminateReason)


def advice_given(_: Subject, c: Decline | Terminate) -> Msg | None:
    if _text(c.advice):
        return None
    return msg("record the advice given to the parties (--advice: which court or authority)")


def has_agreement(s: Subject, _: Command) -> Msg | None:
    return None if s.has_agreement else msg("there is no agreement to confirm")


def follow_up_recorded(s: Subject, c: Feedback | Visit) -> Msg | None:
    why = _one_of(Satisfaction, c.satisfaction,
                  N_("record the parties' satisfaction (--satisfaction: {allowed})"))
    if why is not None:
        return why
    performance = c.performance
    if s.has_agreement:
        return _one_of(Performance, performance,
                       N_("record how the agreement is performed (--performance: {allowed})"))
    if performance is not None:
        return msg("there is no agreement whose performance could be recorded")
    return None


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
        if s.state not in AMENDABLE[f]:
            return msg("{field} may not be corrected once the case is {state}",
                       field=name("field", f), state=name("state", s.state))
    return None


def extension_within_limit(s: Subject, c: Extend) -> Msg | None:
    days, most = c.days, s.settings.extension_days
    if isinstance(days, int) and 1 <= days <= most:
        return None
    return msg("an extension is 1 to {max} days", max=most)


def extension_allowed(s: Subject, _: Extend) -> Msg | None:
    """Local practice: one consented extension (setting ``extensions``), applied for before the
    period ends. After the deadline it is refused, so that a case counted overdue in a past
    period stays counted (the extension would otherwise move a past figure)."""
    most = s.settings.extensions
    if s.extensions >= most:
        return msg("this case may have {most} consented extension(s) and has had {had} "
                   "(local practice; setting extensions)", most=most, had=s.extensions)
    if s.deadline is not None and s.now is not None and s.now >= s.deadline:
        return msg("the period to conclude ended with {date}: an extension must be applied for "
                   "before the period ends", date=s.deadline_day.isoformat()
                   if s.deadline_day else "-")
    return None


def judicial_result_allowed(_: Subject, c: Judicial) -> Msg | None:
    """A court's decision is confirmed or rejected (pending is what a filing starts as)."""
    result = c.result
    if result is None:
        return None
    decided = (JudicialResult.confirmed, JudicialResult.rejected)
    if result in decided:
        return None
    return msg("--result must be one of: {allowed}", allowed=join(list(decided)))


def judicial_written_only(s: Subject, c: Judicial) -> Msg | None:
    """SPC Interpretation [2011] No. 5 art. 3: the application is made with the (written)
    mediation agreement, so an oral agreement cannot be filed for confirmation."""
    if c.result is None and s.agreement_form == AgreementForm.oral:
        return msg("judicial confirmation applies to a written agreement, submitted with the "
                   "application (SPC Interpretation [2011] No. 5 art. 3); this agreement is oral")
    return None


def judicial_dates_possible(s: Subject, c: Judicial) -> Msg | None:
    """A filing is not dated in the future; a decision neither in the future nor before its
    filing."""
    day = c.decided_on if c.result is not None else c.filed_on
    if isinstance(day, date) and s.today is not None and day > s.today:
        return msg("{date} is in the future", date=day.isoformat())
    filed = s.judicial_filed_on
    if c.result is not None and isinstance(day, date) and filed is not None and day < filed:
        return msg("the court cannot decide ({decided}) before the filing ({filed})",
                   decided=day.isoformat(), filed=filed.isoformat())
    return None


def judicial_filing_in_time(s: Subject, c: Judicial) -> Msg | None:
    if c.result is not None:
        return None if s.judicial_pending else msg("no judicial confirmation has been filed")
    if s.state == State.closed:
        return msg("a closed case records only the court's decision on a filing made before "
                   "it was closed (--result)")
    if s.judicial_pending:
        return msg("a judicial confirmation is already pending")
    filed = c.filed_on
    if not _text(c.court) or not isinstance(filed, date):
        return msg("give the court (--court) and the filing date (--filed)")
    effective = s.agreement_effective_on
    if effective is not None and not (
        effective <= filed <= effective + timedelta(days=JUDICIAL_WINDOW_DAYS)
    ):
        return msg(
            "judicial confirmation must be applied for within {days} days of the agreement "
            "taking effect ({date})",
            days=JUDICIAL_WINDOW_DAYS,
            date=effective.isoformat(),
        )
    return None


def prevention_recorded(_: Subject, c: Prevent) -> Msg | None:
    if c.kind:
        why = _one_of(PreventionKind, c.kind, N_("--kind must be one of: {allowed}"))
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


def amount_not_negative(_: Subject, c: Agree) -> Msg | None:
    amount = c.amount
    return None if amount is None or amount >= 0 else msg("--amount must not be negative")


def _text(value: object) -> bool:
    return isinstance(value, str) and value.strip() != ""


# ---------------------------------------------------------------------------------------------
# The transition table


@dataclass(frozen=True)
class Transition:
    trigger: str
    sources: tuple[State, ...]
    dest: State | None  # None: the case stays in its state; the step is still recorded
    guards: tuple[Guard, ...]
    basis: str
    summary: str = field(default="")
    # Checks that do not refuse: each returns a warning the step reports, or None.
    warnings: tuple[Guard, ...] = ()


S = State
# The states in which the committee's work on a case is over: closed, or declined (its parties
# were sent elsewhere; only the follow-up visit may still be recorded). A finished case cannot
# be reassigned, and is no probable duplicate of a new one unless registered recently.
FINISHED: tuple[State, ...] = (State.closed, State.declined, State.withdrawn)
# Corrections (case amend, issue 15): which fields of a registered case may change in which
# states. The description of the dispute until the case is closed and filed (结案归档); its
# classification for the statistics (category, source, referral) in every state, since a wrong
# one would stay in every report; the parties only before acceptance (after it they are whom
# mediation is with: a new party is a new case).
_UNTIL_CLOSED = tuple(s for s in State if s != State.closed)
AMENDABLE: dict[str, tuple[State, ...]] = {
    "category": tuple(State), "source": tuple(State), "referral_ref": tuple(State),
    "summary": _UNTIL_CLOSED, "requests": _UNTIL_CLOSED, "amount": _UNTIL_CLOSED,
    "risk_level": _UNTIL_CLOSED, "persons_involved": _UNTIL_CLOSED,
    "prevention": _UNTIL_CLOSED, "parties": (State.intake,),
}
# The states in which mediation is under way and the deadline runs (a case there is overdue once
# its deadline has passed).
OPEN_STATES: tuple[str, ...] = (State.accepted, State.mediating)

TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "accept", (S.intake,), S.accepted, (has_category, has_both_sides),
        N_("Law art. 17"), N_("The committee accepts the dispute; the 30-day clock starts."),
    ),
    Transition(
        "decline", (S.intake,), S.declined, (decline_reason_allowed, advice_given),
        N_("Law art. 17; Rules arts. 22-23 ≈"),
        N_("The committee declines, recording why and where the parties should go."),
    ),
    Transition(
        "mediate", (S.accepted,), S.mediating, (names_mediator, rights_notified),
        N_("Law arts. 19-20, 23; Rules art. 30 (rights notice)"),
        N_("Mediators are appointed and the parties told their rights and duties."),
    ),
    Transition(
        "session", (S.mediating,), None, (minutes_given,),
        N_("Law arts. 22, 27 (minutes and files); Rules art. 29"),
        N_("A mediation session, with its minutes."),
    ),
    Transition(
        "extend", (S.accepted, S.mediating), None,
        (consent_recorded, reason_given, extension_within_limit, extension_allowed),
        N_("Local practice, not the 2002 Rules (Rules art. 33: one month)"),
        N_("The parties consent to mediation going on past the one-month period."),
    ),
    Transition(
        "agree", (S.mediating,), S.agreed, (terms_given, amount_not_negative, session_recorded),
        N_("Law arts. 28-29; Rules art. 34"), N_("An agreement is reached, written or oral."),
        warnings=(written_where_rights_settled,),
    ),
    Transition(
        "terminate", (S.accepted, S.mediating), S.terminated,
        (terminate_reason_allowed, advice_given),
        N_("Law art. 26"), N_("Mediation ends without agreement; the advice given is recorded."),
    ),
    Transition(
        "confirm", (S.agreed,), S.confirmed, (has_agreement,),
        N_("Law arts. 29-30"),
        N_("The agreement takes effect: a written one when signed and sealed, an oral one on "
           "the day it was reached (Law art. 30)."),
    ),
    Transition(
        "judicial", (S.confirmed, S.closed), None,
        (judicial_result_allowed, judicial_written_only, judicial_dates_possible,
         judicial_filing_in_time),
        N_("Law art. 33; SPC Interpretation [2011] No. 5 art. 3"),
        N_("Judicial confirmation of a written agreement: filed with a court, then confirmed or "
           "rejected (the decision may come after the case is closed)."),
    ),
    Transition(
        "feedback", (S.confirmed, S.terminated, S.declined), S.closed, (follow_up_recorded,),
        N_("Law art. 31; local rules"),
        N_("The follow-up visit is recorded and the case is closed and filed."),
    ),
    Transition(
        "remediate", (S.agreed, S.confirmed), S.mediating, (reason_given, consent_recorded),
        N_("Law art. 33; local rules"),
        N_("With both parties' consent, mediate again; a new agreement version follows."),
    ),
    Transition(
        "prevent", (S.intake, S.accepted, S.mediating, S.agreed, S.confirmed), None,
        (prevention_recorded, persons_within_involved),
        N_("Law arts. 21, 25; Rules art. 32"),
        N_("An escalation prevented is recorded (cases and persons)."),
    ),
    Transition(
        "assign", tuple(s for s in State if s not in FINISHED), None, (names_mediator,),
        N_("Law arts. 19-20 ≈"),
        N_("A director appoints or replaces the case's mediators; the state does not change."),
    ),
    Transition(
        "visit", (S.confirmed, S.terminated, S.declined), None,
        (follow_up_recorded, visited_named),
        N_("Law art. 31; Rules art. 36 ≈"),
        N_("A follow-up visit (回访): who visited whom, performance, satisfaction, measures "
           "taken and signs of escalation; a case may have several."),
    ),
    Transition(
        "urge", (S.confirmed,), None, (urging_recorded,),
        N_("Law art. 31; Rules art. 37 ≈"),
        N_("A party is urged to perform the agreement (督促履行)."),
    ),
    Transition(
        "recuse", (S.accepted, S.mediating), None, (recusal_recorded,),
        N_("Law art. 23 (choosing a mediator) ≈; 2002 Rules (recusal) ≈"),
        N_("A party asks for another mediator (回避): the request is recorded and the lead "
           "mediator replaced."),
    ),
    Transition(
        "police",
        (S.intake, S.accepted, S.mediating, S.agreed, S.confirmed, S.terminated), None,
        (police_report_recorded,), N_("Law art. 25"),
        N_("A dispute likely to lead to a public-security or criminal case is reported to the "
           "police."),
    ),
    Transition(
        "withdraw", (S.intake,), S.withdrawn, (reason_given,),
        N_("Law arts. 3, 23 ≈ (voluntary: a party may refuse mediation)"),
        N_("The applicant withdraws the application before acceptance (not a decline)."),
    ),
    Transition(
        "amend", tuple(State), None, (reason_given, amendable),
        N_("Law art. 27 (records kept); local rules"),
        N_("A registered case's fields or parties are corrected, with the reason; each "
           "change is recorded with its value before and after."),
    ),
)

# The facts beyond the case's own row that each guard reads (the guards not listed read only the
# case row and the step's command). A step loads only the facts its trigger's guards need, in the
# same query as the case (steps.py); tests/unit/test_workflow.py checks that no guard reads a fact
# it does not declare here.
# ``now``, ``today`` and ``deadline_day`` are set by the service on every step.
ROW_FACTS = frozenset({"number", "state", "category", "lead_mediator", "rights_notified",
                       "deadline", "now", "today", "deadline_day", "persons_involved"})
GUARD_FACTS: dict[Guard, frozenset[str]] = {
    has_both_sides: frozenset({"applicants", "respondents"}),
    has_agreement: frozenset({"has_agreement"}),
    follow_up_recorded: frozenset({"has_agreement"}),
    judicial_filing_in_time: frozenset({"judicial_pending", "agreement_effective_on"}),
    judicial_written_only: frozenset({"agreement_form"}),
    judicial_dates_possible: frozenset({"judicial_filed_on"}),
    session_recorded: frozenset({"sessions", "settings"}),
    extension_within_limit: frozenset({"settings"}),
    extension_allowed: frozenset({"extensions", "settings"}),
}


@cache
def facts(trigger: str) -> frozenset[str]:
    """The facts beyond the case row that ``trigger``'s guards read."""
    needed: frozenset[str] = frozenset()
    t = transition(trigger)
    for guard in (*t.guards, *t.warnings):
        needed |= GUARD_FACTS.get(guard, frozenset())
    return needed


TRIGGERS: tuple[str, ...] = tuple(t.trigger for t in TRANSITIONS)
INITIAL = State.intake
# The states no trigger leads out of into another state (the diagram's end): derived from the
# table (a closed case may still record a court's decision, which leaves it closed).
FINAL: tuple[State, ...] = tuple(
    s for s in State
    if not any(s in t.sources and t.dest not in (None, s) for t in TRANSITIONS))


class _GuardFailed(Exception):
    def __init__(self, why: Msg) -> None:
        super().__init__(why.id)
        self.why = why


def _condition(guard: Guard) -> Callable[[Any], bool]:
    def check(event: Any) -> bool:
        why = guard(event.model, event.kwargs["command"])
        if why is not None:
            raise _GuardFailed(why)
        return True

    return check


@cache
def machine() -> Machine:
    """The one Machine of this process, built from the table on first use."""
    return Machine(
        model=None,
        states=[s.value for s in State],
        transitions=[
            {
                "trigger": t.trigger,
                "source": [s.value for s in t.sources],
                "dest": "=" if t.dest is None else t.dest.value,
                "conditions": [_condition(g) for g in t.guards],
            }
            for t in TRANSITIONS
        ],
        initial=INITIAL.value,
        auto_transitions=False,
        send_event=True,
        model_attribute="state",
    )


def transition(trigger: str) -> Transition:
    for t in TRANSITIONS:
        if t.trigger == trigger:
            return t
    raise KeyError(trigger)


def warnings(subject: Subject, command: Command) -> list[Msg]:
    """What the table's warning checks of the command's trigger say (none refuses)."""
    found = (w(subject, command) for w in transition(command.trigger).warnings)
    return [w for w in found if w is not None]


def allowed_triggers(state: str) -> list[str]:
    """The triggers that may be fired from ``state``, in table order."""
    return [t.trigger for t in TRANSITIONS if state in t.sources]


def fire(subject: Subject, command: Command) -> str:
    """Fire the command's trigger on ``subject``; return the new state or raise Refused.

    ``subject.state`` is updated in place by the machine when the transition happens.
    """
    trigger = command.trigger
    if trigger not in TRIGGERS:
        raise KeyError(trigger)
    before = subject.state
    event = machine().events[trigger]
    try:
        event.trigger(subject, command=command)
    except _GuardFailed as failed:
        subject.state = before
        raise Refused(
            case=subject.number,
            state=before,
            action=trigger,
            why=failed.why,
            allowed=allowed_triggers(before),
        ) from None
    except MachineError:
        subject.state = before
        raise Refused(
            case=subject.number,
            state=before,
            action=trigger,
            why=msg("not allowed in this state"),
            allowed=allowed_triggers(before),
        ) from None
    return subject.state


# ---------------------------------------------------------------------------------------------
# When a step happened (补录, issue 15): every step may be entered late with ``--at``. The event
# keeps both times (eventlog: occurred_at, at); the case's milestones, its deadline and the
# statistics count by when it happened.

# Committee setting (``mediation calendar set --late-entry-days N``, docs/settings.md): how many
# days after it happened a step may still be entered. Later than that it is a correction for the
# director, not a late entry.
LATE_ENTRY_DAYS = 30
MAX_LATE_ENTRY_DAYS = 366
# Triggers that correct the record rather than record something that happened in the dispute:
# they happen when they are recorded, take no ``--at``, and are no "previous step" for one.
CORRECTIONS: tuple[str, ...] = ("amend",)


def occurrence(at: date, now: datetime, previous: datetime | None, cal: Calendar) -> datetime:
    """When a step entered with ``--at`` happened, as a naive-UTC instant (not yet checked:
    :func:`occurrence_problem`). A date and time is a wall time of the committee's zone (or an
    instant, with an offset). A date alone: today is now; an earlier day is its first instant,
    or the case's previous step when that came later on the same day (so the steps of one day
    keep the order they are entered in)."""
    if isinstance(at, datetime):
        return cal.to_utc(at)
    if at == cal.local_date(now):
        return now
    start = cal.start_of_day_utc(at)
    if previous is not None and start <= previous < cal.start_of_day_utc(at + timedelta(days=1)):
        return previous
    return start


def occurrence_problem(occurred: datetime, now: datetime, previous: datetime | None,
                       cal: Calendar, late_entry_days: int = LATE_ENTRY_DAYS) -> Msg | None:
    """Why a step cannot have happened at ``occurred`` (None when it can): in the future,
    before the case's previous step, or more than ``late_entry_days`` days ago (counted in
    local days)."""
    when = _local_text(cal, occurred)
    if occurred > now:
        return msg("--at {when} is in the future (now {now})", when=when,
                   now=_local_text(cal, now))
    if previous is not None and occurred < previous:
        return msg("--at {when} is before the case's previous step ({previous})", when=when,
                   previous=_local_text(cal, previous))
    if (cal.local_date(now) - cal.local_date(occurred)).days > late_entry_days:
        return msg("--at {when} is more than {days} days ago: a step may be entered at most "
                   "{days} days late (committee setting: mediation calendar set "
                   "--late-entry-days)", when=when, days=late_entry_days)
    return None


def _local_text(cal: Calendar, instant: datetime) -> str:
    return cal.local(instant).strftime("%Y-%m-%d %H:%M")


@dataclass
class Replay:
    """THE replay of one case's recorded steps: its events that carry a version, in ``seq``
    order, each checked against the transition table as it is applied.

    ``audit verify`` and ``db check`` both replay every case through this (via
    ``mediation.db.casefile``), so "what may have happened to a case" is judged by the same
    rule that decides what may happen to it.
    """

    state: str | None = None
    version: int = 0

    def step(self, action: str, from_state: str | None, to_state: str | None,
             version: int | None) -> Msg | None:
        """Apply one event; the reason it could not have happened, or None. The case is
        advanced either way, so that one bad event does not make every later one look bad."""
        problem = _step_problem(self.state, self.version, action, from_state, to_state,
                                version)
        if to_state is not None:
            self.state = to_state
        if version is not None:
            self.version = version
        return problem


# The one recorded step of a case that is not a trigger of the table: its registration.
_REGISTRATION = "new"


def _step_problem(state: str | None, last_version: int, action: str, from_state: str | None,
                  to_state: str | None, version: int | None) -> Msg | None:
    if version != last_version + 1:
        return msg("version {version} follows version {previous}", version=version or "-",
                   previous=last_version)
    if state is None:
        if action != _REGISTRATION or from_state is not None or to_state != INITIAL:
            return msg("the first event of a case must register it (new, into {state})",
                       state=INITIAL.value)
        return None
    if from_state != state:
        return msg("it starts from {from_state}, but the case was {state}",
                   from_state=from_state or "-", state=state)
    if action in TRIGGERS:
        t = transition(action)
        dest = state if t.dest is None else t.dest.value
        if state not in t.sources:
            return msg("{action} is not allowed in {state}", action=action, state=state)
        if to_state != dest:
            return msg("{action} from {state} leads to {dest}, not {to_state}", action=action,
                       state=state, dest=dest, to_state=to_state or "-")
        return None
    return msg("{action} is not a step of the workflow", action=action)


def mermaid() -> str:
    """A Mermaid state diagram generated from the live machine (not from the table text)."""
    m = machine()
    lines = ["stateDiagram-v2", f"    [*] --> {m.initial}"]
    for trigger, event in m.events.items():
        for source, transitions in event.transitions.items():
            for t in transitions:
                dest = t.dest if t.dest is not None else source
                lines.append(f"    {source} --> {dest} : {trigger}")
    lines.extend(f"    {s.value} --> [*]" for s in FINAL)
    return "\n".join(lines) + "\n"

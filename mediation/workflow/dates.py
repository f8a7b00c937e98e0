"""When a step happened (补录, issue 15): every step may be entered late with ``--at``. The
event keeps both times (eventlog: occurred_at, at); the case's milestones, its deadline and the
statistics count by when it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mediation.core.calendar import Calendar
from mediation.core.commands import Agree, Command, Judicial
from mediation.core.i18n import Msg, msg, name
from mediation.core.moments import TimeAlone

# Committee setting (``mediation calendar set --late-entry-days N``, docs/settings.md): how many
# days after it happened a step may still be entered. Later than that it is a correction for the
# director, not a late entry.
LATE_ENTRY_DAYS = 30
MAX_LATE_ENTRY_DAYS = 366
# Triggers that correct the record rather than record something that happened in the dispute:
# they happen when they are recorded, take no ``--at``, and are no "previous step" for one.
CORRECTIONS: tuple[str, ...] = ("amend",)
# Plans: triggers that record what is still to come rather than something that happened in the
# dispute (the next session agreed with the parties, ``case schedule``: an appointment). A
# booking made at 10:00 for tomorrow says nothing about this morning: a session held at 08:00
# is entered after it at its true time (a clerk's trial, issue 14).
PLANS: tuple[str, ...] = ("schedule",)
# THE events of a case that are no step in the dispute's time order: corrections and plans.
# None of them is the "previous step" a late entry is compared with (``occurrence_problem``),
# nor the first step a corrected registration is compared with (``registration_problem``).
# Every other trigger of the table is a step that happened (a record, :data:`RECORDS`, is one
# too, placed by its own rule); tests/integration/test_true_dates.py names each trigger's kind.
UNTIMED: tuple[str, ...] = (*CORRECTIONS, *PLANS)
REGISTRATION = "new"  # the registration's event (intake.register): no trigger of the table
# Records: steps that note something that happened while the case was in its state (a session's
# minutes, an escalation prevented, a follow-up visit, urging performance, a report to the
# police) without changing the state or anything a later step reads. A record found missing
# from the notebook after a later step was entered may still be entered at its true time: it
# may come before the case's latest step, but not before the case entered the state it belongs
# to. Every other step stays in time order: after the case's latest step.
RECORDS: tuple[str, ...] = ("session", "prevent", "visit", "urge", "police")


def occurrence(at: date, now: datetime, previous: datetime | None, cal: Calendar,
               earliest: datetime | None = None) -> datetime:
    """When a step entered with ``--at`` happened, as a naive-UTC instant (not yet checked:
    :func:`occurrence_problem`). A date and time is a wall time of the committee's zone (or an
    instant, with an offset). A date alone: today is now; an earlier day is its first instant,
    or the case's previous step when that came later on the same day (so the steps of one day
    keep the order they are entered in), or else ``earliest`` (a record: when the case entered
    its state) when that came later on the same day."""
    if isinstance(at, datetime):
        return cal.to_utc(at)
    if at == cal.local_date(now):
        return now
    start = cal.start_of_day_utc(at)
    end = cal.start_of_day_utc(at + timedelta(days=1))
    for later in (previous, earliest):
        if later is not None and start <= later < end:
            return later
    return start


def appointment_holds(day: date, last_session: date | None) -> bool:
    """THE rule of when the next session agreed with the parties (约定下次调解, ``case
    schedule``) still holds: ``day`` its day in the committee's calendar, ``last_session`` the
    local day of the case's latest recorded session (``case session``; None: none). A session
    held on the appointed day or after it (at or after the appointed time, or earlier that day)
    is that session held, and the appointment is done; a session held before that day leaves
    it standing. ``case show`` (下次调解) and the agenda
    both ask here."""
    return last_session is None or last_session < day


def session_order(held_at: datetime, entered: int) -> tuple[datetime, int]:
    """THE order a case's sessions are numbered in (第N次调解: case show, the printed records,
    the history): the order they were held, those held at the same instant in the order they
    were entered (``entered``, the stored ``no``). A session found missing and entered later at
    its true time (a record, :data:`RECORDS`) therefore renumbers the ones held after it:
    :func:`renumbering` says how."""
    return (held_at, entered)


def renumbering(held: list[tuple[datetime, int]], new: tuple[datetime, int]
                ) -> tuple[int, list[tuple[int, int]]]:
    """The number a session entered now (``new``: when held, its entry number) takes among the
    case's sessions (``held``, each as :func:`session_order` keys it), and each session's
    number before and after it that it changes (``[(2, 3), (3, 4)]``: 原第2次→第3次...)."""
    before = sorted(held)
    after = sorted([*held, new])
    moved = [(i, after.index(s) + 1) for i, s in enumerate(before, 1)
             if after.index(s) + 1 != i]
    return after.index(new) + 1, moved


def appointment_problem(when: datetime, now: datetime, cal: Calendar) -> Msg | None:
    """Why the next session cannot be at ``when`` (None when it can): it has passed, or is
    now (``when`` and ``now`` naive UTC, shown in the committee's wall time). An input error
    (exit 1), not a refusal of the step by the case's state: the time and now are named, and
    a time to come is offered (a clerk's trial: 今天 0点30 at 01:10 read as a state error)."""
    if when > now:
        return None
    return msg("the next session's time {when} has passed (now {now}): write a time to come, "
               "such as tomorrow 9:30", when=_local_text(cal, when), now=_local_text(cal, now))


def earliest(trigger: str, previous: datetime | None, state_began: datetime | None
             ) -> datetime | None:
    """The earliest time ``trigger`` may have happened: after the case's latest step, or for a
    record (:data:`RECORDS`) after the case entered its current state."""
    return state_began if trigger in RECORDS else previous


def occurrence_problem(occurred: datetime, now: datetime, previous: datetime | None,
                       cal: Calendar, late_entry_days: int = LATE_ENTRY_DAYS, *,
                       registered: datetime | None = None,
                       state: str | None = None, step: str | None = None,
                       at: date | None = None) -> Msg | None:
    """Why a step cannot have happened at ``occurred`` (None when it can): in the future,
    before the case's registration, before ``previous`` (the case's previous step, ``step`` its
    trigger, named in the refusal with its time, None: the registration; for a record,
    :data:`RECORDS`, when the case entered ``state``), or more than ``late_entry_days`` days
    ago (counted in local days). ``at``: the moment as typed (mediation.core.moments): a time
    typed alone in the future is offered as yesterday's (:func:`future`).
    Plans and corrections (:data:`UNTIMED`) are no previous step: the caller leaves them out."""
    when = _local_text(cal, occurred)
    if occurred > now:
        return future("--at", occurred, now, cal, at)
    if registered is not None and occurred < registered:
        return msg("--at {when} is before the case was registered ({registered}): no step "
                   "precedes the registration (a registration time entered wrong is corrected "
                   "with case amend --registered-at)", when=when,
                   registered=_local_text(cal, registered))
    if previous is not None and occurred < previous:
        when, before = _local_pair(cal, occurred, previous)
        if state is not None:
            return msg("--at {when} is before the case became {state} ({previous}): this "
                       "record belongs to that state", when=when, state=name("state", state),
                       previous=before)
        return msg("--at {when} is before the case's previous step, {step} ({previous})",
                   when=when, step=name("trigger", step or REGISTRATION), previous=before)
    if (cal.local_date(now) - cal.local_date(occurred)).days > late_entry_days:
        return msg("--at {when} is more than {days} days ago: a step may be entered at most "
                   "{days} days late (committee setting: mediation calendar set "
                   "--late-entry-days)", when=when, days=late_entry_days)
    return None


def registration_problem(registered: datetime, now: datetime, first_step: datetime | None,
                         discovered: datetime | None, year: int, cal: Calendar, *,
                         step: str | None = None, at: date | None = None) -> Msg | None:
    """THE rule of when a case's registration (登记时间) may be corrected to (``case amend
    --registered-at``, a clerk's trial, issue 14), None when it may: ``registered`` a naive-UTC
    instant, not in the future, not after ``first_step`` (the earliest step after the
    registration, :data:`UNTIMED` left out: what :func:`occurrence_problem` compares a step with;
    ``step`` its trigger, named in the refusal),
    not before ``discovered`` (the discovery time, 发现时间, if recorded), and in the case
    number's ``year`` (its local year: the number is that year's). ``at`` as for
    :func:`occurrence_problem`."""
    when = _local_text(cal, registered)
    if registered > now:
        return future("--registered-at", registered, now, cal, at)
    if first_step is not None and registered > first_step:
        when, first = _local_pair(cal, registered, first_step)
        return msg("--registered-at {when} is after the case's first step after registration, "
                   "{step} ({time}): a case is registered before any step", when=when,
                   step=name("trigger", step or "?"), time=first)
    if discovered is not None and registered < discovered:
        when, found = _local_pair(cal, registered, discovered)
        return msg("--registered-at {when} is before the dispute was discovered ({discovered})",
                   when=when, discovered=found)
    if cal.local(registered).year != year:
        return msg("--registered-at {when} is not in {year}: the case number is {year}'s",
                   when=when, year=year)
    return None


def future(option: str, when: datetime, now: datetime, cal: Calendar, at: date | None
           ) -> Msg:
    """THE refusal of a moment that happened but is in the future: ``when`` and ``now`` (naive
    UTC) in the committee's wall time; a time typed alone (``at`` a moments.TimeAlone: 3点一刻
    typed at 00:20 for the afternoon before) is offered as the same time yesterday, as typed."""
    shown, current = _local_text(cal, when), _local_text(cal, now)
    if isinstance(at, TimeAlone) and at.typed:
        return msg("{option} {when} is in the future (now {now}); if you meant yesterday, "
                   "write {option} \"yesterday {time}\"", option=option, when=shown,
                   now=current, time=at.typed)
    return msg("{option} {when} is in the future (now {now})", option=option, when=shown,
               now=current)


def _local_text(cal: Calendar, instant: datetime) -> str:
    return cal.local(instant).strftime("%Y-%m-%d %H:%M")


def _local_pair(cal: Calendar, earlier: datetime, later: datetime) -> tuple[str, str]:
    """Two instants in local wall time, to the minute, or to the second when the minute alone
    would show them equal (a clerk was told 03:59 is before 03:59)."""
    a, b = _local_text(cal, earlier), _local_text(cal, later)
    if a != b:
        return a, b
    return (cal.local(earlier).strftime("%Y-%m-%d %H:%M:%S"),
            cal.local(later).strftime("%Y-%m-%d %H:%M:%S"))


# ---------------------------------------------------------------------------------------------
# The dates a step's inputs carry (issue 15): one rule for all of them, checked by the guard
# ``dates_possible`` against the day the step happened (today, or its ``--at``).


@dataclass(frozen=True)
class DatedInput:
    """A date among a step's inputs: ``option`` names it as typed; a ``promise`` (a performance
    deadline) lies on or after the day the step happened, anything else is a fact of the past
    (a filing, a court's decision), on or before that day and never in the future; ``after``
    names the fact of the case it cannot precede (``judicial_filed_on``: the pending filing;
    ``agreement_reached_on``: the day the agreement was reached, for a performance deadline
    corrected later, which is checked against that day rather than the day it is corrected)."""

    option: str
    day: date
    promise: bool = False
    after: str | None = None


def dated_inputs(command: Command) -> list[DatedInput]:
    """The dates ``command`` carries that a rule checks."""
    if isinstance(command, Agree) and isinstance(command.due, date):
        return [DatedInput("--due", command.due, promise=True)]
    if isinstance(command, Judicial):
        if command.result is None and isinstance(command.filed_on, date):
            return [DatedInput("--filed", command.filed_on)]
        if command.result is not None and isinstance(command.decided_on, date):
            return [DatedInput("--decided", command.decided_on, after="judicial_filed_on")]
    return []


def dated_input_problem(item: DatedInput, step_day: date, today: date,
                        bound: date | None) -> Msg | None:
    """Why ``item`` cannot be (None when it can): a fact of the past in the future or after the
    day its step happened, a promise before that day, either before ``bound`` (the fact it
    follows)."""
    when = item.day.isoformat()
    if not item.promise and item.day > today:
        return msg("{option} {date} is in the future (today {today})", option=item.option,
                   date=when, today=today.isoformat())
    if not item.promise and item.day > step_day:
        return msg("{option} {date} is after the day this step happened ({day}, --at)",
                   option=item.option, date=when, day=step_day.isoformat())
    if item.promise and item.after is None and item.day < step_day:
        return msg("{option} {date} is before the day this step happened ({day})",
                   option=item.option, date=when, day=step_day.isoformat())
    if bound is not None and item.day < bound and item.after == "judicial_filed_on":
        return msg("the court cannot decide ({decided}) before the filing ({filed})",
                   decided=when, filed=bound.isoformat())
    if bound is not None and item.day < bound and item.after == "agreement_reached_on":
        return msg("{option} {date} is before the agreement was reached ({reached}): a "
                   "performance deadline is on or after that day", option=item.option,
                   date=when, reached=bound.isoformat())
    return None

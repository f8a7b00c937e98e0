"""What is due (``mediation agenda``, 待办): the day's work of the signed-in user.

Eleven kinds of item, each a case, the date it concerns, what to do next and the command to do it:

- ``overdue``: a case past its period (accepted or mediating, the deadline gone: Rules art. 33);
- ``due_soon``: a case whose period ends within ``days`` days;
- ``session``: the next mediation session agreed with the parties (``case schedule``), today or
  within ``days`` days;
- ``performance``: a confirmed agreement whose performance date has come, with no follow-up
  visit since;
- ``urge``: a confirmed agreement whose last visit found it partly or not performed, no party
  urged since (督促履行, Law art. 31: at once);
- ``follow_up``: a confirmed agreement in effect for ``FOLLOW_UP_DAYS`` days with no visit in
  that time, or whose last visit found it not (fully) performed; a terminated or declined case
  with no visit ``FOLLOW_UP_DAYS`` days after it ended (DOMAIN.md: the visit records
  performance, satisfaction, any lawsuit);
- ``feedback``: a case whose mediation ended (confirmed, terminated, declined) and whose outcome
  has not been reported back to whoever brought the dispute (反馈: due at once, the last of the
  five first-times);
- ``close``: a case the workflow's one rule of closing lets close (``workflow.closable``: visited,
  fed back, an agreement fully performed), not yet closed and filed (结案归档), once its written
  agreement's window for judicial confirmation has ended or a filing was made
  (``workflow.judicial_window_end``);
- ``judicial``: a written agreement whose 30-day window for judicial confirmation (Law art. 33)
  closes within ``days`` days, with no application filed;
- ``intake``: a case waiting in intake for more than ``intake_days`` days;
- ``assign``: an accepted case with no mediator, at once, for whoever appoints them
  (``case.assign``: the director); a mediator who accepts takes the case on
  (``policy.takes_on_accept``), so this is a case the director accepted.

Whose (``policy.agenda_scope``, the one rule): by default a director's agenda is the whole
committee's (a director oversees it), anyone else's the cases assigned to them and the cases
waiting in intake (which any director or mediator may accept); ``mine=True`` (``--mine``): only
the cases assigned to the user; ``everyone=True`` (``--committee``): every case of the committee the
user may read (for a mediator that is their default). Dates are the committee's local dates.

A command never carries an outcome or a text the clerk must supply: where one is needed it
holds a placeholder (``--reason ‹原因›``: core.placeholders), which the command line refuses
until it is replaced; a default that is right (``case feedback``'s recipient: whoever brought
the dispute, mediation.recipients) is left to the command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text

from mediation import calendars
from mediation.access.policy import (
    COMMITTEE,
    MINE,
    Actor,
    agenda_scope,
    allowed,
    case_scope,
    refused,
    require,
    sees_names,
)
from mediation.caselist import summaries_as_seen_by
from mediation.core import clock
from mediation.core.calendar import Calendar
from mediation.core.errors import UsageError
from mediation.core.i18n import N_, Msg, join, msg
from mediation.core.normalise import short_ref
from mediation.core.placeholders import one_of, placeholder
from mediation.db.casestore import procedure_settings
from mediation.db.storage import UnitOfWork
from mediation.tables import Committee
from mediation.workflow import OPEN_STATES, Settings, Subject, closable, judicial_window_end

DAYS = 7  # "due within": the period, the judicial window
INTAKE_DAYS = 3  # waiting in intake longer than this
FOLLOW_UP_DAYS = 30  # an agreement in effect this long wants a visit
KINDS = ("overdue", "assign", "session", "performance", "judicial", "urge", "due_soon",
         "follow_up", "feedback", "close", "intake")


@dataclass(frozen=True)
class Item:
    kind: str
    case_id: int
    number: str
    ref: str  # the short form a clerk types (龙12; 2025龙12 for another year)
    state: str
    parties: str
    when: date  # the date it concerns
    days: int  # from today to ``when`` (negative: past)
    todo: Msg
    command: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "case_id": self.case_id, "number": self.number,
                "ref": self.ref, "state": self.state, "parties": self.parties,
                "date": self.when.isoformat(), "days": self.days, "todo": self.todo.render(),
                "command": self.command}


_CASES = """
SELECT c.id, c.number, c.year, c.seq, c.state, c.deadline, c.registered_at, c.lead_mediator,
       c.concluded_at, c.declined_at, c.fed_back_at, c.accepted_at,
       (SELECT COUNT(*) FROM extension e WHERE e.case_id = c.id) AS extensions,
       a.form, a.due, a.effective_at,
       (SELECT MAX(f.visited_at) FROM follow_up f WHERE f.case_id = c.id) AS visited,
       (SELECT f.performance FROM follow_up f WHERE f.case_id = c.id
        ORDER BY f.visited_at DESC, f.id DESC LIMIT 1) AS performed,
       (SELECT MAX(u.urged_at) FROM urging u WHERE u.case_id = c.id) AS urged,
       (SELECT COUNT(*) FROM judicial_confirmation j WHERE j.case_id = c.id
                                                     AND j.agreement_id = a.id) AS filed,
       (SELECT e.changes FROM event e WHERE e.case_id = c.id AND e.action = 'schedule'
        ORDER BY e.seq DESC LIMIT 1) AS scheduled,
       (SELECT MAX(e.seq) FROM event e WHERE e.case_id = c.id AND e.action = 'schedule')
        AS scheduled_seq,
       (SELECT MAX(s.held_at) FROM mediation_session s WHERE s.case_id = c.id) AS held
FROM cases c
LEFT JOIN agreement a ON a.case_id = c.id AND a.superseded_at IS NULL
WHERE {where}
ORDER BY c.id
"""


@dataclass(frozen=True)
class Due:
    """An agenda: its items, whose cases they are (``policy.MINE``, ``MINE_AND_INTAKE`` or
    ``COMMITTEE``), and the wider scope ``--committee`` would show ("" when it is the same)."""

    items: list[Item]
    scope: str
    wider: str


def agenda(uow: UnitOfWork, actor: Actor, *, everyone: bool = False, mine: bool = False,
           days: int = DAYS, intake_days: int = INTAKE_DAYS) -> list[Item]:
    """The user's items, most urgent first (the earliest date first): :func:`due`'s."""
    return due(uow, actor, everyone=everyone, mine=mine, days=days,
               intake_days=intake_days).items


def due(uow: UnitOfWork, actor: Actor, *, everyone: bool = False, mine: bool = False,
        days: int = DAYS, intake_days: int = INTAKE_DAYS) -> Due:
    """The agenda of the cases ``policy.agenda_scope`` gives. A grid worker, who may read no
    case file, is pointed to their own leads instead of the general refusal."""
    if mine and everyone:
        raise UsageError(msg("--mine and --committee exclude each other: give one of them"))
    if not allowed(actor, "case.read") and allowed(actor, "lead.read.own"):
        raise refused(actor, "case.read", msg(
            "has no case agenda: what became of your leads is in `mediation lead list --mine`"))
    require(actor, "case.read")
    cal = calendars.of(uow, actor.committee_id)
    then = calendars.zone_then(uow, actor.committee_id)  # read only for an old booking
    rules = procedure_settings(uow, actor.committee_id)
    now = uow.now().replace(tzinfo=None)
    today = cal.local_date(now)
    where = ["c.committee_id = :committee_id",
             "c.state IN ('intake', 'accepted', 'mediating', 'confirmed', 'terminated', "
             "'declined')"]
    params: dict[str, Any] = {"committee_id": actor.committee_id, "me": actor.username}
    scope = agenda_scope(actor, mine=mine, everyone=everyone)
    assigned = "c.id IN (SELECT case_id FROM case_mediator WHERE username = :me)"
    if scope == MINE:
        where.append(assigned)
    elif scope != COMMITTEE:  # theirs, and the cases waiting in intake
        where.append(f"({assigned} OR c.state = 'intake')")
    elif not allowed(actor, "case.workflow"):
        where.append("c.state <> 'intake'")  # nothing to do there for a reader
    rows = uow.session.connection().execute(text(_CASES.format(where=" AND ".join(where))),
                                            params).all()
    prefix = _prefix(uow, actor.committee_id)
    found: list[tuple[Any, str, str, date, Msg, str]] = []
    for r in rows:
        ref = short_ref(r.year, prefix, r.seq, this_year=today.year)
        for kind, when, todo, command in _items(r, ref, now, today, cal, rules, days, intake_days,
                                                actor, then):
            found.append((r, ref, kind, when, todo, command))
    shown = {s.id: s for s in summaries_as_seen_by(uow, sorted({f[0].id for f in found}),
                                                   names_ok=sees_names(actor))}
    items = []
    for r, ref, kind, when, todo, command in found:
        s = shown[r.id]
        parties = msg("{applicants} v. {respondents}", applicants=join(s.applicants),
                      respondents=join(s.respondents)).render()
        late = -s.days_overdue if kind == "overdue" else None  # as case list says it
        items.append(Item(kind, r.id, r.number, ref, r.state, parties,
                          when, (when - today).days if late is None else late, todo, command))
    items.sort(key=lambda i: (i.days, KINDS.index(i.kind), i.case_id))
    widest = case_scope(actor)
    return Due(items, scope, wider=widest if widest != scope else "")


def _prefix(uow: UnitOfWork, committee_id: int) -> str:
    committee = uow.session.get(Committee, committee_id)
    return committee.prefix if committee is not None else ""


def _dt(value: Any) -> datetime | None:
    """A stored timestamp (SQLite hands raw SQL's back as text)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _items(r: Any, ref: str, now: datetime, today: date, cal: Calendar, rules: Settings,
           days: int, intake_days: int, actor: Actor, then: Callable[[int], Calendar]
           ) -> list[tuple[str, date, Msg, str]]:
    out: list[tuple[str, date, Msg, str]] = []
    if r.state == "accepted" and not r.lead_mediator and allowed(actor, "case.assign"):
        accepted = _dt(r.accepted_at)
        since = cal.local_date(accepted) if accepted is not None else today
        out.append(("assign", since, msg(  # at once: nobody mediates it until then
            "accepted {date} with no mediator: appoint one", date=since.isoformat()),
            f"mediation case assign {ref} --mediator {_ph('mediator')}"))
    deadline = _dt(r.deadline)
    if r.state in OPEN_STATES and deadline is not None:
        end = cal.last_day_of(deadline)  # the last day, as case list shows it
        if deadline <= now:  # an extension is applied for before the period ends
            if r.state == "accepted":
                cmd = _mediate(r, ref, actor)
            else:
                cmd = (f"mediation case terminate {ref} --reason {_ph('reason for ending')} "
                       f"--advice {_ph('advice given')}")
            out.append(("overdue", end, msg(
                "past its period (it ended {date}): conclude it, with the agreement reached "
                "or by ending mediation", date=end.isoformat()), cmd))
        elif (end - today).days <= days:
            if r.state == "accepted":
                out.append(("due_soon", end, msg(
                    "its period ends {date}: start mediating", date=end.isoformat()),
                    _mediate(r, ref, actor)))
            elif not r.extensions:
                out.append(("due_soon", end, msg(
                    "its period ends {date}: record the agreement, or extend the period with "
                    "the parties' consent before then", date=end.isoformat()),
                    f"mediation case extend {ref} --days {_ph('days')} --reason {_ph('reason')} "
                    "--consent"))
            else:
                out.append(("due_soon", end, msg(
                    "its period ends {date}: record the agreement, or end mediation",
                    date=end.isoformat()), f"mediation case agree {ref} --terms {_ph('terms')}"))
    out.extend(_session(r, ref, today, days, actor, cal, then))
    if r.state == "intake":
        registered = _dt(r.registered_at)
        if registered is not None:
            since = cal.local_date(registered)
            if (today - since).days > intake_days:
                out.append(("intake", since + timedelta(days=intake_days), msg(
                    "waiting in intake since {date}: accept it or decline it",
                    date=since.isoformat()), f"mediation case accept {ref}"))
    visited = _dt(r.visited)
    last_visit = cal.local_date(visited) if visited else None
    if r.state == "confirmed" and r.effective_at is not None:
        effective = cal.local_date(_dt(r.effective_at) or now)
        visit = (f"mediation case visit {ref} --performance {one_of('performance')} "
                 f"--satisfaction {one_of('satisfaction')}")
        due = _day(r.due)
        if due is not None and due <= today and (last_visit is None or last_visit < due):
            out.append(("performance", due, msg(
                "the agreement was to be performed by {date}: visit the parties and record "
                "how it is performed", date=due.isoformat()), visit))
        elif last_visit is not None and r.performed in ("partial", "none") and (
                _dt(r.urged) is None or (_dt(r.urged) or now) < (visited or now)):
            out.append(("urge", last_visit, msg(  # Law art. 31: urged at once
                "the follow-up visit of {date} found the agreement not fully performed: urge "
                "performance", date=last_visit.isoformat()),
                f"mediation case urge {ref} --note {_ph('whom and how')}"))
        elif last_visit is None or r.performed != "full":
            since = last_visit or effective
            if (today - since).days >= FOLLOW_UP_DAYS:
                out.append(("follow_up", since + timedelta(days=FOLLOW_UP_DAYS), msg(
                    "no follow-up visit since {date}: visit the parties and record how the "
                    "agreement is performed", date=since.isoformat()), visit))
        window_end = judicial_window_end(r.form, effective, bool(r.filed))
        if window_end is not None and 0 <= (window_end - today).days <= days:
            out.append(("judicial", window_end, msg(
                "the 30 days to apply for judicial confirmation end {date}, if the parties "
                "want it", date=window_end.isoformat()),
                f"mediation case judicial {ref} --court {_ph('court')}"))
    out.extend(_after_mediation(r, ref, today, cal, last_visit, rules))
    return out


def _session(r: Any, ref: str, today: date, days: int, actor: Actor, cal: Calendar,
             then: Callable[[int], Calendar]) -> list[tuple[str, date, Msg, str]]:
    """The next session agreed (``case schedule``), today or within ``days`` days, while it
    holds (steps_schedule.holds: no session recorded on its day or after); its time an
    instant, shown in the committee's zone as case show shows it (steps_schedule.instant)."""
    from mediation.steps_schedule import SCHEDULED, appointment, holds, instant

    nxt = appointment(r.scheduled, lambda: then(int(r.scheduled_seq))) \
        if r.scheduled and r.state in SCHEDULED else None
    if nxt is None or not holds(nxt, r.held, cal):
        return []
    booked = instant(nxt["at"], lambda: cal)
    day = cal.local_date(booked)
    if not 0 <= (day - today).days <= days:
        return []
    where = f" {nxt['place']}" if nxt.get("place") else ""
    cmd = (f"mediation case session {ref} --minutes {_ph('minutes')}" if r.state == "mediating"
           else _mediate(r, ref, actor))
    return [("session", day, msg("next mediation session {when}{place}: hold it, then record "
                                 "it", when=clock.shown(booked, cal), place=where), cmd)]


def _after_mediation(r: Any, ref: str, today: date, cal: Calendar, last_visit: date | None,
                     rules: Settings) -> list[tuple[str, date, Msg, str]]:
    """Feedback, the follow-up of a case ended without agreement, and closing (issue 15)."""
    ended_at = _dt({"confirmed": r.effective_at, "terminated": r.concluded_at,
                    "declined": r.declined_at}.get(r.state))
    if ended_at is None:
        return []
    ended = cal.local_date(ended_at)
    out: list[tuple[str, date, Msg, str]] = []
    fed_back = _dt(r.fed_back_at)
    if fed_back is None:  # to whoever brought the dispute: case feedback's own default
        out.append(("feedback", ended, _ended(r.state, ended),
                    f"mediation case feedback {ref} --channel {one_of('channel')}"))
    if r.state != "confirmed" and last_visit is None \
            and (today - ended).days >= FOLLOW_UP_DAYS:
        out.append(("follow_up", ended + timedelta(days=FOLLOW_UP_DAYS), msg(
            "no follow-up visit since {date}: visit the parties",
            date=ended.isoformat()),
            f"mediation case visit {ref} --satisfaction {one_of('satisfaction')}"))
    ready = Subject(number=r.number, state=r.state, visits=1 if last_visit else 0,
                    fed_back=fed_back is not None, last_performance=r.performed,
                    settings=rules)
    # a written agreement's parties may still apply for judicial confirmation (Law art. 33):
    # closing is suggested once the window has ended (a filing made in it may still be
    # recorded after closing: workflow.judicial)
    window = judicial_window_end(r.form, ended, bool(r.filed)) if r.state == "confirmed" else None
    if fed_back is not None and closable(ready) and (window is None or today > window):
        since = [last_visit or ended, cal.local_date(fed_back)]
        out.append(("close", max(since + ([window + timedelta(days=1)] if window else [])), msg(
            "visited and fed back: close and file the case"), f"mediation case close {ref}"))
    return out


# What ended a case, as its feedback item says it (one place: by the case's end state).
_ENDED = {"confirmed": N_("the agreement took effect {date}: report the outcome back to whoever "
                          "brought the dispute"),
          "terminated": N_("mediation ended {date}: report the outcome back to whoever brought "
                           "the dispute"),
          "declined": N_("the case was declined {date}: report it back to whoever brought the "
                         "dispute")}


def _ended(state: str, ended: date) -> Msg:
    return msg(_ENDED[state], date=ended.isoformat())


# The values a clerk must supply, each a placeholder (core.placeholders) in the reader's language.
_SUPPLY = {"advice given": N_("advice given"), "court": N_("court"), "days": N_("days"),
           "mediator": N_("mediator user name"), "minutes": N_("minutes"), "reason": N_("reason"),
           "reason for ending": N_("reason for ending"), "terms": N_("terms"),
           "whom and how": N_("whom and how")}


def _mediate(r: Any, ref: str, actor: Actor) -> str:
    """Start mediating: with the lead mediator (or the user). ``--rights-notified`` is left for
    the mediator to add when the parties were told their rights and duties (Rules art. 30):
    run as printed before that, the step is refused saying so (workflow.rights_notified)."""
    return f"mediation case mediate {ref} --mediator {r.lead_mediator or actor.username}"


def _ph(what: str) -> str:
    """A value the clerk must supply, in the reader's language: ``‹原因›``."""
    return placeholder(msg(_SUPPLY[what]).render())

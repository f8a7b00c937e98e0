"""A mediation session's minutes (调解会谈, ``case session``, 第N次调解).

Sessions are numbered in the order they were held (``workflow.session_order``, the one rule
case show, the printed records and the history follow). A session found missing from the
notebook may be entered at its true time after later ones (a record, ``workflow.RECORDS``):
it then takes its place, and the sessions held after it are renumbered. The clerk is told so
when recording it (``workflow.renumbering``: 原第2次→第3次), the event records it (the session's
own number and ``renumbered``: the numbers before → after, shown in the history), and a
record already printed that carries an old number is named, to be printed again: a printout of
第2次 must not stand for a session that is now 第3次 (issue 14, the clerk's desk).
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select

from mediation import workflow
from mediation.access.policy import Actor
from mediation.cases import Case, MediationSession
from mediation.core import identity
from mediation.core.calendar import Calendar
from mediation.core.clock import shown
from mediation.core.commands import Session, StepDone
from mediation.core.i18n import N_, Msg, join, msg
from mediation.db.storage import UnitOfWork
from mediation.step_machinery import Changes, Twin, step, text_inputs
from mediation.tables import Event

_EVENT = Event.__table__  # type: ignore[attr-defined]
_SESSION = MediationSession.__table__  # type: ignore[attr-defined]
# Display name of the field the event records the renumbering under (history, audit).
EVENT_NAMES = (N_("field.renumbered"),)


@text_inputs(multiline=("minutes",), line=("place", "attendees"))
def session(uow: UnitOfWork, actor: Actor, ref: str | int, *, minutes: str,
            place: str | None = None, attendees: str | None = None,
            expected_version: int | None = None,
            at: date | None = None) -> StepDone:
    notes: list[Msg] = []

    def apply(case: Case) -> Changes:
        assert case.id is not None
        held = [(_dt(h), int(n)) for h, n in uow.conn.execute(
            select(_SESSION.c.held_at, _SESSION.c.no)
            .where(_SESSION.c.case_id == case.id)).all()]
        row = MediationSession(case_id=case.id, no=len(held) + 1, held_at=uow.now(),
                               place=place, attendees=attendees, minutes=minutes.strip(),
                               recorded_by=actor.username)
        number, moved = workflow.renumbering(held, workflow.session_order(row.held_at, row.no))
        uow.session.add(row)
        changes: Changes = {"session": [None, {
            "no": number, "place": place, "attendees": attendees,
            "minutes": identity.scrub(row.minutes)}]}
        if moved:
            changes["renumbered"] = [[a for a, _ in moved], [b for _, b in moved]]
            notes.extend(_told(uow, case, row.held_at, number, moved, held))
        return changes

    twin = Twin(MediationSession.__table__, "held_at",  # type: ignore[attr-defined]
                {"minutes": minutes.strip(), "place": place, "attendees": attendees})
    done = step(uow, actor, ref, Session(minutes=minutes, place=place, attendees=attendees),
                apply, expected_version=expected_version, at=at, twin=twin)
    return replace(done, warnings=(*done.warnings, *(n.render() for n in notes)))


def _dt(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _told(uow: UnitOfWork, case: Case, held_at: datetime, number: int,
          moved: list[tuple[int, int]], held: list[tuple[datetime, int]]) -> list[Msg]:
    """What the clerk is told: the renumbering, and the records printed with an old number."""
    from mediation import calendars

    cal = calendars.of(uow, case.committee_id)
    moves = [msg("renumbered {old} → {new}", old=a, new=b).render() for a, b in moved]
    out = [msg("this session ({when}) was held before session {first} already recorded: it "
               "is session {no}, and the later ones are renumbered: {moves}",
               when=shown(held_at, cal), first=moved[0][0], no=number, moves=join(moves))]
    stale = _printed_stale(uow, case, held, (held_at, len(held) + 1))
    if stale:
        which = [msg("session {old} printed {day}, now {new}", old=a, new=b, day=d).render()
                 for a, b, d in stale]
        out.append(msg("records of sessions printed before carry the old numbers: {which}; "
                       "print them again (mediation case print session {case} --version N)",
                       which=join(which), case=_ref(uow, case, cal)))
    return out


def _ref(uow: UnitOfWork, case: Case, cal: Calendar) -> str:
    """The case's short form (龙12) for a command to copy."""
    from mediation.core.normalise import short_ref
    from mediation.tables import Committee

    committee = uow.session.get(Committee, case.committee_id)
    return short_ref(case.year, committee.prefix if committee else "", case.seq,
                     this_year=cal.local_date(uow.now()).year)


def _printed_stale(uow: UnitOfWork, case: Case, held: list[tuple[datetime, int]],
                   new: tuple[datetime, int]) -> list[tuple[int, int, str]]:
    """Each session record printed (a full copy: ``reveal`` events with the reason ``print``,
    naming ``session-N``) whose number the new session changes: (number printed, number
    now, the local day printed). The sessions a print saw are those entered before it."""
    from mediation import calendars

    e = _EVENT
    events = uow.conn.execute(select(e.c.seq, e.c.action, e.c.reason, e.c.changes, e.c.at)
                              .where(e.c.case_id == case.id).order_by(e.c.seq)).all()
    after = sorted([*held, new])
    cal = calendars.of(uow, case.committee_id)
    entered = 0
    out: dict[tuple[int, int], str] = {}
    for _seq, action, reason, changes, at in events:
        if action == "session":
            entered += 1
            continue
        if action != "reveal" or reason != "print":
            continue
        keys = (json.loads(changes).get("documents") or [None, []])[1] or []
        seen = sorted(s for s in held if s[1] <= entered)
        for key in keys:
            kind, _, no = str(key).rpartition("-")
            if kind == "session" and no.isdigit() and 0 < int(no) <= len(seen):
                now = after.index(seen[int(no) - 1]) + 1
                if now != int(no):
                    out.setdefault((int(no), now), cal.local_date(_dt(at)).isoformat())
    return [(a, b, d) for (a, b), d in sorted(out.items())]

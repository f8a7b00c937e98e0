"""A mediator who accepts a case no mediator is assigned to becomes its mediator (a clerk's
trial: 李明 accepted case 3, then could not see it, and nobody's agenda said so until the
director asked for --days 30). ``policy.takes_on_accept`` is the one rule; the accept event
records it; an accepted case left without a mediator (the director accepted it) is on the
director's default agenda at once.

Every combination of who accepts (the director, a mediator) and who was assigned before (no one,
the acceptor, another mediator) is checked, exhaustively: afterwards whoever accepted can still
read the case unless another mediator had it, the accept event names any mediator it appointed,
and a case with no mediator is on the director's agenda, at once."""

from __future__ import annotations

import pytest

from mediation import agenda, intake, queries, steps
from mediation.core.errors import PermissionDenied
from tests.conftest import Room, case_record


def _new(room: Room) -> int:
    record = intake.parse_case(case_record())
    return int(room.run(intake.new_case, room.director, record, force=True)["id"])


@pytest.mark.parametrize("before", [None, "liming", "zhaomin"])
@pytest.mark.parametrize("acceptor", ["director", "mediator"])
def test_whoever_accepts_keeps_the_case_in_sight(room: Room, acceptor: str,
                                                 before: str | None) -> None:
    cid = _new(room)
    if before is not None:
        room.run(steps.assign, None, cid, mediator=before)
    actor = room.director if acceptor == "director" else room.mediator  # liming
    room.run(steps.accept, actor, cid)
    with room.uow(write=False) as uow:
        view = queries.case_view(uow, room.director, cid)
        events = queries.history(uow, room.director, cid)
    took = acceptor == "mediator" and before is None
    lead = "liming" if took else before
    leads = [m for m in view.mediators if m.get("lead")]
    assert [m["username"] for m in leads] == ([lead] if lead else []), view.mediators
    accept = [e for e in events if e.action == "accept"][-1]
    assert ("lead_mediator" in accept.changes) == took, accept
    if took:
        assert accept.changes["lead_mediator"] == [None, "liming"]
    with room.uow(write=False) as uow:  # the acceptor still reads it, unless it is another's
        if acceptor == "mediator" and before == "zhaomin":
            with pytest.raises(PermissionDenied):
                queries.case_view(uow, actor, cid)
        else:
            assert queries.case_view(uow, actor, cid).id == cid
    with room.uow(write=False) as uow:
        items = [i for i in agenda.agenda(uow, room.director) if i.case_id == cid]
    assert [i.kind for i in items] == (["assign"] if lead is None else []), items
    if lead is None:
        assert items[0].days == 0 and items[0].command.startswith("mediation case assign ")
        room.run(steps.assign, None, cid, mediator="zhaomin")
        with room.uow(write=False) as uow:
            assert not [i for i in agenda.agenda(uow, room.director) if i.case_id == cid]

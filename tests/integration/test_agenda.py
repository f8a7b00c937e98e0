"""`mediation agenda` (待办) on both backends: each kind of item appears when it is due, for
whom, with the command that does it (issue 14)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from mediation import agenda, committee, intake, steps
from mediation.access.policy import Actor
from tests.conftest import Room, case_record


def _new(room: Room) -> int:
    record = intake.parse_case(case_record())
    return int(room.run(intake.new_case, room.director, record, force=True)["id"])


def _items(room: Room, actor: Actor | None = None, **kw: Any) -> list[agenda.Item]:
    with room.uow(write=False) as uow:
        return agenda.agenda(uow, actor or room.director, **kw)


def _kinds(room: Room, actor: Actor | None = None, **kw: Any) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for i in _items(room, actor, **kw):
        out.setdefault(i.case_id, []).append(i.kind)
    return out


def _mediating(room: Room) -> int:
    cid = _new(room)
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    return cid


def test_intake_waiting_is_due_after_n_days(room: Room) -> None:
    cid = _new(room)
    assert cid not in _kinds(room)
    room.clock.advance(days=4)
    items = [i for i in _items(room) if i.case_id == cid]
    assert [i.kind for i in items] == ["intake"]
    assert items[0].command.startswith("mediation case accept 龙") and items[0].days < 0
    assert cid not in _kinds(room, intake_days=10)
    assert _kinds(room, room.mediator)[cid] == ["intake"]  # any mediator may accept it


def test_the_period_ending_and_past(room: Room) -> None:
    cid = _mediating(room)
    assert cid not in _kinds(room, room.mediator)
    room.clock.advance(days=26)
    soon = [i for i in _items(room, room.mediator) if i.case_id == cid]
    assert [i.kind for i in soon] == ["due_soon"] and soon[0].days >= 0
    assert soon[0].command.startswith(f"mediation case extend {soon[0].ref}")
    room.run(steps.extend, None, cid, days=3, reason="等待鉴定", consent=True)
    soon = [i for i in _items(room, room.mediator, days=30) if i.case_id == cid]
    assert [i.kind for i in soon] == ["due_soon"] and "mediation case agree" in soon[0].command
    room.clock.advance(days=10)
    late = next(i for i in _items(room, room.mediator) if i.case_id == cid)
    assert late.kind == "overdue" and late.days < 0
    assert late.command.startswith(f"mediation case terminate {late.ref}")


def test_performance_follow_up_and_judicial_window(room: Room) -> None:
    cid = _mediating(room)
    room.run(steps.session, None, cid, minutes="双方同意")
    today = room.clock.now.date()
    room.run(steps.agree, None, cid, terms="月底前赔偿500元", written=True,
             due=today + timedelta(days=10))
    room.run(steps.confirm, None, cid)
    kinds = _kinds(room, room.mediator)
    assert kinds.get(cid) == ["feedback"]  # window ends in 30 days, due in 10
    room.run(steps.feedback, None, cid, to="申请人", channel="phone")
    assert cid not in _kinds(room, room.mediator)
    room.clock.advance(days=11)
    kinds = _kinds(room, room.mediator)
    assert kinds[cid] == ["performance"]
    room.clock.advance(days=14)
    items = {i.kind: i for i in _items(room, room.mediator) if i.case_id == cid}
    assert set(items) == {"performance", "judicial"}
    assert items["judicial"].command.startswith(f"mediation case judicial {items['judicial'].ref}")
    assert "case visit" in items["performance"].command


def test_visit_feedback_and_close_are_due_in_turn(room: Room) -> None:
    """Issue 15: a partly performed agreement wants another visit (not closing); once fully
    performed and fed back, closing is due; a terminated case wants its visit too."""
    cid = _mediating(room)
    room.run(steps.session, None, cid, minutes="双方同意")
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True)
    room.run(steps.confirm, None, cid)
    room.run(steps.feedback, None, cid, to="申请人", channel="phone")
    room.run(steps.visit, None, cid, visited="张三", performance="partial",
             satisfaction="satisfied")
    urge = [i for i in _items(room, room.mediator) if i.case_id == cid]  # at once (issue 14)
    assert [i.kind for i in urge] == ["urge"] and urge[0].days == 0
    assert urge[0].command.startswith(f"mediation case urge {urge[0].ref} --note ‹")
    room.run(steps.urge, None, cid, note="电话督促被申请人")
    assert cid not in _kinds(room, room.mediator)
    room.clock.advance(days=31)
    assert _kinds(room, room.mediator)[cid] == ["follow_up"]
    room.run(steps.visit, None, cid, visited="张三", performance="full",
             satisfaction="satisfied")
    close = [i for i in _items(room, room.mediator) if i.case_id == cid]
    assert [i.kind for i in close] == ["close"]
    assert close[0].command == f"mediation case close {close[0].ref}"
    room.run(steps.close, None, cid)
    assert cid not in _kinds(room, room.mediator)

    ended = _mediating(room)
    room.run(steps.terminate, None, ended, reason="no_agreement", advice="可向法院起诉")
    items = [i for i in _items(room, room.mediator) if i.case_id == ended]
    assert [i.kind for i in items] == ["feedback"]
    # whoever brought it: case feedback's own default, no --to; the channel is the clerk's
    assert items[0].command == f"mediation case feedback {items[0].ref} --channel " \
        "‹in_person/phone/message/written›"
    room.clock.advance(days=30)
    assert _kinds(room, room.mediator)[ended] == ["feedback", "follow_up"]


def test_whose_items(room: Room) -> None:
    mine, theirs = _mediating(room), _new(room)
    room.run(steps.accept, None, theirs)
    room.run(steps.mediate, None, theirs, mediator="zhaomin", rights_notified=True)
    room.clock.advance(days=40)
    assert mine in _kinds(room, room.mediator) and theirs not in _kinds(room, room.mediator)
    assert theirs not in _kinds(room, room.mediator, everyone=True)  # not theirs to read
    assert {mine, theirs} <= set(_kinds(room, everyone=True))
    assert mine not in _kinds(room, mine=True)  # the director's own: none assigned
    assert set(_kinds(room)) == set(_kinds(room, everyone=True))  # a director oversees it all
    with room.uow() as uow:
        committee.add_staff(uow, room.director, username="sunli", name="孙丽", role="auditor")
        uow.commit()
    with room.uow(write=False) as uow:
        auditor = committee.resolve_actor(uow, "sunli")
    seen = _items(room, auditor, everyone=True)
    assert {i.case_id for i in seen} == {mine, theirs}
    assert all("张三" not in i.parties for i in seen)  # names masked for the auditor


def test_whose_by_default_and_mine(room: Room) -> None:
    """Issue 14: a director's agenda is the committee's by default, ``--mine`` only theirs; a
    mediator's is their own and intake by default, ``--mine`` leaves intake out; the rule is
    the access policy's (``agenda_scope``)."""
    import pytest

    from mediation.core.errors import UsageError

    waiting, theirs = _new(room), _mediating(room)  # intake; assigned to liming
    room.clock.advance(days=40)
    with room.uow(write=False) as uow:
        director = agenda.due(uow, room.director)
        only_mine = agenda.due(uow, room.director, mine=True)
        mediator = agenda.due(uow, room.mediator)
        mediator_mine = agenda.due(uow, room.mediator, mine=True)
        with pytest.raises(UsageError):
            agenda.due(uow, room.director, mine=True, everyone=True)
    assert {waiting, theirs} <= {i.case_id for i in director.items}
    assert (director.scope, director.wider) == ("committee", "")
    assert only_mine.items == [] and (only_mine.scope, only_mine.wider) == ("mine", "committee")
    assert {i.case_id for i in mediator.items} == {waiting, theirs}
    assert (mediator.scope, mediator.wider) == ("mine_and_intake", "")
    assert {i.case_id for i in mediator_mine.items} == {theirs}
    assert mediator_mine.wider == "mine_and_intake"

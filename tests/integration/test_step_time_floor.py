"""What a step entered late (``--at``, 补录) is compared with: the case's previous step that
happened, never a plan or a correction (issue 14, a clerk's trial: at 10:00 a clerk booked
tomorrow's session with ``case schedule``, then ``case mediate --at "今天 8点"``, a session held
earlier that morning, was refused as earlier than the previous step, the booking). The refusal
names the step and its time, in both languages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlmodel import col, select

from mediation import steps, workflow
from mediation.core.errors import InvalidInput
from mediation.core.i18n import get_language, set_language
from mediation.tables import Event
from tests.audit_support import new_case
from tests.conftest import Room

# Every trigger of the table by what it records, named here by hand so that a new trigger is
# classified by a person: a step that happened (in time order), a record of something that
# happened while the case was in its state (workflow.RECORDS), a plan of what is to come, or a
# correction of the record. Plans and corrections are no "previous step" (workflow.UNTIMED).
KINDS = {
    "accept": "step", "decline": "step", "mediate": "step", "extend": "step", "agree": "step",
    "terminate": "step", "confirm": "step", "judicial": "step", "feedback": "step",
    "close": "step", "remediate": "step", "assign": "step", "recuse": "step",
    "withdraw": "step",
    "session": "record", "prevent": "record", "visit": "record", "urge": "record",
    "police": "record",
    "schedule": "plan",
    "amend": "correction",
}
# What each plan or correction is given below: one made now, on a case accepted earlier.
UNTIMED_INPUTS: dict[str, dict[str, Any]] = {
    "schedule": {"when": datetime(2026, 12, 3, 9, 0), "place": "村委会调解室"},  # 明天 9点
    "amend": {"reason": "登记时选错类别", "fields": {"category": "01"}},
}


def test_every_trigger_is_a_step_a_record_a_plan_or_a_correction() -> None:
    assert set(KINDS) == set(workflow.TRIGGERS)
    kinds = {kind: {t for t, k in KINDS.items() if k == kind} for kind in set(KINDS.values())}
    assert set(workflow.RECORDS) == kinds["record"]
    assert set(workflow.PLANS) == kinds["plan"]
    assert set(workflow.CORRECTIONS) == kinds["correction"]
    assert set(workflow.UNTIMED) == kinds["plan"] | kinds["correction"] == set(UNTIMED_INPUTS)


def _accepted(room: Room) -> int:
    """A case registered 27 November, accepted 1 December 09:30; now 2 December 10:00 (all
    Beijing time)."""
    room.clock.now = datetime(2026, 11, 27, 2, 0)
    cid = new_case(room)
    room.clock.now = datetime(2026, 12, 2, 2, 0)
    room.run(steps.accept, None, cid, at=datetime(2026, 12, 1, 9, 30))
    return cid


def _occurred(room: Room, cid: int) -> list[tuple[str, datetime | None]]:
    with room.uow(write=False) as uow:
        return [(e.action, e.occurred_at) for e in uow.session.exec(
            select(Event).where(Event.case_id == cid).order_by(col(Event.seq))).all()]


@pytest.mark.parametrize("trigger", sorted(UNTIMED_INPUTS))
def test_a_step_entered_late_may_precede_a_plan_or_a_correction_recorded_before_it(
        room: Room, trigger: str) -> None:
    """Booked (or corrected) at 10:00, then a step that happened at 08:00 is entered: it is
    compared with the acceptance (1 December 09:30), not with the booking."""
    cid = _accepted(room)
    room.run(steps.STEPS[trigger], None, cid, **UNTIMED_INPUTS[trigger])
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True,
             at=datetime(2026, 12, 2, 8, 0))
    assert _occurred(room, cid)[-2:] == [(trigger, datetime(2026, 12, 2, 2, 0)),
                                        ("mediate", datetime(2026, 12, 2, 0, 0))]


def test_the_refusal_names_the_previous_step_and_its_time_zh_and_en(room: Room) -> None:
    cid = _accepted(room)
    room.run(steps.schedule, None, cid, **UNTIMED_INPUTS["schedule"])
    was = get_language()
    try:
        for lang, said in (("en", "--at 2026-12-01 09:00 is before the case's previous step, "
                                  "accept (2026-12-01 09:30)"),
                           ("zh", "--at 2026-12-01 09:00 早于本案上一步骤“受理”"
                                  "（2026-12-01 09:30）")):
            set_language(lang)
            with pytest.raises(InvalidInput) as refused:
                room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True,
                         at=datetime(2026, 12, 1, 9, 0))
            assert said in refused.value.message.render(lang)
    finally:
        set_language(was)
    assert [a for a, _ in _occurred(room, cid)] == ["new", "accept", "schedule"]

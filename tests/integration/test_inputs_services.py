"""The library's steps clean free text as the CLI does (mediation/core/normalise.py): a caller
of ``mediation.steps`` cannot store a control character either."""

from __future__ import annotations

import pytest
from sqlmodel import select

from mediation import intake, steps
from mediation.cases import Agreement, MediationSession
from tests.conftest import Room, case_record


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_steps_store_free_text_without_control_characters(room: Room) -> None:
    made = room.run(intake.new_case, None, intake.parse_case(case_record()))
    cid = made["id"] if isinstance(made, dict) else made.id
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.run(steps.session, None, cid, minutes="双方\x0b陈述\x1b[2J\x00", place="调解室\t一",
             attendees="张三\r\n李四")
    room.run(steps.agree, None, cid, terms="赔偿\r\n五百元\x1b]0;x\x07", written=True)
    with room.uow(write=False) as uow:
        minutes = uow.session.exec(select(MediationSession)).one()
        assert (minutes.minutes, minutes.place, minutes.attendees) == (
            "双方\n陈述", "调解室 一", "张三 李四")
        assert uow.session.exec(select(Agreement)).one().terms == "赔偿\n五百元"

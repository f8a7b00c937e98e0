"""What a refusal offers is judged on the case's facts (workflow.offer_facts, loaded by the
step's service when it refuses)."""

from __future__ import annotations

import pytest

from mediation import steps
from mediation.core.errors import Refused
from tests.audit_support import new_case
from tests.conftest import Room


def test_a_refusal_offers_no_step_the_case_s_facts_refuse(room: Room) -> None:
    """A clerk's trial (issue 14): ``case confirm`` on a mediating case with no session listed
    达成协议 as allowed, and ``case agree`` was then refused (record a session first). The
    service judges the offer on every fact its steps' case-only guards read."""
    cid = new_case(room)
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    with pytest.raises(Refused) as refused:
        room.run(steps.confirm, None, cid)
    assert refused.value.allowed and "agree" not in refused.value.allowed
    assert "session" in refused.value.allowed
    room.run(steps.session, None, cid, minutes="双方陈述了事实。")
    with pytest.raises(Refused) as refused:
        room.run(steps.confirm, None, cid)
    assert refused.value.allowed and "agree" in refused.value.allowed

"""THE order of a step's checks (step_machinery): whether the step may be taken from the case's
state, then when it happened (``--at``). A clerk's trial: ``case accept 9 --at "周五 9点"`` on a
case already 已受理 was told the time was before the registration; a step its state does not
allow is refused as such whatever time was typed, for every step of the table."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import update
from sqlmodel import col

from mediation import step_machinery, workflow
from mediation.cases import Case
from mediation.core.commands import COMMANDS
from mediation.core.errors import Refused
from tests.audit_support import new_case
from tests.conftest import Room
from tests.unit.test_workflow import GOOD


def _state_refusing(trigger: str) -> str | None:
    """A state the table does not allow ``trigger`` from (None: every state allows it)."""
    sources = {str(s) for s in workflow.transition(trigger).sources}
    return next((s for s in ("intake", "accepted", "closed") if s not in sources), None)


@pytest.mark.parametrize("trigger", sorted(workflow.TRIGGERS))
def test_the_state_is_checked_before_the_time(room: Room, trigger: str) -> None:
    """Registered 27 November; the step typed at 1 November (before the registration) in a
    state that does not allow it: the state's refusal (not allowed in this state), not the
    time's."""
    state = _state_refusing(trigger)
    if state is None:
        assert trigger in workflow.CORRECTIONS  # amend: allowed in every state
        return
    room.clock.now = datetime(2026, 11, 27, 2, 0)
    cid = new_case(room)
    with room.uow() as uow:
        uow.session.execute(update(Case).where(col(Case.id) == cid).values(state=state))
        uow.commit()
    room.clock.now = datetime(2026, 12, 2, 2, 0)
    command = COMMANDS[trigger](**GOOD[trigger])
    with pytest.raises(Refused) as refused:
        room.run(step_machinery.step, None, cid, command, lambda case: {},
                 at=datetime(2026, 11, 1, 9, 0))
    assert refused.value.state == state and refused.value.why.id == "not allowed in this state"

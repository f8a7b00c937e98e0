"""``case list --mediator``: the cases a mediator handles, by the parser of ``case search
--mediator`` (a user name or a name), counted as listed (a clerk's trial)."""

from __future__ import annotations

from mediation import caselist, intake
from tests.conftest import Room, case_record
from tests.integration.test_procedure_steps import mediating


def test_case_list_by_mediator(room: Room) -> None:
    handled = mediating(room)
    waiting = room.run(intake.new_case, None, intake.parse_case(case_record()), force=True)["id"]
    rows, total = room.run(caselist.case_page, None, mediator="liming")
    ids = {r.id for r in rows}
    assert handled in ids and waiting not in ids and total == len(rows)

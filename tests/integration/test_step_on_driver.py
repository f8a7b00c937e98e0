"""A workflow step's statements run on the driver's connection (``mediation.db.compiled``), on
SQLite and PostgreSQL alike (issue 18: SQLAlchemy's execution of each statement cost about
half of a step's CPU on PostgreSQL, where eight terminals on two cores are limited by the CPU).

What the driver gives must be what SQLAlchemy gives: the same rows, converted the same way, and
the same step, event and chain."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, select

from mediation import intake, integrity, steps
from mediation.access import acting
from mediation.cases import Case
from mediation.core.commands import StepDone
from mediation.db import casestore, settings
from mediation.db.storage import UnitOfWork, transaction
from mediation.workflow import table
from tests.conftest import Room, case_record


def _new_case(room: Room) -> int:
    return int(room.run(intake.new_case, None, intake.parse_case(case_record()))["id"])


def test_a_step_runs_no_statement_through_sqlalchemy(room: Room) -> None:
    """``case accept`` as a terminal runs it (who acts, then the step, read first): every
    statement on the driver, none through SQLAlchemy's execution; the step and its event are
    whole and the chain verifies."""
    cid = _new_case(room)
    through: list[str] = []

    def noted(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        through.append(statement)

    def once(uow: UnitOfWork) -> StepDone:
        actor = acting.actor_for(uow, user="wangfang", token=None)
        return steps.accept(uow, actor, cid)

    event.listen(room.engine, "before_cursor_execute", noted)
    try:
        done = transaction(room.engine, once, read_first=True, clock=room.clock)
    finally:
        event.remove(room.engine, "before_cursor_execute", noted)
    assert through == []
    assert (done.state, done.version) == ("accepted", 2)
    with UnitOfWork(room.engine, write=False) as uow:
        assert all(c.ok for c in integrity.check(uow))
        stored = uow.conn.execute(select(Case.__table__).where(  # type: ignore[attr-defined]
            Case.__table__.c.id == cid)).mappings().one()  # type: ignore[attr-defined]
    assert stored["state"] == "accepted" and stored["accepted_at"] is not None


def test_the_driver_reads_what_sqlalchemy_reads(room: Room) -> None:
    """Who acts and the case with its guards' facts and calendar, read on the driver and through
    SQLAlchemy: the same keys and values (timestamps, booleans, counts, nulls)."""
    cid = _new_case(room)
    with UnitOfWork(room.engine, write=False) as uow:
        by_name = acting._BY_NAME
        who = {"username": "wangfang"}
        assert by_name.first(uow.conn, who) == dict(
            uow.conn.execute(by_name.statement, who).mappings().one())
        statement = casestore._load_statement(False, table.facts("accept"), False)
        params: dict[str, Any] = {"committee_id": room.director.committee_id, "ref": cid,
                  **settings.calendar_params(room.director.committee_id)}
        on_driver = statement.first(uow.conn, params)
        through = dict(uow.conn.execute(statement.statement, params).mappings().one())
    assert on_driver == through
    assert on_driver is not None and on_driver["registered_at"] is not None

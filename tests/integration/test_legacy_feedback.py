"""Old logs (issue 15): before the end of the procedure was split into visit, feedback and close,
one ``feedback`` step recorded the follow-up visit and closed the case. A database holding such
events still passes ``audit verify`` and ``db check`` (the replay accepts the former step,
``workflow.LEGACY_STEPS``), migration 0020's backfill (``fed_back_at = closed_at``) is what the
replay of the case file expects, and the statistics count the interval confirmed -> feedback
for such a case."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from mediation import audit, integrity, steps, workflow
from mediation.cases import Case, FollowUp
from mediation.core import periods
from mediation.core.commands import Feedback
from mediation.db.audit_schema import drop_triggers
from mediation.reporting import stats
from mediation.step_machinery import Changes, set_field, step
from tests.audit_support import new_case
from tests.conftest import Room

# Migration 0020's backfill, as it runs on a database of the former steps.
BACKFILL = ("UPDATE cases SET fed_back_at = closed_at "
            "WHERE closed_at IS NOT NULL AND fed_back_at IS NULL")


def _old_combined_feedback(room: Room, cid: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the former ``steps.feedback`` did, through the one step path, with the former
    table's answer (confirmed -> closed) in place of today's."""
    def fire(subject: workflow.Subject, command: Any) -> str:
        subject.state = "closed"
        return "closed"

    def run(uow: Any, actor: Any) -> Any:
        def apply(case: Case) -> Changes:
            assert case.id is not None
            now = uow.now()
            uow.session.add(FollowUp(case_id=case.id, visited_at=now, visitor=actor.username,
                                     performance="full", satisfaction="satisfied",
                                     lawsuit=False, note=None))
            ch: Changes = {"follow_up": [None, {"performance": "full",
                                                "satisfaction": "satisfied", "lawsuit": False,
                                                "note": None}]}
            set_field(case, ch, "closed_at", now)
            return ch

        return step(uow, actor, cid, Feedback(), apply)

    with monkeypatch.context() as m:
        m.setattr(workflow, "fire", fire)
        m.setattr(workflow, "warnings", lambda subject, command: [])
        room.run(run, None)


def _confirmed(room: Room) -> int:
    cid = new_case(room)
    room.clock.advance(hours=1)
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.clock.advance(days=2)
    room.run(steps.session, None, cid, minutes="双方陈述了事实。")
    room.run(steps.agree, None, cid, terms="修好水管，赔偿500元。", written=True)
    room.run(steps.confirm, None, cid)
    room.clock.advance(days=10)
    return cid


def _verify(room: Room) -> audit.VerifyResult:
    with room.uow(write=False) as uow:
        return audit.verify(uow, [], batch=2)


def test_an_old_log_with_the_combined_feedback_verifies_and_checks(
        room: Room, monkeypatch: pytest.MonkeyPatch) -> None:
    old = _confirmed(room)
    _old_combined_feedback(room, old, monkeypatch)
    with room.engine.connect() as conn:
        row = conn.execute(text(f"SELECT state, version FROM cases WHERE id = {old}")).one()
        action = conn.execute(text(
            f"SELECT action, from_state, to_state FROM event WHERE case_id = {old} "
            "ORDER BY seq DESC LIMIT 1")).one()
    assert tuple(row) == ("closed", 7)
    assert tuple(action) == ("feedback", "confirmed", "closed")
    with room.engine.begin() as conn:
        conn.execute(text(BACKFILL))
    new = _confirmed(room)  # and a case of today's steps beside it
    room.run(steps.visit, None, new, visited="张三", performance="full",
             satisfaction="satisfied")
    room.run(steps.feedback, None, new, to="张三", channel="phone")
    room.run(steps.close, None, new)

    result = _verify(room)
    assert result.ok, result.to_dict()
    with room.uow(write=False) as uow:
        checks = integrity.check(uow)
    assert all(c.ok for c in checks), [(c.name, c.detail) for c in checks if not c.ok]
    with room.uow(write=False) as uow:
        fed = uow.session.get(Case, old)
        assert fed is not None and fed.fed_back_at == fed.closed_at is not None
        today = room.clock.now.date()
        figures = stats.compute(uow, room.director, periods.year(today.year))
    assert figures.intervals["confirmed_to_feedback"].n == 2

    # the backfilled value is what the replay expects: another value is a finding
    with room.engine.begin() as conn:
        drop_triggers(conn)
        conn.execute(text(f"UPDATE cases SET fed_back_at = registered_at WHERE id = {old}"))
    result = _verify(room)
    assert not result.ok and "fed_back_at" in result.first.detail.render()  # type: ignore[union-attr]

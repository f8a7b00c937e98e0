"""Urgings (督促履行) and feedbacks (反馈) are rows of the case file (migration 0021): the note
of an urging, the recipient and note of a feedback kept as typed, shown to a reader who may see
names (``case show``, ``case history``) and masked for one who may not, numbers scrubbed for both;
bound into the audit of the case file (an edit of a row behind the application's back is a
finding of ``audit verify`` and ``db check``); anonymised by retention. Those recorded before
the migration (their event alone, the text masked in it) are backfilled from their events and
checked the same way. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from mediation import audit, committee, integrity, queries, retention, steps
from mediation.access.policy import Actor
from mediation.cases import Case, CaseFeedback, Urging
from mediation.core import identity
from mediation.core.commands import Feedback, Urge
from mediation.db import migrate
from mediation.step_machinery import Changes, set_field, step
from mediation.tables import Event
from tests.audit_support import new_case
from tests.conftest import Room

NOTE = "电话督促张三履行，张三电话13812345678。"
NUMBER = "13812345678"


def confirmed(room: Room) -> int:
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


def auditor(room: Room) -> Actor:
    with room.uow() as uow:
        committee.add_staff(uow, room.director, username="sunli", name="孙丽", role="auditor")
        uow.commit()
    with room.uow(write=False) as uow:
        return committee.resolve_actor(uow, "sunli")


def urged_and_fed_back(room: Room) -> int:
    cid = confirmed(room)
    room.run(steps.urge, None, cid, note=NOTE)
    room.run(steps.feedback, None, cid, to="张三", channel="phone", note=NOTE)
    return cid


def verify(room: Room) -> audit.VerifyResult:
    with room.uow(write=False) as uow:
        return audit.verify(uow, [], batch=2)


def checks_fail(room: Room) -> list[str]:
    with room.uow(write=False) as uow:
        return [c.name for c in integrity.check(uow) if not c.ok]


def test_each_is_a_row_of_the_case_file_written_with_its_step(room: Room) -> None:
    cid = urged_and_fed_back(room)
    with room.uow(write=False) as uow:
        u = uow.session.exec(select(Urging).where(Urging.case_id == cid)).one()
        f = uow.session.exec(select(CaseFeedback)
                             .where(CaseFeedback.case_id == cid)).one()
        events = {e.action: json.loads(e.changes) for e in uow.session.exec(
            select(Event).where(Event.case_id == cid)).all()}
    assert (u.note, u.urged_by) == (NOTE, "wangfang")
    assert (f.note, f.recipient, f.channel, f.fed_back_by) == (NOTE, "张三", "phone", "wangfang")
    # the event holds the text masked, and the row in its file as keyed hashes
    assert "张三" not in json.dumps(events["urge"], ensure_ascii=False)
    assert f"urging/{u.id}" in events["urge"]["file"][1]
    assert f"feedback/{f.id}" in events["feedback"]["file"][1]
    assert verify(room).ok and not checks_fail(room)


def test_case_show_and_history_show_the_text_by_the_readers_right_to_names(room: Room) -> None:
    cid = urged_and_fed_back(room)
    sunli = auditor(room)
    director = room.run(queries.case_view, None, cid)
    assert director.urgings[0]["note"] == identity.scrub(NOTE)
    assert "张三" in director.urgings[0]["note"] and NUMBER not in director.urgings[0]["note"]
    assert director.feedbacks[0]["to"] == "张三" and director.feedbacks[0]["channel"] == "phone"
    assert director.feedbacks[0]["note"] == identity.scrub(NOTE)
    masked = room.run(queries.case_view, sunli, cid)
    shown = json.dumps([masked.urgings, masked.feedbacks], ensure_ascii=False)
    assert "张三" not in shown and NUMBER not in shown and "张某" in shown
    revealed = room.run(queries.case_view, None, cid, reveal=True, reason="核对")
    assert revealed.urgings[0]["note"] == NOTE and revealed.feedbacks[0]["note"] == NOTE

    def history(actor: Actor | None) -> dict[str, Any]:
        return {e.action: e.changes for e in room.run(queries.history, actor, cid)}

    full = history(None)
    assert full["urge"]["urge"][1]["note"] == identity.scrub(NOTE)
    assert full["feedback"]["feedback"][1]["to"] == "张三"
    assert full["feedback"]["feedback"][1]["channel"] == "phone"
    seen = json.dumps(history(sunli), ensure_ascii=False)
    assert "张三" not in seen and NUMBER not in seen and "张某" in seen


@pytest.mark.parametrize(("table", "column"), [("urging", "note"), ("urging", "urged_by"),
                                               ("feedback", "recipient"),
                                               ("feedback", "note"),
                                               ("feedback", "channel")])
def test_an_edit_of_a_row_behind_the_application_is_found(room: Room, table: str,
                                                          column: str) -> None:
    cid = urged_and_fed_back(room)
    assert verify(room).ok
    with room.engine.begin() as conn:
        row = conn.execute(text(f"SELECT id FROM {table} WHERE case_id = {cid}")).scalar_one()
        conn.execute(text(f"UPDATE {table} SET {column} = 'x' WHERE id = {row}"))
    result = verify(room)
    assert not result.ok
    assert f"{table}/{row}.{column}" in result.first.detail.render()  # type: ignore[union-attr]
    assert checks_fail(room)


def test_a_row_removed_or_added_behind_the_application_is_found(room: Room) -> None:
    cid = urged_and_fed_back(room)
    with room.engine.begin() as conn:
        row = conn.execute(text(f"SELECT id FROM urging WHERE case_id = {cid}")).scalar_one()
        conn.execute(text(f"DELETE FROM urging WHERE id = {row}"))
    result = verify(room)
    assert f"urging/{row}" in result.first.detail.render()  # type: ignore[union-attr]
    assert checks_fail(room)
    with room.engine.begin() as conn:
        conn.execute(text(f"INSERT INTO urging (id, case_id, urged_at, urged_by, note) "
                          f"SELECT {row}, case_id, fed_back_at, fed_back_by, note FROM feedback "
                          f"WHERE case_id = {cid}"))
        conn.execute(text("INSERT INTO feedback (case_id, fed_back_at, fed_back_by, channel) "
                          f"SELECT case_id, fed_back_at, fed_back_by, channel FROM feedback "
                          f"WHERE case_id = {cid}"))
    result = verify(room)
    assert "feedback/" in result.first.detail.render()  # type: ignore[union-attr]
    assert "no event recorded it" in result.first.detail.render()  # type: ignore[union-attr]


def test_retention_masks_the_names_in_them(room: Room) -> None:
    cid = urged_and_fed_back(room)
    room.run(steps.visit, None, cid, visited="张三", performance="full", satisfaction="satisfied")
    room.run(steps.close, None, cid)
    room.run(retention.set_days, None, 1)
    room.clock.advance(days=3)
    room.run(retention.apply, None)
    with room.uow(write=False) as uow:
        u = uow.session.exec(select(Urging).where(Urging.case_id == cid)).one()
        f = uow.session.exec(select(CaseFeedback)
                             .where(CaseFeedback.case_id == cid)).one()
    held = json.dumps([u.note, f.note, f.recipient], ensure_ascii=False)
    assert "张三" not in held and NUMBER not in held and f.recipient == "张某"
    assert verify(room).ok and not checks_fail(room)


# ---- recorded before migration 0021: the event alone, the text masked in it ---------------

def _old_urge(uow: Any, actor: Actor, cid: int) -> Any:
    def apply(case: Case) -> Changes:  # what steps.urge recorded before 0021: no row
        return {"urge": [None, {"note": identity.scrub(NOTE)}]}

    return step(uow, actor, cid, Urge(note=NOTE), apply)


def _old_feedback(uow: Any, actor: Actor, cid: int) -> Any:
    def apply(case: Case) -> Changes:
        ch: Changes = {"feedback": [None, {"to": "张三", "channel": "phone",
                                           "note": identity.scrub(NOTE)}]}
        set_field(case, ch, "fed_back_at", uow.now())
        return ch

    return step(uow, actor, cid, Feedback(to="张三", channel="phone", note=NOTE), apply)


def test_those_recorded_before_are_backfilled_from_their_events_and_checked(
        room: Room) -> None:
    cid = confirmed(room)
    room.run(_old_urge, None, cid)
    room.run(_old_feedback, None, cid)
    with room.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0020")
        seqs: dict[str, int] = dict(conn.execute(text(
            f"SELECT action, seq FROM event WHERE case_id = {cid} "
            "AND action IN ('urge', 'feedback')")).all())
    assert migrate.upgrade(room.engine) == ("0020", migrate.head())
    with room.engine.connect() as conn:
        urging = conn.execute(text(f"SELECT id, note, urged_by FROM urging "
                                   f"WHERE case_id = {cid}")).one()
        feedback = conn.execute(text(f"SELECT id, recipient, channel, note FROM feedback "
                                     f"WHERE case_id = {cid}")).one()
    assert (urging[0], urging[2]) == (seqs["urge"], "wangfang")
    assert "张三" not in urging[1] and "张某" in urging[1] and NUMBER not in urging[1]
    assert tuple(feedback)[:3] == (seqs["feedback"], "张某", "phone")
    assert verify(room).ok, verify(room).to_dict()
    assert not checks_fail(room)
    # the masked text is all there is: shown masked, even to the director
    view = room.run(queries.case_view, None, cid)
    assert "张三" not in view.urgings[0]["note"] and view.feedbacks[0]["to"] == "张某"
    # a later urging takes the next id (PostgreSQL: the sequence moved past the backfill)
    room.clock.advance(days=1)
    room.run(steps.urge, None, cid, note="再次督促")
    assert [u["note"] for u in room.run(queries.case_view, None, cid).urgings][-1] == "再次督促"
    assert verify(room).ok
    # a backfilled row is checked like any other
    with room.engine.begin() as conn:
        conn.execute(text(f"UPDATE urging SET note = '督促李四' WHERE id = {seqs['urge']}"))
    result = verify(room)
    assert not result.ok
    assert f"urging/{seqs['urge']}.note" in result.first.detail.render()  # type: ignore[union-attr]

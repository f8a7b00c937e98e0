"""An organisation party's representative (法定代表人 / 主要负责人, issue 14) through the handlers,
on SQLite and (CI=true) PostgreSQL: stored by the intake, masked in its event and for a reader
who may not see names, added by a correction (the case file still verifies), found by a search
for readers who may see names, masked by retention with the party; a database of revision 0024
upgraded keeps its parties, without one."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text

from mediation import audit, committee, corrections, intake, queries, retention, search
from mediation.cases import Case
from mediation.core.errors import InvalidInput
from mediation.db import migrate
from mediation.db.engines import create_schema, engine_for
from mediation.db.storage import UnitOfWork
from tests.conftest import Room, case_record

COMPANY = "长沙市岳麓区桐梓坡物业服务有限公司"


def record(representative: Any = None, kind: str = "legal_person") -> dict[str, Any]:
    rec = case_record()
    company: dict[str, Any] = {"role": "respondent", "kind": kind, "name": COMPANY}
    if representative is not None:
        company["representative"] = representative
    rec["parties"] = [rec["parties"][0], company]
    return rec


def _events(room: Room, cid: int) -> str:
    with room.engine.connect() as conn:
        return json.dumps([r[0] for r in conn.execute(text(
            "SELECT changes FROM event WHERE case_id = :c ORDER BY seq"), {"c": cid})],
            ensure_ascii=False)


def _stored(room: Room, cid: int) -> list[tuple[Any, ...]]:
    with room.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT representative_name, representative_title FROM party WHERE case_id = :c "
            "ORDER BY position"), {"c": cid})]


def test_the_intake_stores_it_and_its_event_holds_it_masked(room: Room) -> None:
    made = room.run(intake.new_case, None, intake.parse_case(record(
        {"name": "王 建华", "title": "总经理"})), force=True)
    cid = int(made["id"])
    assert made["notes"] == []
    assert _stored(room, cid) == [(None, None), ("王建华", "总经理")]
    events = _events(room, cid)
    assert "王建华" not in events and "王某" in events, events
    with room.uow(write=False) as uow:
        case = uow.session.get(Case, cid)
        assert case is not None
        shown = queries.build_view(uow, room.director, case, reveal=False, names_ok=True)
        assert shown.parties[1].representative == {"name": "王建华", "title": "总经理"}
        masked = queries.build_view(uow, room.director, case, reveal=False, names_ok=False)
        assert masked.parties[1].representative == {"name": "王某", "title": "总经理"}
        assert masked.parties[1].name == COMPANY  # an organisation's name is not personal


def test_an_organisation_without_one_is_registered_with_a_note(room: Room) -> None:
    made = room.run(intake.new_case, None, intake.parse_case(record(kind="organisation")),
                    force=True)
    assert len(made["notes"]) == 1 and "--edit-party '2:{" in made["notes"][0]
    assert _stored(room, int(made["id"])) == [(None, None), (None, None)]


def test_a_correction_adds_it_and_the_case_file_still_verifies(room: Room) -> None:
    cid = int(room.run(intake.new_case, None, intake.parse_case(record()), force=True)["id"])
    room.run(corrections.amend, None, cid, reason="补录法定代表人",
             edit_parties={2: {"representative": {"name": "王建华", "title": "总经理"}}})
    assert _stored(room, cid)[1] == ("王建华", "总经理")
    events = _events(room, cid)
    assert "王建华" not in events and "王某" in events, events
    with room.uow(write=False) as uow:
        assert list(audit.verify(uow).findings) == []
    # found by the representative's name, for a reader who may see names
    with room.uow(write=False) as uow:
        found = search.search_cases(uow, room.director, "王建华")
    assert [h.case.id for h in found] == [cid]
    # a person has none: refused at the field, nothing written
    with pytest.raises(InvalidInput) as refused:
        room.run(corrections.amend, None, cid, reason="错",
                 edit_parties={1: {"representative": "李明"}})
    assert "field.representative" in repr(refused.value.message.params) or \
        "legal representative" in refused.value.message.render("en")
    assert _stored(room, cid)[0] == (None, None)


def test_retention_masks_it_with_the_party(room: Room) -> None:
    cid = int(room.run(intake.new_case, None, intake.parse_case(record(
        {"name": "王建华", "title": "总经理"})), force=True)["id"])
    room.run(corrections.withdraw, None, cid, reason="撤回")
    room.clock.advance(days=3)
    room.run(retention.set_days, None, 2)
    assert room.run(retention.apply, None)["anonymised"]
    assert _stored(room, cid)[1] == ("王某", "总经理")
    with room.uow(write=False) as uow:  # the index forgets the name with the party
        assert search.search_cases(uow, room.director, "王建华") == []


def test_a_database_of_revision_0024_is_upgraded(db_url: str) -> None:
    engine = engine_for(db_url)
    create_schema(engine)
    with UnitOfWork(engine) as uow:
        committee.init_committee(uow, name="老城区人民调解委员会", prefix="老",
                                 director="wangfang")
        actor = committee.resolve_actor(uow, "wangfang")
        intake.new_case(uow, actor, intake.parse_case(record()))
        uow.commit()
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0024")
    assert "representative_name" not in {c["name"] for c in inspect(engine).get_columns("party")}
    assert migrate.upgrade(engine) == ("0024", migrate.head())
    assert migrate.drift(engine) == []
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, representative_name FROM party "
                                 "ORDER BY position")).all()
    assert [tuple(r) for r in rows] == [("张三", None), (COMPANY, None)]

"""Migration 0027 (issue 14, a clerk's trial): a database indexed before it finds a dotted name
typed without its dot once upgraded (only the cases with such a name are indexed anew, the
masked text unchanged), and the downgrade writes those rows as before; ``db check`` finds the
index as the case file makes it at either revision. SQLite and PostgreSQL (CI=true)."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from mediation import intake, search
from mediation.db import migrate, searchindex
from mediation.db.storage import UnitOfWork
from tests.conftest import Room


def _found(room: Room, query: str) -> set[int]:
    with UnitOfWork(room.engine, write=False, snapshot=False, clock=room.clock) as uow:
        return {h.case.id for h in search.search_cases(uow, room.director, query)}


def _texts(room: Room) -> list[tuple[str, str]]:
    key = "rowid" if room.url.startswith("sqlite") else "case_id"
    with room.engine.connect() as conn:
        return [(str(r[0]), str(r[1])) for r in conn.execute(text(
            f"SELECT named, masked FROM case_fts ORDER BY {key}"))]


def test_0027_indexes_dotted_names_without_their_dots(room: Room) -> None:
    ids = []
    for name in ("阿依古丽·买买提", "张三"):
        record = intake.parse_case({
            "category": "02", "source": "application", "summary": "楼上漏水。",
            "requests": "请求赔偿。", "parties": [
                {"role": "applicant", "kind": "person", "name": name},
                {"role": "respondent", "kind": "person", "name": "王五"}]})
        ids.append(int(room.run(intake.new_case, room.director, record, force=True)["id"]))
    now = _texts(room)
    assert "阿依古丽买买提" in now[0][0] and "阿依古丽" not in now[0][1]
    with room.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0026")
    before = _texts(room)
    assert "阿依古丽买买提" not in before[0][0] and before[1] == now[1]
    assert before[0][1] == now[0][1]  # the masked text is the same at either revision
    assert _found(room, "阿依古丽买买提") == set()
    with room.engine.connect() as conn:  # as the code of 0026 made it
        assert [d.named for d in searchindex.read(conn, searchindex._key_of(conn), ids,
                                                  undotted=False)] == [t[0] for t in before]
    assert migrate.upgrade(room.engine) == ("0026", migrate.head())
    assert _texts(room) == now
    assert _found(room, "阿依古丽买买提") == {ids[0]}
    assert _found(room, "阿依古丽•买买提") == {ids[0]}
    with room.engine.connect() as conn:
        assert searchindex.differences(conn)[1] == []

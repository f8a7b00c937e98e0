"""`case search` on both backends: the index kept in step with every write, short words,
numbers by keyed hash only, the filters, and what each role may find (issue 14)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from mediation import committee, intake, search, steps
from mediation.access.policy import Actor
from mediation.core.errors import UsageError
from mediation.db import searchindex
from tests.conftest import Room, case_record

PHONE = "13812345678"  # 张三's in data/demo/case.json
ID_NUMBER = "430104198003120014"


def _record(**overrides: Any) -> Any:
    return intake.parse_case(case_record(**overrides))


def _new(room: Room, **overrides: Any) -> int:
    return int(room.run(intake.new_case, room.director, _record(**overrides), force=True)["id"])


def _found(room: Room, query: str, actor: Actor | None = None, **filters: Any) -> list[int]:
    with room.uow(write=False) as uow:
        hits = search.search_cases(uow, actor or room.director, query,
                                   filters=search.Filters(**filters))
    return [h.case.id for h in hits]


def _auditor(room: Room) -> Actor:
    with room.uow() as uow:
        committee.add_staff(uow, room.director, username="sunli", name="孙丽", role="auditor")
        uow.commit()
    with room.uow(write=False) as uow:
        return committee.resolve_actor(uow, "sunli")


def test_index_follows_the_case_file_in_each_step(room: Room) -> None:
    cid = _new(room)
    assert _found(room, "张三") == [cid]  # two characters: below the trigram index
    assert _found(room, "天花板受损") == [cid]  # five: through the index
    assert _found(room, "会议室漏雨") == []
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.run(steps.session, None, cid, minutes="双方同意请物业鉴定防水层")
    assert _found(room, "物业鉴定") == [cid]
    room.run(steps.agree, None, cid, terms="李四于月底前重做防水层", written=True)
    assert _found(room, "重做防水") == [cid]
    assert _found(room, "李四 重做") == [cid]  # every word must occur
    assert _found(room, "李四 重做防水") == [cid]  # a short word beside an indexed one
    assert _found(room, "李四 鉴定书") == []


def test_numbers_are_found_by_keyed_hash_never_as_text(room: Room) -> None:
    cid = _new(room, summary="张三（13812345678）称楼上漏水。")
    assert _found(room, PHONE) == [cid]
    assert _found(room, "138 1234 5678") == [cid]
    assert _found(room, ID_NUMBER) == [cid]
    with room.engine.connect() as conn:
        table = "case_fts"
        body = str(conn.execute(text(f"SELECT named || masked FROM {table}")).scalar())
        keys = [r[0] for r in conn.execute(text("SELECT hash FROM case_fts_key"))]
    assert PHONE not in body and ID_NUMBER not in body and "138****5678" in body
    assert all(len(k) == 64 for k in keys) and PHONE not in "".join(keys)
    # the end of a number (4 characters or more) finds it, for who may see names (issue 14)
    assert _found(room, "12345678") == [cid]
    assert _found(room, "5678") == [cid]
    assert _found(room, "0014") == [cid]  # the ID number's end
    assert _found(room, "2345679") == []
    assert _found(room, "12345678", _auditor(room)) == []  # to them it says whose it is


def test_a_reader_without_names_finds_only_what_they_see(room: Room) -> None:
    cid = _new(room)
    auditor = _auditor(room)
    assert _found(room, "张三", auditor) == []  # they see 张某
    assert _found(room, PHONE, auditor) == []
    assert _found(room, ID_NUMBER, auditor) == []
    assert _found(room, "张某", auditor) == [cid]
    assert _found(room, "天花板受损", auditor) == [cid]
    with room.uow(write=False) as uow:
        hit = search.search_cases(uow, auditor, "天花板")[0]
    assert "张三" not in hit.match and "张三" not in str(hit.as_dict())


def test_a_mediator_finds_their_cases_and_those_in_intake(room: Room) -> None:
    mine, theirs, waiting = _new(room), _new(room), _new(room)
    room.run(steps.accept, None, mine)
    room.run(steps.mediate, None, mine, mediator="liming", rights_notified=True)
    room.run(steps.accept, None, theirs)
    room.run(steps.mediate, None, theirs, mediator="zhaomin", rights_notified=True)
    assert sorted(_found(room, "漏水", room.mediator)) == sorted([mine, waiting])
    assert sorted(_found(room, "漏水")) == sorted([mine, theirs, waiting])
    assert _found(room, "漏水", mediator="zhaomin") == [theirs]
    assert _found(room, "漏水", state="intake") == [waiting]


def test_filters_and_the_case_number(room: Room) -> None:
    a = _new(room)
    b = _new(room, category="01", summary="王五与赵六因宅基地界址发生纠纷。")
    assert _found(room, "纠纷", categories=["01"]) == [b]
    with room.uow(write=False) as uow:
        number = search.search_cases(uow, room.director, "宅基地")[0].case.number
        today = room.clock.now.date()
    from datetime import timedelta

    assert _found(room, number)[0] == b
    # a clerk's ways of naming the same case (a trial typed 第10号): each puts it first
    import re

    parts = re.fullmatch(r"\((\d{4})\)(.+)人调字第(\d+)号", number)
    assert parts is not None
    year, prefix, seq = parts.groups()
    for typed in (f"第{seq}号", f"{seq}号", f"{prefix}{seq}", f"{year}{prefix}{seq}",
                  f"（{year}）{prefix}人调字第{seq}号"):
        assert _found(room, typed)[0] == b, typed
    assert _found(room, "漏水", registered_from=today - timedelta(days=1),
                  registered_to=today + timedelta(days=1)) == [a]
    assert _found(room, "漏水", registered_from=today + timedelta(days=2)) == []


def test_ranked_and_limited(room: Room) -> None:
    once = _new(room, summary="邻居家漏水一次。")
    often = _new(room, summary="漏水，又漏水，再漏水，天天漏水。")
    assert _found(room, "漏水")[:2] == [often, once]  # short word: by how often
    ids = _found(room, "天天漏水")
    assert ids == [often]
    with room.uow(write=False) as uow:
        assert len(search.search_cases(uow, room.director, "漏", limit=1)) == 1


def test_odd_queries(room: Room) -> None:
    _new(room)
    for query in ('"', "%", "_", "漏%", "a\\b", "NEAR(", "named:", "*"):
        _found(room, query)  # no SQL or FTS syntax error
    with room.uow(write=False) as uow, pytest.raises(UsageError):
        search.search_cases(uow, room.director, "   ")


def test_rebuild_gives_the_same_index(room: Room) -> None:
    _new(room)
    cid = _new(room, summary="王五与赵六因宅基地界址发生纠纷。")
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.run(steps.session, None, cid, minutes="查看界址桩")

    def rows() -> list[Any]:
        with room.engine.connect() as conn:
            key = "rowid" if conn.dialect.name == "sqlite" else "case_id"
            return [tuple(r) for r in conn.execute(text(
                f"SELECT {key}, named, masked FROM case_fts ORDER BY 1"))] + [
                tuple(r) for r in conn.execute(text(
                    "SELECT case_id, hash FROM case_fts_key ORDER BY 1, 2"))]

    before = rows()
    with room.engine.begin() as conn:
        assert searchindex.rebuild(conn, batch=1) == 2
    assert rows() == before


def test_touched() -> None:
    assert searchindex.touched([{"party/1": None}, {"party/1": {"name": "x"}}])
    assert searchindex.touched([{}, {"cases/1": {"summary": "h"}}])
    assert not searchindex.touched([{}, {"cases/1": {"state": "accepted", "version": 2}}])
    assert not searchindex.touched([{}, {"case_mediator/3": {"username": "liming"}}])
    assert searchindex.touched([{"agreement/2": {}}, {"agreement/2": None}])
    assert not searchindex.touched(None)


def test_anonymised_cases_are_no_longer_found_by_name_or_number(room: Room) -> None:
    from mediation import retention
    from tests.integration.test_retention_and_assign import closed_case

    old = closed_case(room)
    assert _found(room, "张三") == [old] and _found(room, PHONE) == [old]
    assert _found(room, "张三表示满意") == [old]  # the visit's note
    room.run(retention.set_days, None, 100)
    room.clock.advance(days=101)
    room.run(retention.apply, None)
    assert _found(room, "张三") == [] and _found(room, PHONE) == [] == _found(room, ID_NUMBER)
    assert _found(room, "张某") == [old]


def test_migration_0017_indexes_the_short_words_of_existing_cases(room: Room) -> None:
    from alembic import command

    from mediation.db import migrate, searchgrams

    cid = _new(room)
    with room.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0016")
    assert migrate.current(room.engine) == "0016"
    assert migrate.upgrade(room.engine) == ("0016", migrate.head())
    assert _found(room, "张三") == [cid] == _found(room, "张") == _found(room, "漏")
    assert _found(room, "鉴定") == []
    with room.engine.connect() as conn:
        assert searchgrams.check(conn) == []


def test_db_check_compares_the_short_word_index_with_the_texts(room: Room) -> None:
    from mediation.db import maintenance, searchgrams

    cid = _new(room)
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.run(steps.session, None, cid, minutes="双方同意请物业鉴定防水层")
    assert _found(room, "鉴定") == [cid]
    with room.uow(write=False) as uow:
        check = next(c for c in maintenance.database_checks(uow) if c.name == "search_grams")
    assert check.ok, check.detail
    if room.engine.dialect.name != "sqlite":
        return  # PostgreSQL computes the columns itself
    with room.engine.begin() as conn:  # a case's grams lost
        searchgrams.delete(conn, [(cid, "鉴", "")])
    with room.engine.connect() as conn:
        problems = searchgrams.check(conn)
    assert any("n9274" in p for p in problems), problems


@pytest.mark.parametrize("common", [True, False])
def test_short_words_through_the_index_or_the_walk(room: Room, common: bool) -> None:
    """PostgreSQL checks a word its statistics call common on the newest texts, any other
    through the index: the same cases either way, ASCII case aside as LIKE."""
    from unittest.mock import patch

    from mediation.db import searchgrams

    cid = _new(room, summary="XY公司的Ab楼漏水。")
    with patch.object(searchgrams, "COMMON", 0.0 if common else 2.0):
        for word in ("ab", "aB", "xy", "Y", "b楼", "漏", "张三"):
            assert _found(room, word) == [cid], word
        for word in ("ba", "水漏", "鑫", "Ab 鑫"):
            assert _found(room, word) == [], word


def test_a_bulk_import_leaves_postgresql_statistics_to_plan_searches_by(
        room: Room, tmp_path: Any) -> None:
    """Without statistics PostgreSQL read a whole GIN index for a two-character word (500 ms at
    100,000 cases): the import takes them (searchindex.settle), as autovacuum would later."""
    import json

    from mediation import bulk

    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(case_record(summary=f"第{i}宗邻里纠纷"), ensure_ascii=False)
                            + "\n" for i in range(3)), "utf-8")
    result = bulk.import_cases(room.engine, room.director.username, path, force=True,
                               clock=room.clock)
    assert result.imported == 3
    assert _found(room, "邻里")  # found, on either backend
    if room.engine.dialect.name == "sqlite":
        return
    with room.engine.connect() as conn:
        analysed = {str(r[0]) for r in conn.execute(text(
            "SELECT DISTINCT tablename FROM pg_stats WHERE tablename IN "
            "('case_fts', 'case_fts_key', 'cases', 'party')"))}
    assert analysed == {"case_fts", "case_fts_key", "cases", "party"}

"""Every free-text field of a case (mediation/core/personal.py), end to end on SQLite and
PostgreSQL: found by ``case search`` (for every reader, by the words that reader's ``case show``
shows), shown masked on screen, absent from the nightly export, and anonymised by retention
(issue 14: a word of an urging note found nothing; whom a visit saw, its measures and signs of
escalation kept the parties' names after retention). Each field gets a word of its own, the
name of a party and a phone number; the grid worker's report the case came from (linked text)
is anonymised with the case but never searched with it nor shown in ``case show``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import text

from mediation import committee, leads, queries, retention, search, steps
from mediation.access.policy import Actor
from mediation.core import personal
from mediation.db import migrate, searchgrams, searchindex
from mediation.reporting import export
from tests.conftest import Room, case_record

NAME, PHONE = "张三", "13812345678"
FREE = [(t, c) for t, cs in personal.FREE_TEXT.items() for c in cs]
# the records' text of a table that belongs to a case (the grid worker's report it came from)
LINKED = [(t, c) for t, cs in personal.RECORD_TEXT.items() if t == "lead" for c in cs]


def word(table: str, column: str) -> str:
    """A word of one field alone (three characters or more: through the trigram index)."""
    return f"记{table}{column}词".replace("_", "")


def said(table: str, column: str) -> str:
    return f"{word(table, column)}，{NAME}电话{PHONE}"


def auditor(room: Room) -> Actor:
    with room.uow() as uow:
        committee.add_staff(uow, room.director, username="sunli", name="孙丽", role="auditor")
        uow.commit()
    with room.uow(write=False) as uow:
        return committee.resolve_actor(uow, "sunli")


def closed_case(room: Room) -> int:
    """A case from a grid worker's report to closed, with a row in every table of free text,
    each free-text field written through its step where one writes it."""
    lead = room.run(leads.report, None, place=said("lead", "place"), seen=said("lead", "seen"),
                    parties=said("lead", "parties"))
    cid = int(room.run(leads.accept, None, lead["id"], case_record(), force=True)["id"])
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.clock.advance(days=1)
    s = "mediation_session"
    room.run(steps.session, None, cid, minutes=said(s, "minutes"), place=said(s, "place"),
             attendees=said(s, "attendees"))
    room.run(steps.extend, None, cid, days=15, reason=said("extension", "reason"), consent=True)
    room.run(steps.agree, None, cid, terms=said("agreement", "terms"), written=True)
    room.run(steps.confirm, None, cid)
    room.run(steps.judicial, None, cid, court=said("judicial_confirmation", "court"))
    room.clock.advance(days=10)
    f = "follow_up"
    room.run(steps.visit, None, cid, visited=said(f, "visited"), satisfaction="satisfied",
             performance="full", note=said(f, "note"), measures=said(f, "measures"),
             escalation=said(f, "escalation"))
    room.run(steps.urge, None, cid, note=said("urging", "note"))
    # the recipient is one of those who may receive it (mediation.recipients: here the lead's
    # grid worker, by default); fill_the_rest writes a free text there as an older row may hold
    room.run(steps.feedback, None, cid, to=None, channel="phone", note=said("feedback", "note"))
    room.run(steps.close, None, cid)
    return cid


def fill_the_rest(room: Room, cid: int) -> None:
    """The fields no step above writes (the advice, a superseded reason ...), written behind
    the application's back, and the case's row of the search index built again."""
    with room.engine.begin() as conn:
        for table, column in FREE + LINKED:
            where = "id" if table == "cases" else "case_id"
            conn.execute(text(f"UPDATE {table} SET {column} = :v WHERE {where} = :cid"),
                         {"v": said(table, column), "cid": cid})
        searchindex.refresh(conn, cid)


def found(room: Room, actor: Actor, words: str) -> list[int]:
    with room.uow(write=False) as uow:
        return [h.case.id for h in search.search_cases(uow, actor, words)]


def test_an_urging_note_is_found_by_its_words(room: Room) -> None:
    cid = closed_case(room)
    assert found(room, room.director, word("urging", "note")) == [cid]
    assert found(room, room.director, word("follow_up", "escalation")) == [cid]
    assert found(room, room.director, word("feedback", "note")) == [cid]


def test_every_free_text_field_is_searched_shown_masked_and_never_exported(
        room: Room, tmp_path: Path) -> None:
    cid = closed_case(room)
    fill_the_rest(room, cid)
    sunli = auditor(room)
    for table, column in FREE:
        assert found(room, room.director, word(table, column)) == [cid], (table, column)
        assert found(room, sunli, word(table, column)) == [cid], (table, column)
    for table, column in LINKED:  # not in case show: not searched with the case
        assert found(room, room.director, word(table, column)) == [], (table, column)
    named = room.run(queries.case_view, None, cid).model_dump_json()
    masked = room.run(queries.case_view, sunli, cid).model_dump_json()
    for table, column in FREE:
        assert word(table, column) in named and word(table, column) in masked, (table, column)
    assert PHONE not in named + masked and NAME not in masked
    for table, column in LINKED:
        assert word(table, column) not in named
    with room.uow(write=False) as uow:
        export.nightly(uow, room.director, tmp_path, room.clock.now.date())
    written = "".join(p.read_text("utf-8", errors="replace")
                      for p in tmp_path.rglob("*") if p.suffix in (".csv", ".json"))
    assert written and PHONE not in written and NAME not in written
    for table, column in FREE + LINKED:
        assert word(table, column) not in written, (table, column)


def test_retention_anonymises_every_free_text_field(room: Room) -> None:
    cid = closed_case(room)
    fill_the_rest(room, cid)
    room.run(retention.set_days, None, 1)
    room.clock.advance(days=3)
    assert room.run(retention.apply, None)["anonymised"]
    with room.engine.connect() as conn:
        for table, column in FREE + LINKED:
            where = "id" if table == "cases" else "case_id"
            values = [r[0] for r in conn.execute(
                text(f"SELECT {column} FROM {table} WHERE {where} = :cid"), {"cid": cid})]
            held: Any = json.dumps(values, ensure_ascii=False)
            assert values and word(table, column) in held, (table, column)
            assert NAME not in held and PHONE not in held, (table, column, held)
    # and the search index follows, in the same transaction: the words are, the name is not
    assert found(room, room.director, word("urging", "note")) == [cid]
    assert found(room, room.director, NAME) == []


def test_migration_0022_indexes_the_cases_already_there(room: Room) -> None:
    """Upgraded, a database's cases are found by the words of every free-text field (and the
    index agrees with the case file: ``db check``); downgraded, the index holds what it held
    before."""
    cid = closed_case(room)
    fill_the_rest(room, cid)
    with room.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0021")
    assert found(room, room.director, word("urging", "note")) == []
    assert found(room, room.director, word("agreement", "terms")) == [cid]
    assert migrate.upgrade(room.engine) == ("0021", migrate.head())
    for table, column in FREE:
        assert found(room, room.director, word(table, column)) == [cid], (table, column)
    with room.engine.connect() as conn:
        assert searchindex.differences(conn) == (1, [])
        assert searchgrams.check(conn) == []

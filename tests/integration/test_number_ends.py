"""The index of the numbers' ends (``searchindex.keys_of``): erased with the numbers by retention,
built for the cases already there by migration 0023 (and taken out by its downgrade), on both
backends. That a search through it finds what reading every party found:
tests/property/test_search_tails.py."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Connection, text

from mediation import retention, search
from mediation.core import identity
from mediation.db import migrate, searchindex
from mediation.db import settings as db_settings
from tests.conftest import Room
from tests.integration.test_every_free_text import closed_case

PHONE, ID = "13812345678", "430104198003120014"  # the applicant's (data/demo/case.json)


def _found_by_end(room: Room, end: str) -> list[int]:
    with room.uow(write=False) as uow:
        return [h.case.id for h in search.search_cases(uow, room.director, end)
                if h.number is not None]


def _hashes(conn: Connection, cid: int) -> set[str]:
    return {str(r[0]) for r in conn.execute(text(
        f"SELECT hash FROM {searchindex.KEY_TABLE} WHERE case_id = :cid"), {"cid": cid})}


def _ends(conn: Connection) -> set[str]:
    key = db_settings.hash_key_of(conn)
    return {identity.tail_hash(key, n[-4:]) for n in (PHONE, ID)}


def test_retention_erases_the_numbers_ends_with_the_numbers(room: Room) -> None:
    cid = closed_case(room)
    assert _found_by_end(room, PHONE[-6:]) == [cid]
    with room.engine.connect() as conn:
        assert _ends(conn) <= _hashes(conn, cid)
    room.run(retention.set_days, None, 1)
    room.clock.advance(days=3)
    assert room.run(retention.apply, None)["anonymised"]
    with room.engine.connect() as conn:  # the parties hold no number: no hash of one is left
        assert _hashes(conn, cid) == set()
        assert searchindex.differences(conn)[1] == []
    assert _found_by_end(room, PHONE[-6:]) == []
    assert _found_by_end(room, ID[-4:]) == []


def test_migration_0023_indexes_the_ends_of_the_numbers_already_there(room: Room) -> None:
    """Downgraded, the index holds the whole numbers' hashes only (what 0022 held); upgraded,
    the ends' too, and a number's end finds its case through them (``db check`` agrees)."""
    cid = closed_case(room)
    with room.engine.connect() as conn:
        parties = [dict(r._mapping) for r in conn.execute(text(
            "SELECT id_hash, phone, guardian_phone, id_number FROM party WHERE case_id = :cid"),
            {"cid": cid})]
        whole = set(searchindex.keys_of(db_settings.hash_key_of(conn), parties, tails=False))
        assert len(whole) == 4 and not whole & _ends(conn)  # two phones, two ID numbers
    with room.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0022")
    with room.engine.connect() as conn:
        assert _hashes(conn, cid) == whole
    assert migrate.upgrade(room.engine) == ("0022", migrate.head())
    assert _found_by_end(room, PHONE[-4:]) == [cid]
    assert _found_by_end(room, ID[-7:]) == [cid]
    with room.engine.connect() as conn:
        assert _hashes(conn, cid) > whole | _ends(conn)  # the respondent's ends too
        assert searchindex.differences(conn) == (1, [])

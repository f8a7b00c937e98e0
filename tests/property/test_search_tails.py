"""Hypothesis: a search by a number's end (``case search 5678``) finds, through the index of the
numbers' ends (the keyed hash of their last 4 characters, ``searchindex.keys_of``), exactly the
cases that reading every party found (the oracle: the ``LIKE`` over every party's phone,
guardian's phone and ID number that the search ran before), on both backends.

Parties are registered (mobiles, landlines with their hyphen, numbers written with spaces,
guardians' phones, resident ID numbers, some ending in X, passports), some of their numbers
amended afterwards; then some parties' numbers are overwritten behind the application's back
with any string an older database may hold (digits, hyphens, spaces, ``x`` in either case,
full-width digits) and the index made anew as migration 0023 makes it
(``searchindex.rebuild_keys``). The ends asked for: ends of the numbers held, 4 to 18
characters (``search_kinds.classify`` calls them ``tail``), and random ones.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from mediation import corrections, intake, search, search_kinds, search_query
from mediation.core import identity
from mediation.core.errors import InvalidInput
from mediation.db import searchindex
from mediation.db.storage import UnitOfWork
from tests.conftest import Room
from tests.property.sides import first_applies
from tests.property.test_search_forms import mobile_of, name_of, phone_of, resident_id_of

# What the search ran before (frozen here): every party of the committee read.
ORACLE = ("SELECT DISTINCT c.id FROM party p JOIN cases c ON c.id = p.case_id "
          "WHERE (replace(p.phone, '-', '') LIKE :tail "
          "OR replace(p.guardian_phone, '-', '') LIKE :tail "
          "OR replace(upper(p.id_number), '-', '') LIKE :tail) AND c.committee_id = :committee")

passport_of = st.builds(lambda letter, n: f"{letter}{n:08d}", st.sampled_from("EGP"),
                        st.integers(0, 10**8 - 1))
party_of = st.fixed_dictionaries(
    {"name": name_of, "phone": st.one_of(st.none(), phone_of),
     "id": st.one_of(st.none(), resident_id_of(), passport_of),
     "guardian_phone": st.one_of(st.none(), mobile_of)})
# what an older database's row may hold, as stored
odd_of = st.one_of(st.none(), st.text(alphabet="0123456789--  xX０１", min_size=0, max_size=14),
                  resident_id_of().map(lambda n: n[:-1] + "x"), phone_of)


def _record(parties: list[dict[str, Any]]) -> dict[str, Any]:
    out = []
    for i, p in enumerate(parties):
        row: dict[str, Any] = {"role": "applicant" if i == 0 else "respondent", "kind": "person",
                               "name": p["name"]}
        if p["phone"]:
            row["phone"] = p["phone"]
        if p["id"]:
            row["id_number"] = p["id"]
            row["id_type"] = "passport" if p["id"][0].isalpha() else "resident_id"
        if p["guardian_phone"]:
            row["guardian"] = {"name": "王伟", "relation": "父亲", "phone": p["guardian_phone"]}
        out.append(row)
    return {"category": "02", "source": "application", "summary": "楼上漏水致天花板受损。",
            "requests": "请求赔偿。", "parties": out}


def _numbers(room: Room, ids: list[int]) -> list[str]:
    """The numbers the parties of ``ids`` hold (an example's cases: the ends drawn depend on
    them only; the oracle and the search read every case of the database)."""
    with room.engine.connect() as conn:
        return [str(v) for r in conn.execute(text(
            "SELECT phone, guardian_phone, id_number FROM party "
            f"WHERE case_id IN ({','.join(str(i) for i in ids)}) ORDER BY id")) for v in r if v]


def _compare(room: Room, tails: list[str]) -> None:
    """Each end's cases by the search (the director: found by a number's end, and which number
    it was) against the oracle's."""
    with UnitOfWork(room.engine, write=False, snapshot=False, clock=room.clock) as uow:
        for query in tails:
            asked = search_kinds.classify(query)
            if not asked.tail:
                continue
            expected = {int(r[0]) for r in uow.conn.execute(text(ORACLE), {
                "tail": "%" + asked.tail, "committee": room.director.committee_id})}
            hits = search.search_cases(uow, room.director, query, limit=1000)
            by_end = {h.case.id for h in hits if h.score >= search_query.TAIL}
            if asked.kind == "tail":
                assert by_end == expected, (query, asked.tail)
            else:  # a landline's digits: found by its whole number's hash too
                assert by_end >= expected, (query, asked.tail)
            assert all(h.number is not None for h in hits if h.case.id in expected), query


def _ends(numbers: list[str], data: Any) -> list[str]:
    """Ends of the numbers held, as a clerk types them, and random ones."""
    out = []
    for n in numbers:
        v = n.replace("-", "").replace(" ", "")
        if len(v) >= 4:
            out.append(v[-data.draw(st.integers(4, len(v)), label="end length"):])
    out += data.draw(st.lists(st.from_regex(r"\A[0-9]{3,8}[0-9Xx]\Z"), max_size=5),
                     label="random ends")
    return out


@settings(max_examples=20, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cases=st.lists(st.lists(party_of, min_size=2, max_size=3).filter(first_applies),
                      min_size=1, max_size=4),
       amended=st.lists(st.tuples(st.integers(0, 3), st.one_of(st.none(), mobile_of)),
                        max_size=2),
       data=st.data())
def test_a_number_end_finds_what_reading_every_party_found(
        room: Room, cases: list[list[dict[str, Any]]], amended: list[tuple[int, str | None]],
        data: Any) -> None:
    ids = [int(room.run(intake.new_case, room.director, intake.parse_case(_record(parties)),
                        force=True)["id"]) for parties in cases]
    for which, phone in amended:  # an amendment refreshes the index in its own transaction
        try:
            room.run(corrections.amend, None, ids[which % len(ids)], reason="更正电话",
                     edit_parties={1: {"phone": phone}})
        except InvalidInput:  # nothing changes: the party holds that phone already
            pass
    _compare(room, _ends(_numbers(room, ids), data))
    with room.engine.connect() as conn:
        assert searchindex.differences(conn)[1] == []


@settings(max_examples=15, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(parties=st.lists(party_of, min_size=2, max_size=3).filter(first_applies),
       odd=st.lists(st.tuples(odd_of, odd_of, odd_of), min_size=1, max_size=4), data=st.data())
def test_any_number_held_is_found_by_its_end(room: Room, parties: list[dict[str, Any]],
                                             odd: list[tuple[str | None, ...]],
                                             data: Any) -> None:
    """Whatever an older database holds (not what intake would store today), the index made by
    the migration finds what the oracle finds."""
    ids = [int(room.run(intake.new_case, room.director, intake.parse_case(_record(parties)),
                        force=True)["id"]) for _ in odd]
    with room.engine.begin() as conn:
        pids = [int(r[0]) for r in conn.execute(text(
            f"SELECT id FROM party WHERE case_id IN ({','.join(str(i) for i in ids)}) "
            "ORDER BY id"))]
        for pid, (phone, guardian, number) in zip(pids, odd, strict=False):
            conn.execute(text("UPDATE party SET phone = :p, guardian_phone = :g, "
                              "id_number = :n WHERE id = :id"),
                         {"p": phone, "g": guardian, "n": number, "id": pid})
        searchindex.rebuild_keys(conn)
    _compare(room, _ends(_numbers(room, ids), data))


def test_the_end_hashed_is_what_a_search_can_ask_for() -> None:
    """Every end a search asks for is at least as long as the end hashed, and the end hashed
    of a number is the last characters of any end of it that a search asks for."""
    assert identity.TAIL_KEYED <= search_kinds.TAIL_MIN
    for number, end in (("0731-88886666", "6666"), ("11010119900307803x", "803X"),
                        ("E12345678", "5678"), ("123", None), ("12-3", None), ("1234５", None),
                        ("13812345678 ", None), ("", None), (None, None)):
        assert identity.tail_key(number) == end, number
    key = b"k" * 32
    assert identity.tail_hash(key, "5678") != identity.phone_hash(key, "5678")
    assert identity.tail_hash(key, "5678") != identity.keyed_hash(key, "5678")

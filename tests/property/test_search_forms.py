"""Hypothesis: every form in which a clerk asks for a case finds it (issue 14), on both backends.

For generated parties (names of two to four characters, mobiles and landlines in the forms
people write them, valid resident ID numbers, some ending in X), the director's search by each
of: a party's whole name, any part of it of two characters or more, the whole phone, its end of
4 digits or more ("the one whose phone ends in 5678"), the whole ID number, its end of 4
characters or more, and the case's number in each of its forms (full, other brackets, ``龙12``,
``2026龙12``, ``第12号``, ``12号``) finds that case. The query's kind is decided by one function
(search_kinds.classify), checked here for each form too. An auditor (names masked) is never
given a case by a number or a number's end. On SQLite, each search is one statement.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from mediation import committee, intake, search, search_kinds
from mediation.access.policy import Actor
from mediation.core import identity
from mediation.db.storage import UnitOfWork
from tests.conftest import Room
from tests.property.sides import first_applies

GIVEN = "三四伟芳秀英敏强磊军洋"

name_of = st.builds(lambda s, g: s + g, st.sampled_from(["张", "王", "李", "赵", "欧阳"]),
                    st.text(alphabet=GIVEN, min_size=1, max_size=3))
mobile_of = st.builds(lambda second, rest: f"1{second}{rest:09d}", st.sampled_from("3456789"),
                      st.integers(0, 10**9 - 1))
landline_of = st.builds(lambda area, first, rest: f"{area}-{first}{rest:07d}",
                        st.sampled_from(["0731", "010", "020", "0755"]),
                        st.sampled_from("2345678"), st.integers(0, 10**7 - 1))
phone_of = st.one_of(
    mobile_of,
    mobile_of.map(lambda m: f"{m[:3]} {m[3:7]} {m[7:]}"),  # as people write them
    landline_of)


@st.composite
def resident_id_of(draw: Any) -> str:
    region = draw(st.sampled_from(["430104", "110101", "440305", "430100"]))
    born = draw(st.dates(date(1930, 1, 1), date(2007, 12, 31)))
    first17 = f"{region}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + identity.gb11643_check_char(first17)


party_of = st.fixed_dictionaries({"name": name_of, "phone": phone_of, "id": resident_id_of()})


def _new_case(room: Room, a: dict[str, str], b: dict[str, str]) -> tuple[int, str]:
    record = intake.parse_case({
        "category": "02", "source": "application", "summary": "楼上漏水致天花板受损。",
        "requests": "请求赔偿。",
        "parties": [{"role": role, "kind": "person", "name": p["name"], "phone": p["phone"],
                     "id_number": p["id"]}
                    for role, p in (("applicant", a), ("respondent", b))]})
    out = room.run(intake.new_case, room.director, record, force=True)
    return int(out["id"]), str(out["number"])


def _auditor(room: Room) -> Actor:
    with room.uow() as uow:
        try:
            committee.add_staff(uow, room.director, username="sunli", name="孙丽",
                                role="auditor")
            uow.commit()
        except Exception:
            uow.rollback()
    with room.uow(write=False) as uow:
        return committee.resolve_actor(uow, "sunli")


def _number_forms(number: str) -> list[str]:
    """A case number ``(2026)龙人调字第12号`` in each form a clerk writes it."""
    year, rest = number[1:5], number[6:]
    seq = rest[rest.index("第") + 1:-1]
    return [number, f"（{year}）{rest}", f"〔{year}〕{rest}", f"龙{seq}", f"{year}龙{seq}",
            f"第{seq}号", f"{seq}号"]


def _forms(p: dict[str, str], data: Any) -> list[tuple[str, set[str]]]:
    """Each form of a party a clerk asks by, with the kinds classify may call it."""
    name = p["name"]
    i = data.draw(st.integers(0, len(name) - 2))
    part = name[i:i + data.draw(st.integers(2, len(name) - i))]
    canonical = identity.valid_phone(p["phone"])
    assert canonical is not None
    digits = canonical.replace("-", "")
    phone_tail = digits[-data.draw(st.integers(4, len(digits))):]
    id_tail = p["id"][-data.draw(st.integers(4, 17)):]
    # a landline's digits may be a whole phone, an ID number's end may be a landline
    return [(name, {"text"}), (part, {"text"}), (p["phone"], {"phone"}),
            (phone_tail, {"tail", "phone"}), (p["id"], {"id"}),
            (id_tail.lower(), {"tail", "phone"})]


def _found(uow: UnitOfWork, actor: Actor, query: str) -> set[int]:
    return {h.case.id for h in search.search_cases(uow, actor, query, limit=500)}


@settings(max_examples=25, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(parties=st.lists(st.tuples(party_of, party_of).filter(first_applies), min_size=1,
                        max_size=3), data=st.data())
def test_every_form_finds_its_case(room: Room, parties: list[tuple[dict[str, str],
                                                                   dict[str, str]]],
                                   data: Any) -> None:
    auditor = _auditor(room)
    for a, b in parties:
        cid, number = _new_case(room, a, b)
        asked: list[tuple[str, set[str]]] = [
            (f, {"reference"}) for f in _number_forms(number)]
        for p in (a, b):
            asked += _forms(p, data)
        with UnitOfWork(room.engine, write=False, snapshot=False, clock=room.clock) as uow:
            for query, kinds in asked:
                kind = search_kinds.classify(query).kind
                assert kind in kinds, (query, kind)
                assert cid in _found(uow, room.director, query), (query, kind)
                if kind in ("phone", "id", "tail"):  # a number says whose it is: not to them
                    assert cid not in _found(uow, auditor, query) or kind == "tail", query


def test_a_search_is_one_statement(room: Room) -> None:
    """On SQLite (the driver reports every statement it runs): a search by each kind of query
    runs one statement, the hash key read once per pooled connection before."""
    if not room.url.startswith("sqlite"):
        return  # the same code on PostgreSQL; psycopg has no statement trace to count with
    a = {"name": "张三丰", "phone": "13812345678", "id": "430104198003120014"}
    b = {"name": "李四", "phone": "0731-88886666", "id": "11010119900307803X"}
    cid, number = _new_case(room, a, b)
    with room.engine.begin() as conn:  # the lead mediator's label comes in the same statement
        conn.exec_driver_sql("UPDATE cases SET lead_mediator = 'liming' WHERE id = ?", (cid,))
    with UnitOfWork(room.engine, write=False, snapshot=False, clock=room.clock) as uow:
        dbapi: Any = uow.conn.connection.dbapi_connection
        assert isinstance(dbapi, sqlite3.Connection)
        search.search_cases(uow, room.director, "13812345678")  # the key, once
        for query in ("张三丰", "张三", "漏水", "13812345678", "430104198003120014", "5678",
                      "803X", "88886666", number, "龙1", "第1号"):
            ran: list[str] = []
            dbapi.set_trace_callback(ran.append)
            try:
                hits = search.search_cases(uow, room.director, query)
            finally:
                dbapi.set_trace_callback(None)
            assert [h.case.id for h in hits] == [cid], query
            assert hits[0].case.lead_mediator_name == "李明", query
            assert len([s for s in ran if s.lstrip().upper().startswith(("SELECT", "WITH"))]) \
                == 1, (query, ran)

"""Hypothesis: `case import` and intake tell alike of the same party in another committee (issue
17), by the one rule (duplicates.told_elsewhere).

A database holds two committees: 龙 with cases whose parties' ID numbers come from a small pool,
some of them finished (closed or declined), and 老, which registers random records (parties'
ID numbers from the same pool, or none) once through intake and once through ``case import``.
For every record both paths tell the director of 老 exactly the open cases of 龙 with one of its
parties' ID numbers (committee and number only), and record one ``duplicate_elsewhere`` event on
each new case that matched.
"""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from mediation import bulk, committee, intake
from mediation.cases import CaseIn
from mediation.core.identity import gb11643_check_char
from tests.conftest import Room, case_record, make_room

POOL = 6
_files = itertools.count()


def _id(n: int) -> str:
    born = date(1960, 1, 1) + timedelta(days=37 * n)
    first17 = f"430104{born:%Y%m%d}{n * 2 + 1:03d}"
    return first17 + gb11643_check_char(first17)


def _record(a: int | None, b: int | None, n: int) -> dict[str, Any]:
    record = case_record(summary=f"第{n}起纠纷。")
    for party, which in zip(record["parties"], (a, b), strict=True):
        party.pop("sex")
        if which is None:
            party.pop("id_number")
        else:
            party["id_number"] = _id(which)
    return record


# 龙's cases: (applicant's ID, respondent's ID, finished?)
LONG_CASES = [(0, 1, False), (1, 2, True), (3, None, False), (4, None, True), (None, 5, False)]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Room, Any, Path]:
    folder = tmp_path_factory.mktemp("elsewhere")
    room = make_room("sqlite:///" + str(folder / "room.db"))
    with room.uow() as uow:
        committee.init_committee(uow, name="老城区人民调解委员会", prefix="老",
                                 director="zhoujie")
        uow.commit()
    with room.uow(write=False) as uow:
        other = committee.resolve_actor(uow, "zhoujie")
    for i, (a, b, finished) in enumerate(LONG_CASES):
        made = room.run(intake.new_case, room.director,
                        CaseIn.model_validate(_record(a, b, i)), force=True)
        if finished:
            with room.engine.begin() as conn:
                conn.execute(text("UPDATE cases SET state = :s WHERE id = :id"),
                             {"s": "closed" if a else "declined", "id": made["id"]})
    return room, other, folder


def expected(a: int | None, b: int | None) -> list[str]:
    ids = {a, b} - {None}
    return [f"龙人调字第{i + 1}号" for i, (x, y, finished) in enumerate(LONG_CASES)
            if not finished and ids & ({x, y} - {None})]


def _tail(seen: dict[str, Any] | None) -> list[str]:
    if not seen:
        return []
    assert all(set(c) == {"committee", "number"} for c in seen["cases"])
    assert {c["committee"] for c in seen["cases"]} == {"龙王港社区人民调解委员会"}
    return [c["number"].split(")", 1)[1] for c in seen["cases"]]


_party = st.one_of(st.none(), st.integers(0, POOL - 1))


@settings(max_examples=25, deadline=None)
@given(records=st.lists(st.tuples(_party, _party).filter(  # never one person on both sides
    lambda t: t[0] is None or t[0] != t[1]), min_size=1, max_size=4))
def test_import_and_intake_tell_alike(world: tuple[Room, Any, Path],
                                      records: list[tuple[int | None, int | None]]) -> None:
    room, other, folder = world
    n = next(_files)
    by_intake = [room.run(intake.new_case, other,
                          CaseIn.model_validate(_record(a, b, 100 * n + i)),
                          force=True)["elsewhere"] for i, (a, b) in enumerate(records)]
    path = folder / f"import{n}.jsonl"
    path.write_text("\n".join(json.dumps(_record(a, b, 100 * n + i), ensure_ascii=False)
                              for i, (a, b) in enumerate(records)) + "\n", "utf-8")
    result = bulk.import_cases(room.engine, "zhoujie", path, force=True, clock=room.clock)
    by_import = {e["line"]: {k: v for k, v in e.items() if k not in ("line", "number")}
                 for e in result.elsewhere}
    for line, ((a, b), told) in enumerate(zip(records, by_intake, strict=True), start=1):
        assert _tail(told) == expected(a, b)
        assert by_import.get(line) == told
    with room.engine.connect() as conn:
        counts = conn.execute(text(
            "SELECT e.changes FROM event e JOIN cases c ON c.id = e.case_id "
            "WHERE e.action = 'duplicate_elsewhere' AND c.number = :number"),
            {"number": result.last}).all()
    assert len(counts) == (1 if by_import.get(len(records)) else 0)

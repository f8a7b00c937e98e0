"""Hypothesis: the notice of the same party in another committee follows the rule of the same
party of the probable-duplicate check (issue 14, a clerk's trial: the notice still matched on a
company's 统一社会信用代码 alone after 0f5a55b changed the duplicate rule). One rule,
``duplicates.same_party``: a person's ID number; an organisation's credit code only with another
party in common (here a tenant by name, or by ID number).

龙 holds open cases of tenants (names and ID numbers from small pools) against property companies
(codes from a small pool); 老 registers random such records through intake and ``case import``;
both tell the director of 老 exactly the cases an independent reading of the rule expects, and
``case show`` of the new case lists the same.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import bulk, committee, intake, queries
from mediation.cases import CaseIn
from tests.conftest import Room, case_record, make_room
from tests.property.test_elsewhere_alike import _id

_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
NAMES = ("张三", "李四", "王五")
_files = itertools.count()


def _code(n: int) -> str:
    """A unified social credit code with its GB 32100 check character."""
    first17 = f"91430104MA4L{n:04d}X"
    total = sum(_CHARS.index(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + _CHARS[-total % 31]


# a record: (tenant's name index, tenant's ID index or None, company's code index or None)
Rec = tuple[int, int | None, int | None]


def _record(rec: Rec, n: int) -> dict[str, Any]:
    name, pid, code = rec
    record = case_record(summary=f"第{n}起物业纠纷。")
    tenant: dict[str, Any] = {"role": "applicant", "kind": "person", "name": NAMES[name]}
    if pid is not None:
        tenant["id_number"] = _id(pid)
    other: dict[str, Any] = (
        {"role": "respondent", "kind": "person", "name": "赵六"} if code is None else
        {"role": "respondent", "kind": "legal_person", "name": f"第{code}物业服务有限公司",
         "id_number": _code(code), "representative": {"name": "王建华", "title": "总经理"}})
    record["parties"] = [tenant, other]
    return record


LONG = [(0, None, 0), (1, 1, 0), (2, None, 1), (0, 2, None), (1, None, None)]


def expected(new: Rec) -> list[str]:
    """The rule read independently: the same ID number, or the same company and the same
    tenant (by name; an ID number in common is the first clause already)."""
    name, pid, code = new
    return [f"龙人调字第{i + 1}号" for i, (n, p, c) in enumerate(LONG)
            if (pid is not None and p == pid)
            or (code is not None and c == code and n == name)]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Room, Any, Path]:
    folder = tmp_path_factory.mktemp("elsewhere_orgs")
    room = make_room("sqlite:///" + str(folder / "room.db"))
    with room.uow() as uow:
        committee.init_committee(uow, name="老城区人民调解委员会", prefix="老",
                                 director="zhoujie")
        uow.commit()
    with room.uow(write=False) as uow:
        other = committee.resolve_actor(uow, "zhoujie")
    for i, rec in enumerate(LONG):
        room.run(intake.new_case, room.director, CaseIn.model_validate(_record(rec, i)),
                 force=True)
    return room, other, folder


def _tail(seen: dict[str, Any] | None) -> list[str]:
    return [c["number"].split(")", 1)[1] for c in (seen or {}).get("cases") or []]


_rec = st.tuples(st.integers(0, 2), st.one_of(st.none(), st.integers(0, 3)),
                 st.one_of(st.none(), st.integers(0, 2)))


@settings(max_examples=25, deadline=None)
@given(records=st.lists(_rec, min_size=1, max_size=3))
def test_the_notice_follows_the_rule_of_the_same_party(world: tuple[Room, Any, Path],
                                                       records: list[Rec]) -> None:
    room, other, folder = world
    n = next(_files)
    made = [room.run(intake.new_case, other, CaseIn.model_validate(_record(r, 100 * n + i)),
                     force=True) for i, r in enumerate(records)]
    for rec, told in zip(records, made, strict=True):
        assert _tail(told["elsewhere"]) == expected(rec), rec
        shown = room.run(queries.case_view, other, told["id"])
        assert [e["number"].split(")", 1)[1] for e in shown.elsewhere or []] == expected(rec)
    path = folder / f"import{n}.jsonl"
    path.write_text("\n".join(json.dumps(_record(r, 100 * n + i), ensure_ascii=False)
                              for i, r in enumerate(records)) + "\n", "utf-8")
    result = bulk.import_cases(room.engine, "zhoujie", path, force=True, clock=room.clock)
    by_import = {e["line"]: e for e in result.elsewhere}
    for line, rec in enumerate(records, start=1):
        assert _tail(by_import.get(line)) == expected(rec), rec

"""Hypothesis: every record view restores names by the one rule (known_names.restore), issue 14.

A clerk's trial found ``case history`` masking a representative's name and the names inside
amended agreement terms for a director who sees them whole in ``case show``, and ``audit log``
over the whole committee restoring none. For any generated case (persons, a guardian or none,
an organisation with a representative or none) and any corrections (a party renamed, a
representative added or replaced, a guardian renamed, the agreement's terms rewritten naming
the parties), each role reads ``case show``, ``case history``, ``audit case`` and ``audit log``
(committee-wide), as far as it may:

- a role that may see names (director, assigned mediator) sees in the history, and with audit
  rights in ``audit case`` and in ``audit log``, every name it sees in ``case show``, and the
  agreement's terms as ``case show`` gives them;
- a role that may not (auditor, clerk) sees no full name in any of them.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation import corrections, intake, queries, steps
from mediation.access.policy import sees_names
from mediation.audit import timeline
from mediation.committee import resolve_actor
from mediation.core.errors import PermissionDenied
from mediation.db.engines import database_url, engine_for, release_engine
from mediation.db.storage import UnitOfWork
from tests.access_world import USERS, build, copy_db

# Surnames and given names used nowhere else in the test world, each surname once per case, so
# that a name found is a name shown and each mask (欧阳某) is one person's.
SURNAMES = "欧阳 司马 钱 孔 曹 严 华 金 魏 陶 姜 戚 谢 邹 喻 柏 水 窦 章".split()
GIVEN = "璟瑜琪瑶珂珞琛瑾璇玥珺琰璐瑭"
ROLES = ("director", "mediator", "auditor", "clerk")
COMPANY = "长沙市岳麓区桐梓坡物业服务有限公司"


@st.composite
def cases(draw: st.DrawFn) -> dict[str, Any]:
    surnames = iter(draw(st.permutations(SURNAMES)))

    def person() -> str:
        return next(surnames) + draw(st.text(GIVEN, min_size=1, max_size=2))

    applicants = [{"name": person(), "guardian": person() if draw(st.booleans()) else None}
                  for _ in range(draw(st.integers(1, 2)))]
    representative = person() if draw(st.booleans()) else None
    ops = draw(st.lists(st.sampled_from(["rename", "representative", "guardian", "terms"]),
                        max_size=4))
    return {"applicants": applicants, "representative": representative,
            "ops": [(op, person()) for op in ops]}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("names") / "world.db"
    build(path)
    return path


def _record(case: dict[str, Any]) -> dict[str, Any]:
    parties: list[dict[str, Any]] = []
    for a in case["applicants"]:
        p: dict[str, Any] = {"role": "applicant", "kind": "person", "name": a["name"]}
        if a["guardian"]:
            p["guardian"] = {"name": a["guardian"], "relation": "other_relative"}
        parties.append(p)
    org: dict[str, Any] = {"role": "respondent", "kind": "legal_person", "name": COMPANY}
    if case["representative"]:
        org["representative"] = {"name": case["representative"], "title": "总经理"}
    parties.append(org)
    first = case["applicants"][0]["name"]
    return {"category": "02", "source": "application", "parties": parties,
            "summary": f"{first}与{COMPANY}物业费纠纷。", "requests": f"{first}请求退费。"}


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_every_record_view_restores_what_case_show_shows(
        template: Path, tmp_path: Path, case: dict[str, Any]) -> None:
    db = tmp_path / f"{abs(hash(_dump(case)))}.db"
    copy_db(template, db)
    engine = engine_for(database_url(str(db)))
    names = {a["name"] for a in case["applicants"]} | {
        a["guardian"] for a in case["applicants"] if a["guardian"]} | {
        case["representative"]} | {n for op, n in case["ops"] if op != "terms"}
    names.discard(None)
    try:
        with UnitOfWork(engine) as uow:
            director = resolve_actor(uow, "wangfang")
            cid = intake.new_case(uow, director, intake.parse_case(_record(case)),
                                  force=True)["id"]
            steps.assign(uow, director, cid, mediator="liming")
            steps.accept(uow, director, cid)
            steps.mediate(uow, director, cid, mediator="liming", rights_notified=True)
            steps.session(uow, director, cid, minutes="双方陈述")
            first = case["applicants"][0]["name"]
            steps.agree(uow, director, cid, terms=f"{COMPANY}退还{first}物业费500元", written=True,
                        amount=Decimal("500"), due=date(2026, 12, 31))
            n = len(case["applicants"])
            representative = case["representative"]
            for i, (op, new) in enumerate(case["ops"]):
                if op == "rename":
                    edit = {1: {"name": new}}
                    first = new
                elif op == "representative":
                    edit = {n + 1: {"representative": {"name": new, "title": "经理"}}}
                    representative = new
                elif op == "guardian":
                    edit = {1: {"guardian": {"name": new, "relation": "other_relative"}}}
                else:  # the terms rewritten, naming the parties as they are now
                    signed = f"，{representative}签字" if representative else ""
                    corrections.amend(uow, director, cid, reason=f"更正{i}", agreement={
                        "terms": f"{COMPANY}退还{first}物业费{600 + i}元{signed}"})
                    continue
                corrections.amend(uow, director, cid, reason=f"更正{i}", edit_parties=edit)
            uow.commit()
        with UnitOfWork(engine, write=False) as uow:
            for role in ROLES:
                actor = resolve_actor(uow, USERS[role])
                views: dict[str, str] = {}
                try:
                    shown = _dump(queries.case_view(uow, actor, cid).model_dump())
                    views["case history"] = _dump([v.model_dump() for v in queries.history(
                        uow, actor, cid)])
                except PermissionDenied:  # a clerk reads no case file
                    shown = ""
                try:
                    views["audit case"] = _dump(timeline.case_timeline(uow, actor, str(cid)))
                    views["audit log"] = _dump([v.model_dump() for v in timeline.log(
                        uow, actor, limit=None)])
                except PermissionDenied:
                    pass
                seen = {name for name in names if name in shown}
                if sees_names(actor):
                    assert seen, (role, shown)
                    terms = json.loads(shown)["agreements"][-1]["terms"]
                    for view, text in views.items():
                        if view != "case history" and role == "mediator":
                            continue  # a mediator's own events only: none here
                        missing = {name for name in seen if name not in text}
                        assert not missing, (role, view, missing)
                        assert terms in text, (role, view, terms)
                else:
                    assert not seen, (role, seen, shown)
                    for view, text in views.items():
                        assert not {name for name in names if name in text}, (role, view)
    finally:
        release_engine(engine)

"""Helpers shared by the audit tests: a short history built through the real services."""

from __future__ import annotations

import json
from typing import Any

from mediation import intake, queries, steps
from tests.conftest import Room

RECORD: dict[str, Any] = {
    "category": "02", "source": "application",
    "summary": "张三与李四系楼上楼下邻居，李四家卫生间漏水致张三家天花板受损。",
    "requests": "请求李四赔偿维修费用500元并修复防水层。", "amount": 500,
    "parties": [
        {"role": "applicant", "kind": "person", "name": "张三", "sex": "male",
         "id_number": "430104198003120014", "phone": "13812345678",
         "address": "湖南省长沙市岳麓区龙王港街道桐梓坡路8栋502"},
        {"role": "respondent", "kind": "person", "name": "李四", "sex": "female",
         "id_number": "430104197511200024", "phone": "13987654321",
         "address": "湖南省长沙市岳麓区龙王港街道桐梓坡路8栋602"},
    ],
}


def new_case(room: Room, **overrides: Any) -> int:
    record = intake.load_case_file(json.dumps({**RECORD, **overrides}), origin="t")
    result = room.run(intake.new_case, None, record, force=True)
    return int(result["id"])


def full_history(room: Room) -> int:
    """One case from intake to closed, with a reveal; returns its id."""
    cid = new_case(room)
    room.clock.advance(hours=1)
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.clock.advance(days=2)
    room.run(steps.session, room.mediator, cid, minutes="双方陈述了事实。")
    room.run(steps.agree, room.mediator, cid, terms="修好水管，赔偿500元。", written=True)
    room.run(queries.case_view, None, cid, reveal=True, reason="核对身份")
    room.run(steps.confirm, None, cid)
    room.clock.advance(days=10)
    room.run(steps.follow_up_and_close, None, cid, satisfaction="satisfied", performance="full")
    return cid

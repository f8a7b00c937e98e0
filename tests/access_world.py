"""A committee with one user per role, for the access tests (issue 6).

Built through the services, on a no-login database (``MEDIATION_USER`` picks the role) or, with
``build(path, login=True)``, on one that requires sign-in: every user then has a password and an
open session, and there are an expired session and a revoked token (the tokens are returned).
"""

from __future__ import annotations

import copy
import os
import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import select

from mediation import intake, leads, retention, steps
from mediation.access import signin
from mediation.access.policy import Actor
from mediation.committee import add_staff, init_committee, resolve_actor
from mediation.core.clock import utcnow
from mediation.db.engines import create_schema, database_url, engine_for, release_engine
from mediation.db.storage import UnitOfWork
from mediation.tables import Committee, Staff

USERS = {"director": "wangfang", "mediator": "liming", "auditor": "sunli", "clerk": "chenjing",
         "admin": "quadmin", "grid_worker": "wangqiang", "district_viewer": "zhaoju"}
ROLES = tuple(USERS)
# Their display names: how a refusal names them (policy.refused).
NAMES = {"director": "王芳", "mediator": "李明", "auditor": "孙力", "clerk": "陈静",
         "admin": "瞿管理", "grid_worker": "王强", "district_viewer": "赵局"}

CASE: dict[str, Any] = {
    "category": "02",
    "source": "application",
    "summary": "张三与李四系楼上楼下邻居，李四家卫生间漏水致张三家天花板受损。",
    "requests": "请求李四赔偿维修费用500元并修复防水层。",
    "amount": 500,
    "parties": [
        {"role": "applicant", "kind": "person", "name": "张三", "sex": "male",
         "ethnicity": "汉族", "id_number": "430104198003120014", "phone": "13812345678",
         "address": "湖南省长沙市岳麓区龙王港街道桐梓坡路8栋502"},
        {"role": "respondent", "kind": "person", "name": "李四", "sex": "female",
         "ethnicity": "汉族", "id_number": "430104197511200024", "phone": "13987654321",
         "address": "湖南省长沙市岳麓区龙王港街道桐梓坡路8栋602"},
    ],
}


def case_record() -> dict[str, Any]:
    return copy.deepcopy(CASE)


PASSWORD = "matrix-password"


def build(path: Path, *, login: bool = False) -> dict[str, str]:
    """Committee 龙: an administrator, a director, two mediators, an auditor, a clerk, a grid
    worker and the Bureau of Justice's district viewer; case 1 in intake assigned to the
    mediator liming; a retention period; token 1 (clerk); lead 1 reported by the grid worker.

    ``login=True``: then the committee requires sign-in, everybody's password is
    :data:`PASSWORD`, and the result maps each role to the token of its open session, and
    ``"expired"`` / ``"revoked"`` to the director's expired session and revoked cron token.
    """
    url = database_url(str(path))
    engine = engine_for(url)
    create_schema(engine)
    with UnitOfWork(engine) as uow:
        init_committee(uow, name="龙王港社区人民调解委员会", prefix="龙", director="quadmin",
                       director_name="瞿管理", admin=True)
        admin = resolve_actor(uow, "quadmin")
        add_staff(uow, admin, username="wangfang", name="王芳", role="director", committee="龙")
        add_staff(uow, admin, username="zhaoju", name="赵局", role="district_viewer")
        director = resolve_actor(uow, "wangfang")
        for user, name, role in (("liming", "李明", "mediator"), ("zhaomin", "赵敏", "mediator"),
                                 ("sunli", "孙力", "auditor"), ("chenjing", "陈静", "clerk"),
                                 ("wangqiang", "王强", "grid_worker")):
            add_staff(uow, director, username=user, name=name, role=role)
        uow.commit()
    with UnitOfWork(engine) as uow:
        case = intake.new_case(uow, director, intake.parse_case(case_record()))
        steps.assign(uow, director, case["id"], mediator="liming")
        retention.set_days(uow, director, 3650)
        signin.create_token(uow, director, "chenjing", days=5)
        leads.report(uow, resolve_actor(uow, "wangqiang"), place="桐梓坡路8栋",
                     seen="楼上漏水，两户争吵", parties="张三、李四", found="2026-11-01 09:30")
        uow.commit()
    tokens = _sign_in(engine, director) if login else {}
    release(path)
    return tokens


def _sign_in(engine: Engine, director: Actor) -> dict[str, str]:
    fast = os.environ.get(signin.FAST_ENV)
    os.environ[signin.FAST_ENV] = "1"
    try:
        with UnitOfWork(engine) as uow:
            for staff in uow.session.exec(select(Staff)).all():
                signin.set_password(uow, staff, PASSWORD)
            for c in uow.session.exec(select(Committee)).all():
                c.login_required = True
                uow.session.add(c)
            uow.commit()
        tokens: dict[str, str] = {}
        with UnitOfWork(engine) as uow:
            for role, user in USERS.items():
                tokens[role] = signin.login(uow, user, PASSWORD)["token"]
            revoked = signin.create_token(uow, director, "wangfang", days=5)
            signin.revoke_token(uow, director, revoked["id"])
            tokens["revoked"] = revoked["token"]
            uow.commit()
        past = utcnow() - timedelta(hours=signin.SESSION_HOURS + 1)
        with UnitOfWork(engine, clock=lambda: past) as uow:
            tokens["expired"] = signin.login(uow, "wangfang", PASSWORD)["token"]
            uow.commit()
        return tokens
    finally:
        if fast is None:
            del os.environ[signin.FAST_ENV]
        else:
            os.environ[signin.FAST_ENV] = fast


def release(path: Path) -> None:
    """Close the cached engine of ``path`` (the tests create many small databases)."""
    release_engine(database_url(str(path)))


def copy_db(template: Path, dest: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(template) + suffix)
        if src.exists():
            shutil.copyfile(src, str(dest) + suffix)

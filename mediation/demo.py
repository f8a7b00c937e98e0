"""A populated example committee, built through the real services with a controlled clock.

``data/demo/cases.json`` holds hand-written cases, each with a script of steps and the day (after
registration) each was taken; ``synthetic`` adds generated cases with realistic histories. All
actions are sorted by time and run in that order, so the event log reads chronologically.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from mediation import committee, intake, steps
from mediation.access.policy import Actor
from mediation.cases import Case
from mediation.core import identity
from mediation.core.clock import utcnow
from mediation.core.errors import InvalidInput
from mediation.core.i18n import msg
from mediation.core.paths import data_dir
from mediation.db import settings
from mediation.db.engines import create_schema, engine_for, schema_exists
from mediation.db.storage import unit_of_work

DIRECTOR = "wangfang"
STAFF = [("liming", "李明", "mediator"), ("zhaomin", "赵敏", "mediator"),
         ("chenjing", "陈静", "clerk"), ("sunli", "孙力", "auditor")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅兰凤玉海峰文斌"
REGIONS = ["430104", "430102", "430103", "430105", "430111", "430121"]
CATEGORY_WEIGHTS = {"01": 18, "02": 22, "03": 10, "04": 8, "05": 4, "06": 9, "07": 4, "08": 2,
                    "09": 2, "10": 6, "11": 3, "12": 2, "13": 4, "14": 4, "99": 2}
SOURCE_WEIGHTS = {"application": 45, "proactive": 15, "grid": 25, "court": 5, "police": 6,
                  "petition": 2, "government": 2}


def resident_id(rng: random.Random, birth: datetime, sex: str | None = None) -> str:
    """A valid number of someone born on ``birth``, of ``sex`` when given (the 17th digit: odd
    for a man), as the intake requires a stated sex to agree with it (fields.identity_of)."""
    region, order = rng.choice(REGIONS), rng.randint(0, 999)
    if sex is not None and (order % 2 == 1) != (sex == "male"):
        order ^= 1
    first17 = f"{region}{birth:%Y%m%d}{order:03d}"
    return first17 + identity.gb11643_check_char(first17)


def person(rng: random.Random, role: str) -> dict[str, Any]:
    birth = datetime(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 50))
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))
    sex = rng.choice(["male", "female"])
    return {
        "role": role, "kind": "person", "name": name, "sex": sex, "ethnicity": "汉族",
        "id_number": resident_id(rng, birth, sex),
        "phone": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
        "address": f"湖南省长沙市岳麓区龙王港街道{rng.randint(1, 30)}栋{rng.randint(101, 1808)}",
    }


@dataclass(order=True)
class _Action:
    at: datetime
    order: int
    run: Callable[[Any, Actor], None] = field(compare=False)


def _script_actions(script: dict[str, Any], base: datetime, index: int,
                    ids: dict[int, int], order: list[int]) -> list[_Action]:
    def register(uow: Any, actor: Actor) -> None:
        record = intake.parse_case(script["case"], origin="demo")
        ids[index] = intake.new_case(uow, actor, record, force=True)["id"]

    registered = base + timedelta(days=script["day"], hours=9)
    out = [_Action(registered, _next(order), register)]
    for step in script["steps"]:
        trigger, day, params = step[0], step[1], dict(step[2]) if len(step) > 2 else {}
        out.append(_Action(registered + timedelta(days=day, hours=1), _next(order),
                           _step_runner(trigger, params, index, ids)))
    return out


def _next(order: list[int]) -> int:
    order[0] += 1
    return order[0]


def _step_runner(trigger: str, params: dict[str, Any], index: int,
                 ids: dict[int, int]) -> Callable[[Any, Actor], None]:
    def run(uow: Any, actor: Actor) -> None:
        kwargs = dict(params)
        if kwargs.get("amount") is not None:
            kwargs["amount"] = Decimal(str(kwargs["amount"]))
        for key in ("due", "filed_on", "decided_on"):
            if isinstance(kwargs.get(key), str):
                kwargs[key] = date.fromisoformat(kwargs[key])
        steps.STEPS[trigger](uow, actor, ids[index], **kwargs)

    return run


def synthetic_script(rng: random.Random, now: datetime) -> dict[str, Any]:
    """One realistic case history: intake, then the road most cases take, with its timing."""
    cats, cw = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    srcs, sw = zip(*SOURCE_WEIGHTS.items(), strict=True)
    source = rng.choices(srcs, sw)[0]
    parties = [person(rng, "applicant")] + [person(rng, "respondent")
                                            for _ in range(rng.choice([1, 1, 1, 2]))]
    day = -rng.randint(0, 360)
    case = {"category": rng.choices(cats, cw)[0], "source": source,
            "summary": "双方因琐事发生纠纷，请求调解。", "requests": "请求依法调解。",
            "parties": parties,
            "discovered_at": (now + timedelta(days=day - rng.randint(0, 3))).strftime(
                "%Y-%m-%dT%H:%M:%S")}
    if source in ("court", "police", "petition", "government"):
        case["referral_ref"] = f"转{rng.randint(100, 999)}号"
    if rng.random() < 0.3:
        case["amount"] = rng.randint(5, 2000) * 100
    script: dict[str, Any] = {"case": case, "day": day, "steps": []}
    age = -day
    t = rng.randint(0, 2)
    s = script["steps"]
    if age < 2:
        return script
    if rng.random() < 0.06:
        s.append(["decline", t, {"reason": rng.choice(["already_in_court", "party_refuses"]),
                                 "advice": "告知当事人向人民法院起诉"}])
        if age > t + 10:
            _follow_up(s, t + rng.randint(3, 10), {"satisfaction": "basically_satisfied"},
                       _fed_back_to(source))
        return script
    s.append(["accept", t])
    mediator = rng.choice(["liming", "zhaomin", DIRECTOR])
    t += rng.randint(0, 3)
    if age < t + 1:
        return script
    s.append(["mediate", t, {"mediator": mediator, "rights_notified": True}])
    t += rng.randint(1, 20)
    if age < t + 1:
        return script
    s.append(["session", t, {"minutes": "双方陈述事实，调解员释法说理。"}])
    if rng.random() < 0.05:
        s.append(["terminate", t, {"reason": "no_agreement", "advice": "可向人民法院起诉"}])
        if age > t + 15:
            _follow_up(s, t + rng.randint(5, 15), {"satisfaction": "dissatisfied"},
                       _fed_back_to(source))
        return script
    s.append(["agree", t, {"terms": "双方达成和解，按约履行。", "written": rng.random() < 0.7,
                           "amount": case.get("amount")}])
    t += rng.randint(0, 3)
    if age < t + 1:
        return script
    s.append(["confirm", t])
    t += rng.randint(7, 30)
    if age < t + 1:
        return script
    satisfaction = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"],
                               [80, 17, 3])[0]
    performance = rng.choices(["full", "partial", "none"], [90, 7, 3])[0]
    if performance != "full":  # not (fully) performed: urged, visited again later
        s.append(["visit", t, {"performance": performance, "satisfaction": satisfaction,
                               "visited": "当事人"}])
        s.append(["urge", t, {"note": "电话督促被申请人按协议履行"}])
        t += rng.randint(7, 20)
        if age < t + 1:
            return script
        performance = "full"
    _follow_up(s, t, {"performance": performance, "satisfaction": satisfaction},
               _fed_back_to(source))
    return script


def _fed_back_to(source: str) -> str:
    """Whom a case of this source is fed back to (反馈): whoever brought the dispute."""
    return {"grid": "网格员", "court": "法院", "police": "派出所", "petition": "信访部门",
            "government": "政府部门"}.get(source, "申请人")


def _follow_up(s: list[Any], day: int, visit: dict[str, Any], to: str) -> None:
    """The end of a case's road: a follow-up visit, the outcome fed back, the case closed."""
    s.append(["visit", day, {**visit, "visited": "当事人"}])
    s.append(["feedback", day, {"to": to, "channel": "phone"}])
    s.append(["close", day])


def build(url: str, *, synthetic: int = 0, seed: int = 2026, fresh: bool = False
          ) -> dict[str, Any]:
    """Build the demo committee in the database at ``url`` (which must be empty, or a demo)."""
    path = ""
    sqlite = url.startswith("sqlite")
    if sqlite:
        path = make_url(url).database or ""
    if fresh and (not sqlite or (path and Path(path).exists())):
        engine = engine_for(url)
        if schema_exists(engine):
            with unit_of_work(engine, write=False) as uow:
                marker = settings.get(uow, settings.DEMO)
            if marker is None:
                shown = path or make_url(url).render_as_string(hide_password=True)
                raise InvalidInput(msg("{path} is not a demo database; --fresh deletes only "
                                       "demo databases", path=shown))
        if sqlite:
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)
    engine = engine_for(url)
    if schema_exists(engine):
        raise InvalidInput(msg("the database already holds data; the demo needs an empty one "
                               "(use --fresh for an earlier demo)"))
    create_schema(engine)
    rng = random.Random(seed)
    now = utcnow().replace(microsecond=0)
    scripts = json.loads((data_dir() / "demo" / "cases.json").read_text(encoding="utf-8"))
    scripts = scripts + [synthetic_script(rng, now) for _ in range(synthetic)]
    start = now + timedelta(days=min(s["day"] for s in scripts) - 2)
    clock_now = [start]
    with unit_of_work(engine, clock=lambda: clock_now[0]) as uow:
        committee.init_committee(uow, name="龙王港社区人民调解委员会", prefix="龙",
                                 director=DIRECTOR, director_name="王芳")
        settings.put(uow, settings.DEMO, "1")
        director = committee.resolve_actor(uow, DIRECTOR)
        for username, full_name, role in STAFF:
            committee.add_staff(uow, director, username=username, name=full_name, role=role)
        uow.commit()
    ids: dict[int, int] = {}
    order = [0]
    actions: list[_Action] = []
    for i, script in enumerate(scripts):
        actions.extend(_script_actions(script, now, i, ids, order))
    actions.sort()
    batch = 500
    for chunk_start in range(0, len(actions), batch):
        with unit_of_work(engine, clock=lambda: clock_now[0]) as uow:
            actor = committee.resolve_actor(uow, DIRECTOR)
            for action in actions[chunk_start:chunk_start + batch]:
                clock_now[0] = min(action.at, now)
                action.run(uow, actor)
            uow.commit()
    with unit_of_work(engine, write=False) as uow:
        showcase = uow.session.get(Case, ids[0])
        number = showcase.number if showcase else str(ids[0])
    return {"url": url, "path": path, "cases": len(scripts), "director": DIRECTOR,
            "showcase": ids[0], "showcase_number": number}

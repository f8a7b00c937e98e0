"""A random workload of terminals for the concurrency and crash tests (importable by children).

Each operation runs exactly as ``Env.act`` runs a command: ``storage.transaction`` resolves the
actor and calls one service in a unit of work, re-running it on a transient failure. An
operation's outcome is what a user would see: a success (with the event it wrote), a refusal by
the workflow, a conflict (exit 3), or anything else, which the tests treat as a failure.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from mediation import committee, intake, steps, workflow
from mediation.cases import Case, CaseIn
from mediation.core.commands import StepDone
from mediation.core.errors import Conflict, MediationError
from mediation.db.engines import create_schema, engine_for
from mediation.db.storage import UnitOfWork, transaction
from mediation.tables import Event

CASE = json.loads(
    (Path(__file__).resolve().parents[2] / "data" / "demo" / "case.json").read_text("utf-8"))

PARAMS: dict[str, dict[str, Any]] = {
    "accept": {},
    "decline": {"reason": "party_refuses", "advice": "可向人民法院起诉"},
    "mediate": {"mediator": "liming", "rights_notified": True},
    "session": {"minutes": "双方陈述了意见。"},
    "extend": {"days": 3, "reason": "双方同意延期", "consent": True},
    "agree": {"terms": "甲方于十日内修复漏水并赔偿500元。", "written": True},
    "terminate": {"reason": "no_agreement", "advice": "可向人民法院起诉"},
    "confirm": {},
    "visit": {"satisfaction": "satisfied", "performance": "full", "visited": "张三"},
    "feedback": {"channel": "phone", "to": "张三"},
    "close": {},
    "remediate": {"reason": "协议显失公平", "consent": True},
    "prevent": {"kind": "group_fight", "persons": 3},
}
# Mostly steps that move a case forward; some edits; a few new cases; rarely a decline.
WEIGHTS = {"accept": 4, "mediate": 4, "session": 3, "extend": 1, "agree": 3, "terminate": 1,
           "confirm": 3, "visit": 2, "feedback": 1, "close": 1, "remediate": 1, "prevent": 2,
           "decline": 0.3, "new": 2}
NOISE = ("Refused", "PermissionDenied", "InvalidInput")


def setup(url: str, cases: int = 3) -> None:
    """A committee with a director and two mediators, and ``cases`` cases in intake."""
    engine = engine_for(url)
    create_schema(engine)
    with UnitOfWork(engine) as uow:
        committee.init_committee(uow, name="龙王港社区人民调解委员会", prefix="龙",
                                 director="wangfang", director_name="王芳")
        director = committee.resolve_actor(uow, "wangfang")
        committee.add_staff(uow, director, username="liming", name="李明", role="mediator")
        uow.commit()
    for _ in range(cases):
        new_case(engine)


def new_case(engine: Any) -> dict[str, Any]:
    record = CaseIn.model_validate(CASE)

    def once(uow: UnitOfWork) -> dict[str, Any]:
        actor = committee.resolve_actor(uow, "wangfang")
        return intake.new_case(uow, actor, record, force=True)

    return transaction(engine, once)


def _recent_cases(engine: Any, k: int = 4) -> list[int]:
    def once(uow: UnitOfWork) -> list[int]:
        rows = uow.session.exec(select(Case.id).order_by(col(Case.id).desc()).limit(k)).all()
        return [r for r in rows if r is not None]

    return transaction(engine, once, write=False)


def _read(engine: Any, case_id: int) -> tuple[str, int]:
    def once(uow: UnitOfWork) -> tuple[str, int]:
        case = uow.session.get(Case, case_id)
        assert case is not None
        return case.state, case.version

    return transaction(engine, once, write=False)


def one_op(engine: Any, rng: random.Random, *, informed: float = 0.7) -> dict[str, Any]:
    """Run one random operation; return its outcome as a plain dict.

    With probability ``informed`` the terminal first reads the case (as a user looks at it) and
    picks a step allowed in the state it saw, often naming the version it saw; otherwise it
    fires a random trigger blind. Between the read and the write other terminals may act.
    """
    kinds = list(WEIGHTS)
    kind = rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
    expected = None
    if kind != "new":
        case_id = rng.choice(_recent_cases(engine))
        if rng.random() < informed:
            state, version = _read(engine, case_id)
            allowed = [t for t in workflow.allowed_triggers(state) if t in PARAMS]
            if not allowed:
                kind = "new"
            else:
                kind = rng.choices(allowed, weights=[WEIGHTS[k] for k in allowed])[0]
                expected = version if rng.random() < 0.5 else None
    if kind == "new":
        try:
            made = new_case(engine)
        except Exception as exc:
            return {"kind": kind, "outcome": "error", "error": f"{type(exc).__name__}: {exc}"}
        return {"kind": kind, "outcome": "ok", "case": made["id"], "number": made["number"]}
    fn: Callable[..., StepDone] = steps.STEPS[kind]

    def once(uow: UnitOfWork) -> StepDone:
        actor = committee.resolve_actor(uow, "wangfang")
        return fn(uow, actor, case_id, expected_version=expected, **PARAMS[kind])

    try:
        result = transaction(engine, once)
    except Conflict as exc:
        return {"kind": kind, "outcome": "conflict", "case": case_id, "error": str(exc)}
    except MediationError as exc:
        outcome = "refused" if type(exc).__name__ in NOISE else "error"
        return {"kind": kind, "outcome": outcome, "case": case_id,
                "error": f"{type(exc).__name__}: {exc}"}
    except Exception as exc:
        return {"kind": kind, "outcome": "error", "case": case_id,
                "error": f"{type(exc).__name__}: {exc}"}
    return {"kind": kind, "outcome": "ok", "case": case_id, "event": result.event,
            "version": result.version, "state": result.state}


def terminal(url: str, seed: int, barrier: Any, seconds: float, out: str) -> None:
    """One terminal process: random operations for ``seconds``, all terminals starting at once."""
    from mediation.db import engines

    engines.release_engines(inherited=True)
    engine = engine_for(url)
    rng = random.Random(seed)
    outcomes = []
    _recent_cases(engine)  # connected and warm before the start
    barrier.wait(timeout=120)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        outcomes.append(one_op(engine, rng))
    Path(out).write_text(json.dumps(outcomes), "utf-8")


def crash_writer(url: str, seed: int, acks: str) -> None:
    """Write steps until killed; after each commit append ``seq case version`` to ``acks``."""
    from mediation.db import engines

    engines.release_engines(inherited=True)  # a forked child: the parent's connections
    engine = engine_for(url)
    rng = random.Random(seed)
    fd = os.open(acks, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    while True:
        result = one_op(engine, rng, informed=0.9)
        if result["outcome"] == "ok" and "event" in result:
            os.write(fd, f"{result['event']} {result['case']} {result['version']}\n".encode())
        elif result["outcome"] == "ok":
            os.write(fd, f"new {result['case']} 1\n".encode())


def events_after(engine: Any, seq: int) -> list[Event]:
    def once(uow: UnitOfWork) -> list[Event]:
        return list(uow.session.exec(select(Event).where(col(Event.seq) > seq)
                                     .order_by(col(Event.seq))).all())

    return transaction(engine, once, write=False)

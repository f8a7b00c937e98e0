"""Many terminals at the same cases, and a writer killed at random: nothing is lost.

Both run on each backend. The terminals are separate processes (multiprocessing, spawn) firing
random steps, edits and new cases at the same few cases for a bounded time; the crash test forks a
writer and kills it with SIGKILL at random moments, fifty times.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from mediation import integrity
from mediation.cases import Case
from mediation.db.engines import engine_for
from mediation.db.storage import UnitOfWork
from mediation.tables import Event
from tests.integration import workload

TERMINALS = 4
SECONDS = float(os.environ.get("MEDIATION_TEST_CONCURRENCY_SECONDS", "3"))
KILLS = int(os.environ.get("MEDIATION_TEST_KILLS", "50"))


def _last_seq(engine: Any) -> int:
    with UnitOfWork(engine, write=False) as uow:
        return max(uow.session.exec(select(Event.seq)).all(), default=0)


def _assert_sound(engine: Any) -> None:
    with UnitOfWork(engine, write=False) as uow:
        checks = integrity.check(uow)
        numbers = uow.session.exec(select(Case.committee_id, Case.year, Case.seq, Case.number)
                                   .order_by(col(Case.seq))).all()
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]
    seqs = [r[2] for r in numbers]
    assert seqs == list(range(1, len(seqs) + 1)), "case numbers unique and gapless"
    assert len({r[3] for r in numbers}) == len(numbers)


def test_terminals_at_the_same_cases_lose_nothing(db_url: str, tmp_path: Path) -> None:
    workload.setup(db_url)
    engine = engine_for(db_url)
    base = _last_seq(engine)
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(TERMINALS)
    outs = [tmp_path / f"terminal-{i}.json" for i in range(TERMINALS)]
    procs = [ctx.Process(target=workload.terminal,
                         args=(db_url, 1000 + i, barrier, SECONDS, str(outs[i])))
             for i in range(TERMINALS)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=180)
        assert p.exitcode == 0
    outcomes = [o for out in outs for o in json.loads(out.read_text("utf-8"))]

    errors = [o for o in outcomes if o["outcome"] == "error"]
    assert not errors, errors[:5]  # no "database is locked" (or anything else) reached a user
    assert not any("locked" in o.get("error", "") for o in outcomes)
    ok_steps = {o["event"]: o for o in outcomes if o["outcome"] == "ok" and "event" in o}
    ok_new = {o["case"] for o in outcomes if o["outcome"] == "ok" and "event" not in o}
    assert len(ok_steps) >= 5

    events = workload.events_after(engine, base)
    # Every intake of the workload is forced past a probable duplicate (the same case.json), and
    # every duplicate hit is recorded as an event of its own (docs/access.md): not a step.
    step_events = {e.seq: e for e in events if e.action not in ("new", "duplicate_hit")}
    new_events = {e.case_id for e in events if e.action == "new"}
    hits = [e for e in events if e.action == "duplicate_hit"]
    assert len(hits) <= len(ok_new)
    # Every reported success is in the log, and every event is a reported success.
    assert set(step_events) == set(ok_steps)
    assert new_events == ok_new
    for seq, o in ok_steps.items():
        e = step_events[seq]
        assert (e.case_id, e.action, e.version) == (o["case"], o["kind"], o["version"])
    _assert_sound(engine)


def test_a_writer_killed_at_random_loses_nothing_it_acknowledged(
    db_url: str, tmp_path: Path
) -> None:
    workload.setup(db_url, cases=2)
    engine = engine_for(db_url)
    warm = random.Random(0)
    for _ in range(5):  # build the machine, load lazy imports: each forked writer starts warm
        workload.one_op(engine, warm, informed=1.0)
    engine.dispose()  # the forked writers must not inherit pooled connections
    acks = tmp_path / "acks"
    ctx = multiprocessing.get_context("fork")
    rng = random.Random(5)
    for i in range(KILLS):
        writer = ctx.Process(target=workload.crash_writer, args=(db_url, 7000 + i, str(acks)))
        before = acks.stat().st_size if acks.exists() else 0
        writer.start()
        # Kill at a random moment once the writer is at work (it has acknowledged a step).
        waited = 0.0
        while (acks.stat().st_size if acks.exists() else 0) == before and waited < 30:
            time.sleep(0.005)
            waited += 0.005
        time.sleep(rng.uniform(0.0, 0.12))
        assert writer.pid is not None
        os.kill(writer.pid, signal.SIGKILL)
        writer.join(timeout=30)
        assert writer.exitcode == -signal.SIGKILL
        if i % 10 == 9:
            _assert_sound(engine)
            engine.dispose()

    lines = acks.read_text().split() if acks.exists() else []
    acked = [tuple(lines[i:i + 3]) for i in range(0, len(lines), 3)]
    assert len(acked) >= KILLS  # the writer got real work done between kills
    with UnitOfWork(engine, write=False) as uow:
        events = {e.seq: e for e in uow.session.exec(select(Event)).all()}
        new_cases = {e.case_id for e in events.values() if e.action == "new"}
    for seq, case_id, version in acked:
        if seq == "new":
            assert int(case_id) in new_cases
        else:
            e = events.get(int(seq))
            assert e is not None, f"acknowledged event {seq} is missing"
            assert (e.case_id, e.version) == (int(case_id), int(version))
    _assert_sound(engine)

"""Many terminals at once (issue 18): committed steps per second with several processes writing
at the same time, against the raw driver running the same transactions at the same concurrency,
in the same run.

Each backend gets two databases set up alike (a committee and enough cases in intake for every
process; each process has cases of its own): one for our code, one for the raw driver. Then
``MEDIATION_BENCH_TERMINALS`` processes per backend (default ``sqlite=4,postgresql=8``) start
together (a barrier) and fire ``accept`` steps at their own cases for
``MEDIATION_BENCH_TERMINALS_SECONDS`` (default 30), in ``MEDIATION_BENCH_TERMINALS_ROUNDS``
(default 3) rounds with ours and raw alternating, so that both see the same load:

- ours: exactly what ``mediation case accept`` runs (the actor resolved as the CLI resolves it,
  the step in ``storage.transaction``, re-run on a transient failure as a terminal does);
- raw: bench_storage's hand-written transaction (the same statements: who acts, the case with
  its party counts, one compare-and-set UPDATE, the head ``FOR UPDATE``, the event with its
  hash, the head), with plain sqlite3 (WAL, synchronous=FULL, ``BEGIN IMMEDIATE``, a 30 s busy
  timeout) or psycopg.

Counted: steps committed per second, and every error a process saw (the issue wants none). Then
our database must verify whole (``mediation.integrity.check``: the chain gapless and intact,
every case replayed). The same is run with one process (for a third of the time), to show how
far the writes scale: every step takes the single log-head row, so the steps of all processes
are serialised on it; the figure ``N processes / 1 process`` says how much of the concurrency
survives.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.bench_storage import (
    PG_ADMIN,
    _pg_database,
    _raw_psycopg_connection,
    _raw_sqlite_connection,
    _raw_transition,
    _setup,
    write_jsonl,
)

SECONDS = float(os.environ.get("MEDIATION_BENCH_TERMINALS_SECONDS", "30"))
# The several-process runs are split into this many rounds, ours and raw alternating (which goes
# first alternates too), so that both sides see the same swings of a shared machine's load.
ROUNDS = max(1, int(os.environ.get("MEDIATION_BENCH_TERMINALS_ROUNDS", "3")))
PROCESSES = dict(
    (k, int(v)) for k, v in (p.split("=") for p in os.environ.get(
        "MEDIATION_BENCH_TERMINALS", "sqlite=4,postgresql=8").split(",")))
# Cases prepared per process (``accept`` takes a case in intake once): steps a second one
# process of several could at most commit, and one alone (for a third of the time), by backend.
RATES = {"sqlite": (250, 450), "postgresql": (80, 150)}
TARGET = 0.60


def _cases_per_process(backend: str, alone: bool = False) -> int:
    """Cases one process may use in one run (a round of several processes, or the run alone)."""
    several, one = RATES[backend]
    return math.ceil(SECONDS / 3 * one if alone else SECONDS / ROUNDS * several) + 20


def _prepare(url: str, n: int) -> None:
    """A committee and ``n`` cases in intake (the bulk import: fast, and the cases' events are
    in the chain like any others)."""
    from mediation import bulk

    engine = _setup(url)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "cases.jsonl"
        write_jsonl(src, n)
        bulk.import_cases(engine, "wangfang", src, force=True)
    engine.dispose()


def _terminal(kind: str, url: str, ids: list[int], barrier: Any, seconds: float,
              out: str) -> None:
    """One process: fire ``accept`` at its own cases until the time is up."""
    done, errors, ran_out = 0, [], False
    if kind == "ours":
        from mediation import steps
        from mediation.access import signin
        from mediation.db.engines import engine_for
        from mediation.db.storage import UnitOfWork, transaction

        engine = engine_for(url)

        def step(cid: int) -> None:
            def once(uow: UnitOfWork) -> Any:
                actor = signin.actor_for(uow, user="wangfang", token=None, session=True)
                return steps.accept(uow, actor, cid)

            transaction(engine, once)
    elif url.startswith("sqlite"):
        conn = _raw_sqlite_connection(url.removeprefix("sqlite:///"))
        cur = conn.cursor()

        def step(cid: int) -> None:
            cur.execute("BEGIN IMMEDIATE")
            try:
                _raw_transition(cur, cid, datetime.now().replace(microsecond=0), "?")
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
    else:
        pg = _raw_psycopg_connection(url)

        def step(cid: int) -> None:
            with pg.transaction():
                _raw_transition(pg.cursor(), cid, datetime.now().replace(microsecond=0), "%s")

    barrier.wait()
    start = time.perf_counter()
    end = start + seconds
    for cid in ids:
        if time.perf_counter() >= end:
            break
        try:
            step(cid)
            done += 1
        except Exception as exc:
            errors.append(f"{type(exc).__name__}: {exc}"[:200])
    else:
        ran_out = True
    elapsed = time.perf_counter() - start
    Path(out).write_text(json.dumps({"done": done, "errors": errors, "elapsed": elapsed,
                                     "ran_out": ran_out}), "utf-8")


def _run(kind: str, url: str, processes: int, first_id: int) -> dict[str, Any]:
    """``processes`` terminals at once; returns steps/s, errors and whether cases ran out."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes)
    alone = processes == 1
    per = _cases_per_process("sqlite" if url.startswith("sqlite") else "postgresql", alone)
    seconds = SECONDS / 3 if alone else SECONDS / ROUNDS
    with tempfile.TemporaryDirectory() as tmp:
        outs = [str(Path(tmp) / f"t{i}.json") for i in range(processes)]
        procs = [ctx.Process(target=_terminal, args=(
            kind, url, list(range(first_id + i * per, first_id + (i + 1) * per)), barrier,
            seconds, outs[i])) for i in range(processes)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(timeout=seconds + 600)
        results = [json.loads(Path(o).read_text("utf-8")) for o in outs]
    done = sum(r["done"] for r in results)
    elapsed = max(r["elapsed"] for r in results)
    return {"rate": done / elapsed, "done": done, "errors": [e for r in results
                                                             for e in r["errors"]],
            "ran_out": any(r["ran_out"] for r in results)}


def _sound(url: str) -> str:
    from mediation import integrity
    from mediation.db.engines import engine_for
    from mediation.db.storage import UnitOfWork

    engine = engine_for(url)
    with UnitOfWork(engine, write=False) as uow:
        bad = [f"{c.name}: {c.detail}" for c in integrity.check(uow) if not c.ok]
    engine.dispose()
    return "; ".join(bad) or "ok"


@contextmanager
def _sqlite_pair(total: int) -> Iterator[list[str] | None]:
    """Our database prepared, and a copy of it for the raw driver."""
    with tempfile.TemporaryDirectory() as tmp:
        ours, raw = (str(Path(tmp) / f"{side}.db") for side in ("ours", "raw"))
        _prepare("sqlite:///" + ours, total)
        from mediation.db.engines import release_engine

        release_engine("sqlite:///" + ours)
        conn = sqlite3.connect(ours)
        conn.execute("VACUUM INTO ?", (raw,))
        conn.close()
        yield ["sqlite:///" + ours, "sqlite:///" + raw]


@contextmanager
def _pg_pair(total: int) -> Iterator[list[str] | None]:
    """Our database prepared, and a copy of it (``CREATE DATABASE ... TEMPLATE``) for the raw
    driver."""
    with _pg_database() as ours:
        if ours is None:
            yield None
            return
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        from mediation.db.engines import release_engine

        _prepare(ours, total)
        release_engine(ours)
        source = make_url(ours).database
        name = f"{source}_raw"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{source}"'))
        try:
            yield [ours, make_url(ours).set(database=name).render_as_string(
                hide_password=False)]
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def bench_backend(backend: str) -> dict[str, Any] | None:
    n = PROCESSES.get(backend, 0)
    if not n:
        return None
    per = _cases_per_process(backend)
    # n processes for ROUNDS rounds, then one alone
    total = ROUNDS * per * n + _cases_per_process(backend, alone=True)
    pair = _sqlite_pair(total) if backend == "sqlite" else _pg_pair(total)
    with pair as urls:
        if urls is None:
            return None
        ours, raw = urls
        out: dict[str, Any] = {"backend": backend, "processes": n, "seconds": SECONDS}
        rounds: dict[str, list[dict[str, Any]]] = {"ours": [], "raw": []}
        for r in range(ROUNDS):
            first = 1 + r * n * per
            for kind in (("ours", "raw") if r % 2 == 0 else ("raw", "ours")):
                rounds[kind].append(_run(kind, ours if kind == "ours" else raw, n, first))
        for kind, runs in rounds.items():
            done = sum(x["done"] for x in runs)
            out[kind] = {"rate": done / sum(x["done"] / x["rate"] for x in runs if x["rate"]),
                         "done": done, "errors": [e for x in runs for e in x["errors"]],
                         "ran_out": any(x["ran_out"] for x in runs),
                         "rounds": [x["rate"] for x in runs]}
        out["ours_1"] = _run("ours", ours, 1, 1 + ROUNDS * n * per)
        out["raw_1"] = _run("raw", raw, 1, 1 + ROUNDS * n * per)
        out["verify"] = _sound(ours)
        from mediation.db.engines import release_engine

        for url in urls:
            release_engine(url)
    return out


def main() -> None:
    print(f"   {SECONDS:g} s per side in {ROUNDS} alternating rounds; processes {PROCESSES}; "
          f"load average "
          f"{os.getloadavg()[0]:.1f} at the start", flush=True)
    for backend in ("sqlite", "postgresql"):
        r = bench_backend(backend)
        if r is None:
            continue
        ours, raw, one, raw_one = r["ours"], r["raw"], r["ours_1"], r["raw_1"]
        ratio = ours["rate"] / raw["rate"]
        print(f"   {backend}, {r['processes']} processes: ours {ours['rate']:.1f} steps/s, raw "
              f"{raw['rate']:.1f} steps/s: {ratio:.0%} of raw (target >= {TARGET:.0%}); "
              f"errors shown: ours {len(ours['errors'])}, raw {len(raw['errors'])}; "
              f"chain afterwards: {r['verify']}")
        print(f"   {backend}, rounds (steps/s): ours "
              f"{', '.join(f'{x:.1f}' for x in ours['rounds'])}; raw "
              f"{', '.join(f'{x:.1f}' for x in raw['rounds'])}")
        print(f"   {backend}, 1 process: ours {one['rate']:.1f} steps/s, raw "
              f"{raw_one['rate']:.1f} steps/s; {r['processes']} processes give "
              f"{ours['rate'] / one['rate']:.2f}x (ours) and {raw['rate'] / raw_one['rate']:.2f}x "
              f"(raw) one process's rate")
        for side in ("ours", "raw", "ours_1", "raw_1"):
            if r[side]["ran_out"]:
                print(f"   ({side}: a process ran out of cases: raise RATE)")
            for e in r[side]["errors"][:3]:
                print(f"   {side} error: {e}")
    print(f"   load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()

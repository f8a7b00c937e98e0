"""Many terminals at once (issue 18): committed steps per second with several processes writing
at the same time, against the raw driver running the same transactions at the same concurrency,
in the same run.

Each backend gets two databases set up alike (a committee and cases in intake): one for our
code, one for the raw driver. Each process of a run has cases of its own, enough for its whole
run: sized from the fastest process seen so far on that side, more imported between runs when
needed, and a run in which a process used up its cases is run again with more, not counted
(``_Side``; no constant to tune for the machine's speed). Then
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
TARGET = 0.60
# ``accept`` takes a case in intake once, so each process needs a case for every step it can
# commit in its run. How many is sized from what the processes of that side were seen to
# commit (the fastest process so far, twice over); before any run, from this first guess of a
# process's steps per second. A run in which any process used up its cases is not counted: it
# is run again with cases for twice the rate it showed, so no figure depends on the guess (on
# a quiet machine one raw SQLite process commits thousands of steps a second, on a loaded one
# a hundred).
FIRST_GUESS = 200.0
HEADROOM = 2.0


def _import(url: str, n: int, start: int) -> None:
    """``n`` more cases in intake (records ``start`` onwards): the bulk import, fast, and its
    cases' events are in the chain like any others."""
    from mediation import bulk
    from mediation.db.engines import engine_for, release_engine

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "cases.jsonl"
        write_jsonl(src, n, start)
        bulk.import_cases(engine_for(url), "wangfang", src, force=True)
    release_engine(url)


def _prepare(url: str, n: int) -> None:
    """A committee and ``n`` cases in intake."""
    _setup(url)
    _import(url, n, 0)


def _last_id(url: str) -> int:
    from sqlalchemy import text

    from mediation.db.engines import engine_for, release_engine

    with engine_for(url).connect() as conn:
        last = int(conn.execute(text("SELECT max(id) FROM cases")).scalar_one())
    release_engine(url)
    return last


class _Side:
    """One side's database (ours, or the raw driver's copy of it): the cases in intake no run
    has used yet (ids ``next`` to ``end - 1``), and the fastest a process of it was seen to
    take them, among several and alone."""

    def __init__(self, url: str, prepared: int) -> None:
        self.url = url
        self.next, self.end, self.records = 1, prepared + 1, prepared
        self.rate = {False: FIRST_GUESS, True: FIRST_GUESS}
        self.errors: list[str] = []
        self.reruns = 0

    def cases(self, processes: int, seconds: float) -> tuple[int, int]:
        """The first id and the number of cases each of ``processes`` gets for a run of
        ``seconds``, imported first if there are not enough left."""
        alone = processes == 1
        per = math.ceil(self.rate[alone] * seconds * HEADROOM) + 50
        short = per * processes - (self.end - self.next)
        if short > 0:
            _import(self.url, short, self.records)
            self.records += short
            self.end += short
            assert _last_id(self.url) == self.end - 1, "the imported cases' ids are not the next"
        first = self.next
        self.next += per * processes
        return first, per

    def saw(self, result: dict[str, Any], processes: int) -> None:
        alone = processes == 1
        self.rate[alone] = max(self.rate[alone], result["fastest"])
        if not alone:  # one process alone commits at least what one of several does
            self.rate[True] = max(self.rate[True], result["fastest"])
        self.errors.extend(result["errors"])


def _measured(side: _Side, kind: str, processes: int, seconds: float) -> dict[str, Any]:
    """A run of ``processes`` terminals on ``side`` that no process ran short of cases in."""
    while True:
        first, per = side.cases(processes, seconds)
        result = _run(kind, side.url, processes, first, per, seconds)
        side.saw(result, processes)
        if not result["ran_out"]:
            return result
        side.reruns += 1
        print(f"   ({kind}, {processes} process(es): one used up its {per} cases, "
              f"{result['fastest']:.0f} steps/s; run again with more)", flush=True)


def _terminal(kind: str, url: str, ids: range, barrier: Any, seconds: float,
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

            transaction(engine, once, read_first=True)  # as cli/context.py Env.act
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


def _run(kind: str, url: str, processes: int, first_id: int, per: int, seconds: float
         ) -> dict[str, Any]:
    """``processes`` terminals at once, ``per`` cases each from ``first_id``; returns steps/s,
    the fastest process's steps/s, errors and whether any process ran out of cases."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(processes)
    with tempfile.TemporaryDirectory() as tmp:
        outs = [str(Path(tmp) / f"t{i}.json") for i in range(processes)]
        procs = [ctx.Process(target=_terminal, args=(
            kind, url, range(first_id + i * per, first_id + (i + 1) * per), barrier,
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
            "fastest": max(r["done"] / r["elapsed"] for r in results),
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
    seconds = SECONDS / ROUNDS
    prepared = math.ceil(FIRST_GUESS * seconds * HEADROOM + 50) * n
    pair = _sqlite_pair(prepared) if backend == "sqlite" else _pg_pair(prepared)
    with pair as urls:
        if urls is None:
            return None
        sides = {"ours": _Side(urls[0], prepared), "raw": _Side(urls[1], prepared)}
        out: dict[str, Any] = {"backend": backend, "processes": n, "seconds": SECONDS}
        rounds: dict[str, list[dict[str, Any]]] = {"ours": [], "raw": []}
        for r in range(ROUNDS):
            for kind in (("ours", "raw") if r % 2 == 0 else ("raw", "ours")):
                rounds[kind].append(_measured(sides[kind], kind, n, seconds))
        for kind, runs in rounds.items():
            done = sum(x["done"] for x in runs)
            out[kind] = {"rate": done / sum(x["done"] / x["rate"] for x in runs if x["rate"]),
                         "done": done, "rounds": [x["rate"] for x in runs]}
        for kind in ("ours", "raw"):
            out[f"{kind}_1"] = _measured(sides[kind], kind, 1, SECONDS / 3)
        for kind, side in sides.items():
            out[kind].update(errors=side.errors, reruns=side.reruns)
        out["verify"] = _sound(urls[0])
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
        for side in ("ours", "raw"):
            if r[side]["reruns"]:
                print(f"   ({side}: {r[side]['reruns']} run(s) in which a process used up its "
                      "cases were run again with more; not counted)")
            for e in r[side]["errors"][:3]:
                print(f"   {side} error: {e}")
    print(f"   load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()

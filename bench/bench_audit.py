"""Audit verification: speed against raw hashlib over the same bytes, against today's code, and
constant memory.

Builds a SQLite log of N chained events (default 100,000; ``MEDIATION_BENCH_AUDIT_EVENTS=1000000``
for the issue's full size) with Core inserts, in the format that records the case file
(docs/audit.md §7): one case per five events (new, accept, mediate, session, agree), each event
recording what it changed, and the rows themselves (the case, two parties, a session, an
agreement), so that the case replay and the whole-file comparison have real work. Then it
measures, in the same run:

- ``hashlib``: SHA-256 of exactly the bytes the chain hashes (prev_hash, newline, canonical
  content), already in memory: the floor no verifier can beat;
- ``raw read``: ``SELECT * FROM event ORDER BY seq`` through plain sqlite3, doing nothing;
- ``verify``: ``mediation.audit.verify`` end to end (chain, head, replay, case files);
- with ``MEDIATION_BENCH_AUDIT_BASELINE=DIR`` (a directory holding another version's
  ``mediation`` package, e.g. ``git archive c3315f9 mediation data | tar -x -C DIR``), that
  version's ``verify`` on the same file, in a subprocess: today's code against this one, as a
  ratio of wall times and of CPU times (each process's own: on a shared machine the wall times
  move with the other jobs, the CPU times much less).

and reports verify's time as a ratio of each. Memory: the peak traced by ``tracemalloc`` during
``verify`` on a log of N/10 events and on one of N events; constant memory means the two peaks are
about equal.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import time
import tracemalloc
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Engine, insert, update
from sqlmodel import SQLModel

from mediation import audit
from mediation.cases import Case
from mediation.db import casefile_changes, eventlog
from mediation.db.engines import create_schema, engine_for
from mediation.db.storage import UnitOfWork
from mediation.tables import Committee, Event, LogHead, Setting

DEFAULT_EVENTS = 100_000
STEPS = [("new", None, "intake"), ("accept", "intake", "accepted"),
         ("mediate", "accepted", "mediating"), ("session", "mediating", "mediating"),
         ("agree", "mediating", "agreed")]
CHUNK = 5_000


KEY = bytes(range(32))  # the database's ID-hash key (setting id_hash_key)


def _file(rows: list[tuple[str, int, dict[str, Any]]], before: dict[str, Any] | None = None
          ) -> list[Any]:
    """An event's ``changes.file`` for rows inserted, or (``before`` given) updated."""
    if before is None:
        return casefile_changes.inserted(KEY, rows)
    record = casefile_changes.recorded
    return [before, {f"{t}/{i}": {c: record(KEY, t, c, v) for c, v in values.items()}
                     for t, i, values in rows}]


def build(path: Path, n: int, content_version: int = eventlog.CONTENT_VERSION
          ) -> tuple[Engine, float, int]:
    """A log of ``n`` events in format 2 (each records what it changed of the case file, and the
    rows are there: a case, its two parties, a session and an agreement); returns the engine,
    hashlib's time over the hash inputs, and the bytes hashed. ``content_version`` 1 is the
    events' content before migration 0010 (no ``occurred_at``), which older code can verify."""
    url = "sqlite:///" + str(path)
    engine = engine_for(url)
    create_schema(engine)
    start = datetime(2026, 1, 1)
    hash_time, total = 0.0, 0
    prev = eventlog.GENESIS
    tables = {name: SQLModel.metadata.tables[name]
              for name in ("cases", "party", "mediation_session", "agreement")}
    with engine.begin() as conn:
        conn.execute(insert(Committee.__table__), [  # type: ignore[attr-defined]
            {"id": 1, "name": "基准调委会", "prefix": "基", "login_required": False,
             "created_at": start}])
        conn.execute(insert(Setting.__table__),  # type: ignore[attr-defined]
                     [{"key": "id_hash_key", "value": KEY.hex()}])
        seq = 0
        while seq < n:
            events: list[dict[str, Any]] = []
            rows: dict[str, list[dict[str, Any]]] = {t: [] for t in tables}
            inputs: list[bytes] = []
            for _ in range(min(CHUNK, n - seq)):
                seq += 1
                cid, k = (seq - 1) // len(STEPS) + 1, (seq - 1) % len(STEPS)
                action, before, after = STEPS[k]
                at = start + timedelta(seconds=seq)
                changes: dict[str, Any] = {"state": [before, after]}
                if k == 0:
                    case = {"committee_id": 1, "year": 2026, "seq": cid,
                            "number": f"(2026)基人调字第{cid}号", "state": "intake",
                            "version": 1, "category": "02", "source": "application",
                            "summary": f"第{cid}案 邻里纠纷", "requests": "赔偿",
                            "risk_level": "low", "persons_involved": 2, "registered_at": at,
                            "registrar": "liming"}
                    parties: list[dict[str, Any]] = [
                        {"case_id": cid, "position": i, "role": role, "kind": "person",
                         "name": f"当事人{cid}-{i}", "phone": "13812345678"}
                        for i, role in enumerate(("applicant", "respondent"))]
                    for i, p in enumerate(parties):
                        p["id"] = 2 * cid - 1 + i
                    rows["cases"].append({"id": cid, **case})
                    rows["party"].extend(parties)
                    changes["file"] = _file([("cases", cid, case),
                                             *(("party", p["id"], p) for p in parties)])
                else:
                    update_ = {"state": after, "version": k + 1}
                    if rows["cases"]:
                        rows["cases"][-1].update(update_)
                    new_rows: list[tuple[str, int, dict[str, Any]]] = []
                    if action == "session":
                        row = {"id": cid, "case_id": cid, "no": 1, "held_at": at,
                               "minutes": f"第{seq}步 记录", "recorded_by": "liming"}
                        rows["mediation_session"].append(row)
                        new_rows.append(("mediation_session", cid, row))
                    if action == "agree":
                        row = {"id": cid, "case_id": cid, "version": 1, "form": "written",
                               "terms": "赔偿500元", "amount_fen": 50000, "reached_at": at}
                        rows["agreement"].append(row)
                        new_rows.append(("agreement", cid, row))
                    changes["file"] = _merge(
                        _file([("cases", cid, update_)], {f"cases/{cid}": {
                            "state": before, "version": k}}),
                        _file(new_rows) if new_rows else None)
                row = {"seq": seq, "at": at, "committee_id": 1, "case_id": cid,
                       "actor": "liming", "role": "mediator", "action": action,
                       "from_state": before, "to_state": after, "version": k + 1,
                       "reason": None, "changes": eventlog.canonical_json(changes),
                       "occurred_at": at if content_version > 1 else None,
                       "content_version": content_version}
                data = prev.encode("ascii") + b"\n" + eventlog.content_of(
                    SimpleNamespace(**row)).encode("utf-8")
                inputs.append(data)
                row["prev_hash"] = prev
                prev = hashlib.sha256(data).hexdigest()
                row["hash"] = prev
                events.append(row)
            t0 = time.perf_counter()
            for data in inputs:
                hashlib.sha256(data).hexdigest()
            hash_time += time.perf_counter() - t0
            total += sum(len(d) for d in inputs)
            last_case = events[-1]["case_id"]
            conn.execute(insert(Event.__table__), events)  # type: ignore[attr-defined]
            for name, table in tables.items():
                if rows[name]:
                    conn.execute(insert(table), _complete(table, rows[name]))
            # A case whose events straddle two chunks: bring its row up to date.
            conn.execute(update(Case.__table__)  # type: ignore[attr-defined]
                         .where(Case.__table__.c.id == last_case)  # type: ignore[attr-defined]
                         .values(state=events[-1]["to_state"], version=events[-1]["version"]))
        conn.execute(insert(LogHead.__table__),  # type: ignore[attr-defined]
                     [{"id": 1, "seq": n, "hash": prev}])
    db = sqlite3.connect(path)  # fold the WAL into the file, as a running database does routinely
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return engine, hash_time, total


def _merge(a: list[Any], b: list[Any] | None) -> list[Any]:
    return a if b is None else [{**a[0], **b[0]}, {**a[1], **b[1]}]


def _complete(table: Any, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every column given (None where the row has none), as one executemany needs."""
    return [{c.key: r.get(c.key) for c in table.columns} for r in rows]


def run_verify(engine: Engine) -> audit.VerifyResult:
    with UnitOfWork(engine, write=False) as uow:
        return audit.verify(uow)


def raw_read(path: Path) -> float:
    db = sqlite3.connect(path)
    t0 = time.perf_counter()
    for _row in db.execute("SELECT * FROM event ORDER BY seq"):
        pass
    elapsed = time.perf_counter() - t0
    db.close()
    return elapsed


def peak_memory(engine: Engine) -> int:
    tracemalloc.start()
    try:
        result = run_verify(engine)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.ok, result.to_dict()
    return peak


BASELINE = """
import sys, time
from mediation import audit
try:
    from mediation.db.engines import engine_for
except ImportError:  # code from before the split of db/storage.py
    from mediation.db.storage import engine_for
from mediation.db.storage import UnitOfWork
engine = engine_for(sys.argv[1])
t0, c0 = time.perf_counter(), time.process_time()
with UnitOfWork(engine, write=False) as uow:
    result = audit.verify(uow)
elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
assert result.ok, result.to_dict()
print(elapsed, cpu)
"""


def baseline_verify(path: Path, checkout: str) -> tuple[float, float]:
    """``verify`` of another version of the code (``checkout``: a directory holding its
    ``mediation`` package, e.g. ``git archive <commit> mediation data | tar -x -C DIR``), on
    the same database, in a subprocess: today's code against this one, in the same run. Its wall
    time and its CPU time (the process's own, so less sensitive to other jobs on the machine)."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", BASELINE, "sqlite:///" + str(path)], cwd=checkout,
                         env={**os.environ, "PYTHONPATH": checkout}, check=True,
                         capture_output=True, text=True)
    elapsed, cpu = out.stdout.strip().splitlines()[-1].split()
    return float(elapsed), float(cpu)


def main() -> None:
    n = int(os.environ.get("MEDIATION_BENCH_AUDIT_EVENTS", DEFAULT_EVENTS))
    small = max(n // 10, 1000)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"building logs of {small:,} and {n:,} events ...", flush=True)
        checkout = os.environ.get("MEDIATION_BENCH_AUDIT_BASELINE")
        # Older code hashes the events' content as it was before migration 0010: compared with
        # it, both verify events of that version (which this code verifies as they were written).
        version = 1 if checkout else eventlog.CONTENT_VERSION
        small_engine, _, _ = build(Path(tmp) / "small.db", small, version)
        engine, hash_time, total = build(Path(tmp) / "large.db", n, version)

        t0, c0 = time.perf_counter(), time.process_time()
        result = run_verify(engine)
        verify_time, verify_cpu = time.perf_counter() - t0, time.process_time() - c0
        assert result.ok and result.events == n, result.to_dict()
        read_time = raw_read(Path(tmp) / "large.db")
        before = baseline_verify(Path(tmp) / "large.db", checkout) if checkout else None

        peak_small = peak_memory(small_engine)
        peak_large = peak_memory(engine)
        small_engine.dispose()
        engine.dispose()

    print(f"events verified:           {n:,} ({total / 1e6:.1f} MB hashed)")
    print(f"raw hashlib (same bytes):  {hash_time:8.3f} s")
    print(f"raw sqlite3 read:          {read_time:8.3f} s")
    print(f"mediation audit verify:    {verify_time:8.3f} s  ({n / verify_time:,.0f} events/s)")
    print(f"ratio verify / hashlib:    {verify_time / hash_time:8.1f} x")
    print(f"ratio verify / raw read:   {verify_time / read_time:8.1f} x")
    if before is not None:
        wall, cpu = before
        print(f"baseline verify ({checkout}): {wall:8.3f} s; this code / baseline: "
              f"{verify_time / wall:.2f} x")
        print(f"CPU seconds of verify: this code {verify_cpu:.2f}, baseline {cpu:.2f}; "
              f"this code / baseline: {verify_cpu / cpu:.2f} x (the machine's load weighs less)")
    print(f"peak memory (tracemalloc) at {small:,} events: {peak_small / 1024:8.0f} KiB")
    print(f"peak memory (tracemalloc) at {n:,} events: {peak_large / 1024:8.0f} KiB "
          f"(ratio {peak_large / peak_small:.2f} for {n / small:.0f}x the events)")


if __name__ == "__main__":
    main()

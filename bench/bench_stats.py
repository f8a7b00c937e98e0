"""Statistics and the nightly export against raw baselines, measured in the same run.

    python -m bench stats                          # sizes 20,000 and 100,000 cases
    BENCH_STATS_CASES=100000,1000000 python -m bench stats   # the issue's full size

For each size a SQLite database is generated with Core bulk inserts (bench only; realistic
distributions: categories and sources weighted as in the demo, 6% declined, 5% terminated, 70%
written agreements, 1% re-mediated, follow-ups, judicial confirmations, preventions). Then:

- ``stats --year`` (``mediation.stats.compute``) vs one hand-written SQL aggregate over the same
  event table (the intake/accepted/declined/concluded/succeeded counts): ratio of times;
- ``export nightly`` vs a raw ``csv.writer`` streaming the same case and event rows from a
  sqlite3 cursor: speed as a share of the raw speed. The raw cases carry the same two party
  columns as ours (the applicants' and the respondents' names, in position order, by a
  correlated ``group_concat``), unmasked: masking, like the ISO timestamps and the yuan amounts,
  is our work. (Until issue 3 the raw query left these two columns, and the join, out.)
- peak memory (max RSS) of a process that runs stats and the export, at each size, and the ratio.

Each measurement of memory runs in a fresh child process so that sizes do not share a heap.
"""

from __future__ import annotations

import csv
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, update

NOW = datetime(2026, 12, 31, 4, 0)  # 12:00 in China
DAY = date(2026, 12, 30)
CATEGORY_WEIGHTS = {"01": 18, "02": 22, "03": 10, "04": 8, "05": 4, "06": 9, "07": 4, "08": 2,
                    "09": 2, "10": 6, "11": 3, "12": 2, "13": 4, "14": 4, "99": 2, "0101": 2}
SOURCE_WEIGHTS = {"application": 45, "proactive": 15, "grid": 25, "court": 5, "police": 6,
                  "petition": 2, "government": 2}
MEDIATORS = ["wangfang", "liming", "zhaomin"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
BATCH = 5000


def _sizes() -> list[int]:
    raw = os.environ.get("BENCH_STATS_CASES", "20000,100000")
    return [int(x) for x in raw.split(",") if x.strip()]


# ---------------------------------------------------------------------------------------------
# The generator


def _history(rng: random.Random, cid: int, start: datetime) -> tuple[dict[str, Any],
                                                                     list[tuple[Any, ...]]]:
    """One case row and its events (action, at, from, to), cut at NOW."""
    h = timedelta(hours=1)
    t = start
    events: list[tuple[Any, ...]] = [("new", t, None, "intake")]
    case: dict[str, Any] = {"state": "intake"}
    extra: dict[str, Any] = {}

    def step(action: str, gap: timedelta, to: str | None) -> bool:
        nonlocal t
        t = t + gap
        if t >= NOW:
            return False
        events.append((action, t, case["state"], to or case["state"]))
        if to:
            case["state"] = to
        return True

    if rng.random() < 0.06:
        if step("decline", h * rng.randint(1, 48), "declined"):
            case["declined_at"] = t
            step("feedback", h * rng.randint(48, 240), "closed") and case.update(closed_at=t)
        return case, events
    if not step("accept", h * rng.randint(1, 48), "accepted"):
        return case, events
    case["accepted_at"], case["deadline"] = t, t + timedelta(days=30)
    if not step("mediate", h * rng.randint(1, 72), "mediating"):
        return case, events
    case["lead_mediator"] = rng.choice(MEDIATORS)
    step("session", h * rng.randint(24, 240), None)
    if rng.random() < 0.01 and t < NOW:
        step("prevent", h, None) and extra.update(prevent=(t, rng.choice(
            ["suicide", "civil_to_criminal", "group_petition", "group_fight"]),
            rng.randint(1, 12)))
    if rng.random() < 0.05:
        if step("terminate", h * rng.randint(1, 240), "terminated"):
            case.update(concluded_at=t, conclusion="termination")
            step("feedback", h * rng.randint(120, 360), "closed") and case.update(closed_at=t)
        return case, events
    remediate = rng.random() < 0.01
    for version in (1, 2) if remediate else (1,):
        if not step("agree", h * rng.randint(1, 240), "agreed"):
            return case, events
        case.update(concluded_at=t, conclusion="agreement")
        extra.setdefault("agreements", []).append((version, "written" if rng.random() < 0.7
                                                   else "oral", t))
        if not step("confirm", h * rng.randint(1, 72), "confirmed"):
            return case, events
        case["confirmed_at"] = t
        if version == 1 and remediate:
            step("remediate", h * rng.randint(24, 240), "mediating")
    if rng.random() < 0.03 and step("judicial", h * rng.randint(24, 400), None):
        extra["judicial"] = t
    if step("feedback", h * rng.randint(168, 720), "closed"):
        case["closed_at"] = t
        extra["follow_up"] = (t, rng.choices(["full", "partial", "none"], [90, 7, 3])[0])
    case["_extra"] = extra
    return case, events


def generate(url: str, n: int, seed: int = 2026) -> None:
    from mediation import committee
    from mediation.stats import _t
    from mediation.storage import UnitOfWork, create_schema, engine_for

    engine = engine_for(url)
    create_schema(engine)
    with UnitOfWork(engine, clock=lambda: datetime(2025, 12, 1)) as uow:
        committee.init_committee(uow, name="龙王港社区人民调解委员会", prefix="龙",
                                 director="wangfang", director_name="王芳")
        director = committee.resolve_actor(uow, "wangfang")
        committee.add_staff(uow, director, username="liming", name="李明", role="mediator")
        committee.add_staff(uow, director, username="zhaomin", name="赵敏", role="mediator")
        committee.add_staff(uow, director, username="chenjing", name="陈静", role="clerk")
        uow.commit()
    rng = random.Random(seed)
    cats, cw = zip(*CATEGORY_WEIGHTS.items(), strict=True)
    srcs, sw = zip(*SOURCE_WEIGHTS.items(), strict=True)
    t_cases, t_party, t_event = _t("cases"), _t("party"), _t("event")
    t_agreement, t_follow = _t("agreement"), _t("follow_up")
    t_judicial = _t("judicial_confirmation")
    t_prevention, t_head = _t("prevention"), _t("log_head")
    with engine.begin() as conn:
        seq = int(conn.execute(t_head.select()).one().seq)
        first_case = 1
        span = (NOW - datetime(2026, 1, 1)).total_seconds() - 86400 * 10
        for start_id in range(first_case, first_case + n, BATCH):
            rows: dict[str, list[dict[str, Any]]] = {k: [] for k in (
                "cases", "party", "event", "agreement", "follow", "judicial", "prevention")}
            for cid in range(start_id, min(first_case + n, start_id + BATCH)):
                start = datetime(2026, 1, 1) + timedelta(seconds=rng.random() * span)
                case, events = _history(rng, cid, start)
                extra = case.pop("_extra", {})
                rows["cases"].append({
                    "id": cid, "committee_id": 1, "year": 2026, "seq": cid,
                    "number": f"(2026)龙人调字第{cid}号", "version": len(events),
                    "category": rng.choices(cats, cw)[0], "source": rng.choices(srcs, sw)[0],
                    "summary": "双方因琐事发生纠纷。", "requests": "请求调解。",
                    "risk_level": "low", "persons_involved": 2,
                    "amount_fen": (rng.randint(5, 2000) * 10000 if rng.random() < 0.3
                                   else None),
                    "discovered_at": start - timedelta(hours=rng.randint(0, 72)),
                    "registered_at": start, "registrar": "wangfang",
                    **{k: case.get(k) for k in ("state", "accepted_at", "deadline", "declined_at",
                                                "lead_mediator", "concluded_at", "conclusion",
                                                "confirmed_at", "closed_at")}})
                for pos, role in enumerate(("applicant", "respondent")):
                    rows["party"].append({
                        "case_id": cid, "position": pos, "role": role, "kind": "person",
                        "name": rng.choice(SURNAMES) + "某某", "id_number": None,
                        "phone": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}"})
                for version, (action, at, src, dst) in enumerate(events, start=1):
                    seq += 1
                    rows["event"].append({
                        "seq": seq, "at": at, "committee_id": 1, "case_id": cid,
                        "actor": "wangfang", "role": "director", "action": action,
                        "from_state": src, "to_state": dst, "version": version, "reason": None,
                        "changes": "{}", "prev_hash": f"{seq - 1:064x}", "hash": f"{seq:064x}"})
                for version, form, at in extra.get("agreements", []):
                    rows["agreement"].append({
                        "case_id": cid, "version": version, "form": form, "terms": "按约履行。",
                        "reached_at": at})
                if "follow_up" in extra:
                    at, performance = extra["follow_up"]
                    rows["follow"].append({"case_id": cid, "visited_at": at,
                                           "visitor": "wangfang", "performance": performance,
                                           "satisfaction": "satisfied", "lawsuit": False})
                if "prevent" in extra:
                    at, kind, persons = extra["prevent"]
                    rows["prevention"].append({"case_id": cid, "kind": kind, "persons": persons,
                                               "recorded_at": at, "recorded_by": "wangfang"})
                rows.setdefault("_judicial", []).extend(
                    [{"case_id": cid, "at": extra["judicial"]}] if "judicial" in extra else [])
            conn.execute(insert(t_cases), rows["cases"])
            conn.execute(insert(t_party), rows["party"])
            conn.execute(insert(t_event), rows["event"])
            if rows["agreement"]:
                conn.execute(insert(t_agreement), rows["agreement"])
            if rows["follow"]:
                conn.execute(insert(t_follow), rows["follow"])
            if rows["prevention"]:
                conn.execute(insert(t_prevention), rows["prevention"])
            judicial = rows.get("_judicial", [])
            if judicial:
                ids = {r["case_id"]: r["at"] for r in judicial}
                agreement_ids = dict(conn.execute(
                    t_agreement.select().with_only_columns(t_agreement.c.case_id,
                                                           t_agreement.c.id)
                    .where(t_agreement.c.case_id.in_(list(ids)))).all())
                conn.execute(insert(t_judicial), [
                    {"case_id": cid, "agreement_id": agreement_ids[cid], "court": "岳麓区人民法院",
                     "filed_on": at.date(), "result": "confirmed",
                     "decided_on": (at + timedelta(days=10)).date()}
                    for cid, at in ids.items() if cid in agreement_ids])
        conn.execute(update(t_head).values(seq=seq, hash=f"{seq:064x}"))
    engine.dispose()
    from sqlalchemy.engine import make_url

    raw = sqlite3.connect(make_url(url).database or "")  # fold the write-ahead log into the file
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()


# ---------------------------------------------------------------------------------------------
# The measurements


def _actor(url: str) -> Any:
    from mediation import committee
    from mediation.storage import engine_for, unit_of_work

    with unit_of_work(engine_for(url), write=False) as uow:
        return committee.resolve_actor(uow, "wangfang")


def time_stats(url: str) -> float:
    from mediation import stats
    from mediation.storage import engine_for, unit_of_work

    actor = _actor(url)
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        with unit_of_work(engine_for(url), write=False, clock=lambda: NOW) as uow:
            stats.compute(uow, actor, stats.year(2026))
        best = min(best, time.perf_counter() - t)
    return best


RAW_AGGREGATE = """
SELECT sum(action = 'new'), sum(action = 'accept'), sum(action = 'decline'),
       sum(action IN ('agree', 'terminate')), sum(action = 'agree')
FROM event WHERE committee_id = 1 AND at >= ? AND at < ?
"""


def time_raw_aggregate(path: str) -> float:
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        con = sqlite3.connect(path)
        con.execute(RAW_AGGREGATE, ("2025-12-31 16:00:00.000000",
                                    "2026-12-31 16:00:00.000000")).fetchone()
        con.close()
        best = min(best, time.perf_counter() - t)
    return best


def time_export(url: str, out: Path) -> float:
    from mediation import export
    from mediation.storage import engine_for, unit_of_work

    actor = _actor(url)
    t = time.perf_counter()
    with unit_of_work(engine_for(url), write=False) as uow:
        export.nightly(uow, actor, out, DAY)
    return time.perf_counter() - t


def time_export_csv(url: str, out: Path) -> float:
    """Only the streaming part of the export: cases.csv and events.csv, masked."""
    from mediation import export
    from mediation.clock import start_of_local_day_utc
    from mediation.storage import engine_for, unit_of_work

    out.mkdir(parents=True, exist_ok=True)
    end = start_of_local_day_utc(DAY + timedelta(days=1))
    t = time.perf_counter()
    with unit_of_work(engine_for(url), write=False) as uow:
        export._write_cases(uow, 1, end, out / "cases.csv", export._quiet)
        export._write_events(uow, 1, end, out / "events.csv", export._quiet)
    return time.perf_counter() - t


RAW_CASES = """
SELECT number, state, category, source, risk_level, persons_involved, amount_fen, discovered_at,
       registered_at, accepted_at, declined_at, concluded_at, conclusion, confirmed_at,
       closed_at, lead_mediator,
       (SELECT group_concat(name, '、') FROM (SELECT name FROM party p WHERE p.case_id = c.id
            AND p.role = 'applicant' ORDER BY p.position)),
       (SELECT group_concat(name, '、') FROM (SELECT name FROM party p WHERE p.case_id = c.id
            AND p.role = 'respondent' ORDER BY p.position))
FROM cases c WHERE committee_id = 1 ORDER BY id
"""
RAW_EVENTS = """
SELECT e.seq, e.at, c.number, e.actor, e.role, e.action, e.from_state, e.to_state, e.version,
       e.reason, e.hash FROM event e LEFT JOIN cases c ON c.id = e.case_id
WHERE e.committee_id = 1 ORDER BY e.seq
"""


def time_raw_csv(path: str, out: Path) -> float:
    t = time.perf_counter()
    con = sqlite3.connect(path)
    out.mkdir(parents=True, exist_ok=True)
    for name, sql in (("cases.csv", RAW_CASES), ("events.csv", RAW_EVENTS)):
        with (out / name).open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            cur = con.execute(sql)
            writer.writerow([d[0] for d in cur.description])
            while rows := cur.fetchmany(2000):
                writer.writerows(rows)
    con.close()
    return time.perf_counter() - t


def _child(path: str, out: str) -> None:
    """Run stats --year and the export in this process; print the peak RSS in MiB."""
    url = "sqlite:///" + path
    time_stats(url)
    time_export(url, Path(out))
    print(json.dumps({"peak_mib": _peak_kib() / 1024}))


def _peak_kib() -> int:
    """Peak RSS of this program image: VmHWM (reset at exec, unlike ru_maxrss, which keeps the
    forking parent's size), falling back to ru_maxrss where /proc is absent."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def peak_memory(path: str, out: Path) -> float:
    proc = subprocess.run([sys.executable, "-m", "bench.bench_stats", "--child", path, str(out)],
                          capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    return float(json.loads(proc.stdout.strip().splitlines()[-1])["peak_mib"])


def main() -> None:
    sizes = _sizes()
    peaks: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-stats-") as tmp:
        for n in sizes:
            path = str(Path(tmp) / f"bench-{n}.db")
            t = time.perf_counter()
            generate("sqlite:///" + path, n)
            con = sqlite3.connect(path)
            events = con.execute("SELECT count(*) FROM event").fetchone()[0]
            con.close()
            print(f"{n:>9,} cases, {events:,} events generated in "
                  f"{time.perf_counter() - t:.1f}s (Core bulk inserts)")
            ours = time_stats("sqlite:///" + path)
            raw = time_raw_aggregate(path)
            print(f"  stats --year            {ours:8.3f}s   raw single aggregate {raw:8.3f}s"
                  f"   ratio {ours / raw:5.2f}x (target <= 1.5x)")
            exp = time_export("sqlite:///" + path, Path(tmp) / f"export-{n}")
            raw_csv = time_raw_csv(path, Path(tmp) / f"raw-{n}")
            print(f"  export nightly          {exp:8.3f}s   raw csv.writer       {raw_csv:8.3f}s"
                  f"   speed {raw_csv / exp:5.0%} of raw (target >= 50%)")
            part = time_export_csv("sqlite:///" + path, Path(tmp) / f"csv-{n}")
            print(f"    of which the two CSVs {part:8.3f}s   "
                  f"speed {raw_csv / part:5.0%} of raw (the rest: stats, xlsx, chart)")
            peaks[n] = peak_memory(path, Path(tmp) / f"mem-{n}")
            print(f"  peak memory (stats + export, fresh process) {peaks[n]:.0f} MiB")
            for f in Path(tmp).glob(f"bench-{n}.db*"):
                f.unlink()
        if len(sizes) >= 2:
            small, large = sizes[0], sizes[-1]
            print(f"  peak memory at {large:,} ÷ at {small:,}: "
                  f"{peaks[large] / peaks[small]:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3])
    else:
        main()

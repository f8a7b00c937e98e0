"""Statistics and the nightly export against raw baselines, measured in the same run.

    python -m bench stats                          # sizes 20,000 and 100,000 cases
    BENCH_STATS_CASES=100000,1000000 python -m bench stats   # the issue's full size
    BENCH_STATS_KEEP=/var/tmp/bench python -m bench stats   # keep the generated databases there
                                                            # and reuse them on the next run

For each size a SQLite database is generated with Core bulk inserts (bench only; realistic
distributions: categories and sources weighted as in the demo, 6% declined, 5% terminated, 70%
written agreements, 1% re-mediated, follow-ups, judicial confirmations, preventions). Then:

- ``stats --year`` (``mediation.reporting.stats.compute``) vs a hand-written single SQL statement
  over the
  same tables computing the same figures (``RAW_FULL``: the counts by source, the amount, the
  five intervals' median and 90th percentile, judicial, follow-up, prevention, overdue); the
  bench first checks that both return exactly the same figures. This is the issue's comparison
  as we read it: what our layers (SQLAlchemy, several statements, Python assembly) cost over
  the same computation written by hand as one statement. Two stricter references are printed
  beside it and are not the target: six headline counts in one scan of ``cases``
  (``RAW_AGGREGATE``; it computes a fraction of the figures) and the same counts off the event
  log (``RAW_EVENT_AGGREGATE``, the baseline before ``stats`` read the milestone columns of
  migration 0005). Each raw statement is timed in two spellings, plain and with the plan hints
  ``stats`` uses on SQLite (``+column``), and the faster one counts;
- ``stats --year --by month`` (the 12-month chart and the export's trend use it), timed beside it;
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


def _closed(case: dict[str, Any], t: datetime) -> bool:
    """The former combined feedback step (visit, feedback, closing in one; the replay accepts it
    as workflow.LEGACY_STEPS): fed back when closed, as migration 0020 backfilled."""
    case.update(closed_at=t, fed_back_at=t)
    return True


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
            step("feedback", h * rng.randint(48, 240), "closed") and _closed(case, t)
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
            case.update(concluded_at=t, conclusion="termination", first_concluded_at=t,
                        first_outcome="termination")
            step("feedback", h * rng.randint(120, 360), "closed") and _closed(case, t)
        return case, events
    remediate = rng.random() < 0.01
    for version in (1, 2) if remediate else (1,):
        if not step("agree", h * rng.randint(1, 240), "agreed"):
            return case, events
        form = "written" if rng.random() < 0.7 else "oral"
        case.update(concluded_at=t, conclusion="agreement")
        case.setdefault("first_concluded_at", t)
        case.setdefault("first_outcome", form)
        extra.setdefault("agreements", []).append((version, form, t))
        if not step("confirm", h * rng.randint(1, 72), "confirmed"):
            return case, events
        case["confirmed_at"] = t
        case.setdefault("first_confirmed_at", t)
        if version == 1 and remediate:
            step("remediate", h * rng.randint(24, 240), "mediating")
    if rng.random() < 0.03 and step("judicial", h * rng.randint(24, 400), None):
        extra["judicial"] = t
    if step("feedback", h * rng.randint(168, 720), "closed"):
        _closed(case, t)
        extra["follow_up"] = (t, rng.choices(["full", "partial", "none"], [90, 7, 3])[0])
    case["_extra"] = extra
    return case, events


def generate(url: str, n: int, seed: int = 2026) -> None:
    from mediation import committee
    from mediation.db.engines import create_schema, engine_for
    from mediation.db.storage import UnitOfWork
    from mediation.reporting.stats_sql import table as _t

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
                                                "confirmed_at", "closed_at", "fed_back_at",
                                                "first_concluded_at", "first_outcome",
                                                "first_confirmed_at")}})
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


def _current_schema(path: str) -> bool:
    """Whether a kept database (``BENCH_STATS_KEEP``) has this code's schema; one generated by
    older code (a migration landed since) is generated again rather than read with new code."""
    from mediation.db import migrate
    from mediation.db.engines import engine_for, release_engine

    url = "sqlite:///" + path
    try:
        return migrate.current(engine_for(url)) == migrate.head()
    finally:
        release_engine(url)


def _actor(url: str) -> Any:
    from mediation import committee
    from mediation.db.engines import engine_for
    from mediation.db.storage import unit_of_work

    with unit_of_work(engine_for(url), write=False) as uow:
        return committee.resolve_actor(uow, "wangfang")


def time_stats(url: str, by: str | None = None) -> float:
    from mediation.core import periods
    from mediation.db.engines import engine_for
    from mediation.db.storage import unit_of_work
    from mediation.reporting import stats

    actor = _actor(url)
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        with unit_of_work(engine_for(url), write=False, clock=lambda: NOW) as uow:
            stats.compute(uow, actor, periods.year(2026), by)
        best = min(best, time.perf_counter() - t)
    return best


# The baseline: what a competent person writes against the tables ``stats`` reads, one
# statement, one scan of the committee's cases computing the contract's headline figures
# (intake, accepted, declined, terminated, concluded, succeeded) by the milestone columns.
# Two spellings: the plain one, and one with the plan hints ``stats`` itself uses on SQLite
# (``+column``: no index walk over committee_id, no NUMERIC affinity applied to the text bound
# at every comparison). The baseline is the faster of the two in each run.
_IN = "({c} >= :start AND {c} < :end)"
RAW_AGGREGATE = """
SELECT sum({reg}), sum({acc}), sum({dec}),
       sum({con} AND first_outcome = 'termination'), sum({con}),
       sum({con} AND first_outcome <> 'termination')
FROM cases WHERE {cid} = 1
"""
RAW_AGGREGATES = {
    hinted: RAW_AGGREGATE.format(
        cid="+committee_id" if hinted else "committee_id",
        **{k: _IN.format(c=("+" if hinted else "") + c) for k, c in (
            ("reg", "registered_at"), ("acc", "accepted_at"), ("dec", "declined_at"),
            ("con", "first_concluded_at"))})
    for hinted in (False, True)}
# The old reference: the same counts straight off the event log (one scan of ``event``).
RAW_EVENT_AGGREGATE = """
SELECT sum(action = 'new'), sum(action = 'accept'), sum(action = 'decline'),
       sum(action IN ('agree', 'terminate')), sum(action = 'agree')
FROM event WHERE committee_id = 1 AND at >= :start AND at < :end
"""
YEAR_UTC = {"start": "2025-12-31 16:00:00.000000", "end": "2026-12-31 16:00:00.000000"}


def _time_sql(path: str, sql: str, runs: int = 2,
              params: dict[str, str] | None = None) -> float:
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        con = sqlite3.connect(path)
        con.execute(sql, params or YEAR_UTC).fetchall()
        con.close()
        best = min(best, time.perf_counter() - t)
    return best


# The full baseline: ONE hand-written statement computing every figure ``stats --year``
# computes (not only the six headline counts), over the same tables, spelled the way stats
# spells it on SQLite (the plan hints; the plain spelling is timed too and the faster one
# counts): one scan of the cases for the counts by source, one GROUP BY per interval into
# 0.01-day buckets with the nearest-rank median and 90th percentile picked by window functions,
# the judicial, follow-up and prevention aggregates and the overdue count. The bench checks that
# it returns exactly the figures ``stats.compute`` returns before timing either.
RAW_FULL = """
WITH
counts AS (
  SELECT source,
         sum({reg}) AS intake, sum({acc}) AS accepted, sum({dec}) AS declined,
         sum({con} AND first_outcome = 'termination') AS terminated,
         sum({con} AND first_outcome = 'written') AS written,
         sum({con} AND first_outcome = 'oral') AS oral,
         sum(CASE WHEN {con} THEN coalesce(amount_fen, 0) ELSE 0 END) AS amount
  FROM cases WHERE {cid} = 1 GROUP BY source),
hist AS (
  SELECT 'discovered_to_accepted' AS name,
         round(julianday(accepted_at) - julianday(coalesce(discovered_at, registered_at)), 2)
           AS b, count(*) AS n
  FROM cases WHERE {cid} = 1 AND {acc} GROUP BY b
  UNION ALL
  SELECT 'accepted_to_concluded', round(julianday(first_concluded_at) - julianday(accepted_at),
         2) AS b, count(*)
  FROM cases WHERE {cid} = 1 AND {con} AND accepted_at IS NOT NULL GROUP BY b
  UNION ALL
  SELECT 'concluded_to_confirmed', round(julianday(first_confirmed_at)
         - julianday(first_concluded_at), 2) AS b, count(*)
  FROM cases WHERE {cid} = 1 AND {cnf} AND first_concluded_at IS NOT NULL GROUP BY b
  UNION ALL
  SELECT 'confirmed_to_feedback', round(julianday(fed_back_at) - julianday(first_confirmed_at),
         2) AS b, count(*)
  FROM cases WHERE {cid} = 1 AND {fbk} AND first_confirmed_at IS NOT NULL GROUP BY b
  UNION ALL
  SELECT 'whole', round(julianday(fed_back_at) - julianday(coalesce(discovered_at,
         registered_at)), 2) AS b, count(*)
  FROM cases WHERE {cid} = 1 AND {fbk} GROUP BY b),
ranked AS (
  SELECT name, b, sum(n) OVER (PARTITION BY name ORDER BY b) AS upto,
         sum(n) OVER (PARTITION BY name) AS total FROM hist),
pct AS (
  SELECT name, max(total) AS total, min(CASE WHEN upto >= (total + 1) / 2 THEN b END) AS median,
         min(CASE WHEN upto >= (total * 9 + 9) / 10 THEN b END) AS p90
  FROM ranked GROUP BY name)
SELECT 'counts', source, intake, accepted, declined, terminated, written, oral, amount
FROM counts
UNION ALL SELECT 'interval', name, total, median, p90, NULL, NULL, NULL, NULL FROM pct
UNION ALL
SELECT 'filed', NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL
FROM judicial_confirmation j JOIN cases c ON c.id = j.case_id
WHERE c.committee_id = 1 AND j.filed_on >= :ds AND j.filed_on < :de
UNION ALL
SELECT 'decided', NULL, sum(j.result = 'confirmed'), sum(j.result = 'rejected'), NULL, NULL,
       NULL, NULL, NULL
FROM judicial_confirmation j JOIN cases c ON c.id = j.case_id
WHERE c.committee_id = 1 AND j.decided_on >= :ds AND j.decided_on < :de
UNION ALL
SELECT 'follow_up', NULL, count(*), sum(f.performance = 'full'), sum(f.performance = 'partial'),
       sum(f.performance = 'none'), NULL, NULL, NULL
FROM follow_up f JOIN cases c ON c.id = f.case_id
WHERE c.committee_id = 1 AND f.visited_at >= :start AND f.visited_at < :end
  AND f.performance IS NOT NULL
UNION ALL
SELECT 'prevention', p.kind, count(DISTINCT p.case_id), sum(p.persons), NULL, NULL, NULL, NULL,
       NULL
FROM prevention p JOIN cases c ON c.id = p.case_id
WHERE c.committee_id = 1 AND p.recorded_at >= :start AND p.recorded_at < :end GROUP BY p.kind
UNION ALL
SELECT 'overdue', NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL FROM cases
WHERE committee_id = 1 AND state IN ('accepted', 'mediating') AND deadline < :as_of
"""
RAW_FULLS = {
    hinted: RAW_FULL.format(
        cid="+committee_id" if hinted else "committee_id",
        **{k: _IN.format(c=("+" if hinted else "") + c) for k, c in (
            ("reg", "registered_at"), ("acc", "accepted_at"), ("dec", "declined_at"),
            ("con", "first_concluded_at"), ("cnf", "first_confirmed_at"),
            ("fbk", "fed_back_at"))})
    for hinted in (False, True)}
FULL_PARAMS = {**YEAR_UTC, "ds": "2026-01-01", "de": "2027-01-01",
               "as_of": NOW.strftime("%Y-%m-%d %H:%M:%S.%f")}


def raw_full_figures(path: str, sql: str) -> dict[str, Any]:
    """The full baseline's answer, in the shape of ``figures.to_json`` (the figures compared)."""
    con = sqlite3.connect(path)
    rows = con.execute(sql, FULL_PARAMS).fetchall()
    con.close()
    out: dict[str, Any] = {"intake": 0, "accepted": 0, "declined": 0, "terminated": 0,
                           "written": 0, "oral": 0, "amount_fen": 0, "sources": {},
                           "intervals": {}, "prevention": {}}
    for fact, sub, a, b, c, d, e, f, g in rows:
        if fact == "counts":
            for name, v in zip(("intake", "accepted", "declined", "terminated", "written",
                                "oral", "amount_fen"), (a, b, c, d, e, f, g), strict=True):
                out[name] += int(v or 0)
            if a:
                out["sources"][sub] = int(a)
        elif fact == "interval":
            out["intervals"][sub] = {"n": int(a), "median_days": b, "p90_days": c}
        elif fact == "filed":
            out["filed"] = int(a)
        elif fact == "decided":
            out["confirmed"], out["rejected"] = int(a or 0), int(b or 0)
        elif fact == "follow_up":
            out["performance"] = (int(a), int(b or 0), int(c or 0), int(d or 0))
        elif fact == "prevention":
            out["prevention"][sub] = (int(a), int(b))
        elif fact == "overdue":
            out["overdue"] = int(a)
    return out


def ours_as_raw(url: str) -> dict[str, Any]:
    """``stats.compute``'s answer in the shape of :func:`raw_full_figures`."""
    from decimal import Decimal

    from mediation.core import periods
    from mediation.db.engines import engine_for
    from mediation.db.storage import unit_of_work
    from mediation.reporting import stats

    actor = _actor(url)
    with unit_of_work(engine_for(url), write=False, clock=lambda: NOW) as uow:
        s = stats.compute(uow, actor, periods.year(2026))
    return {
        "intake": s.intake, "accepted": s.accepted, "declined": s.declined,
        "terminated": s.terminated, "written": s.agreements["written"],
        "oral": s.agreements["oral"], "amount_fen": int(Decimal(s.amount_yuan) * 100),
        "sources": {k: v for k, v in s.sources.items() if v},
        "intervals": {k: v.model_dump() for k, v in s.intervals.items() if v.n},
        "prevention": {k: (v["cases"], v["persons"]) for k, v in s.prevention.items()
                       if k != "total" and v["cases"]},
        "filed": s.judicial["filed"], "confirmed": s.judicial["confirmed"],
        "rejected": s.judicial["rejected"],
        "performance": (s.performance["followed_up"], s.performance["full"],
                        s.performance["partial"], s.performance["none"]),
        "overdue": s.overdue,
    }


def time_raw_full(path: str) -> float:
    """The full baseline: the faster spelling of the one statement computing every figure."""
    return min(_time_sql(path, sql, params=FULL_PARAMS) for sql in RAW_FULLS.values())


def time_raw_aggregate(path: str) -> float:
    """The baseline: the faster spelling of the single aggregate over the cases."""
    return min(_time_sql(path, sql) for sql in RAW_AGGREGATES.values())


def time_raw_event_aggregate(path: str) -> float:
    return _time_sql(path, RAW_EVENT_AGGREGATE)


def time_export(url: str, out: Path) -> float:
    from mediation.db.engines import engine_for
    from mediation.db.storage import unit_of_work
    from mediation.reporting import export

    actor = _actor(url)
    t = time.perf_counter()
    with unit_of_work(engine_for(url), write=False) as uow:
        export.nightly(uow, actor, out, DAY)
    return time.perf_counter() - t


def time_export_csv(url: str, out: Path) -> float:
    """Only the streaming part of the export: cases.csv and events.csv, masked."""
    from mediation.core.clock import start_of_local_day_utc
    from mediation.db.engines import engine_for
    from mediation.db.storage import unit_of_work
    from mediation.reporting import export_csv

    out.mkdir(parents=True, exist_ok=True)
    end = start_of_local_day_utc(DAY + timedelta(days=1))
    t = time.perf_counter()
    with unit_of_work(engine_for(url), write=False) as uow:
        export_csv.write_cases(uow, 1, end, out / "cases.csv", export_csv.quiet)
        export_csv.write_events(uow, 1, end, out / "events.csv", export_csv.quiet)
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
            keep = os.environ.get("BENCH_STATS_KEEP")
            path = str(Path(keep or tmp) / f"bench-{n}.db")
            t = time.perf_counter()
            reused = bool(keep) and Path(path).exists() and _current_schema(path)
            if not reused:  # generated under another name: an interrupted run leaves no file
                for suffix in ("", "-wal", "-shm"):  # that looks complete; an outdated one goes
                    Path(path + suffix).unlink(missing_ok=True)
                generate("sqlite:///" + path + ".part", n)
                Path(path + ".part").rename(path)
                for f in Path(path).parent.glob(Path(path).name + ".part-*"):
                    f.unlink()
            con = sqlite3.connect(path)
            events = con.execute("SELECT count(*) FROM event").fetchone()[0]
            con.close()
            made = ("reused" if reused
                    else f"generated in {time.perf_counter() - t:.1f}s (Core bulk inserts)")
            print(f"{n:>9,} cases, {events:,} events {made}")
            ours = time_stats("sqlite:///" + path)
            raw = time_raw_aggregate(path)
            raw_events = time_raw_event_aggregate(path)
            mine = ours_as_raw("sqlite:///" + path)
            for sql in RAW_FULLS.values():
                theirs = raw_full_figures(path, sql)
                assert theirs == mine, f"the full baseline disagrees:\n{theirs}\n{mine}"
            raw_full = time_raw_full(path)
            print(f"  stats --year            {ours:8.3f}s   raw single statement {raw_full:8.3f}s"
                  f"   ratio {ours / raw_full:5.2f}x (target <= 1.5x; the same figures)")
            print(f"    six headline counts over cases (one scan) {raw:8.3f}s"
                  f"   ratio {ours / raw:5.2f}x (issue 18 target <= 2x)")
            print(f"    reference: the counts off the event log {raw_events:8.3f}s"
                  f"   ratio {ours / raw_events:5.2f}x")
            month = time_stats("sqlite:///" + path, by="month")
            print(f"  stats --year --by month {month:8.3f}s"
                  f"   ({month / ours:4.1f}x stats --year; {month / raw:5.2f}x the six-count scan,"
                  f" issue 18 target <= 3x)")
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
                f.unlink()  # (a kept database, BENCH_STATS_KEEP, is outside tmp and stays)
        if len(sizes) >= 2:
            small, large = sizes[0], sizes[-1]
            print(f"  peak memory at {large:,} ÷ at {small:,}: "
                  f"{peaks[large] / peaks[small]:.2f}x (target <= 1.2x)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3])
    else:
        main()

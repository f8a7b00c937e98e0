"""Storage benchmarks: ratios against raw drivers measured in the same run.

1. One committed transition (state, version, event; ``accept``) in-process, through
   ``storage.transaction`` exactly as a command runs it (the actor resolved as ``Env.act``
   resolves it), vs the same transaction written by hand with raw sqlite3 (WAL,
   synchronous=FULL, BEGIN IMMEDIATE) and, when PostgreSQL is reachable, raw psycopg. Issue 5
   wants within 3x.

   The raw transaction mirrors ours statement for statement. Since the step reads only the facts
   its trigger's guards need (workflow.facts), the raw one no longer reads the current agreement,
   the pending judicial confirmation or (the actor being the director) the case's mediators,
   which ``accept`` does not need; like ours, it reads the actor with their committee's sign-in
   rule in one query, the case with its party counts in one query, and writes the case's changes
   and the version's compare-and-set in one UPDATE (it used to take two UPDATEs and three more
   SELECTs, as ours did). The two are timed in alternating runs of 10 steps after 20 warm-up
   steps each, each side keeping its connection open, so that both see the same load.
2. Bulk import of N cases with validation (``mediation case import``'s service, --force) vs raw
   sqlite3 ``executemany`` of the same rows, prebuilt, in one transaction. Issue 5 wants at
   least 25% of raw speed. The raw rows are exactly the rows our import wrote, read back from
   our database before the raw load is timed (every column: the keyed ID hashes, birth dates,
   the 'new' events' changes and hashes). Until 2026-11-23 the raw rows were built from the
   JSON with NULL ID hashes, NULL birth dates and empty changes: a lighter load than ours (no
   random keys into the ID-hash index, ~600 bytes a case less), so not the same rows. The raw
   load still commits once; ours commits every 5,000 cases so that terminals keep working.

Sizes: ``MEDIATION_BENCH_STEPS`` (default 300 transitions), ``MEDIATION_BENCH_IMPORT_N``
(default 50,000 cases; the issue's figure is 1,000,000). PostgreSQL: ``MEDIATION_BENCH_PG``
(an admin URL, default postgresql+psycopg://postgres@127.0.0.1:5432/test).
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

STEPS = int(os.environ.get("MEDIATION_BENCH_STEPS", "300"))
WARM = 20
CHUNK = 10
NAIVE_N = 2000
IMPORT_N = int(os.environ.get("MEDIATION_BENCH_IMPORT_N", "50000"))
PG_ADMIN = os.environ.get("MEDIATION_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

# ---------------------------------------------------------------------------------------------
# Data


def _resident_id(i: int) -> str:
    from mediation.core import identity

    birth = datetime(1950, 1, 1) + timedelta(days=i % 18000)
    first17 = f"{430100 + i // 18000 % 99:06d}{birth:%Y%m%d}{i // 1_782_000 % 1000:03d}"
    return first17 + identity.gb11643_check_char(first17)


_DIGITS = "零一二三四五六七八九"


def person(surname: str, n: int) -> str:
    """A name of its own for each ``n`` (a surname and ``n`` in Chinese digits)."""
    return surname + "".join(_DIGITS[int(d)] for d in str(n))


def record(i: int) -> dict[str, Any]:
    """A valid case.json with unique ID numbers and names (two parties): no record is a
    probable duplicate of another (mediation/duplicates.py)."""
    from mediation.core import identity

    rng = random.Random(i)
    applicant, respondent = _resident_id(2 * i), _resident_id(2 * i + 1)
    return {
        "category": rng.choice(["01", "02", "03", "06", "10"]),
        "source": "application",
        "summary": f"第{i}号纠纷：楼上漏水致楼下天花板受损，双方协商未果。",
        "requests": "请求赔偿维修费用并修复防水层。",
        "amount": rng.randint(100, 20000),
        "parties": [
            # the sex the ID number says (a given one must agree with it: fields.identity_of)
            {"role": "applicant", "kind": "person", "name": person("张", i),
             "sex": identity.sex_of_resident_id(applicant),
             "ethnicity": "汉族", "id_number": applicant,
             "phone": f"138{i % 100_000_000:08d}", "address": "湖南省长沙市岳麓区桐梓坡路8栋502"},
            {"role": "respondent", "kind": "person", "name": person("李", i),
             "sex": identity.sex_of_resident_id(respondent),
             "ethnicity": "汉族", "id_number": respondent,
             "phone": f"139{i % 100_000_000:08d}", "address": "湖南省长沙市岳麓区桐梓坡路8栋602"},
        ],
    }


def write_jsonl(path: Path, n: int, start: int = 0) -> None:
    """``n`` cases (``record(start)`` onwards) as JSON Lines."""
    with path.open("w", encoding="utf-8") as fh:
        for i in range(start, start + n):
            fh.write(json.dumps(record(i), ensure_ascii=False) + "\n")


def _setup(url: str, cases: int = 0) -> Any:
    from mediation import committee, intake
    from mediation.cases import CaseIn
    from mediation.db.engines import create_schema, engine_for
    from mediation.db.storage import UnitOfWork

    engine = engine_for(url)
    create_schema(engine)
    with UnitOfWork(engine) as uow:
        committee.init_committee(uow, name="龙王港社区人民调解委员会", prefix="龙",
                                 director="wangfang")
        uow.commit()
    with UnitOfWork(engine) as uow:
        actor = committee.resolve_actor(uow, "wangfang")
        for i in range(cases):
            intake.new_case(uow, actor, CaseIn.model_validate(record(i)), force=True)
        uow.commit()
    return engine


@contextmanager
def _pg_database() -> Iterator[str | None]:
    try:
        import psycopg  # noqa: F401
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        name = f"mediation_bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"   (PostgreSQL not reachable: {exc.__class__.__name__}; skipped)")
        yield None
        return
    url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        from mediation.db.engines import release_engine

        release_engine(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# 1. One committed transition


def _ours_transitions(engine: Any, ids: list[int]) -> None:
    """What ``mediation case accept`` runs (cli/context.py ``Env.act``, without a session file):
    the actor resolved as the CLI resolves it, the step, in ``storage.transaction``."""
    from mediation import steps
    from mediation.access import signin
    from mediation.db.storage import UnitOfWork, transaction

    for cid in ids:
        def once(uow: UnitOfWork, cid: int = cid) -> Any:
            actor = signin.actor_for(uow, user="wangfang", token=None, session=True)
            return steps.accept(uow, actor, cid)

        transaction(engine, once, read_first=True)  # as cli/context.py Env.act


def _event_hash(prev: str, content: dict[str, Any]) -> str:
    data = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(prev.encode() + b"\n" + data.encode()).hexdigest()


def _raw_transition(cur: Any, cid: int, now: datetime, ph: str) -> None:
    """The same transaction by hand, statement for statement: who acts (and whether their
    committee requires sign-in), the case with the facts its guards read (for ``accept``: how
    many applicants and respondents), the compare-and-set with the step's changes in one UPDATE,
    the event with its hash, the head.
    """
    def one(sql: str, *params: Any) -> Any:
        cur.execute(sql.replace("?", ph), params)
        return cur.fetchone()

    staff = one("SELECT staff.username, staff.name, staff.role, staff.committee_id, staff.active, "
                "committee.login_required FROM staff LEFT OUTER JOIN committee ON committee.id = "
                "staff.committee_id WHERE staff.username = ?", "wangfang")
    assert staff[4] and not staff[5]
    case = one("SELECT cases.*, (SELECT count(*) FROM party WHERE party.case_id = cases.id AND "
               "party.role = ?), (SELECT count(*) FROM party WHERE party.case_id = cases.id AND "
               "party.role = ?) FROM cases WHERE cases.committee_id = ? AND cases.id = ?",
               "applicant", "respondent", staff[3], cid)
    committee_id, state, version = case[1], case[5], case[6]
    assert state == "intake" and case[7] and case[-2] >= 1 and case[-1] >= 1
    deadline = now + timedelta(days=30)
    cur.execute("UPDATE cases SET state = ?, version = ?, accepted_at = ?, deadline = ? "
                "WHERE id = ? AND version = ?".replace("?", ph),
                ("accepted", version + 1, now, deadline, cid, version))
    assert cur.rowcount == 1
    seq, prev = one("SELECT seq, hash FROM log_head WHERE id = ?"
                    + (" FOR UPDATE" if ph == "%s" else ""), 1)
    changes = {"state": [state, "accepted"], "accepted_at": [None, now.isoformat()],
               "deadline": [None, deadline.isoformat()]}
    content = {"seq": seq + 1, "at": now.isoformat(), "committee_id": committee_id,
               "case_id": cid, "actor": "wangfang", "role": "director", "action": "accept",
               "from_state": state, "to_state": "accepted", "version": version + 1,
               "reason": None, "changes": changes}
    h = _event_hash(prev, content)
    cur.execute(("INSERT INTO event (seq, at, committee_id, case_id, actor, role, action, "
                 "from_state, to_state, version, reason, changes, prev_hash, hash) VALUES "
                 f"({', '.join(['?'] * 14)})").replace("?", ph),
                (seq + 1, now, committee_id, cid, "wangfang", "director", "accept", state,
                 "accepted", version + 1, None,
                 json.dumps(changes, sort_keys=True, separators=(",", ":")), prev, h))
    cur.execute("UPDATE log_head SET seq = ?, hash = ? WHERE id = ?".replace("?", ph),
                (seq + 1, h, 1))


def _raw_sqlite_connection(path: str) -> sqlite3.Connection:
    # The busy timeout from the start: a terminal of the bench opening while another closes
    # (the last to close checkpoints the WAL) waited 5 s, sqlite3's default, and under a
    # loaded machine's delays failed its first statement, leaving the others at the barrier.
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def _raw_sqlite_transitions(conn: sqlite3.Connection, ids: list[int]) -> None:
    cur = conn.cursor()
    for cid in ids:
        cur.execute("BEGIN IMMEDIATE")
        _raw_transition(cur, cid, datetime.now().replace(microsecond=0), "?")
        cur.execute("COMMIT")


def _raw_psycopg_connection(url: str) -> Any:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database)


def _raw_psycopg_transitions(conn: Any, ids: list[int]) -> None:
    for cid in ids:
        with conn.transaction():
            _raw_transition(conn.cursor(), cid, datetime.now().replace(microsecond=0), "%s")


def _ids() -> tuple[list[int], list[int]]:
    """Interleaved case ids (odd for us, even for raw): both touch the same kind of rows."""
    n = STEPS + WARM
    return list(range(1, 2 * n + 1, 2)), list(range(2, 2 * n + 1, 2))


def _alternating(ours: Callable[[list[int]], None], raw: Callable[[list[int]], None]
                 ) -> tuple[float, float]:
    """Seconds for STEPS steps each, measured in alternating runs of CHUNK steps (which side
    goes first alternates too), after WARM steps each: both sides see the same load on a shared
    machine, instead of one measuring a busy minute and the other a quiet one."""
    ours_ids, raw_ids = _ids()
    ours(ours_ids[:WARM])
    raw(raw_ids[:WARM])
    t_ours = t_raw = 0.0
    for n, i in enumerate(range(WARM, WARM + STEPS, CHUNK)):
        a, b = ours_ids[i:i + CHUNK], raw_ids[i:i + CHUNK]
        if n % 2:
            t_raw += _timed(partial(raw, b))
            t_ours += _timed(partial(ours, a))
        else:
            t_ours += _timed(partial(ours, a))
            t_raw += _timed(partial(raw, b))
    return t_ours, t_raw


def bench_transition() -> list[tuple[str, float, float]]:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "bench.db")
        engine = _setup("sqlite:///" + path, cases=2 * STEPS + 2 * WARM)
        lite = _raw_sqlite_connection(path)
        ours, raw = _alternating(lambda ids: _ours_transitions(engine, ids),
                                 lambda ids: _raw_sqlite_transitions(lite, ids))
        lite.close()
        engine.dispose()
        results.append(("sqlite", ours, raw))
    with _pg_database() as url:
        if url is not None:
            engine = _setup(url, cases=2 * STEPS + 2 * WARM)
            pg = _raw_psycopg_connection(url)
            ours, raw = _alternating(lambda ids: _ours_transitions(engine, ids),
                                     lambda ids: _raw_psycopg_transitions(pg, ids))
            pg.close()
            results.append(("postgresql", ours, raw))
    for backend, ours, raw in results:
        print(f"   transition on {backend}: ours {ours / STEPS * 1000:.2f} ms, raw "
              f"{raw / STEPS * 1000:.2f} ms per committed step: {ours / raw:.2f}x raw "
              f"(target <= 3x)")
    return results


# ---------------------------------------------------------------------------------------------
# 2. Bulk import


Rows = dict[str, tuple[list[str], list[tuple[Any, ...]]]]
RAW_TABLES = ("cases", "party", "event")


def _raw_rows(ours_db: str) -> Rows:
    """Exactly the rows our import wrote (every column, ID hashes, birth dates, the events'
    changes and hashes), read back from our database before the raw load is timed: the raw
    ``executemany`` inserts the same rows, into the same schema with the same indexes."""
    con = sqlite3.connect(ours_db)
    out: Rows = {}
    for table in RAW_TABLES:
        where = " WHERE case_id IS NOT NULL" if table == "event" else ""
        cur = con.execute(f"SELECT * FROM {table}{where} ORDER BY rowid")
        out[table] = ([d[0] for d in cur.description], cur.fetchall())
    con.close()
    return out


def _raw_import(path: str, rows: Rows) -> None:
    # The busy timeout from the start: a terminal of the bench opening while another closes
    # (the last to close checkpoints the WAL) waited 5 s, sqlite3's default, and under a
    # loaded machine's delays failed its first statement, leaving the others at the barrier.
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("BEGIN IMMEDIATE")
    for table in RAW_TABLES:
        columns, data = rows[table]
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                         f"({', '.join(['?'] * len(columns))})", data)
    last = rows["event"][1][-1]
    columns = rows["event"][0]
    conn.execute("UPDATE log_head SET seq = ?, hash = ?",
                 (last[columns.index("seq")], last[columns.index("hash")]))
    conn.execute("COMMIT")
    conn.close()


def bench_import() -> float:
    from mediation import bulk, integrity
    from mediation.db.storage import UnitOfWork

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "cases.jsonl"
        write_jsonl(src, IMPORT_N)
        engine = _setup("sqlite:///" + str(Path(tmp) / "ours.db"))
        ours = _timed(lambda: bulk.import_cases(engine, "wangfang", src, force=True))
        with UnitOfWork(engine, write=False) as uow:
            bad = [c for c in integrity.check(uow) if not c.ok]
        assert not bad, bad
        engine.dispose()
        raw_path = str(Path(tmp) / "raw.db")
        _setup("sqlite:///" + raw_path).dispose()
        rows = _raw_rows(str(Path(tmp) / "ours.db"))
        raw = _timed(lambda: _raw_import(raw_path, rows))
        naive_n = min(IMPORT_N, NAIVE_N)
        naive = _timed(lambda: _naive_import(str(Path(tmp) / "naive.db"), naive_n))
    print(f"   bulk import of {IMPORT_N:,} cases (2 parties, 1 event each): ours {ours:.1f} s "
          f"({IMPORT_N / ours:,.0f}/s, validated, hash-chained), raw executemany {raw:.1f} s "
          f"({IMPORT_N / raw:,.0f}/s): {raw / ours:.0%} of raw speed (target >= 25%)")
    print(f"   naive ORM route (one object per row, {naive_n:,} cases): "
          f"{naive_n / naive:,.0f}/s: {(naive_n / naive) / (IMPORT_N / raw):.1%} of raw speed")
    return raw / ours


def _naive_import(path: str, n: int) -> None:
    """The naive route: validate, then one ORM object per row (case, parties, event), flushed
    one case at a time, in one transaction (no duplicate search)."""
    from mediation import committee, intake
    from mediation.cases import Case, CaseIn, Party
    from mediation.db import eventlog, settings
    from mediation.db.storage import UnitOfWork

    engine = _setup("sqlite:///" + path)
    with UnitOfWork(engine) as uow:
        s = uow.session
        actor = committee.resolve_actor(uow, "wangfang")
        key = settings.hash_key(uow)
        now = uow.now()
        for i in range(n):
            rec = CaseIn.model_validate(record(i))
            number = f"({now.year})龙人调字第{i + 1}号"
            case = Case(**intake.case_fields(rec, committee_id=actor.committee_id,
                                             year=now.year, seq=i + 1, number=number, now=now,
                                             registrar=actor.username))
            s.add(case)
            s.flush()
            for pos, p in enumerate(rec.parties):
                s.add(Party(**intake.party_fields(rec, pos, p, case_id=case.id, key=key)))
            eventlog.append(s, at=now, actor=actor.username, role=actor.role, action="new",
                            committee_id=actor.committee_id, case_id=case.id,
                            to_state="intake", version=1,
                            changes=intake.new_event_changes(rec, number))
        uow.commit()
    engine.dispose()


def main() -> None:
    bench_transition()
    bench_import()


if __name__ == "__main__":
    main()

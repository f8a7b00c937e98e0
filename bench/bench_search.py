"""`case search` at 100,000 cases: median latency, as a ratio to a raw query in the same run.

The cases are bulk-imported (``mediation case import``'s service, which writes their search
index rows in the same batches): names drawn from common surnames and given names (so a full
name has a few namesakes), facts and requests composed from a few dozen dispute phrases (so a
phrase matches from a handful to a third of the cases), unique phones and ID numbers.

Each query is timed ``RUNS`` times through the service as ``mediation case search`` runs it
(``search.search_cases`` in a read unit of work without a snapshot, the director reading: the
reference and keyed-hash look-ups, the ranked text query, the rows as ``case list`` shows them,
the snippets), alternating with the raw query through the bare driver (sqlite3 / psycopg, one
connection kept open): the same ranked text search of the index table joined to the committee's
cases, ids and scores only. Issue 14 wants <= 50 ms median and <= 2x raw.

Sizes: ``MEDIATION_BENCH_SEARCH_N`` (default 100,000 cases), ``MEDIATION_BENCH_SEARCH_RUNS``
(default 15). PostgreSQL: ``MEDIATION_BENCH_PG`` (an admin URL) as in bench_storage.
``MEDIATION_BENCH_SEARCH_KEEP`` (a folder): the databases are built once and kept, the SQLite
file in that folder and the PostgreSQL database ``mediation_bench_search_<N>``, and a later run
with the same folder and size times them again without the import (minutes at 100,000 cases),
so that code before and after can be timed on the same database.
``MEDIATION_BENCH_SEARCH_SKIP_SQLITE=1`` / ``MEDIATION_BENCH_SEARCH_SKIP_PG=1`` leave one out.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.bench_storage import PG_ADMIN, _pg_database, _resident_id

N = int(os.environ.get("MEDIATION_BENCH_SEARCH_N", "100000"))
RUNS = int(os.environ.get("MEDIATION_BENCH_SEARCH_RUNS", "15"))
LIMIT = 20

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
            "潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦"
            "邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国玉兰志强文斌红梅海燕春梅小红金凤"
PLACES = ["楼上", "隔壁", "对门", "村东头", "小区", "菜市场", "工地", "宅基地旁", "店铺",
          "学校门口"]
EVENTS = ["卫生间漏水致天花板受损", "装修噪音扰民", "宅基地界址不清", "拖欠工资三个月",
          "车辆刮擦未赔偿", "借款到期未还", "饲养的狗咬伤邻居", "占用公共通道堆放杂物",
          "赡养老人费用分担", "承包土地边界争议", "房屋租赁押金不退", "树木遮挡采光"]
REQUESTS = ["请求赔偿维修费用", "请求停止侵害", "请求归还借款", "请求支付拖欠工资",
            "请求确认界址", "请求退还押金", "请求分担赡养费用", "请求清理杂物"]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def record(i: int) -> dict[str, Any]:
    rng = random.Random(i)
    a, b = _name(rng), _name(rng)
    place, event = rng.choice(PLACES), rng.choice(EVENTS)
    return {
        "category": rng.choice(["01", "02", "03", "06", "10"]),
        "source": "application",
        "summary": f"{a}与{b}系{place}邻里，{place}{event}，双方协商未果，{a}申请调解。",
        "requests": f"{rng.choice(REQUESTS)}{rng.randint(2, 200) * 100}元。",
        "parties": [
            {"role": "applicant", "kind": "person", "name": a,
             "id_number": _resident_id(2 * i), "phone": f"138{i % 100_000_000:08d}"},
            {"role": "respondent", "kind": "person", "name": b,
             "id_number": _resident_id(2 * i + 1), "phone": f"139{i % 100_000_000:08d}"},
        ],
    }


def _queries() -> list[tuple[str, str]]:
    full = next(n for n in (record(i)["parties"][0]["name"] for i in range(7, 100))
                if len(n) == 3)
    return [
        ("full name, 3 characters", full),
        ("phrase, 6 characters (~8% of cases)", "宅基地界址"),
        ("two phrases", "借款 到期未还"),
        ("name, 2 characters (short-word index)", SURNAMES[3] + GIVEN[0]),
        ("rare name, 2 characters", SURNAMES[-1] + GIVEN[-1]),
        ("surname alone, 1 character (~2%)", SURNAMES[-2]),
        ("1 character no case holds", "鑫"),
        ("common word, 2 characters (~1/3)", "邻里"),
        ("case number, short form", "龙1234"),
        ("phone number (keyed hash)", f"138{1234:08d}"),
    ]


def _extra_queries() -> list[tuple[str, str]]:
    """Timed and shown after the median of :func:`_queries` (not in it, so that runs of the code
    before them compare like for like): the end of a party's phone (issue 14), against the
    ``LIKE`` over every party written by hand (what the search ran until migration 0023) and
    against the look-up of the end's keyed hash written by hand (``INDEXED``, what it runs
    since)."""
    return [("phone's end, 4 digits (party numbers)", "5678"),
            ("phone's end, 6 digits (party numbers)", "345678"),
            (f"phone's end, 4 digits {INDEXED}", "5678"),
            (f"phone's end, 6 digits {INDEXED}", "345678")]


INDEXED = "(raw: index)"


def _ends(dialect: str) -> str:
    ph = "?" if dialect == "sqlite" else "%s"
    return " OR ".join(f"replace({c}, '-', '') LIKE {ph}" for c in (
        "p.phone", "p.guardian_phone", "upper(p.id_number)"))


def _raw_tail_sql(dialect: str, tail: str) -> tuple[str, list[Any]]:
    """A number's end written by hand: the committee's cases with a party whose phone,
    guardian's phone or ID number ends so, the newest 20."""
    return (f"SELECT DISTINCT c.id FROM party p JOIN cases c ON c.id = p.case_id "
            f"WHERE ({_ends(dialect)}) AND c.committee_id = 1 ORDER BY c.id DESC LIMIT {LIMIT}",
            ["%" + tail] * 3)


def _raw_indexed_tail_sql(dialect: str, tail: str, key: bytes) -> tuple[str, list[Any]]:
    """The same through the index of the numbers' ends written by hand: the cases holding the
    keyed hash of the end's last 4 characters, the longer end checked on their parties."""
    from mediation.core import identity

    ph = "?" if dialect == "sqlite" else "%s"
    return (f"SELECT DISTINCT c.id FROM case_fts_key k JOIN cases c ON c.id = k.case_id "
            f"WHERE k.hash = {ph} AND c.committee_id = 1 AND EXISTS (SELECT 1 FROM party p "
            f"WHERE p.case_id = c.id AND ({_ends(dialect)})) ORDER BY c.id DESC LIMIT {LIMIT}",
            [identity.tail_hash(key, tail[-4:]), *["%" + tail] * 3])


KEEP = os.environ.get("MEDIATION_BENCH_SEARCH_KEEP", "")


def _kept(engine: Any, n: int) -> bool:
    """Whether ``engine``'s database is a kept one of ``n`` cases, fully imported."""
    from sqlalchemy import inspect, text

    if "cases" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as conn:
        if conn.execute(text("SELECT count(*) FROM cases")).scalar_one() == n:
            return True
    raise SystemExit(f"{engine.url!r} holds a part of an import: drop it and run again")


def _build(url: str, n: int, tmp: Path) -> Any:
    from mediation import bulk, committee
    from mediation.db.engines import create_schema, engine_for
    from mediation.db.storage import UnitOfWork

    engine = engine_for(url)
    if KEEP and _kept(engine, n):
        print(f"   {n:,} cases kept from a run before ({KEEP})")
        return engine
    create_schema(engine)
    with UnitOfWork(engine) as uow:
        committee.init_committee(uow, name="龙王港社区人民调解委员会", prefix="龙",
                                 director="wangfang")
        uow.commit()
    src = tmp / f"cases-{n}.jsonl"
    if not src.exists():
        with src.open("w", encoding="utf-8") as fh:
            for i in range(n):
                fh.write(json.dumps(record(i), ensure_ascii=False) + "\n")
    start = time.perf_counter()
    bulk.import_cases(engine, "wangfang", src, force=True)
    # the import itself merges the GIN indexes' pending lists and takes PostgreSQL's statistics
    # (searchindex.settle): measured as a user gets it, no VACUUM ANALYZE of the bench's own
    print(f"   {n:,} cases imported (with their index rows) in {time.perf_counter() - start:.0f} s")
    return engine


def _ours(engine: Any) -> Callable[[str], int]:
    from mediation import committee, search
    from mediation.db.storage import UnitOfWork

    with UnitOfWork(engine, write=False) as uow:
        actor = committee.resolve_actor(uow, "wangfang")

    def run(query: str) -> int:
        with UnitOfWork(engine, write=False, snapshot=False) as uow:
            return len(search.search_cases(uow, actor, query, limit=LIMIT))

    return run


def _ours_fresh(engine: Any) -> Callable[[str], int]:
    """What a clerk's command meets: a new process's engine (its own pool, the dialect's first
    connect), a new connection, and the search as its first statement (the hash key read on it
    first for a phone number, as in a new process), then the engine disposed. The actor is
    resolved once, outside the timing (a command resolves it on the same connection first)."""
    from mediation import committee, search
    from mediation.db import engines
    from mediation.db.storage import UnitOfWork

    with UnitOfWork(engine, write=False) as uow:
        actor = committee.resolve_actor(uow, "wangfang")
    url = engine.url.render_as_string(hide_password=False)

    def run(query: str) -> int:
        fresh = engines._make_engine(url)  # not engine_for's: the in-process one stays open
        try:
            with UnitOfWork(fresh, write=False, snapshot=False) as uow:
                return len(search.search_cases(uow, actor, query, limit=LIMIT))
        finally:
            fresh.dispose()

    return run


def _raw_sql(dialect: str, query: str) -> tuple[str, list[Any]]:
    """The ranked text search written by hand: among the newest 200 of the committee's cases
    whose ``named`` text holds every word (3+ characters through the trigram index, shorter ones
    with LIKE beside them, or through the short-word index when all are short), the 20 best
    (bm25 / trigram similarity; how often a short word occurs)."""
    if query.isdigit() and len(query) in (4, 6):  # a number's end (_extra_queries)
        return _raw_tail_sql(dialect, query)
    words = query.split()
    long_ = [w for w in words if len(w) >= 3]
    short = [w for w in words if len(w) < 3]
    if short and not long_:
        return _raw_short_sql(dialect, short)
    if dialect == "sqlite":
        conds, params = [], []
        if long_:
            conds.append("case_fts MATCH ?")
            params.append(" AND ".join(f'named : "{w}"' for w in long_))
            score = "-bm25(case_fts, 1.0, 0.0)"
        else:
            score = " + ".join("(length(f.named) - length(replace(f.named, ?, ''))) / length(?)"
                               for _ in short)
            params = [x for w in short for x in (w, w)] + params
        for w in short:
            conds.append("f.named LIKE ? ESCAPE '\\'")  # ESCAPE: not handed to FTS5
            params.append(f"%{w}%")
        conds.append("c.committee_id = 1")
        return (f"SELECT id, s FROM (SELECT c.id AS id, {score} AS s FROM case_fts f "
                f"CROSS JOIN cases c ON c.id = f.rowid WHERE {' AND '.join(conds)} "
                f"ORDER BY f.rowid DESC LIMIT 200) ORDER BY s DESC, id DESC LIMIT {LIMIT}",
                params)
    conds = (["f.named LIKE %s" for _ in long_] + ["strpos(f.named, %s) > 0" for _ in short]
             + ["c.committee_id = 1"])
    params = [f"%{w}%" for w in long_] + list(short)
    if long_:
        score, sparams = "similarity(body, %s)", [" ".join(long_)]
    else:
        score = " + ".join("(length(body) - length(replace(body, %s, ''))) / length(%s)"
                           for _ in short)
        sparams = [x for w in short for x in (w, w)]
    return (f"SELECT id, {score} AS s FROM (SELECT c.id AS id, f.named AS body FROM case_fts f "
            f"JOIN cases c ON c.id = f.case_id WHERE {' AND '.join(conds)} "
            f"ORDER BY f.case_id DESC LIMIT 200) AS pool ORDER BY 2 DESC, id DESC "
            f"LIMIT {LIMIT}", sparams + params)


def _raw_short_sql(dialect: str, short: list[str]) -> tuple[str, list[Any]]:
    """Only words of one or two characters: the cases from the short-word index (SQLite: the
    FTS5 table of character pairs, a token per pair spelled in hex; PostgreSQL: the GIN-indexed
    tsvector of them), the newest 200, ranked by how often the words occur."""
    ph = "?" if dialect == "sqlite" else "%s"
    score = " + ".join(f"(length(f.named) - length(replace(f.named, {ph}, ''))) / length({ph})"
                       for _ in short)
    sparams = [x for w in short for x in (w, w)]
    if dialect == "sqlite":
        match = " AND ".join('"n' + "x".join(f"{ord(ch):x}" for ch in w.lower()) + '"'
                             for w in short)
        return (f"SELECT id, s FROM (SELECT c.id AS id, {score} AS s FROM case_fts_gram g "
                "CROSS JOIN case_fts f ON f.rowid = g.rowid CROSS JOIN cases c ON c.id = g.rowid "
                "WHERE case_fts_gram MATCH ? AND c.committee_id = 1 ORDER BY g.rowid DESC "
                f"LIMIT 200) ORDER BY s DESC, id DESC LIMIT {LIMIT}", [*sparams, match])
    return (f"SELECT id, {score.replace('f.named', 'body')} AS s FROM (SELECT c.id AS id, "
            "f.named AS body FROM case_fts f JOIN cases c ON c.id = f.case_id "
            "WHERE f.named_grams @@ %s::tsquery AND c.committee_id = 1 ORDER BY f.case_id DESC "
            f"LIMIT 200) AS pool ORDER BY 2 DESC, id DESC LIMIT {LIMIT}",
            [*sparams, " & ".join(f"'{w.lower()}'" for w in short)])


def _raw_fresh(url: str) -> Callable[[str], int]:
    """The raw query on a new connection of the bare driver each time (sqlite3 / psycopg with
    its defaults, autocommit as :func:`_raw`), closed after: the floor of :func:`_ours_fresh`."""
    if url.startswith("sqlite"):
        import sqlite3

        def run_sqlite(query: str) -> int:
            conn = sqlite3.connect(url.removeprefix("sqlite:///"))
            try:
                sql, params = _raw_sql("sqlite", query)
                return len(conn.execute(sql, params).fetchall())
            finally:
                conn.close()

        return run_sqlite
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)

    def run_pg(query: str) -> int:
        with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username,
                             dbname=u.database, password=u.password, autocommit=True) as pg:
            sql, params = _raw_sql("postgresql", query)
            with pg.cursor() as cur:
                cur.execute(sql, params)
                return len(cur.fetchall())

    return run_pg


def _raw(url: str, key: bytes = b"", *, indexed: bool = False) -> Callable[[str], int]:
    """The raw query of a query through the bare driver (``indexed``: a number's end through
    the index, :func:`_raw_indexed_tail_sql`, with the database's hash ``key``)."""
    def sql_of(dialect: str, query: str) -> tuple[str, list[Any]]:
        return _raw_indexed_tail_sql(dialect, query, key) if indexed else \
            _raw_sql(dialect, query)

    if url.startswith("sqlite"):
        import sqlite3

        conn = sqlite3.connect(url.removeprefix("sqlite:///"))

        def run_sqlite(query: str) -> int:
            sql, params = sql_of("sqlite", query)
            return len(conn.execute(sql, params).fetchall())

        return run_sqlite
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    pg = psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database,
                         password=u.password, autocommit=True)

    def run_pg(query: str) -> int:
        sql, params = sql_of("postgresql", query)
        with pg.cursor() as cur:
            cur.execute(sql, params)
            return len(cur.fetchall())

    return run_pg


def _median_ms(fn: Callable[[str], int], query: str, times: list[float]) -> None:
    start = time.perf_counter()
    fn(query)
    times.append((time.perf_counter() - start) * 1000)


def _ratio(ours: float, raw: float) -> float:
    return ours / raw if raw else float("inf")


def bench(url: str, label: str, tmp: Path) -> list[tuple[str, float, float]]:
    """Each query timed two ways, each paired and alternating with its raw floor in the same
    run: in one process, the search repeated on its pooled connection (psycopg prepares the raw
    query after five runs: the raw side then skips parse and plan, ours never does, on purpose:
    search._run), and ``fresh``, what a clerk's command meets (:func:`_ours_fresh`, against the
    raw query on a new connection each time, :func:`_raw_fresh`). Both ratios printed, side by
    side, with their medians over all queries."""
    engine = _build(url, N, tmp)
    ours, raw = _ours(engine), _raw(url)
    ours_new, raw_new = _ours_fresh(engine), _raw_fresh(url)
    rows = []
    all_ours: list[float] = []
    all_raw: list[float] = []
    new_ours: list[float] = []
    new_raw: list[float] = []
    print(f"   {'':10} {'':40} in one process (pooled)        | fresh connection each (a command)")
    for what, query in _queries():
        ours(query), raw(query)  # warm
        o: list[float] = []
        r: list[float] = []
        fo: list[float] = []
        fr: list[float] = []
        for _ in range(RUNS):
            _median_ms(ours, query, o)
            _median_ms(raw, query, r)
        for _ in range(RUNS):
            _median_ms(ours_new, query, fo)
            _median_ms(raw_new, query, fr)
        mo, mr = statistics.median(o), statistics.median(r)
        fmo, fmr = statistics.median(fo), statistics.median(fr)
        all_ours += o
        all_raw += r
        new_ours += fo
        new_raw += fr
        hits = ours(query)
        print(f"   {label:10} {what:40} ours {mo:6.1f} raw {mr:6.1f} ms {_ratio(mo, mr):4.1f}x | "
              f"ours {fmo:6.1f} raw {fmr:6.1f} ms {_ratio(fmo, fmr):4.1f}x  ({hits} shown)")
        rows.append((what, mo, mr))
    mo, mr = statistics.median(all_ours), statistics.median(all_raw)
    fmo, fmr = statistics.median(new_ours), statistics.median(new_raw)
    print(f"   {label:10} {'ALL QUERIES (median)':40} ours {mo:6.1f} raw {mr:6.1f} ms "
          f"{_ratio(mo, mr):4.1f}x | ours {fmo:6.1f} raw {fmr:6.1f} ms {_ratio(fmo, fmr):4.1f}x  "
          "(target <= 50 ms, <= 2x)")
    with engine.connect() as conn:
        from mediation.db import settings

        raw_indexed = _raw(url, settings.hash_key_of(conn), indexed=True)
    for what, query in _extra_queries():
        floor = raw_indexed if what.endswith(INDEXED) else raw
        ours(query), floor(query)  # warm
        o, r = [], []
        for _ in range(RUNS):
            _median_ms(ours, query, o)
            _median_ms(floor, query, r)
        mo, mr = statistics.median(o), statistics.median(r)
        print(f"   {label:10} {what:40} ours {mo:7.1f} ms  raw {mr:7.1f} ms  "
              f"{mo / mr if mr else float('inf'):5.1f}x  (not in the median above)")
    engine.dispose()
    return rows


@contextlib.contextmanager
def _pg_kept() -> Iterator[str | None]:
    """The kept PostgreSQL database of ``N`` cases (created empty when absent), never dropped."""
    try:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        name = f"mediation_bench_search_{N}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                            {"n": name}).first() is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception as exc:
        print(f"   (PostgreSQL not reachable: {exc.__class__.__name__}; skipped)")
        yield None
        return
    yield make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


def main() -> None:
    print(f"   {N:,} cases, {RUNS} runs per query, load: {os.getloadavg()[0]:.2f}")
    with contextlib.ExitStack() as stack:
        if KEEP:
            where = Path(KEEP)
            where.mkdir(parents=True, exist_ok=True)
        else:
            where = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if os.environ.get("MEDIATION_BENCH_SEARCH_SKIP_SQLITE") != "1":
            bench("sqlite:///" + str(where / f"search-{N}.db"), "SQLite", where)
        if os.environ.get("MEDIATION_BENCH_SEARCH_SKIP_PG") != "1":
            with _pg_kept() if KEEP else _pg_database() as pg:
                if pg is not None:
                    bench(pg, "PostgreSQL", where)
    print(f"   load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

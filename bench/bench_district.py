"""``stats --district`` at scale: several committees in one database (issue 17, issue 18).

    python -m bench district                                # 100,000 cases over 8 committees
    BENCH_DISTRICT_CASES=1000000 BENCH_DISTRICT_COMMITTEES=20 python -m bench district
    BENCH_STATS_KEEP=/var/tmp/bench python -m bench district  # keep and reuse the database

The cases of ``bench_stats``' generator (one committee) are spread over the committees
(``committee_id = 1 + id % K``; the statistics' counters move with them, by their triggers).
Then ``reporting.district.compute`` (one row per committee and the total, every figure of
``stats``, intervals included) is timed against the floor of issue 18 for a district: one scan
of the cases counting the six headline figures per committee (``RAW_DISTRICT``), in the same
run, the faster of its two spellings. Figures are checked equal to ``stats.compute`` for each
committee on its own (the district's figures are its committees').
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.bench_stats import _IN, NOW, YEAR_UTC, generate

RAW_DISTRICT = """
SELECT {cid}, sum({reg}), sum({acc}), sum({dec}),
       sum({con} AND first_outcome = 'termination'), sum({con}),
       sum({con} AND first_outcome <> 'termination')
FROM cases GROUP BY committee_id
"""
RAW_DISTRICTS = [
    RAW_DISTRICT.format(cid=("+" if hinted else "") + "committee_id", **{
        k: _IN.format(c=("+" if hinted else "") + c) for k, c in (
            ("reg", "registered_at"), ("acc", "accepted_at"), ("dec", "declined_at"),
            ("con", "first_concluded_at"))})
    for hinted in (False, True)]


def _sizes() -> tuple[int, int]:
    return (int(os.environ.get("BENCH_DISTRICT_CASES", "100000")),
            int(os.environ.get("BENCH_DISTRICT_COMMITTEES", "8")))


def spread(path: str, k: int) -> None:
    """Committees 2..k beside the generator's first, and the cases spread over them."""
    con = sqlite3.connect(path)
    with con:
        for i in range(2, k + 1):
            con.execute("INSERT INTO committee (id, name, prefix, login_required, created_at) "
                        "VALUES (?, ?, ?, 0, ?)", (i, f"第{i}社区人民调解委员会", f"区{i}",
                                                   "2025-12-01 00:00:00.000000"))
        con.execute("UPDATE cases SET committee_id = 1 + id % ?, seq = id", (k,))
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def time_district(url: str) -> tuple[float, object]:
    import mediation.cases
    import mediation.tables  # noqa: F401  (the tables the statistics read, when reused)
    from mediation.access.policy import Actor
    from mediation.core import periods
    from mediation.db.engines import engine_for
    from mediation.db.storage import unit_of_work
    from mediation.reporting import district

    viewer = Actor("bureau", "区司法局", "district_viewer", 1)
    best, result = float("inf"), None
    for _ in range(2):
        t = time.perf_counter()
        with unit_of_work(engine_for(url), write=False, clock=lambda: NOW) as uow:
            result = district.compute(uow, viewer, periods.year(2026))
        best = min(best, time.perf_counter() - t)
    return best, result


def time_raw(path: str) -> float:
    best = float("inf")
    for sql in RAW_DISTRICTS:
        for _ in range(2):
            t = time.perf_counter()
            con = sqlite3.connect(path)
            con.execute(sql, YEAR_UTC).fetchall()
            con.close()
            best = min(best, time.perf_counter() - t)
    return best


def check(url: str, result: object) -> None:
    """Each committee's row equals ``stats.compute`` of that committee alone."""
    from mediation.core import periods
    from mediation.db.engines import engine_for
    from mediation.db.storage import unit_of_work
    from mediation.reporting import stats

    rows = result.committees  # type: ignore[attr-defined]
    with unit_of_work(engine_for(url), write=False, clock=lambda: NOW) as uow:
        for r in rows[:3]:
            alone = stats.compute_for(uow, [r.id], periods.year(2026))
            assert (alone.intake, alone.concluded, alone.intervals) == (
                r.figures.intake, r.figures.concluded, r.figures.intervals), r.id


def main() -> None:
    n, k = _sizes()
    with tempfile.TemporaryDirectory(prefix="bench-district-") as tmp:
        keep = os.environ.get("BENCH_STATS_KEEP")
        path = str(Path(keep or tmp) / f"district-{n}-{k}.db")
        t = time.perf_counter()
        if not (keep and Path(path).exists()):
            generate("sqlite:///" + path + ".part", n)
            spread(path + ".part", k)
            Path(path + ".part").rename(path)
            made = f"generated in {time.perf_counter() - t:.1f}s"
        else:
            made = "reused"
        url = "sqlite:///" + path
        ours, result = time_district(url)
        check(url, result)
        raw = time_raw(path)
        print(f"{n:>9,} cases over {k} committees ({made})")
        print(f"  stats --district --year {ours:8.3f}s   six counts per committee (one scan)"
              f" {raw:8.3f}s   ratio {ours / raw:5.2f}x (issue 18 target for stats: <= 2x)")


if __name__ == "__main__":
    main()

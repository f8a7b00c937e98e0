"""The bulk import on PostgreSQL against raw psycopg, in the same run (issue 18).

Ours: ``mediation case import``'s service (``bulk.import_cases``, --force) of N cases into a
fresh database, the search index's statistics settled at the end as the import does. Raw: the
rows our import wrote to ``cases``, ``party`` and ``event`` (every column: ID hashes, birth
dates, the events' changes and hashes), read back from our database before the raw load is
timed, inserted into a second fresh database of the same schema in one transaction, with
psycopg's ``executemany`` and, separately, with ``COPY``. As on SQLite (bench_storage), the
raw side writes no search index: that is part of what ours costs. The two imports alternate
(ours, raw, ours, raw) so that both see the same load. ``MEDIATION_BENCH_IMPORT_N`` (default
20,000 here), ``MEDIATION_BENCH_PG`` as bench_storage.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from bench.bench_storage import _pg_database, _setup, _timed, write_jsonl

IMPORT_N = int(os.environ.get("MEDIATION_BENCH_IMPORT_N", "20000"))
ROUNDS = 2
TABLES = ("cases", "party", "event")
Rows = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


def _dsn(url: str) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return (f"host={u.host} port={u.port or 5432} dbname={u.database} user={u.username}"
            + (f" password={u.password}" if u.password else ""))


def _read_back(url: str) -> Rows:
    import psycopg

    out: Rows = {}
    with psycopg.connect(_dsn(url)) as conn:
        for table in TABLES:
            where = " WHERE case_id IS NOT NULL" if table == "event" else ""
            order = "seq" if table == "event" else "id"
            cur = conn.execute(f"SELECT * FROM {table}{where} ORDER BY {order}")
            out[table] = ([d.name for d in cur.description or []], cur.fetchall())
    return out


def _raw(url: str, rows: Rows, copy: bool) -> None:
    import psycopg

    with psycopg.connect(_dsn(url)) as conn, conn.transaction():
        with conn.cursor() as cur:
            for table in TABLES:
                columns, data = rows[table]
                names = ", ".join(columns)
                if copy:
                    with cur.copy(f"COPY {table} ({names}) FROM STDIN") as cp:
                        for row in data:
                            cp.write_row(row)
                else:
                    cur.executemany(f"INSERT INTO {table} ({names}) VALUES "
                                    f"({', '.join(['%s'] * len(columns))})", data)
            columns, data = rows["event"]
            cur.execute("UPDATE log_head SET seq = %s, hash = %s",
                        (data[-1][columns.index("seq")], data[-1][columns.index("hash")]))


def _ours(src: Path) -> tuple[float, Rows | None]:
    from mediation import bulk

    with _pg_database() as url:
        if url is None:
            return 0.0, None
        engine = _setup(url)
        took = _timed(lambda: bulk.import_cases(engine, "wangfang", src, force=True))
        engine.dispose()
        return took, _read_back(url)


def _raw_timed(rows: Rows, copy: bool) -> float:
    with _pg_database() as url:
        assert url is not None
        _setup(url).dispose()
        return _timed(lambda: _raw(url, rows, copy))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "cases.jsonl"
        write_jsonl(src, IMPORT_N)
        for _ in range(ROUNDS):
            ours, rows = _ours(src)
            if rows is None:
                return
            many = _raw_timed(rows, copy=False)
            copy = _raw_timed(rows, copy=True)
            print(f"   bulk import of {IMPORT_N:,} cases on PostgreSQL: ours {ours:.1f} s "
                  f"({IMPORT_N / ours:,.0f}/s), raw executemany {many:.1f} s: {many / ours:.0%} "
                  f"of raw speed (target >= 25%); raw COPY {copy:.1f} s: {copy / ours:.0%}")


if __name__ == "__main__":
    main()

"""Hypothesis: the duplicate check at intake is no oracle (issue 11).

A mediator (zhaomin) asks ``case new`` about a case they may not read (case 1: accepted and
assigned to liming). Each example builds one record in two variants that differ only in whether
they match case 1 (its applicant's ID number, or its parties' names and category) or nothing,
with the same random defect or none:

- with a defect, both variants fail identically: the same exit code, the same output, and not a
  row of the database changes (every input is validated before the duplicate check);
- without one, the miss is registered, and the hit is refused with exit 1 and nothing but the
  notice "a probable duplicate exists in this committee; the director can see it": no number,
  state, name or date of case 1; the hit is recorded as one ``duplicate_hit`` event and nothing
  else is written.

The bulk path is checked alike: an invalid file says nothing about the database.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.bench_storage import person
from mediation import steps
from mediation.committee import resolve_actor
from mediation.core.identity import gb11643_check_char
from mediation.db.engines import database_url, engine_for
from mediation.db.storage import UnitOfWork
from tests.access_world import build, case_record, release

NOTICE = "May duplicate a case only the director sees; check, or add --force (recorded)."
NOTICE_ZH = "疑似与一件仅主任可见的案件重复；核实后可加 --force 登记（将被记录）"
HIDDEN_CASE = case_record()  # case 1 of the world
_fresh = itertools.count(1)
HEAD = "log_head"  # the event log's head row changes with every event

# A defect applied alike to both variants (None: a valid record).
DEFECTS: dict[str, Callable[[dict[str, Any]], None] | None] = {
    "none": None,
    "amount too large": lambda r: r.update(amount=10**15),
    "negative amount": lambda r: r.update(amount=-5),
    "unknown category": lambda r: r.update(category="98"),
    "no summary": lambda r: r.pop("summary"),
    "unknown field": lambda r: r.update(surprise=1),
    "bad phone": lambda r: r["parties"][1].update(phone="12345"),
    "bad sex": lambda r: r["parties"][1].update(sex="x"),
    "bad date": lambda r: r.update(discovered_at="2026-13-40"),
    "no parties": lambda r: r.update(parties=[]),
}


def _id(n: int) -> str:
    """A valid resident ID number of a man (odd sequence digit), different for each ``n``."""
    born = date(1960, 1, 1) + timedelta(days=n)
    first17 = f"430104{born:%Y%m%d}{(n % 500) * 2 + 1:03d}"
    return first17 + gb11643_check_char(first17)


def _record(kind: str, defect: str) -> dict[str, Any]:
    """``kind``: miss, hit-id (case 1's applicant's ID number), hit-names (its names and
    category). Names and numbers are new for every call, so a miss matches nothing."""
    n = next(_fresh)
    record = case_record()
    record["summary"] = f"第{n}起纠纷。"
    a, b = record["parties"]
    a.update(name=person("欧阳", n), id_number=_id(2 * n), phone=f"137{n:08d}")
    b.update(name=person("司马", n), id_number=_id(2 * n + 1), phone=f"136{n:08d}",
             sex="male")  # as the number says (a sex it contradicts is refused: issue 14)
    if kind == "hit-id":
        a["id_number"] = HIDDEN_CASE["parties"][0]["id_number"]
    elif kind == "hit-names":
        a["name"], b["name"] = (p["name"] for p in HIDDEN_CASE["parties"])
    fault = DEFECTS[defect]
    if fault is not None:
        fault(record)
    return record


@pytest.fixture
def backend() -> str:
    """The CLI runs on the world's own SQLite file: one backend is enough."""
    return "sqlite"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Case 1 accepted (liming's): the mediator zhaomin may not read it."""
    db = tmp_path_factory.mktemp("oracle") / "cli.db"
    build(db)
    with UnitOfWork(engine_for(database_url(str(db)))) as uow:
        steps.accept(uow, resolve_actor(uow, "wangfang"), 1)
        uow.commit()
    release(db)
    return db


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        rows = {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in tables}
    conn.close()
    return rows


def _new(cli: Callable[..., Any], db: Path, folder: Path, record: dict[str, Any], lang: str
         ) -> tuple[int, str, str, dict[str, int]]:
    """``case new`` as zhaomin: exit code, stdout, stderr, and how many rows each table
    gained (the event log's new actions as ``event:ACTION``)."""
    path = folder / "case.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    before = _rows(db)
    result = cli("--lang", lang, "case", "new", "-f", str(path),
                 env={"MEDIATION_USER": "zhaomin", "MEDIATION_DB": str(db)})
    release(db)
    after = _rows(db)
    gained = {t: len(after[t]) - len(before.get(t, [])) for t in after
              if after[t] != before.get(t, [])}
    with sqlite3.connect(db) as conn:
        new_events = conn.execute("SELECT action FROM event ORDER BY seq DESC LIMIT ?",
                                  (gained.get("event", 0),)).fetchall()
    conn.close()
    for (action,) in new_events:
        gained[f"event:{action}"] = gained.get(f"event:{action}", 0) + 1
    return result.code, result.out, result.err, gained


@given(hit=st.sampled_from(["hit-id", "hit-names"]), defect=st.sampled_from(sorted(DEFECTS)),
       lang=st.sampled_from(["en", "zh"]))
def test_a_duplicate_hit_tells_only_the_notice(cli: Callable[..., Any], world: Path,
                                                tmp_path: Path, hit: str, defect: str,
                                                lang: str) -> None:
    miss_code, miss_out, miss_err, miss_gained = _new(cli, world, tmp_path,
                                                      _record("miss", defect), lang)
    hit_code, hit_out, hit_err, hit_gained = _new(cli, world, tmp_path, _record(hit, defect),
                                                  lang)
    if defect != "none":
        # Refused alike, before any duplicate check; nothing written either way.
        assert (hit_code, hit_out, hit_err) == (miss_code, miss_out, miss_err), defect
        assert hit_code in (1, 2)
        assert hit_gained == miss_gained == {}
        return
    assert miss_code == 0 and miss_gained["cases"] == 1, miss_err
    assert hit_code == 1 and hit_out == ""
    notice = NOTICE if lang == "en" else NOTICE_ZH
    assert notice in hit_err
    assert len(hit_err.strip().splitlines()) == 1, hit_err  # the notice line and nothing else
    for secret in ("人调字", "430104198003120014", *(p["name"] for p in HIDDEN_CASE["parties"])):
        assert secret not in hit_err
    # The hit is on the record, and nothing else was written.
    assert hit_gained == {"event": 1, "event:duplicate_hit": 1, HEAD: 0}, hit_gained


def _import(cli: Callable[..., Any], db: Path, folder: Path, lines: list[dict[str, Any]]
            ) -> tuple[int, str, str]:
    path = folder / "cases.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), "utf-8")
    result = cli("case", "import", str(path),
                 env={"MEDIATION_USER": "wangfang", "MEDIATION_DB": str(db)})
    release(db)
    return result.code, result.out, result.err


def test_an_invalid_import_file_says_nothing_about_the_database(
        cli: Callable[..., Any], world: Path, tmp_path: Path) -> None:
    bad = _record("miss", "amount too large")
    before = _rows(world)
    with_hit = _import(cli, world, tmp_path, [bad, _record("hit-id", "none")])
    with_miss = _import(cli, world, tmp_path, [bad, _record("miss", "none")])
    assert with_hit == with_miss and with_hit[0] == 1
    assert "duplicate" not in with_hit[2]
    assert _rows(world) == before
    # a valid file: the hit is named to the director (who may read it) and recorded
    code, _out, err = _import(cli, world, tmp_path, [_record("hit-id", "none")])
    assert code == 1 and "line 1: probable duplicate of (" in err
    gained = {t: len(r) - len(before[t]) for t, r in _rows(world).items() if r != before[t]}
    assert gained.get("event") == 1 and "cases" not in gained

"""`mediation case import FILE.jsonl`: validated like case.json, all or nothing (unless
--skip-invalid), gapless numbers, and the 'new' events chained exactly as one by one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from bench.bench_storage import record
from mediation import intake, integrity
from mediation.cases import Case, CaseIn, Party
from mediation.db import eventlog
from mediation.db.engines import database_url, engine_for
from mediation.db.storage import UnitOfWork
from mediation.tables import Event


def _jsonl(path: Path, records: list[Any]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False))
                            + "\n" for r in records), "utf-8")
    return path


def _init(cli: Callable[..., Any]) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0


def test_import_numbers_gaplessly_and_chains_events_like_new_case(
    cli: Callable[..., Any], cli_db: str, tmp_path: Path
) -> None:
    _init(cli)
    path = _jsonl(tmp_path / "cases.jsonl", [record(i) for i in range(7)])
    r = cli("case", "import", str(path), "--batch", "3", "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert (doc["imported"], doc["batches"], doc["rejected"]) == (7, 3, [])
    assert doc["first"].endswith("第1号") and doc["last"].endswith("第7号")
    # a case registered afterwards continues the numbering
    one = tmp_path / "one.json"
    one.write_text(json.dumps(record(100), ensure_ascii=False), "utf-8")
    made = cli("case", "new", "--file", str(one), "--force", "--json")
    assert json.loads(made.out)["number"].endswith("第8号")

    engine = engine_for(database_url(cli_db))
    with UnitOfWork(engine, write=False) as uow:
        assert all(c.ok for c in integrity.check(uow))
        events = uow.session.exec(select(Event).order_by(col(Event.seq))).all()
        prev = eventlog.GENESIS
        for e in events:  # the whole chain recomputes
            assert e.prev_hash == prev
            assert eventlog.chain_hash(prev, eventlog.content_of(e)) == e.hash
            prev = e.hash
        imported = [e for e in events if e.action == "new"]
        case = uow.session.exec(select(Case).where(Case.seq == 2)).one()
        parties = uow.session.exec(select(Party).where(Party.case_id == case.id)
                                   .order_by(col(Party.position))).all()
    # Same columns and same event changes as the one-by-one intake would have written.
    expected = intake.new_event_changes(CaseIn.model_validate(record(1)), case.number)
    recorded = json.loads(imported[1].changes)
    assert set(recorded.pop("file")[1]) == {f"cases/{case.id}", *(f"party/{p.id}" for p in parties)}
    assert recorded == json.loads(eventlog.canonical_json(expected))
    assert [p.name for p in parties] == [p["name"] for p in record(1)["parties"]]
    assert parties[0].id_hash and parties[0].id_number == record(1)["parties"][0]["id_number"]
    assert case.amount_fen == record(1)["amount"] * 100 and case.state == "intake"
    for p in record(1)["parties"]:  # personal data masked in the event
        assert p["id_number"] not in imported[1].changes and p["phone"] not in imported[1].changes


def test_one_bad_record_means_nothing_is_imported(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    _init(cli)
    bad_category = {**record(1), "category": "77"}
    path = _jsonl(tmp_path / "cases.jsonl",
                  [record(0), bad_category, "{not json", record(3), {**record(4), "source": "x"}])
    r = cli("case", "import", str(path))
    assert r.code == 1
    lines = r.err.strip().splitlines()
    assert lines[0].startswith("line 2: category")
    assert lines[1].startswith("line 3: not valid JSON")
    assert lines[2].startswith("line 5: source")
    assert "3 of 5 records rejected; nothing was imported" in lines[-1]
    assert json.loads(cli("case", "list", "--json").out) == []

    r = cli("--lang", "zh", "case", "import", str(path), "--skip-invalid", "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["imported"] == 2
    assert r.err.count("已跳过：第 ") == 3
    numbers = [c["number"] for c in json.loads(cli("case", "list", "--json").out)]
    assert [n[-3:] for n in numbers] == ["第2号", "第1号"]  # newest first


def test_duplicates_by_id_number_are_rejected_unless_forced(
    cli: Callable[..., Any], tmp_path: Path
) -> None:
    _init(cli)
    first = _jsonl(tmp_path / "a.jsonl", [record(0)])
    assert cli("case", "import", str(first)).code == 0
    again = _jsonl(tmp_path / "b.jsonl", [record(1), record(0), record(1)])
    r = cli("case", "import", str(again))
    assert r.code == 1
    assert "line 2: probable duplicate of (" in r.err  # of the case already registered
    assert "line 3: probable duplicate of line 1" in r.err
    r = cli("case", "import", str(again), "--force", "--json")
    assert r.code == 0 and json.loads(r.out)["imported"] == 3


def test_import_needs_the_director(cli: Callable[..., Any], tmp_path: Path) -> None:
    _init(cli)
    assert cli("staff", "add", "liming", "--name", "李明").code == 0
    path = _jsonl(tmp_path / "cases.jsonl", [record(0)])
    r = cli("--user", "liming", "case", "import", str(path))
    assert r.code == 1 and "case.import" in r.err


def test_import_stores_what_case_new_stores(
    cli: Callable[..., Any], cli_db: str, tmp_path: Path
) -> None:
    """Every column of the case and its parties, and the event's changes, as `case new`."""
    from tests.conftest import case_record

    _init(cli)
    rich = case_record(source="court", referral_ref="（2026）湘0104民诉前调1号", amount=12.5,
                       persons_involved=4, risk_level="medium")
    rich["parties"][0].update(birth_date="1980-03-12", id_number=" 43010419800312009x")
    rich["parties"][1].update(id_number="430104201503120023", sex="female", guardian={
        "name": "王五", "relation": "父亲", "phone": "0731-8888 6666"})
    rich["parties"].append({"role": "respondent", "kind": "organisation", "name": "某某物业",
                            "id_type": "credit_code", "id_number": "91430104MA4L0XXX0D"})
    one = tmp_path / "one.json"
    one.write_text(json.dumps(rich, ensure_ascii=False), "utf-8")
    assert cli("case", "new", "--file", str(one), "--force").code == 0
    path = _jsonl(tmp_path / "cases.jsonl", [rich])
    r = cli("case", "import", str(path), "--force")
    assert r.code == 0, r.err

    engine = engine_for(database_url(cli_db))
    with UnitOfWork(engine, write=False) as uow:
        assert all(c.ok for c in integrity.check(uow))
        made, imported = uow.session.exec(select(Case).order_by(col(Case.seq))).all()
        parties = {c.id: [p.model_dump(exclude={"id", "case_id"}) for p in uow.session.exec(
            select(Party).where(Party.case_id == c.id).order_by(col(Party.position))).all()]
            for c in (made, imported)}
        events = {e.case_id: e for e in uow.session.exec(select(Event)).all()}
    skip = {"id", "seq", "number", "registered_at"}
    assert made.model_dump(exclude=skip) == imported.model_dump(exclude=skip)
    assert imported.discovered_at is not None and imported.amount_fen == 1250
    assert parties[made.id] == parties[imported.id]
    assert parties[imported.id][1]["guardian_phone"] == "0731-88886666"
    assert parties[imported.id][1]["birth_date"] is not None
    assert parties[imported.id][0]["id_number"] == "43010419800312009X"
    changes = [json.loads(events[c.id].changes) for c in (made, imported)]
    files = [c.pop("file")[1] for c in changes]  # the whole case file, keyed by row ids
    rows = [[v for k, v in sorted(f.items(), key=lambda kv: int(kv[0].split("/")[1]))
             if k.startswith("party/")] for f in files]
    assert rows[0] == rows[1] and len(rows[0]) == 3  # each party recorded as case new does
    assert {k: v for k, v in files[0][f"cases/{made.id}"].items() if k not in skip} == \
        {k: v for k, v in files[1][f"cases/{imported.id}"].items() if k not in skip}
    assert changes[1].pop("number") == [None, imported.number]
    assert changes[0].pop("number") == [None, made.number]
    assert changes[0] == changes[1] and changes[1]["amount"] == [None, "12.5"]


def test_skip_invalid_leaves_out_duplicates_across_chunks_and_workers(
    cli: Callable[..., Any], cli_db: str, tmp_path: Path, monkeypatch: Any
) -> None:
    """Validated in chunks of two lines by two worker processes: a line repeating an ID number
    of an earlier line (in another chunk) or of a registered case is left out, the rest are
    written in line order."""
    from mediation import bulk_validation

    _init(cli)
    assert cli("case", "import", str(_jsonl(tmp_path / "a.jsonl", [record(0)]))).code == 0
    monkeypatch.setattr(bulk_validation, "CHUNK", 2)
    monkeypatch.setattr(bulk_validation, "default_workers", lambda path: 2)
    lines = [record(1), record(2), record(0), "{bad", record(3), record(1), record(4)]
    r = cli("case", "import", str(_jsonl(tmp_path / "b.jsonl", lines)), "--skip-invalid",
            "--batch", "2", "--json")
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert [x["line"] for x in doc["rejected"]] == [3, 4, 6]
    assert "probable duplicate of line 1" in doc["rejected"][2]["message"]
    assert (doc["imported"], doc["batches"]) == (4, 2)
    engine = engine_for(database_url(cli_db))
    with UnitOfWork(engine, write=False) as uow:
        assert all(c.ok for c in integrity.check(uow))
        cases = uow.session.exec(select(Case).order_by(col(Case.seq))).all()
        amounts = [c.amount_fen for c in cases]
    assert amounts == [record(i)["amount"] * 100 for i in (0, 1, 2, 3, 4)]

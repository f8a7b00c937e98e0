"""The nightly export: checksums, masking, reproducibility, atomicity (also under SIGKILL)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from mediation.cases import Party
from mediation.core import periods
from mediation.core.i18n import get_language, set_language
from mediation.reporting import (
    beside,
    chart,
    export,
    export_columns,
    export_csv,
    figures,
    nightly_files,
)
from tests.property.stats_history import Built, History, build

DAY = date(2026, 6, 30)
FULL_ID = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
FULL_MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")  # not inside a hex hash
ROOT = Path(__file__).resolve().parents[2]


def _histories(n: int, seed: int = 7) -> list[History]:
    rng = random.Random(seed)
    return [History(category=rng.choice(["01", "0101", "02", "13"]),
                    source=rng.choice(["application", "grid"]), committee=0,
                    mediator=rng.randint(0, 1), start_hours=rng.randint(0, 24 * 90),
                    discovered_hours=rng.randint(0, 48),
                    amount=rng.choice([None, 500, 1200]),
                    choices=[rng.randint(0, 99) for _ in range(8)],
                    gaps=[rng.randint(1, 24 * 10) for _ in range(9)],
                    written=[rng.random() < 0.7 for _ in range(3)]) for _ in range(n)]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    folder = tmp_path_factory.mktemp("export")
    return build("sqlite:///" + str(folder / "export.db"), _histories(14))


def _run(built: Built, out: Path, **kwargs: Any) -> dict[str, Any]:
    with built.uow() as uow:
        return export.nightly(uow, built.directors[0], out, DAY, **kwargs)


def _read_all(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_manifest_rows_and_checksums(built: Built, tmp_path: Path) -> None:
    manifest = _run(built, tmp_path)
    folder = tmp_path / DAY.isoformat()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["cases.csv", "events.csv", "corrections.csv", nightly_files.columns(), "stats.json",
         "monthly-2026-06.xlsx", "trend.png", "manifest.json"])
    assert sorted(nightly_files.names(DAY)) == sorted(p.name for p in folder.iterdir())
    on_disk = json.loads((folder / "manifest.json").read_text("utf-8"))
    assert on_disk == {k: v for k, v in manifest.items() if k != "folder"}
    for name, entry in on_disk["files"].items():
        data = (folder / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    cases = (folder / "cases.csv").read_bytes()
    events = (folder / "events.csv").read_bytes()
    assert cases.startswith(b"\xef\xbb\xbf") and events.startswith(b"\xef\xbb\xbf")
    assert on_disk["rows"]["cases.csv"] == cases.count(b"\r\n") - 1 == 14
    assert on_disk["rows"]["events.csv"] == events.count(b"\r\n") - 1
    head = on_disk["log_head"]
    assert isinstance(head["seq"], int) and re.fullmatch(r"[0-9a-f]{64}", head["hash"])
    with built.uow() as uow:
        from mediation.db import eventlog

        assert (head["seq"], head["hash"]) == eventlog.head(uow.session)
    stats = json.loads((folder / "stats.json").read_text("utf-8"))
    assert stats["month_to_date"]["period"]["from"] == "2026-06-01"
    assert stats["year_to_date"]["period"]["to"] == "2026-06-30"
    assert (folder / "trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_full_id_or_phone_anywhere(built: Built, tmp_path: Path) -> None:
    _run(built, tmp_path)
    folder = tmp_path / DAY.isoformat()
    with built.uow() as uow:
        parties = uow.session.exec(select(Party)).all()
        secrets = {p.id_number for p in parties if p.id_number} | {
            p.phone for p in parties if p.phone} | {p.address for p in parties if p.address}
    assert secrets
    texts = []
    for path in folder.iterdir():
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                texts += [z.read(n).decode("utf-8") for n in z.namelist()]
        elif path.suffix in (".csv", ".json"):
            texts.append(path.read_text("utf-8-sig"))
    for text in texts:
        assert not FULL_ID.search(text.replace("\r\n", "\n")), FULL_ID.search(text)
        assert not FULL_MOBILE.search(text), FULL_MOBILE.search(text)
        for secret in secrets:
            assert secret not in text
    header = (folder / "cases.csv").read_text("utf-8-sig").splitlines()[0]
    assert not {"id_number", "phone", "address"} & set(header.split(","))
    assert "张某" in (folder / "cases.csv").read_text("utf-8-sig")


def test_second_run_is_byte_identical(built: Built, tmp_path: Path) -> None:
    _run(built, tmp_path / "a")
    first = _read_all(tmp_path / "a" / DAY.isoformat())
    _run(built, tmp_path / "a")  # over the top of the first
    _run(built, tmp_path / "b")
    assert _read_all(tmp_path / "a" / DAY.isoformat()) == first
    assert _read_all(tmp_path / "b" / DAY.isoformat()) == first
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == [DAY.isoformat()]


def test_failure_midway_leaves_nothing_complete_looking(built: Built, tmp_path: Path) -> None:
    def boom(stage: str, done: int, total: int | None) -> None:
        if stage == "events.csv" and done > 0:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        _run(built, tmp_path, progress=boom)
    assert list(tmp_path.iterdir()) == []
    # An earlier complete export of the same day survives a failed re-run untouched.
    _run(built, tmp_path)
    before = _read_all(tmp_path / DAY.isoformat())
    with pytest.raises(RuntimeError):
        _run(built, tmp_path, progress=boom)
    assert sorted(p.name for p in tmp_path.iterdir()) == [DAY.isoformat()]
    assert _read_all(tmp_path / DAY.isoformat()) == before


@pytest.mark.parametrize("fork", [True, False])
def test_sheet_and_chart_beside_the_csvs_are_the_same_bytes(
        built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool) -> None:
    """Made in a forked process while the CSVs stream, or here: the same folder, byte for byte
    (the forked one is the default on two cores)."""
    _run(built, tmp_path / "default")
    monkeypatch.setattr(beside, "forks", lambda: fork)
    _run(built, tmp_path / "forced")
    assert (_read_all(tmp_path / "forced" / DAY.isoformat())
            == _read_all(tmp_path / "default" / DAY.isoformat()))


@pytest.mark.parametrize("fork", [True, False])
def test_a_failing_chart_fails_the_export_and_leaves_nothing(
        built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fork: bool) -> None:
    def no_ink(_groups: Any) -> bytes:
        raise ValueError("no ink")

    monkeypatch.setattr(beside, "forks", lambda: fork)
    monkeypatch.setattr(chart, "trend_png", no_ink)
    with pytest.raises(ValueError, match="no ink"):
        _run(built, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_figures_are_read_in_the_state_the_csvs_are(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The forked child reads the database after a case was registered (its read held back a
    second): it finds another log head, so the figures are made in the export's own transaction
    and stats.json counts exactly what cases.csv holds, not the new case."""
    from mediation import intake
    from mediation.db.storage import unit_of_work as held
    from tests.conftest import case_record

    b = build("sqlite:///" + str(tmp_path / "r.db"), _histories(3))
    _run(b, tmp_path / "before")
    monkeypatch.setattr(beside, "forks", lambda: True)

    def late(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.0)  # (in the child: the parent does not call it)
        return held(*args, **kwargs)

    def register(stage: str, done: int, total: int | None) -> None:
        if stage == "cases.csv" and done == 0:
            b.clock.now = datetime(2026, 6, 1, 4, 0)
            with b.uow(write=True) as uow:
                intake.new_case(uow, b.directors[0],
                                intake.parse_case(case_record(), origin="test"), force=True)
                uow.commit()

    monkeypatch.setattr("mediation.reporting.export.unit_of_work", late)
    _run(b, tmp_path / "during", progress=register)
    monkeypatch.undo()
    _run(b, tmp_path / "after")
    before, during, after = (_read_all(tmp_path / t / DAY.isoformat())
                             for t in ("before", "during", "after"))
    assert during == before
    stats = [json.loads(f["stats.json"])["year_to_date"]["intake"] for f in (during, after)]
    assert stats[1] == stats[0] + 1


KILLED = """
import sys, time
from pathlib import Path
from typing import Any
from datetime import date, datetime, timedelta
from mediation import committee
from mediation.reporting import export
from mediation.db.engines import engine_for
from mediation.db.storage import unit_of_work

def stall(stage, done, total):
    if stage == "events.csv" and done > 0:
        Path(sys.argv[3]).write_text("writing")
        time.sleep(60)

with unit_of_work(engine_for(sys.argv[1]), write=False) as uow:
    actor = committee.resolve_actor(uow, "wangfang")
    export.nightly(uow, actor, Path(sys.argv[2]), date(2026, 6, 30), progress=stall)
"""


def test_sigkill_midway_leaves_no_complete_looking_folder(built: Built, tmp_path: Path) -> None:
    out, marker = tmp_path / "out", tmp_path / "marker"
    proc = subprocess.Popen([sys.executable, "-c", KILLED, built.url, str(out), str(marker)],
                            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        for _ in range(600):
            if marker.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), "the exporter did not reach the events"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    names = [p.name for p in out.iterdir()]
    assert DAY.isoformat() not in names
    assert all(n.startswith(".") for n in names)  # only the hidden partial folder
    _run(built, out)  # the next run completes and sweeps the dead run's partial folder
    assert sorted(p.name for p in out.iterdir()) == [DAY.isoformat()]
    assert (out / DAY.isoformat() / "manifest.json").exists()


@pytest.mark.parametrize("font", [None, "DejaVu Sans"])
def test_trend_chart_falls_back_without_warnings(monkeypatch: pytest.MonkeyPatch,
                                                 font: str | None,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """No CJK font: English labels; a font without the glyphs: still no warning spam."""
    import warnings


    monkeypatch.setattr(chart, "cjk_font", lambda: font)
    months = [figures.empty(m.label) for m in periods.last_months(DAY, 12)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart.trend_png(months)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png == chart.trend_png(months)
    assert caught == []
    assert capsys.readouterr().err == ""


def test_party_columns_follow_position_not_insertion(tmp_path: Path) -> None:
    """Several parties of one role, stored out of order: masked, joined in position order."""
    import csv

    from mediation.core.identity import mask_name

    b = build("sqlite:///" + str(tmp_path / "parties.db"), _histories(4, seed=3))
    with b.uow(write=True) as uow:
        first = uow.session.exec(select(Party).order_by(col(Party.case_id), col(Party.id))).first()
        assert first is not None
        case_id = first.case_id
        for party in uow.session.exec(select(Party).where(Party.case_id == case_id)).all():
            party.position += 2  # the existing parties move behind the ones added now
        uow.session.add(Party(case_id=case_id, position=1, role="applicant", kind="person",
                              name="欧阳娜娜"))
        uow.session.add(Party(case_id=case_id, position=0, role="respondent", kind="person",
                              name="Smith"))
        uow.commit()
    with b.uow() as uow:
        export.nightly(uow, b.directors[0], tmp_path / "out", DAY)
        parties = uow.session.exec(select(Party).order_by(col(Party.position))).all()
        numbers: dict[str, int] = dict(uow.session.connection().exec_driver_sql(
            "SELECT number, id FROM cases").all())
    text = (tmp_path / "out" / DAY.isoformat() / "cases.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == 4
    for row in rows:
        cid = numbers[row["number"]]
        for role, column in (("applicant", "applicants"), ("respondent", "respondents")):
            want = "、".join(mask_name(p.name) or "" for p in parties
                            if p.case_id == cid and p.role == role)
            assert row[column] == want, (cid, role)
    changed = next(r for r in rows if numbers[r["number"]] == case_id)
    assert changed["applicants"] == "欧阳某、张某" and changed["respondents"] == "S***、李某"


def test_a_case_missing_from_the_case_stream_leaves_later_cases_their_names(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cases and their parties are two statements; a case only the party stream holds
    (registered between the two reads) must not leave every later case without its names."""
    import csv

    b = build("sqlite:///" + str(tmp_path / "gap.db"), _histories(4, seed=3))
    with b.uow() as uow:
        ids = sorted(uow.session.connection().exec_driver_sql("SELECT id FROM cases").scalars())
    hidden = ids[1]
    real = export_csv._batches

    def without_hidden_case(conn: Any, stmt: Any) -> Any:
        for batch in real(conn, stmt):
            yield [r for r in batch if len(r) == 3 or r[0] != hidden]  # case rows only

    monkeypatch.setattr(export_csv, "_batches", without_hidden_case)
    with b.uow() as uow:
        export.nightly(uow, b.directors[0], tmp_path / "out", DAY)
    text = (tmp_path / "out" / DAY.isoformat() / "cases.csv").read_text("utf-8-sig")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == 3
    assert all(row["applicants"] and row["respondents"] for row in rows), rows


@pytest.mark.parametrize("stored", [
    "2026-06-30 15:59:59.999999", "2026-06-30 15:59:59", "2026-06-30T07:08:09",
    "2026-06-30 07:08:09.5", "2026-06-30T07:08:09+08:00", None])
def test_iso_timestamps_match_strftime_on_sqlite(stored: str | None) -> None:
    """The text-cutting fast path gives what SQLite's strftime gives, whatever the shape."""
    from sqlalchemy import create_engine, func, literal
    from sqlalchemy import select as core_select

    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        value = literal(stored)
        fast, slow = conn.execute(core_select(
            export_csv._iso(conn, value), func.strftime("%Y-%m-%dT%H:%M:%SZ", value))).one()
    assert fast == slow


@pytest.mark.parametrize("day", [date(2026, 12, 30), date(2026, 6, 30), date(2027, 1, 1)])
def test_year_and_trend_equal_their_own_computations(built: Built, day: date) -> None:
    """In December one computation by month serves the year to date and the 12 months: the
    figures are exactly those of the two separate computations (other months: two anyway)."""
    from mediation.core.clock import start_of_local_day_utc
    from mediation.reporting import stats

    end = start_of_local_day_utc(day + timedelta(days=1))
    actor = built.directors[0]
    with built.uow() as uow:
        ytd, trend = export._year_and_trend(uow, actor, day, end)
        want_ytd = stats.compute(uow, actor, periods.year_to_date(day), as_of=end)
        months = periods.last_months(day, 12)
        want_trend = figures.monthly_series(stats.compute(
            uow, actor, periods.date_range(months[0].start, day), "month", as_of=end), months)
    assert figures.to_json(ytd) == figures.to_json(want_ytd)
    assert trend == want_trend
    assert any(m.intake for m in trend) or day.year == 2027


def test_cases_csv_shows_the_committees_province_numbering_when_loaded(tmp_path: Path) -> None:
    """Issue 15: the codes are this program's; the export maps them by name to the numbering
    the committee loaded from data/numbering/ (province_code, beside the category's name), and
    leaves the column empty while it loaded none."""
    import csv

    from mediation import procedure
    from mediation.core import categories

    b = build("sqlite:///" + str(tmp_path / "numbering.db"), _histories(4, seed=5))
    table = categories.numbering("example")

    def rows(out: str) -> tuple[list[dict[str, str]], dict[str, Any]]:
        with b.uow() as uow:
            manifest = export.nightly(uow, b.directors[0], tmp_path / out, DAY)
        text = (tmp_path / out / DAY.isoformat() / "cases.csv").read_text("utf-8-sig")
        return list(csv.DictReader(text.splitlines())), manifest

    plain, manifest = rows("plain")
    assert manifest["numbering"] is None
    assert all(r["province_code"] == "" for r in plain)
    for r in plain:
        cat = categories.get(r["reporting_category"])
        assert cat is not None and r["reporting_category_name"] == cat.zh
    with b.uow(write=True) as uow:
        procedure.set_procedure(uow, b.directors[0], numbering="example")
        uow.commit()
    loaded, manifest = rows("loaded")
    assert manifest["numbering"] == "example"
    for r in loaded:
        assert r["province_code"] == table[r["reporting_category"]], r
        assert r["category"] in [p["category"] for p in plain]  # the program's codes stay


def test_cases_csv_ends_with_the_first_feedback(built: Built, tmp_path: Path) -> None:
    """Issue 15: cases.csv's new last column ``fed_back_at`` is when the first feedback to the
    referring body was recorded (the first ``feedback`` event's ``at`` in events.csv), empty
    before one; the columns before it keep their places."""
    import csv

    _run(built, tmp_path)
    folder = tmp_path / DAY.isoformat()
    cases = list(csv.reader((folder / "cases.csv").read_text("utf-8-sig").splitlines()))
    assert tuple(cases[0]) == export_csv.CASE_COLUMNS
    assert cases[0][-2:] == ["province_code", "fed_back_at"]
    assert cases[0].index("withdrawn_at") == 19
    events = csv.DictReader((folder / "events.csv").read_text("utf-8-sig").splitlines())
    first: dict[str, str] = {}
    for e in events:
        if e["action"] == "feedback":
            first.setdefault(e["case"], e["at"])
    assert first, "the histories hold some feedback"
    for row in cases[1:]:
        assert row[-1] == first.get(row[0], ""), row


@pytest.mark.parametrize(("lang", "file", "header"), [
    ("zh", "字段说明.csv", "文件,列（代码）,中文名,英文名,含义,可选值（代码及中文名）"),
    ("en", "columns.csv", "file,column (code),Chinese name,English name,meaning,"
                          "values (code and Chinese name)")])
def test_the_csvs_keep_their_codes_and_a_dictionary_in_the_language_names_them(
        built: Built, tmp_path: Path, lang: str, file: str, header: str) -> None:
    """Issue 14: the CSVs are the Bureau's machine contract (code headers, coded values) under
    every language; beside them, in the export's language, the column dictionary: one row per
    column of each CSV, in its header's order, with the Chinese name of each value. Owner-only,
    in the manifest, in the help's list of files, no case data."""
    was = get_language()
    set_language(lang)
    try:
        manifest = _run(built, tmp_path / lang)
        listed = nightly_files.names(DAY)
    finally:
        set_language(was)
    folder = tmp_path / lang / DAY.isoformat()
    assert manifest["columns"] == file and file in manifest["files"] and file in listed
    assert (folder / file).stat().st_mode & 0o777 == 0o600
    data = (folder / file).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert ",".join(rows[0]) == header
    for name in (nightly_files.CASES, nightly_files.EVENTS, nightly_files.CORRECTIONS):
        head = next(csv.reader(io.StringIO((folder / name).read_text("utf-8-sig"))))
        described = [r[1] for r in rows[1:] if r[0] == name]
        assert described == head, name  # every column, in the header's order
    by = {(r[0], r[1]): r for r in rows[1:]}
    assert by[("cases.csv", "state")][2:4] == ["状态", "state"]
    assert "accepted 已受理" in by[("cases.csv", "state")][5]
    assert "02 邻里纠纷" in by[("cases.csv", "category")][5]
    assert "late_entry 补录" in by[("corrections.csv", "kind")][5]
    assert all(r[2] and r[3] and r[4] for r in rows[1:])  # a name in each language, a meaning
    if lang == "zh":  # the meanings in Chinese
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in r[4]) for r in rows[1:])
    with built.uow() as uow:  # no case data: no party's name, masked or not
        names = {p.name for p in uow.session.exec(select(Party)).all()}
    text = data.decode("utf-8-sig")
    assert not [n for n in names if n in text]
    assert rows == [list(r) for r in export_columns.rows(lang)]

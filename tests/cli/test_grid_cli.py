"""Sweeps (排查) and grid leads end to end, in both languages (docs/grid.md)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from tests.conftest import Result

_LATIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")


def _setup(cli: Callable[..., Result], lang: str) -> None:
    r = cli("--lang", lang, "init", "--no-login", "--committee", "龙王港社区人民调解委员会",
            "--prefix", "龙", "--director-name", "王芳")
    assert r.code == 0, r.err
    r = cli("--lang", lang, "staff", "add", "liming", "--name", "李明", "--role", "mediator")
    assert r.code == 0, r.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_sweeps_recorded_listed_and_counted(cli: Callable[..., Result], lang: str,
                                            backend: str) -> None:
    _setup(cli, lang)
    r = cli("--lang", lang, "sweep", "record", "--area", "桐梓坡小区", "--by", "李明、网格员王强",
            "--found", "0", "--date", "2026-11-02")
    assert r.code == 0, r.err
    assert ("零报告" if lang == "zh" else "zero report") in r.out
    r = cli("--lang", lang, "sweep", "record", "--area", "第３网格", "--by", "李明",
            "--found", "２", "--date", "2026年11月3日", "--note", "住户13812345678反映噪音",
            env={"MEDIATION_USER": "liming"})
    assert r.code == 0, r.err
    rows = json.loads(cli("sweep", "list", "--json", env={"MEDIATION_USER": "wangfang"}).out)
    assert [(s["date"], s["disputes_found"], s["zero_report"]) for s in rows] == [
        ("2026-11-03", 2, False), ("2026-11-02", 0, True)]
    assert rows[0]["area"] == "第３网格" or rows[0]["area"] == "第3网格"
    assert "13812345678" not in json.dumps(rows, ensure_ascii=False)
    assert "138****5678" in rows[0]["note"]
    assert [s["id"] for s in json.loads(cli("sweep", "list", "--zero", "--json").out)] == [1]
    shown = cli("--lang", lang, "sweep", "list")
    assert shown.code == 0 and "桐梓坡小区" in shown.out
    assert ("零报告" if lang == "zh" else "zero report") in shown.out
    doc = json.loads(cli("stats", "--month", "2026-11", "--json").out)
    assert doc["sweeps"] == {"sweeps": 2, "zero_reports": 1, "disputes_found": 2}
    doc = json.loads(cli("stats", "--month", "2026-10", "--json").out)
    assert doc["sweeps"] == {"sweeps": 0, "zero_reports": 0, "disputes_found": 0}
    table = cli("--lang", lang, "stats", "--month", "2026-11", "--no-chart")
    assert table.code == 0 and ("排查" if lang == "zh" else "Sweeps") in table.out
    audit = cli("audit", "log", "--json")
    assert audit.code == 0, (audit.out, audit.err)
    assert "13812345678" not in audit.out
    assert sum(1 for e in json.loads(audit.out) if e["action"] == "sweep_record") == 2


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_sweeps_are_one_line_and_write_nothing(cli: Callable[..., Result], lang: str,
                                                   backend: str) -> None:
    _setup(cli, lang)
    for args, code in ((("--area", " ", "--by", "李明", "--found", "0"), 1),
                       (("--area", "小区", "--by", "李明", "--found", "-1"), 2),
                       (("--area", "小区", "--by", "李明", "--found", "0", "--date",
                         "2999-01-01"), 1),
                       (("--area", "小区", "--by", "李明", "--found", "0", "--date",
                         "昨天"), 2)):
        r = cli("--lang", lang, "sweep", "record", *args)
        assert r.code == code, (args, r.out, r.err)
        assert "Traceback" not in r.err and r.err.strip()
    assert json.loads(cli("sweep", "list", "--json").out) == []
    r = cli("--lang", lang, "sweep", "record", "--area", "小区", "--by", "李明", "--found", "0",
            env={"MEDIATION_USER": "nobody"})
    assert r.code == 1


@pytest.mark.parametrize("backend", ["sqlite"])
def test_grid_help_is_chinese_under_zh(cli: Callable[..., Result], backend: str) -> None:
    for path in (("sweep",), ("sweep", "record"), ("sweep", "list")):
        r = cli("--lang", "zh", *path, "--help")
        assert r.code == 0, r.err
        text = re.sub(r"--[a-z-]+|[A-Z]{2,}|docs/\S+|YYYY-MM-DD|MEDIATION_\w+", "", r.out)
        words = set(_LATIN_WORD.findall(text)) - {"Usage", "Options", "Commands", "help",
                                                  "mediation", "sweep", "record", "list",
                                                  "json", "zero", "Show", "this", "message",
                                                  "exit", "required"}  # click's own --help line
        assert not words, (path, words, r.out)

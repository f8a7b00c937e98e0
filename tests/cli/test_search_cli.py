"""`mediation case search` end to end: both languages, 80 columns, piped, JSON, usage errors."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from cli.lines import width
from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    return cli


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_name_of_two_characters_finds_its_case(demo: Cli, lang: str) -> None:
    found = demo("--lang", lang, "case", "search", "张三", "--json")
    assert found.code == 0, found.err
    hits = json.loads(found.out)
    assert hits and all("张三" in h["applicants"] + h["respondents"] or "张三" in h["match"]
                        for h in hits)
    assert {"number", "state", "match", "score"} <= hits[0].keys()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_table_fits_80_columns_and_a_pipe_gets_tab_separated_rows(demo: Cli,
                                                                     lang: str) -> None:
    table = demo("--lang", lang, "case", "search", "漏水", "--format", "table",
                 env={"COLUMNS": "80"})
    assert table.code == 0, table.err
    lines = table.out.splitlines()
    assert max(width(line) for line in lines) <= 80
    assert "(2026)" in table.out or "人调字" in table.out
    assert ("找到" if lang == "zh" else "found, best match first") in table.out
    piped = demo("--lang", lang, "case", "search", "漏水")  # not a terminal: TSV rows
    rows = [r.split("\t") for r in piped.out.splitlines()]
    assert rows and all(len(r) == len(rows[0]) for r in rows)
    assert any("漏水" in cell for r in rows for cell in r)
    assert "found" not in piped.out and "找到" not in piped.out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_filters_and_nothing_found(demo: Cli, lang: str) -> None:
    L = ("--lang", lang)
    none = demo(*L, "case", "search", "这几个字不会出现", "--format", "table")
    assert none.code == 0
    assert ("没有相符的案件" if lang == "zh" else "No case matches.") in none.out
    by_state = json.loads(demo(*L, "case", "search", "纠纷", "--state",
                               "调解中" if lang == "zh" else "mediating", "--json").out)
    assert all(h["state"] == "mediating" for h in by_state)
    wrong = demo(*L, "case", "search", "纠纷", "--category", "不存在的类别")
    assert wrong.code == 2 and "Traceback" not in wrong.err
    bad_date = demo(*L, "case", "search", "纠纷", "--from", "下个月")
    assert bad_date.code == 2
    empty = demo(*L, "case", "search", "  ")
    assert empty.code == 2 and ("请给出" if lang == "zh" else "give some words") in empty.err


def test_an_auditor_does_not_find_a_name_they_cannot_see(demo: Cli) -> None:
    # the demo's auditor is sunli
    as_auditor = demo("case", "search", "张三", "--json", env={"MEDIATION_USER": "sunli"})
    assert as_auditor.code == 0, as_auditor.err
    assert json.loads(as_auditor.out) == []
    masked = demo("case", "search", "张某", "--json", env={"MEDIATION_USER": "sunli"})
    assert json.loads(masked.out) and "张三" not in masked.out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_masked_role_is_told_names_are_masked(demo: Cli, lang: str) -> None:
    auditor = {"MEDIATION_USER": "sunli"}
    for fmt in ("table", "tsv", "json"):
        found = demo("--lang", lang, "case", "search", "张三", "--format", fmt, env=auditor)
        assert found.code == 0, found.err
        note = found.err.strip().splitlines()  # in a pipe, then why no case is shown
        assert len(note) == (2 if fmt == "tsv" else 1) and "张某" in note[0], note
        assert ("审计员" in note[0] and "全名" in note[0]) if lang == "zh" else \
            ("masked for your role (auditor)" in note[0])
    director = demo("--lang", lang, "case", "search", "张三", "--format", "table",
                    env={"MEDIATION_USER": "wangfang"})
    assert director.err == ""


def test_help_is_chinese_with_an_example(cli: Cli) -> None:
    helped = cli("--lang", "zh", "case", "search", "--help")
    assert helped.code == 0
    assert "查找案件" in helped.out and "mediation case search 张三" in helped.out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_dotted_name_is_found_however_its_dot_is_typed(cli: Cli, lang: str) -> None:
    """A clerk's trial (issue 14): 阿依古丽买买提 / .买买提 / •买买提 / ・买买提 found nothing."""
    from tests.conftest import case_record

    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    record = case_record()
    record["parties"][0]["name"] = "阿依古丽 • 买买提"  # stored as 阿依古丽·买买提
    assert cli("case", "new", "--file", "-", "--force", input=json.dumps(record)).code == 0
    for typed in ("阿依古丽·买买提", "阿依古丽买买提", "阿依古丽.买买提", "阿依古丽•买买提",
                  "阿依古丽・买买提", "买买提"):
        found = cli("--lang", lang, "case", "search", typed, "--format", "table",
                    env={"COLUMNS": "80"})
        assert found.code == 0, found.err
        assert "阿依古丽·买买提" in found.out, (typed, found.out)
        assert max(width(line) for line in found.out.splitlines()) <= 80

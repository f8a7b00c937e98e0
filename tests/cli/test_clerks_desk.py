"""The clerk's desk: values typed as names, lists that fit and page, cases by short form,
--version, and read commands that never create a database. Both languages, piped and at 80
columns."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of("--cases", "40")
    return cli


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_list_is_newest_first_with_its_total_and_pages(demo: Cli, lang: str) -> None:
    L = ("--lang", lang)
    everything = json.loads(demo(*L, "case", "list", "--all", "--json").out)
    ids = [c["id"] for c in everything]
    assert ids == sorted(ids, reverse=True) and len(ids) == 49
    first = demo(*L, "case", "list", "--limit", "3", "--format", "table",
                 env={"COLUMNS": "80"})
    assert first.code == 0, first.err
    assert ("共 49 件，显示最新 3 件" if lang == "zh" else "49 in all, showing the newest 3")\
        in first.out
    second = json.loads(demo(*L, "case", "list", "--limit", "3", "--page", "2", "--json").out)
    assert [c["id"] for c in second] == ids[3:6]
    # nothing matches: one line that says so (not also "共 0 件"); in a pipe, no rows and the
    # line on standard error
    none = demo(*L, "case", "list", "--state", "withdrawn",
                "--format", "table")
    assert none.code == 0 and none.out == ("没有案件。\n" if lang == "zh" else "No cases.\n")
    piped = demo(*L, "case", "list", "--state", "withdrawn")
    assert piped.out == "" and piped.err == ("没有案件。\n" if lang == "zh" else "No cases.\n")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_table_fits_80_columns_and_a_pipe_gets_tab_separated_rows(demo: Cli,
                                                                     lang: str) -> None:
    table = demo("--lang", lang, "case", "list", "--format", "table", env={"COLUMNS": "80"})
    lines = table.out.splitlines()
    from cli.lines import width

    assert max(width(line) for line in lines) <= 80
    numbers = [c["number"] for c in json.loads(demo("case", "list", "--json").out)]
    for number in numbers:  # never split across lines
        assert sum(number in line for line in lines) == 1, number
    piped = demo("--lang", lang, "case", "list")  # standard output is not a terminal here
    rows = [line.split("\t") for line in piped.out.splitlines()]
    assert len(rows) == 49
    assert all(len(r) == len(rows[0]) for r in rows)
    assert rows[0][1] == numbers[0]
    assert ("共 49 件" if lang == "zh" else "49 in all") in piped.err
    csv = demo("--lang", lang, "case", "list", "--format", "csv", "--limit", "2").out
    assert len(csv.splitlines()) == 3


def test_values_are_typed_as_codes_or_names(demo: Cli) -> None:
    by_code = json.loads(demo("case", "list", "--state", "mediating", "--json").out)
    by_name = json.loads(demo("case", "list", "--state", "调解中", "--json").out)
    by_wide = json.loads(demo("case", "list", "--state", "ＭＥＤＩＡＴＩＮＧ", "--json").out)
    assert by_code == by_name == by_wide and by_code
    parent = json.loads(demo("case", "list", "--category", "1", "--all", "--json").out)
    named = json.loads(demo("case", "list", "--category", "婚姻家庭纠纷", "--all",
                            "--json").out)
    assert parent == named
    assert {c["category"] for c in parent} >= {"0102"}  # the parent holds its sub-categories
    assert {c["category"][:2] for c in parent} == {"01"}
    refused = demo("--lang", "zh", "case", "list", "--category", "77")
    assert refused.code == 2 and "婚姻家庭纠纷" in refused.err
    refused = demo("--lang", "zh", "case", "list", "--state", "finished")
    assert refused.code == 2 and "调解中" in refused.err


def test_a_case_by_id_full_number_or_short_form(demo: Cli) -> None:
    import re

    from mediation.core.clock import local_date, utcnow

    newest = json.loads(demo("case", "list", "--limit", "1", "--json").out)[0]
    number = newest["number"]
    year, seq = re.fullmatch(r"\((\d{4})\)龙人调字第(\d+)号", number).groups()  # type: ignore[union-attr]
    wide = number.replace("(", "（").replace(")", "）")
    refs = [str(newest["id"]), number, wide, f"〔{year}〕龙人调字第{seq}号", f"{year}龙{seq}"]
    if int(year) == local_date(utcnow()).year:
        refs.append(f"龙{seq}")
    for ref in refs:
        shown = demo("case", "show", ref, "--json")
        assert shown.code == 0, (ref, shown.err)
        assert json.loads(shown.out)["number"] == number


def test_version_and_completion_are_offered(cli: Cli) -> None:
    version = cli("--version")
    assert version.code == 0 and version.out.startswith("mediation ")
    assert "--install-completion" in cli("--help").out


def test_a_read_command_never_creates_a_database(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "x.db"
    for lang in ("zh", "en"):
        result = cli("--lang", lang, "--db", str(target), "case", "list")
        assert result.code == 1 and str(target) in result.err and "init" in result.err
        result = cli("--lang", lang, "--db", str(target), "db", "status")
        assert result.code == 1 and str(target) in result.err
    assert not target.parent.exists()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_audit_log_is_newest_first_with_its_total_and_pages(demo: Cli, lang: str) -> None:
    L = ("--lang", lang)
    everything = json.loads(demo(*L, "audit", "log", "--all", "--json").out)
    seqs = [e["seq"] for e in everything]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) > 60
    latest = json.loads(demo(*L, "audit", "log", "--limit", "3", "--json").out)
    assert [e["seq"] for e in latest] == seqs[:3]
    second = json.loads(demo(*L, "audit", "log", "--limit", "3", "--page", "2", "--json").out)
    assert [e["seq"] for e in second] == seqs[3:6]
    assert len(json.loads(demo(*L, "audit", "log", "--json").out)) == 50  # the default page
    total = format(len(seqs), ",")
    piped = demo(*L, "audit", "log", "--limit", "3")
    assert piped.code == 0, piped.err
    assert (f"共 {total} 条，显示最新 3 条" if lang == "zh"
            else f"{total} events in all, showing the newest 3") in piped.err
    # in a pipe one tab-separated row per event, its number first
    assert [line.split("\t")[0] for line in piped.out.splitlines()] == \
        [str(s) for s in seqs[:3]]
    table = demo(*L, "audit", "log", "--limit", "3", "--format", "table")
    assert table.out.index(f"#{seqs[0]} ") < table.out.index(f"#{seqs[2]} ")
    assert f"#{seqs[3]} " not in table.out
    page = demo(*L, "audit", "log", "--limit", "3", "--page", "2")
    assert ("第 2 页" if lang == "zh" else "page 2") in page.err
    whole = demo(*L, "audit", "log", "--all")
    assert (f"共 {total} 条。" if lang == "zh" else f"{total} events in all.") in whole.err

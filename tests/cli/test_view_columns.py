"""Each listing keeps what it is for at 80 columns (a clerk's trial in Chinese, issue 14: `case
list --overdue` left out the deadline and the days late, `case search 漏水` showed a snippet
without 漏水, a phone's end found nothing to show, the duplicate check left out the category,
stats named its period `2026-12 (≤12-01)` and said it twice).

Every view of cli.render.VIEWS is shown on a terminal 80 columns wide in zh and en: each of its
defining columns (priority 1) is there; piped, the rows hold every column. A search's snippet
shows the word found however narrow the column; a period has one name in each language.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli import render, tables
from cli.lines import width
from cli.search_cmds import where_found
from mediation.caselist import CaseSummary
from mediation.core import periods
from mediation.core.i18n import _, set_language
from mediation.search import Hit
from tests.conftest import Result

Cli = Callable[..., Result]
LANGS = ["zh", "en"]
# each view of VIEWS as a clerk asks for it
COMMANDS = {"list": ("case", "list"), "overdue": ("case", "list", "--overdue"),
            "search": ("case", "search", "漏水")}
HEADERS = {"id": "ID", "number": "Number", "state": "State", "parties": "Parties",
           "mediator": "Mediator", "category": "Category", "deadline": "Deadline",
           "found": "Where found"}


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    return cli


def _header(lang: str, key: str) -> str:
    set_language(lang)
    try:
        return _(HEADERS[key])
    finally:
        set_language("en")


def test_every_view_is_asked_for_here() -> None:
    assert set(COMMANDS) == set(render.VIEWS)
    assert all(set(rank) - {"found"} == set(HEADERS) - {"found"}
               for rank in render.VIEWS.values())


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("view", sorted(render.VIEWS))
def test_a_views_defining_columns_are_kept_at_80(demo: Cli, lang: str, view: str) -> None:
    shown = demo("--lang", lang, *COMMANDS[view], terminal=True, env={"COLUMNS": "80"})
    assert shown.code == 0, shown.err
    text = re.sub(r"\x1b\[[0-9;]*m", "", shown.out)
    head = text.splitlines()[0]
    for key, rank in render.VIEWS[view].items():
        if rank == 1:
            assert _header(lang, key) in head, (view, key, head)
    assert max(width(line) for line in text.splitlines()) <= 80
    piped = demo("--lang", lang, *COMMANDS[view])
    rows = [r.split("\t") for r in piped.out.splitlines()]
    assert rows and all(len(r) == len(render.VIEWS[view]) for r in rows)


@pytest.mark.parametrize("lang", LANGS)
def test_an_overdue_case_says_how_many_days_late(demo: Cli, lang: str) -> None:
    cases = json.loads(demo("case", "list", "--overdue", "--json").out)
    assert cases and all(c["days_overdue"] > 0 for c in cases)
    days = str(cases[0]["days_overdue"])
    late = re.compile(rf"overdue by {days} days|已逾期 {days} 天")
    shown = demo("--lang", lang, "case", "list", "--overdue", terminal=True,
                 env={"COLUMNS": "80"})
    assert late.search(shown.out), shown.out
    assert late.search(demo("--lang", lang, "case", "list", "--overdue").out)


@pytest.mark.parametrize("lang", LANGS)
def test_the_duplicate_check_shows_the_category_at_80(demo: Cli, lang: str,
                                                      tmp_path: object) -> None:
    shown = demo("--lang", lang, "case", "new", "--file", "data/demo/case.json",
                 terminal=True, env={"COLUMNS": "80"})
    assert shown.code == 1
    assert _header(lang, "category") in shown.err, shown.err
    assert ("邻里纠纷" if lang == "zh" else "Neighbour") in shown.err


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("terminal", [True, False])
def test_a_search_shows_what_it_found(demo: Cli, lang: str, terminal: bool) -> None:
    for word, shown in (("漏水", "漏水"), ("5678", "5678")):
        found = demo("--lang", lang, "case", "search", word, terminal=terminal,
                     env={"COLUMNS": "80"})
        assert found.code == 0, found.err
        rows = [line for line in found.out.splitlines() if "人调字" in line]
        assert rows and all(shown in row for row in rows), (word, found.out)
    ending = demo("--lang", lang, "case", "search", "5678", terminal=terminal).out
    assert ("电话尾号 5678" if lang == "zh" else "phone ending 5678") in ending


def _hit(text: str, at: int, length: int) -> Hit:
    case = CaseSummary(id=1, number="(2026)龙人调字第1号", state="closed", category="02",
                       source="application", applicants=[], respondents=[],
                       lead_mediator=None, registered_at=None, accepted_at=None,
                       deadline=None, overdue=False, version=1)
    return Hit(case, text, 1.0, at, length)


@given(st.text(st.sampled_from("张三与李四系邻居楼上漏水，维修费 ab"), min_size=0, max_size=60),
       st.text(st.sampled_from("漏水费用X"), min_size=1, max_size=3),
       st.text(st.sampled_from("因多次争吵已有推搡。cd"), min_size=0, max_size=60),
       st.integers(min_value=12, max_value=24))
def test_a_snippet_in_a_table_shows_the_word(before: str, word: str, after: str,
                                            cells: int) -> None:
    """However far into its line the word is, and however narrow the column a table gives
    the snippet (12 cells at least), the word is shown."""
    text = before + word + after
    cell = tables.shorten(where_found(_hit(text, len(before), len(word)), 24), cells, True)
    assert word in cell


@pytest.mark.parametrize(("period", "zh", "en"), [
    (periods.month(2026, 11), "2026年11月", "2026-11"),
    (periods.quarter(2026, 4), "2026年第4季度", "2026Q4"),
    (periods.year(2026), "2026年", "2026"),
    (periods.month_to_date(date(2026, 12, 1)), "2026年12月（截至12月1日）", "2026-12 (to 12-01)"),
    (periods.year_to_date(date(2026, 12, 1)), "2026年（截至12月1日）", "2026 (to 12-01)"),
    (periods.date_range(date(2026, 1, 1), date(2026, 3, 31)), "2026-01-01 至 2026-03-31",
     "2026-01-01..2026-03-31"),
])
def test_a_period_has_one_name_in_each_language(period: periods.Period, zh: str,
                                                en: str) -> None:
    assert periods.named(period, "zh") == zh
    assert periods.named(period, "en") == en


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("terminal", [True, False])
def test_stats_names_its_period_once(demo: Cli, lang: str, terminal: bool) -> None:
    doc = json.loads(demo("stats", "--json").out)["period"]
    shown = demo("--lang", lang, "stats", terminal=terminal, env={"COLUMNS": "80"})
    assert shown.code == 0, shown.err
    title = shown.out.splitlines()[0]
    assert "≤" not in shown.out
    assert doc["kind"] == "month_to_date"
    last = date.fromisoformat(doc["to"])
    to_day = (f"（截至{last.month}月{last.day}日）" if lang == "zh" else f"(to {last:%m-%d})")
    assert title.count(to_day) == 1 and doc["from"] not in title, title


@pytest.mark.parametrize("lang", LANGS)
def test_agenda_and_both_case_lists_say_the_same_days_overdue_in_one_word(demo: Cli,
                                                                          lang: str) -> None:
    """One count (the committee's calendar days after the day the deadline is shown on) and
    one word (逾期) in agenda, case list --overdue and case list, for every overdue case."""
    cases = json.loads(demo("case", "list", "--overdue", "--json").out)
    agenda = {i["number"]: i for i in json.loads(demo("agenda", "--committee", "--json").out)
              if i["kind"] == "overdue"}
    assert cases and set(agenda) == {c["number"] for c in cases}
    listed = demo("--lang", lang, "case", "list", "--all").out
    late_list = demo("--lang", lang, "case", "list", "--overdue").out
    shown = demo("--lang", lang, "agenda", "--committee", terminal=True, env={"COLUMNS": "80"}).out
    for c in cases:
        days, day = c["days_overdue"], agenda[c["number"]]["date"]
        assert -agenda[c["number"]]["days"] == days > 0
        assert c["deadline_last_day"] == day  # the period's last day, shown alike
        late = f"已逾期 {days} 天" if lang == "zh" else f"overdue by {days} days"
        assert late in late_list and late in shown
        assert f"{day}（已逾期" in late_list if lang == "zh" else f"{day} (overdue by" in late_list
        assert (f"{day} 已逾期" if lang == "zh" else f"{day} (overdue)") in listed
    for out in (listed, late_list, shown):
        assert "超期" not in out

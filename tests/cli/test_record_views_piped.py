"""Every record view in a pipe (issue 14: `case show | grep 履行期限` found nothing a script
could use): its facts ``label<TAB>value`` rows, labelled in the chosen language, then any
section of several rows as a headed block (a blank line, its title, its header row, its rows);
one renderer, cli.records. Lists stay headerless (tests/cli/test_tables_fit.py)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

import pytest

from tests.conftest import DATA, Result, Templates, prepared

Cli = Callable[..., Result]

# Every command that shows one record (not a list): (its words, its arguments)
RECORD_VIEWS = [("case show", ("1",)), ("calendar show", ()), ("procedure show", ()),
                ("retention show", ())]


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def demo(cli: Cli, cli_db: str, cli_templates: Templates) -> Cli:
    return prepared(cli, cli_db, cli_templates, "demo",
                    lambda c: None if c("demo", "--quiet").code == 0 else pytest.fail("demo"))


def test_every_show_command_is_a_record_view_here() -> None:
    sys.path.insert(0, str(DATA.parent / "tools"))
    import clidoc

    shows = {p.removeprefix("mediation ") for p, _ in clidoc.commands() if p.endswith(" show")}
    assert shows == {words for words, _args in RECORD_VIEWS}


def parsed(text: str) -> tuple[list[list[str]], list[list[str]]]:
    """A piped record: its fact rows, then the lines of its blocks (split at tabs)."""
    facts, _blank, rest = text.partition("\n\n")
    return ([line.split("\t") for line in facts.splitlines()],
            [line.split("\t") for line in rest.splitlines()])


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("words", "args"), RECORD_VIEWS, ids=[w for w, _a in RECORD_VIEWS])
def test_a_piped_record_is_labelled_rows(demo: Cli, lang: str, words: str,
                                         args: tuple[str, ...]) -> None:
    done = demo("--lang", lang, *words.split(), *args)
    assert done.code == 0, done.err
    facts, blocks = parsed(done.out)
    assert len(facts) >= 3
    for row in facts:  # label<TAB>value: two cells, both there
        assert len(row) == 2 and row[0].strip() and row[1].strip(), row
        if lang == "zh":
            assert not re.search("[A-Za-z]", row[0]), row  # the labels in Chinese
    assert len({label for label, _v in facts}) == len(facts), facts  # each names one field
    if blocks:  # a headed block: its title, its header row, rows as wide as the header
        title, header, *rows = blocks
        assert len(title) == 1 and len(header) > 2 and rows
        assert all(len(r) == len(header) for r in rows)
        if lang == "zh":
            assert not re.search("[A-Za-z]", "".join(title + header))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_case_show_piped_names_each_field(demo: Cli, lang: str) -> None:
    """grep finds the due date, the mediator, each party by its column's name, and tells the
    case's amount from the agreement's."""
    zh = lang == "zh"
    out = demo("--lang", lang, "case", "show", "1").out
    facts, blocks = parsed(out)
    labelled = {label: value for label, value in facts}
    assert labelled["履行期限" if zh else "Due"] == "2026-12-31"
    assert labelled["主持调解员" if zh else "Lead mediator"] == "李明"
    assert labelled["案号" if zh else "Number"] == "(2026)龙人调字第1号"
    title, header, *rows = blocks
    assert title == ["当事人" if zh else "Parties"]
    parties = [dict(zip(header, r, strict=True)) for r in rows]
    assert [p["姓名" if zh else "Name"] for p in parties] == ["张三", "李四"]
    assert [line for line in out.splitlines() if ("履行期限" if zh else "Due") in line] == \
        ["履行期限\t2026-12-31" if zh else "Due\t2026-12-31"]
    # the case's amount and the agreement's are told apart (issue 14, a clerk's trial)
    assert [line for line in out.splitlines() if line.split("\t")[0].endswith(
        "金额（元）" if zh else "mount (yuan)")] == (
        ["涉及金额（元）\t500.00", "协议金额（元）\t500.00"] if zh else
        ["Amount (yuan)\t500.00", "Agreement's amount (yuan)\t500.00"])

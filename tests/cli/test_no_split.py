"""No value is ever split across lines (issue 14, the 80-column trial): every table, timeline
and case file of the demo database, under zh and en, at 60, 80 and 100 columns.

On a terminal no line is wider than the terminal and no identifier, name, state, date or amount
is broken across two lines (at a line's end, or folded inside a table cell); in a pipe nothing
is wrapped at all: the output is the same whatever the width. The identifiers are taken from
the database itself (the lists, the case files and the event log as JSON and as tab-separated
rows), so a new view or a new value is checked without naming it here.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable

import pytest

from cli.lines import width
from mediation.core import vocab
from mediation.core.i18n import name, set_language
from tests.cli.test_tables_fit import TABLES
from tests.conftest import Result

Cli = Callable[..., Result]
WIDTHS = (60, 80, 100)
_STYLE = re.compile(r"\x1b\[[0-9;]*m")
_VALUES = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?|\d{1,3}(?:,\d{3})*\.\d{2}|"
                     r"\d{3}\*+\d{2,4}|\(\d{4}\)\S+?号")


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    assert cli("sweep", "record", "--area", "桐梓坡路社区第三网格（含商铺和沿街门面）",
               "--by", "李明、网格员王强", "--found", "3", "--note",
               "沿街商铺噪音与占道经营问题较多，已登记并转交有关部门处理").code == 0
    assert cli("lead", "report", "--place", "桐梓坡路8栋", "--seen",
               "楼上漏水，两户因维修费用分担问题多次争吵，已有推搡", "--risk", "medium",
               "--cell", "龙王港-03", "--parties", "张三、李四").code == 0
    return cli


def _commands(demo: Cli) -> list[tuple[str, ...]]:
    ids = [str(c["id"]) for c in json.loads(demo("case", "list", "--all", "--json").out)]
    shown: list[tuple[str, ...]] = [tuple(c) for c in TABLES]
    shown += [("audit", "log", "--all"), ("agenda", "--committee"), ("workflow", "diagram")]
    for i in ids:
        shown += [("case", "show", i), ("case", "history", i), ("audit", "case", i)]
    return shown


def _identifiers(demo: Cli, lang: str, commands: list[tuple[str, ...]]) -> set[str]:
    """What must never be split: the short cells of every tab-separated row, the names of the
    vocabularies, and the dates, amounts, masked numbers and case numbers in any output."""
    found: set[str] = set()
    for command in commands:
        piped = demo("--lang", lang, *command)  # rows of cells (lists, logs, a case file)
        for line in piped.out.splitlines():
            for cell in line.split("\t") if "\t" in line else ():
                cell = cell.strip()
                if 2 <= len(cell) and width(cell) <= 24 and not cell.isdigit() and " " not in cell:
                    found.add(cell)
            found.update(_VALUES.findall(line))
    set_language(lang)
    try:
        for kind, enum in (("state", vocab.State), ("role", vocab.Role),
                           ("party", vocab.PartyRole), ("source", vocab.Source)):
            found.update(name(kind, v.value) for v in enum)
    finally:
        set_language("en")
    return {f for f in found if len(f) >= 2}


def _at_column(line: str, col: int) -> str:
    """What ``line`` shows from display column ``col`` on."""
    at = 0
    for i, ch in enumerate(line):
        if at == col:
            return line[i:]
        at += width(ch)
    return ""


def _heads(identifiers: set[str]) -> dict[str, list[tuple[str, str]]]:
    """Every way to split each identifier: head → [(identifier, tail)]."""
    heads: dict[str, list[tuple[str, str]]] = {}
    for x in identifiers:
        for k in range(1, len(x)):
            head, tail = x[:k].rstrip(), x[k:].lstrip()
            if head and tail:
                heads.setdefault(head, []).append((x, tail))
    return heads


_CELL = re.compile(r"(?:^|(?<=  ))[^ ]+(?= |$)")


def splits(text: str, identifiers: set[str], cells: int) -> list[tuple[str, str, str]]:
    """Each identifier broken across two lines of a ``cells``-wide screen: its head ending a
    line too full for the tail and the tail starting the next, or its head a whole cell and
    the tail the cell below at the same column (a table folding a cell)."""
    heads = _heads(identifiers)
    longest = max((len(h) for h in heads), default=0)
    lines = [line.rstrip() for line in text.splitlines()]
    broken = []
    for a, b in itertools.pairwise(lines):
        start = b.lstrip()
        for n in range(1, min(longest, len(a)) + 1):  # at the end of a line
            for x, tail in heads.get(a[-n:], ()):
                if start.startswith(tail) and not a.endswith(x) and \
                        width(a) + width(tail) > cells:
                    broken.append((x, a, b))
        if a.strip() in heads:  # a line of one word is a title, not a folded cell
            continue
        for m in _CELL.finditer(a):  # folded inside a cell
            for x, tail in heads.get(m.group(), ()):
                below = _at_column(b, width(a[:m.start()]))
                if below.startswith(tail) and below[len(tail):len(tail) + 1] in ("", " "):
                    broken.append((x, a, b))
    return broken


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_value_is_split_and_a_pipe_is_never_wrapped(demo: Cli, lang: str) -> None:
    commands = _commands(demo)
    identifiers = _identifiers(demo, lang, commands)
    assert {"(2026)龙人调字第1号", "liming"} <= identifiers or any(
        i.endswith("龙人调字第1号") for i in identifiers)
    for command in commands:
        piped = {w: demo("--lang", lang, *command, env={"COLUMNS": str(w)}) for w in (60, 400)}
        assert piped[60].code == 0, (command, piped[60].err)
        assert piped[60].out == piped[400].out, command  # nothing wrapped in a pipe
        assert "\x1b[" not in piped[60].out and "\ue000" not in piped[60].out
        for cells in WIDTHS:
            shown = demo("--lang", lang, *command, env={"COLUMNS": str(cells)}, terminal=True)
            assert shown.code == 0, (command, shown.err)
            text = _STYLE.sub("", shown.out)
            assert "\ue000" not in text and "\ue001" not in text
            assert max((width(line) for line in text.splitlines()), default=0) <= cells, (
                command, cells, text)
            broken = splits(text, identifiers, cells)
            assert not broken, (command, cells, broken)


def test_the_split_detector_sees_a_split() -> None:
    ids = {"(2026)龙人调字第1号", "2026-09-20 10:09", "被申请人", "龙王港小区物业服务中心"}
    assert splits("第 1 次调解，2026-09-20\n10:09：双方陈述", ids, 24)
    assert splits("#3 受理 [案件 (2026)龙人调字\n第1号]", ids, 30)
    assert splits("被申请  长沙市\n人      公司", ids, 30)  # folded inside a table cell
    assert not splits("第 1 次调解，2026-09-20 10:09：双方\n陈述", ids, 36)
    assert not splits("申请人  龙王港小区物业服务中心\n被申请人  张三", ids, 40)
    assert not splits("当事人\n申请人 张三", {"当事人申请"}, 60)  # a short line is no wrap


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_amounts_are_written_one_way(demo: Cli, lang: str) -> None:
    """The case file, its history and the audit log write an amount as money.shown does."""
    for command in (("case", "history", "5"), ("case", "history", "6"), ("case", "show", "6"),
                    ("audit", "log", "--all", "--format", "table")):
        out = demo("--lang", lang, *command).out
        fields = [line for line in out.splitlines() if "金额" in line or "amount" in line]
        assert fields, command
        for line in fields:
            for m in re.finditer(r"(?:金额（元）|amount \(yuan\))[:：\t]\s*(?:— → )?"
                                 r"([\d,]*\d(?:\.\d+)?)",
                                 line):
                assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", m.group(1)), (command, line)
    assert "32,000.00" in demo("--lang", lang, "case", "history", "5").out

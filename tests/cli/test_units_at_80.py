"""At 80 columns nothing is wrapped by character where it should be by unit (issue 14, a clerk's
trial in Chinese: a draft's path cut by the terminal, an address cut inside 龙王港街道, a
category shortened to 道路交通事故纠…, 陈明 与… with room for both names, help breaking 之/前).

Every command that prints (every ``--help`` page, and each list and show of the demo database,
with ``--reveal``) is run on a terminal 80 columns wide under zh and en: no line is wider than 80
display cells and no unit is split across two lines, neither at a line's end nor folded inside
a table cell. The units are read from the database (party names, case numbers, mediators,
dates, the places of each address) and the vocabularies (states, categories, roles), so a new
value is checked without naming it here. Piped, a table is plain tab-separated rows, the same
at any width. The detector is stricter than test_no_split's: a unit broken anywhere counts,
whether or not the line had room.
"""

from __future__ import annotations

import io
import itertools
import json
import re
from collections.abc import Callable

import pytest

from cli.lines import width
from mediation.core import categories, vocab
from mediation.core.i18n import name, set_language
from tests.cli.test_chinese_throughout import command_tree
from tests.cli.test_tables_fit import LINES, TABLES
from tests.conftest import Result

Cli = Callable[..., Result]
CELLS = 80
_STYLE = re.compile(r"\x1b\[[0-9;]*m")
_DATES = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?")
# an address's places, each ending in its kind: 湖南省 长沙市 岳麓区 龙王港街道 桐梓坡路 8栋
_PLACES = re.compile(r".+?(?:街道|社区|小区|[省市区县镇乡村路街巷号栋])")


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    assert cli("lead", "report", "--place", "桐梓坡路8栋", "--seen",
               "楼上漏水，两户因维修费用分担问题多次争吵，已有推搡", "--risk", "medium",
               "--cell", "龙王港-03", "--parties", "张三、李四").code == 0
    return cli


def _ids(demo: Cli) -> list[str]:
    return [str(c["id"]) for c in json.loads(demo("case", "list", "--all", "--json").out)]


def _commands(demo: Cli) -> list[tuple[str, ...]]:
    shown = [tuple(c) for c in TABLES + LINES]
    shown += [("case", "list", "--overdue"), ("case", "list", "--all"), ("agenda", "--committee")]
    for i in _ids(demo):
        shown += [("case", "show", i, "--reveal", "--reason", "核对"), ("case", "history", i)]
    return shown


def _units(demo: Cli, lang: str) -> set[str]:
    """What must never be split, in ``lang``."""
    found: set[str] = set()
    for i in _ids(demo):
        case = json.loads(demo("case", "show", i, "--json", "--reveal", "--reason", "核对").out)
        found.add(case["number"])
        for p in case["parties"]:
            found.add(p["name"])
            found.update(_PLACES.findall(p.get("address") or ""))
        found.update(m["label"] for m in case["mediators"])
        found.update(_DATES.findall(json.dumps(case, ensure_ascii=False)))
    set_language(lang)
    try:
        for kind, enum in (("state", vocab.State), ("role", vocab.Role),
                           ("party", vocab.PartyRole), ("source", vocab.Source)):
            found.update(name(kind, v.value) for v in enum)
        found.update(c.name(lang) for c in categories.all_categories())
    finally:
        set_language("en")
    # an English name of several words may break between them, as English does
    return {u for u in found if len(u) >= 2 and " " not in u.strip()}


def _cell(line: str, col: int) -> str | None:
    """The text of ``line`` from display column ``col`` to the next gap of two spaces; None if
    ``col`` is not the start of a character."""
    at = 0
    for i, ch in enumerate(line):
        if at == col:
            return re.split(r"\s{2,}", line[i:].rstrip(), maxsplit=1)[0]
        if at > col:
            return None
        at += width(ch)
    return None


def _starts(line: str) -> list[int]:
    """The display columns where the cells (or the text) of ``line`` begin."""
    cols, at, gap = [], 0, 2
    for ch in line:
        if ch != " " and gap >= 2:
            cols.append(at)
        gap = gap + 1 if ch == " " else 0
        at += width(ch)
    return cols


def _glued(beside: str, end: str) -> bool:
    """Whether an ASCII letter or digit ``beside`` makes one word with ``end`` (``close`` in
    ``closed`` is no unit of its own)."""
    return bool(beside) and (beside + end).isascii() and (beside + end).isalnum()


def broken(text: str, units: set[str]) -> list[tuple[str, str, str]]:
    """Each unit split across two lines: the end of a cell (or of a line) above holding its
    head and the cell below at the same column (or the next line) starting with its tail."""
    heads: dict[str, list[tuple[str, str]]] = {}
    for u in units:
        for k in range(1, len(u)):
            heads.setdefault(u[:k], []).append((u, u[k:]))
    longest = max((len(h) for h in heads), default=0)

    def joined(above: str, below: str) -> list[str]:
        hits = []
        for n in range(1, min(longest, len(above)) + 1):
            for u, tail in heads.get(above[-n:], ()):
                if below.startswith(tail) and not above.endswith(u) and \
                        not _glued(below[len(tail):len(tail) + 1], tail[-1]) and \
                        not _glued(above[-n - 1:-n], u[0]):
                    hits.append(u)
        return hits

    found = []
    lines = [line.rstrip() for line in text.splitlines()]
    for a, b in itertools.pairwise(lines):
        if not a.strip() or not b.strip():
            continue
        pairs = []
        if " " in a.strip():  # prose: a line's end and the next one's start (a line of one
            pairs.append((re.split(r"\s{2,}", a.strip())[-1], b.strip()))  # word is a title)
        for col in _starts(b) if len(_starts(a)) > 1 else ():  # a table: a cell, the one below
            above, below = _cell(a, col), _cell(b, col)
            if above and below:
                pairs.append((above, below))
        for above, below in pairs:
            found += [(u, a, b) for u in joined(above, below)]
    return found


def test_the_detector_sees_the_trial_s_splits() -> None:
    units = {"龙王港街道", "道路交通事故纠纷", "(2026)龙人调字第4号", "陈明"}
    table = ("申请人    张三  430104198003120014  湖南省长沙市岳麓区龙王  父亲\n"
             "                                    港街道桐梓坡路8栋502\n")
    assert broken(table, units)
    assert broken("案件 (2026)龙人调字\n第4号 已受理", units)
    assert broken("4  调解中  陈明  道路交通事故纠\n                纷", units)
    assert not broken("申请人    张三  湖南省长沙市岳麓区  父亲\n"
                      "                龙王港街道桐梓坡路8栋502\n", units)
    assert not broken("陈明 与\n龙王港小区物业服务中心", units)
    assert not broken("当事人\n申请人 陈明", {"当事人申请"})  # a title, then a table


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_unit_is_split_at_80_columns_and_a_pipe_is_rows(demo: Cli, lang: str) -> None:
    units = _units(demo, lang)
    assert {"龙王港街道", "陈明", "(2026)龙人调字第4号"} <= units
    assert ("道路交通事故纠纷" in units) == (lang == "zh")
    tables = {tuple(c) for c in TABLES}
    for command in _commands(demo):
        shown = demo("--lang", lang, *command, env={"COLUMNS": str(CELLS)}, terminal=True)
        assert shown.code == 0, (command, shown.err)
        text = _STYLE.sub("", shown.out)
        assert max((width(line) for line in text.splitlines()), default=0) <= CELLS, (
            command, text)
        assert not broken(text, units), (command, broken(text, units))
        if command[:2] == ("case", "list"):  # no unit shortened either: 道路交通事故纠… once
            assert not [u for u in units for k in range(1, len(u)) if u[:k] + "…" in text], (
                command, text)
        if "--format" in command:  # a table asked for: fitted to COLUMNS even in a pipe
            continue
        piped = {w: demo("--lang", lang, *command, env={"COLUMNS": str(w)}) for w in (80, 300)}
        assert piped[80].out == piped[300].out, command  # nothing wrapped, nothing padded
        if command in tables and not command[0] == "stats":
            assert all("\t" in line for line in piped[80].out.splitlines()), command
    if lang == "zh":  # the trial's own cases
        listed = demo("--lang", "zh", "case", "list", env={"COLUMNS": "80"}, terminal=True).out
        # the deadline is what a list is worked from (render.VIEWS): the category gives way
        assert "调解期限" in listed and "纠…" not in listed
        overdue = demo("--lang", "zh", "case", "list", "--overdue", env={"COLUMNS": "80"},
                       terminal=True).out
        assert "陈明 与" in overdue and "龙王港小区物业服务中心" in overdue


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_help_page_splits_a_unit_at_80_columns(cli: Cli, lang: str) -> None:
    set_language(lang)
    try:
        units = {c.name(lang) for c in categories.all_categories()}
        units |= {name("state", s.value) for s in vocab.State}
    finally:
        set_language("en")
    units = {u for u in units if " " not in u} | {"2026-11-28 15:00", "补录天数"}
    for path, _cmd in command_tree():
        shown = cli("--lang", lang, *path.split()[1:], "--help", env={"COLUMNS": "80"},
                    terminal=True)
        assert shown.code == 0, (path, shown.err)
        for line in shown.out.splitlines():  # one word wider than the page alone may stick out
            assert width(line) <= CELLS or len(line.split()) == 1, (path, line)
        assert not broken(shown.out, units), (path, broken(shown.out, units))


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_message_on_a_terminal_keeps_a_path_whole(monkeypatch: pytest.MonkeyPatch,
                                                    lang: str) -> None:
    """The Ctrl-C line of the guided intake, and any error or note: wrapped by cli.lines on a
    terminal, not cut by the terminal; a path, a case number and a date kept whole; in a pipe,
    one line as written."""
    from cli import render
    from mediation.core.i18n import _

    path = "/home/clerk/.local/share/mediation/drafts/intake-0123456789abcdef.json"
    monkeypatch.setenv("COLUMNS", "80")
    set_language(lang)
    try:
        line = "\n" + _("cancelled; nothing was registered. What was typed is kept in "
                        "{path}; `mediation case new` continues it.", path=path) + "\n"
        other = _("error: {message}", message="(2026)龙人调字第12号 2026-11-28 15:00 " * 4)
        for stream, wrapped in ((_Terminal(), True), (io.StringIO(), False)):
            monkeypatch.setattr("sys.stderr", stream)
            render.err(line)
            render.err(other + "\n")
            said = stream.getvalue()
            lines = said.splitlines()
            assert (max(width(x) for x in lines) <= CELLS) == wrapped, said
            assert any(path in x for x in lines), said
            assert not broken(said, {path, "(2026)龙人调字第12号", "2026-11-28 15:00"}), said
            assert said.replace("\n", "").replace(" ", "") == (line + other + "\n").replace(
                "\n", "").replace(" ", "")
    finally:
        set_language("en")

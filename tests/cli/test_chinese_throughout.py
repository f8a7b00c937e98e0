"""Under ``--lang zh`` every word shown is Chinese: help pages, usage errors and the output of the
read commands on the demo database.

What may stay in Latin letters: command and option names, environment variable names, the codes a
user may type (in help pages and usage errors, where they are offered), user data (user names),
file names, paths, URLs, hashes, and a short list of product names and formats (SQLite, JSON...).
Every command is derived from the live app, so a command added without a Chinese help text, or a
new English sentence from the framework, fails here.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Result

PRODUCTS = {
    "SQLite", "PostgreSQL", "JSON", "Lines", "CSV", "TSV", "URL", "HMAC", "SHA", "UTC",
    "Mermaid", "cron", "Excel", "xlsx", "zh", "en", "LANG", "COLUMNS", "Alembic", "WAL",
    "YYYY", "MM", "DD", "HH", "GB", "NFKC", "bash", "zsh", "fish", "PowerShell", "pwsh",
    "FTS", "trigram", "pg_trgm", "Argon2id", "SHA256", "IANA", "LibreOffice",
    "PDF", "Word", "docx", "Asia", "Shanghai",
}
# A Mermaid diagram's source (`workflow diagram`): code, whose identifiers are the state codes;
# its labels (a state's name, a step's name) are checked like any text, and more strictly
# (MERMAID_LABEL: no Latin word at all, not even a command's).
MERMAID = re.compile(r"^\s*(?:stateDiagram-v2|(?:\[\*\]|\w+) --> (?:\[\*\]|\w+)"
                     r'|state "([^"]*)" as \w+$)', re.M)
MERMAID_LABEL = re.compile(r'^\s*(?:\S+ --> \S+ : (.*)|state "([^"]*)" as \w+)$', re.M)
# Brackets doubled ([[期间]], [[名称]...]...), and one space between two Chinese characters or
# Chinese punctuation (和 威尔逊, 写入 文件): neither belongs on a help page.
DOUBLED = re.compile(r"\[\[|\]\]")
_HAN = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
CJK_SPACE = re.compile(f"(?<=[{_HAN}]) (?=[{_HAN}])")
# A dash standing for a value that is not there (履行期限 -): no word in any language.
LONE_DASH = re.compile(r"(?:^|(?<=[\s：:（(，、]))-(?=$|[\s，。；）)、])", re.M)

_STRIP = [
    re.compile(r"[a-z][a-z0-9+]*://\S+"),                   # URLs
    re.compile(r"\S*/\S*"),                                  # paths, a/b
    re.compile(r"\b[\w-]+\.(?:jsonl|json|csv|tsv|xlsx|docx|pdf|png|md|db|po|mo|txt|sql)\b"),
    re.compile(r"(?<![\w-])--?[A-Za-z][\w-]*"),              # option names
    re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+=\S+"),         # VAR=value in a command shown
    re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"),            # environment variables
    re.compile(r"\b[0-9a-f]{12,}\b"),                        # hashes
    re.compile(r"\b\d[\w]*\b"),                              # numbers, 2026x, 30d
]
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


@cache
def command_tree() -> list[tuple[str, Any]]:
    import typer

    from cli import framework
    from cli.main import build_app
    from mediation.core.i18n import set_language

    set_language("en")
    return list(framework.walk(typer.main.get_command(build_app())))


@cache
def command_words() -> frozenset[str]:
    return frozenset(w for path, _cmd in command_tree() for w in path.split())


@cache
def codes() -> frozenset[str]:
    """Every value a user may type as a code (states, reasons, roles, ...)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
    import catalogues

    from cli.render import FORMATS
    from cli.stats_cmds import GROUPS
    from mediation.reporting.forms import KINDS

    vocabularies = {k.split(".", 1)[1] for k in catalogues.enum_keys()
                    if re.fullmatch(r"[a-z_]+\.[a-z_]+", k)}
    return frozenset(vocabularies | set(FORMATS) | set(GROUPS) | set(KINDS))


def test_stats_groups_are_the_libraries() -> None:
    from cli.stats_cmds import GROUPS
    from mediation.reporting.stats import GROUP_BY

    assert GROUPS == GROUP_BY


def foreign_words(text: str, allowed: frozenset[str] | set[str] = frozenset()) -> set[str]:
    for pattern in _STRIP:
        text = pattern.sub(" ", text)
    ok = PRODUCTS | command_words() | set(allowed) | {"mediation"}
    return {w for w in _WORD.findall(text) if w not in ok}


def test_the_checker_finds_english() -> None:
    assert foreign_words("用法：mediation case list [选项]") == set()
    assert foreign_words("Show this message and exit.") == {"Show", "this", "message", "and",
                                                            "exit"}
    assert foreign_words("数据库 postgresql+psycopg://u@h/db，文件 a.json，--state 选项") == set()
    assert foreign_words("状态 intake") == {"intake"}
    assert foreign_words("状态 intake", codes()) == set()
    assert refusal_words("'x' 不是以下之一：自然人、法人", ["x"]) == set()
    assert refusal_words("'x' 不是以下之一：自然人（person）", ["x"]) == {"person"}
    assert refusal_words("'x' 不是以下之一：person 自然人、already_in_court", ["x"]) == {
        "person", "already_in_court"}
    assert [m.start() for m in CJK_SPACE.finditer("含分母和 威尔逊、写入 文件，  提示")] == [4, 11]
    assert not CJK_SPACE.search("如 1500、500元或 1.5万，--out 文件")
    assert DOUBLED.findall("用法：mediation stats [选项] [[期间]]")
    dashes = LONE_DASH.finditer("金额 500 元，履行期限 -\n走访人：-；")
    assert [m.group() for m in dashes] == ["-"] * 2
    assert not LONE_DASH.search("2026-11-30 龙王港-03 --due a-b")
    diagram = 'stateDiagram-v2\n    state "登记" as intake\n    intake --> accepted : accept\n'
    assert MERMAID_LABEL.findall(diagram) == [("", "登记"), ("accept", "")]


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Result]:
    """The CLI in Chinese at 80 columns, on a SQLite file of its own."""
    from cli.main import run

    monkeypatch.setenv("MEDIATION_SESSION_FILE", str(tmp_path / "session"))
    monkeypatch.setenv("MEDIATION_ARGON2_FAST", "1")
    monkeypatch.delenv("MEDIATION_TOKEN_FILE", raising=False)
    monkeypatch.setenv("MEDIATION_DB", str(tmp_path / "zh.db"))
    monkeypatch.setenv("MEDIATION_USER", "wangfang")
    monkeypatch.setenv("MEDIATION_LANG", "zh")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")

    def invoke(*args: str, input: str | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        monkeypatch.setattr(sys, "stdin", io.StringIO(input or ""))
        try:
            code = run(list(args))
        finally:
            monkeypatch.setattr(sys, "stdout", sys.__stdout__)
            monkeypatch.setattr(sys, "stderr", sys.__stderr__)
        return Result(code, out.getvalue(), err.getvalue())

    return invoke


def paths() -> list[str]:
    return [path for path, _cmd in command_tree()]


@pytest.mark.parametrize("path", paths())
def test_every_help_page_is_chinese(zh: Callable[..., Result], path: str) -> None:
    result = zh(*path.split()[1:], "--help")
    assert result.code == 0, result.err
    page = result.out
    assert "用法：" in page
    prose = page.split("示例：")[0]  # the examples are commands, with user names in them
    assert not foreign_words(prose, codes()), (path, foreign_words(prose, codes()), page)
    # a default that is a code of a vocabulary is shown by its name: [默认：低], not [默认：low]
    shown = [d for d in re.findall(r"默认：([A-Za-z][\w-]*)", page) if d in codes()]
    assert not shown, (path, shown, page)
    from cli.lines import width

    assert max(width(line) for line in page.splitlines()) <= 80, page
    assert not DOUBLED.findall(page), (path, page)  # [[期间]]: a bracketed metavar bracketed again
    spaced = [prose[max(m.start() - 8, 0):m.end() + 8] for m in CJK_SPACE.finditer(prose)]
    assert not spaced, (path, spaced)  # 含分母和 威尔逊, 写入 文件：Chinese takes no spaces
    leaf = not getattr(dict(command_tree())[path], "commands", None)
    if leaf:  # every command's help ends with an example or two (cli/examples.py)
        tail = page.rstrip().split("示例：")
        assert len(tail) == 2 and tail[1].strip().startswith("mediation "), page


def usage_mistakes() -> Iterator[tuple[str, list[str]]]:
    """For every command: what a user gets wrong with it."""
    for path, cmd in command_tree():
        words = path.split()[1:]
        if getattr(cmd, "commands", None):
            yield path, [*words, "lsit"]
            continue
        yield path, [*words, "--no-such-option"]
        required = [p for p in cmd.params if p.required]
        if required:
            yield path, words
        args = [p for p in cmd.params if p.param_type_name == "argument"]
        if not args:
            yield path, [*words, "extra"]
        for p in cmd.params:
            if p.param_type_name != "option" or getattr(p, "is_flag", False):
                continue
            filler = ["1"] * len(args)
            yield path, [*words, *filler, p.opts[0]]
            if "int" in repr(getattr(p, "type_descriptor", "")).lower() or p.name in (
                    "limit", "page", "days", "persons", "cases"):
                yield path, [*words, *filler, p.opts[0], "x"]


@pytest.mark.parametrize(("path", "argv"), list(usage_mistakes()),
                         ids=lambda v: v if isinstance(v, str) else " ".join(v))
def test_every_usage_error_is_chinese(zh: Callable[..., Result], path: str,
                                      argv: list[str]) -> None:
    result = zh(*argv)
    assert result.code == 2, (argv, result.code, result.err)
    assert not refusal_words(result.err, argv), (argv, result.err)
    assert "Traceback" not in result.err


def refusal_words(text: str, argv: list[str]) -> set[str]:
    """The foreign words of a refusal: none but what the user typed, as typed (a value is
    named by its Chinese name alone, choices.listing: 自然人、法人)."""
    return foreign_words(text, set(argv))


BAD_VALUES = [
    ["case", "list", "--state", "finished"],
    ["case", "list", "--category", "77"],
    ["case", "list", "--limit", "0"],
    ["case", "decline", "1", "--reason", "because", "--advice", "去法院"],
    ["case", "feedback", "1", "--channel", "pigeon"],
    ["--lang", "fr", "case", "list"],
]


@pytest.mark.parametrize("argv", BAD_VALUES, ids=" ".join)
def test_bad_values_are_refused_in_chinese(zh: Callable[..., Result], argv: list[str]) -> None:
    assert zh("demo", "--quiet", "--cases", "12").code == 0
    result = zh(*argv)
    assert result.code in (1, 2), (argv, result.code, result.err)
    assert not refusal_words(result.err, argv), (argv, result.err)


READS = [
    ["case", "list"], ["case", "list", "--all"], ["case", "list", "--format", "tsv"],
    ["case", "show", "1"], ["case", "show", "2"], ["case", "show", "3"], ["case", "show", "6"],
    ["case", "history", "1"], ["case", "history", "3"], ["case", "history", "6"],
    ["case", "history", "9"], ["staff", "list"], ["workflow", "table"], ["workflow", "diagram"],
    ["stats"], ["stats", "--by", "mediator"], ["stats", "--by", "mediator", "--format", "table"],
    ["audit", "verify"], ["audit", "log", "--limit", "40"], ["audit", "log", "--all"],
    ["audit", "case", "1"], ["audit", "case", "3"], ["case", "show", "8"],
    ["case", "history", "3", "--format", "table"],
    ["db", "check"], ["db", "status"], ["db", "current"], ["retention", "show"],
    ["case", "show", "16"], ["agenda", "--committee"], ["calendar", "show"], ["token", "list"],
    ["lead", "list"], ["sweep", "list"], ["case", "search", "漏水"],
]
# Where staff are listed as accounts, their user names are the data shown.
ACCOUNTS = {"staff list"}


def test_the_demo_database_speaks_chinese(zh: Callable[..., Result]) -> None:
    """... and shows staff by display name: a staff member's user name counts as a foreign
    word wherever they have a display name (staff_names.label), except where accounts are
    listed; only the user name of one without a display name is data."""
    import json

    built = zh("demo", "--cases", "12")
    assert built.code == 0, built.err
    staff = json.loads(zh("staff", "list", "--json").out)
    users = {s["username"] for s in staff}
    # an agreement that settles an amount and no date: case show names the date not agreed
    agreed = zh("case", "agree", "16", "--written", "--terms", "分两期支付工资", "--amount", "500")
    assert agreed.code == 0, agreed.err
    unnamed = {s["username"] for s in staff if not s["name"] or s["name"] == s["username"]}
    assert users - unnamed  # the demo's staff have display names: the check can fail
    problems: dict[str, set[str]] = {}
    for argv, text in [(["demo"], built.out + built.err),
                       *((argv, read(zh, argv)) for argv in READS)]:
        found = foreign_words(MERMAID.sub(lambda m: f" {m.group(1) or ''} ", text),
                              users if " ".join(argv) in ACCOUNTS else unnamed)
        labels = " ".join(a + b for a, b in MERMAID_LABEL.findall(text))
        found |= set(_WORD.findall(labels))  # a diagram's labels: no command's name either
        found |= {f"{m.group()!r} for a missing value" for m in LONE_DASH.finditer(text)}
        if found:
            problems[" ".join(argv)] = found
    assert not problems, "\n".join(f"{k}: {sorted(v)}" for k, v in problems.items())


def read(zh: Callable[..., Result], argv: list[str]) -> str:
    result = zh(*argv)
    assert result.code in (0, 1), (argv, result.err)
    return result.out + result.err


def test_the_environment_chooses_chinese(zh: Callable[..., Result],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDIATION_LANG")
    assert "用法：" in zh("case", "--help").out
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("MEDIATION_LANG", "zh")
    assert "用法：" in zh("case", "--help").out
    assert os.environ["COLUMNS"] == "80"


# A command a message tells the user to type: its user names are what is typed.
COMMAND_SHOWN = re.compile(r"`mediation [^`]*`")
ONE_TIME_CODE = re.compile(r"\b[A-Z0-9]{4}(?:-[A-Z0-9]{4})+\b")
PW = "一个足够长的口令2026"


def test_sign_in_and_passwords_name_staff_as_everywhere(zh: Callable[..., Result],
                                                        tmp_path: Path) -> None:
    """Sign-in, sessions, tokens, passwords and one-time codes name a staff member by display
    name (staff_label), as case histories do; a user name only inside a command to type or as
    typed by the user."""
    made = zh("init", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
              "--director-name", "王芳", "--password-stdin", input=PW + "\n")
    assert made.code == 0, made.err
    said: list[tuple[list[str], Result]] = []

    def say(*argv: str, input: str | None = None) -> None:
        said.append((list(argv), zh(*argv, input=input)))

    say("login", "wangfang", "--password-stdin", input=PW + "\n")
    say("staff", "add", "liming", "--name", "李明", "--role", "mediator", "--password-stdin",
        input=PW + "\n")
    say("staff", "password", "李明", "--password-stdin", input=PW + "x\n")
    say("staff", "role", "李明", "clerk")
    say("staff", "disable", "李明")
    say("staff", "disable", "李明", "--enable")
    say("staff", "reset", "李明")
    say("token", "create", "王芳", "--days", "3", "--out", str(tmp_path / "t"))
    say("token", "revoke", "2")
    say("logout")
    problems = {}
    for argv, r in said:
        assert r.code == 0, (argv, r.err)
        text = ONE_TIME_CODE.sub(" ", COMMAND_SHOWN.sub(" ", r.out + r.err))
        found = foreign_words(text, set(argv))
        if found:
            problems[" ".join(argv)] = (found, r.out + r.err)
    assert not problems, problems
    reset = said[6][1]
    assert reset.out.startswith("李明 的一次性验证码"), reset.out


def test_an_internal_error_is_said_in_chinese(zh: Callable[..., Result],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Exit 70 (a bug, not the user's fault): its one line in the user's language; the
    library's English detail is for MEDIATION_DEBUG=1."""
    from mediation import workflow

    def broken() -> str:
        raise RuntimeError("something went wrong in the machine")

    monkeypatch.setattr(workflow, "mermaid", broken)
    result = zh("workflow", "diagram")
    assert result.code == 70, result.err
    assert result.err.count("\n") == 1 and "MEDIATION_DEBUG" in result.err
    assert not foreign_words(result.err), result.err


# Chinese punctuation: in English text it is a mistake (a separator written for zh, like the
# framework's "；" between bracketed notes); between Chinese words (an example: 李明、王强) it is
# the example's own.
_CJK = r"\u3400-\u9fff"
CHINESE_PUNCTUATION = re.compile(
    f"(?<![{_CJK}])[，。；：、？！（）【】《》“”](?![{_CJK}])"
    f"|(?<![{_CJK}）])[，。；：、？！（）](?=[A-Za-z0-9\\[\\]<>=])")


@pytest.fixture
def en(zh: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    monkeypatch.setenv("MEDIATION_LANG", "en")
    monkeypatch.setenv("LANG", "C.UTF-8")
    return zh


def test_the_punctuation_checker() -> None:
    assert CHINESE_PUNCTUATION.findall("Disputes found (0: a zero report).  [x>=0；required]")
    assert not CHINESE_PUNCTUATION.findall("Who swept, e.g. 李明、网格员王强.")
    assert not CHINESE_PUNCTUATION.findall("What is due (待办): cases, e.g. 桐梓坡路8栋（含商铺）.")


@pytest.mark.parametrize("path", paths())
def test_every_english_help_page_has_english_punctuation(en: Callable[..., Result],
                                                         path: str) -> None:
    result = en(*path.split()[1:], "--help")
    assert result.code == 0, result.err
    assert "Usage:" in result.out
    found = [result.out[max(m.start() - 20, 0):m.end() + 20]
             for m in CHINESE_PUNCTUATION.finditer(result.out)]
    assert not found, (path, found)
    assert not DOUBLED.findall(result.out), (path, result.out)

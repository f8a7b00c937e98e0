"""Staff named by their Chinese name on the command line (issue 14 trial): every option naming a
staff member takes the user name or the display name; two staff members with one name are
refused naming their user names; an unknown name is refused naming the committee's staff."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


@pytest.fixture
def room(cli: Cli) -> Cli:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    for user, name, role in (("liming", "李明", "mediator"), ("chenjing", "陈静", "mediator"),
                             ("zhaomin", "赵敏", "clerk")):
        ok(cli("staff", "add", user, "--name", name, "--role", role, "--no-password"))
    ok(cli("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(cli("case", "accept", "1"))
    return cli


def lead_of(cli: Cli) -> str:
    view = json.loads(ok(cli("case", "show", "1", "--json")).out)
    return ",".join(m["username"] for m in view["mediators"] if m["lead"]) or "None"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_mediators_named_by_their_chinese_name(room: Cli, lang: str) -> None:
    ok(room("--lang", lang, "case", "mediate", "1", "--mediator", "李明", "--co", "陈静",
            "--rights-notified"))
    assert lead_of(room) == "liming"
    ok(room("--lang", lang, "case", "assign", "1", "--mediator", "陈静", "--co", "李明"))
    assert lead_of(room) == "chenjing"
    found = ok(room("--lang", lang, "case", "search", "漏水", "--mediator", "陈静", "--json"))
    assert json.loads(found.out)
    logged = ok(room("--lang", lang, "audit", "log", "--actor", "王芳", "--json"))
    assert logged.out.strip()


@pytest.mark.parametrize(("lang", "word"), [("en", "several staff members are named 李明"),
                                            ("zh", "有多名工作人员名为李明")])
def test_two_of_one_name_are_refused_naming_their_user_names(room: Cli, lang: str,
                                                             word: str) -> None:
    ok(room("staff", "add", "liming2", "--name", "李明", "--no-password"))
    r = room("--lang", lang, "case", "mediate", "1", "--mediator", "李明", "--rights-notified")
    assert r.code == 1 and r.err.count("\n") == 1, r.err
    sep = "、" if lang == "zh" else ", "  # a list in the language's own separator
    assert word in r.err and f"liming{sep}liming2" in r.err
    ok(room("case", "mediate", "1", "--mediator", "liming2", "--rights-notified"))
    assert lead_of(room) == "liming2"


@pytest.mark.parametrize(("lang", "word"), [("en", "nobody named 李小明 may mediate"),
                                            ("zh", "本调委会没有名为“李小明”、可以担任调解员的人")])
def test_an_unknown_name_is_refused_naming_who_exists(room: Cli, lang: str, word: str) -> None:
    """A mediator: those who may mediate, by display name (not the clerk 赵敏, issue 14)."""
    r = room("--lang", lang, "case", "mediate", "1", "--mediator", "李小明", "--rights-notified")
    assert r.code == 1 and r.err.count("\n") == 1, r.err
    sep = "、" if lang == "zh" else ", "
    assert word in r.err and f"李明{sep}陈静" in r.err and "赵敏" not in r.err
    assert lead_of(room) == "None"
    other = room("--lang", lang, "staff", "reset", "李小明")  # anyone else: the staff
    shown = "李明（liming）" if lang == "zh" else "李明 (liming)"  # by name, the user name after
    assert other.code == 1 and shown in other.err and "赵敏" in other.err


def test_the_acting_user_and_staff_commands_by_chinese_name(room: Cli) -> None:
    listed = ok(room("--user", "陈静", "case", "list", "--json"))
    assert isinstance(json.loads(listed.out), list)
    ok(room("staff", "disable", "赵敏"))
    staff = json.loads(ok(room("staff", "list", "--json")).out)
    assert [s["active"] for s in staff if s["username"] == "zhaomin"] == [False]
    history = ok(room("audit", "log", "--limit", "1", "--json")).out
    assert "zhaomin" in history  # the event names the account by its user name


@pytest.mark.parametrize("command", [
    ("staff", "role", "{who}", "director"),
    ("staff", "reset", "{who}"),
    ("token", "create", "{who}", "--days", "2", "--out", "{tmp}/token"),
    ("case", "recuse", "1", "--party", "张三", "--reason", "系亲属", "--mediator", "{who}"),
    ("lead", "import", "{tmp}/leads.csv"),
])
def test_every_option_naming_staff_takes_the_display_name(room: Cli, tmp_path: Path,
                                                          command: tuple[str, ...]) -> None:
    """Each command naming a staff member takes the display name, and what it records names
    the account by its user name."""
    ok(room("case", "mediate", "1", "--mediator", "liming", "--rights-notified"))
    (tmp_path / "leads.csv").write_text("place,seen,reporter\n桐梓坡路8栋,两户争吵,陈静\n", "utf-8")
    args = [a.format(who="陈静", tmp=tmp_path) for a in command]
    ok(room(*args))
    shown = ("lead", "list", "--json") if command[0] == "lead" else (
        "audit", "log", "--limit", "1", "--json")
    assert "chenjing" in ok(room(*shown)).out

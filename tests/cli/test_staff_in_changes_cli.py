"""Staff named inside an event's changes (lead mediator, co-mediators, the mediator who stepped
aside...) are shown by display name in every event view (case history, audit log, audit case),
on a terminal and in a pipe, in both languages; JSON keeps the user names and adds the display
names (``staff``). A clause typed with its own full stop is not followed by a second mark."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
USERS = ("liming", "chenjing", "zhaomin")


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


@pytest.fixture
def stepped(cli: Cli) -> Cli:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    for user, name in (("liming", "李明"), ("chenjing", "陈静"), ("zhaomin", "赵敏")):
        ok(cli("staff", "add", user, "--name", name, "--role", "mediator", "--no-password"))
    ok(cli("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(cli("case", "accept", "1"))
    ok(cli("case", "mediate", "1", "--mediator", "liming", "--co", "chenjing",
           "--rights-notified"))
    ok(cli("case", "assign", "1", "--mediator", "zhaomin", "--co", "liming"))
    ok(cli("case", "recuse", "1", "--party", "张三", "--reason", "系亲属。",
           "--mediator", "chenjing"))
    ok(cli("case", "session", "1", "--minutes", "双方陈述事实。", "--place", "调解室。"))
    return cli


VIEWS = [("case", "history", "1"), ("audit", "log"), ("audit", "case", "1")]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("view", VIEWS, ids=" ".join)
@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_staff_in_changes_show_by_display_name(stepped: Cli, lang: str, view: tuple[str, ...],
                                              terminal: bool) -> None:
    r = ok(stepped("--lang", lang, *view, terminal=terminal, env={"COLUMNS": "80"}))
    for user in USERS:
        assert user not in r.out, (user, r.out)
    for name in ("李明", "陈静", "赵敏"):
        assert name in r.out, (name, r.out)
    for doubled in ("。；", "。，", ".;", ".,", "。;", "。,"):
        assert doubled not in r.out, (doubled, r.out)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_json_keeps_the_user_names_and_adds_display_names(stepped: Cli, lang: str) -> None:
    events = json.loads(ok(stepped("--lang", lang, "case", "history", "1", "--json")).out)
    assigned = next(e for e in events if e["action"] == "assign")
    assert assigned["changes"]["lead_mediator"] == ["liming", "zhaomin"]
    assert assigned["staff"] == {"liming": "李明", "zhaomin": "赵敏", "chenjing": "陈静"}

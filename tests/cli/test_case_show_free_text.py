"""Every free-text field of `case show` goes through the one redaction the same way
(queries.build_view's ``t``, mediation.core.redaction): the numbers scrubbed for every reader;
the persons' names masked (张某) for a reader who may not see names (the auditor), shown to one
who may (the director, the case's mediator) as in the parties' own column; in full only when
revealed. The urging's note and the feedback's recipient and note are rows of the case file like
the rest (migration 0021).

The text below is typed into every free-text field the commands take; no string of the case
view outside the parties' own columns may then hold the name or the number."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
TEXT = "张三电话13812345678。"
NUMBER = "13812345678"


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


@pytest.fixture
def typed(cli: Cli) -> Cli:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    ok(cli("staff", "add", "liming", "--name", "李明", "--role", "mediator", "--no-password"))
    ok(cli("staff", "add", "sunli", "--name", "孙丽", "--role", "auditor", "--no-password"))
    ok(cli("case", "new", "--file", "-", input=json.dumps(case_record(
        summary="纠纷：" + TEXT, requests="请求：" + TEXT))))
    for step in (("accept", "1"), ("mediate", "1", "--mediator", "liming", "--rights-notified"),
                 ("session", "1", "--minutes", TEXT, "--place", TEXT, "--attendees", TEXT),
                 ("extend", "1", "--days", "10", "--reason", TEXT, "--consent"),
                 ("agree", "1", "--terms", TEXT, "--written", "--amount", "500"),
                 ("remediate", "1", "--reason", TEXT, "--consent"),
                 ("agree", "1", "--terms", TEXT, "--written", "--amount", "500"),
                 ("confirm", "1"),
                 ("judicial", "1", "--court", TEXT),
                 ("visit", "1", "--visited", TEXT, "--note", TEXT, "--measures", TEXT,
                  "--escalation", TEXT, "--performance", "partial", "--satisfaction",
                  "satisfied"),
                 ("urge", "1", "--note", TEXT),
                 # the recipient is one who may receive it (mediation.recipients): the party
                 ("feedback", "1", "--to", "张三", "--channel", "phone", "--note", TEXT)):
        ok(cli("case", *step))
    ok(cli("case", "new", "--file", "-", "--force", input=json.dumps(case_record())))
    ok(cli("case", "decline", "2", "--reason", "already_in_court", "--advice", TEXT))
    return cli


def strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            if not (path == "" and k == "parties"):  # the parties' columns: masked by role
                yield from strings(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from strings(v, f"{path}[{i}]")
    elif isinstance(value, str):
        yield path, value


@pytest.mark.parametrize(("user", "case", "names"), [
    ("wangfang", "1", True), ("liming", "1", True), ("wangfang", "2", True),
    ("sunli", "1", False), ("sunli", "2", False)])
def test_every_free_text_field_is_masked_the_same_way(typed: Cli, user: str, case: str,
                                                      names: bool) -> None:
    view = json.loads(ok(typed("--user", user, "case", "show", case, "--json")).out)
    seen = dict(strings(view))
    assert not {p: v for p, v in seen.items() if NUMBER in v}  # numbers: scrubbed for all
    masked = {p for p, v in seen.items() if "张某" in v}
    full = {p for p, v in seen.items() if "张三" in v}
    if names:  # every field as the parties' column shows the name
        assert not masked, masked
        assert len(full) >= (17 if case == "1" else 2), full
        assert {".urgings[0].note", ".feedbacks[0].to", ".feedbacks[0].note"} <= full \
            or case == "2", full
    else:
        assert not full, full
        assert len(masked) >= (17 if case == "1" else 2), masked


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_case_show_shows_no_free_text_unmasked(typed: Cli, lang: str, terminal: bool) -> None:
    shown = ok(typed("--lang", lang, "case", "show", "1", terminal=terminal,
                     env={"COLUMNS": "80"})).out
    assert NUMBER not in shown, shown
    # the director may see names: in the parties' column and in the texts alike
    assert shown.count("张三") > 1, shown
    assert "李明" in shown and "liming" not in shown, shown


def test_revealed_free_text_is_in_full(typed: Cli) -> None:
    view = json.loads(ok(typed("case", "show", "1", "--json", "--reveal", "--reason",
                               "核对")).out)
    full = [p for p, v in strings(view) if TEXT in v]
    assert {".summary", ".requests", ".sessions[0].minutes", ".agreements[1].terms",
            ".follow_ups[0].note", ".urgings[0].note", ".feedbacks[0].note"} <= set(full), full

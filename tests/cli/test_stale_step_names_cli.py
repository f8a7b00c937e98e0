"""A step refused because another terminal stepped the case first names who did it by display
name (李明; 李明(liming) where two share the name) and when in the committee's local time, to the
minute, as the CLI writes times: not a user name and a UTC time (a clerk's trial)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


@pytest.fixture
def stepped(cli: Cli) -> Cli:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    ok(cli("calendar", "set", "--zone", "Asia/Urumqi"))  # the committee's zone, not the default
    ok(cli("staff", "add", "liming", "--name", "李明", "--role", "mediator", "--no-password"))
    ok(cli("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(cli("--user", "liming", "case", "accept", "1"))
    return cli


def _when(cli: Cli) -> str:
    at = json.loads(ok(cli("case", "history", "1", "--json")).out)[-1]["at"]
    utc = datetime.strptime(at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return utc.astimezone(ZoneInfo("Asia/Urumqi")).strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(("lang", "words"), [("en", "was changed by {who} at {at}"),
                                             ("zh", "已被 {who} 于 {at} 修改")])
def test_a_stale_step_names_who_by_display_name_and_when_locally(stepped: Cli, lang: str,
                                                                  words: str) -> None:
    r = stepped("--lang", lang, "case", "session", "1", "--minutes", "x", "--expect-version",
                "1")
    assert r.code == 3 and r.err.count("\n") == 1, r.err
    assert words.format(who="李明", at=_when(stepped)) in r.err, r.err
    assert "liming" not in r.err and not re.search(r"\d{2}:\d{2}:\d{2}Z?|T\d", r.err), r.err


def test_two_of_one_name_are_told_apart(stepped: Cli) -> None:
    ok(stepped("staff", "add", "liming2", "--name", "李明", "--no-password"))
    r = stepped("case", "session", "1", "--minutes", "x", "--expect-version", "1")
    assert r.code == 3 and "was changed by 李明(liming) at" in r.err, r.err

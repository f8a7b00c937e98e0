"""`stats --by mediator` shows mediators by display name (staff_names.label) on a terminal and in
a pipe, in both languages; CSV adds the user name in a column of its own, JSON keeps it as the
group's key beside its ``name`` (a clerk's trial read liming, wangfang)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


@pytest.fixture
def mediated(cli: Cli) -> Cli:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    ok(cli("staff", "add", "liming", "--name", "李明", "--role", "mediator", "--no-password"))
    ok(cli("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(cli("case", "accept", "1"))
    ok(cli("case", "mediate", "1", "--mediator", "liming", "--rights-notified"))
    return cli


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("terminal", [False, True], ids=["pipe", "terminal"])
def test_mediators_by_display_name(mediated: Cli, lang: str, terminal: bool) -> None:
    r = ok(mediated("--lang", lang, "stats", "--by", "mediator", "--no-chart",
                    terminal=terminal, env={"COLUMNS": "80"}))
    assert "李明" in r.out and "liming" not in r.out, r.out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_programs_keep_the_user_name(mediated: Cli, lang: str) -> None:
    rows = list(csv.reader(io.StringIO(ok(mediated(
        "--lang", lang, "stats", "--by", "mediator", "--format", "csv")).out)))
    assert any(row[:2] == ["李明", "liming"] for row in rows), rows
    doc = json.loads(ok(mediated("--lang", lang, "stats", "--by", "mediator", "--json")).out)
    assert [(g["key"], g["name"]) for g in doc["groups"] if g["key"] != "-"] == [
        ("liming", "李明")]

"""A guardian's ID number (监护人身份证号) through the real CLI (a clerk's trial, issue 14):
``case new --file`` and ``case import`` take it (``guardian.id_number``) and refuse a wrong one by
a party's rule (one line naming the field in words, exit 1, nothing written); ``case amend
--edit-party`` adds it; ``case show`` shows it masked (``110***********0010``) at 80 columns and
piped, whole with --reveal; ``case history`` masked; ``case search`` by the whole number finds
the case for a reader who may see names, not for an auditor; zh and en."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli.lines import width
from tests.conftest import Result, case_record

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

MINOR_ID = "430104201503070011"
GUARDIAN_ID = "110101198001010010"
MASKED = "110***********0010"


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


def record(guardian_id: str | None = GUARDIAN_ID) -> dict[str, Any]:
    rec = case_record()
    guardian: dict[str, Any] = {"name": "周建国", "relation": "父亲"}
    if guardian_id is not None:
        guardian["id_number"] = guardian_id
    rec["parties"][1] = {"role": "respondent", "kind": "person", "name": "周小宝",
                         "id_number": MINOR_ID, "guardian": guardian}
    return rec


def init(cli: Cli) -> None:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_added_by_a_correction_shown_masked_and_found_by_search(cli: Cli, lang: str) -> None:
    init(cli)
    zh = lang == "zh"
    ok(cli("--lang", lang, "case", "new", "--file", "-", input=json.dumps(record(None))))
    ok(cli("--lang", lang, "case", "amend", "1", "--edit-party",
           '2:{"guardian": {"name": "周建国", "relation": "父亲", '
           '"id_number": "110101 19800101001０"}}', "--reason", "补录监护人身份证号"))
    shown = json.loads(ok(cli("case", "show", "1", "--json")).out)
    assert shown["parties"][1]["guardian"]["id_number"] == MASKED
    whole = json.loads(ok(cli("case", "show", "1", "--json", "--reveal", "--reason",
                              "核对")).out)
    assert whole["parties"][1]["guardian"]["id_number"] == GUARDIAN_ID
    for terminal in (True, False):
        out = ok(cli("--lang", lang, "case", "show", "1", terminal=terminal,
                     env={"COLUMNS": "80"})).out
        assert MASKED in out and GUARDIAN_ID not in out, out
        if terminal:
            plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
            assert max(width(line) for line in plain.splitlines()) <= 80, out
    history = ok(cli("--lang", lang, "case", "history", "1")).out
    assert MASKED in history and GUARDIAN_ID not in history, history
    assert ("身份证号" if zh else "ID number") in history
    found = json.loads(ok(cli("case", "search", GUARDIAN_ID, "--json")).out)
    assert [c["number"] for c in found] == [shown["number"]], found
    table = ok(cli("--lang", lang, "case", "search", GUARDIAN_ID)).out
    assert ("身份证号尾号 0010" if zh else "0010") in table and GUARDIAN_ID not in table, table
    ok(cli("staff", "add", "shenji", "--name", "审计", "--role", "auditor"))
    r = cli("--user", "shenji", "case", "search", GUARDIAN_ID, "--json")
    assert r.code in (0, 3) and shown["number"] not in r.out, r
    masked = ok(cli("--user", "shenji", "case", "show", "1", "--json")).out
    assert MASKED in masked and GUARDIAN_ID not in masked


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_wrong_one_is_refused_in_one_line_at_intake_and_import(
        cli: Cli, lang: str, tmp_path: Path) -> None:
    init(cli)
    zh = lang == "zh"
    bad = json.dumps(record("110101198001010011"), ensure_ascii=False)
    r = cli("--lang", lang, "case", "new", "--file", "-", input=bad)
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1, r.err
    assert ("第2位当事人的监护人的" in r.err and "校验码" in r.err) if zh else (
        "party 2's guardian's" in r.err and "check digit" in r.err), r.err
    assert "Traceback" not in r.err and "parties[1]" not in r.err
    assert json.loads(ok(cli("case", "list", "--json")).out) == []  # nothing written
    lines = tmp_path / "cases.jsonl"
    lines.write_text(bad + "\n", encoding="utf-8")
    r = cli("--lang", lang, "case", "import", str(lines))
    assert r.code == 1 and ("校验码" if zh else "check digit") in r.err, r.err
    assert json.loads(ok(cli("case", "list", "--json")).out) == []
    # a right one is imported with its keyed hash: found by search
    lines.write_text(json.dumps(record(), ensure_ascii=False) + "\n", encoding="utf-8")
    ok(cli("--lang", lang, "case", "import", str(lines)))
    found = json.loads(ok(cli("case", "search", GUARDIAN_ID, "--json")).out)
    assert len(found) == 1, found
    shown = json.loads(ok(cli("case", "show", found[0]["number"], "--json")).out)
    assert shown["parties"][1]["guardian"]["id_number"] == MASKED

"""An organisation's legal representative (法定代表人) or person in charge (主要负责人) through the
real CLI (a clerk's trial, issue 14): ``case new --file`` takes it (``representative``: its name
and title), registers an organisation without one with a note naming the party and how to add it,
refuses one for a person (one line, the field named in words, exit 1, nothing written);
``case amend --edit-party`` adds it; ``case show`` shows it (masked ``王某`` to a reader who may
not see names, at 80 columns and piped), ``case search`` finds the case by it; under --lang zh
in Chinese words."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Callable
from typing import Any

import pytest

from cli.lines import width
from tests.cli.test_guided_intake import Terminal
from tests.cli.test_intake_draft import ADULT, CASE
from tests.conftest import Result, case_record

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

COMPANY = "长沙市岳麓区桐梓坡物业服务有限公司"


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


def record(representative: Any = None, kind: str = "legal_person") -> dict[str, Any]:
    """The demo's case, its respondent a company (the landlord), with ``representative``."""
    rec = case_record()
    company: dict[str, Any] = {"role": "respondent", "kind": kind, "name": COMPANY,
                               "address": "湖南省长沙市岳麓区桐梓坡路1号"}
    if representative is not None:
        company["representative"] = representative
    rec["parties"] = [rec["parties"][0], company]
    return rec


def init(cli: Cli) -> None:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_company_without_its_representative_is_registered_with_a_note_then_amended(
        cli: Cli, lang: str) -> None:
    init(cli)
    zh = lang == "zh"
    r = ok(cli("--lang", lang, "case", "new", "--file", "-", input=json.dumps(record())))
    said = r.err.splitlines()
    notes = [i for i, line in enumerate(said) if "第2位当事人" in line or "party 2" in line]
    assert len(notes) == 1, r.err
    note, command = said[notes[0]], said[notes[0] + 1]
    assert ("法定代表人" in note and "姓名、职务" in note) if zh else (
        "has no legal representative on record" in note and "Legal" not in note), note
    if zh:
        assert re.search("[A-Za-z]", note) is None, note
    # the command whole on its own line, in the keys case amend --edit-party takes
    name, title = ("姓名", "职务") if zh else ("NAME", "TITLE")
    assert command == ("  mediation case amend 1 --edit-party '2:{\"representative\": {\"name\": "
                       f"\"{name}\", \"title\": \"{title}\"}}}}' --reason "
                       + ("'补录法定代表人'" if zh else "'representative added'")), command
    typed = shlex.split(command.replace(name, "王 建华").replace(title, "总经理"))
    assert typed[:4] == ["mediation", "case", "amend", "1"]
    r = ok(cli("--lang", lang, *typed[1:]))
    shown = json.loads(ok(cli("case", "show", "1", "--json")).out)
    assert shown["parties"][1]["representative"] == {"name": "王建华", "title": "总经理"}
    assert shown["parties"][0]["representative"] is None
    for terminal in (True, False):
        out = ok(cli("--lang", lang, "case", "show", "1", terminal=terminal,
                     env={"COLUMNS": "80"})).out
        assert "王建华" in out and "总经理" in out, out
        if terminal:  # piped: the rows alone, the representative's the last column
            assert ("法定代表人" in out) if zh else ("Representative" in out), out
            plain = re.sub(r"\x1b\[[0-9;]*m", "", out)
            assert max(width(line) for line in plain.splitlines()) <= 80, out
    # the grid worker may not see names: the representative is masked like a party's name
    history = ok(cli("--lang", lang, "case", "history", "1")).out
    assert "王建华" in history or "王某" in history  # the director sees names (kept.names)
    found = json.loads(ok(cli("case", "search", "王建华", "--json")).out)
    assert [c["number"] for c in found] == [shown["number"]], found


def test_the_representative_is_masked_for_a_reader_who_may_not_see_names(cli: Cli) -> None:
    init(cli)
    ok(cli("case", "new", "--file", "-", input=json.dumps(record({"name": "王建华"}))))
    ok(cli("staff", "add", "shenji", "--name", "审计", "--role", "auditor"))
    for argv in (("case", "show", "1", "--json"), ("case", "history", "1", "--json")):
        shown = ok(cli("--user", "shenji", *argv)).out
        assert "王建华" not in shown and "王某" in shown, shown
    shown = json.loads(ok(cli("--user", "shenji", "case", "show", "1", "--json")).out)
    assert shown["parties"][1]["representative"] == {"name": "王某", "title": None}
    # a search looks only in what its reader may read: the auditor's masked column
    r = cli("--user", "shenji", "case", "search", "王建华", "--json")
    assert r.code in (0, 3) and "王建华" not in r.out and COMPANY not in r.out, r


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_person_with_a_representative_is_refused_in_one_line(cli: Cli, lang: str) -> None:
    init(cli)
    zh = lang == "zh"
    rec = case_record()
    rec["parties"][1]["representative"] = "王建华"
    r = cli("--lang", lang, "case", "new", "--file", "-", input=json.dumps(rec))
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1, r.err
    assert ("第2位当事人的法定代表人（主要负责人）" in r.err and "自然人" in r.err) if zh else (
        "party 2's legal representative (person in charge)" in r.err), r.err
    assert "Traceback" not in r.err
    assert "(2026)" not in ok(cli("case", "list")).out  # nothing written
    # a representative's name is a person's: a phone number is no name
    r = cli("--lang", lang, "case", "new", "--file", "-",
            input=json.dumps(record({"name": "13800001111"})))
    assert r.code == 1 and len(r.err.strip().splitlines()) == 1, r.err


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_guided_intake_asks_an_organisation_for_its_representative(
        cli: Cli, lang: str) -> None:
    """Asked of an organisation alone, after its credit code; the name checked at its own
    prompt (a phone number is asked again), the title next; a person is never asked."""
    init(cli)
    answers = [*CASE,
               "", "张三", "男", "", ADULT, "n", "", "",       # a person: no representative
               "法人", COMPANY, "",                           # a company, no credit code
               "13800001111", "王建华", "总经理",              # a phone as the name: again
               "", "",
               "n", "y"]
    out = cli("--lang", lang, "case", "new", "--json",
              input=Terminal("\n".join(answers) + "\n"))
    assert out.code == 0, out.err
    zh = lang == "zh"
    assert out.err.count("法定代表人姓名" if zh else "Legal representative's name") == 2, out.err
    assert out.err.count("不像人名" if zh else "does not look like a person's name") == 1
    assert "--edit-party" not in out.err  # nothing missing: no note
    shown = json.loads(ok(cli("case", "show", "1", "--json")).out)
    assert shown["parties"][1]["representative"] == {"name": "王建华", "title": "总经理"}
    assert shown["parties"][0]["representative"] is None


def test_the_guided_intake_registers_an_organisation_whose_representative_is_unknown(
        cli: Cli) -> None:
    init(cli)
    answers = [*CASE, "", "张三", "男", "", ADULT, "n", "", "",
               "非法人组织", "桐梓坡小区业主委员会", "", "", "", "", "n", "y"]
    out = cli("--lang", "zh", "case", "new", input=Terminal("\n".join(answers) + "\n"))
    assert out.code == 0, out.err
    assert "主要负责人姓名" in out.err and "主要负责人职务" not in out.err  # no name: no title
    assert "第2位当事人（桐梓坡小区业主委员会）尚未登记主要负责人" in out.err, out.err
    assert "mediation case amend 1 --edit-party '2:{\"representative\"" in out.err, out.err
    shown = json.loads(ok(cli("case", "show", "1", "--json")).out)
    assert shown["parties"][1]["representative"] is None

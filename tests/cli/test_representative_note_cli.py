"""The missing-representative note and the ``--edit-party`` refusal (issue 14, a clerk's trial):
the note's command was split across lines at 80 columns, gave no JSON to type, the English said
"names no Legal representative", and the refusal's example showed a phone. Now the note's prose
is fitted to the terminal and the command (parties.representative_command) is one line, whole,
in the keys ``case amend --edit-party`` takes; the refusal shows a representative's example."""

from __future__ import annotations

import io
import json
import shlex
import sys
from pathlib import Path
from typing import Any

import pytest

from cli import render
from cli.lines import width
from mediation.core.i18n import set_language
from mediation.parties import PartyIn, missing_representatives, representative_command
from tests.conftest import Result, case_record

COMPANY = "长沙市岳麓区桐梓坡物业服务有限公司桐梓坡分公司"


class TerminalErr(io.StringIO):
    def isatty(self) -> bool:
        return True


def shown(monkeypatch: pytest.MonkeyPatch, lang: str, terminal: bool) -> list[str]:
    set_language(lang)
    monkeypatch.setenv("COLUMNS", "80")
    parties = [PartyIn(role="applicant", name="张三"),
               PartyIn(role="respondent", kind="legal_person", name=COMPANY),
               PartyIn(role="respondent", kind="organisation", name="桐梓坡小区业主委员会")]
    err = TerminalErr() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    try:
        render.notes(missing_representatives(parties, 123))
    finally:
        monkeypatch.setattr(sys, "stderr", sys.__stderr__)
    return err.getvalue().splitlines()


@pytest.mark.parametrize("terminal", [True, False])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_note_fits_80_columns_and_its_command_is_one_whole_line(
        monkeypatch: pytest.MonkeyPatch, lang: str, terminal: bool) -> None:
    said = shown(monkeypatch, lang, terminal)
    commands = [line for line in said if line.startswith("  mediation ")]
    assert commands == ["  " + representative_command(123, 2),
                        "  " + representative_command(123, 3)], said
    prose = [line for line in said if line not in commands]
    if terminal:
        assert max(width(line) for line in prose) <= 80, said
    else:
        assert len(prose) == 2, said  # piped: each note's prose one line
    text = " ".join(prose) if lang == "en" else "".join(prose)
    if lang == "zh":
        assert "法定代表人" in text and "主要负责人" in text and "姓名、职务" in text
    else:
        assert "has no legal representative on record" in text
        assert "has no person in charge on record" in text and "Legal" not in text
    words = shlex.split(commands[0])
    assert words[:6] == ["mediation", "case", "amend", "123", "--edit-party",
                         '2:{"representative": {"name": "%s", "title": "%s"}}' % (
                             ("姓名", "职务") if lang == "zh" else ("NAME", "TITLE"))]
    assert words[6] == "--reason"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_edit_party_refusal_shows_a_representative(cli: object, lang: str) -> None:
    r: Result = cli("--lang", lang, "case", "amend", "1", "--edit-party",  # type: ignore
                    "representative", "--reason", "补录")
    assert r.code == 2, r
    assert '2:{"representative": {"name": "王建华", "title": "总经理"}}' in r.err, r.err
    assert len([line for line in r.err.splitlines() if line.strip()]) == 1, r.err


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_case_import_notes_each_line_whose_organisation_names_no_representative(
        cli: Any, tmp_path: Path, lang: str) -> None:
    """A note, not a refusal: every line imported; the lines of an organisation without its
    representative each noted with their case and the command (on stderr and in --json)."""
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    lines = []
    for i, (kind, representative) in enumerate([
            ("legal_person", None), ("legal_person", {"name": "王建华", "title": "总经理"}),
            ("person", None), ("organisation", None)], 1):
        rec = case_record(summary=f"第{i}起物业纠纷。")
        tenant = {"role": "applicant", "kind": "person", "name": f"住户{'甲乙丙丁'[i - 1]}"}
        other: dict[str, Any] = {"role": "respondent", "kind": kind,
                                 "name": "桐梓坡物业公司" if kind != "person" else "李四"}
        if representative:
            other["representative"] = representative
        rec["parties"] = [tenant, other]
        lines.append(json.dumps(rec, ensure_ascii=False) + "\n")
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(lines), "utf-8")
    r: Result = cli("--lang", lang, "case", "import", str(path))
    assert r.code == 0, r.err
    said = r.err.splitlines()
    noted = [line for line in said if "第2位当事人" in line or "party 2" in line]
    assert len(noted) == 2, r.err
    zh = lang == "zh"
    assert noted[0].startswith("提示：第 1 行（(2026)龙人调字第1号）：" if zh else
                               "note: line 1 ((2026)龙人调字第1号): "), noted
    assert noted[1].startswith("提示：第 4 行（(2026)龙人调字第4号）：" if zh else
                               "note: line 4 ((2026)龙人调字第4号): "), noted
    assert ("法定代表人" in noted[0] and "主要负责人" in noted[1]) if zh else (
        "legal representative" in noted[0] and "person in charge" in noted[1]), noted
    commands = [line for line in said if line.startswith("  mediation case amend")]
    assert commands == ["  " + representative_command(1, 2), "  " + representative_command(4, 2)]
    doc = json.loads(cli("--lang", lang, "case", "import", str(path), "--force", "--json").out)
    assert [(n["line"], len(n["notes"])) for n in doc["notes"]] == [(1, 1), (4, 1)], doc
    assert doc["notes"][0]["notes"][0].endswith(representative_command(5, 2)), doc

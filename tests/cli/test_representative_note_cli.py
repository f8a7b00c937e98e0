"""The missing-representative note and the ``--edit-party`` refusal (issue 14, a clerk's trial):
the note's command was split across lines at 80 columns, gave no JSON to type, the English said
"names no Legal representative", and the refusal's example showed a phone. Now the note's prose
is fitted to the terminal and the command (parties.representative_command) is one line, whole,
in the keys ``case amend --edit-party`` takes; the refusal shows a representative's example."""

from __future__ import annotations

import io
import shlex
import sys

import pytest

from cli import render
from cli.lines import width
from mediation.core.i18n import set_language
from mediation.parties import PartyIn, missing_representatives, representative_command
from tests.conftest import Result

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

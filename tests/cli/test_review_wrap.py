"""The guided intake's review (before 确认登记吗) at 80 columns (issue 14): a row too long for a
line, a party with a long address and a guardian with a long name, wraps with a hanging indent
under its value, never back to the margin; every line within 80 columns; in a pipe, one line."""

from __future__ import annotations

import io
import sys

import pytest

from cli import asking, prompts
from cli.lines import width
from mediation.core.i18n import _, set_language

ADDRESS = "湖南省长沙市岳麓区龙王港街道龙王港社区东方红小区十二栋三单元一千二百零一号房"
GUARDIAN = {"name": "欧阳司马慕容长孙诸葛端木上官轩辕", "relation": "parent",
            "phone": "13800001234"}


def minor() -> dict[str, object]:
    return {"role": "applicant", "kind": "person", "name": "欧阳司马慕容长孙诸葛明",
            "sex": "male", "ethnicity": "01", "id_number": "430104201001010018",
            "phone": "13900001111", "address": ADDRESS, "guardian": GUARDIAN}


class TerminalErr(io.StringIO):
    def isatty(self) -> bool:
        return True


def review(monkeypatch: pytest.MonkeyPatch, lang: str, terminal: bool) -> list[str]:
    """The review of a form with a minor applicant, as standard error shows it."""
    set_language(lang)
    monkeypatch.setenv("COLUMNS", "80")
    form = prompts.Form(None)
    form.record = {"category": "02", "source": "party", "summary": "楼上漏水" * 30,
                   "requests": "赔偿", "risk_level": "low"}
    form.parties = [minor(), {"role": "respondent", "kind": "person", "name": "李四"}]
    err = TerminalErr() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    try:
        form.summary()
    finally:
        monkeypatch.setattr(sys, "stderr", sys.__stderr__)
    return err.getvalue().splitlines()


def rows(said: list[str]) -> list[list[str]]:
    """The review's rows, each its lines (a row starts with its number)."""
    found: list[list[str]] = []
    for line in said:
        if line[:5].strip().rstrip(".").isdigit():
            found.append([line])
        elif found and line.strip():
            found[-1].append(line)
    return found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rows_wrap_under_their_value_at_80(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    said = review(monkeypatch, lang, terminal=True)
    assert max(width(line) for line in said) <= 80
    long = [r for r in rows(said) if len(r) > 1]
    labels = {_("Facts"), _("party.applicant")}
    assert len(long) == 2  # the facts and the minor applicant with the guardian
    for row in long:
        head = row[0][:row[0].index("：" if lang == "zh" else ": ") + (1 if lang == "zh" else 2)]
        assert any(label in head for label in labels) or "申请人" in head or "Applicant" in head
        hang = width(head)
        for line in row[1:]:  # the continuation starts under the value, not at the margin
            assert line[:len(line) - len(line.lstrip(" "))] == " " * hang, (head, line)
    applicant = next(r for r in long if "欧阳司马慕容长孙诸葛明" in r[0])
    whole = "".join(line.strip() for line in applicant)
    assert GUARDIAN["name"] in whole and "138****1234" in whole  # nothing lost, phone masked


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_in_a_pipe_a_row_is_one_line(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    said = review(monkeypatch, lang, terminal=False)
    assert all(len(r) == 1 for r in rows(said))
    assert any(ADDRESS in line and GUARDIAN["name"] in line for line in said)


@pytest.mark.parametrize("cells", [40, 60, 80, 120])
def test_review_row_any_width(cells: int) -> None:
    """The asking module's own row: within ``cells``, the value's text all there, the
    continuation under the value (or 5 columns in where the label leaves no room)."""
    set_language("zh")
    value = "，".join(["欧阳司马慕容长孙诸葛明", ADDRESS, "监护人 " + GUARDIAN["name"]] * 2)
    lines = asking.review(12, "被申请人", value, cells)
    assert max(width(line) for line in lines) <= cells
    assert "".join(line.strip() for line in lines).endswith(GUARDIAN["name"])
    hang = width(" 12. 被申请人：") if cells - width(" 12. 被申请人：") >= 20 else 5
    assert all(line.startswith(" " * hang) and line[hang] != " " for line in lines[1:])
    assert asking.review(12, "被申请人", value, None) == [" 12. 被申请人：" + value]

"""The guided intake's review (before 确认登记吗) at 80 columns (issue 14): a row too long for a
line, a party with a long address and a guardian with a long name, wraps with a hanging indent
under its value, never back to the margin; every line within 80 columns; in a pipe, one line.
No value is split (a property: organisations with representatives, persons with guardians, at
60, 80 and 100 columns, zh and en)."""

from __future__ import annotations

import io
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import asking, prompts
from cli.lines import width
from mediation.core.i18n import _, name, set_language

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


# Issue 14 (a clerk's trial): ``法定代表人王建华（总经`` / ``理）``. Whatever the parties, at any
# width, in either language, no value of the review is split across two lines: a party's name,
# an organisation's representative and title, a guardian's name, relation, masked ID number
# and phone.
_HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_NAMES = st.text(_HAN, min_size=2, max_size=12)
_TITLES = st.one_of(st.sampled_from(["总经理", "董事长", "执行董事兼总经理", "主任", "厂长"]),
                    st.text(_HAN, min_size=2, max_size=10))
_PHONES = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
_IDS = st.sampled_from(["430104201001010018", "43010419800101001X", "110101199003074514"])


@st.composite
def _organisation(draw: st.DrawFn) -> dict[str, object]:
    rep = {"name": draw(_NAMES), "title": draw(_TITLES)}
    return {"role": draw(st.sampled_from(["applicant", "respondent"])),
            "kind": draw(st.sampled_from(["legal_person", "organisation"])),
            "name": draw(_NAMES) + "有限公司", "phone": draw(_PHONES),
            "address": draw(st.sampled_from([ADDRESS, "龙王港路8号"])), "representative": rep}


@st.composite
def _ward(draw: st.DrawFn) -> dict[str, object]:
    guardian = {"name": draw(_NAMES), "relation": draw(st.sampled_from(
        ["parent", "grandparent", "spouse", "adult_child", "sibling", "other_relative"])),
        "id_number": draw(_IDS), "phone": draw(_PHONES)}
    return {"role": draw(st.sampled_from(["applicant", "respondent"])), "kind": "person",
            "name": draw(_NAMES), "sex": "male", "id_number": draw(_IDS),
            "phone": draw(_PHONES), "address": ADDRESS, "guardian": guardian}


def _values(p: dict[str, object]) -> list[str]:
    """What the review must show whole of a party."""
    from mediation.core import identity

    found = [str(p["name"]), identity.mask_phone(str(p["phone"])) or ""]
    rep = p.get("representative")
    if isinstance(rep, dict):
        found += [rep["name"], rep["title"]]
    g = p.get("guardian")
    if isinstance(g, dict):
        found += [g["name"], name("relation", g["relation"]),
                  identity.mask_id(g["id_number"]) or "", identity.mask_phone(g["phone"]) or ""]
    return [v for v in found if v]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("cells", [60, 80, 100])
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parties=st.lists(st.one_of(_organisation(), _ward()), min_size=1, max_size=3))
def test_no_value_is_split(monkeypatch: pytest.MonkeyPatch, lang: str, cells: int,
                           parties: list[dict[str, object]]) -> None:
    set_language(lang)
    monkeypatch.setenv("COLUMNS", str(cells))
    form = prompts.Form(None)
    form.record = {"category": "02", "source": "party", "summary": "楼上漏水",
                   "requests": "赔偿", "risk_level": "low"}
    form.parties = parties
    err = TerminalErr()
    monkeypatch.setattr(sys, "stderr", err)
    try:
        form.summary()
    finally:
        monkeypatch.setattr(sys, "stderr", sys.__stderr__)
    said = rows(err.getvalue().splitlines())
    assert max(width(line) for row in said for line in row) <= cells
    for p, row in zip(parties, said[-len(parties):], strict=True):
        for value in _values(p):
            assert any(value in line for line in row), (value, row)

"""Output that fits, for any case (issue 14): ``case list``, ``case show`` and the timelines
(``case history``, ``audit log``, ``audit case``) rendered for
generated cases (names up to 20 Han characters, organisations' registered names, several
parties, long addresses, every state and category, revealed or masked) on a terminal 80, 100
and 120 columns wide, in zh and en: no line is wider than the terminal and every name, case
number, state, ID number, phone number and date appears whole on one line; a name is never cut
(no ``…`` in a case list: a side of many parties is named by its first, ``罗霞等3人``; a name
too wide for its column goes under its row, and the list stays a table). Piped,
the list is one tab-separated row per case, every name in full. In a timeline no label ends a
line apart from its value (``证件号码：`` alone), no file name, case number, date, hash prefix,
masked number or name is split (tests/property/test_party_changes.py: only what changed).

The demo database's views are checked the same way by tests/cli/test_no_split.py and
test_units_at_80.py; this renders the views (cli.render.case_list, cli.caseview.case_view)
directly, so that many cases are tried in seconds.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from cli.caseview import case_view
from cli.lines import width
from cli.render import case_list
from cli.timeline import events
from mediation.caselist import CaseSummary
from mediation.cases import CaseView, PartyView
from mediation.core import categories
from mediation.core.i18n import name, set_language
from mediation.core.vocab import State
from mediation.tables import EventView
from tests.conftest import TerminalOut

HAN = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方邹熊白孟秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万覃武钱戴严欧莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧阳买提江建国桂英秀兰明华强军平刚"  # noqa: E501
SUFFIXES = ("有限公司", "物业服务中心", "装饰工程有限公司", "村民委员会", "小区业主委员会")
ETHNIC = ("汉族", "土家族", "柯尔克孜族", "维吾尔族", "蒙古族", "鄂温克族")
PLACES = ("湖南省", "长沙市", "岳麓区", "龙王港街道", "桐梓坡路", "望月湖社区", "枫林三路",
          "金星北路", "咸嘉湖街道", "银杉路", "8栋", "502", "二单元", "物业服务中心一楼")
WIDTHS = (80, 100, 120)
_STYLE = re.compile(r"\x1b\[[0-9;]*m")

person = st.text(HAN, min_size=2, max_size=20)
organisation = st.builds(lambda head, tail: head + tail, st.text(HAN, min_size=2, max_size=12),
                         st.sampled_from(SUFFIXES))
party_name = st.one_of(person, person.map(lambda n: n[:2] + "·" + n[2:] if len(n) > 3 else n),
                       organisation)
states = st.sampled_from([s.value for s in State])
codes = st.sampled_from(categories.codes())
numbers = st.builds(lambda y, n: f"({y})龙人调字第{n}号", st.integers(2020, 2030),
                    st.integers(1, 99999))
days = st.dates(date(1950, 1, 1), date(2026, 12, 31)).map(lambda d: d.isoformat())


@st.composite
def summaries(draw: st.DrawFn) -> CaseSummary:
    deadline = draw(st.none() | days)
    overdue = deadline is not None and draw(st.booleans())
    return CaseSummary(
        id=draw(st.integers(1, 200_000)), number=draw(numbers), state=draw(states),
        category=draw(codes), source="application",
        applicants=draw(st.lists(party_name, min_size=1, max_size=4)),
        respondents=draw(st.lists(party_name, min_size=1, max_size=5)),
        lead_mediator=draw(st.none() | st.just("liming")), registered_at=None,
        accepted_at=None, deadline=None, overdue=overdue, version=1,
        days_overdue=draw(st.integers(1, 400)) if overdue else 0,
        deadline_last_day=deadline,
        lead_mediator_name=draw(st.none() | st.sampled_from(["李明", "欧阳·买买提江"])))


@st.composite
def parties(draw: st.DrawFn, masked: bool) -> PartyView:
    kind = draw(st.sampled_from(["person", "organisation", "legal_person"]))
    is_person = kind == "person"
    address = "".join(draw(st.lists(st.sampled_from(PLACES), min_size=0, max_size=12)))
    return PartyView(
        role=draw(st.sampled_from(["applicant", "respondent"])), kind=kind,
        name=draw(person if is_person else organisation),
        sex=draw(st.sampled_from(["male", "female"])) if is_person else None,
        ethnicity=draw(st.none() | st.sampled_from(ETHNIC)) if is_person else None,
        birth_date=None if masked or not is_person else draw(st.none() | days),
        id_type="resident_id" if is_person else None,
        id_number=("430***********0014" if masked else "430104198003120014")
        if is_person and draw(st.booleans()) else None,
        phone=draw(st.sampled_from(["138****5678", "073******0000"] if masked
                                   else ["13812345678", "0731-88880000"])),
        address=("湖南省长沙市岳麓区***" if masked else address) if address else None,
        guardian=None, masked=masked,
        # an organisation's 法定代表人 or 主要负责人: a person's name (masked or not), a title
        # up to the field's bound (RepresentativeIn: 30 characters)
        representative=None if is_person or not draw(st.booleans()) else {
            "name": "王某" if masked else draw(person),
            "title": draw(st.none() | st.text(st.sampled_from("总经理董事长主任负责人执行合伙人"),
                                               min_size=1, max_size=30))})


@st.composite
def views(draw: st.DrawFn) -> CaseView:
    masked = draw(st.booleans())
    return CaseView(
        id=1, number=draw(numbers), committee="龙王港社区人民调解委员会", state=draw(states),
        version=draw(st.integers(1, 40)), category=draw(codes), source="application",
        referral_ref=None, summary=draw(st.text(HAN + "，。", max_size=200)),
        requests=draw(st.text(HAN + "，。", max_size=80)), risk_level="low",
        persons_involved=2, amount=None, registrar="wangfang", duplicate_of=None,
        dates={"registered_at": "2026-09-18T03:45:00Z"}, deadline=None,
        deadline_last_day=draw(st.none() | days), overdue=draw(st.booleans()),
        decline_reason=None, termination_reason=None, advice=None,
        parties=draw(st.lists(parties(masked), min_size=1, max_size=5)), mediators=[],
        sessions=[], agreements=[], extensions=[], follow_ups=[], judicial_confirmations=[],
        preventions=[])


@contextmanager
def terminal(cells: int | None, lang: str) -> Iterator[io.StringIO]:
    """Standard output as a terminal ``cells`` wide (a pipe for None), the language ``lang``."""
    saved, columns = sys.stdout, os.environ.get("COLUMNS")
    shown: io.StringIO = TerminalOut() if cells else io.StringIO()
    os.environ["COLUMNS"] = str(cells or 200)
    sys.stdout = shown
    set_language(lang)
    try:
        yield shown
    finally:
        sys.stdout = saved
        set_language("en")
        if columns is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = columns


def _lines(shown: io.StringIO, cells: int) -> list[str]:
    lines = _STYLE.sub("", shown.getvalue()).splitlines()
    assert max((width(line) for line in lines), default=0) <= cells, "\n".join(lines)
    assert not any(mark in line for line in lines for mark in ("\ue000", "\ue001", "\ue002"))
    return lines


def _whole(lines: list[str], values: set[str]) -> None:
    for value in values:
        assert any(value in line for line in lines), (value, "\n".join(lines))


@given(rows=st.lists(summaries(), min_size=1, max_size=6), lang=st.sampled_from(["zh", "en"]))
def test_a_case_list_fits_and_keeps_every_name_whole(rows: list[CaseSummary],
                                                     lang: str) -> None:
    for cells in WIDTHS:
        with terminal(cells, lang) as shown:
            case_list(rows, total=len(rows))
        lines = _lines(shown, cells)
        assert "…" not in shown.getvalue()  # no name cut, none left out unsaid
        assert lines[0].split()[:2] == (["编号", "案号"] if lang == "zh" else ["ID", "Number"])
        set_language(lang)
        values = {r.number for r in rows} | {name("state", r.state) for r in rows}
        values |= {r.deadline_last_day for r in rows if r.deadline_last_day}
        set_language("en")
        for r in rows:  # every name, or a side of several named by its first (罗霞等3人)
            for side in (r.applicants, r.respondents):
                said = [n for n in side if any(n in line for line in lines)]
                assert side[0] in said, (side, "\n".join(lines))
                assert len(said) == len(side) or any(
                    f"等{len(side)}人" in line or f"({len(side)})" in line for line in lines)
        _whole(lines, values)
    with terminal(None, lang) as piped:  # a pipe: a row a case, the names in full
        case_list(rows, total=len(rows))
    got = [line.split("\t") for line in piped.getvalue().splitlines()]
    assert [len(r) for r in got] == [7] * len(rows)
    for r, row in zip(rows, got, strict=True):
        assert all(n in row[3] for n in r.applicants + r.respondents)


@given(view=views(), lang=st.sampled_from(["zh", "en"]))
def test_a_case_file_fits_and_keeps_every_value_whole(view: CaseView, lang: str) -> None:
    values = {view.number} | {p.name for p in view.parties}
    values |= {v for p in view.parties for v in (p.id_number, p.phone, p.birth_date) if v}
    # an organisation's representative: its name and title, each whole
    values |= {v for p in view.parties for v in (p.representative or {}).values() if v}
    set_language(lang)
    values.add(name("state", view.state))
    set_language("en")
    for cells in WIDTHS:
        with terminal(cells, lang) as shown:
            case_view(view, as_json=False)
        lines = _lines(shown, cells)
        _whole(lines, values)
        birth = "出生日期" if lang == "zh" else "Date of birth"
        assert any(birth in line for line in lines) == any(p.birth_date for p in view.parties)
        for p in view.parties:  # an address's places whole (the address wraps between them)
            for place in re.findall("|".join(PLACES), p.address or ""):
                assert any(place in line for line in lines), (place, "\n".join(lines))


# --- timelines (case history, audit log, audit case) ---------------------------------------

hashes = st.text("0123456789abcdef", min_size=16, max_size=16)
files = st.builds(lambda d, n, ext: f"备份/{d}/{n}.{ext}", st.text(HAN, min_size=1, max_size=6),
                  st.text(HAN + "-", min_size=1, max_size=12).map(lambda n: n + "-2026-12-01"),
                  st.sampled_from(["db", "docx", "json", "pdf"]))
prose = st.text(HAN + "，。", min_size=0, max_size=30)
phones = st.integers(0, 9999).map(lambda n: f"139****{n:04d}")
ids = st.integers(0, 9999).map(lambda n: f"430***********{n:04d}")


@st.composite
def event_parties(draw: st.DrawFn) -> dict[str, object]:
    party: dict[str, object] = {"role": draw(st.sampled_from(["applicant", "respondent"])),
                                "kind": "person", "name": draw(person), "phone": draw(phones)}
    if draw(st.booleans()):
        party["id_number"] = draw(ids)
    if draw(st.booleans()):
        party["guardian"] = {"name": draw(person), "relation": "parent", "phone": draw(phones)}
    return party


@st.composite
def timelines(draw: st.DrawFn) -> tuple[list[EventView], set[str]]:
    """Events holding what must stay whole (returned with them): names, masked numbers,
    file names, case numbers, dates, hash prefixes, in records and in prose."""
    whole: set[str] = set()
    rows = []
    for seq in range(1, draw(st.integers(1, 4)) + 1):
        number, file, day, digest = draw(numbers), draw(files), draw(days), draw(hashes)
        whole |= {number, file, day, digest}
        note = "".join(draw(st.permutations(
            [draw(prose), f" {file} ", number, f" {day} ", draw(prose)])))
        parties = draw(st.lists(event_parties(), min_size=1, max_size=3))
        for p in parties:
            whole |= {str(p["name"]), str(p["phone"]), str(p.get("id_number", p["phone"]))}
        changes: dict[str, object] = {
            "parties": [None, parties], "note": [None, note], "fingerprint": [None, digest],
            "file": [None, file], "deadline": [None, f"{day}T15:59:59Z"]}
        rows.append(EventView(seq=seq, at="2026-12-01T13:45:00Z", case=number,
                              actor="wangfang", role="director", action="new",
                              from_state=None, to_state="intake", version=1,
                              reason=draw(prose) + " " + file, changes=changes,
                              hash=digest))
    return rows, whole


def _no_label_alone(lines: list[str]) -> None:
    """No line ends with a label whose value is on the next (``证件号码：`` / ``phone:``)."""
    for line in lines:
        assert not line.rstrip().endswith(("：", ":")), "\n".join(lines)


@given(made=timelines(), lang=st.sampled_from(["zh", "en"]), with_case=st.booleans())
def test_a_timeline_fits_and_keeps_each_value_whole_and_by_its_label(
        made: tuple[list[EventView], set[str]], lang: str, with_case: bool) -> None:
    rows, whole = made
    for cells in WIDTHS:
        with terminal(cells, lang) as shown:
            events(rows, fmt=None, as_json=False, with_case=with_case)
        lines = _lines(shown, cells)
        _whole(lines, {w for w in whole if width(w) <= cells - 6})
        _no_label_alone(lines)
    with terminal(None, lang) as piped:  # a pipe: a row an event, nothing wrapped
        events(rows, fmt=None, as_json=False, with_case=with_case)
    got = piped.getvalue().splitlines()
    assert len(got) == len(rows) and all(w in piped.getvalue() for w in whole)
    assert not any(mark in piped.getvalue() for mark in ("\ue000", "\ue001", "\ue002"))

"""One redaction (issue 11): whose names, one normal form, numbers in every written form,
addresses to the district, spreadsheet cells that never run (no database)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from hypothesis import given
from hypothesis import strategies as st

from mediation.core import cells, identity, redaction
from mediation.core.clock import iso

first17 = st.builds(lambda region, born, serial: f"{region}{born:%Y%m%d}{serial:03d}",
                    st.sampled_from(["430104", "110105", "650102", "540102"]),
                    st.dates(date(1940, 1, 1), date(2010, 12, 31)), st.integers(0, 999))
resident_id = first17.map(lambda f: f + identity.gb11643_check_char(f))
mobile = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)
WIDE = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@st.composite
def written(draw: st.DrawFn, number: str) -> str:
    """``number`` as people write it: groups split by spaces or hyphens, full-width digits,
    a lower-case x, and for a mobile a +86 / 0086 / (+86) prefix."""
    sep = draw(st.sampled_from(["", " ", "-", " - ", "\u3000", "－"]))
    cuts = ([3, 7] if len(number) == 11 else [6, 14]) if sep else []
    parts = [number[i:j] for i, j in zip([0, *cuts], [*cuts, None], strict=True)]
    text = sep.join(parts)
    if draw(st.booleans()):
        text = text.translate(WIDE)
    if text.endswith("X") and draw(st.booleans()):
        text = text[:-1] + "x"
    if len(number) == 11:
        text = draw(st.sampled_from(["", "+86", "+86 ", "0086", "(+86)", "86-", "＋８６"])) + text
    return text


def plain_digits(text: str) -> str:
    """The text as a reader's eye (or a search) would normalise it: full-width folded, and
    separators between digits removed."""
    folded = text.translate(str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789XX"))
    return re.sub(r"(?<=[0-9])[\s\-－\u3000.．]+(?=[0-9Xx])", "", folded).upper()


prose = st.text(alphabet="的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要",
                max_size=12)


@given(before=prose, after=prose, id_number=resident_id, phone=mobile, data=st.data())
def test_scrub_leaves_no_id_or_phone_in_any_written_form(
        before: str, after: str, id_number: str, phone: str, data: st.DataObject) -> None:
    text = (before + data.draw(written(id_number)) + "，电话" + data.draw(written(phone))
            + after)
    out = redaction.scrub(text) or ""
    assert id_number not in plain_digits(out)
    assert phone not in plain_digits(out)
    assert redaction.scrub(out) == out  # idempotent: the event log and the views agree


def test_scrub_masks_as_the_masks_do_and_leaves_dates_and_amounts() -> None:
    assert redaction.scrub("身份证 110105 19491231 0021") == "身份证 110***********0021"
    assert redaction.scrub("+86 138-1234-5678") == "+86 138****5678"
    assert redaction.scrub("（0731）8888 8888") == "073*****8888"
    assert redaction.scrub("ID110105194912310021") == "ID110***********0021"
    kept = "2026-11-30 09:50 赔偿12000000元，案号（2026）龙人调字第12号"
    assert redaction.scrub(kept) == kept


@given(st.one_of(st.datetimes(datetime(1900, 1, 1), datetime(9999, 12, 31)),
                 st.dates(date(1900, 1, 1), date(9999, 12, 31))))
def test_an_instant_or_a_date_as_recorded_is_left_as_the_full_scrub_leaves_it(
        value: date) -> None:
    """scrub's shortcut for a whole value that is clock.iso's instant or date (issue 18) gives
    what the three expressions give: every such value unchanged."""
    text = iso(value)
    assert text is not None and redaction._INSTANT_RE.fullmatch(text)
    assert redaction._scrub_numbers(text) == text
    assert redaction.scrub(text) == text


DOTS = st.sampled_from(["·", "•", "・", ".", " · ", " . ", "．", "･"])
uyghur = st.tuples(st.sampled_from(["阿依古丽", "买买提", "艾尔肯"]),
                   st.sampled_from(["买买提", "吐尔逊", "阿不都"]))


@given(parts=uyghur, dot=DOTS, other=DOTS)
def test_every_spelling_of_a_dotted_name_has_one_normal_form(
        parts: tuple[str, str], dot: str, other: str) -> None:
    a, b = parts
    assert redaction.normal_name(a + dot + b) == redaction.normal_name(a + other + b) == \
        f"{a}·{b}"
    text = f"据{a}{other}{b}称，{a}{dot}{b}已付款"
    out = redaction.redact_names(text, [a + dot + b]) or ""
    assert a + "·" + b not in redaction.normal_name(out)
    assert b not in out


def test_stray_spaces_in_han_names() -> None:
    assert redaction.normal_name(" 张 三 ") == "张三"
    assert redaction.normal_name("欧阳\u3000娜娜") == "欧阳娜娜"
    assert redaction.normal_name("J. Smith") == "J. Smith"  # a Latin name keeps its stops
    assert redaction.redact_names("张 三与李四", ["张三"]) == "张某与李四"


@dataclass
class P:
    kind: str
    name: str
    guardian_name: str | None = None
    representative_name: str | None = None


def test_persons_are_parties_who_are_persons_and_guardians_not_organisations() -> None:
    parties = [P("person", "张小明", "张三"), P("legal_person", "长沙物业有限公司", None, "王建华"),
               P("organisation", "某某业委会")]
    # an organisation's name stays; its representative (法定代表人) is a person: masked
    assert redaction.persons(parties) == ["张小明", "张三", "王建华"]
    assert redaction.persons_of_rows([("长沙物业有限公司", "legal_person", None, "王建华"),
                                      ("张小明", "person", "张三")]) == ["王建华", "张小明", "张三"]
    company = "长沙物业有限公司"
    assert redaction.shown_name(company, "legal_person", full=False) == company
    assert redaction.shown_name("张小明", "person", full=False) == "张某"


def test_addresses_are_cut_to_the_district_or_to_nothing() -> None:
    cut = redaction.mask_address
    assert cut("湖南省长沙市岳麓区龙王港街道8栋502") == "湖南省长沙市岳麓区***"
    assert cut("北京市东城区东直门南大街1号") == "北京市东城区***"
    assert cut("浙江省义乌市稠城街道") == "浙江省义乌市***"
    assert cut("新疆维吾尔自治区乌鲁木齐市天山区解放路") == "新疆维吾尔自治区乌鲁木齐市天山区***"
    for nothing in ("龙王港路8号金色小区3栋", "金色小区3栋502", "幸福家园1栋", "东区5栋",
                    "人民路88号", "Room 5, 8 Main St"):
        assert cut(nothing) == "***", nothing


@given(st.text(max_size=8), st.sampled_from(cells.TRIGGERS))
def test_a_cell_starting_with_a_formula_trigger_is_inert(rest: str, trigger: str) -> None:
    shown = cells.inert(trigger + rest)
    assert isinstance(shown, str) and not shown.startswith(cells.TRIGGERS)
    assert cells.inert(12) == 12 and cells.inert("张三") == "张三"

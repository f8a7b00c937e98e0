"""The one normaliser (mediation/core/normalise.py): the issue's examples, then properties.

Properties: any full-width/IME rendering of a valid value normalises to the same canonical
value; no control character survives the text normaliser; every encoding of a text decodes to
the same text or is refused with one message.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core import encodings, identity, money, normalise
from mediation.core.i18n import set_language

VALID_ID = "11010519491231002X"


def full_width(text: str) -> str:
    """What a Chinese input method types: ASCII as its full-width form, space as U+3000."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c
                   for c in text)


# ---------------------------------------------------------------------------------------------
# The examples


@pytest.mark.parametrize("typed", ["（2026）龙人调字第1号", "(2026)龙人调字第１号",
                                   "（２０２６）龙人调字第１号", " (2026) 龙人调字第1号 "])
def test_case_references_typed_any_width_are_one(typed: str) -> None:
    assert normalise.case_ref(typed) == "(2026)龙人调字第1号"
    assert normalise.case_key(typed) == "(2026)龙人调字第1号"


def test_case_ids_are_ints_and_huge_digits_are_not() -> None:
    assert normalise.case_key("１２") == 12
    assert normalise.case_key(" 7 ") == 7
    assert normalise.case_key("9" * 40) == "9" * 40
    assert normalise.case_key("١٢") == "١٢"  # Arabic-Indic digits are not an id


@pytest.mark.parametrize("typed", ["13812345678", "１３８１２３４５６７８", "138-1234-5678",
                                   "138 1234 5678", "+86-138-1234-5678", "+86 13812345678",
                                   "0086 138 1234 5678", "(+86)13812345678", "138－1234－5678",
                                   "138—1234—5678", "１３８　１２３４　５６７８"])
def test_mobile_numbers_in_every_written_form(typed: str) -> None:
    assert normalise.phone(typed) == "13812345678"


@pytest.mark.parametrize(("typed", "canonical"), [
    ("0731-88886666", "0731-88886666"), ("0731－88886666", "0731-88886666"),
    ("０７３１－８８８８６６６６", "0731-88886666"), ("073188886666", "0731-88886666"),
    ("(0731)88886666", "0731-88886666"), ("0731 8888 6666", "0731-88886666"),
    ("+86 731 88886666", "0731-88886666"), ("010-62345678", "010-62345678"),
    ("0731-88886666-123", "0731-88886666-123"), ("021 6234 5678", "021-62345678"),
])
def test_landlines_in_every_written_form(typed: str, canonical: str) -> None:
    assert normalise.phone(typed) == canonical


@pytest.mark.parametrize("typed", ["1234", "12812345678", "1381234567", "138123456789",
                                   "88886666", "abc", "138-1234-567８9x", "+1 415 555 0100",
                                   "13٨12345678", "((0731)88886666", ""])
def test_other_phone_forms_are_refused_naming_the_accepted_ones(typed: str) -> None:
    set_language("en")
    with pytest.raises(normalise.Unreadable) as exc:
        normalise.phone(typed)
    assert "138-1234-5678" in str(exc.value) and "0731-88886666" in str(exc.value)


@pytest.mark.parametrize(("typed", "value"), [
    ("500元", Decimal(500)), ("1,500", Decimal(1500)), ("1500.00", Decimal("1500.00")),
    ("１５００", Decimal(1500)), ("¥1,234,567.89", Decimal("1234567.89")),
    ("￥500", Decimal(500)), ("1.5万", Decimal(15000)), ("1.5万元", Decimal(15000)),
    (1500, Decimal(1500)), (1500.5, Decimal("1500.5")), ("0", Decimal(0)),
    ("1000000000.00", Decimal("1000000000.00")),
])
def test_amounts_in_every_written_form(typed: str | int | float, value: Decimal) -> None:
    assert money.amount(typed) == value


@pytest.mark.parametrize(("typed", "kind", "words"), [
    ("1500.005", normalise.OutOfRange, "more than two decimals"),
    (1500.005, normalise.OutOfRange, "more than two decimals"),
    ("1000000000.01", normalise.OutOfRange, "1,000,000,000.00"),
    (1e30, normalise.OutOfRange, "1,000,000,000.00"),
    ("-5", normalise.OutOfRange, "negative"),
    ("1e30", normalise.Unreadable, "500元"), ("1,50", normalise.Unreadable, "1,500"),
    ("nan", normalise.Unreadable, "1,500"), ("inf", normalise.Unreadable, "1,500"),
    (float("nan"), normalise.Unreadable, "1,500"), (True, normalise.Unreadable, "1,500"),
    ("五百元", normalise.Unreadable, "1,500"),
])
def test_bad_amounts_are_refused_never_rounded(typed: object, kind: type[Exception],
                                               words: str) -> None:
    set_language("en")
    with pytest.raises(kind) as exc:
        money.amount(typed)  # type: ignore[arg-type]
    assert words in str(exc.value)


@pytest.mark.parametrize("typed", ["2026-12-31", "2026/12/31", "2026.12.31", "2026年12月31日",
                                   "２０２６-１２-３１", "２０２６年１２月３１日", "2026年12月31号",
                                   " 2026 / 12 / 31 ", "2026。12。31"])
def test_dates_in_every_written_form(typed: str) -> None:
    assert normalise.date_(typed) == date(2026, 12, 31)


def test_dates_refused_name_the_forms() -> None:
    set_language("en")
    with pytest.raises(normalise.Unreadable, match="2026年12月31日"):
        normalise.date_("31/12/2026")
    with pytest.raises(normalise.Unreadable, match="not a real date"):
        normalise.date_("2026/02/30")


def test_full_width_resident_ids_are_read_and_not_told_18_characters() -> None:
    typed = full_width(VALID_ID.lower())
    assert len(typed) == 18
    assert identity.resident_id_problem(typed) is None
    assert identity.normalise_resident_id(typed) == VALID_ID
    assert identity.normalise_resident_id("110105 19491231 002x") == VALID_ID


def test_resident_id_birth_dates_before_1900_or_in_the_future_are_refused() -> None:
    old = "11010518991231002"
    future = "11010530001231002"
    for first17, words in ((old, "before 1900"), (future, "in the future")):
        value = first17 + identity.gb11643_check_char(first17)
        assert words in (identity.resident_id_problem(value) or "")
    today = date(2026, 11, 30)
    tomorrow = "110105" + "20261201" + "002"
    value = tomorrow + identity.gb11643_check_char(tomorrow)
    assert identity.check_resident_id(value, today) == "the birth date inside it is in the future"
    assert identity.check_resident_id(value, date(2026, 12, 1)) == (value, date(2026, 12, 1))


def test_the_sex_digit() -> None:
    assert identity.sex_of_resident_id(VALID_ID) == "female"  # 17th digit 2: even
    first17 = "11010519491231001"
    assert identity.sex_of_resident_id(first17 + identity.gb11643_check_char(first17)) == "male"


@pytest.mark.parametrize(("typed", "clean"), [
    ("龙王港\x0b社区人民调解委员会", "龙王港 社区人民调解委员会"),
    ("张\x00三", "张三"), ("\x1b[2J\x1b[1;31m张三\x1b[0m", "张三"),
    ("a\x1b]8;;http://x\x07link\x1b]8;;\x07b", "alinkb"), ("王\u202e五", "王五"),
    ("双方，同意（１）", "双方，同意（１）"),  # free text keeps its punctuation and widths
])
def test_control_characters_are_removed_from_text(typed: str, clean: str) -> None:
    assert normalise.text(typed) == clean


def test_multiline_text_keeps_line_breaks_of_every_kind_as_newlines() -> None:
    assert normalise.text("一\r\n二\x0b三\u2028四\t五", multiline=True) == "一\n二\n三\n四\t五"
    assert normalise.text("一\r\n二", multiline=False) == "一 二"


@pytest.mark.parametrize(("typed", "code"), [("Party_Refuses", "party_refuses"),
                                             ("ｐａｒｔｙ－ｒｅｆｕｓｅｓ", "party_refuses"),
                                             (" no agreement ", "no_agreement"),
                                             ("调解中", "调解中")])
def test_codes(typed: str, code: str) -> None:
    assert normalise.code(typed) == code


def test_fold_width_is_one_for_one() -> None:
    typed = "电话１３８　１２３４"
    assert len(normalise.fold_width(typed)) == len(typed)
    assert normalise.fold_width(typed) == "电话138 1234"


# ---------------------------------------------------------------------------------------------
# Encodings


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32", "gb18030",
                                      "gbk"])
def test_every_accepted_encoding_reads_the_same_text(encoding: str) -> None:
    text = '{"summary": "邻里噪音纠纷，（２０２６）"}'
    decoded, note = encodings.decode(text.encode(encoding))
    assert decoded == text
    assert note == ("GB18030" if encoding in ("gb18030", "gbk") else None)


@pytest.mark.parametrize("data", ['{"a": "张三"}'.encode("utf-16-le"), b"\xff\xfe\xff",
                                  b"\xef\xbb\xbf\xff", b"\x81\x30\x81", bytes(range(256))])
def test_anything_else_is_refused_in_one_line(data: bytes) -> None:
    set_language("en")
    with pytest.raises(normalise.Unreadable, match="not UTF-8 or GB18030: save it as UTF-8"):
        encodings.decode(data)


# ---------------------------------------------------------------------------------------------
# Properties

_forms = st.sampled_from(["full", "half", "mixed"])


def _render(text: str, form: str, draw_mask: list[bool]) -> str:
    if form == "half":
        return text
    if form == "full":
        return full_width(text)
    return "".join(full_width(c) if m else c for c, m in zip(text, draw_mask, strict=False))


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), _forms,
       st.lists(st.booleans(), min_size=11, max_size=11),
       st.sampled_from(["{}", "{0}-{1}-{2}", "{0} {1} {2}", "+86-{}", "0086 {}",
                        "+86 {0} {1} {2}"]))
def test_any_rendering_of_a_mobile_normalises_to_it(mobile: str, form: str, mask: list[bool],
                                                    layout: str) -> None:
    written = layout.format(mobile[:3], mobile[3:7], mobile[7:]) if "{0}" in layout \
        else layout.format(mobile)
    assert normalise.phone(_render(written, form, mask * 3)) == mobile


@given(st.from_regex(r"[1-8][0-9]{5}(19[0-9]{2}|20[01][0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])"
                     r"[0-9]{3}", fullmatch=True), _forms,
       st.lists(st.booleans(), min_size=18, max_size=18), st.booleans())
def test_any_rendering_of_an_id_normalises_to_it(first17: str, form: str, mask: list[bool],
                                                 lower: bool) -> None:
    value = first17 + identity.gb11643_check_char(first17)
    typed = _render(value.lower() if lower else value, form, mask)
    assert identity.check_resident_id(typed) == (value, identity.birth_date_of_resident_id(value))


@given(st.dates(min_value=date(1, 1, 1)), _forms, st.lists(st.booleans(), min_size=12,
                                                           max_size=12),
       st.sampled_from(["{:04d}-{:02d}-{:02d}", "{:04d}/{}/{}", "{:04d}.{:02d}.{}",
                        "{:04d}年{}月{}日"]))
def test_any_rendering_of_a_date_normalises_to_it(day: date, form: str, mask: list[bool],
                                                  layout: str) -> None:
    typed = _render(layout.format(day.year, day.month, day.day), form, mask)
    assert normalise.date_(typed) == day


@given(st.integers(min_value=0, max_value=money.MAX_AMOUNT_FEN), _forms,
       st.lists(st.booleans(), min_size=20, max_size=20), st.booleans(), st.booleans())
def test_any_rendering_of_an_amount_normalises_to_it(fen: int, form: str, mask: list[bool],
                                                     grouped: bool, yuan_sign: bool) -> None:
    value = Decimal(fen) / 100
    written = f"{value:,.2f}" if grouped else f"{value:.2f}"
    written = written + "元" if yuan_sign else written
    assert money.amount(_render(written, form, mask)) == value


_controls = st.characters(codec=None, categories=["Cc", "Cs"]) | st.sampled_from(
    ["\x1b[2J", "\x1b]0;x\x07", "\u202e", "\u2066", "\ufeff", "\x9b31m"])


@given(st.lists(st.text(max_size=5) | _controls, max_size=12), st.booleans())
def test_no_control_character_survives_the_text_normaliser(parts: list[str],
                                                           multiline: bool) -> None:
    out = normalise.text("".join(parts), multiline=multiline)
    allowed = {"\n", "\t"} if multiline else set()
    for c in out:
        assert c in allowed or unicodedata.category(c) not in ("Cc", "Cs"), repr(out)
        assert c not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
    assert normalise.text(out, multiline=multiline) == out  # idempotent


@given(st.text(max_size=40), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32",
                                              "gb18030"]))
def test_any_encoding_of_a_text_reads_back_or_is_refused(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # lone surrogates
        return
    if encoding == "utf-16" and text.startswith("\x00"):  # FF FE 00 00: UTF-32's mark too
        return  # (a text starting with NUL is no one's file; the reader takes UTF-32)
    try:
        decoded, _note = encodings.decode(data)
    except normalise.Unreadable:
        assert encoding in ("gb18030", "utf-8") and "\x00" in text
        return
    if encoding == "gb18030" and _note is None:  # also valid UTF-8: the same bytes, read so
        assert decoded == data.decode("utf-8")
    else:
        assert decoded == text.removeprefix("\ufeff") or decoded == text


# ---------------------------------------------------------------------------------------------
# docs/case-json.md lists every accepted written form and the refusals: it stays true


def _doc_section(title: str) -> str:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "case-json.md").read_text("utf-8")
    return text.split(f"### {title}\n", 1)[1].split("\n#", 1)[0]


@pytest.mark.parametrize(("title", "parse"), [
    ("Phones", normalise.phone), ("Amounts", money.amount), ("Dates", normalise.date_),
])
def test_the_documented_forms_are_the_ones_accepted_and_refused(title: str, parse: Any) -> None:
    import re

    section = _doc_section(title)
    table, _, refused = section.partition("Refused")
    for row in table.splitlines()[2:]:
        if row.startswith("| "):
            for example in re.findall(r"`([^`]+)`", row.split("|")[1]):
                parse(example)  # accepted
    for example in re.findall(r"`([^`]+)`", refused.split("The same forms")[0]):
        with pytest.raises(normalise.Unreadable):
            parse(example)


_any_text = st.text(alphabet=st.characters(codec=None), max_size=30) | st.text(
    alphabet="0123456789０１２３４５６７８９-－—/.年月日号元万¥,， ()（）+xX\u3000\x0b\x1b",
    max_size=30)


@given(_any_text)
def test_the_parsers_answer_every_text_with_a_value_or_unreadable(value: str) -> None:
    """Whatever a clerk or a fuzzer types: a canonical value, or Unreadable; never another
    exception (the CLI would exit 70)."""
    for parse in (normalise.phone, money.amount, normalise.date_, normalise.case_key,
                  normalise.resident_id_text, normalise.integer_text):
        try:
            parse(value)
        except normalise.Unreadable:
            pass
    identity.resident_id_problem(value)
    for fold in (normalise.fold, normalise.code, normalise.case_ref):
        once = fold(value)
        assert fold(once) == once  # idempotent
    found = normalise.phone_or_none(value)
    assert found is None or normalise.phone_or_none(found) == found


def test_a_date_that_does_not_exist_is_unreadable_not_a_bare_error() -> None:
    from datetime import date

    import pytest

    from mediation.core import moments, normalise

    for bad in ("2026-11-31 10:00", "2026-02-30"):  # a moment: THE reader (core/moments)
        with pytest.raises(moments.Unreadable):
            moments.parse(bad, today=date(2026, 12, 1))
    with pytest.raises(normalise.Unreadable):
        normalise.date_("2026-02-30")

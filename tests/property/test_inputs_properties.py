"""Properties of the one normaliser at the entry points (case.json, the import format):

- no control character of any field reaches what is stored;
- any full-width/IME rendering of a record's identifier-like values is stored as the ASCII one;
- any encoding of a valid file reads as the same record, or is refused with one message.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import bulk_validation, intake
from mediation.core import encodings, normalise
from mediation.core.errors import InvalidInput
from tests.conftest import case_record

KEY = b"k" * 32
# The text fields of an intake record, and of its parties, as (path, multiline).
CASE_TEXT = (("summary", True), ("requests", True))
PARTY_TEXT = (("name", False), ("address", False))  # ethnicity: a vocabulary (GB/T 3304)

_controls = st.sampled_from(["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x1b[2J", "\x1b]0;t\x07",
                             "\x7f", "\x85", "\x9b", "\u202e", "\u2066", "\ufeff", "\r",
                             "\u2028", "\ud800", "\t"])
_dirty = st.lists(st.sampled_from(["张", "三", "a", " ", "，", "（"]) | _controls, min_size=1,
                  max_size=8).map("".join)


def _no_controls(value: str, multiline: bool) -> bool:
    allowed = {"\n", "\t"} if multiline else set()
    return all((c in allowed or unicodedata.category(c) not in ("Cc", "Cs"))
               and c not in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
               for c in value)


@given(st.fixed_dictionaries({f: _dirty for f, _ in CASE_TEXT}),
       st.fixed_dictionaries({f: _dirty for f, _ in PARTY_TEXT}))
def test_no_control_character_reaches_storage(case_text: dict[str, str],
                                              party_text: dict[str, str]) -> None:
    record = case_record(**case_text)
    record["parties"][0].update(party_text)
    line = json.dumps(record, ensure_ascii=False)
    try:
        parsed = intake.parse_case(json.loads(line))
    except InvalidInput as exc:  # a field left empty once cleaned: refused, named
        for said in [p.render() for p in exc.details()] or [exc.render()]:  # each problem
            assert "must not be empty" in said or "required" in said or "look like" in said
        return
    for f, multiline in CASE_TEXT:
        assert _no_controls(getattr(parsed, f), multiline)
    for f, _ in PARTY_TEXT:
        assert _no_controls(getattr(parsed.parties[0], f) or "", False)
    # the import reads the same line the same way, and stores what case new stores
    prepared = bulk_validation.prepare(1, line, KEY)
    assert not isinstance(prepared, bulk_validation.Rejected)
    assert prepared == bulk_validation.rows(1, parsed, KEY)


def _wide(text: str, mask: list[bool]) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" and m else c
                   for c, m in zip(text, mask + [False] * len(text), strict=False))


@given(st.lists(st.booleans(), min_size=40, max_size=40), st.sampled_from(
    ["138-1234-5678", "138 1234 5678", "+86 13812345678", "0086 138 1234 5678"]))
def test_an_ime_rendering_of_a_record_is_stored_as_the_ascii_one(mask: list[bool],
                                                                 phone: str) -> None:
    plain = case_record(amount="1,500.50元")
    typed = case_record(category=_wide("02", mask), amount=_wide("1,500.50", mask) + "元",
                        source=_wide("application", mask[3:]))
    for p, q in zip(plain["parties"], typed["parties"], strict=True):
        q["id_number"] = _wide(p["id_number"], mask[5:])
        q["phone"] = _wide(phone, mask[7:])
        p["phone"] = "13812345678"
    assert intake.parse_case(typed) == intake.parse_case(plain)


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "gb18030",
             "gbk", "big5", "shift_jis", "latin-1", "cp1252"]


@settings(max_examples=30)
@given(st.sampled_from(ENCODINGS), st.sampled_from(["张三", "欧阳娜娜", "Zhang San", "李四"]),
       st.sampled_from(["邻里噪音纠纷。", "漏水（２０２６）", "abc"]))
def test_any_encoding_of_a_valid_file_reads_alike_or_is_refused(tmp_path_factory: Any,
                                                                encoding: str, name: str,
                                                                summary: str) -> None:
    record = case_record(summary=summary)
    record["parties"][0]["name"] = name
    text = json.dumps(record, ensure_ascii=False)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return  # this encoding cannot hold the text at all
    expected = intake.parse_case(json.loads(text))
    path: Path = tmp_path_factory.mktemp("enc") / "cases.jsonl"
    path.write_bytes(data)
    try:
        decoded, _note = encodings.decode(data)
    except normalise.Unreadable:
        with pytest.raises(normalise.Unreadable):
            encodings.file_encoding(path)
        return
    assert intake.load_case_file(decoded, origin="case.json") == expected
    codec, _ = encodings.file_encoding(path)
    with path.open(encoding=codec) as fh:
        assert intake.load_case_file(fh.read(), origin="case.json") == expected

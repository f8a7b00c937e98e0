"""A value a message quotes is never echoed with a full ID or phone number in it (issue 14).

A clerk typing a resident ID number into the wrong field (监护人电话, 性别, 民族...) saw it
echoed in full in the refusal. Every message quotes its values through one function
(i18n.quoted, redaction.scrub_quoted): for EVERY message of the catalogues that has a field,
and any value holding a valid ID number or a mobile number in any written form, the message
rendered in English and in Chinese holds neither in full.
"""

from __future__ import annotations

import string
import sys
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation.core.i18n import Msg, Shown
from tests.unit.test_redaction import mobile, plain_digits, prose, resident_id, written

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from catalogues import known

ID, PHONE = "430104198003120022", "13812345678"


@cache
def templates() -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """Every message id with fields: (id, its plain fields, its fields with a format spec). A
    translation may name fields of its own (第{nth}版 for "number {no}"): they are the
    message's fields too, since the code gives them for that language."""
    out = []
    zh = known("zh_CN")
    for message_id in sorted(known("en")):
        try:
            parsed = list(string.Formatter().parse(message_id))
            parsed += list(string.Formatter().parse(zh.get(message_id) or ""))
        except ValueError:
            continue
        fields = list(dict.fromkeys(
            (f, spec) for _text, f, spec, _conversion in parsed if f is not None))
        if not all(f.isidentifier() for f, _spec in fields):  # a help text's JSON example
            continue
        plain = [f for f, spec in fields if not spec]
        numeric = [f for f, spec in fields if spec]
        if plain:
            out.append((message_id, tuple(plain), tuple(numeric)))
    return out


def rendered(message_id: str, plain: tuple[str, ...], numeric: tuple[str, ...], value: str,
             lang: str) -> str:
    params: dict[str, object] = {f: value for f in plain} | {f: 1 for f in numeric}
    return Msg(message_id, params).render(lang)


def test_there_are_templates_to_check() -> None:
    ids = {t[0] for t in templates()}
    assert len(ids) > 400
    assert "{value!r} is not a phone number; write {forms}" in ids
    assert "{value!r} is not one of: {allowed}" in ids


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_template_masks_a_typed_id_or_phone(lang: str) -> None:
    for message_id, plain, numeric in templates():
        for value in (ID, PHONE, f"身份证{ID}，电话 {PHONE}", "430104 19800312 0022"):
            said = rendered(message_id, plain, numeric, value, lang)
            assert ID not in plain_digits(said) and PHONE not in plain_digits(said), \
                (message_id, said)


@settings(max_examples=200, deadline=None)
@given(before=prose, after=prose, id_number=resident_id, phone=mobile, data=st.data(),
       lang=st.sampled_from(["en", "zh"]))
def test_any_template_any_written_number(before: str, after: str, id_number: str, phone: str,
                                         data: st.DataObject, lang: str) -> None:
    message_id, plain, numeric = data.draw(st.sampled_from(templates()))
    number = data.draw(st.sampled_from([id_number, phone]))
    value = before + data.draw(written(number)) + after
    said = rendered(message_id, plain, numeric, value, lang)
    assert number not in plain_digits(said), (message_id, value, said)


def test_a_digest_a_generated_file_name_and_a_shown_cell_are_kept() -> None:
    # a hex word is no number (an anchor's hash, a draft's file name); a view's cell is shown
    # as its view decided (revealed to one who may)
    path = "/home/clerk/drafts/intake-0123456789abcdef.json"
    assert Msg("written: {file}", {"file": path}).render("en") == f"written: {path}"
    digest = "1381234567890123456789ab"
    assert digest in Msg("{value!r} is not valid here", {"value": digest}).render("en")
    assert ID in Msg("{field}: {value}", {"field": "ID", "value": Shown(ID)}).render("zh")
    assert ID not in Msg("{field}: {value}", {"field": "ID", "value": ID}).render("zh")

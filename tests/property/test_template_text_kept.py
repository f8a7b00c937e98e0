"""A catalogue template's own text is never masked; only the values it quotes are (issue 14).

The scrub of numbers (i18n.quoted) masked the examples a message gives when the rendered
message was quoted again by the message around it (``错误：{message}``, a usage error's
``invalid value for {hint}: {message}``): ``2026-01-01..2026-03-31`` came out as
``2026-010*****0331`` and the phone forms as ``138****5678``. For EVERY template of the
catalogues, in English and in Chinese: rendered with harmless values, and again quoted by the
messages that wrap a refusal, its literal text is unchanged; an ID or a phone number given as
a value is still masked, in the message and in its wrapping.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation.core.i18n import Msg, gettext_, quoted
from tests.property.test_quoted_values import ID, PHONE, templates
from tests.unit.test_redaction import mobile, plain_digits, resident_id

HARMLESS = "甲"
WRAPPERS = ("error: {message}", "{message} (see `{command} --help`)",
            "invalid value for {hint}: {message}")


def expected(message_id: str, numeric: tuple[str, ...], lang: str) -> str:
    """The template in ``lang`` filled by plain formatting (nothing scrubbed)."""
    text = gettext_(message_id, lang)
    fields = {f for _t, f, _s, _c in string.Formatter().parse(text) if f}
    return text.format(**{f: (1 if f in numeric else HARMLESS) for f in fields})


def rendered(message_id: str, plain: tuple[str, ...], numeric: tuple[str, ...], value: object,
             lang: str) -> str:
    params: dict[str, object] = {f: value for f in plain} | {f: 1 for f in numeric}
    return Msg(message_id, params).render(lang)


def wrapped(inner: str, lang: str) -> list[str]:
    return [Msg(w, {"message": inner, "command": "mediation", "hint": "--x"}).render(lang)
            for w in WRAPPERS]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_template_keeps_its_own_text(lang: str) -> None:
    changed = []
    for message_id, plain, numeric in templates():
        said = rendered(message_id, plain, numeric, HARMLESS, lang)
        want = expected(message_id, numeric, lang)
        if said != want or quoted(said) != want or any(want not in w for w in wrapped(said, lang)):
            changed.append((message_id, said))
    assert not changed, changed[:5]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_examples_the_clerk_saw_masked(lang: str) -> None:
    period = Msg("not a period: {value} (use 2026-11, 2026Q4, 2026, 2026-01-01..2026-03-31, "
                 "{words})", {"value": "十一月", "words": "x"}).render(lang)
    phone = Msg("{value!r} is not a phone number; write {forms}",
                {"value": "12345", "forms": Msg("a mobile as 13812345678 (also 138-1234-5678, "
                 "138 1234 5678, +86 138 1234 5678, 0086 13812345678) or a landline with its "
                 "area code as 0731-88886666 (also (0731)88886666, 0731 8888 6666, an "
                 "extension as 0731-88886666-123)")}).render(lang)
    for text in (period, *wrapped(period, lang)):
        assert "2026-01-01..2026-03-31" in text and "*" not in text
    for text in (phone, *wrapped(phone, lang)):
        assert "13812345678" in text and "0731-88886666" in text and "*" not in text


@settings(max_examples=200, deadline=None)
@given(id_number=resident_id, phone=mobile, data=st.data(), lang=st.sampled_from(["en", "zh"]))
def test_a_number_given_as_a_value_is_still_masked(id_number: str, phone: str,
                                                   data: st.DataObject, lang: str) -> None:
    message_id, plain, numeric = data.draw(st.sampled_from(templates()))
    number = data.draw(st.sampled_from([id_number, phone]))
    said = rendered(message_id, plain, numeric, number, lang)
    for text in (said, *wrapped(said, lang), *wrapped(number, lang)):
        assert number not in plain_digits(text), (message_id, text)


def test_an_id_made_of_a_value_is_scrubbed() -> None:
    # msg(str(error)): no catalogue template, so its text is a value
    assert ID not in plain_digits(Msg(f"bad input {ID}").render("zh"))
    assert PHONE not in plain_digits(Msg(f"bad input {PHONE}").render("en"))

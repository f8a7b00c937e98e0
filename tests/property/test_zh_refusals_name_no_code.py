"""Under zh a refusal names values, permissions and settings by their Chinese names alone (a
clerk's trial: 法院已受理或判决（already_in_court）, （权限：查看案卷 case.read）, 设置“延期次数”
（extensions））: the codes stay accepted as input and are listed in --help and the docs. Checked
over every vocabulary and any subset of its values (choices.listing and the refusal of a value
not one of them, choices.parse), every setting (workflow.settings.named); the policy's every
refusal is checked in tests/unit/test_refusal_form.py. Under en the codes are kept."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation.core import choices
from mediation.core.i18n import name, set_language
from mediation.workflow.settings import NAMED, named

LATIN = re.compile(r"[A-Za-z][A-Za-z_.]+")


@pytest.fixture(autouse=True)
def zh() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("en")


def _own_words(kind: str) -> set[str]:
    """Names that are their code (JSON): Latin under zh too."""
    return {c for c in choices.values(kind)
            if choices.fold(name(kind, c, "zh")) == choices.fold(c)}


@st.composite
def some_values(draw: st.DrawFn) -> tuple[str, list[str]]:
    kind = draw(st.sampled_from(choices.kinds()))
    values = choices.values(kind)
    return kind, draw(st.lists(st.sampled_from(values), min_size=1, max_size=len(values),
                               unique=True))


@settings(max_examples=300, deadline=None)
@given(some_values())
def test_a_listing_names_values_by_their_chinese_names_alone(found: tuple[str, list[str]]
                                                             ) -> None:
    kind, codes = found
    set_language("zh")
    shown = choices.listing(kind, codes)
    assert set(LATIN.findall(shown)) <= _own_words(kind), shown
    set_language("en")
    assert choices.listing(kind, codes) == ", ".join(codes)  # under en: the codes


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(choices.kinds()), st.text(alphabet="调解人书协议中止的甲乙", max_size=4))
def test_refusing_a_value_names_no_code(kind: str, typed: str) -> None:
    set_language("zh")
    try:
        choices.parse(kind, typed)
    except choices.ChoiceError as exc:
        text = exc.message.render("zh")
        assert set(LATIN.findall(text)) <= _own_words(kind), text


@pytest.mark.parametrize("code", sorted(NAMED))
def test_a_setting_is_named_by_its_name_alone(code: str) -> None:
    text = named(code).render("zh")
    assert text.startswith("设置“") and not LATIN.search(text), text
    assert f"({code})" in named(code).render("en")

"""A case number with another committee's prefix (虎10 where cases are numbered 龙) is refused
saying so and naming this committee's prefix, not "no case (2026)虎人调字第10号" (a clerk's
trial)."""

from __future__ import annotations

import pytest

from mediation.core.errors import NotFound
from mediation.core.i18n import set_language
from mediation.db import casestore
from tests.conftest import Room


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "虎 is not this committee's prefix; its cases are numbered 龙 (e.g. 龙12)"),
    ("zh", "虎 不是本调委会的案号字号；本调委会的案号字号是 龙（如 龙12）"),
])
@pytest.mark.parametrize("ref", ["虎10", "(2026)虎人调字第10号"])
def test_another_committees_prefix_is_named(room: Room, ref: str, lang: str,
                                            said: str) -> None:
    set_language(lang)
    try:
        with room.uow(write=False) as uow, pytest.raises(NotFound) as refused:
            casestore.find(uow, room.director, ref)
        assert said in refused.value.render()
    finally:
        set_language("en")


def test_this_committees_missing_case_is_no_case(room: Room) -> None:
    with room.uow(write=False) as uow, pytest.raises(NotFound) as refused:
        casestore.find(uow, room.director, "龙999")
    assert "no case" in refused.value.render()

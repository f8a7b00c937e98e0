"""A case number with a prefix that is not the committee's (虎10 where cases are numbered 龙, or
an abbreviation mistyped: 龙调字第1号 for (2026)龙人调字第1号) is refused quoting what was
typed and showing the committee's form of the same case, not "no case (2026)虎人调字第10号" nor
the garbled expansion "(2026)龙调字人调字第1号" (two clerks' trials)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core.errors import NotFound, UsageError
from mediation.core.i18n import set_language
from mediation.db import casestore, settings
from tests.conftest import Room


def _refusal(room: Room, ref: str) -> str:
    with room.uow(write=False) as uow, pytest.raises((NotFound, UsageError)) as refused:
        casestore.find(uow, room.director, ref)
    assert isinstance(refused.value, NotFound | UsageError)
    return refused.value.render()


def _year(room: Room) -> int:
    with room.uow(write=False) as uow:
        return settings.calendar(uow, room.director.committee_id).local_date(uow.now()).year


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "{ref} is not a case number of this committee; its case numbers look like "
           "({year})龙人调字第10号 or 龙10"),
    ("zh", "{ref} 不是本调委会的案号，应形如 ({year})龙人调字第10号 或 龙10"),
])
@pytest.mark.parametrize("ref", ["虎10", "({year})虎人调字第10号", "龙调字第10号", "龙人调第10号"])
def test_another_prefix_is_quoted_as_typed(room: Room, ref: str, lang: str, said: str) -> None:
    year = _year(room)
    ref = ref.format(year=year)
    set_language(lang)
    try:
        assert _refusal(room, ref) == said.format(ref=ref, year=year)
    finally:
        set_language("en")


# Letters a clerk might type before the sequence number (the committee's prefix is 龙)
_LETTERS = st.sampled_from("龙虎人调字民岳麓天心区街道社区")


@given(prefix=st.text(_LETTERS, min_size=1, max_size=6).filter(lambda p: p != "龙"),
       seq=st.integers(1, 9999), numbered=st.booleans())
def test_every_wrong_prefix_is_quoted_as_typed(room: Room, prefix: str, seq: int,
                                               numbered: bool) -> None:
    """Whatever stands before the number, the refusal starts with exactly what was typed, is one
    line, and names the committee's number of that case and its short form."""
    typed = f"{prefix}第{seq}号" if numbered else f"{prefix}{seq}"
    said = _refusal(room, typed)
    assert "\n" not in said and "调字人调字" not in said
    year = _year(room)
    if said.startswith("no case"):  # the committee's own number (龙人调字第N号), not held
        assert said == f"no case ({year})龙人调字第{seq}号 in this committee"
    elif said.startswith(f"{typed!r} is not a case"):  # 人调字 misplaced: every form named
        assert f"({year})龙人调字第12号" in said
    else:
        assert said == (f"{typed} is not a case number of this committee; its case numbers "
                         f"look like ({year})龙人调字第{seq}号 or 龙{seq}")


def test_this_committees_missing_case_is_no_case(room: Room) -> None:
    assert "no case" in _refusal(room, "龙999")

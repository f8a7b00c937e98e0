"""The same booking twice is no change (issue 14, the fifth clerk's trial: ``case schedule 8
--at 明天上午9点半 --place 社区调解室`` run twice recorded two appointments without a word):
the second says it is booked already, exit 0, nothing written; another time or place is
recorded as before. zh/en, JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


def _events(cli: Cli, ref: str) -> int:
    return len(cli("case", "history", ref).out.splitlines())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_same_booking_twice(cli: Cli, lang: str) -> None:
    assert cli("demo", "--quiet").code == 0
    L = ("--lang", lang)
    book = ("case", "schedule", "5", "--at", "明天上午9点半", "--place", "社区调解室")
    assert cli(*L, *book).code == 0
    n = _events(cli, "5")
    again = cli(*L, *book)
    assert again.code == 0, again.err
    assert ("已约定同一时间、同一地点的下次调解，未重复记录" if lang == "zh"
            else "already booked, at the same time and place: nothing recorded") in again.out
    assert _events(cli, "5") == n
    as_json = cli(*L, *book, "--json")
    assert as_json.code == 0 and json.loads(as_json.out)["changed"] == []
    assert _events(cli, "5") == n
    moved = cli(*L, "case", "schedule", "5", "--at", "明天上午9点半", "--place", "村委会")
    assert moved.code == 0 and _events(cli, "5") == n + 1

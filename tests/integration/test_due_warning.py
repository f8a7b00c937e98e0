"""An agreement that settles an amount but names no performance deadline is recorded, with a
warning (Law art. 29: the agreement may state the manner and time of performance; without a
date the agenda cannot remind the visit when payment falls due) -- a clerk's trial recorded
one with no word and no prompt."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from mediation import steps
from mediation.core.i18n import set_language
from tests.conftest import Room
from tests.integration.test_procedure_steps import mediating


@pytest.mark.parametrize(("amount", "due", "warned"), [
    (Decimal("500"), None, True),
    (Decimal("500"), date(2026, 12, 31), False),
    (None, None, False),
])
def test_an_amount_without_a_deadline_warns(room: Room, amount: Decimal | None,
                                            due: date | None, warned: bool) -> None:
    cid = mediating(room)
    done = room.run(steps.agree, None, cid, terms="赔偿", written=True, amount=amount, due=due)
    found = [w for w in done.warnings if "performance deadline" in w]
    assert bool(found) is warned, done.warnings


def test_the_warning_is_chinese_under_zh(room: Room) -> None:
    cid = mediating(room)
    set_language("zh")
    try:
        done = room.run(steps.agree, None, cid, terms="赔偿", written=True,
                        amount=Decimal("500"))
    finally:
        set_language("en")
    assert any("无履行期限" in w and "--due" in w for w in done.warnings), done.warnings

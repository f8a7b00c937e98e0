"""The agenda's one wording of an item's date relative to today (cli.agenda_cmds._when): every
item's date is when it falls due, so a past one reads as overdue (已逾期 38 天), never as
"38 days ago" (38 天前) -- a clerk's trial read 待反馈 38 天前."""

from __future__ import annotations

import pytest

from cli.agenda_cmds import _when
from mediation.core.i18n import set_language


@pytest.mark.parametrize(("lang", "days", "shown"), [
    ("zh", -38, "已逾期 38 天"), ("zh", 0, "今天"), ("zh", 5, "5 天后"),
    ("en", -38, "overdue by 38 days"), ("en", 0, "today"), ("en", 5, "in 5 days"),
])
def test_relative_days_read_as_due(lang: str, days: int, shown: str) -> None:
    set_language(lang)
    try:
        assert _when(days) == shown
        assert "前" not in _when(days) and "ago" not in _when(days)
    finally:
        set_language("en")

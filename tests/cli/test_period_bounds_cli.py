"""A period typed where a bound of days is asked (issue 14, the sixth clerk's trial: ``case list
--from 上月`` and ``case history 1 --since 上月`` said '上月' 不是日期, exit 2, while ``stats
上月`` reads it): a lower bound (--from, --since) is the period's first day, an upper bound
(--to, --until) its last, as stats reads the period; a day is read as before; what is neither
is the one-line refusal it was."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


def _last_month() -> tuple[date, date]:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_period_bounds_the_days(cli: Cli, lang: str) -> None:
    assert cli("demo", "--quiet").code == 0
    L = ("--lang", lang)
    first, last = _last_month()
    for word in ("上月", "last month"):
        assert cli(*L, "case", "list", "--from", word, "--to", word).out == \
            cli(*L, "case", "list", "--from", first.isoformat(), "--to", last.isoformat()).out
        assert cli(*L, "case", "history", "1", "--since", word).out == \
            cli(*L, "case", "history", "1", "--since", first.isoformat()).out
        assert cli(*L, "audit", "log", "--since", word).out == \
            cli(*L, "audit", "log", "--since", first.isoformat()).out
    bad = cli(*L, "case", "list", "--from", "xyz")
    assert bad.code == 2 and len(bad.err.strip().splitlines()) == 1, bad.err

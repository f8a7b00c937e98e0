"""A clerk's trial (zh, 80 columns), second round: a number outside its range is a usage error
saying the range (case extend --days 0); a period not yet begun is refused (report monthly
--month 2027-01); case list --mediator's missing or unknown value is worded for that option."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli) -> Cli:
    assert cli("demo", "--quiet", "--cases", "12").code == 0
    return cli


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("days", ["0", "999", "-3"])
def test_extend_days_outside_its_range_is_a_usage_error(demo: Cli, lang: str, days: str
                                                        ) -> None:
    cases = json.loads(demo("case", "list", "--all", "--state", "mediating", "--json").out)
    ref = str(cases[0]["id"])
    before = demo("case", "show", ref, "--json").out
    r = demo("--lang", lang, "case", "extend", ref, "--days", days, "--reason", "等待鉴定",
             "--consent")
    assert r.code == 2, (r.code, r.err)
    assert "Traceback" not in r.err and len(r.err.strip().splitlines()) == 1, r.err
    assert ("--days 应为 1 至 30" if lang == "zh" else "--days must be 1 to 30") in r.err, r.err
    assert demo("case", "show", ref, "--json").out == before  # nothing written

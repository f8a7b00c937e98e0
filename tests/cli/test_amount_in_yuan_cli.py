"""The case's amount is shown in yuan wherever the log is read (issue 14, the fifth clerk's
trial: ``audit case 1`` and ``case history`` showed the stored column ``涉及金额（分）：— → 0``,
written by an agreement's step, beside 涉及金额（元）). Every history and audit timeline of the
demo, with an agreement setting the amount, in both languages, names no stored unit."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_stored_unit_in_any_timeline(cli: Cli, lang: str) -> None:
    assert cli("demo", "--quiet").code == 0
    L = ("--lang", lang)
    assert cli(*L, "case", "amend", "5", "--amount", "无", "--reason", "金额待定").code == 0
    assert cli(*L, "case", "agree", "5", "--terms", "钱峰赔偿赵勇1500元", "--amount", "1500").code \
        == 0
    cases = json.loads(cli("case", "list", "--all", "--json").out)
    refs = [str(c["id"]) for c in (cases["cases"] if isinstance(cases, dict) else cases)]
    assert "5" in refs
    for ref in refs:
        for command in (("case", "history", ref), ("audit", "case", ref)):
            out = cli(*L, *command).out
            assert "（分）" not in out and "(fen)" not in out and "amount_fen" not in out, \
                (command, out)
    line = cli(*L, "case", "history", "5").out.splitlines()[-1]
    shown = "涉及金额（元）：— → 1,500.00" if lang == "zh" else "amount (yuan): — → 1,500.00"
    assert shown in line

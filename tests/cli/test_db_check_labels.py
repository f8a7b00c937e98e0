"""`db check` names each of its checks in the reader's language (issue 14: "messages like db
check's ... chain intact" are Chinese under zh): every check mediation.integrity runs has a label,
so a check added later without one fails here, not on a clerk's screen as ``stat_counters``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from cli.db_cmds import CHECK_LABELS
from tests.conftest import Result


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_check_has_a_label_in_both_languages(cli: Callable[..., Result],
                                                   demo_of: Callable[..., None], lang: str) -> None:
    demo_of()
    shown = json.loads(cli("db", "check", "--json").out)
    names = [c["name"] for c in shown["checks"]]
    assert set(names) <= set(CHECK_LABELS), set(names) - set(CHECK_LABELS)
    result = cli("--lang", lang, "db", "check")
    assert result.code == 0, result.err
    for name in names:
        assert not re.search(rf"^\S+\s+{name}[:：]", result.out, re.M), (name, result.out)
    if lang == "zh":
        assert "统计计数" in result.out and "检索索引" in result.out
    else:
        assert "Statistics counters" in result.out and "Search index" in result.out

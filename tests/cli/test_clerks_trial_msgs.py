"""A clerk's trial (zh, 80 columns), messages round (issue 14): a message's own examples are
never masked (only the values it quotes are)."""

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


def _mediating(demo: Cli) -> str:
    cases = json.loads(demo("case", "list", "--all", "--state", "mediating", "--json").out)
    return str(cases[0]["id"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_refusal_keeps_its_examples_and_masks_the_typed_number(demo: Cli, lang: str) -> None:
    r = demo("--lang", lang, "stats", "十一月")
    assert r.code == 2 and "2026-01-01..2026-03-31" in r.err and "*" not in r.err, r.err
    ref = _mediating(demo)
    r = demo("--lang", lang, "case", "amend", ref, "--edit-party", '1:{"phone": "12345"}',
             "--reason", "笔误")
    assert r.code in (1, 2) and "13812345678" in r.err and "0731-88886666" in r.err, r.err
    assert "*" not in r.err, r.err
    r = demo("--lang", lang, "case", "amend", ref, "--edit-party",
             '1:{"ethnicity": "430104198003120022"}', "--reason", "笔误")
    assert r.code in (1, 2) and "430104198003120022" not in r.err, r.err

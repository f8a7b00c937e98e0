"""A resident ID number typed at ANY prompt of the guided intake (issue 14) is never echoed in
full: not by a refusal (电话, 性别, 民族, a date, a choice...), not by the summary. Each prompt
of two whole intakes (an adult's, and a minor's with a guardian: cli/prompts.py,
cli/party_prompts.py, cli/asking.py) gets the ID number first, then the right answer."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.cli.test_guided_intake import ANSWERS, MINOR, Terminal, _answers
from tests.conftest import Result
from tests.unit.test_redaction import plain_digits

ID = "430104198003120022"
GUARDED = _answers(MINOR, guardian=["父子", "张大山", "13812345678"], summary=["y"])
RUNS = [("adult", i) for i in range(len(ANSWERS))] + [("minor", i) for i in range(len(GUARDED))]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_id_number_typed_at_any_prompt_is_never_echoed_in_full(
        cli: Callable[..., Result], lang: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    refused = 0
    for which, at in RUNS:
        answers = list(ANSWERS if which == "adult" else GUARDED)
        answers.insert(at, ID)
        out = cli("--lang", lang, "case", "new", "--json",
                  input=Terminal("\n".join(answers) + "\n"))
        assert ID not in plain_digits(out.err), (which, at, out.err)
        refused += "430***********0022" in out.err
    assert refused >= 10  # the prompts that refuse it said so, masked

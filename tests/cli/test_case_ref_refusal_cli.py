"""Issue 14 (a clerk's trial): a case number abbreviated wrongly, 龙调字第1号 where the
committee's numbers are (2026)龙人调字第1号, was refused quoting a garbled expansion,
(2026)龙调字人调字第1号. The refusal quotes what was typed and shows the committee's form of
that case, in one line, zh and en, piped and on an 80-column terminal."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_wrong_abbreviation_is_quoted_as_typed(cli: Cli, lang: str, terminal: bool) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--director-name", "王芳").code == 0
    r = cli("--lang", lang, "case", "show", "龙调字第1号", terminal=terminal,
            env={"COLUMNS": "80"})
    assert r.code != 0 and r.out == "" and "Traceback" not in r.err, r.err
    line = " ".join(r.err.split())
    assert "调字人调字" not in line
    if lang == "zh":
        assert "龙调字第1号 不是本调委会的案号，应形如 (" in line, line
        assert "龙人调字第1号 或 龙1" in line, line
    else:
        assert "龙调字第1号 is not a case number of this committee; its case numbers look " \
               "like (" in line, line
        assert "龙人调字第1号 or 龙1" in line, line

"""A setting refused in `procedure set` is named by its name in the chosen language and its
code (issue 14), in one line, exit 1, nothing written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mediation import workflow
from tests.conftest import Result

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

# each numeric rule of the procedure: its option and a value outside its bounds
NUMBERS = [(st.name, "--" + st.name.replace("_", "-"), str(st.high + 1))
           for st in workflow.SETTINGS if not isinstance(st.default, bool)]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("code", "option", "value"), NUMBERS)
def test_a_setting_out_of_bounds_is_named(cli: Cli, lang: str, code: str, option: str,
                                          value: str) -> None:
    assert cli("init", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--no-login").code == 0
    done = cli("--lang", lang, "procedure", "set", option, value)
    assert done.code == 1 and len(done.err.strip().splitlines()) == 1, done.err
    assert workflow.setting_name(code).render(lang) in done.err
    assert (code in done.err) == (lang == "en")  # under zh the name alone (a944906)
    shown = cli("--lang", lang, "procedure", "show", "--json").out
    assert f'"{code}": {value}' not in shown

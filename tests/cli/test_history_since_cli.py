"""``case history --since`` (issue 14, a clerk's trial at the desk: ``case history 1 --since
昨天`` was refused with 您是否要用 --json？, an option that does not help). Now case history takes
--since (what was recorded from that day on, as audit log --since counts), a day it cannot read
is refused naming the forms, and a day after the case's last step says when that was and what
helps: an earlier --since, or none. An unknown option is offered only options whose names are
like it (cli.framework.alike: Click compared them with their dashes, so --since looked like
--json). Both languages, at 80 columns and piped, on the demo (case 1: last step 2026-10-18).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.lines import width
from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli, demo_of: Callable[..., None]) -> Cli:
    demo_of()
    return cli


def _seqs(out: str) -> list[str]:
    return [line.split("\t")[0] for line in out.splitlines()]


@pytest.mark.parametrize("terminal", [True, False], ids=["80 columns", "piped"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_history_since(demo: Cli, lang: str, terminal: bool) -> None:
    zh = lang == "zh"

    def history(*args: str) -> Result:
        return demo("--lang", lang, "case", "history", "1", *args, terminal=terminal,
                    env={"COLUMNS": "80"})

    whole = json.loads(demo("case", "history", "1", "--json").out)
    last_day = whole[-1]["at"][:10]  # the demo's steps are recorded before 16:00 UTC
    since = json.loads(history("--since", last_day, "--json").out)
    assert since and [e["seq"] for e in since] == [
        e["seq"] for e in whole if e["at"][:10] >= last_day]
    if not terminal:
        assert _seqs(history("--since", last_day).out) == [str(e["seq"]) for e in since]
    later = history("--since", "2026-11-30")
    assert later.code == 0, later.err
    said = (later.out if terminal else later.err).strip()
    assert said == (f"2026-11-30 起本案无新记录，最近一条在 {last_day}；可提前 --since 或去掉它"
                    if zh else f"Nothing since 2026-11-30 (latest {last_day}): give an "
                    "earlier --since or omit it"), said
    assert width(said) <= 80 and (terminal or not later.out)
    assert json.loads(history("--since", "2026-11-30", "--json").out) == []
    bad = history("--since", "xyz")
    assert bad.code == 2 and len(bad.err.strip().splitlines()) == 1, bad.err
    assert ("不是日期" if zh else "is not a date") in bad.err and "Traceback" not in bad.err
    for typed, offered in (("--sinse", "--since"), ("--until", None), ("--all", None)):
        r = history(typed, "昨天")
        assert r.code == 2 and "--json" not in r.err, r.err
        asked = "您是否要用" if zh else "did you mean"
        assert (f"{asked} {offered}" in r.err) if offered else (asked not in r.err), r.err


def _commands() -> list[tuple[str, object]]:
    import typer

    from cli import framework
    from cli.main import build_app

    return [(path, cmd) for path, cmd in framework.walk(typer.main.get_command(build_app()))
            if not getattr(cmd, "commands", None)]


COMMANDS = _commands()
OPTIONS = sorted({o for _p, cmd in COMMANDS for p in getattr(cmd, "params", [])
                  for o in getattr(p, "opts", []) if o.startswith("--")})


@settings(max_examples=200, deadline=None)
@given(at=st.integers(0, len(COMMANDS) - 1),
       typed=st.one_of(st.sampled_from(OPTIONS),
                       st.from_regex(r"--[a-z][a-z-]{0,12}", fullmatch=True)))
def test_an_unknown_option_is_offered_only_options_like_it(at: int, typed: str) -> None:
    """Whatever option is typed to whatever command: every option offered is the command's own
    and alike by its name without the dashes (never by the dashes alone)."""
    from difflib import SequenceMatcher

    from typer._click import exceptions as ce

    from cli.framework import usage_error_text

    path, cmd = COMMANDS[at]
    own = {o for p in getattr(cmd, "params", []) for o in getattr(p, "opts", [])}
    if typed in own:
        return
    try:
        cmd.make_context(path, [typed], resilient_parsing=False)  # type: ignore[attr-defined]
    except ce.NoSuchOption as exc:
        said = usage_error_text(exc)
    except ce.ClickException:
        return  # it took the option as a value, or another usage error first
    else:
        return
    m = re.search(r"did you mean (.*)\?\)", said)
    for offered in (m.group(1).split(", ") if m else []):
        assert offered in own, (path, typed, said)
        assert SequenceMatcher(None, typed.lstrip("-"), offered.lstrip("-")).ratio() >= 0.6

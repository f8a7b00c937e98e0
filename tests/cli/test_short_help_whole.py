"""Every group's listing of its commands shows each command's short help as a whole first
sentence, never cut with ``...`` (issue 14: ``accept 将线索登记为案件：登记所给的...``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.conftest import Result


def _groups() -> list[list[str]]:
    import typer

    from cli import framework
    from cli.main import build_app

    root = typer.main.get_command(build_app())
    return [path.split()[1:] for path, cmd in framework.walk(root)
            if getattr(cmd, "commands", None)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_command_listing_cuts_a_short_help(cli: Callable[..., Result], lang: str) -> None:
    groups = _groups()
    assert len(groups) > 10
    for group in groups:
        out = cli("--lang", lang, *group, "--help")
        assert out.code == 0, (group, out.err)
        listing = out.out.split("命令：" if lang == "zh" else "Commands:", 1)[-1]
        assert "..." not in listing and "…" not in listing, (group, listing)

"""Start-up (issue 18): a command builds only its own group, and nothing of the database stack
is imported for ``--help``, ``--version`` or completion. Timings are in bench/bench_cli.py,
never here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from cli.main import GROUPS, build_app, choose_language, command_named

ROOT = Path(__file__).resolve().parents[2]
DB_STACK = ("sqlalchemy", "sqlmodel", "alembic", "psycopg", "transitions", "mediation.db",
            "mediation.cases", "mediation.tables", "mediation.workflow")
PROBE = """
import sys
from cli.main import run
try:
    run(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print("\\n@@" + " ".join(sorted(sys.modules)))
"""


def _imported(*args: str, **env: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MEDIATION_DB": "/nonexistent/x.db", **env},
    ).stdout
    return sorted(m for m in out.rsplit("@@", 1)[-1].split() if m.startswith(DB_STACK))


@pytest.mark.parametrize("args", [("--help",), ("case", "--help"), ("case", "list", "--help"),
                                  ("--version",), ("--lang", "zh", "stats", "--help")])
def test_help_and_version_import_nothing_of_the_database(args: tuple[str, ...]) -> None:
    assert _imported(*args) == []


def test_completion_imports_nothing_of_the_database() -> None:
    assert _imported(_MEDIATION_COMPLETE="complete_bash", COMP_WORDS="mediation case ",
                     COMP_CWORD="2") == []


@pytest.mark.parametrize(("argv", "named"), [
    ([], None), (["--help"], None), (["case", "list"], "case"),
    (["--db", "x.db", "--lang", "zh", "stats", "--year", "2026"], "stats"),
    (["--db=x.db", "audit", "verify"], "audit"), (["--user", "case", "db"], "db"),
])
def test_the_command_named_is_found_past_the_root_options(argv: list[str],
                                                          named: str | None) -> None:
    assert command_named(argv) == named


def _tree(cmd: Any) -> Any:
    subs = getattr(cmd, "commands", None)
    if not subs:
        return sorted(p.name for p in cmd.params)
    return {name: _tree(sub) for name, sub in subs.items()}


def test_each_name_built_alone_is_what_the_whole_app_holds() -> None:
    choose_language([])
    whole = _tree(typer.main.get_command(build_app()))
    for names, _module, _function in GROUPS:
        for name in names:
            alone = _tree(typer.main.get_command(build_app(name)))
            assert alone[name] == whole[name], name
            assert set(alone) < set(whole) or len(GROUPS) == 1
    # a name no module builds (a typo) builds the whole app, so the error lists every command
    assert _tree(typer.main.get_command(build_app("cas"))) == whole

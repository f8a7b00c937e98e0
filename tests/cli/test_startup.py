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


# What a help page, --version and completion may import besides the standard library, the cli
# package and what a bare interpreter imports (site's hooks): Typer with what it imports itself,
# and the pure core modules. Not pydantic: mediation.core.fields imports it, and a view that
# imported fields put a third again on `case --help` (1.32x the Typer floor, 2026-12-01; issue
# 18). A module missing here is imported inside the function that needs it, not at the top of a
# module these paths import; list it only if `python -m bench cli` stays within its target.
HELP_MAY_IMPORT = frozenset({
    "typer", "annotated_doc", "shellingham",
    "mediation", "mediation.core", *(f"mediation.core.{m}" for m in (
        "calendar", "categories", "choices", "clock", "documentkinds", "errors", "files", "i18n",
        "identity", "jsontext", "labels", "lazyre", "moments", "money", "normalise", "paths",
        "placeholders",
        "periods",
        "redaction", "vocab")),
    "mediation.reporting", "mediation.reporting.nightly_files",  # export nightly's file names
})
HELP_PATHS: list[tuple[tuple[str, ...], dict[str, str]]] = [
    (("--help",), {}), (("case", "--help"), {}), (("--lang", "zh", "case", "--help"), {}),
    (("case", "show", "--help"), {}), (("--lang", "zh", "stats", "--help"), {}),
    (("--version",), {}),
    ((), {"_MEDIATION_COMPLETE": "complete_bash", "COMP_WORDS": "mediation case ",
          "COMP_CWORD": "2"}),
]


def _modules(*args: str, **env: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MEDIATION_DB": "/nonexistent/x.db", **env},
    ).stdout
    return set(out.rsplit("@@", 1)[-1].split())


def _may_import(module: str) -> bool:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top.startswith("_sysconfigdata") or top in (
            "cli", "__main__"):
        return True
    return module in HELP_MAY_IMPORT if top == "mediation" else top in HELP_MAY_IMPORT


@pytest.mark.parametrize(("args", "env"), HELP_PATHS)
def test_help_version_and_completion_import_only_the_listed_modules(
        args: tuple[str, ...], env: dict[str, str]) -> None:
    bare = set(subprocess.run([sys.executable, "-c", "import sys; print(*sys.modules)"],
                              capture_output=True, text=True, check=True).stdout.split())
    extra = sorted(m for m in _modules(*args, **env) - bare if not _may_import(m))
    packages = sorted({m if m.startswith("mediation.") else m.split(".")[0] for m in extra})
    assert extra == [], f"{' '.join(args) or 'completion'} imports {packages}"


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


def test_each_command_built_alone_is_what_its_group_holds() -> None:
    """``mediation case list`` builds the ``list`` command alone (keep_only); it is the same
    command, parameters and help, as in the whole group; a name the group lacks keeps all."""
    from cli import framework
    from cli.main import keep_only, subcommand_named

    choose_language([])
    whole = framework.install(typer.main.get_command(build_app()))
    for group_name, group in whole.commands.items():
        for name, cmd in getattr(group, "commands", {}).items():
            app = build_app(group_name)
            keep_only(app, group_name, name)
            alone = framework.install(typer.main.get_command(app)).commands[group_name]
            assert list(alone.commands) == [name]
            got = alone.commands[name]
            assert _tree(got) == _tree(cmd), (group_name, name)
            assert got.help == cmd.help and got.epilog == cmd.epilog, (group_name, name)
            assert [getattr(p, "help", None) for p in got.params] == \
                [getattr(p, "help", None) for p in cmd.params], (group_name, name)
    app = build_app("case")
    keep_only(app, "case", "lst")
    assert _tree(typer.main.get_command(app))["case"] == _tree(whole)["case"]
    assert subcommand_named(["--db", "x.db", "case", "list", "--json"], "case") == "list"
    assert subcommand_named(["case", "--help"], "case") is None
    assert subcommand_named(["case"], "case") is None


def test_a_command_built_alone_shows_the_same_help() -> None:
    whole = subprocess.run(
        [sys.executable, "-c", "import sys; from cli.main import build_app, choose_language;"
         "import typer; choose_language([]); from cli import framework;"
         "cmd = framework.install(typer.main.get_command(build_app()));"
         "cmd.main(['case', 'list', '--help'], prog_name='mediation')"],
        capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}).stdout
    alone = subprocess.run(
        [sys.executable, "-c", "import sys; from cli.main import run; run(sys.argv[1:])",
         "case", "list", "--help"], capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}).stdout
    assert "--json" in alone and alone == whole


# What `case list` may not import: the stored tables' SQLModel classes, the ORM, the machine.
ORM_STACK = ("sqlmodel", "sqlalchemy.orm", "mediation.tables", "mediation.cases",
             "mediation.workflow", "mediation.queries", "transitions")


@pytest.mark.parametrize("args", [("case", "list", "--json"), ("case", "list"),
                                  ("--lang", "zh", "case", "list", "--state", "intake")])
def test_case_list_reads_without_the_stored_tables_classes(tmp_path: Path,
                                                           args: tuple[str, ...]) -> None:
    """`case list` (issue 18) reads with Core on mediation.readtables: none of the ~20 SQLModel
    classes are defined, and neither the ORM nor the state machine is imported."""
    from mediation import intake
    from tests.conftest import case_record, make_room

    room = make_room("sqlite:///" + str(tmp_path / "list.db"))
    room.run(intake.new_case, None, intake.parse_case(case_record()))
    room.engine.dispose()
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MEDIATION_DB": str(tmp_path / "list.db"),
             "MEDIATION_USER": "liming", "MEDIATION_SESSION_FILE": str(tmp_path / "none")},
    ).stdout
    shown, modules = out.rsplit("@@", 1)
    assert "龙人调字第1号" in shown  # the list ran, and listed the case
    assert sorted(m for m in modules.split() if m.startswith(ORM_STACK)) == []

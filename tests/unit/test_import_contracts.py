"""The database layer's import contract (pyproject.toml, run by ``lint-imports`` in ``make lint``)
names every module above it (issue 13: ``db`` never imports the use cases, reporting, access or
the CLI). A forbidden contract lists modules by name, so a new use-case module left out of the
list would be importable from ``mediation/db`` unnoticed: this test fails instead."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# The layers the database layer stands on, and itself.
BELOW_OR_SAME = {"mediation.core", "mediation.workflow", "mediation.cases", "mediation.parties",
                 "mediation.tables", "mediation.readtables", "mediation.db"}


def _contract(contract_id: str) -> dict[str, Any]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    found: dict[str, Any] = next(c for c in contracts if c["id"] == contract_id)
    return found


def _top_level_modules() -> set[str]:
    package = ROOT / "mediation"
    modules = {f"mediation.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {f"mediation.{p.parent.name}" for p in package.glob("*/__init__.py")}
    return modules


def test_the_db_contract_forbids_every_module_above_the_database_layer() -> None:
    forbidden = set(_contract("db")["forbidden_modules"])
    above = _top_level_modules() - BELOW_OR_SAME
    assert above - forbidden == set(), "add these to the db contract's forbidden_modules"
    assert "cli" in forbidden
    assert forbidden - above - {"cli"} == set(), "modules that no longer exist"


def test_the_layers_below_exist() -> None:
    assert BELOW_OR_SAME <= _top_level_modules() | {"mediation.db"}

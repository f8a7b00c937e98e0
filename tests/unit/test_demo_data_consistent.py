"""The demo's files hold no party whose stated sex the ID number contradicts: the README's first
command (`case new --file data/demo/case.json`) warned about one on every run (a clerk's trial)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mediation.core import identity

DEMO = Path(__file__).resolve().parents[2] / "data" / "demo"


def _parties(node: Any) -> Iterator[dict[str, Any]]:
    """Every object in the file that states an ID number (a party or a guardian)."""
    if isinstance(node, dict):
        if "id_number" in node:
            yield node
        for value in node.values():
            yield from _parties(value)
    elif isinstance(node, list):
        for value in node:
            yield from _parties(value)


@pytest.mark.parametrize("name", ["case.json", "cases.json"])
def test_no_demo_party_contradicts_its_id_number(name: str) -> None:
    parties = list(_parties(json.loads((DEMO / name).read_text(encoding="utf-8"))))
    assert parties
    wrong = [(p.get("name"), p.get("sex"), p["id_number"]) for p in parties
             if identity.sex_contradicted(p.get("sex"), p.get("id_type", "resident_id"),
                                          p["id_number"])]
    assert wrong == []

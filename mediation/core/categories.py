"""The dispute category code table (DOMAIN.md §4), versioned in ``data/categories.json``.

The 15 national reporting codes are the rows of every report; a committee's local sub-categories
carry a ``parent`` and are counted under it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from mediation.core.paths import data_dir


@dataclass(frozen=True)
class Category:
    code: str
    zh: str
    en: str
    parent: str | None = None

    @property
    def reporting_code(self) -> str:
        return self.parent or self.code

    def name(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@cache
def _table() -> tuple[str, dict[str, Category]]:
    raw = json.loads((data_dir() / "categories.json").read_text(encoding="utf-8"))
    cats = {
        c["code"]: Category(code=c["code"], zh=c["zh"], en=c["en"], parent=c.get("parent"))
        for c in raw["categories"]
    }
    return str(raw["version"]), cats


def table_version() -> str:
    return _table()[0]


def all_categories() -> list[Category]:
    return list(_table()[1].values())


def reporting_categories() -> list[Category]:
    return [c for c in all_categories() if c.parent is None]


def get(code: str) -> Category | None:
    return _table()[1].get(code)


def codes() -> list[str]:
    return list(_table()[1])

"""The dispute category code table (DOMAIN.md §4), versioned in ``data/categories.json``.

The 15 national reporting codes are the rows of every report; a committee's local sub-categories
carry a ``parent`` and are counted under it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from mediation.core.errors import InvalidInput, UsageError
from mediation.core.i18n import NONE, join, msg, or_absent
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

    def short_name(self, lang: str) -> str:
        """The name where the heading already says what it is (a table's 类别 column): in
        Chinese without the 纠纷 every name ends in (婚姻家庭纠纷 → 婚姻家庭); in English the
        name, which has no such word."""
        full = self.name(lang)
        return full.removesuffix("纠纷") or full if lang == "zh" else full


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


# ---------------------------------------------------------------------------------------------
# A province's numbering of the same categories (docs/settings.md, "Category numbering")
#
# The program's two-digit codes are its own, not a national standard: provinces number the same
# report rows differently. A committee may load its province's numbering from
# data/numbering/NAME.json ({"name": ..., "numbering": {category name: code}}); categories are
# matched BY NAME (Chinese or English, as in data/categories.json), so the file cannot silently
# shift a row. The program's codes stay what cases store and what every option accepts.


def numbering_names() -> list[str]:
    """The numbering files shipped or added in data/numbering/ (their names, without .json)."""
    folder = data_dir() / "numbering"
    return sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []


@cache
def numbering(name: str) -> dict[str, str]:
    """Program code -> the province's code, from data/numbering/NAME.json, matched by name."""
    if name not in numbering_names():
        raise UsageError(msg("no numbering {name!r} in data/numbering/ (there are: {names})",
                             name=name, names=or_absent(join(numbering_names()), NONE)))
    raw = json.loads((data_dir() / "numbering" / f"{name}.json").read_text(encoding="utf-8"))
    table = raw.get("numbering") if isinstance(raw, dict) else None
    if not isinstance(table, dict):
        raise InvalidInput(msg("data/numbering/{name}.json has no \"numbering\" object",
                               name=name))
    by_name = {n: c.code for c in reporting_categories() for n in (c.zh, c.en)}
    out: dict[str, str] = {}
    for cat_name, local in table.items():
        code = by_name.get(str(cat_name))
        if code is None:
            raise InvalidInput(msg("data/numbering/{name}.json: {category!r} is not the name of a "
                                   "reporting category in data/categories.json", name=name,
                                   category=str(cat_name)))
        if not isinstance(local, str) or not local.strip():
            raise InvalidInput(msg("data/numbering/{name}.json: {category!r} has no code",
                                   name=name, category=str(cat_name)))
        out[code] = local.strip()
    return out


def local_code(code: str, numbering_name: str | None) -> str:
    """The code a report shows for ``code``: the province's when a numbering is chosen and it
    numbers the category (a sub-category shows its parent's row), the program's otherwise."""
    if not numbering_name:
        return code
    try:
        return numbering(numbering_name).get(code, code)
    except InvalidInput:  # a file removed or broken since it was chosen: the program's code
        return code

"""Where the reference data (category table, catalogues, demo cases) lives.

In a source checkout or an editable install it is the top-level ``data/`` folder; in a wheel it is
shipped inside the package as ``mediation/_data``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    shipped = _PACKAGE / "_data"
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent / "data"

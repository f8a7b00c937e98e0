"""Where the program's files are: the reference data it ships, and the user's own files.

The reference data (category table, catalogues, demo cases): in a source checkout or an editable
install the top-level ``data/`` folder; in a wheel it is shipped inside the package as
``mediation/_data``.

The user's files (the default database, the session file, the document templates) follow the XDG
base directories, each overridable by a variable of its own: :func:`user_path`, the one rule.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

_PACKAGE = Path(__file__).resolve().parent.parent

# The XDG base directory of each kind of user file, and its default under the home folder.
_BASES: dict[str, tuple[str, tuple[str, ...]]] = {
    "data": ("XDG_DATA_HOME", (".local", "share")),
    "state": ("XDG_STATE_HOME", (".local", "state")),
}


def data_dir() -> Path:
    shipped = _PACKAGE / "_data"
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent / "data"


def user_path(kind: Literal["data", "state"], *names: str, env: str | None = None) -> Path:
    """A file or folder of this program for the user: the variable ``env`` when it is set
    (``~`` expanded), else ``names`` under ``mediation/`` in the XDG base directory of ``kind``
    (``$XDG_DATA_HOME`` or ``~/.local/share``; ``$XDG_STATE_HOME`` or ``~/.local/state``)."""
    explicit = os.environ.get(env, "").strip() if env else ""
    if explicit:
        return Path(explicit).expanduser()
    variable, default = _BASES[kind]
    base = os.environ.get(variable) or str(Path.home().joinpath(*default))
    return Path(base, "mediation", *names)

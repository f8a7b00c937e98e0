"""The user's files (issue 13: one rule in one place): the default database, the session file and
the document templates all follow ``paths.user_path``: a variable of their own when set, else
the XDG base directory of their kind, else its default under the home folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediation.access.signin import session_path
from mediation.core import paths
from mediation.db.engines import default_db_path
from mediation.reporting.documents import templates_root

VARIABLES = ("XDG_DATA_HOME", "XDG_STATE_HOME", "MEDIATION_SESSION_FILE", "MEDIATION_TEMPLATES")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def test_without_variables_the_files_are_under_the_home_folder(home: Path) -> None:
    assert default_db_path() == home / ".local/share/mediation/mediation.db"
    assert templates_root() == home / ".local/share/mediation/templates"
    assert session_path() == home / ".local/state/mediation/session.json"


def test_the_xdg_base_directories_are_followed(home: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", "/srv/data")
    monkeypatch.setenv("XDG_STATE_HOME", "/srv/state")
    assert default_db_path() == Path("/srv/data/mediation/mediation.db")
    assert templates_root() == Path("/srv/data/mediation/templates")
    assert session_path() == Path("/srv/state/mediation/session.json")


def test_a_files_own_variable_wins_with_the_home_folder_expanded(
        home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", "/srv/state")
    monkeypatch.setenv("MEDIATION_SESSION_FILE", " ~/s.json ")
    monkeypatch.setenv("MEDIATION_TEMPLATES", "/srv/templates")
    assert session_path() == home / "s.json"
    assert templates_root() == Path("/srv/templates")


def test_a_blank_variable_is_not_set(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIATION_TEMPLATES", "  ")
    monkeypatch.setenv("XDG_DATA_HOME", "")
    assert paths.user_path("data", "templates", env="MEDIATION_TEMPLATES") == (
        home / ".local/share/mediation/templates")

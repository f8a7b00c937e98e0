"""A guided intake's draft belongs to the staff member who typed it (a privacy leak found at a
clerk's trial): 王芳 typed a party with a full ID number and pressed Ctrl-C; 李明 signed in on
the same operating-system account and database, ran `case new` and was offered her draft. Now
the draft is keyed by who signed in as well as the database: another member is never offered it
nor shown anything of it, and it is a private file (0600) in a private folder (0700)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.intake_draft import Draft
from mediation.access.policy import Actor
from tests.access_world import PASSWORD, build
from tests.cli.test_guided_intake import Terminal
from tests.cli.test_intake_draft import ADULT, CASE, Stops
from tests.conftest import Result

SIGNED_IN = {"MEDIATION_USER": ""}  # the session names the actor


@pytest.fixture
def room(tmp_path: Path) -> str:
    db = tmp_path / "signed.db"
    build(db, login=True)
    return str(db)


def _drafts() -> list[Path]:
    folder = Path(os.environ["MEDIATION_DRAFTS"])
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def _as(cli: Callable[..., Result], db: str, user: str) -> None:
    out = cli("login", user, "--password-stdin", input=PASSWORD + "\n",
              env={**SIGNED_IN, "MEDIATION_DB": db})
    assert out.code == 0, out.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_draft_is_offered_only_to_whoever_typed_it(cli: Callable[..., Result], room: str,
                                                     lang: str) -> None:
    zh = lang == "zh"
    offer = "上次未完成的登记，是否继续？" if zh else "An intake was left unfinished"
    env = {**SIGNED_IN, "MEDIATION_DB": room, "COLUMNS": "80"}
    _as(cli, room, "wangfang")
    typed = [*CASE, "", "张三", "男", "汉族", ADULT]
    out = cli("--lang", lang, "case", "new", input=Stops(typed), env=env)
    assert out.code == 130, out.err
    [hers] = _drafts()
    assert stat.S_IMODE(hers.stat().st_mode) == 0o600
    assert stat.S_IMODE(hers.parent.stat().st_mode) == 0o700
    assert ADULT in hers.read_text(encoding="utf-8")  # what was typed, kept to lose nothing
    # 李明 on the same account and database: not offered it, shown nothing of it
    _as(cli, room, "liming")
    out = cli("--lang", lang, "case", "new", input=Stops(["02"]), env=env)
    assert out.code == 130
    assert offer not in out.err and "张三" not in out.err and ADULT not in out.err
    assert str(hers) not in out.err
    [mine] = [d for d in _drafts() if d != hers]  # his own draft, apart from hers
    assert ADULT not in mine.read_text(encoding="utf-8")
    # 王芳 again: offered hers, which continues where she stopped
    _as(cli, room, "wangfang")
    out = cli("--lang", lang, "case", "new", input=Terminal("y\n"), env=env)
    assert offer in out.err
    assert hers.is_file() and mine.is_file()
    # 李明 declines his: only his is deleted
    _as(cli, room, "liming")
    out = cli("--lang", lang, "case", "new", input=Stops(["n"]), env=env)
    assert offer in out.err and out.code == 130
    assert _drafts() == [hers]


def test_an_earlier_versions_draft_of_no_known_owner_is_deleted_unread(
        cli: Callable[..., Result], room: str) -> None:
    from cli.intake_draft import folder
    from mediation.db.engines import database_url

    env = {**SIGNED_IN, "MEDIATION_DB": room}
    _as(cli, room, "liming")
    unowned = Draft(database_url(room), Actor("x", "x", "mediator", 0)).unowned
    unowned.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    unowned.write_text('{"record": {}, "parties": [{"role": "applicant", "name": "张三", '
                       f'"id_number": "{ADULT}"}}], "current": null}}', encoding="utf-8")
    for lang, said in (("zh", True), ("zh", False)):
        out = cli("--lang", lang, "case", "new", input=Stops([]), env=env)
        assert "张三" not in out.err and ADULT not in out.err
        assert "上次未完成的登记" not in out.err
        assert ("早期版本留下的未完成登记不知属于谁，已删除" in out.err) == said, out.err
    assert not unowned.exists() and list(folder().glob("*.json")) == []


_names = st.text(st.characters(codec="utf-8"), min_size=1,
                 max_size=8)


@settings(max_examples=200, deadline=None)
@given(db=_names, a=st.tuples(_names, st.integers(0, 3)), b=st.tuples(_names, st.integers(0, 3)),
       lead=st.one_of(st.none(), st.integers(1, 3)))
def test_two_staff_members_never_share_a_draft(db: str, a: tuple[str, int], b: tuple[str, int],
                                               lead: int | None) -> None:
    """Every draft (case new's, each lead's) of two different staff members, or of one on two
    databases, is a different file; the same member on the same database finds theirs again."""
    def path(url: str, who: tuple[str, int]) -> Path:
        return Draft(url, Actor(who[0], "名", "mediator", who[1]), lead=lead).path

    assert path(db, a) == path(db, a)
    assert (path(db, a) == path(db, b)) == (a == b)
    assert path(db, a) != path(db + "x", a)
    assert path(db, a) != Draft(db, Actor(a[0], "名", "mediator", a[1])).unowned

"""The one resolver of a staff member's name (mediation.access.staff_names): for any staff of any
committees, a user name names itself, a display name names the one staff member who has it, a
display name two share is refused naming exactly their user names, and a name that is nobody is
refused naming the committee's staff (never silently somebody)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import committee
from mediation.access import staff_names
from mediation.core.errors import InvalidInput, NotFound
from mediation.core.i18n import set_language
from tests.conftest import Room, make_room

NAMES = ["李明", "王芳", "张伟", "刘洋", "陈静"]
_counter = itertools.count()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Room:
    path: Path = tmp_path_factory.mktemp("staffnames") / "room.db"
    return make_room("sqlite:///" + str(path))


def _staff(room: Room) -> list[tuple[str, str]]:
    with room.uow(write=False) as uow:
        return [(r["username"], r["name"]) for r in
                committee.list_staff(uow, room.director)]


@settings(max_examples=40, deadline=None)
@given(added=st.lists(st.sampled_from(NAMES), max_size=3), typed=st.sampled_from(
    [*NAMES, "无此人", "nobody"]), lang=st.sampled_from(["en", "zh"]))
def test_a_name_names_one_staff_member_or_is_refused_naming_them(
        world: Room, added: list[str], typed: str, lang: str) -> None:
    set_language(lang)
    for display in added:
        world.run(committee.add_staff, None, username=f"u{next(_counter)}", name=display,
                  role="mediator")
    staff = _staff(world)
    holders = sorted(u for u, n in staff if n == typed)
    with world.uow(write=False) as uow:
        cid = world.director.committee_id
        for username, _ in staff:  # a user name names itself
            assert staff_names.username(uow, username, committee_id=cid) == username
        if len(holders) == 1:
            assert staff_names.username(uow, typed, committee_id=cid) == holders[0]
            assert staff_names.username(uow, f" {typed}\u3000", committee_id=cid) == holders[0]
        elif len(holders) > 1:
            with pytest.raises(InvalidInput) as err:
                staff_names.username(uow, typed, committee_id=cid)
            text = err.value.render()
            assert all(u in text for u in holders) and "\n" not in text
        else:
            with pytest.raises(NotFound) as missing:
                staff_names.username(uow, typed, committee_id=cid)
            text = missing.value.render()
            assert all(u in text for u, _ in staff[:30]) and "\n" not in text
            assert staff_names.find(uow, typed, committee_id=cid) is None


def test_a_role_given_to_the_service_by_its_name_is_stored_as_its_code(world: Room) -> None:
    """committee.add_staff/set_staff read the role through the one resolver too."""
    world.run(committee.add_staff, None, username="jiangtao", name="江涛", role="调解员")
    row = world.run(committee.set_staff, None, "江涛", role="Auditor")
    assert (row["username"], row["role"]) == ("jiangtao", "auditor")
    set_language("zh")
    with pytest.raises(InvalidInput, match="主任、"):
        world.run(committee.set_staff, None, "jiangtao", role="组长")

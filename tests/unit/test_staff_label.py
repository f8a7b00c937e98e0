"""THE way a staff member is shown to people (access.staff_names.label)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mediation.access.staff_names import label

users = st.from_regex(r"[a-z][a-z0-9_]{0,15}", fullmatch=True)
names = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1,
                max_size=4)


@given(users, names, st.booleans())
def test_a_named_staff_member_shows_by_name_and_by_user_name_when_shared(
        user: str, name: str, shared: bool) -> None:
    shown = label(user, name, shared=shared)
    assert shown.startswith(name)
    assert (user in shown) == shared  # the user name only where two share the name
    assert shown == (f"{name}({user})" if shared else name)


@given(users, st.sampled_from(["", None]), st.booleans())
def test_without_a_display_name_the_user_name_shows(user: str, name: str | None,
                                                    shared: bool) -> None:
    assert label(user, name, shared=shared) == user

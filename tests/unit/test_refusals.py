"""Issue 11: every refusal says in words, in both languages, what the role may not do and which
roles may (policy.refusal, from the catalogue keys ``permission.<code>``), for every permission
code; and the district administrator never gains case content through a role change."""

from __future__ import annotations

import re

import pytest

from mediation.access.policy import (
    POLICY,
    WORDS,
    Actor,
    holders,
    require,
    require_role_change,
    sees_case_content,
)
from mediation.core.errors import PermissionDenied
from mediation.core.i18n import gettext_, name, set_language
from mediation.core.vocab import Role

ROLES = [r.value for r in Role]


def actor(role: str) -> Actor:
    return Actor(username="u", name="某", role=role, committee_id=1)


def test_every_permission_has_its_words() -> None:
    assert {w.removeprefix("permission.") for w in WORDS} == set(POLICY)
    for code in POLICY:
        for lang in ("en", "zh"):
            text = gettext_(f"permission.{code}", lang)
            assert text and text != f"permission.{code}", (code, lang)
        assert re.search(r"[\u4e00-\u9fff]", gettext_(f"permission.{code}", "zh")), code


@pytest.mark.parametrize("code", sorted(POLICY))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_refusal_says_it_in_words(code: str, lang: str) -> None:
    set_language(lang)
    try:
        for role in ROLES:
            if role in POLICY[code]:
                require(actor(role), code)
                continue
            with pytest.raises(PermissionDenied) as info:
                require(actor(role), code)
            text = info.value.render()
            assert info.value.exit_code == 1
            assert gettext_(f"permission.{code}", lang) in text, text  # what, in words
            for holder in holders(code):  # who may
                assert name("role", holder, lang) in text, (holder, text)
            named = gettext_(f"permission.{code}", lang)
            assert text.endswith(f"(permission: {code})" if lang == "en"
                                 else f"（权限：{named}）"), text
            assert text.startswith("某"), text  # the display name (test_refusal_form.py)
            if lang == "zh":  # every word Chinese but the code
                rest = text.replace(code, "")
                assert not re.search(r"[A-Za-z]{2,}", rest), text
    finally:
        set_language("en")


def test_a_permission_nobody_holds() -> None:
    set_language("en")
    with pytest.raises(PermissionDenied, match="no role may"):
        require(actor("director"), "no.such")


@pytest.mark.parametrize("old", ROLES)
@pytest.mark.parametrize("new", ROLES)
def test_the_administrator_gives_no_role_that_sees_case_content(old: str, new: str) -> None:
    """Issue 11: ``staff role`` by the district administrator never makes an existing account
    one that sees case content; whatever else they may grant, they still may."""
    admin = actor("admin")
    if sees_case_content(new) and new != old:
        with pytest.raises(PermissionDenied, match="sees case content"):
            require_role_change(admin, "x", old, new)
    else:
        require_role_change(admin, "x", old, new)
    director = actor("director")
    if new in ("admin", "district_viewer"):  # the district's accounts (issue 17)
        with pytest.raises(PermissionDenied, match="may not give"):
            require_role_change(director, "x", old, new)
    else:
        require_role_change(director, "x", old, new)


def test_which_roles_see_case_content() -> None:
    assert {r for r in ROLES if sees_case_content(r)} == {"director", "mediator", "auditor"}

"""Issue 14: every refusal of the access policy has one form, in both languages: the person by
display name (never the user name) and role, what they may not do in words, and the
permission last, in the same brackets everywhere (``（权限：查看案卷）``,
``(permission: case.read)``); under zh nothing in Latin letters (a clerk's trial: the code
after the name is gone). Checked over every
refusal the policy can give, for every role, with any display name (Hypothesis)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation.access.policy import (
    POLICY,
    Actor,
    allowed,
    refused,
    require,
    require_appointment,
    require_grant,
    require_on_case,
    require_reveal,
    require_role_change,
)
from mediation.core.errors import PermissionDenied
from mediation.core.i18n import Msg, gettext_, msg, name, set_language
from mediation.core.vocab import Role

ROLES = [r.value for r in Role]
Attempt = tuple[str, Callable[[], None]]  # the permission named, the attempt


def attempts(actor: Actor) -> Iterator[Attempt]:
    """Every refusal the policy may give ``actor`` (each attempt may also be allowed)."""
    for code in sorted(POLICY):
        yield code, lambda code=code: require(actor, code)  # type: ignore[misc]
    for code in ("case.workflow", "case.read", "case.print"):
        yield code, lambda code=code: require_on_case(  # type: ignore[misc]
            actor, code, case_number="龙3", assigned={"someone"}, state="mediating")
    yield "case.reveal", lambda: require_reveal(actor, case_number="龙3",
                                                assigned={"someone"}, registrar="someone")
    yield "case.assign", lambda: require_appointment(actor, lead="someone", co=[],
                                                     current_lead=None)
    for role in ROLES:
        yield "staff.manage", lambda role=role: require_grant(actor, role)  # type: ignore[misc]
        for old in ROLES:
            yield "staff.manage", lambda old=old, role=role: (  # type: ignore[misc]
                require_role_change(actor, "someone", old, role, target="某某"))
    yield "case.read", lambda: _raise(refused(actor, "case.read", msg(
        "has no case agenda: what became of your leads is in `mediation lead list --mine`")))


def _raise(error: PermissionDenied) -> None:
    raise error


def _refusals(actor: Actor) -> Iterator[tuple[str, PermissionDenied]]:
    for code, attempt in attempts(actor):
        try:
            attempt()
        except PermissionDenied as error:
            yield code, error


def check_form(actor: Actor, code: str, error: PermissionDenied, lang: str) -> None:
    text = error.render()
    role = name("role", actor.role, lang)
    assert error.exit_code == 1 and error.permission == code, (code, text)
    if lang == "zh":
        assert text.startswith(f"{actor.label}（{role}）不能") or \
            text.startswith(f"{actor.label}（{role}）没有"), text
        named = gettext_(f"permission.{code}", lang)
        assert text.endswith(f"（权限：{named}）"), text  # the name alone: no code under zh
        rest = text
        rest = rest.replace("`mediation lead list --mine`", "")
        assert not re.search(r"[A-Za-z]{2,}", rest), text  # every other word Chinese
    else:
        assert text.startswith(f"{actor.label} ({role}) "), text
        assert text.endswith(f" (permission: {code})"), text
    assert text.count(code) == (0 if lang == "zh" else 1), text
    assert actor.username not in text, text  # named by display name, not the user name


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_every_refusal_has_one_form(role: str, lang: str) -> None:
    set_language(lang)
    try:
        actor = Actor(username="xuser", name="陈静", role=role, committee_id=1)
        seen = list(_refusals(actor))
        for code, error in seen:
            check_form(actor, code, error, lang)
        lacking = {c for c in POLICY if not allowed(actor, c)}
        assert lacking <= {c for c, _ in seen}  # every missing permission was refused
    finally:
        set_language("en")


def test_every_kind_of_refusal_is_covered() -> None:
    """The attempts above reach every refusal: each role is refused something, a grant, and
    (the administrator) a role change that would reach case content."""
    kinds: set[str] = set()
    for role in ROLES:
        for _code, error in _refusals(Actor("xuser", "陈静", role, 1)):
            what = error.message.params["what"]
            assert isinstance(what, Msg)
            kinds.add(what.id)
    assert {"may not {action}; that is for: {holders}", "may not {action} on case {case}: {why}",
            "may not give the role {granted}; that is for: {holders}"} <= kinds
    assert any(k.startswith("may not make {target}") for k in kinds)


@settings(max_examples=40, deadline=None)
@given(label=st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
                     min_size=1, max_size=4),
       role=st.sampled_from(ROLES), lang=st.sampled_from(["zh", "en"]))
def test_any_display_name_any_role(label: str, role: str, lang: str) -> None:
    set_language(lang)
    try:
        actor = Actor(username="xuser", name=label, role=role, committee_id=1)
        for code, error in _refusals(actor):
            check_form(actor, code, error, lang)
    finally:
        set_language("en")


def test_a_namesake_is_told_apart() -> None:
    """Two staff members named 李明: the refusal names this one with their user name."""
    set_language("en")
    actor = Actor("liming2", "李明", "clerk", 1, label="李明(liming2)")
    with pytest.raises(PermissionDenied, match=r"^李明\(liming2\) \(clerk\) may not"):
        require(actor, "case.read")

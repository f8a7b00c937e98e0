"""The policy module itself (issue 6): shared names, deny by default, the refusal message."""

from __future__ import annotations

import pytest

from mediation.access.policy import (
    GRANTABLE,
    POLICY,
    Actor,
    agenda_scope,
    allowed,
    audit_scope,
    case_scope,
    require,
    require_appointment,
    require_grant,
    sees_names,
)
from mediation.core.errors import PermissionDenied
from mediation.core.i18n import set_language
from mediation.core.vocab import Role


def actor(role: str) -> Actor:
    return Actor(username="u", name="U", role=role, committee_id=1)


# The names other branches use (COMMON.md); they must mean exactly this.
SHARED = {
    "stats.read": {"director", "clerk"},
    "report.export": {"director", "clerk"},
    "audit.read": {"director", "auditor"},
    "audit.verify": {"director", "auditor"},
    "audit.checkpoint": {"auditor", "director"},
}


@pytest.mark.parametrize("permission", sorted(SHARED))
def test_shared_permission_names(permission: str) -> None:
    assert set(POLICY[permission]) == SHARED[permission]


def test_the_matrix_of_the_issue() -> None:
    roles_of = {p: set(r) for p, r in POLICY.items()}
    assert roles_of["case.read"] == {"director", "mediator", "auditor"}
    assert roles_of["case.workflow"] == {"director", "mediator"}
    assert roles_of["case.assign"] == {"director"}
    assert roles_of["case.reveal"] == {"director", "mediator", "auditor"}
    assert roles_of["case.names"] == {"director", "mediator"}
    assert roles_of["committee.admin"] == {"admin"}
    clerk = {p for p, r in roles_of.items() if "clerk" in r}
    # Sweeps (issue 17) are counted in the reports the clerk files: date, area, who swept and how
    # many disputes were found, no party's data.
    assert clerk == {"stats.read", "report.export", "sweep.read"}
    admin = {p for p, r in roles_of.items() if "admin" in r}
    assert not any(p.startswith(("case.", "audit.", "stats.", "report.")) for p in admin)
    assert all(r <= {x.value for x in Role} for r in roles_of.values())
    # The Bureau of Justice (issue 17): the district's figures and nothing else.
    viewer = {p for p, r in roles_of.items() if "district_viewer" in r}
    assert viewer == {"district.read"}
    assert roles_of["district.read"] == {"admin", "district_viewer"}
    assert roles_of["duplicate.elsewhere"] == {"director"}


def test_deny_by_default() -> None:
    for role in Role:
        assert not allowed(actor(role), "no.such.permission")
    assert not allowed(actor("system"), "case.read")


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "陈静 (clerk) may not read case files; that is for: director, mediator, auditor "
           "(permission: case.read)"),
    ("zh", "陈静（统计员）不能查看案卷；可以的角色：主任、调解员、审计员"
           "（权限：查看案卷）"),
])
def test_refusal_names_role_and_permission(lang: str, expected: str) -> None:
    set_language(lang)
    with pytest.raises(PermissionDenied) as info:
        require(Actor("chenjing", "陈静", "clerk", 1), "case.read")
    assert info.value.exit_code == 1
    assert info.value.render() == expected


def test_grants_and_appointments() -> None:
    require_grant(actor("admin"), "admin")
    require_grant(actor("admin"), "district_viewer")
    with pytest.raises(PermissionDenied):
        require_grant(actor("director"), "district_viewer")
    with pytest.raises(PermissionDenied):
        require_grant(actor("director"), "admin")
    with pytest.raises(PermissionDenied):
        require_grant(actor("mediator"), "mediator")
    assert "admin" not in GRANTABLE[Role.director]
    require_appointment(actor("mediator"), lead="u", co=[], current_lead=None)
    require_appointment(actor("mediator"), lead="x", co=[], current_lead="x")
    with pytest.raises(PermissionDenied, match=r"case\.assign"):
        require_appointment(actor("mediator"), lead="x", co=[], current_lead=None)
    require_appointment(actor("director"), lead="x", co=["y"], current_lead=None)


def test_audit_scope_and_names() -> None:
    assert audit_scope(actor("auditor")) == "all"
    assert audit_scope(actor("mediator")) == "own"
    with pytest.raises(PermissionDenied, match=r"audit\.read"):
        audit_scope(actor("clerk"))
    assert sees_names(actor("mediator")) and not sees_names(actor("auditor"))


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_whose_cases_a_list_and_the_agenda_show(role: str) -> None:
    """Issue 14: one rule for whose cases (case list, case search, agenda), in the policy."""
    a = actor(role)
    assert case_scope(a, mine=True) == "mine"
    assert case_scope(a) == ("mine_and_intake" if role == "mediator" else "committee")
    assert agenda_scope(a, mine=True) == "mine"
    assert agenda_scope(a, everyone=True) == case_scope(a)
    expected = {"director": "committee", "mediator": "mine_and_intake"}.get(role, "mine")
    assert agenda_scope(a) == expected
    assert allowed(a, "case.oversee") == (role == "director")

"""Who may do what: every authorisation decision is made here, never in the CLI.

Deny by default. A permission is granted to roles in ``POLICY``; case-scoped permissions are
further limited for mediators to the cases they are assigned to (or, at intake, any case of their
committee still in intake).
"""

from __future__ import annotations

from dataclasses import dataclass

from mediation.cases import Role
from mediation.errors import PermissionDenied
from mediation.i18n import msg, name


@dataclass(frozen=True)
class Actor:
    username: str
    name: str
    role: str
    committee_id: int


SYSTEM = Actor(username="system", name="system", role="system", committee_id=0)

POLICY: dict[str, frozenset[str]] = {
    "committee.manage": frozenset({Role.director}),
    "staff.manage": frozenset({Role.director}),
    "staff.read": frozenset({Role.director, Role.mediator, Role.auditor}),
    "case.create": frozenset({Role.director, Role.mediator}),
    "case.import": frozenset({Role.director}),
    "case.read": frozenset({Role.director, Role.mediator, Role.auditor}),
    "case.workflow": frozenset({Role.director, Role.mediator}),
    "case.assign": frozenset({Role.director}),
    "case.reveal": frozenset({Role.director, Role.mediator, Role.auditor}),
    "audit.read": frozenset({Role.director, Role.auditor}),
    "audit.verify": frozenset({Role.director, Role.auditor}),
    "audit.checkpoint": frozenset({Role.auditor, Role.director}),
    "stats.read": frozenset({Role.director, Role.clerk}),
    "report.export": frozenset({Role.director, Role.clerk}),
}

ASSIGNABLE_ROLES = frozenset({Role.director, Role.mediator})


def allowed(actor: Actor, permission: str) -> bool:
    return actor.role in POLICY.get(permission, frozenset())


def require(actor: Actor, permission: str) -> None:
    if not allowed(actor, permission):
        raise PermissionDenied(
            msg(
                "{user} ({role}) lacks the permission {permission}",
                user=actor.username,
                role=name("role", actor.role),
                permission=permission,
            )
        )


def require_on_case(
    actor: Actor, permission: str, *, case_number: str, assigned: set[str], state: str
) -> None:
    """``permission`` on one case: mediators only on cases they are assigned to, or at intake."""
    require(actor, permission)
    if actor.role == Role.mediator and actor.username not in assigned and state != "intake":
        raise PermissionDenied(
            msg(
                "{user} ({role}) is not assigned to case {case}",
                user=actor.username,
                role=name("role", actor.role),
                case=case_number,
            )
        )

"""Who may do what: every authorisation decision is made here, never in the CLI.

Deny by default. A permission is granted to roles in ``POLICY``; a permission that is in no entry
is granted to nobody. Case-scoped permissions are further limited for mediators to the cases they
are assigned to (or, at intake, any case of their committee still in intake).

The role matrix (issue 6; docs/access.md explains it):

========== ===================== ======================= ============ ================ ===========
role       cases                 personal data           workflow     audit            statistics
========== ===================== ======================= ============ ================ ===========
mediator   assigned, and intake  masked; reveal on own   own cases    own events       none
director   whole committee       reveal with a reason    all, assign  read, verify     all
auditor    read only             masked; reveal+reason   none         read, verify,    audit
                                 (names masked too)                   checkpoint       extracts
clerk      none                  none                    none         none             stats,
                                                                                       report,
                                                                                       export
admin      none (counts only)    none                    none         none             none
grid_      none: their own       none                    none         none             none
worker     leads' outcome only
district_  none (counts only)    none                    none         none             district
viewer                                                                                 figures
========== ===================== ======================= ============ ================ ===========

``admin`` is the district administrator of a shared (PostgreSQL) database: it manages committees
and staff across committees and never sees case content. It and ``district_viewer`` (the Bureau
of Justice, read only) see the district's figures: per committee and in total, counts only
(``district.read``: ``stats --district``, ``report ... --district``; docs/district.md).

Every refusal has one form (:func:`refused`): the person by their display name and role, what
they may not do in words and who may, from one table (:data:`WORDS`, catalogue keys
``permission.<code>``), and the permission, in the same brackets in every refusal
(``（权限：查看案卷）``, ``(permission: case.read)``): under zh by its name alone (every
word Chinese), under en by its code, for whoever looks the rule up in docs/access.md (exit code 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mediation.core.errors import PermissionDenied
from mediation.core.i18n import N_, Msg, join, msg, name
from mediation.core.labels import staff_label
from mediation.core.vocab import Role


@dataclass(frozen=True)
class Actor:
    """Who is acting. ``label``: how they are named to people (``staff_label``: the display
    name, with the user name when a namesake shares it), resolved once by
    ``acting.actor_for``; an actor built by hand is labelled from its name alone."""

    username: str
    name: str
    role: str
    committee_id: int
    label: str = ""
    # Identified by a session or token (sign-in), not only named (MEDIATION_USER on a
    # committee without sign-in): what a step's confirmation names them for (StepDone.by).
    signed_in: bool = False

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", staff_label(self.username, self.name))


_D, _M, _A, _C, _X = Role.director, Role.mediator, Role.auditor, Role.clerk, Role.admin
_G, _V = Role.grid_worker, Role.district_viewer


def _roles(*roles: Role) -> frozenset[str]:
    return frozenset(r.value for r in roles)


POLICY: dict[str, frozenset[str]] = {
    # committees and staff
    "committee.admin": _roles(_X),  # committee add|list across the database
    "committee.settings": _roles(_D),  # per-committee settings (retention period)
    "staff.manage": _roles(_D, _X),  # staff add|disable|role|password (admin: any committee)
    "staff.read": _roles(_D, _M, _A, _X),
    # the committee's half of a code the administrator gave (access/passwords.py): members only,
    # never the administrator, who holds the other half
    "staff.code": _roles(_D, _M, _A),
    "token.manage": _roles(_D, _X),  # long-lived tokens for cron (e.g. a clerk's export)
    # cases
    "case.create": _roles(_D, _M),
    "case.import": _roles(_D),  # bulk import of a back-catalogue (case import)
    "case.read": _roles(_D, _M, _A),
    "case.names": _roles(_D, _M),  # parties' full names without --reveal
    "case.workflow": _roles(_D, _M),
    "case.assign": _roles(_D),
    # overseeing the committee's cases: the director's agenda is the whole committee's by
    # default (agenda_scope); others see their own unless they ask for --committee
    "case.oversee": _roles(_D),
    # closing a case whose agreement was not fully performed, with the reason (case close
    # --reason, after urging: workflow.guards.ready_to_close)
    "case.close.reason": _roles(_D),
    "case.reveal": _roles(_D, _M, _A),
    "case.print": _roles(_D, _M),  # documents with the parties' full data (a mediator: own cases)
    "retention.apply": _roles(_D),
    # audit (names shared with the audit branch)
    "audit.read": _roles(_D, _A),
    "audit.read.own": _roles(_M),  # a mediator's own events only
    "audit.verify": _roles(_D, _A),
    "audit.checkpoint": _roles(_A, _D),
    # statistics and exports (names shared with the statistics/export branch)
    "stats.read": _roles(_D, _C),
    "report.export": _roles(_D, _C),
    # dispute sweeps (排查, docs/grid.md): no personal data, so every committee role reads them
    "sweep.record": _roles(_D, _M),
    "sweep.read": _roles(_D, _M, _A, _C),
    # grid leads (网格线索, docs/grid.md): a grid worker reports and sees only the outcome of
    # their own reports; the committee's inbox is for the director and the mediators
    "lead.report": _roles(_G, _D, _M),
    "lead.read": _roles(_D, _M),
    "lead.read.own": _roles(_G),
    "lead.decide": _roles(_D, _M),  # dismiss, or accept (which also needs case.create)
    # the district (docs/district.md): figures per committee and the total, never case content
    "district.read": _roles(_X, _V),
    # the same party in an open case of another committee of the database, named by that
    # committee and the case number (duplicates.elsewhere); others learn only that one exists
    "duplicate.elsewhere": _roles(_D),
}

ASSIGNABLE_ROLES = frozenset({Role.director, Role.mediator})

# Which roles each role may hand out (staff add / staff role): a director staffs their own
# committee but cannot create administrators; the district administrator may give any role.
GRANTABLE: dict[str, frozenset[str]] = {
    Role.director: _roles(_D, _M, _A, _C, _G),
    Role.admin: _roles(_D, _M, _A, _C, _X, _G, _V),
}


# What each permission lets a role do, in words: the catalogue key ``permission.<code>`` holds
# the phrase in each language ("read case files", "查看案卷"). Every permission of POLICY has one
# (tests/unit/test_refusals.py); a refusal is built from it and from POLICY, nowhere else.
WORDS: tuple[str, ...] = (
    N_("permission.committee.admin"), N_("permission.committee.settings"),
    N_("permission.staff.manage"), N_("permission.staff.read"), N_("permission.staff.code"),
    N_("permission.token.manage"), N_("permission.case.create"), N_("permission.case.import"),
    N_("permission.case.read"), N_("permission.case.names"), N_("permission.case.workflow"),
    N_("permission.case.assign"), N_("permission.case.oversee"), N_("permission.case.reveal"),
    N_("permission.case.print"), N_("permission.case.close.reason"),
    N_("permission.retention.apply"), N_("permission.audit.read"),
    N_("permission.audit.read.own"), N_("permission.audit.verify"),
    N_("permission.audit.checkpoint"), N_("permission.stats.read"),
    N_("permission.report.export"), N_("permission.sweep.record"), N_("permission.sweep.read"),
    N_("permission.lead.report"), N_("permission.lead.read"), N_("permission.lead.read.own"),
    N_("permission.lead.decide"), N_("permission.district.read"),
    N_("permission.duplicate.elsewhere"),
)


def allowed(actor: Actor, permission: str) -> bool:
    return actor.role in POLICY.get(permission, frozenset())


def holders(permission: str) -> list[str]:
    """The roles holding ``permission``, in the order of the role vocabulary."""
    held = POLICY.get(permission, frozenset())
    return [r.value for r in Role if r.value in held]


def refused(actor: Actor, permission: str, what: Msg) -> PermissionDenied:
    """THE form of every refusal: ``王芳（主任）{what}（权限：为案件指派调解员）`` /
    ``王芳 (director) {what} (permission: case.assign)``: the person by display name and role,
    ``what`` they may not do and why, the permission (the rule refusing, as docs/access.md
    lists it: under zh its name, under en its code)."""
    return PermissionDenied(msg("{who} ({role}) {what} (permission: {permission})",
                                who=actor.label, role=name("role", actor.role), what=what,
                                permission=permission, named=permission_name(permission)),
                            permission=permission)


def permission_name(permission: str) -> Msg:
    """A permission's name in the reader's words (``permission.case.read``: 查看案卷), THE
    table of them being the catalogues' ``permission.*`` entries; a zh refusal shows it alone
    (``（权限：查看案卷）``)."""
    return msg(f"permission.{permission}")


def refusal(actor: Actor, permission: str, *, case: str | None = None, why: Msg | None = None
            ) -> PermissionDenied:
    """A missing permission (:func:`refused`): ``陈静 (clerk) may not read case files; that is
    for: director, mediator, auditor (permission: case.read)``, in the current language.
    ``case`` and ``why``: a refusal on one case and its reason (a mediator's own cases)."""
    what = permission_name(permission)
    who = join([name("role", r) for r in holders(permission)])
    if case is not None and why is not None:
        return refused(actor, permission, msg("may not {action} on case {case}: {why}",
                                              action=what, case=case, why=why))
    if not who:
        return refused(actor, permission, msg("may not {action}; no role may", action=what))
    return refused(actor, permission, msg("may not {action}; that is for: {holders}",
                                          action=what, holders=who))


def denied(actor: Actor, permission: str) -> PermissionDenied:
    return refusal(actor, permission)


def require(actor: Actor, permission: str) -> None:
    if not allowed(actor, permission):
        raise denied(actor, permission)


def require_any(actor: Actor, *permissions: str) -> str:
    """The first of ``permissions`` the actor holds; refused naming the first one otherwise."""
    for p in permissions:
        if allowed(actor, p):
            return p
    raise denied(actor, permissions[0])


def may_on_case(actor: Actor, permission: str, *, assigned: set[str], state: str) -> bool:
    """``permission`` on one case: mediators only on cases they are assigned to, or at intake."""
    if not allowed(actor, permission):
        return False
    return not (actor.role == Role.mediator and actor.username not in assigned
                and state != "intake")


def require_on_case(
    actor: Actor, permission: str, *, case_number: str, assigned: set[str], state: str
) -> None:
    """``permission`` on one case (:func:`may_on_case`), or refused naming what is missing."""
    require(actor, permission)
    if not may_on_case(actor, permission, assigned=assigned, state=state):
        raise refusal(actor, permission, case=case_number, why=msg(
            "a mediator acts only on cases assigned to them, or still in intake"))


# Whose cases a list shows (case list, case search, agenda): one rule, :func:`case_scope`.
MINE = "mine"  # the cases assigned to the actor
MINE_AND_INTAKE = "mine_and_intake"  # those, and every case still in intake (anyone takes it in)
COMMITTEE = "committee"  # every case of the committee


def case_scope(actor: Actor, *, mine: bool = False) -> str:
    """Which of the committee's cases ``actor`` is shown: :data:`MINE` when they ask for their
    own (``--mine``); otherwise all they may read: a mediator the cases assigned to them and
    those still in intake (:func:`may_on_case`), every other reader the whole committee."""
    if mine:
        return MINE
    return MINE_AND_INTAKE if actor.role == Role.mediator else COMMITTEE


def agenda_scope(actor: Actor, *, mine: bool = False, everyone: bool = False) -> str:
    """Whose cases ``mediation agenda`` shows. ``--mine``: the cases assigned to the actor;
    ``--all``: every case they may read (:func:`case_scope`). By default: the whole committee's
    for one who oversees it (``case.oversee``, the director); the cases assigned to the actor,
    and those waiting in intake if they may take them in (``case.workflow``), for anyone
    else."""
    if mine:
        return MINE
    if everyone or allowed(actor, "case.oversee"):
        return case_scope(actor)
    return MINE_AND_INTAKE if allowed(actor, "case.workflow") else MINE


def require_committee(actor: Actor, committee_id: int) -> None:
    """Acting on another committee's staff or settings: only the district administrator."""
    if committee_id != actor.committee_id:
        require(actor, "committee.admin")


def require_grant(actor: Actor, role: str) -> None:
    """May ``actor`` give somebody the role ``role``?"""
    if role not in GRANTABLE.get(actor.role, frozenset()):
        givers = [r.value for r in Role if role in GRANTABLE.get(r.value, frozenset())]
        raise refused(actor, "staff.manage", msg(
            "may not give the role {granted}; that is for: {holders}",
            granted=name("role", role), holders=join([name("role", r) for r in givers])))


# The permissions that show case content (the case file, its parties, its events, the leads'
# inbox). A role holding any of them "sees case content"; the clerk's aggregates, the sweeps and
# a grid worker's own leads do not.
CASE_CONTENT = ("case.read", "case.names", "case.reveal", "case.print", "audit.read",
                "audit.read.own", "lead.read")


def sees_case_content(role: str) -> bool:
    return any(role in POLICY[p] for p in CASE_CONTENT)


def require_role_change(actor: Actor, username: str, old: str, new: str, *,
                        target: str = "") -> None:
    """``staff role USER NEW``: may ``actor`` turn ``old`` into ``new``? ``target``: how the
    account is named to people (its display name; the user name when not given).

    Besides :func:`require_grant`: nobody who does not see case content (the district
    administrator) gives an existing account a role that does (director, mediator, auditor). The
    administrator cannot know whose hands an existing account is in (one it made in a committee
    with nothing in it yet, another administrator's), so a role change must never be a way for
    them to reach case content. They add a new account instead, whose one-time code comes in
    two halves (access/passwords.py), or the committee's director changes the role."""
    require_grant(actor, new)
    if sees_case_content(new) and new != old and not sees_case_content(actor.role):
        raise refused(actor, "staff.manage", msg(
            "may not make {target} {granted}: that role sees case content and yours does not; "
            "the committee's director changes roles in the committee, or add a new account "
            "(its one-time code comes in two halves)", target=target or username,
            granted=name("role", new)))


def sees_names(actor: Actor) -> bool:
    """Whether lists and case files show parties' full names (otherwise ``张某``)."""
    return allowed(actor, "case.names")


def audit_scope(actor: Actor) -> str:
    """``"all"`` (director, auditor), ``"own"`` (a mediator: events they made) or refused.

    For the audit commands: ``audit log`` filters events to ``actor.username`` when "own".
    """
    if allowed(actor, "audit.read"):
        return "all"
    require_any(actor, "audit.read", "audit.read.own")
    return "own"


def require_appointment(actor: Actor, *, lead: str | None, co: list[str],
                        current_lead: str | None) -> None:
    """Appointing mediators while starting mediation: naming anyone but yourself (or the lead
    already appointed) is an assignment, which needs ``case.assign``."""
    if allowed(actor, "case.assign"):
        return
    if lead in (None, actor.username, current_lead) and not co:
        return
    raise denied(actor, "case.assign")


def takes_on_accept(actor: Actor, *, assigned: Callable[[], set[str]]) -> bool:
    """Whether ``actor``, accepting a case, becomes its mediator: a mediator accepting a case
    no mediator is assigned to (recorded in the accept event as its ``lead_mediator``). The
    committee accepts through its members (DOMAIN.md: accept), a mediator appoints only
    themselves (:func:`require_appointment`), and the case they took on stays theirs to see
    and act on (:func:`may_on_case`), not lost the moment it leaves intake. A director
    accepting leaves the appointment to ``case assign``; a case assigned already keeps its
    mediators. ``assigned``: the case's mediators, asked only of a mediator (a director's
    accept reads nothing more: a step's statements stay on the driver, issue 18)."""
    return actor.role == Role.mediator and not assigned()


# Display names of the events this feature records, and of their changed fields (history, audit).
EVENT_NAMES = (
    N_("trigger.assign"), N_("trigger.login"), N_("trigger.login_failed"), N_("trigger.logout"),
    N_("trigger.token_create"), N_("trigger.token_revoke"), N_("trigger.password_set"),
    N_("trigger.committee_add"), N_("trigger.committee_rename"), N_("trigger.retention_set"),
    N_("trigger.anonymise"),
    N_("field.why"), N_("field.failed"), N_("field.locked_until"), N_("field.token_id"),
    N_("field.expires_at"), N_("field.retention_days"),
)


def require_reveal(actor: Actor, *, case_number: str, assigned: set[str], registrar: str
                   ) -> None:
    """``--reveal`` on one case: a mediator only on their own cases (assigned to them, or
    registered by them); intake alone is not enough."""
    require(actor, "case.reveal")
    if actor.role == Role.mediator and actor.username not in assigned | {registrar}:
        raise refusal(actor, "case.reveal", case=case_number, why=msg(
            "a mediator reveals personal data only on their own cases"))

"""Committees and their staff: ``init``, ``staff add|list|disable|role``, and who the actor is."""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlmodel import col, select

from mediation.access.policy import (
    Actor,
    require,
    require_committee,
    require_grant,
    require_role_change,
)
from mediation.cases import Case
from mediation.core import normalise
from mediation.core.changes import Changes, record
from mediation.core.errors import InvalidInput, NotFound, PermissionDenied, UsageError
from mediation.core.i18n import Msg, msg
from mediation.core.labels import staff_label
from mediation.core.vocab import Role
from mediation.db import eventlog, settings
from mediation.db.storage import UnitOfWork
from mediation.tables import Committee, Staff

_USERNAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{1,31}$")


def _check_username(username: str) -> str:
    u = username.strip()
    if not _USERNAME_RE.match(u):
        raise UsageError(
            msg(
                "user name {user!r} is not allowed: 2-32 characters, lower-case letters, "
                "digits, '_', '.', '-', starting with a letter",
                user=username,
            )
        )
    return u


def _check_role(role: str) -> str:
    """A role by its code or name (the one resolver, mediation.core.choices)."""
    from mediation.core import choices

    try:
        return choices.parse("role", role)
    except choices.ChoiceError as exc:
        raise UsageError(exc.message) from None


def init_committee(
    uow: UnitOfWork,
    *,
    name: str,
    prefix: str,
    director: str,
    director_name: str | None = None,
    login_required: bool = False,
    password: str | None = None,
    admin: bool = False,
    one_time_code: bool = False,
) -> dict[str, Any]:
    """Create a committee and make ``director`` its director. The schema must exist.

    ``admin=True`` makes the user the district administrator instead (who then adds the
    committee's director with ``staff add --committee``). With ``login_required`` a password is
    needed (stored as an Argon2id hash), unless ``one_time_code``: the caller then gives the
    director a one-time code (``committee add``).
    """
    if login_required and not password and not one_time_code:
        raise InvalidInput(msg("sign-in is required here, so the first user needs a password "
                               "(prompted, or --password-stdin)"))
    s = uow.session
    name, prefix = _committee_name(name), normalise.fold(prefix)
    if not prefix or len(prefix) > 8:
        raise InvalidInput(msg("the case-number prefix must be 1 to 8 characters (--prefix)"))
    director = _check_username(director)
    if s.exec(select(Committee).where(Committee.prefix == prefix)).first() is not None:
        raise InvalidInput(msg("a committee with prefix {prefix} already exists here",
                               prefix=prefix))
    if s.exec(select(Staff).where(Staff.username == director)).first() is not None:
        raise InvalidInput(msg("user {user} already exists in this database", user=director))
    if settings.get(uow, settings.ID_HASH_KEY) is None:
        settings.put(uow, settings.ID_HASH_KEY, secrets.token_hex(32))
        settings.put(uow, settings.SCHEMA_VERSION_KEY, settings.SCHEMA_VERSION)
    eventlog.ensure_head(s)
    now = uow.now()
    committee = Committee(name=name, prefix=prefix, login_required=login_required, created_at=now)
    s.add(committee)
    s.flush()
    assert committee.id is not None
    staff = Staff(
        committee_id=committee.id,
        username=director,
        name=normalise.text(director_name or director),
        role=Role.admin if admin else Role.director,
        created_at=now,
    )
    s.add(staff)
    s.flush()
    if password:
        from mediation.access.signin import set_password

        set_password(uow, staff, password)
    eventlog.append(
        s,
        at=now,
        actor=director,
        role=staff.role,
        action="init",
        committee_id=committee.id,
        changes={"committee": [None, name], "prefix": [None, prefix], "director": [None, director],
                 "login_required": [None, login_required], "role": [None, staff.role]},
    )
    return {"committee_id": committee.id, "name": name, "prefix": prefix, "director": director,
            "director_name": staff.name, "role": staff.role, "login_required": login_required}


COMMITTEE_NAME_MAX = 100


def _committee_name(name: str) -> str:
    """A committee's name as stored: free text without control characters (normalise.text:
    Word's vertical tab once broke every monthly report), 1 to 100 characters."""
    cleaned = normalise.text(name)
    if not cleaned:
        raise InvalidInput(msg("the committee needs a name (--committee)"))
    if len(cleaned) > COMMITTEE_NAME_MAX:
        raise InvalidInput(msg("a committee's name has at most {max} characters",
                               max=COMMITTEE_NAME_MAX))
    return cleaned


def rename_committee(uow: UnitOfWork, actor: Actor, name: str) -> dict[str, Any]:
    """``committee rename`` (director): the committee's full name, as shown on reports and
    exports; recorded as a ``committee_rename`` event. Case numbers keep their prefix."""
    require(actor, "committee.settings")
    new = _committee_name(name)
    committee = committee_of(uow, actor)
    old = committee.name
    changes: Changes = {}
    if record(changes, "committee", old, new):
        committee.name = new
        uow.session.add(committee)
        eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                        action="committee_rename", committee_id=actor.committee_id,
                        changes=changes)
    return {"committee_id": actor.committee_id, "prefix": committee.prefix, "old": old,
            "name": new, "changed": new != old}


def add_committee(uow: UnitOfWork, actor: Actor, *, name: str, prefix: str, director: str,
                  director_name: str | None = None, login_required: bool = True
                  ) -> dict[str, Any]:
    """``committee add`` (district administrator): a committee on a shared database.

    Where sign-in is required, the director's account gets a one-time code (returned as
    ``one_time_code``): the administrator never knows the director's password."""
    require(actor, "committee.admin")
    from mediation.access.passwords import issue_code, needs_halves

    result = init_committee(uow, name=name, prefix=prefix, director=director,
                            director_name=director_name, login_required=login_required,
                            one_time_code=True)
    if login_required:
        staff = uow.session.exec(select(Staff).where(Staff.username == result["director"])).one()
        result |= issue_code(uow, staff, halves=needs_halves(uow, staff))  # new: whole
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action="committee_add", committee_id=result["committee_id"],
                    changes={"committee": [None, result["name"]], "prefix": [None, prefix],
                             "username": [None, result["director"]]})
    return result


def list_committees(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    """``committee list`` (district administrator): names and counts, never case content."""
    require(actor, "committee.admin")
    from sqlalchemy import func

    s = uow.session
    staff = dict(s.exec(select(Staff.committee_id, func.count()).group_by(col(Staff.committee_id)))
                 .all())
    cases = dict(s.exec(select(Case.committee_id, func.count()).group_by(col(Case.committee_id)))
                 .all())
    rows = s.exec(select(Committee).order_by(col(Committee.id))).all()
    return [{"id": c.id, "name": c.name, "prefix": c.prefix, "login_required": c.login_required,
             "staff": staff.get(c.id or 0, 0), "cases": cases.get(c.id or 0, 0),
             "created_at": c.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")} for c in rows]


def committee_by_prefix(uow: UnitOfWork, actor: Actor, prefix: str | None) -> int:
    """The committee an action on staff targets: the actor's own, or (administrator) another."""
    if prefix is None:
        return actor.committee_id
    row = uow.session.exec(select(Committee).where(
        Committee.prefix == normalise.fold(prefix))).first()
    if row is None or row.id is None:
        raise NotFound(msg("no committee with prefix {prefix}", prefix=prefix))
    require_committee(actor, row.id)
    return row.id


def resolve_actor(uow: UnitOfWork, username: str | None) -> Actor:
    """The actor a bare user name names: only on a committee that does not require sign-in
    (``signin.actor_for`` decides, as for every other caller)."""
    from mediation.access.signin import actor_for

    return actor_for(uow, user=username, token=None)


def committee_of(uow: UnitOfWork, actor: Actor) -> Committee:
    committee = uow.session.get(Committee, actor.committee_id)
    if committee is None:
        raise NotFound(msg("unknown committee"))
    return committee


def may_add_staff(actor: Actor, role: str) -> str:
    """The role code ``role`` names, if ``actor`` may add staff and give it; else
    PermissionDenied (InvalidInput for an unknown role). Asked before a password is prompted
    for, so a refusal never comes after the typing (a clerk's trial)."""
    require(actor, "staff.manage")
    role = _check_role(role)
    require_grant(actor, role)
    return role


def add_staff(uow: UnitOfWork, actor: Actor, *, username: str, name: str, role: str,
              password: str | None = None, committee: str | None = None) -> dict[str, Any]:
    """Add a staff member to the actor's committee (the administrator: to ``committee``)."""
    role = may_add_staff(actor, role)
    username = _check_username(username)
    committee_id = committee_by_prefix(uow, actor, committee)
    from mediation.access.passwords import issue_code, issues_codes, needs_halves

    s = uow.session
    home = s.get(Committee, committee_id)
    coded = issues_codes(actor)  # the administrator: a one-time code, never a password
    if coded and password:
        raise InvalidInput(msg("the district administrator does not choose passwords for "
                               "others: the new account gets a one-time code"))
    if home is not None and home.login_required and not password and not coded:
        raise InvalidInput(msg("this committee requires sign-in: give the new account a "
                               "password (prompted, or --password-stdin)"))
    if s.exec(select(Staff).where(Staff.username == username)).first() is not None:
        raise InvalidInput(msg("user {user} already exists in this database", user=username))
    name = staff_name(name, msg("give the person's name (--name)"))
    staff = Staff(committee_id=committee_id, username=username, name=name,
                  role=role, created_at=uow.now())
    s.add(staff)
    s.flush()
    code: dict[str, Any] = {}
    if password:
        from mediation.access.signin import set_password

        set_password(uow, staff, password)
    elif coded and home is not None and home.login_required:
        code = issue_code(uow, staff, halves=needs_halves(uow, staff))
    eventlog.append(s, at=uow.now(), actor=actor.username, role=actor.role, action="staff_add",
                    committee_id=committee_id,
                    changes={"username": [None, username], "name": [None, staff.name],
                             "role": [None, role]})
    return staff_view(staff) | code | {"namesakes": namesakes(uow, staff)}


def namesakes(uow: UnitOfWork, staff: Staff) -> list[str]:
    """The user names of the other staff of ``staff``'s committee with the same name. Two
    people may share a name (allowed); the CLI says so, since a command given that name asks
    which user name is meant (find_staff)."""
    rows = uow.session.exec(select(Staff).where(Staff.committee_id == staff.committee_id,
                                                Staff.name == staff.name,
                                                Staff.username != staff.username))
    return sorted(r.username for r in rows)


def staff_name(typed: str, empty: Msg) -> str:
    """THE rule of a staff member's name (``staff add --name``, ``staff name``): a person's
    name by the rule of a party's (fields.person_name: letters, no phone or ID number in it),
    in its normal form; an empty one refused with ``empty``. :class:`InvalidInput` (exit 1)."""
    from mediation.core import fields

    text = normalise.text(typed)
    if not text:
        raise InvalidInput(empty)
    try:
        return fields.person_name(text)
    except normalise.Unreadable as exc:
        raise InvalidInput(msg(exc.message_id, **exc.params)) from None


def set_staff(uow: UnitOfWork, actor: Actor, username: str, *, role: str | None = None,
              active: bool | None = None, name: str | None = None,
              committee: str | None = None) -> dict[str, Any]:
    """Change a staff member's role, account state or name (the name shown in case files,
    on documents as 调解员/回访人, and by which staff are found: ``init`` without
    ``--director-name`` left the user name there). Recorded as ``staff_role``,
    ``staff_disable`` or ``staff_name`` with the values before and after; ``staff.manage``."""
    require(actor, "staff.manage")
    staff = find_staff(uow, actor, username, committee=committee)
    username = staff.username  # it may have been named by its display name
    changes: Changes = {}
    if staff.role not in _grantable(actor):
        require_grant(actor, staff.role)
    role = None if role is None else _check_role(role)
    if role is not None and role != staff.role:
        require_role_change(actor, staff.username, staff.role, role,
                            target=staff_label(staff.username, staff.name))
        if staff.username == actor.username:
            raise InvalidInput(msg("you cannot change your own role"))
    if role is not None and record(changes, "role", staff.role, role):
        staff.role = role
    if active is not None and active != staff.active:
        if staff.username == actor.username and not active:
            raise InvalidInput(msg("you cannot disable your own account"))
    if active is not None and record(changes, "active", staff.active, active):
        staff.active = active
    was = staff.name
    if name is not None:
        name = staff_name(name, msg("give the person's name"))
        if record(changes, "name", staff.name, name):
            staff.name = name
    if changes:
        uow.session.add(staff)
        action = ("staff_role" if "role" in changes else
                  "staff_disable" if "active" in changes else "staff_name")
        eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                        action=action,
                        committee_id=staff.committee_id,
                        changes={"username": [username, username], **changes})
    return staff_view(staff) | {"changed": sorted(changes), "was": was,
                                "namesakes": namesakes(uow, staff) if "name" in changes else []}


def _grantable(actor: Actor) -> frozenset[str]:
    from mediation.access.policy import GRANTABLE

    return GRANTABLE.get(actor.role, frozenset())


def find_staff(uow: UnitOfWork, actor: Actor, username: str, *,
               committee: str | None = None) -> Staff:
    """A staff member of the committee, by user name or display name (access.staff_names, the
    one resolver: an ambiguous or unknown name is refused naming the staff)."""
    from mediation.access import staff_names

    committee_id = committee_by_prefix(uow, actor, committee)
    found = staff_names.username(uow, username, committee_id=committee_id)
    staff = uow.session.exec(
        select(Staff).where(Staff.username == found, Staff.committee_id == committee_id)
    ).first()
    if staff is None:
        raise NotFound(msg("no staff member named \"{user}\" in this committee", user=username))
    return staff


def assignable(uow: UnitOfWork, actor: Actor, username: str) -> Staff:
    """A staff member who may be appointed to mediate: active, a mediator or the director,
    named by user name, display name or a part of exactly one of theirs
    (``staff_names.mediator``, which refuses naming those who may)."""
    from mediation.access import staff_names

    found = staff_names.mediator(uow, username, committee_id=actor.committee_id)
    staff = uow.session.exec(
        select(Staff).where(Staff.username == found, Staff.committee_id == actor.committee_id)
    ).first()
    if staff is None:  # (it was just found)
        raise NotFound(msg("no staff member named \"{user}\" in this committee", user=username))
    return staff


def list_staff(uow: UnitOfWork, actor: Actor, *, committee: str | None = None
               ) -> list[dict[str, Any]]:
    require(actor, "staff.read")
    committee_id = committee_by_prefix(uow, actor, committee)
    rows = uow.session.exec(
        select(Staff).where(Staff.committee_id == committee_id)
        .order_by(col(Staff.id))
    ).all()
    return [staff_view(r) for r in rows]


def staff_view(s: Staff) -> dict[str, Any]:
    return {"username": s.username, "name": s.name, "role": s.role, "active": s.active}


def check_can_init(uow: UnitOfWork) -> None:
    """``init`` on a database that already has a committee requiring sign-in is refused: on a
    shared database only the district administrator adds committees (``committee add``)."""
    if uow.session.exec(select(Committee).where(col(Committee.login_required))).first():
        raise PermissionDenied(msg("this database already has committees that require sign-in; "
                                   "the district administrator adds committees with "
                                   "`mediation committee add`"))

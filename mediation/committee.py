"""Committees and their staff: ``init``, ``staff add|list|disable|role``, and who the actor is."""

from __future__ import annotations

import re
import secrets
from typing import Any

from sqlmodel import col, select

from mediation import eventlog
from mediation.access import ASSIGNABLE_ROLES, Actor, require
from mediation.cases import Committee, Role, Setting, Staff
from mediation.errors import InvalidInput, NotFound, PermissionDenied
from mediation.i18n import join, msg
from mediation.storage import UnitOfWork

SCHEMA_VERSION = "1"
_USERNAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{1,31}$")


def _check_username(username: str) -> str:
    u = username.strip()
    if not _USERNAME_RE.match(u):
        raise InvalidInput(
            msg(
                "user name {user!r} is not allowed: 2-32 characters, lower-case letters, "
                "digits, '_', '.', '-', starting with a letter",
                user=username,
            )
        )
    return u


def _check_role(role: str) -> str:
    if role not in {r.value for r in Role}:
        raise InvalidInput(
            msg("role {role!r} is not one of: {allowed}", role=role,
                allowed=join([r.value for r in Role]))
        )
    return role


def setting(uow: UnitOfWork, key: str) -> str | None:
    row = uow.session.get(Setting, key)
    return None if row is None else row.value


def hash_key(uow: UnitOfWork) -> bytes:
    value = setting(uow, "id_hash_key")
    if value is None:
        raise NotFound(msg("no mediation database here; run `mediation init` first"))
    return bytes.fromhex(value)


def init_committee(
    uow: UnitOfWork,
    *,
    name: str,
    prefix: str,
    director: str,
    director_name: str | None = None,
    login_required: bool = False,
) -> dict[str, Any]:
    """Create a committee and make ``director`` its director. The schema must exist."""
    s = uow.session
    name, prefix = name.strip(), prefix.strip()
    if not name:
        raise InvalidInput(msg("the committee needs a name (--committee)"))
    if not prefix or len(prefix) > 8:
        raise InvalidInput(msg("the case-number prefix must be 1 to 8 characters (--prefix)"))
    director = _check_username(director)
    if s.exec(select(Committee).where(Committee.prefix == prefix)).first() is not None:
        raise InvalidInput(msg("a committee with prefix {prefix} already exists here",
                               prefix=prefix))
    if s.exec(select(Staff).where(Staff.username == director)).first() is not None:
        raise InvalidInput(msg("user {user} already exists in this database", user=director))
    if s.get(Setting, "id_hash_key") is None:
        s.add(Setting(key="id_hash_key", value=secrets.token_hex(32)))
        s.add(Setting(key="schema_version", value=SCHEMA_VERSION))
    eventlog.ensure_head(s)
    now = uow.now()
    committee = Committee(name=name, prefix=prefix, login_required=login_required, created_at=now)
    s.add(committee)
    s.flush()
    assert committee.id is not None
    staff = Staff(
        committee_id=committee.id,
        username=director,
        name=(director_name or director).strip(),
        role=Role.director,
        created_at=now,
    )
    s.add(staff)
    s.flush()
    eventlog.append(
        s,
        at=now,
        actor=director,
        role=Role.director,
        action="init",
        committee_id=committee.id,
        changes={"committee": [None, name], "prefix": [None, prefix], "director": [None, director],
                 "login_required": [None, login_required]},
    )
    return {"committee_id": committee.id, "name": name, "prefix": prefix, "director": director}


def resolve_actor(uow: UnitOfWork, username: str | None) -> Actor:
    if not username:
        raise InvalidInput(msg("who are you? set MEDIATION_USER or pass --user"))
    staff = uow.session.exec(select(Staff).where(Staff.username == username)).first()
    if staff is None:
        raise NotFound(
            msg("unknown user {user}; a director adds staff with `mediation staff add`",
                user=username)
        )
    if not staff.active:
        raise PermissionDenied(msg("user {user} is disabled", user=username))
    return Actor(username=staff.username, name=staff.name, role=staff.role,
                 committee_id=staff.committee_id)


def committee_of(uow: UnitOfWork, actor: Actor) -> Committee:
    committee = uow.session.get(Committee, actor.committee_id)
    if committee is None:
        raise NotFound(msg("unknown committee"))
    return committee


def add_staff(uow: UnitOfWork, actor: Actor, *, username: str, name: str, role: str
              ) -> dict[str, Any]:
    require(actor, "staff.manage")
    username, role = _check_username(username), _check_role(role)
    s = uow.session
    if s.exec(select(Staff).where(Staff.username == username)).first() is not None:
        raise InvalidInput(msg("user {user} already exists in this database", user=username))
    if not name.strip():
        raise InvalidInput(msg("give the person's name (--name)"))
    staff = Staff(committee_id=actor.committee_id, username=username, name=name.strip(),
                  role=role, created_at=uow.now())
    s.add(staff)
    s.flush()
    eventlog.append(s, at=uow.now(), actor=actor.username, role=actor.role, action="staff_add",
                    committee_id=actor.committee_id,
                    changes={"username": [None, username], "name": [None, staff.name],
                             "role": [None, role]})
    return staff_view(staff)


def set_staff(uow: UnitOfWork, actor: Actor, username: str, *, role: str | None = None,
              active: bool | None = None) -> dict[str, Any]:
    require(actor, "staff.manage")
    staff = find_staff(uow, actor, username)
    changes: dict[str, list[Any]] = {}
    if role is not None and role != staff.role:
        changes["role"] = [staff.role, _check_role(role)]
        staff.role = role
    if active is not None and active != staff.active:
        if staff.username == actor.username and not active:
            raise InvalidInput(msg("you cannot disable your own account"))
        changes["active"] = [staff.active, active]
        staff.active = active
    if changes:
        uow.session.add(staff)
        eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                        action="staff_role" if "role" in changes else "staff_disable",
                        committee_id=actor.committee_id,
                        changes={"username": [username, username], **changes})
    return staff_view(staff)


def find_staff(uow: UnitOfWork, actor: Actor, username: str) -> Staff:
    staff = uow.session.exec(
        select(Staff).where(Staff.username == username,
                            Staff.committee_id == actor.committee_id)
    ).first()
    if staff is None:
        raise NotFound(msg("unknown user {user} in this committee", user=username))
    return staff


def assignable(uow: UnitOfWork, actor: Actor, username: str) -> Staff:
    """A staff member who may be appointed to mediate: active, a mediator or the director."""
    staff = find_staff(uow, actor, username)
    if not staff.active or staff.role not in ASSIGNABLE_ROLES:
        raise InvalidInput(msg("{user} cannot mediate: the account is disabled or not a mediator",
                               user=username))
    return staff


def list_staff(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    require(actor, "staff.read")
    rows = uow.session.exec(
        select(Staff).where(Staff.committee_id == actor.committee_id)
        .order_by(col(Staff.id))
    ).all()
    return [staff_view(r) for r in rows]


def staff_view(s: Staff) -> dict[str, Any]:
    return {"username": s.username, "name": s.name, "role": s.role, "active": s.active}

"""Passwords (Argon2id) and one-time codes: how a staff member proves who they are.

- Passwords are stored as Argon2id hashes (argon2-cffi). ``MEDIATION_ARGON2_FAST=1`` lowers the
  cost to the minimum; it exists for the test suite only and must never be set in production.
- The district administrator never chooses a password nor acts as anyone else (issue 11): an
  account they create, or whose password they reset, gets a one-time code (valid for
  :data:`CODE_HOURS`) with which its holder signs in once and must choose a password of their
  own; a reset ends the account's open sessions. Each such act is an event of the account's
  committee, shown to its director at their next sign-in (``sessions.notices``) and in
  ``audit log``.

Sign-in, sessions and tokens are in :mod:`mediation.access.sessions`; who is acting in
:mod:`mediation.access.signin`, which also re-exports this module's names.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from mediation.access.policy import Actor, require, require_committee
from mediation.core.clock import iso
from mediation.core.errors import InvalidInput, NotFound, PermissionDenied
from mediation.core.i18n import N_, msg
from mediation.db import eventlog
from mediation.db.storage import UnitOfWork
from mediation.tables import AccessToken, Credential, Staff

MIN_PASSWORD = 8
CODE_HOURS = 72
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
FAST_ENV = "MEDIATION_ARGON2_FAST"

# ---------------------------------------------------------------------------------------------
# Passwords


def _hasher() -> Any:
    from argon2 import PasswordHasher, Type

    if os.environ.get(FAST_ENV) == "1":  # tests only: see the module docstring
        return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)
    return PasswordHasher(type=Type.ID)  # RFC 9106 "low memory": t=3, m=64 MiB, p=4


def hash_password(password: str) -> str:
    return str(_hasher().hash(password))


def _verify(stored: str, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def check_password_rules(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise InvalidInput(msg("the password must have at least {n} characters", n=MIN_PASSWORD))
    return password


class PasswordChangeRequired(PermissionDenied):
    """The password given was a valid one-time code: the sign-in needs a new password too."""


def set_password(uow: UnitOfWork, staff: Staff, password: str, *, end_sessions: bool = False
                 ) -> None:
    """Store ``password`` for ``staff`` (no permission check: callers decide who may).
    ``end_sessions``: also end the account's open sessions (a reset by someone else)."""
    assert staff.id is not None
    check_password_rules(password)
    _store(uow, staff, password, one_time_until=None)
    if end_sessions:
        _end_sessions(uow, staff.id)


def _store(uow: UnitOfWork, staff: Staff, secret: str, *, one_time_until: Any) -> None:
    assert staff.id is not None
    cred = uow.session.get(Credential, staff.id)
    if cred is None:
        cred = Credential(staff_id=staff.id, password_hash="", changed_at=uow.now())
    cred.password_hash = hash_password(secret)
    cred.failed = 0
    cred.locked_until = None
    cred.changed_at = uow.now()
    cred.one_time_until = one_time_until
    uow.session.add(cred)
    uow.session.flush()


def _end_sessions(uow: UnitOfWork, staff_id: int) -> None:
    from sqlalchemy import update

    uow.session.execute(update(AccessToken).where(
        col(AccessToken.staff_id) == staff_id, col(AccessToken.kind) == "session",
        col(AccessToken.revoked_at).is_(None)).values(revoked_at=uow.now()))


def issues_codes(actor: Actor) -> bool:
    """Whether ``actor`` gives accounts one-time codes instead of passwords (the district
    administrator, who must never know a password that acts on case content)."""
    return _is_admin(actor)


def one_time_code() -> str:
    """A one-time code to read out or hand over: 12 characters in three groups (~59 bits)."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return "-".join(chars[i:i + 4] for i in range(0, 12, 4))


def issue_code(uow: UnitOfWork, staff: Staff) -> dict[str, Any]:
    """Replace ``staff``'s password with a one-time code and end their sessions (no permission
    check, no event: callers decide and record). Returns the code and its expiry."""
    assert staff.id is not None
    code = one_time_code()
    until = uow.now() + timedelta(hours=CODE_HOURS)
    _store(uow, staff, code, one_time_until=until)
    _end_sessions(uow, staff.id)
    return {"username": staff.username, "one_time_code": code, "code_expires_at": iso(until)}


def change_password(uow: UnitOfWork, actor: Actor, username: str, password: str
                    ) -> dict[str, Any]:
    """``staff password USER``: yourself, or (directors) anyone you manage.

    The district administrator sets no password but their own: ``staff reset`` gives a one-time
    code instead. Setting another's password ends their open sessions."""
    staff = _staff(uow, username)
    other = staff.username != actor.username
    if other:
        require(actor, "staff.manage")
        require_committee(actor, staff.committee_id)
        if issues_codes(actor):
            raise PermissionDenied(msg(
                "the district administrator does not choose passwords for others: "
                "`mediation staff reset {user}` gives {user} a one-time code", user=username))
    set_password(uow, staff, password, end_sessions=other)
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action="password_set", committee_id=staff.committee_id,
                    changes={"username": [username, username]})
    return {"username": staff.username}


def reset_password(uow: UnitOfWork, actor: Actor, username: str, *,
                   committee: str | None = None) -> dict[str, Any]:
    """``staff reset USER``: a one-time code replaces USER's password and their sessions end;
    USER must choose a new password at their next sign-in (recorded, shown to the director)."""
    from mediation.committee import find_staff

    require(actor, "staff.manage")
    staff = find_staff(uow, actor, username, committee=committee)
    if staff.username == actor.username:
        raise InvalidInput(msg("use `mediation staff password {user}` for your own password",
                               user=username))
    result = issue_code(uow, staff)
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action="password_reset", committee_id=staff.committee_id,
                    changes={"username": [username, username],
                             "expires_at": [None, result["code_expires_at"]]})
    return result


def _staff(uow: UnitOfWork, username: str) -> Staff:
    staff = uow.session.exec(select(Staff).where(Staff.username == username)).first()
    if staff is None:
        raise NotFound(msg("unknown user {user}; a director adds staff with `mediation staff add`",
                           user=username))
    return staff



def _is_admin(actor: Actor) -> bool:
    from mediation.access.policy import allowed

    return allowed(actor, "committee.admin")


# Display names of the events and fields this module adds (history, audit log).
EVENT_NAMES = (N_("trigger.password_reset"), N_("field.one_time_code"))

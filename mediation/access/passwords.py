"""Passwords (Argon2id) and one-time codes: how a staff member proves who they are.

- Passwords are stored as Argon2id hashes (argon2-cffi). ``MEDIATION_ARGON2_FAST=1`` lowers the
  cost to the minimum; it exists for the test suite only and must never be set in production.
- The district administrator never chooses a password nor acts as anyone else (issue 11): an
  account they create, or whose password they reset, gets a one-time code (valid for
  :data:`CODE_HOURS`) with which its holder signs in once and must choose a password of their
  own; a reset ends the account's open sessions and tokens. Each such act is an event of the
  account's committee, shown to its director at their next sign-in (``sessions.notices``) and in
  ``audit log``.
- **Two halves, two people.** Where the committee already holds a case or another member, the
  administrator is shown only the first half of that code; a member of the committee (its
  director, or another member when the account is the only director) gives the second half with
  ``staff code`` (:func:`give_half`), which no administrator may run. The holder types both
  halves. Neither person alone can sign in as the account, like a bank's two-part PIN mailer.
  A committee with no case and nobody else yet (``committee add``) has nobody to give a second
  half and nothing to see: its first director's code is whole.

Sign-in, sessions and tokens are in :mod:`mediation.access.sessions`; who is acting in
:mod:`mediation.access.signin`, which also re-exports this module's names.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from mediation.access.policy import POLICY, Actor, require, require_committee
from mediation.core import normalise
from mediation.core.clock import iso
from mediation.core.errors import InvalidInput, PermissionDenied
from mediation.core.i18n import N_, msg
from mediation.core.vocab import Role
from mediation.db import eventlog
from mediation.db.storage import UnitOfWork
from mediation.tables import AccessToken, Credential, Staff

MIN_PASSWORD = 8
CODE_HOURS = 72
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
HALF = 8  # characters in each half of a code given in two halves
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


def _store(uow: UnitOfWork, staff: Staff, secret: str, *, one_time_until: Any,
           second_half: str | None = None) -> None:
    assert staff.id is not None
    cred = uow.session.get(Credential, staff.id)
    if cred is None:
        cred = Credential(staff_id=staff.id, password_hash="", changed_at=uow.now())
    cred.password_hash = hash_password(secret)
    cred.failed = 0
    cred.locked_until = None
    cred.changed_at = uow.now()
    cred.one_time_until = one_time_until
    cred.second_half = second_half
    uow.session.add(cred)
    uow.session.flush()


def _end_sessions(uow: UnitOfWork, staff_id: int, *, tokens: bool = False) -> None:
    """End the account's open sessions (``tokens``: its long-lived tokens too)."""
    from sqlalchemy import update

    kinds = ("session", "api") if tokens else ("session",)
    uow.session.execute(update(AccessToken).where(
        col(AccessToken.staff_id) == staff_id, col(AccessToken.kind).in_(kinds),
        col(AccessToken.revoked_at).is_(None)).values(revoked_at=uow.now()))


def issues_codes(actor: Actor) -> bool:
    """Whether ``actor`` gives accounts one-time codes instead of passwords (the district
    administrator, who must never know a password that acts on case content)."""
    return _is_admin(actor)


def one_time_code(length: int = 12) -> str:
    """A one-time code to read out or hand over: groups of four (12 characters: ~59 bits; a half
    of :data:`HALF` characters: ~39 bits, and both halves are needed)."""
    chars = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(length))
    return "-".join(chars[i:i + 4] for i in range(0, length, 4))


def code_text(typed: str) -> str:
    """A code as typed, in one form: its letters and digits in upper case (read out, a code is
    typed with or without its dashes and spaces, in either case, full-width too)."""
    return "".join(ch for ch in normalise.fold(typed).upper() if ch.isascii() and ch.isalnum())


def needs_halves(uow: UnitOfWork, staff: Staff) -> bool:
    """Whether a code the administrator gives ``staff`` comes in two halves: the committee holds
    a case, or has another active member (not an administrator) who gives, or will give once
    signed in, the second half. Otherwise (a new committee's first director) it is whole."""
    from sqlalchemy import func

    from mediation.cases import Case

    s = uow.session
    cases = s.exec(select(func.count()).select_from(Case).where(
        Case.committee_id == staff.committee_id)).one()
    others = s.exec(select(func.count()).select_from(Staff).where(
        Staff.committee_id == staff.committee_id, col(Staff.active), Staff.id != staff.id,
        col(Staff.role).in_(sorted(POLICY["staff.code"])))).one()
    return bool(cases) or bool(others)


def directors_who_can_sign_in(uow: UnitOfWork, staff: Staff) -> int:
    """Active directors of ``staff``'s committee, other than ``staff``, who can sign in now (a
    password of their own, not a code awaiting its first use)."""
    from sqlalchemy import func

    return int(uow.session.exec(
        select(func.count()).select_from(Staff)
        .join(Credential, col(Credential.staff_id) == Staff.id)
        .where(Staff.committee_id == staff.committee_id, col(Staff.active),
               Staff.id != staff.id, Staff.role == Role.director,
               col(Credential.one_time_until).is_(None))).one())


def issue_code(uow: UnitOfWork, staff: Staff, *, halves: bool = False) -> dict[str, Any]:
    """Replace ``staff``'s password with a one-time code and end their sessions and tokens (no
    permission check, no event: callers decide and record). Returns the code and its expiry.

    ``halves``: the code is the administrator's half only (``"half": "administrator"``); the
    account cannot sign in until a member of the committee gives the second (:func:`give_half`).
    """
    assert staff.id is not None
    code = one_time_code(HALF if halves else 12)
    until = uow.now() + timedelta(hours=CODE_HOURS)
    _store(uow, staff, code_text(code), one_time_until=until, second_half="" if halves else None)
    _end_sessions(uow, staff.id, tokens=True)
    result = {"username": staff.username, "display_name": staff.name, "one_time_code": code,
              "code_expires_at": iso(until)}
    return result | ({"half": "administrator"} if halves else {})


def give_half(uow: UnitOfWork, actor: Actor, username: str) -> dict[str, Any]:
    """``staff code USER``: the committee's half of a code the administrator gave USER.

    Only a member of USER's committee (policy ``staff.code``: director, mediator, auditor),
    never an administrator (who holds the other half), and never USER themselves; the director,
    or another member when no other director can sign in (the director's own reset, say).
    Giving it again replaces the previous half. Recorded (``code_half``), shown to the director.
    """
    from mediation.committee import find_staff

    require(actor, "staff.code")
    staff = find_staff(uow, actor, username)
    username = staff.username  # it may have been named by its display name
    if staff.username == actor.username:
        raise PermissionDenied(msg("the committee's half of your own code is given by another "
                                   "member of the committee"))
    if actor.role != Role.director and directors_who_can_sign_in(uow, staff):
        raise PermissionDenied(msg("the committee's director gives the half of {user}'s code",
                                   user=username))
    cred = uow.session.get(Credential, staff.id)
    now = uow.now()
    if (cred is None or cred.second_half is None or cred.one_time_until is None
            or cred.one_time_until <= now):
        raise InvalidInput(msg("{user} has no one-time code awaiting the committee's half; a "
                               "director gives a whole code with `mediation staff reset {user}`",
                               user=username))
    half = one_time_code(HALF)
    cred.second_half = hash_password(code_text(half))
    uow.session.add(cred)
    eventlog.append(uow.session, at=now, actor=actor.username, role=actor.role,
                    action="code_half", committee_id=staff.committee_id,
                    changes={"username": [username, username],
                             "expires_at": [None, iso(cred.one_time_until)]})
    return {"username": username, "display_name": staff.name, "one_time_code": half,
            "half": "committee",
            "code_expires_at": iso(cred.one_time_until)}


def verdict(cred: Credential, typed: str) -> str:
    """What ``typed`` proves against ``cred``, the one gate of sign-in: ``"ok"``, ``"wrong"``,
    or ``"incomplete"`` (:func:`check_code`, when the credential is a one-time code)."""
    if cred.one_time_until is None:
        return "ok" if _verify(cred.password_hash, typed) else "wrong"
    return check_code(cred, typed)


def check_code(cred: Credential, typed: str) -> str:
    """A one-time code typed at sign-in against ``cred``: ``"ok"``, ``"wrong"``, or
    ``"incomplete"`` (one right half alone, or the committee's half not given yet). The halves
    may be typed in either order, with or without dashes and spaces."""
    text = code_text(typed)
    if cred.second_half is None:  # a whole code (stored with its dashes before revision 0012)
        return "ok" if _verify(cred.password_hash, text) or _verify(cred.password_hash,
                                                                    typed) else "wrong"
    for first, second in ((text[:HALF], text[HALF:]), (text[HALF:], text[:HALF])):
        if first and _verify(cred.password_hash, first):
            if not second or not cred.second_half:
                return "incomplete"
            return "ok" if _verify(cred.second_half, second) else "wrong"
    return "wrong"


def may_set_password(uow: UnitOfWork, actor: Actor, username: str) -> Staff:
    """The staff member whose password ``actor`` may set (themselves; a director: anyone they
    manage), else PermissionDenied or NotFound. Asked before the password is prompted for, so
    a refusal never comes after the typing (a clerk's trial)."""
    staff = _staff(uow, username)
    if staff.username != actor.username:
        require(actor, "staff.manage")
        require_committee(actor, staff.committee_id)
        if issues_codes(actor):
            raise PermissionDenied(msg(
                "the district administrator does not choose passwords for others: "
                "`mediation staff reset {user}` gives {user} a one-time code",
                user=staff.username))
    return staff


def change_password(uow: UnitOfWork, actor: Actor, username: str, password: str
                    ) -> dict[str, Any]:
    """``staff password USER``: yourself, or (directors) anyone you manage.

    The district administrator sets no password but their own: ``staff reset`` gives a one-time
    code instead. Setting another's password ends their open sessions."""
    staff = may_set_password(uow, actor, username)
    username = staff.username
    other = staff.username != actor.username
    set_password(uow, staff, password, end_sessions=other)
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action="password_set", committee_id=staff.committee_id,
                    changes={"username": [username, username]})
    return {"username": staff.username, "name": staff.name}


def reset_password(uow: UnitOfWork, actor: Actor, username: str, *,
                   committee: str | None = None) -> dict[str, Any]:
    """``staff reset USER``: a one-time code replaces USER's password and their sessions end;
    USER must choose a new password at their next sign-in (recorded, shown to the director)."""
    from mediation.committee import find_staff

    require(actor, "staff.manage")
    staff = find_staff(uow, actor, username, committee=committee)
    username = staff.username  # it may have been named by its display name
    if staff.username == actor.username:
        raise InvalidInput(msg("use `mediation staff password {user}` for your own password",
                               user=username))
    result = issue_code(uow, staff, halves=issues_codes(actor) and needs_halves(uow, staff))
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action="password_reset", committee_id=staff.committee_id,
                    changes={"username": [username, username],
                             "expires_at": [None, result["code_expires_at"]]})
    return result


def _staff(uow: UnitOfWork, username: str) -> Staff:
    """By user name or display name (access.staff_names, the one resolver)."""
    from mediation.access import staff_names

    username = staff_names.find(uow, username) or username
    staff = uow.session.exec(select(Staff).where(Staff.username == username)).first()
    if staff is None:
        raise staff_names.unknown(username, None)
    return staff


def _is_admin(actor: Actor) -> bool:
    from mediation.access.policy import allowed

    return allowed(actor, "committee.admin")


# Display names of the events and fields this module adds (history, audit log).
EVENT_NAMES = (N_("trigger.password_reset"), N_("field.one_time_code"), N_("trigger.code_half"),
               N_("why.code_expired"), N_("why.code_incomplete"))

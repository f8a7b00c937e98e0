"""Sign-in and the tokens that prove it: sessions (``login``/``logout``) and long-lived tokens
for cron (``token create|list|revoke``), and what a director is shown at sign-in.

- ``login`` issues a session token valid for a working day (:data:`SESSION_HOURS`); ``token
  create`` issues a long-lived one for cron. Tokens are 256-bit random strings; the database keeps
  only their SHA-256, so a copy of the database gives no usable token.
- Five failed attempts in a row lock the account for fifteen minutes. Every attempt, failed or
  not, is an event. A disabled account can do nothing, whatever token it holds.
- The district administrator creates no token for anyone else (issue 11).

Passwords and one-time codes are in :mod:`mediation.access.passwords`; who is acting in
:mod:`mediation.access.signin`, which re-exports this module's names.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from typing import Any

from sqlmodel import col, select

from mediation.access import staff_names
from mediation.access.acting import token_hash
from mediation.access.passwords import (
    PasswordChangeRequired,
    _hasher,
    _is_admin,
    _staff,
    check_password_rules,
    code_text,
    directors_who_can_sign_in,
    hash_password,
    issues_codes,
    verdict,
)
from mediation.access.policy import Actor, require, require_committee
from mediation.core.clock import iso
from mediation.core.errors import InvalidInput, NotFound, PermissionDenied
from mediation.core.i18n import N_, msg
from mediation.db import eventlog
from mediation.db.storage import UnitOfWork
from mediation.tables import AccessToken, Credential, Staff

SESSION_HOURS = 10
MAX_FAILURES = 5
LOCKOUT_MINUTES = 15
MAX_TOKEN_DAYS = 400
TOKEN_PREFIX = "mdt_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _issue(uow: UnitOfWork, staff: Staff, *, kind: str, lifetime: timedelta, by: str
           ) -> tuple[str, AccessToken]:
    assert staff.id is not None
    token = new_token()
    row = AccessToken(staff_id=staff.id, kind=kind, token_hash=token_hash(token),
                      created_at=uow.now(), expires_at=uow.now() + lifetime, created_by=by)
    uow.session.add(row)
    uow.session.flush()
    return token, row


# The refusal of a wrong user name or password (the one a terminal may ask again after).
WRONG_PASSWORD = N_("sign-in failed: wrong user name or password")
TRIES = 3  # at a terminal, sign-in asks this many times (once from --password-stdin)


def login(uow: UnitOfWork, username: str, password: str, new_password: str | None = None
          ) -> dict[str, Any]:
    """Check the password and open a session. Returns the token (to be kept in a 0600 file).

    A failed attempt is recorded (and counted towards the lock-out) even though the sign-in
    fails: this function commits the unit of work itself before refusing. When ``password`` is
    a valid one-time code, ``new_password`` is required (:class:`PasswordChangeRequired`
    otherwise) and becomes the account's password. A director's result carries ``notices``:
    what the district administrator did in the committee since their previous sign-in.
    """
    s = uow.session
    now = uow.now()
    staff = s.exec(select(Staff).where(Staff.username == username)).first()
    if staff is None:  # a display name (王芳): the one resolver, which refuses an ambiguous one
        from mediation.access import staff_names

        named = staff_names.find(uow, username)
        if named is not None:
            username = named
            staff = s.exec(select(Staff).where(Staff.username == username)).first()
    if staff is None or staff.id is None:
        # The name typed is not recorded: it is often a password typed in the wrong field.
        eventlog.append(s, at=now, actor="(unknown)", role="unknown", action="login_failed",
                        changes={"why": [None, "unknown_user"]})
        uow.commit()
        raise PermissionDenied(msg(WRONG_PASSWORD))
    cred = s.get(Credential, staff.id, with_for_update=True)  # count failures one at a time

    def fail(why: str, error: Any) -> None:
        changes: dict[str, Any] = {"why": [None, why]}
        if cred is not None and why == "wrong_password":
            cred.failed += 1
            changes["failed"] = [cred.failed - 1, cred.failed]
            if cred.failed >= MAX_FAILURES:
                cred.locked_until = now + timedelta(minutes=LOCKOUT_MINUTES)
                cred.failed = 0
                changes["locked_until"] = [None, iso(cred.locked_until)]
            s.add(cred)
        eventlog.append(s, at=now, actor=staff.username, role=staff.role, action="login_failed",
                        committee_id=staff.committee_id, changes=changes)
        uow.commit()
        raise PermissionDenied(error)

    if cred is None:
        fail("no_password", msg("{user} has no password; a director sets one with "
                                "`mediation staff password {user}`", user=username))
    assert cred is not None
    if cred.locked_until is not None and cred.locked_until > now:
        minutes = max(1, int((cred.locked_until - now).total_seconds() + 59) // 60)
        fail("locked", msg("too many failed attempts: {user} is locked for {minutes} more "
                           "minutes", user=username, minutes=minutes))
    first = cred.one_time_until is not None
    proved = verdict(cred, password)
    # said only to whoever proved the password (or a half of a one-time code): a wrong one gets
    # the line any failure gets, so a sign-in never tells a stranger an account is disabled
    if proved in ("ok", "incomplete") and not staff.active:
        fail("disabled", msg("user {user} is disabled", user=username))
    if proved == "incomplete":
        fail("code_incomplete", msg(
            "that is one half of the one-time code of {user}: type both halves, the "
            "administrator's and the committee's (a member of the committee gives it with "
            "`mediation staff code {user}`)", user=username))
    if proved != "ok":
        fail("wrong_password", msg(WRONG_PASSWORD))
    if first:
        assert cred.one_time_until is not None
        if cred.one_time_until <= now:
            fail("code_expired", msg("the one-time code of {user} has expired; ask for a new "
                                     "one (`mediation staff reset {user}`)", user=username))
        if new_password is None:
            raise PasswordChangeRequired(msg(
                "{user} signs in with a one-time code: choose a password of your own now (at "
                "a terminal you are asked; with --password-stdin give it on the second line)",
                user=username))
        check_password_rules(new_password)
        if code_text(new_password) == code_text(password) or new_password == password:
            raise InvalidInput(msg("choose a password other than the one-time code"))
        cred.password_hash = hash_password(new_password)
        cred.one_time_until = None
        cred.second_half = None
        cred.changed_at = now
        eventlog.append(s, at=now, actor=staff.username, role=staff.role, action="password_set",
                        committee_id=staff.committee_id,
                        changes={"username": [username, username],
                                 "one_time_code": [True, False]})
    elif _hasher().check_needs_rehash(cred.password_hash):
        cred.password_hash = hash_password(password)
    cred.failed = 0
    cred.locked_until = None
    s.add(cred)
    token, row = _issue(uow, staff, kind="session", lifetime=timedelta(hours=SESSION_HOURS),
                        by=staff.username)
    shown = notices(uow, staff)
    eventlog.append(s, at=now, actor=staff.username, role=staff.role, action="login",
                    committee_id=staff.committee_id, changes={"token_id": [None, row.id]})
    return {"user": staff.username, "name": staff.name, "role": staff.role, "token": token,
            "expires_at": iso(row.expires_at), "notices": shown}


# What a director is shown at sign-in: what the district administrator did to the committee's
# accounts, the halves of codes given and the first sign-ins with a one-time code, since the
# director's previous sign-in. Anyone else is shown those acts that concern their own account
# (a director the administrator made a clerk is still told).
NOTICE_ACTIONS = ("staff_add", "staff_role", "staff_disable", "staff_name", "password_set",
                  "password_reset", "token_create", "token_revoke", "committee_add", "code_half")


def notices(uow: UnitOfWork, director: Staff) -> list[dict[str, Any]]:
    """The administrator's acts in ``director``'s committee (and first sign-ins with a one-time
    code, halves given) since the director last signed in: [{"at", "actor", "action",
    "username", ...}]. For an account that is not a director: only those about itself."""
    from sqlalchemy import func

    from mediation.tables import Event

    s = uow.session
    last = s.exec(select(func.max(Event.seq)).where(
        Event.action == "login", Event.actor == director.username)).one() or 0
    rows = s.exec(select(Event).where(
        col(Event.seq) > last, Event.committee_id == director.committee_id,
        col(Event.action).in_(NOTICE_ACTIONS)).order_by(col(Event.seq))).all()
    # Without a director who can sign in (the administrator made the director a clerk, say),
    # every member is shown everything: the administrator's acts are never shown to nobody.
    everything = director.role == "director" or not directors_who_can_sign_in(uow, director)
    out = []
    for e in rows:
        changes = json.loads(e.changes or "{}")
        first_code = e.action == "password_set" and "one_time_code" in changes
        half = e.action == "code_half"  # the committee's half of a code, given by a member
        if (e.role != "admin" and not first_code and not half) or e.actor == director.username:
            continue
        username = (changes.get("username") or [None, None])[-1]
        if not everything and username != director.username:
            continue
        out.append({"at": iso(e.at), "actor": e.actor, "role": e.role, "action": e.action,
                    "username": username, "first_sign_in": first_code, "half": half,
                    "awaits_half": bool(username) and e.role == "admin"
                    and username != director.username and awaits_half(uow, username)})
    # how each is named to people (staff_names.label): the display name, as everywhere
    shown = staff_names.labels(uow, [n for r in out for n in (r["actor"], r["username"])])
    for r in out:
        r["actor_label"] = shown.get(r["actor"], r["actor"])
        r["user_label"] = shown.get(r["username"]) if r["username"] else None
    return out


def awaits_half(uow: UnitOfWork, username: str) -> bool:
    """Whether ``username``'s one-time code still awaits the committee's half (``staff code``)."""
    row = uow.session.exec(select(Credential).join(
        Staff, col(Staff.id) == Credential.staff_id).where(Staff.username == username)).first()
    return bool(row is not None and row.second_half == "" and row.one_time_until is not None
                and row.one_time_until > uow.now())


def logout(uow: UnitOfWork, token: str) -> dict[str, Any] | None:
    """End the session of ``token`` (recorded); None when it was unknown or already over.
    ``open``: whether it had not expired yet (``mediation login`` says whose session it
    ended)."""
    row = uow.session.exec(
        select(AccessToken).where(AccessToken.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    still_open = row.expires_at > uow.now()
    row.revoked_at = uow.now()
    uow.session.add(row)
    staff = uow.session.get(Staff, row.staff_id)
    assert staff is not None
    eventlog.append(uow.session, at=uow.now(), actor=staff.username, role=staff.role,
                    action="logout", committee_id=staff.committee_id,
                    changes={"token_id": [row.id, None]})
    return {"user": staff.username, "name": staff.name, "open": still_open}


def create_token(uow: UnitOfWork, actor: Actor, username: str, *, days: int
                 ) -> dict[str, Any]:
    """A long-lived token for ``username`` (for cron: the clerk's nightly export)."""
    require(actor, "token.manage")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(msg("--days must be between 1 and {max}", max=MAX_TOKEN_DAYS))
    staff = _staff(uow, username)
    username = staff.username  # it may have been named by its display name
    require_committee(actor, staff.committee_id)
    if issues_codes(actor) and staff.username != actor.username:
        raise PermissionDenied(msg("the district administrator creates no token for another "
                                   "account (it would act as {user}); the committee's director "
                                   "does", user=username))
    if not staff.active:
        raise InvalidInput(msg("user {user} is disabled", user=username))
    token, row = _issue(uow, staff, kind="api", lifetime=timedelta(days=days), by=actor.username)
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action="token_create", committee_id=staff.committee_id,
                    changes={"token_id": [None, row.id], "username": [None, username],
                             "expires_at": [None, iso(row.expires_at)]})
    return {"id": row.id, "user": username, "name": staff.name, "token": token,
            "expires_at": iso(row.expires_at)}


def list_tokens(uow: UnitOfWork, actor: Actor) -> list[dict[str, Any]]:
    require(actor, "token.manage")
    stmt = select(AccessToken, Staff).join(Staff, col(Staff.id) == AccessToken.staff_id)
    if not _is_admin(actor):
        stmt = stmt.where(Staff.committee_id == actor.committee_id)
    rows = uow.session.exec(stmt.order_by(col(AccessToken.id))).all()
    now = uow.now()
    return [{"id": t.id, "user": st.username, "kind": t.kind, "created_at": iso(t.created_at),
             "expires_at": iso(t.expires_at), "created_by": t.created_by,
             "status": "revoked" if t.revoked_at else ("expired" if t.expires_at <= now
                                                       else "valid")}
            for t, st in rows]


def revoke_token(uow: UnitOfWork, actor: Actor, token_id: int) -> dict[str, Any]:
    require(actor, "token.manage")
    row = uow.session.get(AccessToken, token_id)
    staff = uow.session.get(Staff, row.staff_id) if row else None
    if row is None or staff is None:
        raise NotFound(msg("no token {id}", id=token_id))
    require_committee(actor, staff.committee_id)
    if row.revoked_at is None:
        row.revoked_at = uow.now()
        uow.session.add(row)
        eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                        action="token_revoke", committee_id=staff.committee_id,
                        changes={"token_id": [row.id, None], "username": [staff.username,
                                                                          staff.username]})
    return {"id": row.id, "user": staff.username, "name": staff.name}

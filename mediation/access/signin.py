"""Sign-in: passwords (Argon2id), sessions and long-lived tokens, and who the actor is.

- A committee either requires sign-in (the default for ``mediation init``) or not (``init
  --no-login``: ``MEDIATION_USER`` then names the actor for attribution only, it proves nothing).
- Passwords are stored as Argon2id hashes (argon2-cffi). ``MEDIATION_ARGON2_FAST=1`` lowers the
  cost to the minimum; it exists for the test suite only and must never be set in production.
- ``login`` issues a session token valid for a working day (:data:`SESSION_HOURS`); ``token
  create`` issues a long-lived one for cron. Tokens are 256-bit random strings; the database keeps
  only their SHA-256, so a copy of the database gives no usable token.
- Five failed attempts in a row lock the account for fifteen minutes. Every attempt, failed or
  not, is an event. A disabled account can do nothing, whatever token it holds.
- Token files and the session file are created readable by their owner only (0600), and a token
  file that others can read is refused.
- The district administrator never chooses a password nor acts as anyone else (issue 11): an
  account they create, or whose password they reset, gets a one-time code (valid for
  :data:`CODE_HOURS`) with which its holder signs in once and must choose a password of their
  own; a reset ends the account's open sessions; the administrator creates no token for anyone
  else. Each such act is an event of the account's committee, and its director is shown them at
  their next sign-in (:func:`notices`) and in ``audit log``.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlmodel import col, select

from mediation.access.policy import Actor, require, require_committee
from mediation.core import files, normalise
from mediation.core.clock import iso
from mediation.core.errors import InvalidInput, NotFound, PermissionDenied
from mediation.core.i18n import N_, msg
from mediation.db import eventlog
from mediation.db.storage import UnitOfWork
from mediation.tables import AccessToken, Committee, Credential, Staff

SESSION_HOURS = 10
MAX_FAILURES = 5
LOCKOUT_MINUTES = 15
MIN_PASSWORD = 8
MAX_TOKEN_DAYS = 400
TOKEN_PREFIX = "mdt_"
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


# ---------------------------------------------------------------------------------------------
# Tokens


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def _staff(uow: UnitOfWork, username: str) -> Staff:
    staff = uow.session.exec(select(Staff).where(Staff.username == username)).first()
    if staff is None:
        raise NotFound(msg("unknown user {user}; a director adds staff with `mediation staff add`",
                           user=username))
    return staff


def _issue(uow: UnitOfWork, staff: Staff, *, kind: str, lifetime: timedelta, by: str
           ) -> tuple[str, AccessToken]:
    assert staff.id is not None
    token = new_token()
    row = AccessToken(staff_id=staff.id, kind=kind, token_hash=token_hash(token),
                      created_at=uow.now(), expires_at=uow.now() + lifetime, created_by=by)
    uow.session.add(row)
    uow.session.flush()
    return token, row


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
    if staff is None or staff.id is None:
        # The name typed is not recorded: it is often a password typed in the wrong field.
        eventlog.append(s, at=now, actor="(unknown)", role="unknown", action="login_failed",
                        changes={"why": [None, "unknown_user"]})
        uow.commit()
        raise PermissionDenied(msg("sign-in failed: wrong user name or password"))
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

    if not staff.active:
        fail("disabled", msg("user {user} is disabled", user=username))
    if cred is None:
        fail("no_password", msg("{user} has no password; a director sets one with "
                                "`mediation staff password {user}`", user=username))
    assert cred is not None
    if cred.locked_until is not None and cred.locked_until > now:
        minutes = max(1, int((cred.locked_until - now).total_seconds() + 59) // 60)
        fail("locked", msg("too many failed attempts: {user} is locked for {minutes} more "
                           "minutes", user=username, minutes=minutes))
    if not _verify(cred.password_hash, password):
        fail("wrong_password", msg("sign-in failed: wrong user name or password"))
    first = cred.one_time_until is not None
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
        if new_password == password:
            raise InvalidInput(msg("choose a password other than the one-time code"))
        cred.password_hash = hash_password(new_password)
        cred.one_time_until = None
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
    shown = notices(uow, staff) if staff.role == "director" else []
    eventlog.append(s, at=now, actor=staff.username, role=staff.role, action="login",
                    committee_id=staff.committee_id, changes={"token_id": [None, row.id]})
    return {"user": staff.username, "role": staff.role, "token": token,
            "expires_at": iso(row.expires_at), "notices": shown}


# What a director is shown at sign-in: what the district administrator did to the committee's
# accounts, and the first sign-ins with a one-time code, since the director's previous sign-in.
NOTICE_ACTIONS = ("staff_add", "staff_role", "staff_disable", "password_set", "password_reset",
                  "token_create", "token_revoke", "committee_add")


def notices(uow: UnitOfWork, director: Staff) -> list[dict[str, Any]]:
    """The administrator's acts in ``director``'s committee (and first sign-ins with a one-time
    code) since the director last signed in: [{"at", "actor", "action", "username"}]."""
    from sqlalchemy import func

    from mediation.tables import Event

    s = uow.session
    last = s.exec(select(func.max(Event.seq)).where(
        Event.action == "login", Event.actor == director.username)).one() or 0
    rows = s.exec(select(Event).where(
        col(Event.seq) > last, Event.committee_id == director.committee_id,
        col(Event.action).in_(NOTICE_ACTIONS)).order_by(col(Event.seq))).all()
    out = []
    for e in rows:
        changes = json.loads(e.changes or "{}")
        first_code = e.action == "password_set" and "one_time_code" in changes
        if e.role != "admin" and not first_code:
            continue
        username = (changes.get("username") or [None, None])[-1]
        out.append({"at": iso(e.at), "actor": e.actor, "role": e.role, "action": e.action,
                    "username": username, "first_sign_in": first_code})
    return out


def logout(uow: UnitOfWork, token: str) -> dict[str, Any] | None:
    """End the session of ``token`` (recorded); None when it was unknown or already over."""
    row = uow.session.exec(
        select(AccessToken).where(AccessToken.token_hash == token_hash(token))).first()
    if row is None or row.revoked_at is not None:
        return None
    row.revoked_at = uow.now()
    uow.session.add(row)
    staff = uow.session.get(Staff, row.staff_id)
    assert staff is not None
    eventlog.append(uow.session, at=uow.now(), actor=staff.username, role=staff.role,
                    action="logout", committee_id=staff.committee_id,
                    changes={"token_id": [row.id, None]})
    return {"user": staff.username}


def create_token(uow: UnitOfWork, actor: Actor, username: str, *, days: int
                 ) -> dict[str, Any]:
    """A long-lived token for ``username`` (for cron: the clerk's nightly export)."""
    require(actor, "token.manage")
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise InvalidInput(msg("--days must be between 1 and {max}", max=MAX_TOKEN_DAYS))
    staff = _staff(uow, username)
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
    return {"id": row.id, "user": username, "token": token, "expires_at": iso(row.expires_at)}


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
    return {"id": row.id, "user": staff.username}


def _is_admin(actor: Actor) -> bool:
    from mediation.access.policy import allowed

    return allowed(actor, "committee.admin")


# ---------------------------------------------------------------------------------------------
# Who is acting


def _actor(staff: Any) -> Actor:
    """The actor from a ``Staff`` or a row with its columns."""
    return Actor(username=staff.username, name=staff.name, role=staff.role,
                 committee_id=staff.committee_id)


# Who is acting is resolved on every command's path: one Core query for each way of naming them.
_STAFF = Staff.__table__  # type: ignore[attr-defined]
_TOKEN = AccessToken.__table__  # type: ignore[attr-defined]
_COMMITTEE = Committee.__table__  # type: ignore[attr-defined]
_WHO = (_STAFF.c.username, _STAFF.c.name, _STAFF.c.role, _STAFF.c.committee_id,
        _STAFF.c.active)
_BY_TOKEN = (
    core_select(_TOKEN.c.revoked_at, _TOKEN.c.expires_at, *_WHO)
    .join(_STAFF, _STAFF.c.id == _TOKEN.c.staff_id)
    .where(_TOKEN.c.token_hash == bindparam("token_hash"))
)
_BY_NAME = (
    core_select(*_WHO, _COMMITTEE.c.login_required)
    .outerjoin(_COMMITTEE, _COMMITTEE.c.id == _STAFF.c.committee_id)
    .where(_STAFF.c.username == bindparam("username"))
)


@dataclass(frozen=True)
class Credentials:
    """What a caller presents to say who is acting (see :func:`actor_for`).

    ``user``: a staff user name (``MEDIATION_USER``/``--user``); alone it names the actor only
    on a committee that does not require sign-in. ``token``: a session or cron token.
    ``session``: the token was read from the session file (``mediation login``), so when it is no
    longer valid the user name is tried instead, which a sign-in committee refuses.
    """

    user: str | None = None
    token: str | None = None
    session: bool = False


def resolve(uow: UnitOfWork, who: Credentials | str | None) -> Actor:
    """The acting staff member for ``who`` (a bare string is a user name): :func:`actor_for`."""
    if not isinstance(who, Credentials):
        who = Credentials(user=who)
    return actor_for(uow, user=who.user, token=who.token, session=who.session)


def actor_for(uow: UnitOfWork, *, user: str | None, token: str | None,
              session: bool = False) -> Actor:
    """THE one place that decides who is acting: every command, library entry point and bulk
    path comes here (directly, through :func:`resolve`, or ``committee.resolve_actor``).

    A token (session or cron) names its staff member; without one, a user name does, but only
    on a committee that does not require sign-in. A disabled account is refused either way.
    ``session=True`` marks a token read from the session file: when it is no longer valid the
    caller falls back to the user name, and a committee that requires sign-in refuses that.
    """
    now = uow.now()
    if token:
        row = uow.conn.execute(_BY_TOKEN, {"token_hash": token_hash(token)}).first()
        problem = None
        if row is None or row.revoked_at is not None:
            problem = msg("the token is not valid (revoked or unknown); sign in again with "
                          "`mediation login USER`")
        elif row.expires_at <= now:
            problem = msg("the session has expired; sign in again with `mediation login USER`")
        if problem is None and row is not None:
            if not row.active:
                raise PermissionDenied(msg("user {user} is disabled", user=row.username))
            if user and user != row.username:
                raise PermissionDenied(msg(
                    "signed in as {signed}, but MEDIATION_USER/--user names {user}; "
                    "unset it or sign in as {user}", signed=row.username, user=user))
            return _actor(row)
        if not session:
            assert problem is not None
            raise PermissionDenied(problem)
        if not user:
            assert problem is not None
            raise PermissionDenied(problem)
    if not user:
        raise InvalidInput(msg("who are you? sign in with `mediation login USER`, "
                               "or (without required sign-in) set MEDIATION_USER"))
    staff = uow.conn.execute(_BY_NAME, {"username": user}).first()
    if staff is None:
        raise NotFound(msg("unknown user {user}; a director adds staff with `mediation staff add`",
                           user=user))
    if not staff.active:
        raise PermissionDenied(msg("user {user} is disabled", user=user))
    if staff.login_required:
        raise PermissionDenied(msg("this committee requires sign-in: run `mediation login {user}`"
                                   " (or use --token-file)", user=user))
    return _actor(staff)


def committee_requires_login(uow: UnitOfWork, committee_id: int) -> bool:
    committee = uow.session.get(Committee, committee_id)
    return bool(committee and committee.login_required)


# ---------------------------------------------------------------------------------------------
# Files that hold tokens


def session_path() -> Path:
    explicit = os.environ.get("MEDIATION_SESSION_FILE", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "mediation" / "session.json"


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable and writable by its owner only (0600), never through
    a link planted at the name (core/files.py, the one helper for outputs)."""
    files.write_atomically(path, text.encode("utf-8"), mode=0o600)


def read_private(path: Path) -> str:
    """Read a token file; refuse one that group or others can read (like ssh does)."""
    try:
        st = path.stat()
    except OSError:
        raise NotFound(msg("no token file {path}", path=str(path))) from None
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise PermissionDenied(msg("the token file {path} can be read by others; "
                                   "`chmod 600 {path}` first", path=str(path)))
    try:
        return normalise.decode(path.read_bytes())[0].strip()  # the one reader of files
    except normalise.Unreadable as exc:
        raise InvalidInput(msg("{origin}: {why}", origin=str(path), why=exc.message)) from None


def save_session(db_url: str, result: dict[str, Any]) -> Path:
    path = session_path()
    write_private(path, json.dumps({"db": db_url, "user": result["user"],
                                    "token": result["token"],
                                    "expires_at": result["expires_at"]}) + "\n")
    return path


def read_session() -> dict[str, str] | None:
    """The session file's content ({"db", "user", "token", "expires_at"}), if any."""
    path = session_path()
    if not path.exists():
        return None
    try:
        data = json.loads(read_private(path))
    except (ValueError, OSError):
        return None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str)
                                             for k in ("db", "token")):
        return None
    return {str(k): str(v) for k, v in data.items()}


def load_session(db_url: str) -> str | None:
    """The session token for ``db_url`` from the session file, if there is one."""
    data = read_session()
    return data["token"] if data and data["db"] == db_url else None


def forget_session() -> None:
    path = session_path()
    if path.exists():
        path.unlink()


# Display names of the events and fields this module adds (history, audit log).
EVENT_NAMES = (N_("trigger.password_reset"), N_("field.one_time_code"))

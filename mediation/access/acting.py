"""Who is acting, and the files that hold tokens: :func:`actor_for` is THE one resolver of who
is acting (issue 11), run on every command's path.

Every command pays for what it imports, so this module reads with Core statements on the plain
tables of ``mediation.readtables`` and imports neither the stored tables' SQLModel classes nor
the ORM (issue 18); signing in, passwords and tokens are ``signin``'s, which re-exports these
names.

- A committee either requires sign-in (the default for ``mediation init``) or not (``init
  --no-login``: ``MEDIATION_USER`` then names the actor for attribution only, it proves nothing).
- Token files and the session file are created readable by their owner only (0600), and a token
  file that others can read is refused.
"""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, func
from sqlalchemy import select as core_select

from mediation.access.policy import Actor
from mediation.core import encodings, files, normalise, paths
from mediation.core.clock import iso
from mediation.core.errors import InvalidInput, MediationError, NotFound, PermissionDenied
from mediation.core.i18n import msg
from mediation.core.labels import staff_label
from mediation.db.compiled import Compiled
from mediation.readtables import ACCESS_TOKEN as _TOKEN
from mediation.readtables import COMMITTEE as _COMMITTEE
from mediation.readtables import STAFF as _STAFF

if TYPE_CHECKING:
    from mediation.db.storage import UnitOfWork


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# Who is acting


def _actor(staff: Mapping[str, Any], *, signed_in: bool = False) -> Actor:
    """The actor from a row of :data:`_WHO`: named to people by display name, with the user
    name when another staff member of the committee has the same name (``staff_label``);
    ``signed_in``: identified by a session or token."""
    return Actor(username=staff["username"], name=staff["name"], role=staff["role"],
                 committee_id=staff["committee_id"],
                 label=staff_label(staff["username"], staff["name"],
                                   shared=staff["namesakes"] > 1), signed_in=signed_in)


# Who is acting is resolved on every command's path: one Core query for each way of naming
# them, which also counts the staff of the committee sharing the actor's display name, compiled
# once (on SQLite run on the driver: every step of every terminal reads it, issue 18).
_NAMESAKE = _STAFF.alias("namesake")
_NAMESAKES = (core_select(func.count()).select_from(_NAMESAKE)
              .where(_NAMESAKE.c.committee_id == _STAFF.c.committee_id,
                     _NAMESAKE.c.name == _STAFF.c.name)
              .scalar_subquery().label("namesakes"))
_WHO = (_STAFF.c.username, _STAFF.c.name, _STAFF.c.role, _STAFF.c.committee_id,
        _STAFF.c.active, _NAMESAKES)
_BY_TOKEN = Compiled(
    core_select(_TOKEN.c.revoked_at, _TOKEN.c.expires_at, *_WHO)
    .join(_STAFF, _STAFF.c.id == _TOKEN.c.staff_id)
    .where(_TOKEN.c.token_hash == bindparam("token_hash"))
)
_BY_NAME = Compiled(
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

    Its reads may run before a unit of work that reads first takes the write lock
    (``UnitOfWork.reads_before_lock``): who acts is read as PostgreSQL's READ COMMITTED reads
    it, as of a moment before the command writes.
    """
    with uow.reads_before_lock():
        return _actor_for(uow, user=user, token=token, session=session)


def _actor_for(uow: UnitOfWork, *, user: str | None, token: str | None,
               session: bool) -> Actor:
    now = uow.now()
    if token:
        row = _BY_TOKEN.first(uow.conn, {"token_hash": token_hash(token)})
        problem = None
        if row is None or row["revoked_at"] is not None:
            problem = msg("the token is not valid (revoked or unknown); sign in again with "
                          "`mediation login USER`")
        elif row["expires_at"] <= now:
            problem = msg("the session has expired; sign in again with `mediation login USER`")
        if problem is None and row is not None:
            if not row["active"]:
                raise PermissionDenied(msg("user {user} is disabled", user=row["username"]))
            if user and user not in (row["username"], row["name"]):
                raise PermissionDenied(msg(
                    "signed in as {signed}, but MEDIATION_USER/--user names {user}; "
                    "unset it or sign in as {user}", signed=row["username"], user=user))
            return _actor(row, signed_in=True)
        if not session:
            assert problem is not None
            raise PermissionDenied(problem)
        if not user:
            assert problem is not None
            raise PermissionDenied(problem)
    if not user:
        raise InvalidInput(msg("who are you? sign in with `mediation login USER`, "
                               "or (without required sign-in) set MEDIATION_USER"))
    staff = _BY_NAME.first(uow.conn, {"username": user})
    if staff is None:  # a display name (王芳): the one resolver, which refuses an ambiguous one
        from mediation.access import staff_names

        named = staff_names.find(uow, user)
        if named is not None:
            staff = _BY_NAME.first(uow.conn, {"username": named})
            user = named
    if staff is None:
        from mediation.access import staff_names

        raise staff_names.unknown(user, staff_names.open_staff(uow))
    if not staff["active"]:
        raise PermissionDenied(msg("user {user} is disabled", user=user))
    if staff["login_required"]:
        raise PermissionDenied(msg("this committee requires sign-in: run `mediation login {user}`"
                                   " (or use --token-file)", user=user))
    return _actor(staff)


_COMMITTEE_OF = Compiled(
    core_select(_COMMITTEE.c.name, _COMMITTEE.c.login_required)
    .where(_COMMITTEE.c.id == bindparam("committee_id"))
)


def whoami(uow: UnitOfWork, who: Credentials) -> dict[str, Any]:
    """Who a command would act as (``mediation whoami``), asked of :func:`resolve`, the one
    resolver: user, display name, role, committee, and how they are named (``via``:
    ``session``, ``token`` with its expiry, or ``user`` on a committee without sign-in,
    where ``MEDIATION_USER`` names the actor and proves nothing). When nobody is, ``user`` is
    None and ``why`` is what any command would refuse with."""
    if not who.token and not who.user:  # nothing presented: not a question, a statement
        return {"user": None, "why": msg("`mediation login USER` signs in (or, where the "
                                         "committee does not require sign-in, MEDIATION_USER "
                                         "names who acts)")}
    try:
        actor = resolve(uow, who)
    except MediationError as exc:
        return {"user": None, "why": exc.message}
    committee = _COMMITTEE_OF.first(uow.conn, {"committee_id": actor.committee_id})
    expires, via = None, "user"
    if who.token:
        row = _BY_TOKEN.first(uow.conn, {"token_hash": token_hash(who.token)})
        if (row is not None and row["revoked_at"] is None and row["expires_at"] > uow.now()
                and row["username"] == actor.username):
            expires, via = iso(row["expires_at"]), "session" if who.session else "token"
    return {"user": actor.username, "name": actor.name, "label": actor.label,
            "role": actor.role, "committee": committee["name"] if committee else None,
            "sign_in_required": bool(committee and committee["login_required"]),
            "via": via, "expires_at": expires}


# ---------------------------------------------------------------------------------------------
# Files that hold tokens


def session_path() -> Path:
    return paths.user_path("state", "session.json", env="MEDIATION_SESSION_FILE")


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
        return encodings.decode(path.read_bytes())[0].strip()  # the one reader of files
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


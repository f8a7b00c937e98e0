"""THE one resolver of a staff member named on the command line or in a file: by user name or by
display (Chinese) name (``--mediator 李明``, ``--user 王芳``, ``staff reset 王芳``, a lead file's
reporter column).

- A user name is itself (exact, as stored; typed in any width, the option normaliser folds it).
- Otherwise a display name (in its one normal form, ``redaction.normal_name``) names the staff
  member who has it; two staff members with that name (two 李明) are refused naming their user
  names, so the clerk can give one.
- Otherwise the name is unknown (:func:`unknown`, THE refusal "nobody of that name; here are the
  choices"): refused naming who exists (user name and display name, the closest to what was
  typed first) when the asker is a staff member of that committee (staff names are not party
  personal data, and every staff member sees them in case histories). Without a signed-in
  asker (``--user``) it names the staff of the committees that do not require sign-in, where
  ``--user`` alone already acts as any of them (:func:`open_staff`); a committee that requires
  sign-in is named by nobody, since what was typed may be a password in the wrong field.

Pure lookups: nothing is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from mediation.access.policy import ASSIGNABLE_ROLES
from mediation.core import choices, normalise, redaction
from mediation.core.errors import InvalidInput, NotFound
from mediation.core.i18n import NONE, get_language, join, msg, name, or_absent
from mediation.core.labels import staff_label
from mediation.readtables import STAFF

if TYPE_CHECKING:
    from mediation.db.storage import UnitOfWork

_LISTED = 30  # staff named in a refusal, at most


def _read(uow: UnitOfWork, stmt: Any) -> list[Any]:
    """The rows of a Core statement on the staff table, after what the unit of work's ORM
    session holds unflushed (a staff member just added) is written, as its own queries would."""
    uow.autoflush()
    return list(uow.conn.execute(stmt).all())


def _rows(uow: UnitOfWork, committee_id: int | None) -> list[Any]:
    s = STAFF.c
    stmt = select(s.username, s.name, s.committee_id)
    if committee_id is not None:
        stmt = stmt.where(s.committee_id == committee_id)
    return _read(uow, stmt.order_by(s.id))


def listing(rows: list[Any]) -> str:
    """Each by display name with the user name to type in brackets, as a listing of values
    shows a code (choices.both): ``李明（liming）、王芳（wangfang）`` under zh, ``李明 (liming),
    王芳 (wangfang)`` under en; the user name alone where there is no display name."""
    bracket = "（{}）" if get_language() == "zh" else " ({})"
    shown = [r.name + bracket.format(r.username) if r.name and r.name != r.username
             else r.username for r in rows[:_LISTED]]
    return join(shown) + ("…" if len(rows) > _LISTED else "")


def ambiguous(typed: str, usernames: list[str]) -> InvalidInput:
    return InvalidInput(msg("several staff members are named {name}: give the user name, one "
                            "of {users}", name=typed, users=join(usernames)))


def open_staff(uow: UnitOfWork) -> list[Any] | None:
    """The staff ``--user`` alone may act as (committees without required sign-in), for
    :func:`unknown`; None when there are none."""
    from mediation.readtables import COMMITTEE

    s, c = STAFF.c, COMMITTEE.c
    rows = _read(uow, select(s.username, s.name, s.committee_id)
                 .join(COMMITTEE, c.id == s.committee_id)
                 .where(c.login_required.is_(False)).order_by(s.id))
    return rows or None


def _closest_first(typed: str, rows: list[Any]) -> list[Any]:
    """``rows`` with those sharing the most characters with ``typed`` (李 → 李明) first."""
    wanted = set(normalise.fold(typed).lower())

    def shared(r: Any) -> int:
        return len(wanted & set(f"{r.username}{r.name or ''}".lower()))

    return sorted(rows, key=lambda r: -shared(r))


def unknown(typed: str, rows: list[Any] | None) -> NotFound:
    """The refusal of a name that is nobody: naming who exists, the closest first, when
    ``rows`` is given."""
    if rows is not None:
        rows = _closest_first(typed, rows)
    if rows is None:
        return NotFound(msg("unknown user \"{user}\"; a director adds staff with `mediation "
                            "staff add`", user=typed))
    if not rows:
        return NotFound(msg("no staff member named \"{user}\" in this committee", user=typed))
    return NotFound(msg("no staff member named \"{user}\" in this committee; the staff are: "
                        "{staff}",
                        user=typed, staff=listing(rows)))


def username(uow: UnitOfWork, typed: str, *, committee_id: int | None = None,
             list_known: bool = True) -> str:
    """The user name ``typed`` names (a user name or a display name), among the staff of
    ``committee_id`` (every committee of the database when None). Refused: a display name two
    staff members share (:func:`ambiguous`), a name that is nobody (:func:`unknown`, naming who
    exists when ``list_known`` and a committee is given)."""
    found = find(uow, typed, committee_id=committee_id)
    if isinstance(found, str):
        return found
    rows = _rows(uow, committee_id) if list_known and committee_id is not None else None
    raise unknown(typed, rows)


def find(uow: UnitOfWork, typed: str, *, committee_id: int | None = None) -> str | None:
    """:func:`username`, but None for a name that is nobody (an ambiguous one is refused)."""
    typed = normalise.fold(typed)
    s = STAFF.c
    stmt = select(s.username).where(s.username == typed)
    if committee_id is not None:
        stmt = stmt.where(s.committee_id == committee_id)
    if _read(uow, stmt.limit(1)):
        return typed
    wanted = {normalise.text(typed), redaction.normal_name(typed)}
    stmt = select(s.username).where(s.name.in_(sorted(wanted)))
    if committee_id is not None:
        stmt = stmt.where(s.committee_id == committee_id)
    named = sorted({user for (user,) in _read(uow, stmt)})
    if len(named) > 1:
        raise ambiguous(typed, named)
    return named[0] if named else None



def mediator(uow: UnitOfWork, typed: str, *, committee_id: int) -> str:
    """The user name of the staff member ``typed`` names to mediate (``--mediator``, ``--co``):
    a user name or display name (:func:`find`), or a part of the display name of exactly one
    of those who may mediate (active, a mediator or the director: ``李`` is 李明 when he is the
    only one; ``choices.parts``, one character being enough for a surname). Refused, naming
    those who may mediate by display name: a disabled account or another role (saying which),
    a part of several names (naming them), a name that is nobody."""
    s = STAFF.c
    rows = _read(uow, select(s.username, s.name, s.role, s.active)
                 .where(s.committee_id == committee_id).order_by(s.id))
    able = [r for r in rows if r.active and r.role in ASSIGNABLE_ROLES]
    shown = _shown(rows)
    who = join([shown[r.username] for r in able[:_LISTED]]) + (
        "…" if len(able) > _LISTED else "")
    found = find(uow, typed, committee_id=committee_id)
    if found is not None:
        row = next(r for r in rows if r.username == found)
        if not row.active:
            raise InvalidInput(msg("{user} cannot mediate: the account is disabled; those who "
                                   "may mediate: {able}", user=shown[found], able=who))
        if row.role not in ASSIGNABLE_ROLES:
            raise InvalidInput(msg("{user} cannot mediate: a {role} is not a mediator; those "
                                   "who may mediate: {able}", user=shown[found],
                                   role=name("role", row.role), able=who))
        return str(found)
    matched = choices.parts(normalise.text(typed), {r.username: r.name or "" for r in able},
                            shortest=1)
    if len(matched) == 1:
        return matched[0]
    if matched:
        raise InvalidInput(msg("{typed} is part of the names of several who may mediate: "
                               "{found}; give one of them", typed=typed,
                               found=join([shown[u] for u in matched])))
    raise NotFound(msg("nobody named {typed} may mediate in this committee; those who may: "
                       "{able}", typed=typed, able=or_absent(who, NONE)))


def _shown(rows: list[Any]) -> dict[str, str]:
    """:func:`label` of each staff row of one committee (a namesake with the user name)."""
    counts = Counter(r.name for r in rows if r.name)
    return {r.username: label(r.username, r.name, shared=counts[r.name] > 1) for r in rows}


label = staff_label  # THE way a staff member is shown to people (mediation.tables, where the
#                     layers below, the case store's refusal of a stale step, use it too)


def labels(uow: UnitOfWork, usernames: Iterable[str | None]) -> dict[str, str]:
    """:func:`label` of each of ``usernames`` (a user name that is nobody shows as itself)."""
    wanted = sorted({u for u in usernames if u})
    if not wanted:
        return {}
    s = STAFF.c
    rows = _read(uow, select(s.username, s.name, s.committee_id).where(s.username.in_(wanted)))
    named = sorted({name for _user, name, _committee in rows if name})
    counts: Counter[tuple[int, str]] = Counter()
    if named:
        counts.update((committee, name) for committee, name in _read(
            uow, select(s.committee_id, s.name).where(s.name.in_(named))))
    found = {user: label(user, name, shared=counts[(committee, name)] > 1)
             for user, name, committee in rows}
    return {u: found.get(u, u) for u in wanted}

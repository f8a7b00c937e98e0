"""Settings: the rows of the ``setting`` table, read and written only here.

Per database: the schema version and the key of the ID numbers' keyed hash (made by ``mediation
init``). Per committee (the key ends in the committee's id): how long closed cases keep their
personal data (``retention``), and the committee's calendar (time zone, holiday rule). What a
setting means is decided by the module that uses it; this one only names the keys and reads and
writes the values.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING

from sqlalchemy import Connection, bindparam, select

from mediation.core.calendar import DEFAULT_ZONE, Calendar, UnknownZone
from mediation.core.errors import NotFound
from mediation.core.i18n import msg
from mediation.db.compiled import Compiled
from mediation.db.storage import UnitOfWork
from mediation.readtables import SETTING

if TYPE_CHECKING:
    from mediation.tables import Setting

ID_HASH_KEY = "id_hash_key"
SCHEMA_VERSION_KEY = "schema_version"
SCHEMA_VERSION = "1"  # the value ``mediation init`` writes under SCHEMA_VERSION_KEY
DEMO = "demo"  # set in a database made by ``mediation demo`` (which alone ``--fresh`` deletes)


def retention_key(committee_id: int) -> str:
    return f"retention_days.{committee_id}"


def zone_key(committee_id: int) -> str:
    return f"calendar_zone.{committee_id}"


def holidays_key(committee_id: int) -> str:
    return f"calendar_holidays.{committee_id}"


def procedure_key(name: str, committee_id: int) -> str:
    """A rule of the procedure the committee may adjust (workflow.SETTINGS)."""
    return f"procedure.{name}.{committee_id}"


def late_entry_key(committee_id: int) -> str:
    return f"late_entry_days.{committee_id}"


# Reads are Core statements on the light table (readtables.SETTING: the case list counts days
# overdue in the committee's calendar without defining the ORM classes, issue 18); writes go
# through the session's ``Setting`` rows.
_SETTING = SETTING


def _stored() -> type[Setting]:
    from mediation.tables import Setting
    return Setting


@functools.lru_cache(maxsize=16)
def _some(n: int) -> Compiled:
    """The query for ``n`` keys, one statement per ``n`` (compiled once and cached: an
    ``expanding`` IN is compiled anew on every run, which cost a step a third of a
    millisecond; on SQLite run on the driver; issue 18)."""
    return Compiled(select(_SETTING.c.key, _SETTING.c.value).where(
        _SETTING.c.key.in_([bindparam(f"k{i}") for i in range(n)])))


_ONE = select(_SETTING.c.value).where(_SETTING.c.key == bindparam("key"))


def get(uow: UnitOfWork, key: str) -> str | None:
    row = uow.session.get(_stored(), key)
    return None if row is None else row.value


def get_many(conn: Connection, keys: Iterable[str]) -> dict[str, str]:
    """The values of those of ``keys`` that are set, in one query."""
    keys = list(keys)
    if not keys:
        return {}
    return {str(k): str(v) for k, v in _some(len(keys)).rows(
        conn, {f"k{i}": key for i, key in enumerate(keys)})}


def put(uow: UnitOfWork, key: str, value: str) -> str | None:
    """Set ``key`` to ``value``; returns the value it had. What the unit of work read of the
    settings (``uow.memo``) is forgotten."""
    uow.memo.clear()
    stored = _stored()
    row = uow.session.get(stored, key)
    before = None if row is None else row.value
    row = row or stored(key=key, value="")
    row.value = value
    uow.session.add(row)
    return before


def hash_key(uow: UnitOfWork) -> bytes:
    """The key of the ID numbers' keyed hash; NotFound before ``mediation init``."""
    value = get(uow, ID_HASH_KEY)
    if value is None:
        raise NotFound(msg("no mediation database here; run `mediation init` first"))
    return bytes.fromhex(value)


def hash_key_of(conn: Connection) -> bytes:
    """:func:`hash_key` read with Core on a connection (empty when the database has none)."""
    value = conn.execute(_ONE, {"key": ID_HASH_KEY}).scalar()
    return bytes.fromhex(value) if value else b""


_KEY_ON = "mediation.settings.hash_key"  # where hash_key_on keeps it (the connection's info)


def hash_key_on(conn: Connection) -> bytes:
    """:func:`hash_key_of`, read once per pooled connection and kept in its ``info`` (the key
    is made once, by ``mediation init``, and never changes): a search by number then reads
    nothing before its one statement. Empty when the database has none (not kept)."""
    key = conn.info.get(_KEY_ON)
    if key is None:
        key = hash_key_of(conn)
        if key:
            conn.info[_KEY_ON] = key
    return bytes(key)


def retention_days(uow: UnitOfWork, committee_id: int) -> int | None:
    """How many days after closing a committee's cases keep their personal data (None: kept)."""
    value = get(uow, retention_key(committee_id))
    return None if value is None else int(value)


def calendar(uow: UnitOfWork, committee_id: int) -> Calendar:
    """A committee's calendar from its settings (the default when nothing is set), read once per
    unit of work (``uow.memo``, which :func:`put` clears). What the settings mean:
    mediation.calendars."""
    memo = ("calendar", committee_id)
    found: Calendar | None = uow.memo.get(memo)
    if found is not None:
        return found
    zkey, hkey = zone_key(committee_id), holidays_key(committee_id)
    rows = get_many(uow.conn, [zkey, hkey])
    cal = uow.memo[memo] = _calendar(rows.get(zkey), rows.get(hkey))
    return cal


# The committee's calendar settings read as two columns of another statement (``cal_zone``,
# ``cal_holidays``; parameters :func:`calendar_params`): a search reads them in its one statement
# instead of a statement of their own (a round trip on PostgreSQL; issue 14).
CALENDAR_COLUMNS = ("(SELECT value FROM setting WHERE key = :cal_zone) AS cal_zone, "
                    "(SELECT value FROM setting WHERE key = :cal_holidays) AS cal_holidays")


def calendar_params(committee_id: int) -> dict[str, str]:
    return {"cal_zone": zone_key(committee_id), "cal_holidays": holidays_key(committee_id)}


def calendar_read(uow: UnitOfWork, committee_id: int, zone: str | None, holidays: str | None
                  ) -> Calendar:
    """:func:`calendar` from the values :data:`CALENDAR_COLUMNS` read (the unit of work's own,
    when it has read it already)."""
    memo = ("calendar", committee_id)
    found: Calendar | None = uow.memo.get(memo)
    if found is None:
        found = uow.memo[memo] = _calendar(zone, holidays)
    return found


@functools.lru_cache(maxsize=16)
def _calendar(zone: str | None, holidays: str | None) -> Calendar:
    """The calendar of those settings' values (None: not set)."""
    extend = holidays == "1"
    try:
        return Calendar(zone=zone or DEFAULT_ZONE, holidays_extend=extend)
    except UnknownZone:  # a zone the machine's time-zone database no longer knows
        return Calendar(holidays_extend=extend)

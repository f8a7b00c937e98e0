"""Personal values an event refers to but the immutable log must not hold: kept in the mutable
``kept_value`` table, one row per value, keyed by the event's ``seq``; the event holds only
their keyed hash, so ``audit verify`` (and ``db check``) bind a kept value to its event while it
exists, and retention can delete it (PIPL art. 19; the log cannot be rewritten).

- A party's name corrected (``case amend --edit-party``), or its guardian's or representative's
  (``NAME_FIELDS``): before and after, so that a reader
  who may see names sees what changed (罗红 → 罗宏) in ``case history``, where the event shows
  both masked (罗某 → 罗某). The event's commitment is the case file's own record of the change
  (``changes["file"]``: the ``party/<id>`` row's ``name`` before and after, keyed hashes).
- A lead's place as reported (``lead_report``): the event holds ``changes["kept"] =
  {"lead/<id>.place": [null, hash]}`` instead of the text. Events written before revision 0024
  keep the place they hold (numbers scrubbed).

The hash is ``casefile_changes.keyed`` (HMAC-SHA256 under the database's ID-hash key, 32 hex
digits), the one every event's personal data is recorded with. Retention deletes a case's rows
with the case (``retention._anonymise``) and a lead's with its text (``retention._erase``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, or_, select

from mediation.db.casefile_changes import keyed
from mediation.tables import Event, EventView, KeptValue

KEY = "kept"  # the event's record of values kept out of it: "<record>.<field>" → [hash, hash]
# The persons' names of a party row kept out of a correction's event (before → after): the
# party's own, its guardian's, its representative's (法定代表人, 主要负责人); each the ``name``
# of the party's entry in the event's lists, or of its ``guardian`` / ``representative``.
NAME_FIELDS = ("name", "guardian_name", "representative_name")
_AGENT = {"guardian_name": "guardian", "representative_name": "representative"}

_T = KeptValue.__table__  # type: ignore[attr-defined]
_EVENT = Event.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Value:
    """One value kept out of an event: of ``record`` ("<table>/<id>"), its ``field``, before
    and after; ``item``: the row's place in the event's before/after list, if it has one."""

    record: str
    field: str
    before: str | None
    after: str | None
    item: int | None = None

    @property
    def name(self) -> str:
        return f"{self.record}.{self.field}"


def commitment(key: bytes, value: str | None) -> str | None:
    return None if value is None else keyed(key, value)


def committed(key: bytes, values: Iterable[Value]) -> dict[str, list[str | None]]:
    """The event's ``kept`` record of ``values``: their keyed hashes, before and after."""
    return {v.name: [commitment(key, v.before), commitment(key, v.after)] for v in values}


def write(conn: Connection, seq: int, case_id: int | None, values: Sequence[Value]) -> None:
    """The values of the event ``seq``, in the event's transaction."""
    if values:
        conn.execute(insert(_T), [
            {"seq": seq, "case_id": case_id, "record": v.record, "field": v.field,
             "item": v.item, "before": v.before, "after": v.after} for v in values])


def erase(conn: Connection, *, case_id: int | None = None, records: Sequence[str] = ()) -> int:
    """Delete the values of a case's events and of ``records``; how many were deleted."""
    where = []
    if case_id is not None:
        where.append(_T.c.case_id == case_id)
    if records:
        where.append(_T.c.record.in_(records))
    if not where:
        return 0
    return int(conn.execute(delete(_T).where(or_(*where))).rowcount or 0)


def names(conn: Connection, case_id: int) -> list[str]:
    """Every person's name a case's corrections kept, before and after (for retention, which
    masks them in the case's free text with the current ones)."""
    rows = conn.execute(select(_T.c.before, _T.c.after).where(
        _T.c.case_id == case_id, _T.c.field.in_(NAME_FIELDS)).order_by(_T.c.id))
    return [v for r in rows for v in r if v]


def of_events(conn: Connection, seqs: Iterable[int]) -> dict[int, list[Value]]:
    """The values kept for each of the events ``seqs`` (those that still exist)."""
    wanted = sorted(set(seqs))
    out: dict[int, list[Value]] = {}
    for i in range(0, len(wanted), 500):
        for r in conn.execute(select(_T).where(_T.c.seq.in_(wanted[i:i + 500]))
                              .order_by(_T.c.id)):
            out.setdefault(r.seq, []).append(Value(r.record, r.field, r.before, r.after, r.item))
    return out


def recorded_hashes(changes: Mapping[str, Any], v: Value) -> list[Any] | None:
    """What the event committed to for ``v``: its ``kept`` record, else the case file's record
    of the row's column (``file``: before and after); None when it names neither."""
    kept = changes.get(KEY)
    if isinstance(kept, dict) and v.name in kept:
        pair = kept[v.name]
        return list(pair) if isinstance(pair, list) else None
    file = changes.get("file")
    if not (isinstance(file, list) and len(file) == 2):
        return None
    images = [image.get(v.record) if isinstance(image, dict) else None for image in file]
    if all(not isinstance(i, dict) or v.field not in i for i in images):
        return None
    return [i.get(v.field) if isinstance(i, dict) else None for i in images]


def mismatches(conn: Connection, key: bytes) -> Iterator[tuple[int, int | None, str]]:
    """Every kept value its event does not commit to (``seq``, case, "<record>.<field>"): one
    changed, or written behind the application's back, or its event gone."""
    stmt = select(_T.c.seq, _T.c.case_id, _T.c.record, _T.c.field, _T.c.item, _T.c.before,
                  _T.c.after, _EVENT.c.changes).outerjoin(_EVENT, _EVENT.c.seq == _T.c.seq) \
        .order_by(_T.c.seq, _T.c.id)
    for r in conn.execute(stmt):
        v = Value(r.record, r.field, r.before, r.after, r.item)
        try:
            changes = json.loads(r.changes) if r.changes is not None else {}
        except ValueError:
            changes = {}
        hashes = recorded_hashes(changes, v) if isinstance(changes, dict) else None
        if hashes != [commitment(key, v.before), commitment(key, v.after)]:
            yield r.seq, r.case_id, v.name


def shown(view: EventView, values: Sequence[Value], *, names: bool) -> EventView:
    """An event as its reader sees it with the values kept out of it: a lead's place (every
    reader of the event, as the event showed it before revision 0024), and a party's name
    before and after a correction, in the event's ``parties`` in place of the masked ones (a
    reader who may see names only)."""
    if not values:
        return view
    changes = dict(view.changes)
    for v in values:
        table = v.record.split("/", 1)[0]
        if table == "lead" and v.field == "place":
            changes["place"] = [v.before, v.after]
        elif table == "party" and names and v.item is not None:
            pair = changes.get("parties")
            if not (isinstance(pair, list) and len(pair) == 2):
                continue
            changes["parties"] = [_named(side, v.item, value, v.field)
                                  for side, value in zip(pair, (v.before, v.after), strict=True)]
    return view.model_copy(update={"changes": changes})


def _named(side: Any, item: int, value: str | None, field: str = "name") -> Any:
    if not (isinstance(side, list) and 0 <= item < len(side) and isinstance(side[item], dict)
            and value is not None):
        return side
    out = list(side)
    agent = _AGENT.get(field)
    if agent is None:
        out[item] = {**side[item], "name": value}
    elif isinstance(side[item].get(agent), dict):  # a guardian's, a representative's
        out[item] = {**side[item], agent: {**side[item][agent], "name": value}}
    return out

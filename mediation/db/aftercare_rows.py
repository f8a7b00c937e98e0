"""Urgings (督促履行) and feedbacks (反馈) recorded before they had tables of their own (migration
0021): each was its event alone, its note (and a feedback's recipient) held in the event's
changes as the event log holds text, masked. The migration makes each such event a row of the
case file, ``<table>/<seq>`` (the row's id is its event's seq), and the replay of the case file
(``mediation.db.casefile``) takes each such event as having inserted that row, so that the rows
the migration wrote are checked as the rows written since are. One rule, used by both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The step whose event holds the record -> (its key in the changes, the table, when, by whom).
STEPS: dict[str, tuple[str, str, str, str]] = {
    "urge": ("urge", "urging", "urged_at", "urged_by"),
    "feedback": ("feedback", "feedback", "fed_back_at", "fed_back_by"),
}


def legacy_row(action: str, changes: Mapping[str, Any], occurred_at: Any, actor: str
               ) -> tuple[str, dict[str, Any]] | None:
    """The table and the values (every recorded column) of the row an event of ``action``
    recorded in its changes alone, or None: not such a step, or (the former combined feedback
    step, a visit and a closing) its changes hold no such record."""
    found = STEPS.get(action)
    if found is None:
        return None
    key, table, when, by = found
    images = changes.get(key)
    if not (isinstance(images, list) and len(images) == 2 and isinstance(images[1], dict)):
        return None
    after = images[1]
    values: dict[str, Any] = {when: occurred_at, by: actor, "note": after.get("note") or None}
    if table == "feedback":
        values["channel"] = after.get("channel")
        values["recipient"] = after.get("to")
    return table, values


def records_row(table: str, file: Any) -> bool:
    """Whether an event's ``file`` record inserts a row of ``table`` (the steps since 0021)."""
    if not (isinstance(file, list) and len(file) == 2 and isinstance(file[1], dict)):
        return False
    return any(name.startswith(table + "/") for name in file[1])


def row_of(action: str, seq: int, changes: Mapping[str, Any]) -> tuple[str, int] | None:
    """The table and id of the row an urge or feedback event recorded: the row its ``file``
    inserts, else (recorded before migration 0021) the row ``<table>/<seq>``; None for another
    event, or the former combined feedback step."""
    found = STEPS.get(action)
    if found is None or not isinstance(changes.get(found[0]), list):
        return None
    table = found[1]
    file = changes.get("file")
    if records_row(table, file):
        assert isinstance(file, list)
        name = next(n for n in file[1] if n.startswith(table + "/"))
        return table, int(name.partition("/")[2])
    return table, seq

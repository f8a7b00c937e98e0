"""The names a case's events hold only masked (``李某``), shown in full where they are known, to a
reader who may see names (``case history``; a clerk's trial, issue 14).

The log holds a party's name masked in a correction's party lists; the name is known from the
party's row (the current one) and the names kept out of the log (db.kept: a corrected name,
before → after). Walking the events from the newest back, each party (by position) has the name
it had after that event; a masked name is replaced only where it is that name masked, and the
walk stops (names stay masked) before an event that changed how many parties there are or that
corrected a name the log does not keep (an event older than kept values)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mediation.cases import Party
from mediation.core import identity, redaction
from mediation.tables import EventView

Known = list[tuple[str | None, str | None]]  # per position: the party's name, its guardian's


def fill(views: Sequence[EventView], parties: Sequence[Party]) -> list[EventView]:
    """``views`` (a case's events, oldest first) with each masked name of a party or guardian
    that is known put in its place."""
    known: Known | None = [
        (p.name if redaction.is_person(p.kind) else None, p.guardian_name) for p in parties]
    out: list[EventView] = []
    for view in reversed(views):
        pair = view.changes.get("parties")
        if known is None or pair is None:  # no party recorded: the names as they were
            out.append(view)
            continue
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[1], list)
                and len(pair[1]) == len(known)):
            known = None
            out.append(view)
            continue
        before, recorded = pair
        after = [_named(p, k) for p, k in zip(recorded, known, strict=True)]
        if isinstance(before, list) and len(before) == len(after):
            known = [_before(b, a, k) for b, a, k in zip(before, recorded, known, strict=True)]
            before = [_named(p, k) for p, k in zip(before, known, strict=True)]
        else:
            known = None
        out.append(view.model_copy(update={"changes": {**view.changes,
                                                       "parties": [before, after]}}))
    return out[::-1]


def _masks(masked: object, name: str | None) -> bool:
    return bool(name) and isinstance(masked, str) and masked != name and \
        masked == identity.mask_name(name)


def _named(party: Any, known: tuple[str | None, str | None]) -> Any:
    if not isinstance(party, dict):
        return party
    name, guardian_name = known
    changed = dict(party)
    if _masks(party.get("name"), name):
        changed["name"] = name
    guardian = party.get("guardian")
    if isinstance(guardian, dict) and _masks(guardian.get("name"), guardian_name):
        changed["guardian"] = {**guardian, "name": guardian_name}
    return changed


def _before(before: Any, after: Any, known: tuple[str | None, str | None]
            ) -> tuple[str | None, str | None]:
    """A party's names before an event, from those after it: a name the event shows in full
    (kept), else the same unless the event corrected it without keeping it (then unknown)."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return (None, None)
    corrected = after.get("corrected") or ()
    name, guardian_name = known
    shown = before.get("name")
    if isinstance(shown, str) and shown != identity.mask_name(shown):
        name = shown  # kept out of the log and put back (kept.shown): the name before
    elif "name" in corrected or before.get("name") != after.get("name"):
        name = None
    if "guardian" in corrected or _guardian_name(before) != _guardian_name(after):
        guardian_name = None
    return (name, guardian_name)


def _guardian_name(party: dict[str, Any]) -> Any:
    g = party.get("guardian")
    return g.get("name") if isinstance(g, dict) else None

"""The names a case's events hold only masked (``李某``), shown in full where they are known, to a
reader who may see names (``case history``; a clerk's trial, issue 14).

The log holds a party's name masked in a correction's party lists; the name is known from the
party's row (the current one) and the names kept out of the log (db.kept: a corrected name,
before → after). Walking the events from the newest back, each party (by position) has the name
it had after that event, and its guardian's; a masked name is replaced only where it is that
name masked. Through a correction that added or removed parties, each party before it is the
party it became (mediation.party_changes.align): a party added later is named from its row in
the events after it, the others keep their names before it; a party removed is not known (its
name stays masked, unless the log kept it). A name corrected where the log does not keep it
(an event older than kept values) stays masked from there back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mediation import party_changes
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
        if isinstance(before, list):  # each party before by the party it is after (or none:
            was: Known = [(None, None)] * len(before)  # removed, its name unknown here)
            for i, j in party_changes.align(before, recorded):
                if i is not None:  # removed: only a name the log kept (shown in full)
                    was[i] = _before(before[i], {}, (None, None)) if j is None else \
                        _before(before[i], recorded[j], known[j])
            known = was
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
    elif "name" in corrected or not _same(shown, after.get("name")):
        name = None
    if "guardian" in corrected or not _same(_guardian_name(before), _guardian_name(after)):
        guardian_name = None
    return (name, guardian_name)


def _same(before: Any, after: Any) -> bool:
    """Whether a name before an event is the one after it: the same, or it masked (the name
    after put back in full from kept values: a party moved up past one removed)."""
    return before == after or (isinstance(before, str) and isinstance(after, str)
                               and before == identity.mask_name(after))


def _guardian_name(party: dict[str, Any]) -> Any:
    g = party.get("guardian")
    return g.get("name") if isinstance(g, dict) else None

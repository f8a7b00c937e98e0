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

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from mediation import party_changes
from mediation.access.policy import Actor, sees_names
from mediation.cases import Case, Party
from mediation.core import identity, redaction
from mediation.tables import Event, EventView

if TYPE_CHECKING:
    from mediation.db.storage import UnitOfWork

# per position: the party's name, its guardian's, its representative's (法定代表人, 主要负责人)
Known = list[tuple[str | None, str | None, str | None]]
_NONE: tuple[None, None, None] = (None, None, None)


def fill(views: Sequence[EventView], parties: Sequence[Party]) -> list[EventView]:
    """``views`` (a case's events, oldest first) with each masked name of a party or guardian
    that is known put in its place."""
    known: Known | None = [
        (p.name if redaction.is_person(p.kind) else None, p.guardian_name,
         p.representative_name) for p in parties]
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
            was: Known = [_NONE] * len(before)  # removed, its name unknown here)
            for i, j in party_changes.align(before, recorded):
                if i is not None:  # removed: only a name the log kept (shown in full)
                    was[i] = _before(before[i], {}, _NONE) if j is None else \
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


def _named(party: Any, known: tuple[str | None, str | None, str | None]) -> Any:
    if not isinstance(party, dict):
        return party
    name, *agents = known
    changed = dict(party)
    if _masks(party.get("name"), name):
        changed["name"] = name
    for key, agent_name in zip(_AGENTS, agents, strict=True):
        agent = party.get(key)
        if isinstance(agent, dict) and _masks(agent.get("name"), agent_name):
            changed[key] = {**agent, "name": agent_name}
    return changed


_AGENTS = ("guardian", "representative")  # who act for a party, each {"name", ...}


def _before(before: Any, after: Any, known: tuple[str | None, str | None, str | None]
            ) -> tuple[str | None, str | None, str | None]:
    """A party's names before an event, from those after it: a name the event shows in full
    (kept), else the same unless the event corrected it without keeping it (then unknown)."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return _NONE
    corrected = after.get("corrected") or ()
    name, guardian_name, representative_name = known
    shown = before.get("name")
    if isinstance(shown, str) and shown != identity.mask_name(shown):
        name = shown  # kept out of the log and put back (kept.shown): the name before
    elif "name" in corrected or not _same(shown, after.get("name")):
        name = None
    agents = []
    for key, agent_name in (("guardian", guardian_name),
                            ("representative", representative_name)):
        shown = _agent_name(before, key)
        if isinstance(shown, str) and shown != identity.mask_name(shown):
            agent_name = shown  # kept out of the log and put back: the name before
        elif key in corrected or not _same(shown, _agent_name(after, key)):
            agent_name = None
        agents.append(agent_name)
    return (name, agents[0], agents[1])


def _same(before: Any, after: Any) -> bool:
    """Whether a name before an event is the one after it: the same, or it masked (the name
    after put back in full from kept values: a party moved up past one removed)."""
    return before == after or (isinstance(before, str) and isinstance(after, str)
                               and before == identity.mask_name(after))


def _agent_name(party: dict[str, Any], key: str) -> Any:
    g = party.get(key)
    return g.get("name") if isinstance(g, dict) else None


# ---------------------------------------------------------------------------------------------
# THE one decision of the names a reader sees restored, for every record view


def may_restore(actor: Actor, *, revealed: bool = False) -> bool:
    """Whether ``actor`` sees the names the log holds masked put back: a reader who may see
    names (``policy.sees_names``: as ``case show`` shows them whole), or one to whom the case
    was revealed (``--reveal``, checked and recorded by the caller)."""
    return revealed or sees_names(actor)


def restore(uow: UnitOfWork, actor: Actor, views: Sequence[EventView], *,
            revealed: bool = False,
            parties: Mapping[int, Sequence[Party]] | None = None) -> list[EventView]:
    """``views`` (events of any cases, in any order: ``case history``, ``audit case``, a page
    of ``audit log`` over the whole committee) as ``actor`` may read them: for a reader who
    may see names (:func:`may_restore`) each name the log holds masked that is known put in
    its place, by case: the parties', guardians' and representatives' in the parties' lists
    (:func:`fill`, walking all the case's events from the newest back: a page is filled from
    its case's whole log), and a person's name in free text (an amended agreement's terms, a
    summary, a reason: :func:`unmask_text`) where one person of the case has that mask. For a
    reader who may not, ``views`` unchanged (masked). ``parties``: the cases' rows already
    read (by case id), else read here."""
    views = list(views)
    if not views or not may_restore(actor, revealed=revealed):
        return views
    numbers = sorted({v.case for v in views if v.case})
    if not numbers:
        return views
    ids = {str(n): int(i) for n, i in uow.session.exec(select(Case.number, Case.id).where(
        Case.committee_id == actor.committee_id, col(Case.number).in_(numbers))).all()
        if i is not None}
    rows = dict(parties or {})
    wanted = [i for i in ids.values() if i not in rows]
    if wanted:
        for p in uow.session.exec(select(Party).where(col(Party.case_id).in_(wanted))
                                  .order_by(col(Party.case_id), col(Party.position))).all():
            rows.setdefault(int(p.case_id), []).append(p)  # type: ignore[attr-defined]
    seqs: dict[int, list[int]] = {}
    for seq, cid in uow.session.exec(select(Event.seq, Event.case_id).where(
            col(Event.case_id).in_(sorted(ids.values()))).order_by(col(Event.seq))).all():
        if cid is not None and seq is not None:
            seqs.setdefault(int(cid), []).append(int(seq))
    from mediation.db import kept

    done: dict[int, EventView] = {}
    for number, cid in ids.items():
        page = sorted((v for v in views if v.case == number), key=lambda v: v.seq or 0)
        whole = page if [v.seq for v in page] == seqs.get(cid, []) else _events(uow, cid, number)
        case_parties = rows.get(cid, [])
        persons = [*redaction.persons(case_parties), *kept.names(uow.conn, cid)]
        for v in fill(whole, case_parties):
            done[int(v.seq or 0)] = _unmasked(v, persons)
    return [done.get(int(v.seq or 0), v) if v.case in ids else v for v in views]


def _events(uow: UnitOfWork, case_id: int, number: str) -> list[EventView]:
    """A case's whole log, oldest first, as a reader who may see names reads it (the values
    kept out of the log put back: kept.shown; numbers scrubbed: queries.redact_event)."""
    from mediation.db import kept
    from mediation.queries import event_view, redact_event

    events = uow.session.exec(select(Event).where(Event.case_id == case_id)
                              .order_by(col(Event.seq))).all()
    values = kept.of_events(uow.conn, [e.seq for e in events if e.seq is not None])
    return [redact_event(kept.shown(event_view(e, number), values.get(e.seq or 0, ()),
                                    names=True), []) for e in events]


def unmask_text(text: str, persons: Sequence[str]) -> str:
    """Free text as the log holds it (each person's name masked: 李某) with each mask put back
    where exactly one of ``persons`` (the case's) has it; a mask two of them share (张三 and
    张四: 张某) stays."""
    found: dict[str, set[str]] = {}
    for n in persons:
        normal = redaction.normal_name(n)
        mask = identity.mask_name(normal)
        if mask and mask != normal:
            found.setdefault(mask, set()).add(normal)
    unique = {m: next(iter(ns)) for m, ns in found.items() if len(ns) == 1}
    if not unique or not any(m in text for m in unique):
        return text
    pattern = re.compile("|".join(re.escape(m) for m in sorted(unique, key=len, reverse=True)))
    return pattern.sub(lambda m: unique[m.group()], text)


def _unmasked(view: EventView, persons: Sequence[str]) -> EventView:
    """An event's free text (every string of its changes but the parties' lists, which
    :func:`fill` puts back by position, and its reason) with the masks put back."""
    if not persons:
        return view

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return unmask_text(value, persons)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    changes = {k: v if k == "parties" else walk(v) for k, v in view.changes.items()}
    reason = unmask_text(view.reason, persons) if view.reason else view.reason
    shown = view.model_copy(update={"changes": changes, "reason": reason})
    shown._names = [n for n in (redaction.normal_name(p) for p in persons) if n]
    return shown

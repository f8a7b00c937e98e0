"""Probable duplicates (一案一卷): THE one rule, for intake (``case new``) and ``case import``.

The rule (:func:`rule`): a new record is a probable duplicate of a case of the same committee

- ``same_id_number``: one of its persons' ID numbers (compared by keyed hash) is on that case,
  and the case is still open or was registered within ``DUPLICATE_WINDOW_DAYS``; or
- ``same_organisation_and_party``: an organisation's 统一社会信用代码 (by keyed hash) is on that
  case, open or within the window, AND so is another of the record's parties: a second
  organisation by its code, or a party by its name. The code alone is not enough: a person's ID
  number names one person, whose second application on the same facts is the same dispute, but
  a company, a property manager or a school is party to many disputes with many people (a
  landlord company and each of its tenants), each its own case (一案一卷 is one dispute, not one
  organisation); a second case against it by someone else is no duplicate. Or
- ``same_names_and_category``: the same category, and the case (registered within the window)
  has among its applicants and respondents one of the record's applicants' names and one of its
  respondents' names.

Within one import file a later line is checked against the earlier lines by the same rule (an
earlier line counts as a case registered now). :func:`find` looks for candidates in the database
and decides with :func:`rule`; :func:`within` does the same inside a file.

What the asker learns (issue 11: no lookups through the back door):

- The check runs only on a record that passed every validation, so an invalid record fails the
  same way whether or not it would have been a duplicate.
- Every hit is an event (``duplicate_hit``: the cases' ids, how it was found, whether forced),
  committed even when the intake is then refused: :func:`record_hits`.
- A matched case is shown only as far as the asker may read it (``policy.may_on_case``), names
  masked where the asker sees no names; a case they cannot read is only the notice "a probable
  duplicate exists in this committee; the director can see it": :func:`as_seen_by`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from mediation.access.policy import Actor, allowed, may_on_case, sees_names
from mediation.cases import Case, CaseIn, CaseMediator, Party
from mediation.core import identity, redaction
from mediation.core.i18n import N_, msg
from mediation.core.vocab import PartyRole
from mediation.db import eventlog
from mediation.db.storage import UnitOfWork
from mediation.tables import Committee
from mediation.workflow import DUPLICATE_WINDOW_DAYS, FINISHED

HIDDEN = msg("a probable duplicate exists in this committee; the director can see it")
ELSEWHERE_HIDDEN = msg("the same party is in an open case of another committee; the director "
                       "can see which in case show")
_FINISHED = tuple(s.value for s in FINISHED)
_CHUNK = 500  # values per IN (...) list


def name_key(name: str) -> str:
    """The form in which two parties' names are compared: the one normal form of a name
    (redaction.normal_name: middle-dot variants and stray spaces; PartyIn stores names in it)."""
    return redaction.normal_name(name)


@dataclass(frozen=True)
class Probe:
    """What the rule compares of a record or a case."""

    category: str
    id_hashes: frozenset[str]  # the persons' ID numbers (keyed hashes)
    applicants: frozenset[str]
    respondents: frozenset[str]
    # the organisations' credit codes (keyed hashes), each with its name's key
    organisations: frozenset[tuple[str, str]] = frozenset()

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(h for h, _ in self.organisations)

    def named_besides(self, codes: frozenset[str]) -> frozenset[str]:
        """The names of its parties but the organisations of ``codes``."""
        theirs = {n for h, n in self.organisations if h in codes}
        return (self.applicants | self.respondents) - theirs


def probe(category: str,
          parties: Iterable[tuple[str, str | None, str | None, str | None]]) -> Probe:
    """A probe from ``(role, name, id_hash, kind)`` of each party (kind None: a person)."""
    hashes, applicants, respondents = set(), set(), set()
    organisations: set[tuple[str, str]] = set()
    for role, pname, id_hash, kind in parties:
        if id_hash and kind is not None and not redaction.is_person(kind):
            organisations.add((id_hash, name_key(pname or "")))
        elif id_hash:
            hashes.add(id_hash)
        if pname:
            if role == PartyRole.applicant:
                applicants.add(name_key(pname))
            elif role == PartyRole.respondent:
                respondents.add(name_key(pname))
    return Probe(category, frozenset(hashes), frozenset(applicants), frozenset(respondents),
                 frozenset(organisations))


def probe_of(record: CaseIn, key: bytes) -> Probe:
    return probe(record.category, [
        (p.role.value, p.name, identity.keyed_hash(key, p.id_number) if p.id_number else None,
         p.kind.value) for p in record.parties])


def rule(new: Probe, old: Probe, *, recent: bool, open_: bool) -> str | None:
    """THE rule: why ``new`` is a probable duplicate of ``old`` (None: it is not).

    ``recent``: ``old`` was registered within the window; ``open_``: it is not closed/declined.
    An organisation's credit code counts only with another party in common (the module's text:
    a company is party to many disputes).
    """
    same = same_party(new, old)
    if same is not None and (recent or open_):
        return same
    names = old.applicants | old.respondents
    if (recent and new.category == old.category and new.applicants & names
            and new.respondents & names):
        return "same_names_and_category"
    return None


def same_party(new: Probe, old: Probe) -> str | None:
    """THE rule of the same party, for a probable duplicate (:func:`rule`) and across
    committees (:func:`elsewhere_each`): a person's ID number in common (``same_id_number``), or
    an organisation's credit code with another party in common, a second organisation by its
    code or a party by its name (``same_organisation_and_party``); a code alone is none (a
    company is party to many disputes). None: no party in common by this rule."""
    if new.id_hashes & old.id_hashes:
        return "same_id_number"
    shared = new.codes & old.codes
    if shared and (len(shared) > 1 or new.named_besides(shared) & old.named_besides(shared)):
        return "same_organisation_and_party"
    return None


def within(probes: Sequence[tuple[int, Probe]]) -> dict[int, tuple[int, str]]:
    """Lines of one file that are probable duplicates of an earlier line: line -> (the earlier
    line, why)."""
    by_hash: dict[str, list[int]] = {}
    by_name: dict[str, list[int]] = {}
    kept: dict[int, Probe] = {}
    found: dict[int, tuple[int, str]] = {}
    for line, p in probes:
        candidates = sorted({o for h in p.id_hashes | p.codes for o in by_hash.get(h, ())}
                            | {o for n in p.applicants | p.respondents
                               for o in by_name.get(n, ())})
        for o in candidates:
            why = rule(p, kept[o], recent=True, open_=True)
            if why is not None:
                found[line] = (o, why)
                break
        if line in found:
            continue  # a duplicate line is not imported, so later lines do not match it
        kept[line] = p
        for h in p.id_hashes | p.codes:
            by_hash.setdefault(h, []).append(line)
        for n in p.applicants | p.respondents:
            by_name.setdefault(n, []).append(line)
    return found


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    todo = sorted(values)
    for i in range(0, len(todo), _CHUNK):
        yield todo[i:i + _CHUNK]


def find(uow: UnitOfWork, committee_id: int, probes: Sequence[Probe]) -> list[dict[int, str]]:
    """For each probe, the committee's cases it is a probable duplicate of: case id -> why."""
    s = uow.session
    now = uow.now()
    since = now - timedelta(days=DUPLICATE_WINDOW_DAYS)
    hashes = {h for p in probes for h in p.id_hashes | p.codes}
    names = {n for p in probes for n in p.applicants | p.respondents}
    categories = sorted({p.category for p in probes})
    ids: set[int] = set()
    for chunk in _chunks(hashes):
        ids.update(cid for cid in s.exec(
            select(Case.id).join(Party, col(Party.case_id) == Case.id)
            .where(Case.committee_id == committee_id, col(Party.id_hash).in_(chunk),
                   or_(col(Case.registered_at) >= since, col(Case.state).not_in(_FINISHED)))
        ).all() if cid is not None)
    for chunk in _chunks(names):
        ids.update(cid for cid in s.exec(
            select(Case.id).join(Party, col(Party.case_id) == Case.id)
            .where(Case.committee_id == committee_id, col(Case.category).in_(categories),
                   Case.registered_at >= since, col(Party.name).in_(chunk))
        ).all() if cid is not None)
    if not ids:
        return [{} for _ in probes]
    cases: dict[int, tuple[str, str, datetime]] = {}
    parties: dict[int, list[tuple[str, str | None, str | None, str | None]]] = {}
    for chunk in _chunks([str(i) for i in ids]):
        wanted = [int(i) for i in chunk]
        for cid, category, state, registered in s.exec(
                select(Case.id, Case.category, Case.state, Case.registered_at)
                .where(col(Case.id).in_(wanted))).all():
            assert cid is not None
            cases[cid] = (category, state, registered)
        for cid, role, pname, id_hash, kind in s.execute(sa_select(
                col(Party.case_id), col(Party.role), col(Party.name), col(Party.id_hash),
                col(Party.kind)).where(col(Party.case_id).in_(wanted))).all():
            parties.setdefault(cid, []).append((role, pname, id_hash, kind))
    old = {cid: (probe(category, parties.get(cid, [])), registered >= since,
                 state not in _FINISHED)
           for cid, (category, state, registered) in cases.items()}
    out = []
    for p in probes:
        found: dict[int, str] = {}
        for cid in sorted(old):
            o, recent, open_ = old[cid]
            why = rule(p, o, recent=recent, open_=open_)
            if why is not None:
                found[cid] = why
        out.append(found)
    return out


def record_hits(uow: UnitOfWork, actor: Actor, found: dict[int, str], *, via: str,
                forced: bool, line: int | None = None) -> None:
    """One ``duplicate_hit`` event for a record that matched ``found`` (never for a miss)."""
    if not found:
        return
    changes: dict[str, Any] = {"cases": [None, sorted(found)],
                               "match": [None, sorted(set(found.values()))],
                               "via": [None, via], "forced": [None, forced]}
    if line is not None:
        changes["line"] = [None, line]
    eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                    action="duplicate_hit", committee_id=actor.committee_id, changes=changes)


@dataclass
class Seen:
    """The matches as one asker may see them: ``matches`` they may read, ``hidden`` others."""

    matches: list[dict[str, Any]] = field(default_factory=list)
    hidden: int = 0

    @property
    def numbers(self) -> list[str]:
        return [str(m["number"]) for m in self.matches]


def readable(uow: UnitOfWork, actor: Actor, case_ids: Iterable[int]) -> set[int]:
    """Which of ``case_ids`` the actor may read (``policy.may_on_case``, ``case.read``)."""
    wanted = sorted(set(case_ids))
    if not wanted:
        return set()
    states = dict(uow.session.exec(select(Case.id, Case.state)
                                   .where(col(Case.id).in_(wanted))).all())
    assigned: dict[int, set[str]] = {}
    for cid, username in uow.session.exec(
            select(CaseMediator.case_id, CaseMediator.username)
            .where(col(CaseMediator.case_id).in_(wanted))).all():
        assigned.setdefault(cid, set()).add(username)
    return {cid for cid in wanted if cid in states and may_on_case(
        actor, "case.read", assigned=assigned.get(cid, set()), state=str(states[cid]))}


def as_seen_by(uow: UnitOfWork, actor: Actor, found: dict[int, str]) -> Seen:
    from mediation.queries import summaries_as_seen_by

    visible = readable(uow, actor, found)
    rows = summaries_as_seen_by(uow, sorted(visible), names_ok=sees_names(actor))
    return Seen([{**r.model_dump(), "match": found[r.id]} for r in rows],
                len(set(found) - visible))


_SEPARATORS = re.compile(r"、|, ")


def duplicate_of_as_seen_by(uow: UnitOfWork, actor: Actor, committee_id: int,
                            stored: str | None) -> tuple[list[str], bool]:
    """A case's ``duplicate_of`` (numbers joined) as ``actor`` may see it: the numbers of the
    cases they may read, and whether any other was left out."""
    if not stored:
        return [], False
    numbers = [n for n in _SEPARATORS.split(stored) if n]
    ids = dict(uow.session.exec(select(Case.number, Case.id).where(
        Case.committee_id == committee_id, col(Case.number).in_(numbers))).all())
    ok = readable(uow, actor, [i for i in ids.values() if i is not None])
    shown = [n for n in numbers if ids.get(n) in ok]
    return shown, len(shown) < len(numbers)


# ---------------------------------------------------------------------------------------------
# Across committees (issue 17): committees sharing a database share the key of the ID numbers'
# keyed hashes, so the same party in an open case of another committee is found by the hashes,
# by the rule of the same party (same_party: an organisation's credit code only with another
# party in common, its parties' names compared, never shown). It is never a refusal (the other
# committee's case is not ours to merge): the director learns that committee's name and the case
# number, nothing else, and decides; anyone else learns only that one exists (ELSEWHERE_HIDDEN).


def elsewhere(uow: UnitOfWork, committee_id: int, probe_: Probe, *,
              not_case: int | None = None) -> list[dict[str, str]]:
    """Open cases (not closed or declined) of the OTHER committees of the database with the same
    party as ``probe_`` by :func:`same_party` (a person's ID number; an organisation's credit
    code only with another party in common): their committee's name and case number only."""
    return elsewhere_each(uow, committee_id, [probe_], not_case=not_case)[0]


def elsewhere_each(uow: UnitOfWork, committee_id: int, probes: Sequence[Probe], *,
                   not_case: int | None = None) -> list[list[dict[str, str]]]:
    """:func:`elsewhere` for each of many records (their probes), in one pass over the database
    (``case import`` asks it for a whole batch)."""
    hashes = sorted({h for p in probes for h in p.id_hashes | p.codes})
    if not hashes or uow.session.exec(select(Committee.id).where(
            Committee.id != committee_id).limit(1)).first() is None:
        return [[] for _ in probes]  # one committee in the database: nowhere else to look
    cases: dict[int, tuple[str, str]] = {}
    for chunk in _chunks(hashes):
        stmt = (select(Committee.name, Case.number, Case.id)
                .join(Party, col(Party.case_id) == Case.id)
                .join(Committee, col(Committee.id) == Case.committee_id)
                .where(Case.committee_id != committee_id, col(Party.id_hash).in_(chunk),
                       col(Case.state).not_in(_FINISHED)))
        for n, num, cid in uow.session.exec(stmt):
            cases[int(cid or 0)] = (str(n), str(num))
    parties: dict[int, list[tuple[str, str | None, str | None, str | None]]] = {}
    for chunk in _chunks([str(i) for i in cases]):  # their parties, compared, never shown
        for cid, role, pname, id_hash, kind in uow.session.execute(sa_select(
                col(Party.case_id), col(Party.role), col(Party.name), col(Party.id_hash),
                col(Party.kind)).where(col(Party.case_id).in_([int(i) for i in chunk]))).all():
            parties.setdefault(int(cid), []).append((role, pname, id_hash, kind))
    old = {cid: probe("", parties.get(cid, [])) for cid in cases}
    return [[{"committee": cases[cid][0], "number": cases[cid][1]} for cid in sorted(cases)
             if cid != not_case and same_party(p, old[cid]) is not None] for p in probes]


def told_elsewhere(uow: UnitOfWork, actor: Actor, case_ids: Sequence[int],
                   records: Sequence[Probe]) -> list[dict[str, Any] | None]:
    """THE rule across committees for newly registered cases, for intake (``case new``, ``lead
    accept``) and ``case import`` alike: for each new case (its id, its probe) the open cases
    of other committees with the same party (:func:`elsewhere_each`), recorded on the new case
    (:func:`record_elsewhere`) and told as ``actor`` may see them
    (:func:`elsewhere_as_seen_by`: the director committee and number, others that one exists).
    Never a refusal: the director decides."""
    found = elsewhere_each(uow, actor.committee_id, records)
    told = []
    for case_id, others in zip(case_ids, found, strict=True):
        record_elsewhere(uow, actor, len(others), case_id=case_id)
        told.append(elsewhere_as_seen_by(actor, others))
    return told


def elsewhere_as_seen_by(actor: Actor, found: list[dict[str, str]]) -> dict[str, Any] | None:
    """What ``actor`` is told of :func:`elsewhere`'s matches: the director (``duplicate.
    elsewhere``) each committee and number; anyone else how many, and who can see them."""
    if not found:
        return None
    if allowed(actor, "duplicate.elsewhere"):
        return {"count": len(found), "cases": found}
    return {"count": len(found), "cases": None, "notice": ELSEWHERE_HIDDEN.render()}


def record_elsewhere(uow: UnitOfWork, actor: Actor, count: int, *, case_id: int) -> None:
    """One ``duplicate_elsewhere`` event on the new case: how many cases of other committees
    matched (their numbers stay out of this committee's log; ``case show`` finds them live)."""
    if count:
        eventlog.append(uow.session, at=uow.now(), actor=actor.username, role=actor.role,
                        action="duplicate_elsewhere", committee_id=actor.committee_id,
                        case_id=case_id, changes={"count": [None, count]})


# Display names of the event this module records and of its fields (history, audit log).
EVENT_NAMES = (
    N_("trigger.duplicate_hit"), N_("field.cases"), N_("field.match"), N_("field.via"),
    N_("field.forced"), N_("field.line"), N_("trigger.duplicate_elsewhere"), N_("field.count"),
)

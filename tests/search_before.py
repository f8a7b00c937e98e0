"""The search as it was before the single read (main at 262eee1), kept to compare with
(tests/property/test_search_old_new.py).

Finding a case (``case search``): full text over the case file, ranked, as the reader sees it.

The text is the search index (:mod:`mediation.db.searchindex`): a reader who may see the parties'
names searches the ``named`` column, any other reader the ``masked`` one, so a case is found
only by words that reader's ``case show`` shows. Words of three characters or more go through
the index (SQLite FTS5 ``MATCH`` with the trigram tokenizer, ranked by bm25; PostgreSQL ``ILIKE``
served by the pg_trgm GIN index, ranked by trigram similarity); shorter ones (``张三`` is two
characters, below any trigram) through the short-word index (:mod:`mediation.db.searchgrams`),
ranked by how often they occur. Several words must all occur.

A whole phone or ID number is looked up by its keyed hash (``case_fts_key``), never as text,
and only for readers who may see names (the director and the mediators): to anyone else the
match itself would say whose number is on the case. A case reference (``龙12``,
``(2026)龙人调字第12号``) finds that case first.

The cases found, their rows as ``case list`` shows them and their texts are read in one
statement (:mod:`mediation.search_query`); the names it reads are masked for the reader here
(:func:`_add_name`), as everywhere, by ``redaction.shown_name``.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Dialect, text

from mediation import calendars
from mediation.access.policy import MINE_AND_INTAKE, Actor, case_scope, require, sees_names
from mediation.caselist import CaseSummary, overdue
from mediation.core import identity, normalise, redaction
from mediation.core.clock import iso
from mediation.core.errors import InvalidInput, UsageError
from mediation.core.i18n import msg
from mediation.core.vocab import PartyRole
from mediation.db import casestore, searchgrams, settings
from mediation.db.storage import UnitOfWork
from mediation.readtables import CASES as _CASES
from tests import search_query_before as search_query

MAX_TERMS = 8
SNIPPET = 18  # characters either side of a match


@dataclass(frozen=True)
class Filters:
    state: str | None = None
    categories: Sequence[str] | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    mediator: str | None = None


@dataclass(frozen=True)
class Hit:
    """One case found: its row as ``case list`` shows it, where the words were found (as the
    reader sees that text) and why it ranks where it does."""

    case: CaseSummary
    match: str
    score: float

    def as_dict(self) -> dict[str, Any]:
        return {**self.case.model_dump(), "match": self.match, "score": round(self.score, 4)}


def terms_of(query: str) -> list[str]:
    """The words of a query: split on white space (ideographic too), each at most once."""
    out: list[str] = []
    for t in normalise.text(query).split():
        if t and t not in out:
            out.append(t)
    return out


def search_cases(uow: UnitOfWork, actor: Actor, query: str, *, filters: Filters | None = None,
                 limit: int = 20) -> list[Hit]:
    """The cases of the actor's committee that match ``query``, best first, at most ``limit``,
    each as the actor may see it."""
    require(actor, "case.read")
    terms = terms_of(query)
    if not terms:
        raise UsageError(msg("give some words to search for"))
    if len(terms) > MAX_TERMS:
        raise UsageError(msg("at most {n} words in one search", n=MAX_TERMS))
    named = sees_names(actor)
    column = "named" if named else "masked"
    where, params = _filters(uow, actor, filters or Filters())
    conn = uow.session.connection()
    dialect = conn.dialect.name
    found: list[str] = []  # the ways the query finds a case (search_query)
    number = _reference(uow, actor, query)
    if number is not None:
        found.append(search_query.by_reference(where))
        params["number"] = number
    a_number = _a_number(query)
    hashes = _hashes(uow, query) if named and a_number else []  # none unless it is a number
    if hashes:
        found.append(search_query.by_number(where, len(hashes)))
        params.update({f"h{i}": h for i, h in enumerate(hashes)})
    # a whole phone or ID number is never in the text (scrubbed there): no text search for it
    if not a_number:
        common = (dialect != "sqlite" and all(len(t) < search_query.MIN_TRIGRAM for t in terms)
                  and searchgrams.pg_common(conn, column,
                                            [searchgrams.query_gram(t) for t in terms]))
        sql, own = search_query.text_query(dialect, terms, column, where, common=common)
        found.append(sql)
        params.update(own)
    if not found:
        return []
    params.update(limit=limit, pool=max(search_query.POOL, limit))
    rows = _run(uow, search_query.statement(dialect, found, column), params)
    return [Hit(case, _snippet(body, terms), score)
            for case, score, body in _results(uow, rows, names_ok=named)]


@dataclass(frozen=True)
class Found:
    """What a search found, and whether the reader's role sees names masked (``张某``): a
    name is then neither searched nor shown in full, which the reader is told."""

    hits: list[Hit]
    names_masked: bool
    role: str


def find(uow: UnitOfWork, actor: Actor, query: str, **kwargs: Any) -> Found:
    """:func:`search_cases`, with whether the actor's role sees names masked."""
    return Found(search_cases(uow, actor, query, **kwargs), not sees_names(actor),
                 str(actor.role))


def _add_name(names: dict[str, list[str]], role: str | None, pname: Any,
              kind: str | None, names_ok: bool) -> None:
    """A party's name, as the reader is shown it, under its role (the one place a result's
    names are masked: a reader who may not see names gets ``张某``)."""
    if role is not None:
        names.setdefault(role, []).append(redaction.shown_name(pname, kind, full=names_ok))


def _summary(r: Any, names: dict[str, list[str]], now: datetime,
             staff: dict[str, str]) -> CaseSummary:
    """A case's row as ``case list`` shows it, from its columns (search_query.COLUMNS), its
    parties' names as shown (:func:`_add_name`) and its mediator's label (``staff``)."""
    return CaseSummary.model_construct(
        id=r.id, number=r.number, state=r.state, category=r.category, source=r.source,
        applicants=names.get(PartyRole.applicant, []),
        respondents=names.get(PartyRole.respondent, []),
        lead_mediator=r.lead_mediator, registered_at=iso(r.registered_at),
        accepted_at=iso(r.accepted_at), deadline=iso(r.deadline),
        overdue=overdue(r.state, r.deadline, now), version=r.version,
        lead_mediator_name=staff.get(r.lead_mediator) if r.lead_mediator else None)


def _results(uow: UnitOfWork, rows: Sequence[Any], *, names_ok: bool
             ) -> list[tuple[CaseSummary, float, str]]:
    """The cases of the search's statement (one row per party, best case first), each with
    its score and the reader's text."""
    now = uow.now().replace(tzinfo=None)
    order: list[Any] = []
    names: dict[int, dict[str, list[str]]] = {}
    for r in rows:
        if r.id not in names:
            order.append(r)
            names[r.id] = {}
        _add_name(names[r.id], r.role, r.name, r.kind, names_ok)
    from mediation.access import staff_names

    staff = staff_names.labels(uow, (r.lead_mediator for r in order))
    return [(_summary(r, names[r.id], now, staff), float(r.score or 0), r.body or "")
            for r in order]


def _filters(uow: UnitOfWork, actor: Actor, f: Filters) -> tuple[str, dict[str, Any]]:
    """The cases the actor may read that pass the filters, as SQL on ``c`` (the cases)."""
    where = ["c.committee_id = :committee_id"]
    params: dict[str, Any] = {"committee_id": actor.committee_id}
    if case_scope(actor) == MINE_AND_INTAKE:  # their own cases, and any still in intake
        where.append("(c.state = 'intake' OR c.id IN (SELECT case_id FROM case_mediator "
                     "WHERE username = :me))")
        params["me"] = actor.username
    if f.state:
        where.append("c.state = :state")
        params["state"] = f.state
    if f.categories:
        names = []
        for i, code in enumerate(f.categories):
            params[f"cat{i}"] = code
            names.append(f":cat{i}")
        where.append(f"c.category IN ({', '.join(names)})")
    if f.registered_from or f.registered_to:
        cal = calendars.of(uow, actor.committee_id)
        if f.registered_from:
            where.append("c.registered_at >= :reg_from")
            params["reg_from"] = cal.to_utc(datetime.combine(f.registered_from, time()))
        if f.registered_to:
            where.append("c.registered_at < :reg_to")
            params["reg_to"] = cal.to_utc(datetime.combine(f.registered_to + timedelta(days=1),
                                                           time()))
    if f.mediator:
        where.append("(c.lead_mediator = :mediator OR c.id IN (SELECT case_id FROM "
                     "case_mediator WHERE username = :mediator))")
        from mediation.access import staff_names  # a user name or a display name (李明)

        params["mediator"] = staff_names.username(uow, f.mediator,
                                                  committee_id=actor.committee_id)
    return " AND ".join(where), params


def _reference(uow: UnitOfWork, actor: Actor, query: str) -> str | None:
    """The case number the query names, if it is one: a full number, a short form (``龙12``)
    or the committee's sequence number alone (``第10号``, ``10号``), completed as ``case show``
    completes it (db.casestore.case_key: the committee's prefix and calendar year). A bare
    number is not a reference here (it may be an amount); anything else is text to search."""
    try:
        key = normalise.case_key(query.strip())
    except (ValueError, TypeError):
        return None
    if not isinstance(key, normalise.CaseSeq) and not normalise.is_case_number(key):
        return None  # words, or an id: no look-up of the committee's prefix or calendar
    try:
        found = casestore.case_key(uow, actor, query.strip())
    except InvalidInput:
        return None
    return found if isinstance(found, str) else None


def _a_number(query: str) -> bool:
    """Whether the query is a whole (valid) resident ID or phone number."""
    return (not isinstance(identity.check_resident_id("".join(query.split())), str)
            or identity.valid_phone(query.strip()) is not None)


def _hashes(uow: UnitOfWork, query: str) -> list[str]:
    """The keyed hashes the query is looked up by: of the phone or ID number it is, if any."""
    compact = "".join(query.split())
    found = identity.check_resident_id(compact)
    phone = identity.valid_phone(query.strip())
    if isinstance(found, str) and not phone:
        return []
    # read with Core (the ORM's get cost more than the look-up); hash_key refuses a database
    # without one, as before
    key = settings.hash_key_of(uow.session.connection()) or settings.hash_key(uow)
    hashes = set()
    if not isinstance(found, str):
        hashes.add(identity.keyed_hash(key, found[0]))
    if phone:
        hashes.add(identity.phone_hash(key, phone))
    return sorted(hashes)


def _run(uow: UnitOfWork, sql: str, params: dict[str, Any]) -> list[Any]:
    """The rows of the search's statement, straight from the driver (SQLAlchemy's result
    machinery cost a third of the time of the statement itself on SQLite), the times typed
    as SQLAlchemy would have typed them (SQLite stores them as text)."""
    conn = uow.session.connection()
    dbapi: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "sqlite":  # sqlite3 takes the :name parameters as they are
        rows = dbapi.execute(sql, params).fetchall()
    else:
        # Never a prepared statement's generic plan: the plan depends on the words (a rare
        # one through the index, a common one by a walk); psycopg prepares a statement run
        # five times, and PostgreSQL then planned every short word as it would an average
        # one (45 ms for a rare name instead of 1 ms).
        cur = dbapi.cursor()
        try:
            cur.execute(_compiled(sql, conn.dialect), params, prepare=False)
            rows = cur.fetchall()
        finally:
            cur.close()
    typed = _typed(conn.dialect)
    if not typed:
        return [_Row(*r) for r in rows]
    # A case's columns are the same on each of its rows (one per party): typed once per case
    cases: dict[Any, tuple[Any, ...]] = {}
    out = []
    for r in rows:
        head = cases.get(r[0])
        if head is None:
            head = cases[r[0]] = tuple(f(v) if f else v
                                       for f, v in zip(typed, r[:_CASE_PART], strict=True))
        out.append(_Row(*head, *r[_CASE_PART:]))
    return out


_Row = namedtuple("_Row", search_query.RESULT)  # type: ignore[misc]
_CASE_PART = 3 + len(search_query.COLUMNS)  # id, score, body and the case's columns; then a party


@functools.lru_cache(maxsize=256)
def _compiled(sql: str, dialect: Dialect) -> str:
    """The statement in the driver's parameter style (PostgreSQL: ``%(name)s``)."""
    return str(text(sql).compile(dialect=dialect))


@functools.lru_cache(maxsize=4)
def _typed(dialect: Dialect) -> tuple[Callable[[Any], Any] | None, ...]:
    """How the driver's value of each column of a result row's case part (``_CASE_PART``; a
    party's columns are taken as they are) becomes the model's (None: as it is); empty when
    every column is taken as it is."""
    typed = tuple(_CASES.c[c].type.dialect_impl(dialect).result_processor(dialect, None)
                  if c in search_query.COLUMNS else None
                  for c in search_query.RESULT[:_CASE_PART])
    return typed if any(typed) else ()


def _snippet(body: str, terms: Sequence[str]) -> str:
    """The line of the reader's text where the first word occurs, cut to a window around it
    (the number's line when no word occurs as text: found by a number or a reference)."""
    lowered = body.lower()
    for t in terms:
        at = lowered.find(t.lower())
        if at < 0:
            continue
        start = body.rfind("\n", 0, at) + 1
        end = body.find("\n", at)
        end = len(body) if end < 0 else end
        lo, hi = max(start, at - SNIPPET), min(end, at + len(t) + SNIPPET)
        return ("…" if lo > start else "") + body[lo:hi] + ("…" if hi < end else "")
    return ""

"""Finding a case (``case search``): full text over the case file, ranked, as the reader sees it.

The text is the search index (:mod:`mediation.db.searchindex`): a reader who may see the parties'
names searches the ``named`` column, any other reader the ``masked`` one, so a case is found
only by words that reader's ``case show`` shows. Words of three characters or more go through
the index (SQLite FTS5 ``MATCH`` with the trigram tokenizer, ranked by bm25; PostgreSQL ``ILIKE``
served by the pg_trgm GIN index, ranked by trigram similarity); shorter ones (``张三`` is two
characters, below any trigram) through the short-word index (:mod:`mediation.db.searchgrams`),
ranked by how often they occur. Several words must all occur.

What the query is (a name or words, a case number, a whole phone or ID number, the end of one)
is decided in one place, :func:`mediation.search_kinds.classify`. A whole phone or ID number is
looked up by its keyed hash (``case_fts_key``), never as text; the end of one (``5678``, 4
characters or more) by the keyed hash of its last 4 characters there, the longer end checked on
the parties' own numbers of the cases so found; both only for readers who may see names (the
director and the mediators): to anyone else the match itself would say whose number is on the
case. A case reference (``龙12``, ``(2026)龙人调字第12号``) finds that case first.

The cases found, their rows as ``case list`` shows them (the lead mediator's name too), and
their texts are read in one statement (:mod:`mediation.search_query`), one round trip, on the
unit of work's connection straight through the driver: no ORM session, no identity map, for
rows that are only read. The names it reads are masked for the reader here (:func:`_add_name`),
as everywhere, by ``redaction.shown_name``.
"""

from __future__ import annotations

import functools
from collections import namedtuple
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Dialect, text

from mediation import calendars, search_kinds, search_query
from mediation.access.policy import MINE_AND_INTAKE, Actor, case_scope, require, sees_names
from mediation.caselist import (
    CaseSummary,
    days_late,
    last_shown,
    overdue,
    registered_bounds,
    summary_of,
)
from mediation.core import identity, normalise, redaction
from mediation.core.calendar import Calendar
from mediation.core.clock import iso
from mediation.core.errors import NotFound, UsageError
from mediation.core.i18n import msg
from mediation.core.labels import staff_label
from mediation.core.vocab import PartyRole
from mediation.db import searchgrams, settings
from mediation.db.storage import UnitOfWork
from mediation.readtables import CASES as _CASES

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
    at: int = -1  # where in ``match`` the first word found begins (-1: found by a number)
    length: int = 0  # that word's length
    number: tuple[str, str] | None = None  # found by a number: its kind (phone, id), its end

    def as_dict(self) -> dict[str, Any]:
        found = {"kind": self.number[0], "ending": self.number[1]} if self.number else None
        return {**self.case.model_dump(), "match": self.match, "score": round(self.score, 4),
                "matched_number": found}


terms_of = search_kinds.terms_of  # the words of a query


def search_cases(uow: UnitOfWork, actor: Actor, query: str, *, filters: Filters | None = None,
                 limit: int = 20) -> list[Hit]:
    """The cases of the actor's committee that match ``query``, best first, at most ``limit``,
    each as the actor may see it. One statement (one round trip, read on the unit of work's
    connection: no ORM session), after at most the hash key (once per pooled connection) and,
    within a day of New Year, the committee's calendar."""
    require(actor, "case.read")
    asked = search_kinds.classify(query)
    terms = asked.terms
    if not terms:
        raise UsageError(msg("give some words to search for"))
    if len(terms) > MAX_TERMS:
        raise UsageError(msg("at most {n} words in one search", n=MAX_TERMS))
    named = sees_names(actor)
    column = "named" if named else "masked"
    where, params = _filters(uow, actor, filters or Filters())
    conn = uow.conn
    dialect = conn.dialect.name
    found: list[str] = []  # the ways the query finds a case (search_query)
    carried = False
    if asked.kind == "reference":
        found.append(_reference(uow, actor, asked.ref, where, params))
    # a party's number, whole or its end, only for readers who may see names: to anyone else
    # the match itself would say whose number is on the case
    if named and asked.whole_number:
        hashes = _hashes(conn, asked)
        found.append(search_query.by_number(where, len(hashes)))
        params.update({f"h{i}": h for i, h in enumerate(hashes)})
    if named and asked.tail:
        found.append(search_query.by_tail(where))
        params["tail"] = "%" + asked.tail
        params["tail_hash"] = identity.tail_hash(_key(conn), asked.tail[-identity.TAIL_KEYED:])
    # a whole phone or ID number is never in the text (scrubbed there): no text search for it
    if asked.searched_as_text:
        # PostgreSQL: the short words its statistics put in many cases (checked on the texts)
        common = [t for t in terms if dialect != "sqlite" and len(t) < search_query.MIN_TRIGRAM
                  and searchgrams.pg_common(conn, column, [searchgrams.query_gram(t)])]
        sql, own = search_query.text_query(dialect, terms, column, where, common=common)
        # found by its words alone: the text's rows carry the case's row (PostgreSQL)
        carried = dialect != "sqlite" and not found
        found.append(sql)
        params.update(own)
    if not found:
        return []
    params.update(limit=limit, pool=max(search_query.POOL, limit),
                  **settings.calendar_params(actor.committee_id))
    tail = named and bool(asked.tail)
    rows = _run(conn, search_query.statement(dialect, found, column, tail=tail,
                                             carried=carried), params)
    if not rows:
        return []
    # the calendar days overdue are counted in, read in the same statement
    cal = settings.calendar_read(uow, actor.committee_id, rows[0].cal_zone, rows[0].cal_holidays)
    results = _results(uow, rows, names_ok=named, cal=cal)
    hits = []
    for case, score, body, tail_kind in results:
        match, at, length = _snippet(body, terms)
        hits.append(Hit(case, match, score, at, length, _number(asked, tail_kind, named)))
    return hits


def _number(asked: search_kinds.Asked, tail_kind: str | None, named: bool
            ) -> tuple[str, str] | None:
    """Which number of a case found by a number matched: its kind (``phone`` or ``id``) and its
    last four characters, all that is shown of it (case show masks the rest); None for a
    reader who may not see names, or a case found otherwise."""
    if not named:
        return None
    if asked.whole_number:
        return (asked.kind, asked.number[-4:].upper())
    if asked.tail and tail_kind is not None:
        return (tail_kind, asked.tail[-4:])
    return None


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


def _summary(r: Any, names: dict[str, list[str]], now: datetime, cal: Calendar
             ) -> CaseSummary:
    """A case's row as ``case list`` shows it, from its columns (search_query.COLUMNS), its
    parties' names as shown (:func:`_add_name`) and its lead mediator as people know them
    (``staff_names.label``; a user name that is nobody's shows as itself)."""
    return summary_of({
        "id": r.id, "number": r.number, "state": r.state, "category": r.category,
        "source": r.source, "applicants": names.get(PartyRole.applicant, []),
        "respondents": names.get(PartyRole.respondent, []),
        "lead_mediator": r.lead_mediator, "registered_at": iso(r.registered_at),
        "accepted_at": iso(r.accepted_at), "deadline": iso(r.deadline),
        "overdue": overdue(r.state, r.deadline, now), "version": r.version,
        "days_overdue": days_late(r.state, r.deadline, now, cal),
        "deadline_last_day": last_shown(r.deadline, cal),
        "lead_mediator_name": staff_label(r.lead_mediator, r.lead_name,
                                          shared=(r.lead_namesakes or 0) > 1)
        if r.lead_mediator else None})


def _results(uow: UnitOfWork, rows: Sequence[Any], *, names_ok: bool, cal: Calendar
             ) -> list[tuple[CaseSummary, float, str, str | None]]:
    """The cases of the search's statement (one row per party, best case first), each with
    its score, the reader's text and which number of its parties (by position) ends in the
    number's end asked for (``tail_kind``: phone, id or None)."""
    now = uow.now().replace(tzinfo=None)
    order: list[Any] = []
    names: dict[int, dict[str, list[str]]] = {}
    tails: dict[int, str] = {}
    for r in rows:
        if r.id not in names:
            order.append(r)
            names[r.id] = {}
        _add_name(names[r.id], r.role, r.name, r.kind, names_ok)
        if r.tail_kind is not None:
            tails.setdefault(r.id, str(r.tail_kind))
    return [(_summary(r, names[r.id], now, cal), float(r.score or 0), r.body or "",
             tails.get(r.id)) for r in order]


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
    if f.registered_from or f.registered_to:  # THE meaning of case list's --from/--to too
        since, before = registered_bounds(calendars.of(uow, actor.committee_id),
                                          (f.registered_from, f.registered_to))
        if since is not None:
            where.append("c.registered_at >= :reg_from")
            params["reg_from"] = since
        if before is not None:
            where.append("c.registered_at < :reg_to")
            params["reg_to"] = before
    if f.mediator:
        where.append("(c.lead_mediator = :mediator OR c.id IN (SELECT case_id FROM "
                     "case_mediator WHERE username = :mediator))")
        from mediation.access import staff_names  # a user name or a display name (李明)

        params["mediator"] = staff_names.username(uow, f.mediator,
                                                  committee_id=actor.committee_id)
    return " AND ".join(where), params


def _reference(uow: UnitOfWork, actor: Actor, ref: str, where: str,
               params: dict[str, Any]) -> str:
    """The SQL finding the case a reference names (``search_kinds``: ``龙12``, ``第12号``, a full
    number; ``ref`` as ``read_reference`` read it), its parameters put in ``params``. A form
    without its year means this year in the committee's calendar, as ``case show`` reads it
    (db.casestore.case_key): the calendar is read only within a day of New Year, when the
    zones of the world disagree on the year; the committee's prefix that completes ``第12号``
    is read in the search's own statement."""
    year = 0
    if not search_kinds.year_stated(ref):
        now = uow.now()
        now = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now  # naive: UTC
        years = {(now + timedelta(hours=h)).year for h in (-12, 14)}
        year = years.pop() if len(years) == 1 else \
            settings.calendar(uow, actor.committee_id).local_date(uow.now()).year
    key = search_kinds.key_of(ref, year)
    if isinstance(key, normalise.CaseSeq):
        params["number_pre"] = f"({key.year})"
        params["number_post"] = normalise.case_number(key.year, "", key.seq).removeprefix(
            params["number_pre"])
        return search_query.by_reference(where, completed=True)
    params["number"] = key
    return search_query.by_reference(where)


def _key(conn: Connection) -> bytes:
    """The database's hash key, read once per pooled connection (``settings.hash_key_on``); a
    database without one refuses, as before."""
    key = settings.hash_key_on(conn)
    if not key:
        raise NotFound(msg("no mediation database here; run `mediation init` first"))
    return key


def _hashes(conn: Connection, asked: search_kinds.Asked) -> list[str]:
    """The keyed hash a whole phone or ID number is looked up by."""
    key = _key(conn)
    if asked.kind == "phone":
        return [identity.phone_hash(key, asked.number)]
    return [identity.keyed_hash(key, asked.number)]


def _run(conn: Connection, sql: str, params: dict[str, Any]) -> list[Any]:
    """The rows of the search's statement, straight from the driver (SQLAlchemy's result
    machinery cost a third of the time of the statement itself on SQLite), the times typed
    as SQLAlchemy would have typed them (SQLite stores them as text)."""
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
    make = _Row._make
    if not typed:
        return [make(r) for r in rows]
    # A case's columns are the same on each of its rows (one per party): typed once per case,
    # and only the columns that need it (SQLite's times, stored as text)
    cases: dict[Any, tuple[Any, ...]] = {}
    out = []
    for r in rows:
        head = cases.get(r[0])
        if head is None:
            values = list(r[:_CASE_PART])
            for i, f in typed:
                values[i] = f(values[i])
            head = cases[r[0]] = tuple(values)
        out.append(make(head + tuple(r[_CASE_PART:])))
    return out


_Row = namedtuple("_Row", search_query.RESULT)  # type: ignore[misc]
_CASE_PART = 3 + len(search_query.COLUMNS)  # id, score, body and the case's columns; then a party


@functools.lru_cache(maxsize=256)
def _compiled(sql: str, dialect: Dialect) -> str:
    """The statement in the driver's parameter style (PostgreSQL: ``%(name)s``)."""
    return str(text(sql).compile(dialect=dialect))


@functools.lru_cache(maxsize=4)
def _typed(dialect: Dialect) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    """Which columns of a result row's case part (``_CASE_PART``; a party's columns are taken
    as they are) the driver's value must be converted for, and how (into the model's value):
    (position, converter) pairs, none when every column is taken as it is."""
    typed = ((i, _CASES.c[c].type.dialect_impl(dialect).result_processor(dialect, None))
             for i, c in enumerate(search_query.RESULT[:_CASE_PART]) if c in search_query.COLUMNS)
    return tuple((i, f) for i, f in typed if f is not None)


def _snippet(body: str, terms: Sequence[str]) -> tuple[str, int, int]:
    """The line of the reader's text where the first word occurs, cut to a window around it,
    with where in it the word begins and its length (empty when no word occurs as text: found
    by a number or a reference)."""
    lowered = body.lower()
    for t in terms:
        at = lowered.find(t.lower())
        if at < 0:
            continue
        start = body.rfind("\n", 0, at) + 1
        end = body.find("\n", at)
        end = len(body) if end < 0 else end
        lo, hi = max(start, at - SNIPPET), min(end, at + len(t) + SNIPPET)
        lead = "…" if lo > start else ""
        return (lead + body[lo:hi] + ("…" if hi < end else ""), len(lead) + at - lo, len(t))
    return "", -1, 0

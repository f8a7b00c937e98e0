"""Finding a case (``case search``): full text over the case file, ranked, as the reader sees it.

The text is the search index (:mod:`mediation.db.searchindex`): a reader who may see the parties'
names searches the ``named`` column, any other reader the ``masked`` one, so a case is found
only by words that reader's ``case show`` shows. Words of three characters or more go through
the index (SQLite FTS5 ``MATCH`` with the trigram tokenizer, ranked by bm25; PostgreSQL ``ILIKE``
served by the pg_trgm GIN index, ranked by trigram similarity); shorter ones (``张三`` is two
characters, below any trigram) are matched with ``LIKE`` on the same column, ranked by how
often they occur. Several words must all occur.

A whole phone or ID number is looked up by its keyed hash (``case_fts_key``), never as text,
and only for readers who may see names (the director and the mediators): to anyone else the
match itself would say whose number is on the case. A case reference (``龙12``,
``(2026)龙人调字第12号``) finds that case first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy import select as core_select

from mediation import calendars
from mediation.access.policy import Actor, require, sees_names
from mediation.caselist import CaseSummary, overdue
from mediation.core import identity, normalise, redaction
from mediation.core.clock import iso
from mediation.core.errors import UsageError
from mediation.core.i18n import msg
from mediation.core.vocab import PartyRole, Role
from mediation.db import searchgrams, settings
from mediation.db.searchindex import KEY_TABLE, TEXT_TABLE
from mediation.db.storage import UnitOfWork
from mediation.readtables import CASES as _CASES
from mediation.readtables import PARTY as _PARTY

MIN_TRIGRAM = 3  # characters: shorter words are matched with LIKE
MAX_TERMS = 8
SNIPPET = 18  # characters either side of a match
POOL = 200  # the newest matches ranked (text_query)
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


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


def _like(term: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", term) + "%"


def _pg_like(term: str) -> str:
    """ILIKE where case can matter (ASCII letters), else LIKE: PostgreSQL's ILIKE folds the
    case of every character of the text it checks, three times slower on Chinese."""
    return "ILIKE" if any(ch.isascii() and ch.isalpha() for ch in term) else "LIKE"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


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
    found: dict[int, float] = {}
    for cid in _by_reference(uow, query, where, params):
        found.setdefault(cid, 1e9)
    if named:
        for cid in _by_number(uow, query, where, params):
            found.setdefault(cid, 1e8)
    texts: dict[int, str] = {}
    # a whole phone or ID number is never in the text (scrubbed there): no text search for it
    for cid, score, body in ([] if _a_number(query) else
                             _by_text(uow, terms, column, where, params, limit)):
        found.setdefault(cid, score)
        if body is not None:
            texts[cid] = body
    ranked = sorted(found.items(), key=lambda kv: (-kv[1], -kv[0]))[:limit]
    ids = [cid for cid, _ in ranked]
    rows = {s.id: s for s in summaries(uow, ids, names_ok=named)}
    texts.update(_texts(uow, [cid for cid in ids if cid not in texts], column))
    return [Hit(rows[cid], _snippet(texts.get(cid, ""), terms), score)
            for cid, score in ranked if cid in rows]


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


# The rows shown, as case list shows them; built once (SQLAlchemy compiles each once).
_SUMMARY = core_select(
    _CASES.c.id, _CASES.c.number, _CASES.c.state, _CASES.c.category, _CASES.c.source,
    _CASES.c.lead_mediator, _CASES.c.registered_at, _CASES.c.accepted_at, _CASES.c.deadline,
    _CASES.c.version).where(_CASES.c.id.in_(bindparam("ids", expanding=True)))
_NAMES = core_select(_PARTY.c.case_id, _PARTY.c.role, _PARTY.c.name, _PARTY.c.kind).where(
    _PARTY.c.case_id.in_(bindparam("ids", expanding=True))).order_by(
    _PARTY.c.case_id, _PARTY.c.position)


def summaries(uow: UnitOfWork, ids: Sequence[int], *, names_ok: bool) -> list[CaseSummary]:
    """``case list``'s rows of ``ids`` (queries.summaries_as_seen_by, read with two compiled
    Core statements: a search shows its rows on every call)."""
    if not ids:
        return []
    conn = uow.session.connection()
    names: dict[int, dict[str, list[str]]] = {}
    for cid, role, pname, kind in conn.execute(_NAMES, {"ids": list(ids)}):
        shown = redaction.shown_name(pname, kind, full=names_ok)
        names.setdefault(cid, {}).setdefault(role, []).append(shown)
    now = uow.now().replace(tzinfo=None)
    out = []
    for r in conn.execute(_SUMMARY, {"ids": list(ids)}):
        n = names.get(r.id, {})
        out.append(CaseSummary.model_construct(
            id=r.id, number=r.number, state=r.state, category=r.category, source=r.source,
            applicants=n.get(PartyRole.applicant, []), respondents=n.get(PartyRole.respondent, []),
            lead_mediator=r.lead_mediator, registered_at=iso(r.registered_at),
            accepted_at=iso(r.accepted_at), deadline=iso(r.deadline),
            overdue=overdue(r.state, r.deadline, now),
            version=r.version))
    return out


def _filters(uow: UnitOfWork, actor: Actor, f: Filters) -> tuple[str, dict[str, Any]]:
    """The cases the actor may read that pass the filters, as SQL on ``c`` (the cases)."""
    where = ["c.committee_id = :committee_id"]
    params: dict[str, Any] = {"committee_id": actor.committee_id}
    if actor.role == Role.mediator:  # their own cases, and any still in intake
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


def _by_reference(uow: UnitOfWork, query: str, where: str, params: dict[str, Any]
                  ) -> list[int]:
    """The case the query names by its number (full or short form), if it is one."""
    try:
        key = normalise.case_key(query.strip())
    except (ValueError, TypeError):
        return []
    if not isinstance(key, str) or "人调字" not in key:  # no case number
        return []
    rows = uow.session.connection().execute(
        text(f"SELECT c.id FROM cases c WHERE c.number = :number AND {where}"),
        {**params, "number": key})
    return [r[0] for r in rows]


def _a_number(query: str) -> bool:
    """Whether the query is a whole (valid) resident ID or phone number."""
    return (not isinstance(identity.check_resident_id("".join(query.split())), str)
            or identity.valid_phone(query.strip()) is not None)


def _by_number(uow: UnitOfWork, query: str, where: str, params: dict[str, Any]) -> list[int]:
    """Cases with a party whose phone or ID number is the query, by keyed hash."""
    compact = "".join(query.split())
    found = identity.check_resident_id(compact)
    phone = identity.valid_phone(query.strip())
    if isinstance(found, str) and not phone:
        return []
    key = settings.hash_key(uow)
    hashes = set()
    if not isinstance(found, str):
        hashes.add(identity.keyed_hash(key, found[0]))
    if phone:
        hashes.add(identity.phone_hash(key, phone))
    marks = ", ".join(f":h{i}" for i in range(len(hashes)))
    rows = uow.session.connection().execute(
        text(f"SELECT DISTINCT c.id FROM {KEY_TABLE} k JOIN cases c ON c.id = k.case_id "
             f"WHERE k.hash IN ({marks}) AND {where} ORDER BY c.id DESC"),
        {**params, **{f"h{i}": h for i, h in enumerate(sorted(hashes))}})
    return [r[0] for r in rows]


def text_query(dialect: str, terms: Sequence[str], column: str, where: str, *,
               common: bool = False) -> tuple[str, dict[str, Any]]:
    """The ranked text search as SQL (``:limit``, ``:pool`` and ``where``'s parameters still to
    bind): the ids, scores and ``column`` texts of the cases whose ``column`` holds every term,
    higher scores first. Ranked among the newest ``:pool`` matches (:data:`POOL`): a common
    word matches thousands of cases, and scoring every one of them (bm25, similarity) is what
    made such a search slow; the index hands the matches over newest first and stops at the
    pool."""
    long_ = [t for t in terms if len(t) >= MIN_TRIGRAM]
    short = [t for t in terms if len(t) < MIN_TRIGRAM]
    params: dict[str, Any] = {}
    conds: list[str] = []
    for i, t in enumerate(short):
        if dialect == "sqlite":
            params[f"s{i}"] = _like(t)
            # ESCAPE also keeps SQLite from handing this LIKE to FTS5, whose trigram LIKE finds
            # nothing for fewer than three characters: evaluated row by row, it finds them all.
            conds.append(f"f.{column} LIKE :s{i} ESCAPE '\\'")
        elif _pg_like(t) == "ILIKE":
            conds.append(f"strpos(lower(f.{column}), lower(:r{i})) > 0")
        else:
            # strpos, not LIKE: no trigram in the word, so the GIN index could only be read
            # whole; PostgreSQL then walks the table newest first and stops at the pool
            conds.append(f"strpos(f.{column}, :r{i}) > 0")
    # how often the short words occur: their rank when no word reaches the trigram index
    def counts(body: str) -> str:
        return " + ".join(f"(length({body}) - length(replace(lower({body}), lower(:r{i}), "
                          f"''))) / length(:r{i})" for i in range(len(short)))

    params.update({f"r{i}": t for i, t in enumerate(short)})
    if short and not long_:  # only short words: the short-word index serves them
        return _short_query(dialect, short, column, where, params, counts, common)
    if dialect == "sqlite":
        key = "f.rowid"
        if long_:
            params["match"] = " AND ".join(f"{column} : {_fts_phrase(t)}" for t in long_)
            weights = "1.0, 0.0" if column == "named" else "0.0, 1.0"
            score = f"-bm25({TEXT_TABLE}, {weights})"
            conds.insert(0, f"{TEXT_TABLE} MATCH :match")
        else:
            score = counts(f"f.{column}")
        outer = "score"  # bm25 is computed in the FTS query, for the pool's rows only
    else:
        key = "f.case_id"
        for i, t in enumerate(long_):
            params[f"l{i}"] = _like(t)
            conds.insert(i, f"f.{column} {_pg_like(t)} :l{i}")
        params["whole"] = " ".join(long_)
        # scored outside the pool's query: PostgreSQL would score every match before its sort
        score = "0"
        outer = "similarity(body, :whole)" if long_ else counts("body")
    conds.append(where)
    # SQLite: the index table drives (CROSS JOIN keeps the join order), newest first, so a
    # scan for a short word stops at the pool instead of probing the index for every case
    join = "CROSS JOIN" if dialect == "sqlite" else "JOIN"
    # SQLite reads the text of the 20 shown afterwards (_texts), not of the whole pool
    body = "NULL" if dialect == "sqlite" else f"f.{column}"
    pool = (f"SELECT c.id AS id, {score} AS score, {body} AS body FROM {TEXT_TABLE} f "
            f"{join} cases c ON c.id = {key} WHERE {' AND '.join(conds)} "
            f"ORDER BY {key} DESC LIMIT :pool")
    return (f"SELECT id, {outer} AS score, body FROM ({pool}) AS pool "
            "ORDER BY 2 DESC, id DESC LIMIT :limit", params)


def _short_query(dialect: str, short: Sequence[str], column: str, where: str,
                 params: dict[str, Any], counts: Callable[[str], str], common: bool
                 ) -> tuple[str, dict[str, Any]]:
    """:func:`text_query` for words of one or two characters only: the cases come from the
    short-word index (:mod:`mediation.db.searchgrams`), which holds exactly the cases whose text
    holds each word (ASCII case aside, as ``LIKE``), newest first; ranked by how often the
    words occur, as before.

    PostgreSQL: a word in ``common`` use (:func:`searchgrams.pg_common`, from the statistics) is
    checked on the newest cases' texts, walking back until the pool is full (a few hundred rows);
    any other is looked up in the GIN index first (a ``MATERIALIZED`` CTE, so the planner cannot
    turn it into that walk: it would misjudge a walk checking each row's ``tsvector`` as cheap,
    and a word in 2% of 100,000 cases took 100 ms so)."""
    if dialect == "sqlite":
        params["grams"] = searchgrams.match(column, short)
        # the index drives, newest first: a common word stops at the pool, a rare one is a
        # look-up of its few cases
        pool = (f"SELECT c.id AS id, {counts('f.' + column)} AS score, NULL AS body "
                f"FROM {searchgrams.GRAM_TABLE} g CROSS JOIN {TEXT_TABLE} f ON f.rowid = g.rowid "
                f"CROSS JOIN cases c ON c.id = g.rowid "
                f"WHERE {searchgrams.GRAM_TABLE} MATCH :grams AND {where} "
                f"ORDER BY g.rowid DESC LIMIT :pool")
        return (f"SELECT id, score, body FROM ({pool}) AS pool "
                "ORDER BY 2 DESC, id DESC LIMIT :limit", params)
    outer = f"SELECT id, {counts('body')} AS score, body FROM (%s) AS pool " \
            "ORDER BY 2 DESC, id DESC LIMIT :limit"
    if common:  # exact: ASCII letters folded on both sides, as the grams are
        conds = []
        for i, t in enumerate(short):
            params[f"g{i}"] = searchgrams.query_gram(t)
            conds.append(f"strpos(translate(f.{column}, '{_UPPER}', '{_UPPER.lower()}'), "
                         f":g{i}) > 0")
        return outer % (f"SELECT c.id AS id, f.{column} AS body FROM {TEXT_TABLE} f "
                        f"JOIN cases c ON c.id = f.case_id WHERE {' AND '.join(conds)} "
                        f"AND {where} ORDER BY f.case_id DESC LIMIT :pool"), params
    params["grams"] = searchgrams.pg_query(short)
    return outer % (f"WITH m AS MATERIALIZED (SELECT case_id FROM {TEXT_TABLE} "
                    f"WHERE {column}_grams @@ CAST(:grams AS tsquery)) "
                    f"SELECT c.id AS id, f.{column} AS body FROM m "
                    f"JOIN {TEXT_TABLE} f ON f.case_id = m.case_id "
                    f"JOIN cases c ON c.id = m.case_id "
                    f"WHERE {where} ORDER BY m.case_id DESC LIMIT :pool"), params


def _by_text(uow: UnitOfWork, terms: Sequence[str], column: str, where: str,
             params: dict[str, Any], limit: int) -> list[tuple[int, float, str | None]]:
    conn = uow.session.connection()
    common = (conn.dialect.name != "sqlite" and all(len(t) < MIN_TRIGRAM for t in terms)
              and searchgrams.pg_common(conn, column, [searchgrams.query_gram(t) for t in terms]))
    sql, own = text_query(conn.dialect.name, terms, column, where, common=common)
    bound = {**params, **own, "limit": limit, "pool": max(POOL, limit)}
    rows: Sequence[Any]
    if conn.dialect.name == "sqlite":
        rows = list(conn.execute(text(sql), bound))
    else:
        # Never a prepared statement's generic plan: the plan depends on the words (a rare
        # one through the index, a common one by a walk); psycopg prepares a statement run
        # five times, and PostgreSQL then planned every short word as it would an average one
        # (45 ms for a rare name instead of 1 ms).
        cur: Any = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cur.execute(str(text(sql).compile(dialect=conn.dialect)), bound, prepare=False)
            rows = cur.fetchall()
        finally:
            cur.close()
    return [(r[0], float(r[1] or 0), r[2]) for r in rows]


def _texts(uow: UnitOfWork, ids: Sequence[int], column: str) -> dict[int, str]:
    if not ids:
        return {}
    conn = uow.session.connection()
    key = "rowid" if conn.dialect.name == "sqlite" else "case_id"
    marks = ",".join(str(int(i)) for i in ids)
    rows = conn.execute(text(f"SELECT {key}, {column} FROM {TEXT_TABLE} WHERE {key} IN ({marks})"))
    return {r[0]: r[1] for r in rows}


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

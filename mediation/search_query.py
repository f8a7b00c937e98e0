"""The one statement of a search (``case search``, :mod:`mediation.search`): the cases a query
finds, ranked, together with what the result shows of each (the row ``case list`` shows, its
parties' names, the reader's text of the index for the snippet), in one round trip.

The ways a case is found are each a ``SELECT id, score, body`` (:func:`by_reference`,
:func:`by_number`, :func:`text_query`; ``body`` the reader's text where that way read it anyway);
:func:`statement` joins them (a case found several ways keeps its best score), keeps the best
``:limit``, reads the text of those that came without it, and joins the rows shown to those
only: one row per party (in order), the case's columns repeated. Each such statement cost a
round trip of its own before (three at least, against the raw query's one: on a busy
PostgreSQL server each takes milliseconds). The names are read as stored; what the reader is
shown of them is decided where it always was (``redaction.shown_name``, in
:mod:`mediation.search`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from typing import Any

from mediation.db import searchgrams
from mediation.db.searchindex import KEY_TABLE, TEXT_TABLE
from mediation.db.settings import CALENDAR_COLUMNS

MIN_TRIGRAM = 3  # characters: shorter words are matched with LIKE
POOL = 200  # the newest matches ranked (text_query)
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# the columns of the case each result row carries (the row of case list), after id and score
COLUMNS = ("number", "state", "category", "source", "lead_mediator", "registered_at",
           "accepted_at", "deadline", "version")
# a row of the statement: the case found, its score, the reader's text, its row, its lead
# mediator's display name and how many of the committee's staff bear it, one party, and the
# committee's calendar settings (settings.CALENDAR_COLUMNS: days overdue are counted in it)
RESULT = ("id", "score", "body", *COLUMNS, "lead_name", "lead_namesakes", "role", "name", "kind",
          "tail_kind", "cal_zone", "cal_holidays")
# PostgreSQL: the text search's rows carry the case's columns shown (read with the case it
# joins anyway), so that a search found by its words alone is not joined to the cases again
# (statement's ``carried``: a relation, the cases with their eight indexes, fewer to plan)
_CARRIED = "".join(f", c.{c}" for c in COLUMNS)
_CARRIED_OUT = "".join(f", {c}" for c in COLUMNS)
REFERENCE, NUMBER = 1e9, 1e8  # the scores of a case found by its number, by a party's number
TAIL = 1e7  # the score of a case found by the end of a party's number


def _like(term: str) -> str:
    return "%" + re.sub(r"([\\%_])", r"\\\1", term) + "%"


def _pg_like(term: str) -> str:
    """ILIKE where case can matter (ASCII letters), else LIKE: PostgreSQL's ILIKE folds the
    case of every character of the text it checks, three times slower on Chinese."""
    return "ILIKE" if any(ch.isascii() and ch.isalpha() for ch in term) else "LIKE"


def _caseless(dialect: str, term: str) -> bool:
    """Whether the dialect's ``lower`` changes no character of ``term`` and makes none of them
    from another: SQLite's folds ASCII letters only; PostgreSQL's (libc) folds every cased
    letter, one character for one, and a CJK character (category ``Lo``), a digit (``Nd``) or
    ASCII punctuation has no case. Then folding the text changes no occurrence of ``term``."""
    if dialect == "sqlite":
        return not any(ch.isascii() and ch.isalpha() for ch in term)
    return all(unicodedata.category(ch) in ("Lo", "Nd") or (ch.isascii() and not ch.isalpha())
               for ch in term)


def _count(dialect: str, body: str, term: str, param: str) -> str:
    """How often ``term`` (bound as ``param``) occurs in ``body``, ASCII case aside, as SQL.
    For a word without any character ``lower`` folds (:func:`_caseless`: Chinese, digits)
    folding the text changes no occurrence of it and no length, so the text is not folded
    (a copy of every text of the pool: 6% of a common word's statement on SQLite, and on
    PostgreSQL, whose ``lower`` reads every character's case, more)."""
    if _caseless(dialect, term):
        return f"(length({body}) - length(replace({body}, {param}, ''))) / length({param})"
    return (f"(length({body}) - length(replace(lower({body}), lower({param}), ''))) "
            f"/ length({param})")


def _holds(body: str, gram: str, param: str) -> str:
    """PostgreSQL: whether ``body`` holds the short word whose gram (``searchgrams.query_gram``,
    ASCII letters folded) is ``gram``, bound as ``param``, exactly as the short-word index says:
    ASCII letters folded on both sides. A gram without ASCII letters occurs in the folded text
    exactly where it occurs in the text (folding changes only ASCII letters), so the text is
    not folded then (``translate`` copied every text it checked: with the count's ``lower``,
    1.94 ms of a common word's statement executed against 0.49 ms without)."""
    if any(ch.isascii() and ch.isalpha() for ch in gram):
        return f"strpos(translate({body}, '{_UPPER}', '{_UPPER.lower()}'), {param}) > 0"
    return f"strpos({body}, {param}) > 0"


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def statement(dialect: str, found: Sequence[str], column: str, *, tail: bool = False,
              carried: bool = False) -> str:
    """The search as one statement, from the ``SELECT id, score, body`` of each way a case is
    found (``found``, not empty; ``body`` the reader's ``column`` text where that way read it
    anyway, else NULL): the best ``:limit`` cases, best first (ties: the newest), each as one
    row per party (``role``, ``name``, ``kind``, ``tail_kind``; NULLs for a case without one)
    after ``id``, ``score``, ``body`` (the reader's ``column`` text) and :data:`COLUMNS`.
    ``tail``: a number's end (``:tail``, :func:`by_tail`) was asked for, and ``tail_kind`` says
    which of the party's numbers ends so (``phone``, ``id``; NULL: none), in the same
    statement. Last, the committee's calendar settings (``:cal_zone``, ``:cal_holidays``:
    ``settings.calendar_params``), read here rather than in a statement of their own.

    The text of a case is read once: a way that read it (a short word's count, its ``LIKE``)
    hands it over, and only the best ``:limit`` cases without it read it here, once each (on
    SQLite a look-up in the FTS5 table per case: a sixth of a two-character name's statement
    when it was read again for every case).

    ``carried``: one way, the text's on PostgreSQL (:func:`text_query`), whose rows are its best
    ``:limit`` cases, each with its text and the case's columns shown (:data:`_CARRIED`): they
    are taken as they come, without the layers above nor a second join to the cases."""
    if len(found) == 1:  # one way: its cases are distinct already
        best = (f"SELECT id, score, body FROM ({found[0]}) AS w0 "
                "ORDER BY 2 DESC, id DESC LIMIT :limit")
    else:  # a case found several ways keeps its best score
        union = " UNION ALL ".join(f"SELECT id, score, body FROM ({q}) AS w{i}"
                                   for i, q in enumerate(found))
        best = (f"SELECT id, max(score) AS score, max(body) AS body FROM ({union}) AS u "
                "GROUP BY id ORDER BY 2 DESC, id DESC LIMIT :limit")
    key = "rowid" if dialect == "sqlite" else "case_id"
    # the text of the hits that came without it; LIMIT: computed once per case, not once per
    # row of the join below (SQLite would otherwise merge it into the join, a row per party)
    hits = (f"SELECT id, score, coalesce(body, (SELECT f.{column} FROM {TEXT_TABLE} f "
            f"WHERE f.{key} = b.id)) AS body FROM ({best}) AS b LIMIT :limit")
    # SQLite: the 20 hits drive (CROSS JOIN keeps the join order)
    join = "CROSS JOIN" if dialect == "sqlite" else "JOIN"
    # the lead mediator as people know them (staff_names.label), read in the same statement
    namesakes = ("(SELECT count(*) FROM staff s2 WHERE s2.committee_id = s.committee_id "
                 "AND s2.name = s.name)")
    tail_kind = (f"CASE WHEN {_PHONE_ENDS} THEN 'phone' WHEN {_ID_ENDS} THEN 'id' END"
                 if tail else "NULL")
    case, source = "c", f"({hits}) AS h {join} cases c ON c.id = h.id"
    if carried:
        case, source = "h", f"({found[0]}) AS h"
    shown = ", ".join(f"{case}.{c}" for c in COLUMNS)
    return (f"SELECT h.id, h.score, h.body, {shown}, s.name AS lead_name, "
            f"{namesakes} AS lead_namesakes, p.role, p.name, p.kind, {tail_kind} AS tail_kind, "
            f"{CALENDAR_COLUMNS} FROM {source} "
            f"LEFT JOIN staff s ON s.username = {case}.lead_mediator "
            "LEFT JOIN party p ON p.case_id = h.id "
            "ORDER BY h.score DESC, h.id DESC, p.position")


def by_reference(where: str, *, completed: bool = False) -> str:
    """The case whose number is ``:number`` (a reference typed as the query); ``completed``:
    whose number is ``:number_pre``, the committee's prefix and ``:number_post`` (``第12号``:
    ``(2026)``, ``龙``, ``人调字第12号``), the prefix read in the same statement."""
    number = (":number_pre || (SELECT coalesce(co.prefix, '') FROM committee co "
              "WHERE co.id = c.committee_id) || :number_post") if completed else ":number"
    return f"SELECT c.id AS id, {REFERENCE} AS score, NULL AS body FROM cases c " \
           f"WHERE c.number = {number} AND {where}"


# A party's number ends in ``:tail``: its phone or guardian's phone (a landline's hyphens aside),
# or its ID number or guardian's (by_tail finds the cases, statement's tail_kind says which
# number it was).
_PHONE_ENDS = ("(replace(p.phone, '-', '') LIKE :tail "
               "OR replace(p.guardian_phone, '-', '') LIKE :tail)")
_ID_ENDS = ("(replace(upper(p.id_number), '-', '') LIKE :tail "
            "OR replace(upper(p.guardian_id_number), '-', '') LIKE :tail)")


def by_tail(where: str) -> str:
    """The cases with a party whose phone, guardian's phone, ID number or guardian's ID number
    ends in ``:tail`` (a ``LIKE`` pattern, ``%5678``), a landline's hyphens aside
    (``0731-88886666`` ends in ``188886666``): the candidates from the index, the cases with a
    number ending in the same 4 characters (``:tail_hash``, their keyed hash:
    ``searchindex.keys_of``), the longer end then checked on those cases' own parties only.
    (Reading every party took 35-80 ms at 20,000 cases.)"""
    ends = f"{_PHONE_ENDS} OR {_ID_ENDS}"
    return (f"SELECT DISTINCT c.id AS id, {TAIL} AS score, NULL AS body FROM {KEY_TABLE} k "
            f"JOIN cases c ON c.id = k.case_id WHERE k.hash = :tail_hash AND {where} "
            f"AND EXISTS (SELECT 1 FROM party p WHERE p.case_id = c.id AND ({ends}))")


def by_number(where: str, hashes: int) -> str:
    """The cases with a party whose phone or ID number's keyed hash is one of ``:h0``...``"""
    marks = ", ".join(f":h{i}" for i in range(hashes))
    return (f"SELECT DISTINCT c.id AS id, {NUMBER} AS score, NULL AS body FROM {KEY_TABLE} k "
            f"JOIN cases c ON c.id = k.case_id WHERE k.hash IN ({marks}) AND {where}")


def text_query(dialect: str, terms: Sequence[str], column: str, where: str, *,
               common: Collection[str] = ()) -> tuple[str, dict[str, Any]]:
    """The ranked text search as SQL (``:limit``, ``:pool`` and ``where``'s parameters still to
    bind): the ids, scores and ``column`` texts of the cases whose ``column`` holds every term,
    higher scores first. Ranked among the newest ``:pool`` matches (:data:`POOL`): a common
    word matches thousands of cases, and scoring every one of them (bm25, similarity) is what
    made such a search slow; the index hands the matches over newest first and stops at the
    pool. ``common``: the words of one or two characters PostgreSQL's statistics put in many
    cases (:func:`searchgrams.pg_common`), checked on the texts rather than looked up."""
    long_ = [t for t in terms if len(t) >= MIN_TRIGRAM]
    short = [t for t in terms if len(t) < MIN_TRIGRAM]
    params: dict[str, Any] = {}
    conds: list[str] = []
    for i, t in enumerate(short):
        if dialect == "sqlite":
            params[f"s{i}"] = _like(t)
            # ESCAPE also keeps SQLite from handing this LIKE to FTS5, whose trigram LIKE finds
            # nothing for fewer than three characters: evaluated row by row, it finds them all.
            # (The short-word index instead, beside a long word: 0.1-60 s at 100,000 cases,
            # as an IN list or a look-up per row, against 1-90 ms.)
            conds.append(f"f.{column} LIKE :s{i} ESCAPE '\\'")
    if short and long_ and dialect != "sqlite":
        # beside a long word, a short word the statistics call rare through the short-word
        # index: the planner combines it with the trigram index (a rare short word with a
        # common long one: a walk of the long one's matches checking each text took 15-40 ms
        # at 30,000 cases, 0.3-1.7 ms so); one in ``common`` use checked on the long word's
        # matches (through the index, both common and found together, the planner rechecked
        # every match of both and sorted them: 50-120 ms for 借款 到期未还 at 100,000 cases)
        rare = [t for t in short if t not in common]
        for i, t in enumerate(short):
            if t in common:
                params[f"g{i}"] = searchgrams.query_gram(t)
                conds.append(_holds(f"f.{column}", params[f"g{i}"], f":g{i}"))
        if rare:
            params["grams"] = searchgrams.pg_query(rare)
            conds.append(f"f.{column}_grams @@ CAST(:grams AS tsquery)")
    # how often the short words occur: their rank when no word reaches the trigram index
    def counts(body: str) -> str:
        return " + ".join(_count(dialect, body, t, f":r{i}") for i, t in enumerate(short))

    params.update({f"r{i}": t for i, t in enumerate(short)})
    if short and not long_:  # only short words: the short-word index serves them
        return _short_query(dialect, short, column, where, params, counts,
                            all(t in common for t in short))
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
    # the text where the pool's query reads it anyway (PostgreSQL; a short word's LIKE on
    # SQLite); bm25 alone reads none: the 20 shown read theirs afterwards (statement)
    body = "NULL" if dialect == "sqlite" and not short else f"f.{column}"
    # PostgreSQL: the case's columns shown ride along (:data:`CARRIED`)
    inner, carried = ("", "") if dialect == "sqlite" else (_CARRIED, _CARRIED_OUT)
    pool = (f"SELECT c.id AS id, {score} AS score, {body} AS body{inner} FROM {TEXT_TABLE} f "
            f"{join} cases c ON c.id = {key} WHERE {' AND '.join(conds)} "
            f"ORDER BY {key} DESC LIMIT :pool")
    return (f"SELECT id, {outer} AS score, body{carried} FROM ({pool}) AS pool "
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
        pool = (f"SELECT c.id AS id, {counts('f.' + column)} AS score, f.{column} AS body "
                f"FROM {searchgrams.GRAM_TABLE} g CROSS JOIN {TEXT_TABLE} f ON f.rowid = g.rowid "
                f"CROSS JOIN cases c ON c.id = g.rowid "
                f"WHERE {searchgrams.GRAM_TABLE} MATCH :grams AND {where} "
                f"ORDER BY g.rowid DESC LIMIT :pool")
        return (f"SELECT id, score, body FROM ({pool}) AS pool "
                "ORDER BY 2 DESC, id DESC LIMIT :limit", params)
    outer = f"SELECT id, {counts('body')} AS score, body{_CARRIED_OUT} FROM (%s) AS pool " \
            "ORDER BY 2 DESC, id DESC LIMIT :limit"
    if common:  # exact: ASCII letters folded on both sides, as the grams are
        conds = []
        for i, t in enumerate(short):
            params[f"g{i}"] = searchgrams.query_gram(t)
            conds.append(_holds(f"f.{column}", params[f"g{i}"], f":g{i}"))
        return outer % (f"SELECT c.id AS id, f.{column} AS body{_CARRIED} FROM {TEXT_TABLE} f "
                        f"JOIN cases c ON c.id = f.case_id WHERE {' AND '.join(conds)} "
                        f"AND {where} ORDER BY f.case_id DESC LIMIT :pool"), params
    params["grams"] = searchgrams.pg_query(short)
    return outer % (f"WITH m AS MATERIALIZED (SELECT case_id FROM {TEXT_TABLE} "
                    f"WHERE {column}_grams @@ CAST(:grams AS tsquery)) "
                    f"SELECT c.id AS id, f.{column} AS body{_CARRIED} FROM m "
                    f"JOIN {TEXT_TABLE} f ON f.case_id = m.case_id "
                    f"JOIN cases c ON c.id = m.case_id "
                    f"WHERE {where} ORDER BY m.case_id DESC LIMIT :pool"), params

"""The short-word index of ``case search``: words of one or two characters (``张``, ``张三``),
below any trigram, found through the index instead of a walk of every case's text.

A case's *grams* are every character and every pair of adjacent characters of each of its two
texts (``case_fts.named`` and ``masked``, :mod:`mediation.db.searchindex`), ASCII letters in
lower case (the case-blindness of SQLite's ``LIKE``), leaving out those that hold a space, a tab,
a line break or the ideographic space (a search word never holds one: words are split on white
space). So a word of one or two characters occurs in a text exactly when its gram (lower-cased
the same way) is one of the text's grams, and the index answers it without reading any text.

- SQLite: a contentless FTS5 table ``case_fts_gram(grams)`` (``detail=none``: which cases hold a
  token, nothing more), one row per case (rowid = case id), whose tokens are the grams spelled
  as code points in hex, ``n`` before those of ``named`` and ``m`` before those of ``masked``
  (``张三`` in ``named``: ``n5f20x4e09``), so that any character is a token whatever the
  tokenizer thinks of it. Written beside the text row (:func:`insert`; :func:`delete` needs the
  text the row was made from, as a contentless table forgets it).
- PostgreSQL: columns ``named_grams`` and ``masked_grams`` of ``case_fts``, the grams as the
  lexemes of a ``tsvector`` (``array_to_tsvector``: taken as they are, no parser), written with
  the texts in the same ``INSERT`` (:data:`PG_VALUES`), with GIN indexes; a query is a
  ``tsquery`` of quoted lexemes (:func:`pg_query`). A ``tsvector`` rather than a ``text[]``:
  where PostgreSQL walks the newest cases and checks each (a common word), ``@@`` costs a
  binary search, ``@>`` on an array four to eight times more. (Computed by the database, as a
  generated column, a SQL function took 0.2-0.6 ms a row: more than the bulk import's whole
  cost of a case.)

Migration 0017 makes them and indexes every existing case. :func:`check` (``db check``) compares
the index with the texts it was made from, on both backends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise

from sqlalchemy import Connection, text

GRAM_TABLE = "case_fts_gram"
COLUMNS = ("named", "masked")
SKIP = frozenset(" \t\n\r\u3000")  # never in a word of a search (split on white space)
_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(value: str) -> str:
    """ASCII letters in lower case, nothing else changed (SQLite ``LIKE``'s rule)."""
    return value.translate(_LOWER)


def grams(body: str) -> set[str]:
    """Every character and every pair of adjacent characters of ``body`` (folded), but those
    holding a character of :data:`SKIP`."""
    b = fold(body)
    out: set[str] = set()
    prev = ""
    for ch in b:
        if ch in SKIP:
            prev = ""
            continue
        out.add(ch)
        if prev:
            out.add(prev + ch)
        prev = ch
    return out


def token(column: str, gram: str) -> str:
    """A gram as an FTS5 token of ``column`` (SQLite)."""
    return column[0] + "x".join(f"{ord(ch):x}" for ch in gram)


def query_gram(word: str) -> str:
    """The gram a word of one or two characters is found by."""
    return fold(word)


def match(column: str, words: Sequence[str]) -> str:
    """The FTS5 query of cases whose ``column`` holds every word (of one or two characters)."""
    return " AND ".join('"' + token(column, query_gram(w)) + '"' for w in words)


_HEX: dict[str, str] = {}  # each character's hex ("" for one of SKIP), spelled once


def _hex(ch: str) -> str:
    h = _HEX[ch] = "" if ch in SKIP else f"{ord(ch):x}"
    return h


def _tokens(column: str, body: str) -> set[str]:
    """``{token(column, g) for g in grams(body)}``, each character's hex spelled once (the bulk
    import makes some 300 tokens a case: a call of :func:`token` each was most of its CPU)."""
    c = column[0]
    get = _HEX.get
    hexes = [get(ch) or _hex(ch) for ch in fold(body)]
    out = {c + h for h in hexes if h}
    out.update([f"{c}{a}x{b}" for a, b in pairwise(hexes) if a and b])
    return out


def _document(named: str, masked: str) -> str:
    return " ".join(sorted(_tokens("named", named) | _tokens("masked", masked)))


def _is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


# The grams columns' values in an INSERT or UPDATE, from the parameters of pg_values (PostgreSQL).
PG_VALUES = {column: f"array_to_tsvector(CAST(:{column}_grams AS text[]))" for column in COLUMNS}


def pg_values(named: str, masked: str) -> dict[str, list[str]]:
    """The parameters of :data:`PG_VALUES` for a text row (PostgreSQL)."""
    return {"named_grams": sorted(grams(named)), "masked_grams": sorted(grams(masked))}


def pg_query(words: Sequence[str]) -> str:
    """The ``tsquery`` of cases whose column holds every word (of one or two characters):
    each gram a quoted lexeme (quotes doubled, backslashes escaped), taken as it is."""
    return " & ".join("'" + query_gram(w).replace("\\", "\\\\").replace("'", "''") + "'"
                      for w in words)


def insert(conn: Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """Index ``(case_id, named, masked)`` rows just written to the text table (SQLite; on
    PostgreSQL the text rows carry their grams, :func:`pg_values`)."""
    if not _is_sqlite(conn):
        return
    params = [{"id": cid, "doc": _document(named, masked)} for cid, named, masked in rows]
    if params:
        conn.execute(text(f"INSERT INTO {GRAM_TABLE} (rowid, grams) VALUES (:id, :doc)"), params)


def delete(conn: Connection, rows: Iterable[tuple[int, str, str]]) -> None:
    """Take out the grams of ``(case_id, named, masked)``, the texts the rows were made from
    (SQLite: a contentless table is told what to forget; PostgreSQL: they go with the row)."""
    if not _is_sqlite(conn):
        return
    params = [{"id": cid, "doc": _document(named, masked)} for cid, named, masked in rows]
    if params:
        conn.execute(text(f"INSERT INTO {GRAM_TABLE} ({GRAM_TABLE}, rowid, grams) "
                          "VALUES ('delete', :id, :doc)"), params)


def clear(conn: Connection) -> None:
    if _is_sqlite(conn):
        conn.execute(text(f"INSERT INTO {GRAM_TABLE} ({GRAM_TABLE}) VALUES ('delete-all')"))


COMMON = 0.05  # of the cases: a gram held more often is checked on the newest texts (PostgreSQL)
_STATS_TTL = 300.0  # seconds a process keeps the statistics it read
_stats: dict[tuple[str, str], tuple[float, dict[str, float]]] = {}


def pg_common(conn: Connection, column: str, words_grams: Sequence[str]) -> bool:
    """Whether every gram is held by at least :data:`COMMON` of the cases, by PostgreSQL's own
    statistics of the column (the most common lexemes and their frequencies, as ``ANALYZE``
    and autovacuum keep them): then walking the newest cases finds the pool in a few hundred
    rows. No statistics: False (the index)."""
    import time

    key = (conn.engine.url.render_as_string(hide_password=True), column)
    now = time.monotonic()
    cached = _stats.get(key)
    if cached is None or now - cached[0] > _STATS_TTL:
        row = conn.execute(text(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = 'case_fts' AND attname = :a"), {"a": f"{column}_grams"}).first()
        freqs: dict[str, float] = {}
        if row is not None and row[0] is not None and row[1] is not None:
            freqs = dict(zip(row[0], row[1], strict=False))
        cached = (now, freqs)
        _stats[key] = cached
    freqs = cached[1]
    return bool(words_grams) and all(freqs.get(g, 0.0) >= COMMON for g in words_grams)


# ---------------------------------------------------------------------------------------------
# The schema (migration 0017)

def create(conn: Connection) -> None:
    """The short-word index's table (SQLite) or columns (PostgreSQL; :func:`backfill` fills
    them, then makes them required and indexes them)."""
    if _is_sqlite(conn):
        conn.execute(text(f"CREATE VIRTUAL TABLE {GRAM_TABLE} USING fts5(grams, content='', "
                          "detail=none, tokenize='unicode61')"))
        return
    for column in COLUMNS:
        conn.execute(text(f"ALTER TABLE case_fts ADD COLUMN {column}_grams tsvector"))


def backfill(conn: Connection, batch: int = 2000) -> int:
    """Index every case's text row. Returns how many rows were indexed."""
    sqlite = _is_sqlite(conn)
    rowid = "rowid" if sqlite else "case_id"
    clear(conn)
    after, done = 0, 0
    while True:
        rows = [(int(r[0]), str(r[1]), str(r[2])) for r in conn.execute(text(
            f"SELECT {rowid}, named, masked FROM case_fts WHERE {rowid} > :after "
            f"ORDER BY {rowid} LIMIT :n"), {"after": after, "n": batch})]
        if not rows:
            break
        if sqlite:
            insert(conn, rows)
        else:
            conn.execute(text(f"UPDATE case_fts SET named_grams = {PG_VALUES['named']}, "
                              f"masked_grams = {PG_VALUES['masked']} WHERE case_id = :id"),
                         [{"id": cid, **pg_values(named, masked)} for cid, named, masked in rows])
        done += len(rows)
        after = rows[-1][0]
    if not sqlite:
        for column in COLUMNS:
            conn.execute(text(f"ALTER TABLE case_fts ALTER COLUMN {column}_grams SET NOT NULL"))
            conn.execute(text(f"CREATE INDEX case_fts_{column}_grams ON case_fts "
                              f"USING gin ({column}_grams)"))
        conn.execute(text("ANALYZE case_fts"))
    return done


def drop(conn: Connection) -> None:
    if _is_sqlite(conn):
        conn.execute(text(f"DROP TABLE IF EXISTS {GRAM_TABLE}"))
        return
    for column in COLUMNS:
        conn.execute(text(f"ALTER TABLE case_fts DROP COLUMN IF EXISTS {column}_grams"))


# ---------------------------------------------------------------------------------------------
# The check (db check)


def check(conn: Connection, limit: int = 5) -> list[str]:
    """Where the short-word index differs from the texts it is made of (SQLite: for each token,
    the number of cases holding it, read from the index through ``fts5vocab``; PostgreSQL:
    each row's grams)."""
    if not _is_sqlite(conn):
        problems = []
        for cid, named, masked, ngrams, mgrams in conn.execute(text(
                "SELECT case_id, named, masked, tsvector_to_array(named_grams), "
                "tsvector_to_array(masked_grams) FROM case_fts ORDER BY case_id")):
            if pg_values(named, masked) != {"named_grams": sorted(ngrams or []),
                                            "masked_grams": sorted(mgrams or [])}:
                problems.append(f"case {cid}: its short words differ from its text")
                if len(problems) >= limit:
                    break
        return problems
    by_column: dict[str, Counter[str]] = {"named": Counter(), "masked": Counter()}
    rows = 0
    for _, named, masked in conn.execute(text("SELECT rowid, named, masked FROM case_fts")):
        by_column["named"].update(grams(str(named)))  # counted as grams, spelled once each
        by_column["masked"].update(grams(str(masked)))
        rows += 1
    expected = {token(column, g): n for column, counts in by_column.items()
                for g, n in counts.items()}
    conn.execute(text(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{GRAM_TABLE}_vocab USING "
                      f"fts5vocab(main, {GRAM_TABLE}, row)"))
    found = {str(r[0]): int(r[1]) for r in conn.execute(text(
        f"SELECT term, doc FROM temp.{GRAM_TABLE}_vocab"))}
    problems = []
    indexed = int(conn.execute(text(f"SELECT count(*) FROM {GRAM_TABLE}")).scalar() or 0)
    if indexed != rows:
        problems.append(f"{indexed} cases in the short-word index, {rows} in the text index")
    for term in sorted(expected.keys() | found.keys()):
        if expected.get(term, 0) != found.get(term, 0):
            problems.append(f"token {term}: in {found.get(term, 0)} cases, "
                            f"{expected.get(term, 0)} by their texts")
            if len(problems) >= limit:
                break
    return problems

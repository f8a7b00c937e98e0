"""The search index of the case file (``case search``, docs/search.md), kept in step with it.

Each case has one row of text in ``case_fts``, in two columns: ``named``, the searchable fields
exactly as a reader who may see the parties' names sees them in ``case show`` (ID and phone
numbers scrubbed), and ``masked``, as a reader without that access sees them (persons' names
masked too, in any spelling: ``张某``). A reader's search looks only in their column, so a match
never rests on a word that reader could not read. The fields: the case number and the
parties', guardians' and representatives' names, and every free-text field of the case file, as
:data:`mediation.core.personal.FREE_TEXT` declares them (the referral's reference, summary,
requests and advice; the sessions' place, attendees and minutes; the agreements' terms and
reasons; the extensions' reasons; the follow-up visits' whom, notes, measures and signs of
escalation; the court; the urgings' notes; the feedbacks' recipients and notes). A text column
declared there is indexed; nothing here names one (migration 0022 indexed those added then).

Phone and ID numbers are never in the text: ``case_fts_key`` holds their keyed hashes (the ID
numbers' is the party's ``id_hash``, and its guardian's ``guardian_id_hash``, migration 0026; a
phone's, :func:`mediation.core.identity.phone_hash`), so a
number typed into a search finds its case without a plain copy anywhere; and the keyed hashes of
their ends, the last 4 characters of each party's phone, guardian's phone, ID number and
guardian's ID number
(:func:`mediation.core.identity.tail_hash`, a prefix of its own: never equal to a whole number's),
so a search by a number's end (``5678``) reads the parties of the few cases whose numbers end in
the same 4 characters, not every party (:func:`keys_of`; migration 0023 added them).

SQLite: ``case_fts`` is an FTS5 table with the ``trigram`` tokenizer (Chinese has no spaces to
split words on); PostgreSQL: a plain table with ``pg_trgm`` GIN indexes. Both ship with the
databases. Migration 0011 makes them and builds every case's row (0022 builds them anew);
afterwards every write to the case file ends in an event of that case
(:func:`mediation.db.eventlog.append`), which refreshes the row in the same transaction when a
searchable field changed (:func:`touched`); the bulk import writes its cases' rows itself
(:func:`insert_many`).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, inspect, text

from mediation.core import identity, personal, redaction
from mediation.db import searchgrams

PREFIX = "case_fts"  # every table (and SQLite shadow table) of the index starts with this
TEXT_TABLE = "case_fts"
KEY_TABLE = "case_fts_key"

# The free text indexed, by table (mediation.core.personal: every free-text column of a case).
TEXTS: dict[str, tuple[str, ...]] = personal.FREE_TEXT
_PARTY_COLUMNS = ("name", "kind", "guardian_name", "phone", "guardian_phone", "id_hash",
                  "id_number", "representative_name", "guardian_id_hash", "guardian_id_number")
# the persons who act for a party, named in full or masked as a person's (``王某``)
_AGENTS = ("guardian_name", "representative_name")
# The searchable columns of the case file, by table (what makes a change refresh the row).
SEARCHED: dict[str, frozenset[str]] = {
    **{table: frozenset(columns) for table, columns in TEXTS.items()},
    "cases": frozenset({"number", *TEXTS["cases"]}),
    "party": frozenset(_PARTY_COLUMNS),
}


@dataclass(frozen=True)
class Document:
    """One case's row of the index."""

    case_id: int
    named: str
    masked: str
    keys: frozenset[str]


def document(key: bytes, case_id: int, case: Mapping[str, Any],
             parties: Sequence[Mapping[str, Any]], texts: Iterable[str | None], *,
             tails: bool = True, undotted: bool = True) -> Document:
    """The index row of a case: ``case`` its columns (the number and its free text,
    ``TEXTS["cases"]``), ``parties`` its parties' columns, ``texts`` the free text of its other
    rows (:func:`read`); its number hashes :func:`keys_of` its parties. ``undotted``: the names
    with dots also without them (:func:`_typed`; not before migration 0027)."""
    typed = _typed if undotted else _as_stored
    persons = redaction.Names(redaction.persons_of_rows(
        (p.get("name"), p.get("kind"), *(p.get(a) for a in _AGENTS)) for p in parties))
    free = [*(case.get(c) for c in TEXTS["cases"]), *texts]
    named: list[str] = [case.get("number") or ""]
    masked: list[str] = [case.get("number") or ""]
    for p in parties:
        if p.get("name"):
            named.extend(typed(p["name"]))
            masked.append(redaction.shown_name(p["name"], p.get("kind"), full=False))
        for agent in _AGENTS:
            if p.get(agent):
                named.extend(typed(p[agent]))
                masked.append(identity.mask_name(p[agent]) or "")
    for t in free:
        if t:
            named.append(redaction.redact(t) or "")
            masked.append(redaction.redact(t, persons) or "")
    return Document(case_id, "\n".join(named), "\n".join(masked),
                    keys_of(key, parties, tails=tails))


def _typed(name: str) -> tuple[str, ...]:
    """A name as the ``named`` text holds it: as stored, and without its dots when it has any
    (``阿依古丽·买买提`` and ``阿依古丽买买提``, migration 0027; a name of three parts also
    without either: ``redaction.undotted_names``), so that a clerk who types it
    without the dot finds it (a dot typed otherwise is read as the stored one:
    ``search_kinds.terms_of``). The ``masked`` text holds neither: a reader who may not see
    names finds no case by one."""
    return (name, *redaction.undotted_names(name))


def _as_stored(name: str) -> tuple[str, ...]:
    return (name,)


def keys_of(key: bytes, parties: Iterable[Mapping[str, Any]], *, tails: bool = True
            ) -> frozenset[str]:
    """The number hashes of a case's parties (the one place they are made, at every write of a
    party: intake, import, amendment, erasure by retention, through :func:`refresh` and
    :func:`insert_many`): each ID number's keyed hash (the party's ``id_hash``, its guardian's
    ``guardian_id_hash``), each phone's and guardian's phone's, and (``tails``; not before
    migration 0023) the keyed hash of the end of each of these numbers
    (:func:`mediation.core.identity.tail_key`). A number erased is a hash gone."""
    keys: set[str] = set()
    for p in parties:
        for hashed in (p.get("id_hash"), p.get("guardian_id_hash")):
            if hashed:
                keys.add(str(hashed))
        if not key:
            continue
        for phone in (p.get("phone"), p.get("guardian_phone")):
            if phone:
                keys.add(identity.phone_hash(key, phone))
        if tails:
            for number in (p.get("phone"), p.get("guardian_phone"), p.get("id_number"),
                           p.get("guardian_id_number")):
                end = identity.tail_key(number)
                if end is not None:
                    keys.add(identity.tail_hash(key, end))
    return frozenset(keys)


def touched(recorded: Sequence[Any] | None) -> bool:
    """Whether a case file's recorded changes (``casefile_changes.take``: ``[before, after]``)
    touch a searchable field: a row of a searched table inserted or deleted, or one of its
    searched columns changed."""
    if not recorded or len(recorded) != 2 or not isinstance(recorded[1], dict):
        return False
    for name, values in recorded[1].items():
        columns = SEARCHED.get(name.partition("/")[0])
        if columns is None:
            continue
        if values is None or not isinstance(values, dict) or columns & values.keys():
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Reading the case file

_PARTY_SQL = ("SELECT case_id, {columns} FROM party WHERE case_id IN ({ids}) "
              "ORDER BY case_id, position")
Columns = tuple[tuple[str, tuple[str, ...]], ...]  # (table, its free-text columns) ...
ALL: Columns = tuple(TEXTS.items())


@functools.lru_cache(maxsize=8)
def _statements(columns: Columns) -> tuple[str, str]:
    """The statements reading a case's own free text and that of its other rows, each row's in
    the declared order of its columns, the rows in the declared order of their tables and then
    by id (the same text each time: ``db check`` compares it)."""
    own = dict(columns).get("cases", ())
    case_sql = (f"SELECT {', '.join(('id', 'number', *own))} FROM cases "
                "WHERE id IN ({ids})")
    parts = [f"SELECT case_id, {k} AS k, id AS r, {j} AS j, {c} AS body FROM {table} "
             "WHERE case_id IN ({ids})"
             for k, (table, names) in enumerate(columns) if table != "cases"
             for j, c in enumerate(names)]
    text_sql = (" UNION ALL ".join(parts) + " ORDER BY 1, 2, 3, 4") if parts else ""
    return case_sql, text_sql


def present(conn: Connection) -> Columns:
    """The declared free-text columns this database has (a migration before the one that
    added a table or column reads the schema of its own revision)."""
    found = inspect(conn)
    names = set(found.get_table_names())
    out = []
    for table, columns in ALL:
        if table in names:
            have = {c["name"] for c in found.get_columns(table)}
            out.append((table, tuple(c for c in columns if c in have)))
    return tuple(out)


def party_present(conn: Connection) -> tuple[str, ...]:
    """The party columns read that this database has (:func:`present`'s rule: a migration
    before 0025 rebuilds the index of a table without the representative's name, one before
    0026 without the guardian's ID number)."""
    have = {c["name"] for c in inspect(conn).get_columns("party")}
    return tuple(c for c in _PARTY_COLUMNS if c in have)


def read(conn: Connection, key: bytes, case_ids: Sequence[int], columns: Columns = ALL, *,
         tails: bool = True, party: tuple[str, ...] = _PARTY_COLUMNS, undotted: bool = True
         ) -> list[Document]:
    """The index rows of ``case_ids`` as the case file now is (cases that are gone: none);
    ``columns``: the free text read (:func:`present`, in a migration), all by default;
    ``tails``: with the hashes of the numbers' ends (:func:`keys_of`); ``party``: the party
    columns read (:func:`party_present`, in a migration); ``undotted``: :func:`document`'s."""
    if not case_ids:
        return []
    ids = ",".join(str(int(i)) for i in case_ids)
    case_sql, text_sql = _statements(columns)
    cases = {r.id: dict(r._mapping) for r in conn.execute(text(case_sql.format(ids=ids)))}
    parties: dict[int, list[dict[str, Any]]] = {}
    for r in conn.execute(text(_PARTY_SQL.format(columns=", ".join(party), ids=ids))):
        parties.setdefault(r.case_id, []).append(dict(r._mapping))
    texts: dict[int, list[str | None]] = {}
    if text_sql:
        for r in conn.execute(text(text_sql.format(ids=ids))):
            texts.setdefault(r[0], []).append(r[4])
    return [document(key, cid, cases[cid], parties.get(cid, []), texts.get(cid, []),
                     tails=tails, undotted=undotted)
            for cid in case_ids if cid in cases]


# ---------------------------------------------------------------------------------------------
# Writing the index


def _is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def _key_of(conn: Connection) -> bytes:
    from mediation.db import settings

    return settings.hash_key_of(conn)


def refresh(conn: Connection, case_id: int) -> None:
    """Rewrite the index row of one case from its case file (in the caller's transaction)."""
    docs = read(conn, _key_of(conn), [case_id])
    _delete(conn, [case_id])
    insert_many(conn, docs)


def refresh_dotted(conn: Connection, *, undotted: bool = True, batch: int = 500) -> int:
    """Rewrite the index rows of the cases with a party, guardian or representative whose name
    has a dot (migration 0027: their names without the dots, :func:`_typed`; ``undotted=False``
    its downgrade). Returns how many cases."""
    ids = [int(r[0]) for r in conn.execute(text(
        "SELECT DISTINCT case_id FROM party WHERE name LIKE :dot OR guardian_name LIKE :dot "
        "OR representative_name LIKE :dot ORDER BY case_id"), {"dot": "%·%"})]
    key = _key_of(conn)
    for at in range(0, len(ids), batch):
        part = ids[at:at + batch]
        docs = read(conn, key, part, undotted=undotted)
        _delete(conn, part)
        insert_many(conn, docs)
    return len(ids)


def _delete(conn: Connection, case_ids: Sequence[int]) -> None:
    ids = ",".join(str(int(i)) for i in case_ids)
    rowid = "rowid" if _is_sqlite(conn) else "case_id"
    if _is_sqlite(conn):  # the short words' index forgets what it is told it holds
        searchgrams.delete(conn, [(int(r[0]), str(r[1]), str(r[2])) for r in conn.execute(
            text(f"SELECT rowid, named, masked FROM {TEXT_TABLE} WHERE rowid IN ({ids})"))])
    conn.execute(text(f"DELETE FROM {TEXT_TABLE} WHERE {rowid} IN ({ids})"))
    conn.execute(text(f"DELETE FROM {KEY_TABLE} WHERE case_id IN ({ids})"))


def insert_many(conn: Connection, docs: Sequence[Document], *, grams: bool = True) -> None:
    """Index rows for cases that have none yet (new cases; the bulk import; the migration),
    with their short words (:mod:`mediation.db.searchgrams`; ``grams=False`` only for
    migration 0011, older than that index)."""
    if not docs:
        return
    rows = [{"case_id": d.case_id, "named": d.named, "masked": d.masked} for d in docs]
    if _is_sqlite(conn):
        conn.execute(text(f"INSERT INTO {TEXT_TABLE} (rowid, named, masked) "
                          "VALUES (:case_id, :named, :masked)"), rows)
        if grams:
            searchgrams.insert(conn, [(d.case_id, d.named, d.masked) for d in docs])
    elif grams:  # the row carries its short words
        conn.execute(text(f"INSERT INTO {TEXT_TABLE} (case_id, named, masked, named_grams, "
                          "masked_grams) VALUES (:case_id, :named, :masked, "
                          f"{searchgrams.PG_VALUES['named']}, {searchgrams.PG_VALUES['masked']})"),
                     [{**r, **searchgrams.pg_values(d.named, d.masked)}
                      for r, d in zip(rows, docs, strict=True)])
    else:
        conn.execute(text(f"INSERT INTO {TEXT_TABLE} (case_id, named, masked) "
                          "VALUES (:case_id, :named, :masked)"), rows)
    _insert_keys(conn, [(d.case_id, d.keys) for d in docs])


def _insert_keys(conn: Connection, cases: Iterable[tuple[int, Iterable[str]]]) -> None:
    keys = [{"case_id": cid, "hash": h} for cid, hashes in cases for h in sorted(hashes)]
    if keys:
        conn.execute(text(f"INSERT INTO {KEY_TABLE} (case_id, hash) VALUES (:case_id, :hash)"),
                     keys)


def settle(conn: Connection) -> None:
    """After a bulk load (PostgreSQL; nothing to do on SQLite): the GIN indexes' pending lists
    merged (until then every look-up reads them whole: 18 ms instead of under 1 ms at 100,000
    cases) and the statistics the planner chooses the index by taken (without them it read a
    whole GIN index for a two-character word, 500 ms), as autovacuum would, some time later.
    The tables a search reads: the index's and the cases' and parties' it joins."""
    if _is_sqlite(conn):
        return
    conn.execute(text(
        "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
        "JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_am a ON a.oid = x.relam "
        f"WHERE i.indrelid = CAST('{TEXT_TABLE}' AS regclass) AND a.amname = 'gin'"))
    conn.execute(text(f"ANALYZE {TEXT_TABLE}, {KEY_TABLE}, cases, party"))


def rebuild(conn: Connection, batch: int = 2000, *, grams: bool = True,
            columns: Columns | None = None, tails: bool = True) -> int:
    """Every case's index row, built anew from ``columns``, by default the free text the
    database has (:func:`present`): migration 0011, with ``grams=False`` (the short words'
    index comes with 0017), and 0022 (both with ``tails=False``: the numbers' ends come with
    0023). Returns how many cases were indexed."""
    if grams:
        searchgrams.clear(conn)
    conn.execute(text(f"DELETE FROM {TEXT_TABLE}"))
    conn.execute(text(f"DELETE FROM {KEY_TABLE}"))
    key = _key_of(conn)
    columns = present(conn) if columns is None else columns
    party = party_present(conn)
    after, done = 0, 0
    while True:
        ids = [r[0] for r in conn.execute(text(
            "SELECT id FROM cases WHERE id > :after ORDER BY id LIMIT :n"),
            {"after": after, "n": batch})]
        if not ids:
            return done
        insert_many(conn, read(conn, key, ids, columns, tails=tails, party=party),
                    grams=grams)
        done += len(ids)
        after = ids[-1]
        if len(ids) < batch and not _is_sqlite(conn):
            conn.execute(text(f"ANALYZE {TEXT_TABLE}, {KEY_TABLE}"))  # plans from the start


def _case_batches(conn: Connection, batch: int) -> Iterator[list[int]]:
    """Every case's id, in order, ``batch`` at a time (read one batch after the other, so a
    million cases are never in memory at once)."""
    after = 0
    while True:
        ids = [int(r[0]) for r in conn.execute(text(
            "SELECT id FROM cases WHERE id > :after ORDER BY id LIMIT :n"),
            {"after": after, "n": batch})]
        if not ids:
            return
        yield ids
        after = ids[-1]


def rebuild_keys(conn: Connection, batch: int = 5000, *, tails: bool = True) -> int:
    """Every case's number hashes (:func:`keys_of`), made anew from its parties, the text left
    as it is: migration 0023 (``tails=False``: its downgrade). Returns how many cases."""
    conn.execute(text(f"DELETE FROM {KEY_TABLE}"))
    key = _key_of(conn)
    columns = ", ".join(party_present(conn))
    done = 0
    for ids in _case_batches(conn, batch):
        parties: dict[int, list[dict[str, Any]]] = {}
        for r in conn.execute(text(f"SELECT case_id, {columns} FROM party WHERE case_id "
                                   f"IN ({','.join(str(i) for i in ids)})")):
            parties.setdefault(int(r.case_id), []).append(dict(r._mapping))
        _insert_keys(conn, [(cid, keys_of(key, parties.get(cid, []), tails=tails))
                            for cid in ids])
        done += len(ids)
    if not _is_sqlite(conn):
        conn.execute(text(f"ANALYZE {KEY_TABLE}"))  # plans from the start
    return done


def differences(conn: Connection, batch: int = 2000) -> tuple[int, list[str]]:
    """Where the index differs from the case file (``db check``): a case without its row, a
    row of no case, a row whose text or number hashes are not what the case file now makes.
    Returns (cases compared, the differences)."""
    rowid = "rowid" if _is_sqlite(conn) else "case_id"
    key = _key_of(conn)
    problems: list[str] = []
    seen = 0
    for ids in _case_batches(conn, batch):
        listed = ",".join(str(i) for i in ids)
        stored = {int(r[0]): (str(r[1]), str(r[2])) for r in conn.execute(text(
            f"SELECT {rowid}, named, masked FROM {TEXT_TABLE} WHERE {rowid} IN ({listed})"))}
        hashes: dict[int, set[str]] = {}
        for cid, h in conn.execute(text(
                f"SELECT case_id, hash FROM {KEY_TABLE} WHERE case_id IN ({listed})")):
            hashes.setdefault(int(cid), set()).add(str(h))
        for d in read(conn, key, ids):
            if d.case_id not in stored:
                problems.append(f"case {d.case_id}: not in the search index")
            elif stored[d.case_id] != (d.named, d.masked):
                problems.append(f"case {d.case_id}: its indexed text differs from the case")
            elif hashes.get(d.case_id, set()) != set(d.keys):
                problems.append(f"case {d.case_id}: its indexed numbers differ from the case")
        seen += len(ids)
    orphans = int(conn.execute(text(
        f"SELECT count(*) FROM {TEXT_TABLE} WHERE {rowid} NOT IN (SELECT id FROM cases)"
    )).scalar() or 0)
    if orphans:
        problems.append(f"{orphans} rows of the search index belong to no case")
    return seen, problems


# ---------------------------------------------------------------------------------------------
# The schema (migration 0011)


def create(conn: Connection) -> None:
    """The index's tables, on either backend (PostgreSQL: the pg_trgm extension too)."""
    if _is_sqlite(conn):
        conn.execute(text(f"CREATE VIRTUAL TABLE {TEXT_TABLE} USING fts5("
                          "named, masked, tokenize='trigram')"))
    else:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        conn.execute(text(f"CREATE TABLE {TEXT_TABLE} (case_id INTEGER PRIMARY KEY "
                          "REFERENCES cases (id) ON DELETE CASCADE, named TEXT NOT NULL, "
                          "masked TEXT NOT NULL)"))
        for column in ("named", "masked"):
            conn.execute(text(f"CREATE INDEX {TEXT_TABLE}_{column}_trgm ON {TEXT_TABLE} "
                              f"USING gin ({column} gin_trgm_ops)"))
    conn.execute(text(f"CREATE TABLE {KEY_TABLE} (case_id INTEGER NOT NULL REFERENCES cases (id) "
                      "ON DELETE CASCADE, hash VARCHAR(64) NOT NULL)"))
    conn.execute(text(f"CREATE INDEX {KEY_TABLE}_hash ON {KEY_TABLE} (hash)"))
    conn.execute(text(f"CREATE INDEX {KEY_TABLE}_case ON {KEY_TABLE} (case_id)"))


def drop(conn: Connection) -> None:
    conn.execute(text(f"DROP TABLE IF EXISTS {KEY_TABLE}"))
    conn.execute(text(f"DROP TABLE IF EXISTS {TEXT_TABLE}"))


def is_index_table(name: str | None) -> bool:
    """A table of the index: not in the models' metadata (migrate.drift leaves it out)."""
    return bool(name) and str(name).startswith(PREFIX)

"""Hypothesis: a case imported (`case import`, mediation/bulk_writing.py, which builds the search
index's rows for a whole batch at once) is found by `case search` exactly as the same case
registered by `case new` (intake, whose event refreshes the row), on both backends.

Random cases (names, guardians, phone and ID numbers, free text drawn from a few Chinese
characters, ASCII letters of both cases and the operators of FTS5, tsquery and LIKE) are
registered one by one, then the same records imported in one file. For each pair: the index's
rows are the same but for the case number (text, masked text, the numbers' keyed hashes), and
random words (pieces of the cases' texts, random strings; both index paths: one or two
characters and three or more) find the same cases of either group, for the director (names) and
the auditor (names masked). The index of the whole database matches its case file
(``searchindex.differences``, ``searchgrams.check``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import bulk, intake, search
from mediation.core import identity
from mediation.db import searchgrams, searchindex
from mediation.db import settings as db_settings
from tests.conftest import Room
from tests.property.sides import one_person_per_side
from tests.property.test_search_oracle import CHARS, _auditor, name_of, text_of

PHONES = ("13800138000", "0731-88886666", None)
IDS = (*(f + identity.gb11643_check_char(f) for f in ("43010419800312009", "11010519491231002")),
       None)

party_of = st.fixed_dictionaries(
    {"role": st.just("applicant"), "kind": st.sampled_from(["person", "organisation"]),
     "name": name_of},
    optional={"phone": st.sampled_from(PHONES), "id_number": st.sampled_from(IDS),
              "guardian": st.builds(lambda n: {"name": n, "relation": "父亲"}, name_of)})


def _record(parties: list[dict[str, Any]], summary: str, requests: str,
            ref: str | None) -> dict[str, Any]:
    parties = [dict(p) for p in parties]
    parties[-1]["role"] = "respondent"
    for p in parties:
        if p["kind"] != "person" or p.get("id_number") is None:
            p.pop("id_number", None)
        if p.get("phone") is None:
            p.pop("phone", None)
    record: dict[str, Any] = {"category": "02", "source": "application",
                              "summary": f"{parties[0]['name']}称{summary}",
                              "requests": requests, "parties": parties}
    if ref:
        record["referral_ref"] = ref
    return record


records_of = st.lists(st.builds(_record, st.lists(party_of, min_size=2, max_size=3), text_of,
                                text_of, st.one_of(st.none(), text_of)).filter(
    lambda r: one_person_per_side(r["parties"])),
                      min_size=1, max_size=4)


def _ids(room: Room) -> list[int]:
    with room.uow(write=False) as uow:
        return [int(r[0]) for r in uow.session.connection().exec_driver_sql(
            "SELECT id FROM cases ORDER BY id")]


def _rows(room: Room, ids: list[int]) -> list[tuple[str, str, list[str]]]:
    """The index's rows of ``ids`` as stored, the case number (each text's first line) left
    out: (named, masked, the numbers' hashes)."""
    rowid = "rowid" if room.engine.dialect.name == "sqlite" else "case_id"
    listed = ",".join(str(i) for i in ids)
    with room.uow(write=False) as uow:
        conn = uow.session.connection()
        texts = {int(r[0]): (str(r[1]), str(r[2])) for r in conn.exec_driver_sql(
            f"SELECT {rowid}, named, masked FROM {searchindex.TEXT_TABLE} "
            f"WHERE {rowid} IN ({listed})")}
        keys: dict[int, list[str]] = {}
        for cid, h in conn.exec_driver_sql(
                f"SELECT case_id, hash FROM {searchindex.KEY_TABLE} WHERE case_id IN ({listed}) "
                "ORDER BY hash"):
            keys.setdefault(int(cid), []).append(str(h))
    return [(texts[i][0].partition("\n")[2], texts[i][1].partition("\n")[2], keys.get(i, []))
            for i in ids]


@settings(max_examples=25)
@given(records=records_of, data=st.data())
def test_an_imported_case_is_found_as_a_registered_one(
        room: Room, tmp_path_factory: Any, records: list[dict[str, Any]], data: Any) -> None:
    auditor = _auditor(room)
    before = set(_ids(room))
    for record in records:
        room.run(intake.new_case, room.director, intake.parse_case(record), force=True)
    made = [i for i in _ids(room) if i not in before]
    path = Path(tmp_path_factory.mktemp("import")) / "cases.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    result = bulk.import_cases(room.engine, room.director.username, path, force=True,
                               workers=1, clock=room.clock)
    assert result.imported == len(records)
    imported = [i for i in _ids(room) if i not in before and i not in made]
    assert len(made) == len(imported) == len(records)

    assert _rows(room, made) == _rows(room, imported)
    with room.uow(write=False) as uow:
        conn = uow.session.connection()
        assert searchindex.differences(conn)[1] == []
        assert searchgrams.check(conn) == []
        key = db_settings.hash_key_of(conn)
        texts = [d.named for d in searchindex.read(conn, key, made)]

    pieces = [t.partition("\n")[2] for t in texts]
    words = data.draw(st.lists(st.one_of(
        st.text(alphabet=CHARS, min_size=1, max_size=4),
        st.sampled_from(pieces).filter(bool).flatmap(
            lambda p: st.integers(0, len(p) - 1).flatmap(
                lambda i: st.integers(1, 4).map(lambda n: p[i:i + n])))),
        min_size=1, max_size=2))
    query = " ".join(words)
    if not search.terms_of(query):
        return
    for actor in (room.director, auditor):
        with room.uow(write=False) as uow:
            found = {h.case.id for h in search.search_cases(uow, actor, query, limit=1000)}
        assert {made.index(i) for i in found if i in made} == \
            {imported.index(i) for i in found if i in imported}, (actor.role, query)

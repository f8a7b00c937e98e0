"""Retention clears every column declared personal, of every table, once the period has run: on a
real SQLite file, and (CI=true) on PostgreSQL (issue 14: grid leads never taken as a case and
sweep notes kept the names written in them forever; a withdrawn case kept its parties').

The world below holds a row of every table that has a column declared personal in
mediation/core/personal.py (FREE_TEXT, PARTY_DATA, RECORD_TEXT), in every way a record ends: a case
closed (from a grid worker's report), a case withdrawn, a case declined (不予受理) and never closed,
a lead dismissed, a lead left in the inbox, a sweep. Every declared text column of every row is then
written with a word of its own, a party's name and a phone number. After ``retention apply``, no
declared column of any row holds the name, the phone or an ID number; records whose period has not
run keep their text. A table classified personal without a row here fails (build one), and a column
retention leaves alone fails; tests/unit/test_personal_fields.py fails for a text column not
classified at all.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import String, text
from sqlmodel import SQLModel

from mediation import corrections, intake, leads, retention, steps, sweeps
from mediation.core import personal
from tests.conftest import Room, case_record
from tests.integration.test_every_free_text import NAME, PHONE, closed_case, said

ID_NUMBER = "430104198003120014"
SECRETS = (NAME, PHONE, ID_NUMBER, "李四", "13987654321")


def declared() -> dict[str, tuple[str, ...]]:
    """Every column declared personal, by table."""
    out: dict[str, list[str]] = {}
    for kind in (personal.FREE_TEXT, {personal.PARTY_TABLE: personal.PARTY_DATA},
                 personal.RECORD_TEXT, personal.KEPT_VALUES):
        for table, columns in kind.items():
            out.setdefault(table, []).extend(columns)
    return {t: tuple(cs) for t, cs in out.items()}


def _is_text(table: str, column: str) -> bool:
    kind = SQLModel.metadata.tables[table].c[column].type
    return isinstance(kind, String) or isinstance(getattr(kind, "impl", None), String)


def declined(room: Room) -> int:
    """A case declined (不予受理) and left so: no follow-up, never closed."""
    cid = int(room.run(intake.new_case, None, intake.parse_case(case_record()), force=True)["id"])
    # a name corrected: before and after kept out of the log (kept_value, mediation/db/kept.py)
    room.run(corrections.amend, None, cid, reason="姓名写错", edit_parties={2: {"name": "李四丰"}})
    room.run(steps.decline, None, cid, reason="party_refuses", advice=said("cases", "advice"))
    return cid


def world(room: Room) -> None:
    """Every kind of record holding personal data, each ended in every way it can end."""
    closed_case(room)  # a case, every row of its file, and the lead it came from
    # a company whose legal representative (法定代表人) is named by a secret: masked with it
    company = {"role": "respondent", "kind": "legal_person", "name": "桐梓坡物业服务有限公司",
               "representative": {"name": "李四", "title": "总经理"}}
    record = case_record()
    record["parties"].append(company)
    withdrawn = room.run(intake.new_case, None, intake.parse_case(record), force=True)
    room.run(corrections.withdraw, None, withdrawn["id"], reason=said("cases", "withdrawn"))
    declined(room)  # declined (不予受理) and never closed: its period runs from the decline
    dismissed = room.run(leads.report, None, place=said("lead", "place"),
                         seen=said("lead", "seen"), parties=said("lead", "parties"))
    room.run(leads.dismiss, None, dismissed["id"], reason="not_a_dispute",
             note=said("lead", "dismiss_note"))
    room.run(leads.report, None, place=said("lead", "place"), seen=said("lead", "seen"),
             parties=said("lead", "parties"))  # left open in the inbox
    room.run(sweeps.record, None, area="桐梓坡小区", by="李明", found=1,
             note=said("sweep", "note"))


def fill(room: Room) -> None:
    """Every declared text column of every row: a word of its own, the name and the phone (as
    an older row, or one written behind the application's back, may hold them)."""
    with room.engine.begin() as conn:
        for table, columns in declared().items():
            for column in columns:
                if _is_text(table, column) and table != personal.PARTY_TABLE:
                    conn.execute(text(f"UPDATE {table} SET {column} = :v"),
                                 {"v": f"{said(table, column)}，身份证{ID_NUMBER}"})


def values(room: Room, table: str, column: str, *, ids: set[int] | None = None) -> list[Any]:
    with room.engine.connect() as conn:
        rows = conn.execute(text(f"SELECT id, {column} FROM {table} ORDER BY id")).all()
    return [v for i, v in rows if ids is None or i in ids]


def values_of(room: Room, table: str, column: str) -> list[tuple[int, Any]]:
    with room.engine.connect() as conn:
        return [(i, v) for i, v in conn.execute(text(
            f"SELECT id, {column} FROM {table} ORDER BY id")).all()]


def test_retention_clears_every_declared_column_of_every_table(room: Room) -> None:
    world(room)
    fill(room)
    for table in declared():
        assert values(room, table, "id"), f"the world holds no row of {table}: build one"
    room.clock.advance(days=3)
    # records whose period has not run yet: kept as they are
    recent_lead = room.run(leads.report, None, place=said("lead", "place"),
                           seen=said("lead", "seen"), parties=said("lead", "parties"))["id"]
    recent_sweep = room.run(sweeps.record, None, area="桐梓坡小区", by="李明", found=0,
                            note=said("sweep", "note"))["id"]
    recent_case = declined(room)
    room.run(retention.set_days, None, 2)
    shown = room.run(retention.show, None)
    assert shown["due"] == 3 and shown["records"] == {"lead": 2, "sweep": 1}
    result = room.run(retention.apply, None)
    assert len(result["anonymised"]) == 3 and len(result["erased"]["lead"]) == 2
    recent_parties = {i for i, c in values_of(room, "party", "case_id") if c == recent_case}
    recent_kept = {i for i, r in values_of(room, "kept_value", "record")
                   if r == f"lead/{recent_lead}"} | {
        i for i, c in values_of(room, "kept_value", "case_id") if c == recent_case}
    recent = {"lead": {recent_lead}, "sweep": {recent_sweep}, "party": recent_parties,
              "cases": {recent_case}, "kept_value": recent_kept}
    for table, columns in declared().items():
        ids = {i for i in values(room, table, "id") if i not in recent.get(table, set())}
        for column in columns:
            held = json.dumps([str(v) for v in values(room, table, column, ids=ids)],
                              ensure_ascii=False)
            for secret in SECRETS:
                assert secret not in held, (table, column, held)
            if column == "birth_date":
                assert all(v is None or date.fromisoformat(str(v)[:10]).timetuple()[1:3]
                           == (1, 1) for v in values(room, table, column, ids=ids)), (
                    table, column)
    # what has not run its period keeps its text; what the statistics count stays
    assert NAME in str(values(room, "lead", "seen", ids={recent_lead}))
    assert NAME in str(values(room, "sweep", "note", ids={recent_sweep}))
    assert "李四丰" in str(values(room, "kept_value", "after", ids=recent_kept))
    assert values(room, "party", "phone", ids=recent_parties) != [None] * len(recent_parties)
    assert values(room, "sweep", "disputes_found") == [1, 0]
    assert values(room, "lead", "status").count("dismissed") == 1
    # done once: nothing is due again, and every record erased is on the record
    again = room.run(retention.apply, None)
    assert again["anonymised"] == [] and again["erased"] == {"lead": [], "sweep": []}
    with room.engine.connect() as conn:
        events = [json.loads(c) for (c,) in conn.execute(text(
            "SELECT changes FROM event WHERE action = 'anonymise' AND case_id IS NULL"))]
    assert sorted(next(k for k in e if k != "fields") for e in events) == [
        "lead", "lead", "sweep"]

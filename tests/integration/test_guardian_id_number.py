"""A guardian's ID number (监护人身份证号, issue 14, migration 0026) through the handlers, on SQLite
and (CI=true) PostgreSQL: checked by a party's rule, stored as a party's is (the number and its
keyed hash), masked in its event and on screen unless revealed, added by a correction (the case
file still verifies), found by a search by the whole number (and its end) for readers who may
see names, erased with its hash by retention; a database of revision 0025 upgraded keeps its
guardians, without one. The forms print it in the party's block, masked in a masked copy, and
(LibreOffice installed) in the whole file as one PDF."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import inspect, text

from mediation import audit, committee, corrections, intake, queries, retention, search, steps
from mediation.cases import Case
from mediation.core import identity
from mediation.core.errors import InvalidInput
from mediation.db import migrate, settings
from mediation.db.engines import create_schema, engine_for
from mediation.db.storage import UnitOfWork
from mediation.reporting import documents, printing
from tests.conftest import Room, case_record, make_room
from tests.integration.test_documents import _need_office, add_auditor, print_doc, texts

MINOR_ID = "430104201503070011"  # a boy born 2015-03-07
GUARDIAN_ID = "110101198001010010"  # his father, 周建国
MASKED = "110***********0010"


def record(guardian_id: str | None = GUARDIAN_ID) -> dict[str, Any]:
    rec = case_record()
    guardian: dict[str, Any] = {"name": "周建国", "relation": "父亲", "phone": "13900001111"}
    if guardian_id is not None:
        guardian["id_number"] = guardian_id
    rec["parties"][1] = {"role": "respondent", "kind": "person", "name": "周小宝",
                         "id_number": MINOR_ID, "guardian": guardian}
    return rec


def _events(room: Room, cid: int) -> str:
    with room.engine.connect() as conn:
        return json.dumps([r[0] for r in conn.execute(text(
            "SELECT changes FROM event WHERE case_id = :c ORDER BY seq"), {"c": cid})],
            ensure_ascii=False)


def _stored(room: Room, cid: int) -> tuple[Any, ...]:
    with room.engine.connect() as conn:
        return tuple(conn.execute(text(
            "SELECT guardian_id_number, guardian_id_hash FROM party WHERE case_id = :c "
            "AND position = 1"), {"c": cid}).one())


def _hash(room: Room, number: str) -> str:
    with room.uow(write=False) as uow:
        return identity.keyed_hash(settings.hash_key(uow), number)


def _found(room: Room, query: str, actor: Any = None) -> list[int]:
    with room.uow(write=False) as uow:
        return [int(h.case.id) for h in search.search_cases(uow, actor or room.director,
                                                             query)]


def test_the_intake_stores_it_as_a_party_s_and_shows_it_masked(room: Room) -> None:
    # any width and spaces, as a party's number is read
    cid = int(room.run(intake.new_case, None, intake.parse_case(record(
        "１１０１０１ 19800101001０")), force=True)["id"])
    assert _stored(room, cid) == (GUARDIAN_ID, _hash(room, GUARDIAN_ID))
    events = _events(room, cid)
    assert GUARDIAN_ID not in events and MASKED in events, events
    with room.uow(write=False) as uow:
        case = uow.session.get(Case, cid)
        assert case is not None
        for names_ok in (True, False):
            shown = queries.build_view(uow, room.director, case, reveal=False,
                                       names_ok=names_ok)
            assert shown.parties[1].guardian is not None
            assert shown.parties[1].guardian["id_number"] == MASKED
        whole = queries.build_view(uow, room.director, case, reveal=True, names_ok=True)
        assert whole.parties[1].guardian is not None
        assert whole.parties[1].guardian["id_number"] == GUARDIAN_ID
    # a guardian without one: no key, nothing stored
    other = int(room.run(intake.new_case, None, intake.parse_case(record(None)),
                         force=True)["id"])
    assert _stored(room, other) == (None, None)


@pytest.mark.parametrize("number,said", [
    ("110101198001010011", "check digit"), ("11010119800101001", "18 characters"),
    ("110101198002300010", "not a real date")])
def test_a_wrong_one_is_refused_by_a_party_s_rule(number: str, said: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        intake.parse_case(record(number))
    text_ = "\n".join([m.render() for m in refused.value.details()]
                      + [refused.value.render()])
    assert said in text_ and "party 2's guardian's" in text_, text_


def test_a_correction_adds_it_and_the_search_finds_the_case_by_it(room: Room) -> None:
    cid = int(room.run(intake.new_case, None, intake.parse_case(record(None)),
                       force=True)["id"])
    assert _found(room, GUARDIAN_ID) == []
    room.run(corrections.amend, None, cid, reason="补录监护人身份证号",
             edit_parties={2: {"guardian": {"name": "周建国", "relation": "parent",
                                            "id_number": GUARDIAN_ID}}})
    assert _stored(room, cid) == (GUARDIAN_ID, _hash(room, GUARDIAN_ID))
    events = _events(room, cid)
    assert GUARDIAN_ID not in events and MASKED in events, events
    with room.uow(write=False) as uow:
        assert list(audit.verify(uow).findings) == []
    assert _found(room, GUARDIAN_ID) == [cid]  # the whole number, through its keyed hash
    assert _found(room, "010010") == [cid]  # its end
    auditor = add_auditor(room)  # may not see names: no search by number
    assert _found(room, GUARDIAN_ID, auditor) == []


def test_retention_erases_it_and_its_hash(room: Room) -> None:
    cid = int(room.run(intake.new_case, None, intake.parse_case(record()), force=True)["id"])
    assert _found(room, GUARDIAN_ID) == [cid]
    room.run(corrections.withdraw, None, cid, reason="撤回")
    room.clock.advance(days=3)
    room.run(retention.set_days, None, 2)
    assert room.run(retention.apply, None)["anonymised"]
    assert _stored(room, cid) == (None, None)
    assert _found(room, GUARDIAN_ID) == []


def test_a_database_of_revision_0025_is_upgraded(db_url: str) -> None:
    engine = engine_for(db_url)
    create_schema(engine)
    with UnitOfWork(engine) as uow:
        committee.init_committee(uow, name="老城区人民调解委员会", prefix="老",
                                 director="wangfang")
        actor = committee.resolve_actor(uow, "wangfang")
        intake.new_case(uow, actor, intake.parse_case(record(None)))
        uow.commit()
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0025")
    assert "guardian_id_number" not in {c["name"] for c in inspect(engine).get_columns("party")}
    assert migrate.upgrade(engine) == ("0025", migrate.head())
    assert migrate.drift(engine) == []
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT guardian_name, guardian_id_number, guardian_id_hash "
                                 "FROM party ORDER BY position")).all()
    assert [tuple(r) for r in rows] == [(None, None, None), ("周建国", None, None)]


def agreed(room: Room) -> str:
    n = str(room.run(intake.new_case, None, intake.parse_case(record()))["number"])
    room.run(steps.accept, None, n)
    room.run(steps.mediate, None, n, mediator="liming", rights_notified=True)
    room.run(steps.session, None, n, minutes="双方陈述。", place="社区调解室")
    room.run(steps.agree, None, n, terms="周建国代周小宝赔偿张三维修费500元。", written=True,
             amount=Decimal("500"))
    return n


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_forms_print_it_where_the_guardian_appears(room: Room, tmp_path: Path) -> None:
    n = agreed(room)
    auditor = add_auditor(room)
    for form in ("application", "registration", "agreement"):
        path, revealed = print_doc(room, room.director, n, form, tmp_path / f"{form}.docx")
        said = "\n".join(texts(path))
        assert revealed and f"法定代理人：周建国（父母），身份证号：{GUARDIAN_ID}" in said, (
            form, said)
        masked, _ = print_doc(room, auditor, n, form, tmp_path / f"{form}-m.docx",
                              masked=True)
        said = "\n".join(texts(masked))
        assert f"身份证号：{MASKED}" in said and GUARDIAN_ID not in said, (form, said)


def test_the_whole_file_as_one_pdf_holds_it(tmp_path: Path) -> None:
    _need_office()
    room = make_room("sqlite:///" + str(tmp_path / "pdf.db"))
    n = agreed(room)
    plan = room.run(documents.case_file, None, n)
    result = printing.write_case_file(plan, tmp_path / "file", pdf=True)
    pdf = tmp_path / "file" / str(result["pdf"])
    flat = "".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                                  capture_output=True, text=True, check=True).stdout.split())
    assert f"身份证号：{GUARDIAN_ID}" in flat, flat[:2000]

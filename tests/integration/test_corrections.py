"""Corrections (issue 15): case amend (fields by state: workflow.AMENDABLE, before and after in
the event, masked), case withdraw (before acceptance, not a decline)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlmodel import col, select

from mediation import audit, steps, workflow
from mediation.cases import Case, Party
from mediation.core.errors import InvalidInput, Refused
from mediation.tables import Event
from tests.audit_support import full_history, new_case
from tests.conftest import Room


def _case(room: Room, cid: int) -> Case:
    with room.uow(write=False) as uow:
        case = uow.session.get(Case, cid)
        assert case is not None
        return case


def _last_event(room: Room, cid: int) -> Event:
    with room.uow(write=False) as uow:
        e = uow.session.exec(select(Event).where(Event.case_id == cid)
                             .order_by(col(Event.seq).desc())).first()
        assert e is not None
        return e


def _verified(room: Room) -> None:
    with room.uow(write=False) as uow:
        result = audit.verify(uow)
    assert result.first is None, result.findings


def test_amend_changes_fields_with_before_and_after_and_the_reason(room: Room) -> None:
    cid = new_case(room)
    before = _case(room, cid)
    room.run(steps.amend, None, cid, reason="登记时选错类别",
             fields={"category": "01", "amount": "1,200", "persons": 5, "risk": "high"})
    case = _case(room, cid)
    assert (case.category, case.amount_fen, case.persons_involved, case.risk_level) == (
        "01", 120000, 5, "high")
    e = _last_event(room, cid)
    changes = json.loads(e.changes)
    assert e.action == "amend" and e.reason == "登记时选错类别" and e.version == 2
    assert changes["category"] == [before.category, "01"]
    assert changes["amount"][1] == "1200.00" and changes["persons_involved"][1] == 5
    assert e.occurred_at == e.at  # a correction happens when it is recorded
    _verified(room)


def test_amend_needs_a_reason_and_a_valid_record(room: Room) -> None:
    cid = new_case(room)
    with pytest.raises(Refused, match="reason"):
        room.run(steps.amend, None, cid, reason=" ", fields={"category": "01"})
    with pytest.raises(InvalidInput):
        room.run(steps.amend, None, cid, reason="更正", fields={"category": "99x"})
    with pytest.raises(InvalidInput, match="cannot correct"):
        room.run(steps.amend, None, cid, reason="更正", fields={"state": "closed"})
    with pytest.raises(InvalidInput, match="nothing changes"):
        room.run(steps.amend, None, cid, reason="更正",
                 fields={"category": _case(room, cid).category})
    assert "at" not in __import__("inspect").signature(steps.amend).parameters
    assert _case(room, cid).version == 1


def test_parties_are_added_or_removed_only_before_acceptance_amendable_rule(room: Room) -> None:
    """workflow.AMENDABLE: who the parties are only in intake; the summary until closed."""
    cid = new_case(room)
    room.run(steps.amend, None, cid, reason="漏登一名被申请人",
             add_parties=[{"role": "respondent", "name": "王五", "phone": "13812345678"}],
             edit_parties={1: {"phone": "13900001111"}})
    with room.uow(write=False) as uow:
        parties = uow.session.exec(select(Party).where(Party.case_id == cid)
                                   .order_by(col(Party.position))).all()
    assert [p.name for p in parties][-1] == "王五" and parties[0].phone == "13900001111"
    changes = json.loads(_last_event(room, cid).changes)
    shown = json.dumps(changes["parties"], ensure_ascii=False)
    assert "王五" not in shown and "13812345678" not in shown and "138****5678" in shown
    room.run(steps.amend, None, cid, reason="重复登记", remove_parties=[3])
    room.run(steps.accept, None, cid)
    with pytest.raises(Refused, match="parties"):
        room.run(steps.amend, None, cid, reason="更正", remove_parties=[1])
    room.run(steps.amend, None, cid, reason="更正", fields={"summary": "邻里漏水纠纷（更正）"})
    _verified(room)


def _parties(room: Room, cid: int) -> list[Party]:
    with room.uow(write=False) as uow:
        return list(uow.session.exec(select(Party).where(Party.case_id == cid)
                                     .order_by(col(Party.position))).all())


def test_a_party_s_particulars_are_corrected_until_the_case_is_closed_amendable_rule(
        room: Room) -> None:
    """A clerk's trial (issue 14): a misspelt name could not be corrected once the case was
    accepted. An existing party's particulars (workflow.AMENDABLE ``party_details``) are
    corrected until the case is closed and filed, the whole record validated as an intake is
    and the event masked; its role (who the parties are) only before acceptance."""
    cid = new_case(room)
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.run(steps.amend, None, cid, reason="姓名写错",
             edit_parties={1: {"name": "张山", "phone": "13700001111",
                               "address": "湖南省长沙市岳麓区桐梓坡路8栋503"},
                           2: {"guardian": None, "ethnicity": "土家族"}})
    first, second = _parties(room, cid)
    assert (first.name, first.phone, second.ethnicity) == (
        "张山", "13700001111", "土家族")
    e = _last_event(room, cid)
    shown = e.changes
    assert e.reason == "姓名写错" and _case(room, cid).state == "mediating"
    assert "张山" not in shown and "张三" not in shown and "13700001111" not in shown
    assert "137****1111" in shown and "湖南省长沙市岳麓区桐梓坡路8栋503" not in shown
    version = _case(room, cid).version
    with pytest.raises(Refused, match="only before the case is accepted"):  # a role changed
        room.run(steps.amend, None, cid, reason="写反", edit_parties={1: {"role": "被申请人"}})
    with pytest.raises(Refused, match="only before the case is accepted"):
        room.run(steps.amend, None, cid, reason="漏登",
                 add_parties=[{"role": "respondent", "name": "王五"}])
    with pytest.raises(InvalidInput):  # validated as an intake is: nothing written
        room.run(steps.amend, None, cid, reason="证件号", edit_parties={1: {"id_number": "123"}})
    assert _case(room, cid).version == version and _parties(room, cid)[0].role == "applicant"
    room.run(steps.amend, None, cid, reason="照抄", edit_parties={1: {"role": "申请人"}},
             fields={"summary": "邻里漏水纠纷"})  # the role given as it is: not a change
    closed = full_history(room)
    with pytest.raises(Refused, match="may not be corrected once the case is closed"):
        room.run(steps.amend, None, closed, reason="姓名写错", edit_parties={1: {"name": "张山"}})
    _verified(room)


def test_withdraw_before_acceptance_law_art_23(room: Room) -> None:
    """Law art. 23: a party may refuse mediation; the applicant withdraws (not a decline)."""
    cid = new_case(room)
    with pytest.raises(Refused, match="reason"):
        room.run(steps.withdraw, None, cid, reason="")
    room.run(steps.withdraw, None, cid, reason="申请人表示已自行和解")
    case = _case(room, cid)
    assert case.state == "withdrawn" and case.withdrawn_at is not None
    assert case.declined_at is None
    assert "withdrawn" in workflow.FINISHED
    with pytest.raises(Refused):
        room.run(steps.accept, None, cid)
    other = new_case(room, category="01")
    room.run(steps.accept, None, other)
    with pytest.raises(Refused, match="not allowed"):
        room.run(steps.withdraw, None, other, reason="撤回")
    _verified(room)


def test_amount_correction_keeps_money_exact(room: Room) -> None:
    cid = new_case(room)
    room.run(steps.amend, None, cid, reason="金额笔误", fields={"amount": Decimal("0.10")})
    assert _case(room, cid).amount_fen == 10


def test_prevention_records_are_corrected_within_the_persons_involved_law_art_25(
        room: Room) -> None:
    """Law art. 25, Rules art. 32: escalations prevented are counted in cases and persons; the
    persons counted never exceed the persons involved in the case (issue 15)."""
    from mediation.cases import Prevention

    cid = new_case(room)  # two parties: two persons involved
    room.run(steps.accept, None, cid)
    with pytest.raises(Refused, match="cannot exceed"):
        room.run(steps.prevent, None, cid, kind="group_fight", persons=3)
    room.run(steps.prevent, None, cid, kind="group_fight", persons=2)
    room.run(steps.amend, None, cid, reason="实为民转刑",
             preventions={1: {"kind": "civil_to_criminal", "persons": 1}})
    with room.uow(write=False) as uow:
        row = uow.session.exec(select(Prevention).where(Prevention.case_id == cid)).one()
    assert (row.kind, row.persons) == ("civil_to_criminal", 1)
    changes = json.loads(_last_event(room, cid).changes)
    assert changes["prevention"] == [[{"no": 1, "kind": "group_fight", "persons": 2}],
                                     [{"no": 1, "kind": "civil_to_criminal", "persons": 1}]]
    with pytest.raises(InvalidInput, match="cannot exceed"):
        room.run(steps.amend, None, cid, reason="人数", preventions={1: {"persons": 5}})
    room.run(steps.amend, None, cid, reason="实际涉及五人",
             fields={"persons": 5}, preventions={1: {"persons": 5}})
    with pytest.raises(InvalidInput, match="cannot exceed"):
        room.run(steps.amend, None, cid, reason="人数", fields={"persons": 4})
    with pytest.raises(InvalidInput, match="no prevention record 2"):
        room.run(steps.amend, None, cid, reason="更正", preventions={2: {"persons": 1}})
    _verified(room)


def test_a_removed_partys_name_is_masked_in_the_correction_that_removes_them(room: Room
                                                                             ) -> None:
    """The names masked in a step's event are everyone who was a party before or after it
    (step_machinery): removing 王五 and rewriting the summary in the same correction must not
    show 王五 in full in the summary's before/after text, the reason, or the parties."""
    cid = new_case(room)
    room.run(steps.amend, None, cid, reason="漏登一名被申请人",
             add_parties=[{"role": "respondent", "name": "王五", "phone": "13812345678"}])
    room.run(steps.amend, None, cid, reason="王五系重复登记，删除王五",
             remove_parties=[3], fields={"summary": "王五家楼上漏水，王五已搬走"})
    e = _last_event(room, cid)
    assert "王五" not in (e.changes or "") and "王五" not in (e.reason or "")
    assert "王某" in (e.changes or "")
    _verified(room)


def test_a_corrected_id_number_carries_its_birth_date_and_sex(room: Room) -> None:
    """Issue 14: the birth date and sex an ID number gives are stored with it; correcting a
    mistyped number alone takes them from the corrected one (fields.corrected_party), while a
    stated value the old number did not give is still checked against the new one."""
    from mediation.core import identity

    def number(first17: str) -> str:
        return first17 + identity.gb11643_check_char(first17)

    cid = new_case(room)  # party 1: 430104198003120014, born 1980-03-12, male
    corrected = number("43010419810413002")  # born 1981-04-13, female
    room.run(steps.amend, None, cid, reason="身份证号码录错", edit_parties={
        1: {"id_number": corrected}})
    with room.uow(write=False) as uow:
        party = uow.session.exec(select(Party).where(Party.case_id == cid)
                                 .order_by(col(Party.position))).first()
        assert party is not None
        assert (party.id_number, str(party.birth_date), party.sex) == (
            corrected, "1981-04-13", "female")
    # given with the correction and contradicting it: refused, naming both
    with pytest.raises(InvalidInput, match="male given, but the ID number says female"):
        room.run(steps.amend, None, cid, reason="更正", edit_parties={
            1: {"id_number": number("43010419810413004"), "sex": "male"}})
    _verified(room)


"""The agreement as recorded is corrected (issue 14, a clerk's trial: ``case agree`` without
``--due`` warned and recorded, and then nothing could add the 履行期限): ``case amend`` with
``agreement={"due", "amount", "terms"}``, while the case is agreed or confirmed
(workflow.AMENDABLE), on both backends. The event holds each field before and after; the
agenda, the 调解协议书 and the audit chain follow the corrected record; a case with no agreement
in force, a closed case and a date before the agreement was reached are refused, nothing
written."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import col, select

from mediation import agenda, audit, committee, steps
from mediation.cases import Agreement, Case
from mediation.core.errors import InvalidInput, PermissionDenied, Refused, UsageError
from mediation.tables import Event
from tests.conftest import Room
from tests.integration.test_documents import add_auditor, after, full_case, print_doc
from tests.integration.test_procedure_steps import at, mediating

FIX = "登记时漏记履行期限"


def _agreements(room: Room, cid: int) -> list[Agreement]:
    with room.uow(write=False) as uow:
        return list(uow.session.exec(select(Agreement).where(Agreement.case_id == cid)
                                     .order_by(col(Agreement.version))).all())


def _version(room: Room, cid: int) -> int:
    with room.uow(write=False) as uow:
        case = uow.session.get(Case, cid)
        assert case is not None
        return case.version


def _events(room: Room) -> int:
    with room.uow(write=False) as uow:
        return len(uow.session.exec(select(Event.seq)).all())


def _last(room: Room, cid: int) -> Event:
    with room.uow(write=False) as uow:
        e = uow.session.exec(select(Event).where(Event.case_id == cid)
                             .order_by(col(Event.seq).desc())).first()
        assert e is not None
        return e


def agreed(room: Room, **kw: object) -> int:
    """A case agreed on 2026-11-03 (local), 500 yuan and no performance deadline."""
    cid = mediating(room)
    at(room, "2026-11-03 10:00")
    done = room.run(steps.agree, None, cid, terms="李四赔偿张三500元", written=True,
                    amount=Decimal("500"), **kw)
    assert any("case amend --agreement-due" in w for w in done.warnings) or "due" in kw
    return cid


def test_the_missing_deadline_is_added_with_before_and_after(room: Room) -> None:
    cid = agreed(room)
    at(room, "2026-11-20 09:00")
    room.run(steps.amend, None, cid, reason=FIX,
             agreement={"due": date(2026, 11, 30), "amount": "1,200.50",
                        "terms": "李四于2026年11月30日前赔偿张三1200.50元"})
    (a,) = _agreements(room, cid)
    assert (a.due, a.amount_fen, a.terms) == (date(2026, 11, 30), 120050,
                                             "李四于2026年11月30日前赔偿张三1200.50元")
    e = _last(room, cid)
    changes = json.loads(e.changes)
    assert e.action == "amend" and e.reason == FIX and e.occurred_at == e.at
    assert changes["agreement_due"] == [None, "2026-11-30"]
    assert changes["agreement_amount"] == ["500.00", "1200.50"]
    # the parties' names masked, as every event is (eventlog.append)
    assert changes["agreement_terms"] == ["李某赔偿张某500元",
                                          "李某于2026年11月30日前赔偿张某1200.50元"]
    assert set(changes) - {"file"} == {"agreement_due", "agreement_amount", "agreement_terms"}
    with room.uow(write=False) as uow:
        assert audit.verify(uow).first is None


def test_confirmed_too_and_the_agenda_reminds_on_the_corrected_date(room: Room) -> None:
    cid = agreed(room, due=date(2026, 12, 31))
    room.run(steps.confirm, None, cid)

    def performance() -> list[date]:
        with room.uow(write=False) as uow:
            return [i.when for i in agenda.agenda(uow, room.director)
                    if i.case_id == cid and i.kind == "performance"]

    at(room, "2026-11-25 09:00")
    assert performance() == []  # 2026-12-31 is still to come
    room.run(steps.amend, None, cid, reason="协议书写明11月20日前履行，登记错误",
             agreement={"due": date(2026, 11, 20)})
    assert performance() == [date(2026, 11, 20)]
    changes = json.loads(_last(room, cid).changes)
    assert {k: v for k, v in changes.items() if k != "file"} == {
        "agreement_due": ["2026-12-31", "2026-11-20"]}


def test_the_printed_agreement_shows_the_corrected_deadline(room: Room, tmp_path: Path
                                                            ) -> None:
    cid = agreed(room)
    room.run(steps.confirm, None, cid)
    path, _ = print_doc(room, room.director, str(cid), "agreement", tmp_path / "a.docx")
    assert after(path, "履行方式、时限：") == "按上述协议内容履行"
    room.run(steps.amend, None, cid, reason=FIX, agreement={"due": date(2027, 1, 15)})
    path, _ = print_doc(room, room.director, str(cid), "agreement", tmp_path / "b.docx")
    assert after(path, "履行方式、时限：") == "于2027年1月15日前履行完毕"


@pytest.mark.parametrize(("due", "allowed"), [
    (date(2026, 11, 2), False), (date(2026, 11, 3), True), (date(2026, 11, 4), True),
    (date(2026, 11, 19), True)])
def test_the_deadline_is_never_before_the_agreement_was_reached(room: Room, due: date,
                                                                allowed: bool) -> None:
    """Not before the day it was reached (2026-11-03), whenever it is corrected: a date
    already past when corrected (11-04, corrected on 11-20) is what the parties agreed."""
    cid = agreed(room)
    at(room, "2026-11-20 09:00")
    before = _version(room, cid)
    if allowed:
        room.run(steps.amend, None, cid, reason=FIX, agreement={"due": due})
        assert _agreements(room, cid)[0].due == due
        return
    with pytest.raises(InvalidInput, match="before the agreement was reached"):
        room.run(steps.amend, None, cid, reason=FIX, agreement={"due": due})
    assert _version(room, cid) == before and _agreements(room, cid)[0].due is None


def test_refused_without_an_agreement_in_force(room: Room) -> None:
    cid = mediating(room)
    with pytest.raises(Refused, match="no agreement in force"):
        room.run(steps.amend, None, cid, reason=FIX, agreement={"due": date(2026, 12, 31)})
    # re-mediated: the old agreement is superseded, kept as it was
    old = agreed(room)
    room.run(steps.confirm, None, old)
    room.run(steps.remediate, None, old, reason="双方同意重新调解", consent=True)
    with pytest.raises(Refused, match="no agreement in force"):
        room.run(steps.amend, None, old, reason=FIX, agreement={"due": date(2026, 12, 31)})
    room.run(steps.agree, None, old, terms="新协议", written=True)
    room.run(steps.amend, None, old, reason=FIX, agreement={"due": date(2026, 12, 31)})
    first, second = _agreements(room, old)
    assert (first.due, second.due) == (None, date(2026, 12, 31))


def test_refused_once_closed(room: Room) -> None:
    n = full_case(room)  # followed up and closed (结案归档)
    events = _events(room)
    with pytest.raises(Refused, match="closed"):
        room.run(steps.amend, None, n, reason=FIX, agreement={"due": date(2027, 1, 1)})
    assert _events(room) == events


def test_bad_values_are_refused_before_anything_is_written(room: Room) -> None:
    cid = agreed(room)
    before = _version(room, cid)
    for agreement, error in (({"terms": "  "}, InvalidInput), ({"amount": "-5"}, InvalidInput),
                             ({"amount": "五百"}, InvalidInput), ({"due": "2026-12-31"},
                                                                 InvalidInput),
                             ({"place": "x"}, UsageError)):
        with pytest.raises(error):
            room.run(steps.amend, None, cid, reason=FIX, agreement=agreement)
    with pytest.raises(InvalidInput, match="nothing changes"):
        room.run(steps.amend, None, cid, reason=FIX, agreement={"amount": Decimal("500")})
    with pytest.raises(Refused, match="reason"):
        room.run(steps.amend, None, cid, reason=" ", agreement={"due": date(2026, 12, 31)})
    assert _version(room, cid) == before


def test_who_may_correct_it_is_who_may_record_it(room: Room) -> None:
    """The permission of ``case agree`` (policy: case.workflow; a mediator on the cases
    assigned to them), no other: the assigned mediator may, another mediator and an auditor
    may not."""
    cid = agreed(room)
    with room.uow(write=False) as uow:
        other = committee.resolve_actor(uow, "zhaomin")
    for actor in (add_auditor(room), other):
        with pytest.raises(PermissionDenied):
            room.run(steps.amend, actor, cid, reason=FIX, agreement={"due": date(2026, 12, 31)})
    room.run(steps.amend, room.mediator, cid, reason=FIX,
             agreement={"due": date(2026, 12, 31)})
    assert _agreements(room, cid)[0].due == date(2026, 12, 31)
    assert _last(room, cid).actor == "liming"

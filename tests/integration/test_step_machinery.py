"""The shared machinery of a step (step_machinery.step, eventlog, storage) on both backends.

A step reads its case with Core and writes the case's changes and the version's compare-and-set
in one UPDATE, the step's own records after it, and the event with Core statements: these tests
pin what that must keep true next to ORM code in the same unit of work.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlmodel import col
from sqlmodel import select as orm_select

from mediation import intake, step_machinery, steps, workflow
from mediation.cases import (
    Case,
    Extension,
    FollowUp,
    JudicialConfirmation,
    MediationSession,
    Party,
    Prevention,
)
from mediation.core.clock import local_date
from mediation.core.commands import Prevent
from mediation.core.errors import ConcurrentUpdate, Conflict, NotFound
from mediation.core.vocab import JudicialResult, PartyRole
from mediation.db import casestore, eventlog
from mediation.db.storage import UnitOfWork
from mediation.tables import Event, LogHead
from tests.conftest import Room, case_record


def _decided(uow: UnitOfWork, case_id: int) -> JudicialConfirmation | None:
    return uow.session.exec(orm_select(JudicialConfirmation).where(
        JudicialConfirmation.case_id == case_id,
        JudicialConfirmation.result != JudicialResult.pending).order_by(
        col(JudicialConfirmation.decided_on).desc(),
        col(JudicialConfirmation.id).desc())).first()


def subject_of(uow: UnitOfWork, case: Case) -> workflow.Subject:
    """Every fact the guards may read about ``case``, one query each: the reference that the
    step's own loading (``casestore.load``: only the facts its trigger's guards need, with the
    case, in one query) is tested against."""
    assert case.id is not None
    roles = uow.session.exec(orm_select(Party.role).where(Party.case_id == case.id)).all()
    agreement = casestore.current_agreement(uow, case.id)
    return workflow.Subject(
        number=case.number,
        state=case.state,
        category=case.category,
        applicants=sum(1 for r in roles if r == PartyRole.applicant),
        respondents=sum(1 for r in roles if r == PartyRole.respondent),
        lead_mediator=case.lead_mediator,
        rights_notified=case.rights_notified_at is not None,
        has_agreement=agreement is not None,
        agreement_effective_on=(
            local_date(agreement.effective_at) if agreement and agreement.effective_at else None
        ),
        judicial_pending=casestore.pending_judicial(uow, case.id) is not None,
        deadline=case.deadline,
        persons_involved=case.persons_involved or 0,
        agreement_form=agreement.form if agreement else None,
        judicial_filed_on=pending.filed_on if (pending := casestore.pending_judicial(
            uow, case.id)) else None,
        judicial_decided=decided.result if (decided := _decided(uow, case.id)) else None,
        judicial_decided_on=decided.decided_on if decided else None,
        sessions=len(uow.session.exec(orm_select(MediationSession.id).where(
            MediationSession.case_id == case.id)).all()),
        extensions=len(uow.session.exec(orm_select(Extension.id).where(
            Extension.case_id == case.id)).all()),
        visits=len(uow.session.exec(orm_select(FollowUp.id).where(
            FollowUp.case_id == case.id)).all()),
        settings=casestore.procedure_settings(uow, case.committee_id),
    )

def new_case(room: Room) -> int:
    result = room.run(intake.new_case, None, intake.parse_case(case_record()))
    return int(result["id"])


def _bump_behind_our_back(uow: UnitOfWork, case_id: int) -> None:
    """What a terminal that committed first would have done: the version moved on."""
    uow.conn.execute(text("UPDATE cases SET version = version + 1 WHERE id = :id"),
                     {"id": case_id})


@pytest.mark.parametrize("expected", [None, 1])
def test_a_version_moved_on_before_the_compare_and_set_writes_nothing(
        room: Room, expected: int | None) -> None:
    cid = new_case(room)
    with room.uow() as uow:
        def apply(case: Case) -> step_machinery.Changes:
            uow.session.add(Prevention(case_id=cid, kind="suicide", persons=1,
                                       recorded_at=uow.now(), recorded_by="wangfang"))
            # a query in apply does not flush what apply added before the compare-and-set
            assert uow.session.execute(select(func.count()).select_from(Prevention)).scalar() == 0
            _bump_behind_our_back(uow, cid)
            return {}

        with pytest.raises(Conflict, match="now version 2") as refused:
            step_machinery.step(uow, room.director, cid, Prevent(kind="suicide", persons=1),
                                apply, expected_version=expected)
        # retryable (storage.transaction runs it again) only when the caller named no version
        assert type(refused.value) is (ConcurrentUpdate if expected is None else Conflict)
        assert uow.conn.execute(select(func.count()).select_from(Prevention)).scalar() == 0


def test_a_step_writes_exactly_the_columns_apply_changed(room: Room) -> None:
    cid = new_case(room)
    with room.uow(write=False) as uow:
        before = uow.conn.execute(select(Case.__table__).where(  # type: ignore[attr-defined]
            Case.__table__.c.id == cid)).one()._asdict()  # type: ignore[attr-defined]
    room.run(steps.accept, None, cid)
    with room.uow(write=False) as uow:
        after = uow.conn.execute(select(Case.__table__).where(  # type: ignore[attr-defined]
            Case.__table__.c.id == cid)).one()._asdict()  # type: ignore[attr-defined]
    changed = {k for k in before if before[k] != after[k]}
    assert changed == {"state", "version", "accepted_at", "deadline"}
    assert (after["state"], after["version"]) == ("accepted", 2)
    assert after["deadline"] > after["accepted_at"] == room.clock.now


def test_the_session_sees_a_case_a_step_changed_in_the_same_unit_of_work(room: Room) -> None:
    cid = new_case(room)
    with room.uow() as uow:
        held = casestore.find(uow, room.director, cid)  # an ORM copy, as mediate loads one
        assert (held.state, held.version) == ("intake", 1)
        steps.accept(uow, room.director, cid)
        again = casestore.find(uow, room.director, cid)
        assert again is held and (again.state, again.version) == ("accepted", 2)
        steps.mediate(uow, room.director, cid, mediator="liming", rights_notified=True)
        assert casestore.find(uow, room.director, cid).state == "mediating"
        uow.commit()
    with room.uow(write=False) as uow:
        case = casestore.find(uow, room.director, cid)
        assert (case.state, case.version, case.lead_mediator) == ("mediating", 3, "liming")


def test_a_case_is_found_by_number_and_only_in_the_actor_committee(room: Room) -> None:
    cid = new_case(room)
    with room.uow(write=False) as uow:
        number = casestore.find(uow, room.director, cid).number
    assert room.run(steps.accept, None, f" {number} ").id == cid
    outsider = room.director.__class__(username="x", name="x", role="director",
                                       committee_id=room.director.committee_id + 1)
    with pytest.raises(NotFound, match="no case"):
        room.run(steps.terminate, outsider, cid, reason="no_agreement", advice="起诉")


def test_the_log_head_a_session_holds_follows_core_appends(room: Room) -> None:
    with room.uow() as uow:
        s = uow.session
        eventlog.ensure_head(s)
        held = s.get(LogHead, 1)
        assert held is not None
        seq = held.seq
        event = eventlog.append(s, at=uow.now(), actor="wangfang", role="director",
                                action="test")
        assert event.seq == seq + 1
        assert s.get(LogHead, 1) is held and held.seq == seq + 1 and held.hash == event.hash
        assert eventlog.head(s) == eventlog.head(uow.conn) == (seq + 1, event.hash)


def test_events_appended_through_session_and_connection_share_one_chain(room: Room) -> None:
    cid = new_case(room)
    with room.uow() as uow:
        a = eventlog.append(uow.session, at=uow.now(), actor="wangfang", role="director",
                            action="test")
        result = steps.accept(uow, room.director, cid)
        b = eventlog.append(uow.conn, at=uow.now(), actor="wangfang", role="director",
                            action="test")
        uow.commit()
    assert result.event == a.seq + 1 and b.seq == a.seq + 2
    from mediation import integrity

    with room.uow(write=False) as uow:
        assert all(c.ok for c in integrity.check(uow))


@pytest.mark.postgres
@pytest.mark.parametrize("idle_ping", [True, False])
def test_a_pooled_connection_dropped_while_idle_is_replaced(
        pg_url: str, monkeypatch: pytest.MonkeyPatch, idle_ping: bool) -> None:
    """PostgreSQL: a connection the server dropped while it sat in the pool is pinged and
    replaced once it has been idle long enough (the companion case shows the ping is what
    saves it)."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    from mediation.db import engines
    from tests.pg import ADMIN_URL

    engine = engines.engine_for(pg_url)
    with UnitOfWork(engine, write=False) as uow:
        pid = uow.conn.execute(text("SELECT pg_backend_pid()")).scalar()
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()
    monkeypatch.setattr(engines, "PING_AFTER_IDLE_SECONDS", 0.0 if idle_ping else 3600.0)
    if idle_ping:
        with UnitOfWork(engine, write=False) as uow:
            assert uow.conn.execute(text("SELECT pg_backend_pid()")).scalar() != pid
    else:
        with pytest.raises(OperationalError), UnitOfWork(engine, write=False) as uow:
            uow.conn.execute(text("SELECT 1"))


def test_a_write_transaction_blocked_past_busy_timeout_is_a_retryable_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite: BEGIN IMMEDIATE goes straight to the driver; when another writer holds the
    database past busy_timeout, the failure is still SQLAlchemy's OperationalError, which
    storage.transaction retries and finally reports as Busy."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from mediation.core.errors import Busy
    from mediation.db.engines import create_schema, engine_for
    from mediation.db.storage import retryable, transaction

    # every connection of this engine gives up after 50 ms (a failed one is replaced by a new
    # connection, which would otherwise wait the real 30 s)
    monkeypatch.setattr("mediation.db.engines.BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "locked.db"
    engine = engine_for("sqlite:///" + str(path))
    create_schema(engine)
    with engine.connect() as conn:  # the pool's one connection: give up after 50 ms
        conn.connection.dbapi_connection.execute("PRAGMA busy_timeout=50")  # type: ignore[union-attr]
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="database is locked") as locked:
            with UnitOfWork(engine):
                pass
        assert retryable(locked.value)
        with pytest.raises(Busy):
            transaction(engine, lambda uow: None, attempts=2)
        with UnitOfWork(engine, write=False) as uow:  # readers are not blocked (WAL)
            assert uow.conn.execute(text("SELECT count(*) FROM cases")).scalar() == 0
    finally:
        other.rollback()
        other.close()
    with UnitOfWork(engine) as uow:
        uow.commit()


def test_the_facts_a_step_loads_are_those_subject_of_computes(room: Room) -> None:
    """casestore.load reads each trigger's facts in one SQL statement; subject_of reads every fact
    with the ORM, one query each: at every stage of a case's life they agree."""
    from dataclasses import fields
    from datetime import timedelta

    cid = new_case(room)

    def agree() -> None:
        with room.uow(write=False) as uow:
            for trigger in workflow.TRIGGERS:
                for actor in (room.director, room.mediator):
                    case, loaded, assigned = casestore.load(uow, actor, cid, trigger)
                    full = subject_of(uow, casestore.find(uow, room.director, cid))
                    for f in fields(workflow.Subject):
                        if f.name in workflow.ROW_FACTS | workflow.facts(trigger):
                            assert getattr(loaded, f.name) == getattr(full, f.name), (trigger,
                                                                                      f.name)
                    if actor is room.mediator:
                        assert assigned == ({actor.username}
                                            & casestore.assigned_to(uow, cid))
                    assert case.version == full_version(uow)

    def full_version(uow: UnitOfWork) -> int:
        return casestore.find(uow, room.director, cid).version

    agree()
    room.run(steps.accept, None, cid)
    agree()
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    agree()
    room.run(steps.extend, None, cid, days=10, reason="等待材料", consent=True)
    room.run(steps.session, None, cid, minutes="双方陈述")
    agree()
    room.run(steps.agree, None, cid, terms="赔偿500元", written=True)
    agree()
    room.run(steps.confirm, None, cid)
    agree()
    room.clock.advance(days=1)
    room.run(steps.judicial, None, cid, court="岳麓区人民法院",
             filed_on=(room.clock.now + timedelta(hours=8)).date())
    agree()
    room.run(steps.remediate, None, cid, reason="显失公平", consent=True)
    agree()
    room.run(steps.agree, None, cid, terms="赔偿600元", written=True)
    agree()


def _agreed_case(room: Room) -> int:
    cid = new_case(room)
    room.run(steps.accept, None, cid)
    room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
    room.run(steps.session, None, cid, minutes="双方陈述")
    room.run(steps.agree, None, cid, terms="李四于十日内赔偿张三500元。", written=True)
    return cid


def test_a_step_happens_at_one_instant(room: Room) -> None:
    """Every timestamp a step writes is the event's: statistics counted by the case's
    milestones (first_concluded_at, accepted_at, ...) then equal a replay of the events, even
    at midnight at the end of a month."""
    cid = _agreed_case(room)
    ticks = [room.clock()]

    def ticking() -> Any:
        ticks.append(ticks[-1] + timedelta(seconds=1))
        return ticks[-1]

    with UnitOfWork(room.engine, clock=ticking) as uow:
        steps.confirm(uow, room.director, cid)
        uow.commit()
    with room.uow(write=False) as uow:
        at = uow.conn.execute(select(Event.__table__.c.at).where(  # type: ignore[attr-defined]
            Event.__table__.c.case_id == cid).order_by(  # type: ignore[attr-defined]
            Event.__table__.c.seq.desc())).scalar()  # type: ignore[attr-defined]
        case = uow.conn.execute(select(Case.__table__).where(  # type: ignore[attr-defined]
            Case.__table__.c.id == cid)).one()  # type: ignore[attr-defined]
    assert case.confirmed_at == case.first_confirmed_at == at


@pytest.mark.parametrize("expected", [None, 4])
def test_a_record_a_concurrent_step_took_away_is_refused_as_stale(
        room: Room, monkeypatch: pytest.MonkeyPatch, expected: int | None) -> None:
    """On PostgreSQL (READ COMMITTED) a remediate committed between reading the case and
    ``apply`` removes the agreement ``confirm`` relies on: a clean refusal, retried when no
    version was named, never an AssertionError."""
    cid = _agreed_case(room)
    monkeypatch.setattr(casestore, "current_agreement", lambda uow, case_id: None)
    with room.uow() as uow:
        with pytest.raises(Conflict) as refused:
            steps.confirm(uow, room.director, cid, expected_version=expected)
        assert type(refused.value) is (ConcurrentUpdate if expected is None else Conflict)
        assert uow.conn.execute(select(func.count()).select_from(
            Event.__table__).where(  # type: ignore[attr-defined]
            Event.__table__.c.action == "confirm")).scalar() == 0  # type: ignore[attr-defined]

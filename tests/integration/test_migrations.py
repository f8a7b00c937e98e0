"""Alembic migrations on both backends: no drift from the models, data kept across upgrades."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from alembic import command
from sqlalchemy import inspect, text
from sqlmodel import SQLModel, col, select

from mediation import committee, intake, steps
from mediation.cases import Case, CaseIn
from mediation.core import periods
from mediation.db import migrate
from mediation.db.engines import create_schema, engine_for
from mediation.db.storage import UnitOfWork
from mediation.tables import Event
from tests.conftest import Clock, case_record


def test_migrated_schema_equals_the_models(db_url: str) -> None:
    engine = engine_for(db_url)
    create_schema(engine)
    assert migrate.current(engine) == migrate.head()
    assert migrate.drift(engine) == []
    assert migrate.status(engine)["pending"] == []


def test_upgrade_from_the_first_revision_keeps_the_data(db_url: str) -> None:
    """Data written through today's models (which name every column of the newest revision),
    taken down to the first revision and upgraded again: nothing is lost on the way."""
    engine = engine_for(db_url)
    create_schema(engine)
    with UnitOfWork(engine) as uow:
        committee.init_committee(uow, name="老城区人民调解委员会", prefix="老",
                                 director="wangfang")
        actor = committee.resolve_actor(uow, "wangfang")
        made = intake.new_case(uow, actor, CaseIn.model_validate(case_record()))
        uow.commit()
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0001")
    assert migrate.current(engine) == "0001"
    names = {ix["name"] for ix in inspect(engine).get_indexes("cases")}
    assert "ix_cases_committee_state_deadline" not in names

    assert migrate.upgrade(engine) == ("0001", migrate.head())
    names = {ix["name"] for ix in inspect(engine).get_indexes("cases")}
    assert "ix_cases_committee_state_deadline" in names
    assert migrate.drift(engine) == []
    with UnitOfWork(engine, write=False) as uow:
        case = uow.session.exec(select(Case)).one()
        assert (case.id, case.number, case.state) == (made["id"], made["number"], "intake")
        assert len(uow.session.exec(select(Event)).all()) == 2  # init + new


def test_upgrade_to_0005_backfills_the_milestones_from_the_event_log(db_url: str) -> None:
    """Histories made through the services, the milestone columns dropped (downgrade to 0004),
    then upgraded again: the backfill from the event log gives what the steps had set."""
    engine = engine_for(db_url)
    create_schema(engine)
    clock = Clock(datetime(2026, 3, 1, 2, 0))
    with UnitOfWork(engine, clock=clock) as uow:
        committee.init_committee(uow, name="老城区人民调解委员会", prefix="老",
                                 director="wangfang")
        uow.commit()

    def run(fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        clock.advance(hours=7)
        with UnitOfWork(engine, clock=clock) as uow:
            actor = committee.resolve_actor(uow, "wangfang")
            out = fn(uow, actor, *args, **kw)
            uow.commit()
        return out

    def new() -> int:
        return int(run(intake.new_case, CaseIn.model_validate(case_record()), force=True)["id"])

    terms = {"terms": "赔偿并道歉。"}
    again = {"reason": "协议显失公平", "consent": True}
    stop = {"reason": "no_agreement", "advice": "可向法院起诉"}
    plans: list[list[tuple[Callable[..., Any], dict[str, Any]]]] = [
        # oral agreement, confirmed, re-mediated, written agreement, confirmed again
        [(steps.accept, {}), (steps.mediate, {"mediator": "wangfang", "rights_notified": True}),
         (steps.session, {"minutes": "双方陈述。"}), (steps.agree, {**terms, "written": False}),
         (steps.confirm, {}),
         (steps.remediate, again), (steps.agree, {**terms, "written": True}),
         (steps.confirm, {})],
        # written agreement re-mediated before confirmation, then terminated
        [(steps.accept, {}), (steps.mediate, {"mediator": "wangfang", "rights_notified": True}),
         (steps.session, {"minutes": "双方陈述。"}), (steps.agree, {**terms, "written": True}),
         (steps.remediate, again),
         (steps.terminate, stop)],
        [(steps.accept, {}), (steps.terminate, stop)],  # terminated
        [(steps.accept, {})],  # still open
        [],  # only registered
    ]
    for plan in plans:
        cid = new()
        for fn, kw in plan:
            run(fn, cid, **kw)
    columns = ("first_concluded_at", "first_outcome", "first_confirmed_at")

    def milestones() -> list[tuple[Any, ...]]:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(
                text("SELECT id, " + ", ".join(columns) + " FROM cases ORDER BY id"))]

    made = milestones()
    assert [m[2] for m in made] == ["oral", "written", "termination", None, None]
    assert made[0][3] is not None and made[1][3] is None
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0004")
    assert not set(columns) & {c["name"] for c in inspect(engine).get_columns("cases")}
    assert migrate.upgrade(engine) == ("0004", migrate.head())
    assert migrate.drift(engine) == []
    assert milestones() == made


def test_a_database_made_before_migrations_is_stamped_then_upgraded(tmp_path: Any) -> None:
    engine = engine_for("sqlite:///" + str(tmp_path / "legacy.db"))
    later = {"access_token", "credential", "sweep", "lead", "stat_month",  # later revisions
             "urging", "feedback", "kept_value"}
    SQLModel.metadata.create_all(  # what the core did before Alembic
        engine, tables=[t for t in SQLModel.metadata.sorted_tables if t.name not in later])
    with engine.begin() as conn:  # columns that came with later revisions (0005)
        for column in ("first_concluded_at", "first_outcome", "first_confirmed_at"):
            conn.execute(text(f"ALTER TABLE cases DROP COLUMN {column}"))
        for column in ("occurred_at", "content_version"):  # 0010
            conn.execute(text(f"ALTER TABLE event DROP COLUMN {column}"))
        conn.execute(text("ALTER TABLE cases DROP COLUMN withdrawn_at"))  # 0011
        conn.execute(text("ALTER TABLE cases DROP COLUMN fed_back_at"))  # 0020
        for column in ("representative_name", "representative_title",  # 0025
                       "guardian_id_number", "guardian_id_hash"):  # 0026
            conn.execute(text(f"ALTER TABLE party DROP COLUMN {column}"))
        for column in ("visited", "measures", "escalation"):  # 0015
            conn.execute(text(f"ALTER TABLE follow_up DROP COLUMN {column}"))
    assert migrate.current(engine) is None
    assert migrate.upgrade(engine) == ("0001", migrate.head())
    assert migrate.drift(engine) == []


def test_cli_init_migrates_and_db_commands_report(cli: Callable[..., Any]) -> None:
    r = cli("db", "current", "--json")
    if not os.environ["MEDIATION_DB"].startswith("postgresql"):
        # SQLite: a read command never creates a database (issue 14); it names the missing file
        assert r.code == 1, r.err
        assert "no database at" in r.err and "mediation init" in r.err, r.err
    else:  # PostgreSQL: the (empty) database exists, at no revision yet
        assert r.code == 0 and json.loads(r.out)["current"] is None, r.err
    r = cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙")
    assert r.code == 0, r.err
    info = json.loads(cli("db", "status", "--json").out)
    assert info["current"] == migrate.head() and info["pending"] == [] and info["drift"] == []
    r = cli("--lang", "zh", "db", "upgrade")
    assert r.code == 0 and migrate.head() in r.out
    r = cli("db", "status")
    assert r.code == 0 and "Up to date." in r.out


def test_amounts_up_to_the_bound_are_stored_and_summed_on_both_backends(db_url: str) -> None:
    """Migration 0006: amounts in fen are 64-bit on both backends. The largest amount accepted
    (money.MAX_AMOUNT_FEN) is stored exactly, above PostgreSQL's old 32-bit INTEGER, and a
    SUM over many of them is exact; one fen more is refused before anything is written."""
    import pytest

    from mediation.core import money
    from mediation.core.clock import local_date
    from mediation.core.errors import InvalidInput
    from mediation.reporting import stats

    engine = engine_for(db_url)
    create_schema(engine)
    top = money.MAX_AMOUNT_YUAN
    with UnitOfWork(engine) as uow:
        committee.init_committee(uow, name="老城区人民调解委员会", prefix="老",
                                 director="wangfang")
        actor = committee.resolve_actor(uow, "wangfang")
        for _ in range(3):
            intake.new_case(uow, actor, CaseIn.model_validate(case_record(amount=str(top))),
                            force=True)
        uow.commit()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sum(amount_fen) FROM cases")).scalar_one() == \
            3 * money.MAX_AMOUNT_FEN
    with pytest.raises(InvalidInput, match=r"1,000,000,000\.00"):
        intake.parse_case(case_record(amount=str(top + Decimal("0.01"))))
    with UnitOfWork(engine, write=False) as uow:  # the statistics' SQL sums read them
        actor = committee.resolve_actor(uow, "wangfang")
        this_year = periods.year(local_date(uow.now()).year)
        assert stats.compute(uow, actor, this_year).intake == 3


def test_upgrade_to_0006_keeps_amounts_and_widens_them(db_url: str) -> None:
    engine = engine_for(db_url)
    create_schema(engine)
    with UnitOfWork(engine) as uow:
        committee.init_committee(uow, name="老城区人民调解委员会", prefix="老",
                                 director="wangfang")
        actor = committee.resolve_actor(uow, "wangfang")
        intake.new_case(uow, actor, CaseIn.model_validate(case_record(amount="21474836.47")))
        uow.commit()
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0005")
    assert migrate.upgrade(engine) == ("0005", migrate.head())
    assert migrate.drift(engine) == []
    big = 5_000_000_000_00  # ¥5,000,000,000 in fen: beyond 32 bits
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET amount_fen = amount_fen + :big"), {"big": big})
        assert conn.execute(text("SELECT amount_fen FROM cases")).scalar_one() == \
            2_147_483_647 + big


def test_upgrade_to_0010_backfills_occurred_at_and_old_events_still_verify(db_url: str) -> None:
    """Issue 15: events written before 0010 (content version 1) get occurred_at = at and keep
    verifying as they were hashed; events written after carry both times (version 2)."""
    from mediation import audit
    from mediation.db import eventlog

    engine = engine_for(db_url)
    migrate.upgrade(engine, "0009")
    prev = eventlog.GENESIS
    with engine.begin() as conn:
        for seq in (1, 2):
            at = datetime(2026, 11, seq, 2, 0, 0, 5)
            content = eventlog.content_text(seq, at, None, None, "admin", "admin", "init",
                                            None, None, None, None, "{}")
            h = eventlog.chain_hash(prev, content)
            conn.execute(text(
                "INSERT INTO event (seq, at, actor, role, action, changes, prev_hash, hash) "
                "VALUES (:seq, :at, 'admin', 'admin', 'init', '{}', :prev, :h)"),
                {"seq": seq, "at": at, "prev": prev, "h": h})
            prev = h
        conn.execute(text("INSERT INTO log_head (id, seq, hash) VALUES (1, 2, :h)"), {"h": prev})
    assert migrate.upgrade(engine) == ("0009", migrate.head())
    assert migrate.drift(engine) == []
    with UnitOfWork(engine) as uow:
        rows = uow.session.exec(select(Event).order_by(col(Event.seq))).all()
        assert [(e.occurred_at, e.content_version) for e in rows] == [
            (e.at, 1) for e in rows]
        committee.init_committee(uow, name="老城区人民调解委员会", prefix="老",
                                 director="wangfang")
        uow.commit()
    with UnitOfWork(engine, write=False) as uow:
        last = uow.session.exec(select(Event).order_by(col(Event.seq).desc())).first()
        assert last is not None and last.content_version == 2 and last.occurred_at == last.at
        assert audit.verify(uow).first is None

"""Alembic migrations on both backends: no drift from the models, data kept across upgrades."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import inspect
from sqlmodel import SQLModel, select

from mediation import committee, intake, migrate
from mediation.cases import Case, CaseIn, Event
from mediation.storage import UnitOfWork, create_schema, engine_for
from tests.conftest import case_record


def test_migrated_schema_equals_the_models(db_url: str) -> None:
    engine = engine_for(db_url)
    create_schema(engine)
    assert migrate.current(engine) == migrate.head()
    assert migrate.drift(engine) == []
    assert migrate.status(engine)["pending"] == []


def test_upgrade_from_the_first_revision_keeps_the_data(db_url: str) -> None:
    engine = engine_for(db_url)
    before, after = migrate.upgrade(engine, "0001")
    assert (before, after) == (None, "0001")
    names = {ix["name"] for ix in inspect(engine).get_indexes("cases")}
    assert "ix_cases_committee_state_deadline" not in names
    with UnitOfWork(engine) as uow:
        committee.init_committee(uow, name="老城区人民调解委员会", prefix="老",
                                 director="wangfang")
        actor = committee.resolve_actor(uow, "wangfang")
        made = intake.new_case(uow, actor, CaseIn.model_validate(case_record()))
        uow.commit()

    assert migrate.upgrade(engine) == ("0001", migrate.head())
    names = {ix["name"] for ix in inspect(engine).get_indexes("cases")}
    assert "ix_cases_committee_state_deadline" in names
    assert migrate.drift(engine) == []
    with UnitOfWork(engine, write=False) as uow:
        case = uow.session.exec(select(Case)).one()
        assert (case.id, case.number, case.state) == (made["id"], made["number"], "intake")
        assert len(uow.session.exec(select(Event)).all()) == 2  # init + new


def test_a_database_made_before_migrations_is_stamped_then_upgraded(tmp_path: Any) -> None:
    engine = engine_for("sqlite:///" + str(tmp_path / "legacy.db"))
    later = {"access_token", "credential"}  # tables that came with later revisions
    SQLModel.metadata.create_all(  # what the core did before Alembic
        engine, tables=[t for t in SQLModel.metadata.sorted_tables if t.name not in later])
    assert migrate.current(engine) is None
    assert migrate.upgrade(engine) == ("0001", migrate.head())
    assert migrate.drift(engine) == []


def test_cli_init_migrates_and_db_commands_report(cli: Callable[..., Any]) -> None:
    r = cli("db", "current", "--json")
    assert r.code == 0 and json.loads(r.out)["current"] is None
    r = cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙")
    assert r.code == 0, r.err
    info = json.loads(cli("db", "status", "--json").out)
    assert info["current"] == migrate.head() and info["pending"] == [] and info["drift"] == []
    r = cli("--lang", "zh", "db", "upgrade")
    assert r.code == 0 and migrate.head() in r.out
    r = cli("db", "status")
    assert r.code == 0 and "Up to date." in r.out

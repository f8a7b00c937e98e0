"""Issue 11, revision 0013: rows stored before this version are brought to the form intake stores
today, on SQLite and PostgreSQL: persons' names in their one normal form (so the duplicate check
finds them), numbers in the free text of leads and sweeps scrubbed, and the case file still
replays from the event log (``audit verify``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import col, select

from mediation import audit, intake, leads, sweeps
from mediation.cases import Party
from mediation.committee import init_committee, resolve_actor
from mediation.core import redaction
from mediation.core.errors import DuplicateSuspected
from mediation.db import migrate
from mediation.db.engines import create_schema, engine_for
from mediation.db.storage import UnitOfWork
from mediation.tables import Event, Lead, Sweep
from tests.conftest import Clock

OLD_NAMES = ["阿依古丽 • 买买提", "张 三"]
NORMAL = ["阿依古丽·买买提", "张三"]


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, db_url: str) -> Iterator[str]:
    if request.param == "sqlite":
        yield db_url
    else:
        from tests.pg import fresh_database

        with fresh_database() as pg:
            yield pg


def _record(names: list[str]) -> dict[str, Any]:
    return {
        "category": "02", "source": "application",
        "summary": "邻里漏水纠纷。", "requests": "赔偿维修费用。", "amount": 500,
        "parties": [
            {"role": "applicant", "kind": "person", "name": names[0], "sex": "female"},
            {"role": "respondent", "kind": "person", "name": names[1], "sex": "male",
             "birth_date": "2014-03-01", "guardian": {"name": "王 五", "relation": "父亲"}},
            {"role": "respondent", "kind": "organisation", "name": "长沙 物业 公司"},
        ],
    }


def test_upgrade_to_0013_normalises_names_stored_before(url: str,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_for(url)
    create_schema(engine)
    clock = Clock()
    # What a version before issue 11 stored: names as typed, numbers in leads' text as typed.
    with monkeypatch.context() as m:
        m.setattr(redaction, "normal_name", lambda name: name)
        m.setattr(redaction, "scrub", lambda value: value)
        with UnitOfWork(engine, clock=clock) as uow:
            init_committee(uow, name="龙王港社区人民调解委员会", prefix="龙",
                           director="wangfang")
            director = resolve_actor(uow, "wangfang")
            intake.new_case(uow, director, intake.parse_case(_record(OLD_NAMES)))
            leads.report(uow, director, place="桐梓坡路8栋", seen="两户争吵，电话 138 1234 5678")
            sweeps.record(uow, director, area="桐梓坡小区", by="李明", found=1,
                          note="联系人 +86 139-8765-4321")
            uow.commit()
    with UnitOfWork(engine, write=False) as uow:
        stored = [p.name for p in uow.session.exec(select(Party).order_by(col(Party.id)))]
        assert stored[:2] == OLD_NAMES
        assert audit.verify(uow).first is None
    with engine.begin() as conn:
        command.stamp(migrate.alembic_config(conn), "0012")

    # The data was made with today's schema, so only this revision is run over it (later ones
    # change the schema, which is there already), then the database is at the head again.
    assert migrate.upgrade(engine, "0013") == ("0012", "0013")
    with engine.begin() as conn:
        command.stamp(migrate.alembic_config(conn), migrate.head())
    assert migrate.drift(engine) == []

    with UnitOfWork(engine, write=False) as uow:
        parties = uow.session.exec(select(Party).order_by(col(Party.id))).all()
        assert [p.name for p in parties] == [*NORMAL, "长沙物业公司"]  # as PartyIn stores it
        assert parties[1].guardian_name == "王五"
        events = uow.session.exec(select(Event).where(
            Event.action == "names_normalised")).all()
        assert len(events) == 1 and events[0].case_id == 1 and events[0].role == "system"
        fields = json.loads(events[0].changes or "{}")["fields"][1]
        assert fields == ["party.guardian_name", "party.name"]
        assert "阿依古丽" not in (events[0].changes or "")  # the log holds no name in clear
        # The case file still replays from the event log to its rows.
        assert audit.verify(uow).first is None
        lead = uow.session.exec(select(Lead)).one()
        assert "1234 5678" not in lead.seen and "138" in lead.seen
        sweep = uow.session.exec(select(Sweep)).one()
        assert sweep.note is not None and "8765-4321" not in sweep.note
    # The duplicate check now finds the case typed in the normal form.
    with UnitOfWork(engine, clock=clock) as uow:
        director = resolve_actor(uow, "wangfang")
        with pytest.raises(DuplicateSuspected):
            intake.new_case(uow, director, intake.parse_case(_record(NORMAL)))
    # Safe to run again: nothing changes, no event.
    from mediation.db.migrations.versions import v0013_names_in_normal_form as v0013

    with engine.begin() as conn:
        assert v0013.normalise_names(conn) == 0
        assert conn.execute(text("SELECT count(*) FROM event WHERE action = 'names_normalised'")
                            ).scalar_one() == 1

"""A district administrator on a shared database (SQLite and PostgreSQL): committees and staff,
no case content; sign-in across committees (issue 6)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mediation import intake, queries
from mediation.access import signin
from mediation.access.policy import Actor
from mediation.committee import (
    add_committee,
    add_staff,
    init_committee,
    list_committees,
    list_staff,
    resolve_actor,
    set_staff,
)
from mediation.core.errors import PermissionDenied
from mediation.db.storage import UnitOfWork, create_schema, engine_for
from tests.access_world import case_record
from tests.conftest import Clock


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, db_url: str) -> Iterator[str]:
    if request.param == "sqlite":
        yield db_url
    else:
        from tests.pg import fresh_database

        with fresh_database() as pg:
            yield pg


def test_district_administrator(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(signin.FAST_ENV, "1")
    engine = engine_for(url)
    create_schema(engine)
    clock = Clock()

    def uow() -> UnitOfWork:
        return UnitOfWork(engine, clock=clock)

    def actor(user: str, password: str) -> Actor:
        """Signed in: on a committee that requires sign-in a bare user name names nobody."""
        with uow() as u:
            with pytest.raises(PermissionDenied, match="requires sign-in"):
                resolve_actor(u, user)
            token = signin.login(u, user, password)["token"]
            u.commit()
        with uow() as u:
            return signin.actor_for(u, user=None, token=token)

    with uow() as u:
        init_committee(u, name="岳麓区司法局", prefix="岳", director="qu", admin=True,
                       login_required=True, password="admin-password")
        u.commit()
    admin = actor("qu", "admin-password")
    assert admin.role == "admin"
    with uow() as u:
        add_committee(u, admin, name="龙王港社区人民调解委员会", prefix="龙", director="wangfang",
                      password="director-pass")
        add_committee(u, admin, name="桐梓坡社区人民调解委员会", prefix="桐", director="liufang",
                      password="director-pass")
        add_staff(u, admin, username="liming", name="李明", role="mediator", committee="龙",
                  password="mediator-pass")
        u.commit()
    with uow() as u:
        token = signin.login(u, "wangfang", "director-pass")["token"]
        u.commit()
    with uow() as u:
        director = signin.actor_for(u, user=None, token=token)
        intake.new_case(u, director, intake.parse_case(case_record()))
        # a director staffs their own committee only, and never creates administrators
        with pytest.raises(PermissionDenied, match=r"committee\.admin"):
            add_staff(u, director, username="x1", name="某", role="clerk", committee="桐")
        with pytest.raises(PermissionDenied, match="may not give"):
            add_staff(u, director, username="x2", name="某", role="admin", password="p" * 8)
        with pytest.raises(PermissionDenied, match=r"committee\.admin"):
            list_committees(u, director)
        u.commit()
    with uow() as u:
        rows = {r["prefix"]: r for r in list_committees(u, admin)}
        assert rows["龙"]["cases"] == 1 and rows["龙"]["staff"] == 2
        assert all(r["login_required"] for r in rows.values())
        assert [s["username"] for s in list_staff(u, admin, committee="桐")] == ["liufang"]
        for fn in (queries.list_cases,):
            with pytest.raises(PermissionDenied, match=r"case\.read"):
                fn(u, admin)
        with pytest.raises(PermissionDenied, match=r"case\.read"):
            queries.case_view(u, admin, 1)
        set_staff(u, admin, "liming", active=False, committee="龙")
        u.commit()
    with uow() as u, pytest.raises(PermissionDenied, match="disabled"):
        signin.login(u, "liming", "mediator-pass")
    for _ in range(signin.MAX_FAILURES):
        with uow() as u, pytest.raises(PermissionDenied):
            signin.login(u, "liufang", "not-the-password")
    with uow() as u, pytest.raises(PermissionDenied, match="locked"):
        signin.login(u, "liufang", "director-pass")
    clock.advance(minutes=signin.LOCKOUT_MINUTES)
    with uow() as u:
        assert signin.login(u, "liufang", "director-pass")["user"] == "liufang"

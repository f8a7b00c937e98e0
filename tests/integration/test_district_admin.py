"""A district administrator on a shared database (SQLite and PostgreSQL): committees and staff,
no case content; sign-in across committees (issue 6)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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
from mediation.core.errors import InvalidInput, PermissionDenied
from mediation.db.engines import create_schema, engine_for
from mediation.db.storage import UnitOfWork
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
    with uow() as u:  # the administrator's accounts get one-time codes, never passwords
        codes = {r["username"]: r["one_time_code"] for r in (
            add_committee(u, admin, name="龙王港社区人民调解委员会", prefix="龙",
                          director="wangfang"),
            add_committee(u, admin, name="桐梓坡社区人民调解委员会", prefix="桐",
                          director="liufang"),
            add_staff(u, admin, username="liming", name="李明", role="mediator",
                      committee="龙"))}
        u.commit()
    with uow() as u, pytest.raises(signin.PasswordChangeRequired):
        signin.login(u, "wangfang", codes["wangfang"])
    with uow() as u:
        token = signin.login(u, "wangfang", codes["wangfang"], "director-pass")["token"]
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
        signin.login(u, "liming", codes["liming"], "mediator-pass")
    for _ in range(signin.MAX_FAILURES):
        with uow() as u, pytest.raises(PermissionDenied):
            signin.login(u, "liufang", "not-the-password")
    with uow() as u, pytest.raises(PermissionDenied, match="locked"):
        signin.login(u, "liufang", codes["liufang"], "director-pass")
    clock.advance(minutes=signin.LOCKOUT_MINUTES)
    with uow() as u:
        assert signin.login(u, "liufang", codes["liufang"], "director-pass")["user"] == "liufang"


def test_the_administrator_cannot_act_as_an_account(url: str,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 11: an account the administrator creates or resets chooses its own password from a
    one-time code; the administrator sets no password and creates no token for it; a reset ends
    the account's sessions; the director is shown each such act at their next sign-in."""
    monkeypatch.setenv(signin.FAST_ENV, "1")
    engine = engine_for(url)
    create_schema(engine)
    clock = Clock()

    def uow() -> UnitOfWork:
        return UnitOfWork(engine, clock=clock)

    def login(user: str, password: str, new: str | None = None) -> dict[str, Any]:
        with uow() as u:
            result = signin.login(u, user, password, new)
            u.commit()
            return result

    def act(token: str) -> Actor:
        with uow() as u:
            return signin.actor_for(u, user=None, token=token)

    with uow() as u:
        init_committee(u, name="岳麓区司法局", prefix="岳", director="qu", admin=True,
                       login_required=True, password="admin-password")
        u.commit()
    admin = act(login("qu", "admin-password")["token"])
    with uow() as u:
        code = add_committee(u, admin, name="龙王港社区人民调解委员会", prefix="龙",
                             director="wangfang")["one_time_code"]
        u.commit()
    director_token = login("wangfang", code, "director-pass")["token"]
    director = act(director_token)
    with uow() as u:
        with pytest.raises(InvalidInput, match="one-time code"):
            add_staff(u, admin, username="sunli", name="孙力", role="auditor", committee="龙",
                      password="admin-knows-it")
        added = add_staff(u, admin, username="sunli", name="孙力", role="auditor", committee="龙")
        with pytest.raises(PermissionDenied, match="no token"):
            signin.create_token(u, admin, "sunli", days=5)
        with pytest.raises(PermissionDenied, match="staff reset"):
            signin.change_password(u, admin, "wangfang", "admin-knows-it")
        u.commit()
    # The committee holds a member: the administrator holds only the first half of the code.
    assert added["half"] == "administrator"
    with pytest.raises(PermissionDenied, match="one half"):
        login("sunli", added["one_time_code"])
    with uow() as u, pytest.raises(PermissionDenied, match=r"staff\.code"):
        signin.give_half(u, admin, "sunli")
    with uow() as u:
        second = signin.give_half(u, director, "sunli")["one_time_code"]
        u.commit()
    both = added["one_time_code"] + second
    with pytest.raises(signin.PasswordChangeRequired):
        login("sunli", both)
    with uow() as u, pytest.raises(InvalidInput, match="other than"):
        signin.login(u, "sunli", both, both)
    sunli = act(login("sunli", both, "auditor-pass")["token"])
    with pytest.raises(PermissionDenied, match="wrong"):  # a code is good for one sign-in
        login("sunli", both, "auditor-pass2")
    # The administrator takes the director's password away: the sessions end at once, and the
    # committee's half comes from sunli (no other director can sign in).
    with uow() as u:
        reset = signin.reset_password(u, admin, "wangfang", committee="龙")
        u.commit()
    with uow() as u, pytest.raises(PermissionDenied, match="not valid"):
        signin.actor_for(u, user=None, token=director_token)
    with pytest.raises(PermissionDenied, match="wrong"):
        login("wangfang", "director-pass")
    with uow() as u:
        half = signin.give_half(u, sunli, "wangfang")["one_time_code"]
        u.commit()
    clock.advance(hours=signin.CODE_HOURS + 1)
    with pytest.raises(PermissionDenied, match="expired"):
        login("wangfang", reset["one_time_code"] + half, "director-pass2")
    with uow() as u:
        again = signin.reset_password(u, admin, "wangfang", committee="龙")
        u.commit()
    with uow() as u:
        half = signin.give_half(u, sunli, "wangfang")["one_time_code"]
        u.commit()
    result = login("wangfang", f"{half} {again['one_time_code']}", "director-pass2")
    shown = [(n["action"], n["actor"], n["username"], n["first_sign_in"])
             for n in result["notices"]]
    assert shown == [("staff_add", "qu", "sunli", False), ("password_set", "sunli", "sunli", True),
                     ("password_reset", "qu", "wangfang", False),
                     ("code_half", "sunli", "wangfang", False),
                     ("password_reset", "qu", "wangfang", False),
                     ("code_half", "sunli", "wangfang", False)], shown  # not their own acts
    assert act(result["token"]).username == director.username
    # the next sign-in shows nothing new
    assert login("wangfang", "director-pass2")["notices"] == []
    # Issue 11: a role change is never the administrator's way to case content. They may take a
    # role that sees it away (shown to the director and to the account), never give one.
    with uow() as u:
        with pytest.raises(PermissionDenied, match="sees case content"):
            set_staff(u, admin, "sunli", role="director", committee="龙")
        set_staff(u, admin, "sunli", role="clerk", committee="龙")
        with pytest.raises(PermissionDenied, match="sees case content"):
            set_staff(u, admin, "sunli", role="auditor", committee="龙")
        u.commit()
    told = login("wangfang", "director-pass2")["notices"]
    assert [(n["action"], n["actor"], n["username"]) for n in told] == [
        ("staff_role", "qu", "sunli")]
    told = login("sunli", "auditor-pass")["notices"]
    assert [(n["action"], n["username"]) for n in told] == [("staff_role", "sunli")]
    with uow() as u:  # the director gives it back
        set_staff(u, director, "sunli", role="auditor")
        u.commit()

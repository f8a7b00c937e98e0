"""Hypothesis: the district administrator never holds a way into an account (issue 11).

A committee with a director, a mediator and a case. Each example is a random sequence of what
the administrator can do to the committee's accounts (add an account of any role, reset any
account, change a role, disable, enable, and the commands refused to them: a password for
someone else, a token for someone else, the committee's half of a code), mixed with members of
the committee giving the second halves of codes. After every act:

- nothing the administrator was ever given (results and refusals, as text), no code-shaped string
  in it, alone or joined to another, passes the one gate of sign-in (``passwords.verdict``) for
  any account of the committee; and
- the director would be shown every act of the administrator in the committee since their last
  sign-in (``sessions.notices``).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import col, select

from mediation import intake
from mediation.access import passwords, sessions, signin
from mediation.access.policy import Actor
from mediation.committee import add_committee, add_staff, init_committee, set_staff
from mediation.core.errors import MediationError
from mediation.db.engines import create_schema, database_url, engine_for
from mediation.db.storage import UnitOfWork
from mediation.tables import Credential, Event, Staff
from tests.access_world import case_record
from tests.conftest import Clock

CODE_RE = re.compile(r"[A-Z2-9]{4}(?:-[A-Z2-9]{4})+")
ROLES = ["director", "mediator", "auditor", "clerk", "grid_worker", "admin"]
_fresh = itertools.count(1)

act = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(ROLES)),
    st.tuples(st.just("reset"), st.integers(0, 9)),
    st.tuples(st.just("role"), st.integers(0, 9), st.sampled_from(ROLES)),
    st.tuples(st.just("disable"), st.integers(0, 9)),
    st.tuples(st.just("enable"), st.integers(0, 9)),
    st.tuples(st.just("password"), st.integers(0, 9)),
    st.tuples(st.just("token"), st.integers(0, 9)),
    st.tuples(st.just("admin_half"), st.integers(0, 9)),
    st.tuples(st.just("member_half"), st.integers(0, 9), st.integers(0, 9)),
)


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv(signin.FAST_ENV, "1")
    yield


@settings(max_examples=25)
@given(acts=st.lists(act, min_size=1, max_size=8))
def test_the_administrator_never_holds_a_way_in(tmp_path: Path, acts: list[tuple[Any, ...]]
                                                ) -> None:
    engine = engine_for(database_url(str(tmp_path / f"admin{next(_fresh)}.db")))
    create_schema(engine)
    clock = Clock()

    def uow() -> UnitOfWork:
        return UnitOfWork(engine, clock=clock)

    with uow() as u:
        init_committee(u, name="岳麓区司法局", prefix="岳", director="qu", admin=True,
                       login_required=True, password="admin-password")
        code = add_committee(u, Actor("qu", "区", "admin", 1), name="龙王港社区人民调解委员会",
                             prefix="龙", director="wangfang")["one_time_code"]
        u.commit()
    admin = Actor("qu", "区", "admin", 1)
    with uow() as u:
        signin.login(u, "wangfang", code, "director-pass")
        u.commit()
    with uow() as u:
        director = signin.actor_for(u, user=None, token=signin.login(
            u, "wangfang", "director-pass")["token"])
        add_staff(u, director, username="liming", name="李明", role="mediator",
                  password="mediator-pass")
        intake.new_case(u, director, intake.parse_case(case_record()))
        u.commit()
    seen: list[str] = []

    def accounts() -> list[Staff]:
        with uow() as u:
            return list(u.session.exec(select(Staff).where(Staff.committee_id == 2)
                                       .order_by(col(Staff.id))).all())

    def as_admin(fn: Any, *args: Any, **kw: Any) -> None:
        with uow() as u:
            try:
                seen.append(repr(fn(u, admin, *args, **kw)))
                u.commit()
            except MediationError as exc:
                seen.append(exc.render() if hasattr(exc, "render") else str(exc))

    for step in acts:
        staff = accounts()
        kind = step[0]
        if kind == "add":
            as_admin(add_staff, username=f"u{next(_fresh)}", name="某某", role=step[1],
                     committee="龙")
        elif kind == "reset":
            as_admin(signin.reset_password, _pick(staff, step[1]), committee="龙")
        elif kind == "role":
            as_admin(set_staff, _pick(staff, step[1]), role=step[2], committee="龙")
        elif kind in ("disable", "enable"):
            as_admin(set_staff, _pick(staff, step[1]), active=kind == "enable", committee="龙")
        elif kind == "password":
            as_admin(signin.change_password, _pick(staff, step[1]), "admin-chosen")
        elif kind == "token":
            as_admin(signin.create_token, _pick(staff, step[1]), days=3)
        elif kind == "admin_half":
            as_admin(signin.give_half, _pick(staff, step[1]))
        else:  # a member gives a half: its result goes to the member, not the administrator
            giver = staff[step[1] % len(staff)]
            member = Actor(giver.username, giver.name, giver.role, giver.committee_id)
            with uow() as u:
                try:
                    passwords.give_half(u, member, _pick(staff, step[2]))
                    u.commit()
                except MediationError:
                    pass
        _no_way_in(engine, seen)
    staff = accounts()
    with uow() as u:  # the director now (or, with none who can sign in, any member) is told
        viewer = next((m for m in staff if m.role == "director" and m.active
                       and (c := u.session.get(Credential, m.id)) is not None
                       and c.one_time_until is None), staff[0])
        told = [n for n in sessions.notices(u, viewer) if n["role"] == "admin"]
        last_login = max([e.seq for e in u.session.exec(select(Event).where(
            Event.action == "login", Event.actor == viewer.username))] or [0])
        done = u.session.exec(select(Event).where(
            Event.role == "admin", Event.committee_id == 2, col(Event.seq) > last_login,
            col(Event.action).in_(sessions.NOTICE_ACTIONS))).all()
        assert len(told) == len(done), (viewer.username, told, done)


def _pick(staff: list[Staff], i: int) -> str:
    return staff[i % len(staff)].username


def _no_way_in(engine: Any, seen: list[str]) -> None:
    codes = sorted({c for text in seen for c in CODE_RE.findall(text)})
    tries = codes + ["".join(p) for p in itertools.permutations(codes, 2)]
    if not tries:
        return
    with UnitOfWork(engine, write=False) as u:
        rows = u.session.exec(select(Staff, Credential).join(
            Credential, col(Credential.staff_id) == Staff.id).where(Staff.committee_id == 2)).all()
        for staff, cred in rows:
            assert [t for t in tries if passwords.verdict(cred, t) == "ok"] == [], staff.username

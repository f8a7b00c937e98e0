"""Sign-in (issue 6): passwords, lock-out, sessions, tokens, disabled accounts, token files.

Services are driven with the controllable ``Clock`` of the ``room`` fixture; the CLI tests check
the files and the messages in both languages. ``MEDIATION_ARGON2_FAST=1`` keeps hashing cheap.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from mediation import committee
from mediation.access import signin
from mediation.core.errors import PermissionDenied
from mediation.tables import AccessToken, Committee, Event
from tests.conftest import Room

PASSWORD = "correct horse"


@pytest.fixture(autouse=True)
def _fast_argon2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv(signin.FAST_ENV, "1")
    monkeypatch.setenv("MEDIATION_SESSION_FILE", str(tmp_path / "state" / "session.json"))
    yield


@pytest.fixture
def guarded(room: Room) -> Room:
    """The room's committee, now requiring sign-in, with passwords for the director and liming."""
    with room.uow() as uow:
        c = uow.session.get(Committee, room.director.committee_id)
        assert c is not None
        c.login_required = True
        uow.session.add(c)
        for user in ("wangfang", "liming"):
            staff = committee.find_staff(uow, room.director, user)
            signin.set_password(uow, staff, PASSWORD)
        uow.commit()
    return room


def login(room: Room, user: str, password: str) -> dict[str, Any]:
    with room.uow() as uow:
        result = signin.login(uow, user, password)
        uow.commit()
        return result


def actor_for(room: Room, *, user: str | None = None, token: str | None = None,
              session: bool = False) -> Any:
    with room.uow(write=False) as uow:
        return signin.actor_for(uow, user=user, token=token, session=session)


def events(room: Room, action: str) -> list[Event]:
    with room.uow(write=False) as uow:
        return list(uow.session.exec(select(Event).where(Event.action == action)).all())


def test_password_is_an_argon2id_hash(guarded: Room) -> None:
    from mediation.tables import Credential

    with guarded.uow(write=False) as uow:
        cred = uow.session.exec(select(Credential)).first()
        assert cred is not None
        assert cred.password_hash.startswith("$argon2id$")
        assert PASSWORD not in cred.password_hash


def test_login_gives_a_session_and_stores_only_its_hash(guarded: Room) -> None:
    result = login(guarded, "liming", PASSWORD)
    assert actor_for(guarded, token=result["token"]).username == "liming"
    with guarded.uow(write=False) as uow:
        rows = uow.session.exec(select(AccessToken)).all()
        assert [r.token_hash for r in rows] == [signin.token_hash(result["token"])]
        assert all(result["token"] not in json.dumps(r.model_dump(), default=str) for r in rows)
    assert [e.actor for e in events(guarded, "login")] == ["liming"]


def test_wrong_password_is_refused_and_recorded(guarded: Room) -> None:
    with pytest.raises(PermissionDenied, match="wrong user name or password"):
        login(guarded, "liming", "not it at all")
    with pytest.raises(PermissionDenied, match="wrong user name or password"):
        login(guarded, "nobody", PASSWORD)
    failed = events(guarded, "login_failed")
    assert [(e.actor, json.loads(e.changes)["why"][1]) for e in failed] == [
        ("liming", "wrong_password"), ("(unknown)", "unknown_user")]
    assert all(PASSWORD not in e.changes and "not it" not in e.changes for e in failed)


def test_five_failures_lock_the_account_for_fifteen_minutes(guarded: Room) -> None:
    for _ in range(signin.MAX_FAILURES):
        with pytest.raises(PermissionDenied, match="wrong"):
            login(guarded, "liming", "wrong password")
    with pytest.raises(PermissionDenied, match="locked for 15 more minutes"):
        login(guarded, "liming", PASSWORD)  # even the right password waits
    guarded.clock.advance(minutes=14)
    with pytest.raises(PermissionDenied, match="locked for 1 more minutes"):
        login(guarded, "liming", PASSWORD)
    guarded.clock.advance(minutes=1, seconds=1)
    assert login(guarded, "liming", PASSWORD)["user"] == "liming"
    assert len(events(guarded, "login_failed")) == signin.MAX_FAILURES + 2


def test_a_success_resets_the_count(guarded: Room) -> None:
    for _ in range(signin.MAX_FAILURES - 1):
        with pytest.raises(PermissionDenied):
            login(guarded, "liming", "wrong password")
    login(guarded, "liming", PASSWORD)
    with pytest.raises(PermissionDenied, match="wrong"):
        login(guarded, "liming", "wrong password")  # not locked: the count started again


def test_session_expires_after_a_working_day(guarded: Room) -> None:
    token = login(guarded, "liming", PASSWORD)["token"]
    guarded.clock.advance(hours=signin.SESSION_HOURS - 1)
    assert actor_for(guarded, token=token).username == "liming"
    guarded.clock.advance(hours=1)
    with pytest.raises(PermissionDenied, match="expired"):
        actor_for(guarded, token=token)
    # the session file's token falls back to the name, which this committee refuses
    with pytest.raises(PermissionDenied, match="requires sign-in"):
        actor_for(guarded, user="liming", token=token, session=True)


def test_disabled_account_can_do_nothing(guarded: Room) -> None:
    token = login(guarded, "liming", PASSWORD)["token"]
    guarded.run(committee.set_staff, None, "liming", active=False)
    with pytest.raises(PermissionDenied, match="disabled"):
        actor_for(guarded, token=token)
    with pytest.raises(PermissionDenied, match="disabled"):
        login(guarded, "liming", PASSWORD)
    assert json.loads(events(guarded, "login_failed")[-1].changes)["why"][1] == "disabled"
    # a wrong password gets the line any failed sign-in gets: whether the account exists, or
    # is disabled, is told only to whoever proved its password (a clerk's trial was told)
    with pytest.raises(PermissionDenied) as wrong:
        login(guarded, "liming", "not it at all")
    with pytest.raises(PermissionDenied) as stranger:
        login(guarded, "nobody", "not it at all")
    assert str(wrong.value) == str(stranger.value)
    assert "disabled" not in str(wrong.value)


def test_without_sign_in_the_name_is_enough_and_with_it_not(guarded: Room) -> None:
    with pytest.raises(PermissionDenied, match="requires sign-in"):
        actor_for(guarded, user="liming")
    with guarded.uow() as uow:
        c = uow.session.get(Committee, guarded.director.committee_id)
        assert c is not None
        c.login_required = False
        uow.session.add(c)
        uow.commit()
    assert actor_for(guarded, user="liming").role == "mediator"


def test_cron_token_logout_and_revoke(guarded: Room) -> None:
    guarded.run(committee.add_staff, None, username="chenjing", name="陈静", role="clerk",
                password="clerk-password")
    made = guarded.run(signin.create_token, None, "chenjing", days=30)
    guarded.clock.advance(days=29)
    assert actor_for(guarded, token=made["token"]).role == "clerk"
    with pytest.raises(PermissionDenied, match="signed in as chenjing"):
        actor_for(guarded, user="wangfang", token=made["token"])
    guarded.run(signin.revoke_token, None, made["id"])
    with pytest.raises(PermissionDenied, match="not valid"):
        actor_for(guarded, token=made["token"])
    session = login(guarded, "liming", PASSWORD)["token"]
    with guarded.uow() as uow:
        assert signin.logout(uow, session) == {"user": "liming", "name": "李明", "open": True}
        uow.commit()
    with pytest.raises(PermissionDenied, match="not valid"):
        actor_for(guarded, token=session)


def test_private_files(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "token"
    signin.write_private(path, "secret\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert signin.read_private(path) == "secret"
    path.chmod(0o640)
    with pytest.raises(PermissionDenied, match="chmod 600"):
        signin.read_private(path)


# ---------------------------------------------------------------------------------------------
# Through the command line


def _init(cli: Callable[..., Any], *extra: str) -> Any:
    return cli("init", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--password-stdin", *extra, input=PASSWORD + "\n")


def test_cli_init_requires_sign_in_by_default(cli: Callable[..., Any], tmp_path: Path) -> None:
    assert _init(cli).code == 0
    refused = cli("case", "list")
    assert refused.code == 1 and "mediation login wangfang" in refused.err
    assert cli("login", "wangfang", "--password-stdin", input="wrong-one\n").code == 1
    ok = cli("login", "wangfang", "--password-stdin", input=PASSWORD + "\n")
    assert ok.code == 0, ok.err
    session = tmp_path / "state" / "session.json"
    assert stat.S_IMODE(session.stat().st_mode) == 0o600
    assert stat.S_IMODE(session.parent.stat().st_mode) == 0o700
    assert PASSWORD not in session.read_text()
    assert cli("case", "list", env={"MEDIATION_USER": ""}).code == 0
    unset = cli("staff", "add", "chenjing", "--name", "陈静", "--role", "clerk",
                env={"MEDIATION_USER": ""})
    assert unset.code == 2 and "--password-stdin" in unset.err  # no terminal to ask at
    short = cli("staff", "add", "chenjing", "--name", "陈静", "--password-stdin", input="short\n",
                env={"MEDIATION_USER": ""})
    assert short.code == 1 and "at least 8 characters" in short.err
    added = cli("staff", "add", "chenjing", "--name", "陈静", "--role", "clerk",
                "--password-stdin", input="clerk-password\n", env={"MEDIATION_USER": ""})
    assert added.code == 0, added.err
    out = tmp_path / "cron" / "clerk.token"
    out.parent.mkdir()  # a missing folder is refused, not made (outfiles.destination)
    made = cli("token", "create", "chenjing", "--days", "365", "--out", str(out),
               env={"MEDIATION_USER": ""})
    assert made.code == 0, made.err
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text().strip() not in made.out + made.err
    clerk = cli("--token-file", str(out), "staff", "list")
    assert clerk.code == 1 and "陈静 (clerk) may not list the committee's staff" in clerk.err
    out.chmod(0o644)
    loose = cli("case", "list", env={"MEDIATION_TOKEN_FILE": str(out), "MEDIATION_USER": ""})
    assert loose.code == 1 and "chmod 600" in loose.err
    assert cli("logout").code == 0
    assert not session.exists()
    assert cli("case", "list", env={"MEDIATION_USER": "wangfang",
                                    "MEDIATION_TOKEN_FILE": ""}).code == 1


def test_cli_no_login_keeps_the_walkthrough(cli: Callable[..., Any]) -> None:
    assert cli("init", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--no-login").code == 0
    assert cli("staff", "add", "liming", "--name", "李明").code == 0
    assert cli("case", "list").code == 0
    assert cli("case", "list", env={"MEDIATION_USER": "liming"}).code == 0


def test_cli_messages_in_chinese(cli: Callable[..., Any]) -> None:
    assert cli("--lang", "zh", "init", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--password-stdin", input=PASSWORD + "\n").code == 0
    refused = cli("--lang", "zh", "case", "list")
    assert refused.code == 1 and "登录" in refused.err
    wrong = cli("--lang", "zh", "login", "wangfang", "--password-stdin", input="nope-nope\n")
    assert wrong.code == 1 and "密码" in wrong.err
    ok = cli("--lang", "zh", "login", "wangfang", "--password-stdin", input=PASSWORD + "\n")
    assert ok.code == 0 and "已登录" in ok.out


def test_cli_init_refused_on_a_guarded_database(cli: Callable[..., Any]) -> None:
    assert _init(cli).code == 0
    again = cli("init", "--committee", "另一个", "--prefix", "另", "--no-login",
                env={"MEDIATION_USER": "intruder"})
    assert again.code == 1 and "committee add" in again.err


def test_cli_one_time_codes_and_the_directors_notices(cli: Callable[..., Any]) -> None:
    """Issue 11: the administrator's accounts start from a one-time code (two lines on stdin:
    the code, then the new password); the director is told, in Chinese too."""
    assert cli("init", "--admin", "--committee", "岳麓区司法局", "--prefix", "岳",
               "--password-stdin", input=PASSWORD + "\n", env={"MEDIATION_USER": "qu"}).code == 0
    assert cli("login", "qu", "--password-stdin", input=PASSWORD + "\n",
               env={"MEDIATION_USER": ""}).code == 0
    added = cli("committee", "add", "--name", "龙王港社区人民调解委员会", "--prefix", "龙",
                "--director", "wangfang", "--json", env={"MEDIATION_USER": ""})
    assert added.code == 0, added.err
    code = json.loads(added.out)["one_time_code"]
    staff = cli("staff", "add", "sunli", "--name", "孙力", "--role", "auditor", "--committee",
                "龙", env={"MEDIATION_USER": ""})
    assert staff.code == 0 and "First half of the one-time code for 孙力" in staff.out, staff.err
    refused = cli("staff", "password", "wangfang", "--password-stdin", input="chosen-by-qu\n",
                  env={"MEDIATION_USER": ""})
    assert refused.code == 1 and "staff reset wangfang" in refused.err
    only_code = cli("login", "wangfang", "--password-stdin", input=code + "\n",
                    env={"MEDIATION_USER": ""})
    assert only_code.code == 1 and "second line" in only_code.err
    first = cli("--lang", "zh", "login", "wangfang", "--password-stdin",
                input=f"{code}\ndirector-pass\n", env={"MEDIATION_USER": ""})
    assert first.code == 0, first.err
    assert "一次性验证码" in first.err  # asked to choose a password
    assert "区县管理员 qu" in first.err and "（孙力）" in first.err  # told what qu did, to whom
    log = cli("audit", "log", "--json", env={"MEDIATION_USER": ""})
    assert log.code == 0, log.err
    by_qu = [e["action"] for e in json.loads(log.out) if e["actor"] == "qu"]
    assert {"committee_add", "staff_add"} <= set(by_qu), by_qu  # and in the audit log
    assert cli("logout").code == 0
    again = cli("login", "wangfang", "--password-stdin", input="director-pass\n",
                env={"MEDIATION_USER": ""})
    assert again.code == 0 and "Notice" not in again.err


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_sign_in_by_display_name_and_refusals_that_name_nobody(guarded: Room) -> None:
    """`mediation login 王芳` signs in wangfang (staff_names, the one resolver); a name that is
    nobody is the usual refusal, naming nobody (it may be a password typed in the wrong field);
    a token's owner may be named by either name."""
    result = login(guarded, "李明", PASSWORD)
    assert result["user"] == "liming"
    assert actor_for(guarded, token=result["token"], user="李明").username == "liming"
    with pytest.raises(PermissionDenied) as err:
        login(guarded, "李小明", PASSWORD)
    assert "wrong user name or password" in err.value.render()
    assert "liming" not in err.value.render() and "王芳" not in err.value.render()
    with guarded.uow() as uow:
        committee.add_staff(uow, guarded.director, username="liming2", name="李明",
                            role="mediator", password=PASSWORD + "2")
        uow.commit()
    from mediation.core.errors import InvalidInput

    with pytest.raises(InvalidInput, match="liming, liming2"):
        login(guarded, "李明", PASSWORD)

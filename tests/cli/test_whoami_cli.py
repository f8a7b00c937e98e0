"""Who is signed in (a clerk's trial): `mediation login liming` while 王芳 was signed in replaced
her session without a word. Now the sign-in says whose session it ended (and ends it, recorded
as a sign-out), and `mediation whoami` (我是谁) says who is signed in, their role and committee,
or that no one is, or that the committee does not require sign-in; --json alike."""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.access_world import PASSWORD, build
from tests.conftest import Result

SIGNED_IN = {"MEDIATION_USER": "", "COLUMNS": "80"}  # the session names the actor
COMMITTEE = "龙王港社区人民调解委员会"


def width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


@pytest.fixture
def room(tmp_path: Path) -> str:
    db = tmp_path / "signed.db"
    build(db, login=True)
    return str(db)


def _login(cli: Callable[..., Result], db: str, user: str, lang: str = "en") -> Result:
    out = cli("--lang", lang, "login", user, "--password-stdin", input=PASSWORD + "\n",
              env={**SIGNED_IN, "MEDIATION_DB": db})
    assert out.code == 0, out.err
    assert width(out.out.splitlines()[0]) <= 80, out.out  # the next: the path, whole
    return out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_second_sign_in_says_whose_session_it_ended(cli: Callable[..., Result], room: str,
                                                      lang: str) -> None:
    zh = lang == "zh"
    env = {**SIGNED_IN, "MEDIATION_DB": room}
    first = _login(cli, room, "wangfang", lang)
    assert "登录已结束" not in first.out and "signed out" not in first.out
    hers = json.loads(Path(os.environ["MEDIATION_SESSION_FILE"]).read_text())["token"]
    out = _login(cli, room, "liming", lang)
    line = out.out.splitlines()[0]
    assert line.startswith("李明（调解员）已登录至 " if zh
                           else "Signed in as 李明 (mediator) until "), line
    assert line.endswith("；王芳 的登录已结束。" if zh else "; 王芳 is signed out."), line
    # her session is over, not only forgotten: her token signs nobody in
    token = Path(os.environ["MEDIATION_SESSION_FILE"]).with_name("hers.token")
    token.write_text(hers + "\n", encoding="utf-8")
    token.chmod(0o600)
    who = cli("--lang", lang, "--token-file", str(token), "whoami", env=env)
    assert who.code == 0 and who.out.startswith("当前无人登录：" if zh
                                                else "No one is signed in: "), who.out
    # signing in again as himself ends his earlier session quietly
    again = _login(cli, room, "李明", lang)
    assert "登录已结束" not in again.out and "signed out" not in again.out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_whoami_says_who_is_signed_in_or_that_no_one_is(cli: Callable[..., Result], room: str,
                                                        lang: str) -> None:
    zh = lang == "zh"
    env = {**SIGNED_IN, "MEDIATION_DB": room}
    out = cli("--lang", lang, "whoami", env=env)
    assert out.code == 0, out.err
    assert out.out == ("当前无人登录：用 `mediation login 用户名` 登录；不要求登录时 "
                       "MEDIATION_USER 指明操作者\n" if zh else
                       "No one is signed in: `mediation login USER` signs in (or, where the "
                       "committee does not require sign-in, MEDIATION_USER names who acts)\n")
    assert json.loads(cli("whoami", "--json", env=env).out)["user"] is None
    _login(cli, room, "liming")
    out = cli("--lang", lang, "whoami", env=env)
    assert out.code == 0 and out.out.count("\n") == 1 and width(out.out.strip()) <= 80
    assert out.out.startswith(f"李明（调解员），{COMMITTEE}；已登录，有效至 " if zh
                              else f"李明 (mediator), {COMMITTEE}; signed in until "), out.out
    shown = json.loads(cli("--lang", lang, "whoami", "--json", env=env).out)
    assert shown["user"] == "liming" and shown["role"] == "mediator"
    assert shown["committee"] == COMMITTEE and shown["via"] == "session"
    assert shown["sign_in_required"] is True and shown["expires_at"].endswith("Z")
    # MEDIATION_USER naming someone else while he is signed in: the refusal, said
    out = cli("--lang", lang, "whoami", env={**env, "MEDIATION_USER": "wangfang"})
    assert out.code == 0 and ("当前无人登录：" if zh else "No one is signed in: ") in out.out
    cli("logout", env=env)
    out = cli("--lang", lang, "whoami", env={**env, "MEDIATION_USER": "wangfang"})
    assert out.out.startswith("当前无人登录：此调委会要求登录" if zh
                              else "No one is signed in: this committee requires sign-in")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_whoami_without_required_sign_in(cli: Callable[..., Result], tmp_path: Path,
                                         lang: str) -> None:
    zh = lang == "zh"
    db = tmp_path / "open.db"
    build(db)
    out = cli("--lang", lang, "whoami", env={"MEDIATION_DB": str(db), "MEDIATION_USER": "王芳",
                                             "COLUMNS": "80"})
    assert out.code == 0, out.err
    assert out.out.startswith(f"王芳（主任），{COMMITTEE}；本调委会未启用登录" if zh
                              else f"王芳 (director), {COMMITTEE}; sign-in is not enabled")
    shown = json.loads(cli("whoami", "--json", env={"MEDIATION_DB": str(db)}).out)
    assert shown["via"] == "user" and shown["user"] == "wangfang"
    assert shown["expires_at"] is None and shown["sign_in_required"] is False

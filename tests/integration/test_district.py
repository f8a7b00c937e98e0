"""A district on one database: several committees, each with its own gapless numbering; stale
writes refused (exit 3); transient failures retried; SQLite refused on a network filesystem."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from mediation import committee, intake
from mediation.cases import CaseIn
from mediation.core.errors import Busy, ConcurrentUpdate, InvalidInput
from mediation.core.i18n import msg
from mediation.db import casestore, engines
from mediation.db.storage import UnitOfWork, transaction
from tests.conftest import Room, case_record


def _register(room: Room, actor: Any, n: int) -> list[str]:
    numbers = []
    for i in range(n):
        record = CaseIn.model_validate(case_record(summary=f"第{i}起纠纷：邻里漏水。"))
        numbers.append(room.run(intake.new_case, actor, record, force=True)["number"])
    return numbers


def test_committees_on_one_database_number_their_own_cases(room: Room) -> None:
    with room.uow() as uow:
        committee.init_committee(uow, name="老城区人民调解委员会", prefix="老", director="zhoujie")
        uow.commit()
    with room.uow(write=False) as uow:
        other = committee.resolve_actor(uow, "zhoujie")
    ours = _register(room, room.director, 3)
    theirs = _register(room, other, 2)
    ours += _register(room, room.director, 1)
    year = room.clock().year
    assert ours == [f"({year})龙人调字第{i}号" for i in (1, 2, 3, 4)]
    assert theirs == [f"({year})老人调字第{i}号" for i in (1, 2)]
    # Each committee sees only its own cases.
    with room.uow(write=False) as uow:
        with pytest.raises(Exception, match=r"no case|not a case number of this committee"):
            casestore.find(uow, other, ours[0])


def test_a_stale_write_is_refused_with_exit_3(cli: Callable[..., Any], tmp_path: Path) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record(), ensure_ascii=False), "utf-8")
    made = json.loads(cli("case", "new", "--file", str(path), "--json").out)
    ok = cli("case", "accept", str(made["id"]), "--expect-version", "1", "--json")
    assert ok.code == 0, ok.err
    assert json.loads(ok.out)["version"] == 2
    stale = cli("case", "mediate", str(made["id"]), "--mediator", "wangfang",
                "--expect-version", "1")
    assert stale.code == 3
    assert "wangfang" in stale.err and "version 2" in stale.err
    zh = cli("--lang", "zh", "case", "mediate", str(made["id"]), "--mediator", "wangfang",
             "--expect-version", "1")
    assert zh.code == 3 and "wangfang" in zh.err


def _deadlock() -> OperationalError:
    class Orig(Exception):
        sqlstate = "40P01"

    return OperationalError("UPDATE ...", {}, Orig("deadlock detected"))


def test_transient_failures_rerun_the_whole_unit_of_work(room: Room) -> None:
    calls: list[int] = []

    def flaky(uow: UnitOfWork) -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _deadlock() if len(calls) == 1 else ConcurrentUpdate(msg("changed"))
        return "done"

    assert transaction(room.engine, flaky) == "done"
    assert len(calls) == 3


def test_retries_are_bounded_and_other_errors_are_not_retried(room: Room) -> None:
    calls: list[int] = []

    def always(uow: UnitOfWork) -> None:
        calls.append(1)
        raise _deadlock()

    with pytest.raises(Busy):
        transaction(room.engine, always, attempts=3)
    assert len(calls) == 3

    calls.clear()

    def refused(uow: UnitOfWork) -> None:
        calls.append(1)
        raise InvalidInput(msg("no"))

    with pytest.raises(InvalidInput):
        transaction(room.engine, refused)
    assert len(calls) == 1


@pytest.mark.parametrize("fstype", ["nfs4", "cifs", "fuse.sshfs"])
def test_sqlite_on_a_network_filesystem_is_refused(
    fstype: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/sda1 / ext4 rw 0 0\nserver:/share {tmp_path}/share {fstype} rw 0 0\n")
    monkeypatch.setattr(engines, "MOUNTS", mounts)
    (tmp_path / "share").mkdir()
    with pytest.raises(InvalidInput) as err:
        engines.engine_for(engines.database_url(str(tmp_path / "share" / "sub" / "m.db")))
    text = str(err.value)
    assert fstype in text and "PostgreSQL" in text
    # A local path is fine.
    engines.engine_for(engines.database_url(str(tmp_path / "local.db")))


def test_a_network_path_is_refused_at_the_cli(cli: Callable[..., Any]) -> None:
    r = cli("--db", "//fileserver/share/mediation.db", "case", "list")
    assert r.code == 1 and "network" in r.err and "Traceback" not in r.err

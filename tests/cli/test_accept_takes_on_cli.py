"""A clerk's trial: 李明 (mediator) ran `case accept 3` on a case nobody was assigned to, then was
refused reading it (李明（调解员）不能在案件…上查看案卷), and nobody's agenda said so. Now he
becomes its mediator (the accept event says so), and a case the director accepts without a
mediator is on the director's default agenda at once. zh and en, signed in, 80 columns."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.access_world import PASSWORD, build, case_record
from tests.conftest import Result

SIGNED_IN = {"MEDIATION_USER": "", "COLUMNS": "80"}


@pytest.fixture
def room(tmp_path: Path, cli: Callable[..., Result]) -> str:
    db = tmp_path / "signed.db"
    build(db, login=True)
    case = tmp_path / "case.json"
    case.write_text(json.dumps(case_record()), encoding="utf-8")
    _login(cli, str(db), "wangfang")
    for _ in range(2):  # cases 2 and 3, nobody assigned
        out = cli("case", "new", "-f", str(case), "--force",
                  env={**SIGNED_IN, "MEDIATION_DB": str(db)})
        assert out.code == 0, out.err
    return str(db)


def _login(cli: Callable[..., Result], db: str, user: str) -> None:
    out = cli("login", user, "--password-stdin", input=PASSWORD + "\n",
              env={**SIGNED_IN, "MEDIATION_DB": db})
    assert out.code == 0, out.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_mediator_who_accepts_becomes_its_mediator(cli: Callable[..., Result], room: str,
                                                     lang: str) -> None:
    zh = lang == "zh"
    env = {**SIGNED_IN, "MEDIATION_DB": room}
    _login(cli, room, "liming")
    out = cli("--lang", lang, "case", "accept", "3", env=env)
    assert out.code == 0, out.err
    shown = cli("--lang", lang, "case", "show", "3", "--json", env=env)
    assert shown.code == 0, shown.err  # not refused: it is his now
    assert [m["username"] for m in json.loads(shown.out)["mediators"]] == ["liming"]
    history = cli("--lang", lang, "case", "history", "3", env=env)
    assert history.code == 0, history.err
    accepted = [line for line in history.out.splitlines()
                if ("登记 → 已受理" if zh else "intake → accepted") in line]
    assert len(accepted) == 1 and ("主持调解员：— → 李明" if zh else "→ 李明") in accepted[0]
    # the director accepts case 2 without appointing anyone: on her agenda at once
    _login(cli, room, "wangfang")
    assert cli("case", "accept", "2", env=env).code == 0
    agenda = cli("--lang", lang, "agenda", env=env)
    assert agenda.code == 0, agenda.err
    assert ("尚未指派调解员" if zh else "with no mediator") in agenda.out
    assert "mediation case assign 龙2 --mediator" in agenda.out
    assert "龙3" not in agenda.out.split("mediation case assign")[-1]
    assert cli("case", "assign", "2", "--mediator", "zhaomin", env=env).code == 0
    agenda = cli("--lang", lang, "agenda", env=env)
    assert "case assign" not in agenda.out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_step_line_names_who_recorded_it_when_signed_in(cli: Callable[..., Result],
                                                          room: str, tmp_path: Path,
                                                          lang: str) -> None:
    zh = lang == "zh"
    _login(cli, room, "liming")
    out = cli("--lang", lang, "case", "accept", "3", env={**SIGNED_IN, "MEDIATION_DB": room})
    assert out.code == 0, out.err
    said = (r"\(\d{4}\)龙人调字第3号：当前为“已受理”（版本 2，记录 \d+），由 李明 记录\n" if zh
            else r"\(\d{4}\)龙人调字第3号: now accepted \(version 2, event \d+\), "
            r"recorded by 李明\n")
    assert re.fullmatch(said, out.out), out.out
    doc = cli("case", "accept", "2", "--json", env={**SIGNED_IN, "MEDIATION_DB": room})
    assert json.loads(doc.out)["by"] == "李明"
    # without sign-in MEDIATION_USER only names the actor: the line as it always was
    open_db = tmp_path / "open.db"
    build(open_db)
    out = cli("--lang", lang, "case", "accept", "1",
              env={"MEDIATION_DB": str(open_db), "MEDIATION_USER": "liming", "COLUMNS": "80"})
    assert out.code == 0, out.err
    assert out.out.endswith("）\n" if zh else ")\n") and "李明" not in out.out

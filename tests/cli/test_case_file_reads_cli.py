"""Issue 14 (a clerk's trial): ``case new --file`` reads each field as the command line does:
``"discovered_at": "昨天下午3点半"`` as ``--at`` reads it, ``"kind": "个人"`` as the guided
intake reads it (自然人); an unknown key is refused listing the keys allowed, on one line; zh
and en, piped and on an 80-column terminal."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]


@pytest.fixture
def committee(cli: Cli) -> Cli:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--director-name", "王芳").code == 0
    return cli


def _file(tmp_path: Path, **change: object) -> str:
    record = case_record(discovered_at="昨天下午3点半")
    record["parties"][0]["kind"] = "个人"
    record.update(change)
    path = tmp_path / "案件.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    return str(path)


@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_clerks_file_is_registered(committee: Cli, tmp_path: Path, lang: str,
                                       terminal: bool) -> None:
    env = {"COLUMNS": "80"}
    r = committee("--lang", lang, "case", "new", "--file", _file(tmp_path), terminal=terminal,
                  env=env)
    assert r.code == 0, r.err
    shown = committee("--lang", lang, "case", "show", "龙1", "--json", env=env)
    case = json.loads(shown.out)
    assert case["parties"][0]["kind"] == "person"
    assert case["dates"]["discovered"].endswith("T07:30:00Z"), case["dates"]


@pytest.mark.parametrize("terminal", [False, True])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unknown_key_lists_the_keys(committee: Cli, tmp_path: Path, lang: str,
                                       terminal: bool) -> None:
    r = committee("--lang", lang, "case", "new", "--file", _file(tmp_path, colour="red"),
                  terminal=terminal, env={"COLUMNS": "80"})
    assert r.code == 1 and r.out == "" and "Traceback" not in r.err, r.err
    assert len(r.err.strip().splitlines()) == 1, r.err
    if lang == "zh":
        assert "“colour”：未知的键；可用的键：纠纷类别、来源、简要案情" in r.err, r.err
        assert "（也可写代码，见 docs/case-json.md）" in r.err, r.err
    else:
        assert "'colour': unknown field; the keys allowed here: category, source" in r.err
    assert committee("case", "list", "--json").out.strip() in ("[]", "")

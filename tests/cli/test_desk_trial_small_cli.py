"""Small things a clerk's trial (2026-12-01, zh, 80 columns) found at the desk (issue 14): a
staff member's name could not be corrected; `export nightly 导出/` and `case file 龙2 卷宗/`
refused the folder given as `db backup` takes its file; JSON typed through an input method
(“”, ：) was refused; the refusal's example was masked (139****1111), so it could not be
typed; `login` without a terminal blamed an option never given; the sign-in line was 106
columns; 龙人调字第2号 (the number without its year) was no case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result, Templates, prepared

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
ROOT = Path(__file__).resolve().parents[2]


def _committee(cli: Cli) -> None:
    for args in (("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
                  "--prefix", "龙"),
                 ("staff", "add", "liming", "--name", "李明", "--role", "mediator",
                  "--no-password"),
                 ("case", "new", "--file", str(ROOT / "data" / "demo" / "case.json"))):
        made = cli(*args)
        assert made.code == 0, made.err


@pytest.fixture
def room(cli: Cli, cli_db: str, cli_templates: Templates) -> Cli:
    return prepared(cli, cli_db, cli_templates, "committee-case", _committee)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_staff_members_name_is_corrected_and_recorded(room: Cli, lang: str) -> None:
    done = room("--lang", lang, "staff", "name", "wangfang", "王芳")
    assert done.code == 0 and "王芳" in done.out, done.err
    listed = room("staff", "list", "--json")
    assert '"王芳"' in listed.out
    log = room("--lang", lang, "audit", "log", "--limit", "1")
    assert "wangfang" in log.out or "王芳" in log.out
    assert ("更正姓名" if lang == "zh" else "correct name") in log.out, log.out
    # found by the new name; a mediator may not rename anyone (staff.manage), nothing written
    assert room("--user", "王芳", "staff", "list").code == 0
    refused = room("--lang", lang, "--user", "liming", "staff", "name", "wangfang", "王二")
    assert refused.code == 1 and ("staff.manage" in refused.err or "管理工作人员" in refused.err), \
        refused.err
    assert '"王二"' not in room("staff", "list", "--json").out
    blank = room("--lang", lang, "staff", "name", "wangfang", "  ")
    assert blank.code == 1 and len(blank.err.strip().splitlines()) == 1, blank.err
    assert "--name" not in blank.err  # staff name takes no --name (a second trial)


@pytest.mark.parametrize("command", [("staff", "name", "liming"),
                                     ("staff", "add", "xiaozhao", "--no-password", "--name")])
@pytest.mark.parametrize("typed", ["13812345678", "430104198003120014", "wang@example.com"])
def test_a_staff_name_is_a_persons_name_by_the_parties_rule(room: Cli, command: tuple[str, ...],
                                                            typed: str) -> None:
    """`staff name liming 13812345678` was taken and shown as 138****5678 (a second trial)."""
    refused = room("--lang", "zh", *command, typed)
    assert refused.code == 1 and len(refused.err.strip().splitlines()) == 1, refused.err
    listed = room("staff", "list", "--json").out
    assert "xiaozhao" not in listed and typed not in listed and '"李明"' in listed


def test_init_without_the_directors_name_says_how_to_give_it(cli: Cli) -> None:
    made = cli("--lang", "zh", "init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙")
    assert made.code == 0 and "mediation staff name wangfang 姓名" in made.out, made.out


@pytest.mark.parametrize("command", [("export", "nightly", "--date", "2026-11-30"),
                                     ("case", "file", "1", "--no-pdf")])
def test_the_folder_is_taken_as_an_argument_or_with_out(room: Cli, tmp_path: Path,
                                                       command: tuple[str, ...]) -> None:
    by_arg = room(*command, str(tmp_path / "a"))
    assert by_arg.code == 0, by_arg.err
    assert any((tmp_path / "a").iterdir())
    by_opt = room(*command, "--out", str(tmp_path / "b"))
    assert by_opt.code == 0, by_opt.err
    same = room(*command, str(tmp_path / "c"), "--out", str(tmp_path / "c"))
    assert same.code == 0, same.err
    for lang in ("zh", "en"):
        two = room("--lang", lang, *command, str(tmp_path / "d"), "--out", str(tmp_path / "e"))
        none = room("--lang", lang, *command)
        for refused in (two, none):
            assert refused.code == 2 and len(refused.err.strip().splitlines()) == 1, refused.err
            assert "Traceback" not in refused.err
        assert not (tmp_path / "d").exists() and not (tmp_path / "e").exists()


@pytest.mark.parametrize("typed", [
    '1：{“phone”：“13900001111”}',
    '1:{"phone":"13900001111"}',
    '１：｛“phone”：“13900001111”｝',
    '1 : {＂phone＂，＂13900001111＂}'.replace("，", "："),
])
def test_a_party_corrected_in_input_method_punctuation(room: Cli, typed: str) -> None:
    done = room("case", "amend", "1", "--edit-party", typed, "--reason", "电话写错")
    assert done.code == 0, done.err
    shown = room("case", "show", "1", "--json", "--reveal", "--reason", "核对")
    assert "13900001111" in shown.out, shown.out


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_refusals_example_can_be_typed(room: Cli, lang: str) -> None:
    refused = room("--lang", lang, "case", "amend", "1", "--edit-party", "x", "--reason", "r")
    assert refused.code == 2, refused.err
    assert ('2:{"phone": "13900001111"}' if lang == "en" else '2:{"') in refused.err, refused.err
    assert "****" not in refused.err and "{{" not in refused.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_login_without_a_terminal_blames_no_option(cli: Cli, lang: str) -> None:
    made = cli("init", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙",
               "--password-stdin", input="a-password-8\n")
    assert made.code == 0, made.err
    refused = cli("--lang", lang, "login", "wangfang")
    assert refused.code == 2, refused.err
    assert "password-stdin" in refused.err
    assert "无效" not in refused.err and "Invalid value" not in refused.err, refused.err
    signed = cli("--lang", lang, "login", "wangfang", "--password-stdin",
                 input="a-password-8\n", env={"COLUMNS": "80"})
    assert signed.code == 0, signed.err
    first, second = signed.out.strip().splitlines()[:2]
    assert "wangfang" in first and "session" not in first and "会话" not in first
    assert ("会话保存在" if lang == "zh" else "Session kept in") in second

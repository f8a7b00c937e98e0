"""Every command that writes a file or folder takes where as its positional argument, and a place
it cannot use is refused by one rule (issue 14, a clerk's trial: ``case file 龙2 卷宗/`` took a
folder argument but ``case print`` needed ``--out``; ``case file x.json`` blamed ``--out``, an
option not typed; 目录 here and 文件夹 there; exit 1 in one command and 2 in another).

The rule is mediation.core.outfiles.destination, read by cli/options.place: a file where a
folder is wanted, a folder where a file is, and a folder to put it in that does not exist are
refused in the same words, naming the place as given, exit 1 (errors.Exit: a value read but not
allowed), nothing written or recorded, in both languages. The commands are found from the
application (a ``destination`` argument or a ``--out`` option), so a new one fails here until it
is added to RUNS.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import typer

from tests.conftest import DATA, Result

Cli = Callable[..., Result]

# How each command is run here: its arguments with {dest} where it writes, whether that is a
# folder, and the ending a file's name must have.
RUNS: dict[str, tuple[tuple[str, ...], bool, str]] = {
    "audit checkpoint": (("audit", "checkpoint", "--key", "{key}", "{dest}"), False, ".json"),
    "case file": (("case", "file", "1", "{dest}", "--no-pdf"), True, ""),
    "case print": (("case", "print", "registration", "1", "{dest}"), False, ".docx"),
    "db backup": (("db", "backup", "{dest}"), False, ".db"),
    "export nightly": (("export", "nightly", "{dest}", "--date", "2026-11-30"), True, ""),
    "report monthly": (("report", "monthly", "--month", "2026-11", "{dest}"), False, ".xlsx"),
    "report quarterly": (("report", "quarterly", "--quarter", "2026Q4", "{dest}"), False,
                         ".xlsx"),
    "report yearly": (("report", "yearly", "--year", "2026", "{dest}"), False, ".xlsx"),
    "templates export": (("templates", "export", "agreement", "{dest}"), True, ""),
    "token create": (("token", "create", "wangfang", "--days", "5", "{dest}"), False, ".token"),
}

WORDS = {  # what each refusal says, in both languages
    "not a folder": ("已存在且不是文件夹", "exists and is not a folder"),
    "a folder": ("是文件夹：请给出要写入的文件名", "is a folder: give the name of the file"),
    "no parent": ("没有文件夹", "no folder"),
}


def writing_commands() -> dict[str, list[str]]:
    """Every command with a ``destination`` argument or an ``--out`` option: its arguments'
    names."""
    from cli.main import build_app

    found: dict[str, list[str]] = {}

    def walk(cmd: object, prefix: str) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, f"{prefix} {name}".strip())
            return
        params = list(getattr(cmd, "params", []))
        if any(p.name == "destination" or "--out" in getattr(p, "opts", ()) for p in params):
            found[prefix] = [p.name for p in params if type(p).__name__ == "TyperArgument"]

    walk(typer.main.get_command(build_app()), "")
    return found


def test_every_writing_command_is_walked_and_takes_its_place_as_an_argument() -> None:
    found = writing_commands()
    assert {"case print", "case file", "export nightly", "db backup"} <= set(found)
    assert set(found) == set(RUNS), set(found) ^ set(RUNS)
    for command, arguments in found.items():
        # templates export: its NAMEs, then (the last, not a template's name) its folder
        assert arguments[-1] == ("names" if command == "templates export" else "destination"), (
            command, arguments)


@pytest.fixture
def world(cli: Cli, tmp_path: Path) -> tuple[Cli, Path]:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("case", "new", "--file", str(DATA / "demo" / "case.json")).code == 0
    assert cli("case", "accept", "1").code == 0
    (tmp_path / "audit.key").write_bytes(b"k" * 32)
    work = tmp_path / "work"
    work.mkdir()
    return cli, work


def _args(command: str, dest: Path, work: Path) -> list[str]:
    template = RUNS[command][0]
    return [a.format(dest=dest, key=work.parent / "audit.key") for a in template]


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("command", sorted(RUNS))
def test_the_place_is_the_argument(world: tuple[Cli, Path], command: str) -> None:
    cli, work = world
    _, folder, suffix = RUNS[command]
    dest = work / f"输出{suffix}"
    done = cli(*_args(command, dest, work))
    assert done.code == 0, (command, done.err)
    assert dest.is_dir() if folder else dest.is_file(), (command, _tree(work))


@pytest.mark.parametrize("command", sorted(RUNS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_place_that_cannot_be_used_is_refused_alike(world: tuple[Cli, Path], command: str,
                                                      lang: str) -> None:
    cli, work = world
    _, folder, suffix = RUNS[command]
    zh = lang == "zh"
    if folder:  # a file where a folder is wanted
        wrong = work / "卷宗.json"
        wrong.write_text("{}", encoding="utf-8")
        said = WORDS["not a folder"]
    else:  # a folder where a file is wanted
        wrong = work / f"文件夹{suffix}"
        wrong.mkdir()
        said = WORDS["a folder"]
    events = cli("audit", "log", "--all", "--json").out
    before = _tree(work)
    for dest, words in ((wrong, said), (work / "无此文件夹" / f"输出{suffix}", WORDS["no parent"])):
        refused = cli("--lang", lang, *_args(command, dest, work))
        assert refused.code == 1, (command, dest, refused.err)
        line = refused.err.strip()
        assert len(line.splitlines()) == 1 and "Traceback" not in line, line
        assert words[0 if zh else 1] in line and str(dest) in line, (command, line)
        assert "--out" not in line, line  # the place as given, not an option not typed
        if zh:
            assert "目录" not in line, line
        assert _tree(work) == before, command  # nothing written
    assert cli("audit", "log", "--all", "--json").out == events  # nothing recorded


@pytest.mark.parametrize("command", ["case print", "export nightly"])
def test_out_still_works_and_two_places_are_a_usage_error(world: tuple[Cli, Path],
                                                          command: str) -> None:
    cli, work = world
    suffix = RUNS[command][2]
    dest = work / f"旧脚本{suffix}"
    args = _args(command, dest, work)
    at = args.index(str(dest))
    old = cli(*args[:at], "--out", str(dest), *args[at + 1:])
    assert old.code == 0, old.err
    assert dest.exists()
    other = work / f"另一个{suffix}"
    both = cli(*args[:at], str(other), "--out", str(dest), *args[at + 1:], "--force")
    assert both.code == 2 and len(both.err.strip().splitlines()) == 1, both.err
    assert not other.exists()


@pytest.mark.parametrize("command", sorted(c for c, run in RUNS.items() if run[1]))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_folder_given_a_files_name_is_a_usage_error(world: tuple[Cli, Path], command: str,
                                                      lang: str) -> None:
    """The fourth clerk's trial: case file 1 卷宗/x.docx made a folder named x.docx, export
    nightly - one named -; both are refused, exit 2, one line, nothing made."""
    cli, work = world
    before = _tree(work)
    for dest in (str(work / "卷宗" / "x.docx"), str(work / "月报.xlsx"), "-"):
        refused = cli("--lang", lang, *_args(command, Path(dest), work))
        assert refused.code == 2, (command, dest, refused.err)
        line = refused.err.strip()
        assert len(line.splitlines()) == 1 and dest in line, line
        assert ("是文件名，不是文件夹" if lang == "zh" else "is a file's name") in line, line
        assert _tree(work) == before and not Path("-").exists(), command


@pytest.mark.parametrize("command", sorted(c for c, run in RUNS.items() if not run[1]))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_file_where_the_folder_should_be_is_named_so(world: tuple[Cli, Path], command: str,
                                                       lang: str) -> None:
    """The fourth trial: case print agreement 6 afile/x.docx (afile a file) said 没有文件夹
    afile; it is there, and not a folder."""
    cli, work = world
    (work / "afile").write_text("x", encoding="utf-8")
    suffix = RUNS[command][2]
    refused = cli("--lang", lang, *_args(command, work / "afile" / f"x{suffix}", work))
    assert refused.code == 1, (command, refused.err)
    line = refused.err.strip()
    assert WORDS["not a folder"][0 if lang == "zh" else 1] in line, line
    assert str(work / "afile") in line and len(line.splitlines()) == 1, line


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_amend_with_nothing_to_correct_is_a_usage_error(world: tuple[Cli, Path],
                                                        lang: str) -> None:
    """The fourth trial: case amend 5 --reason x said the case's state could not be amended
    (exit 1); nothing was given to correct, which is how the command was used: exit 2, one
    line, before the case is read."""
    cli, _ = world
    for ref in ("1", "99"):
        r = cli("--lang", lang, "case", "amend", ref, "--reason", "核实")
        assert r.code == 2, r.err
        line = r.err.strip()
        assert len(line.splitlines()) == 1 and "case amend --help" in line, line
        assert ("没有要更正的内容" if lang == "zh" else "nothing to correct") in line, line
        assert ("调解中" not in line) and ("当前" not in line), line

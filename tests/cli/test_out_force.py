"""Every command that writes where ``--out`` says never replaces what is there without ``--force``
(issue 14: ``case print`` overwrote an existing file silently): one line, exit 1, nothing written
or recorded, in both languages; with ``--force`` it is replaced. The one rule is
mediation.core.files.refuse_existing. The commands are found from the application itself, so a
new command with an ``--out`` option fails here until it is added below.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DATA, Result

# How each command writing to --out is run here, writing to DEST (a file, or a folder).
RUNS: dict[str, tuple[str, ...]] = {
    "mediation audit checkpoint": ("audit", "checkpoint", "--key", "{key}", "--out",
                                   "{dest}.json"),
    "mediation case file": ("case", "file", "1", "--out", "{dest}", "--no-pdf"),
    "mediation case print": ("case", "print", "registration", "1", "--out", "{dest}.docx"),
    "mediation export nightly": ("export", "nightly", "--out", "{dest}", "--date", "2026-11-30"),
    "mediation report monthly": ("report", "monthly", "--month", "2026-11", "--out",
                                 "{dest}.xlsx"),
    "mediation report quarterly": ("report", "quarterly", "--quarter", "2026Q4", "--out",
                                   "{dest}.xlsx"),
    "mediation report yearly": ("report", "yearly", "--year", "2026", "--out", "{dest}.xlsx"),
    "mediation token create": ("token", "create", "wangfang", "--days", "5", "--out",
                               "{dest}.token"),
}
# Commands with --out that never replace a file there, --force or not, and why.
NEVER_REPLACE = {
    "mediation templates export": "the folder is where the committee edits its templates: a "
                                  "template there is kept (\"kept (exists, not overwritten)\")",
}


def out_commands() -> set[str]:
    sys.path.insert(0, str(DATA.parent / "tools"))
    import clidoc

    return {path for path, cmd in clidoc.commands()
            if any("--out" in getattr(p, "opts", ()) for p in cmd.params)}


def test_every_command_with_out_is_walked_and_takes_force() -> None:
    found = out_commands()
    import clidoc

    assert {"mediation case print", "mediation export nightly"} <= found
    assert found == set(RUNS) | set(NEVER_REPLACE), found ^ (set(RUNS) | set(NEVER_REPLACE))
    for path, cmd in clidoc.commands():
        if path in RUNS:
            assert any("--force" in getattr(p, "opts", ()) for p in cmd.params), path


def snapshot(dest: Path) -> dict[str, bytes]:
    """What is at ``dest`` (a file, or every file under a folder) and its bytes."""
    if dest.is_file():
        return {dest.name: dest.read_bytes()}
    return {str(p.relative_to(dest)): p.read_bytes() for p in sorted(dest.rglob("*"))
            if p.is_file()}


@pytest.mark.parametrize("command", sorted(RUNS))
def test_an_existing_out_is_replaced_only_with_force(cli: Callable[..., Result], tmp_path: Path,
                                                     command: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("case", "new", "--file", str(DATA / "demo" / "case.json")).code == 0
    assert cli("case", "accept", "1").code == 0
    key = tmp_path / "audit.key"
    key.write_bytes(b"k" * 32)
    template = RUNS[command]
    dest_arg = next(a for a in template if "{dest}" in a)
    dest = Path(dest_arg.format(dest=tmp_path / "out"))
    args = [a.format(dest=tmp_path / "out", key=key) for a in template]
    first = cli(*args)
    assert first.code == 0, first.err
    before = snapshot(dest)
    assert before, command
    events = cli("audit", "log", "--all", "--json").out
    for lang, words in (("zh", "已存在；如要覆盖请加 --force"),
                        ("en", "exists; give --force to overwrite it")):
        refused = cli("--lang", lang, *args)
        assert refused.code == 1, (command, refused.err)
        assert words in refused.err and "Traceback" not in refused.err, refused.err
        assert len(refused.err.strip().splitlines()) == 1, refused.err
        assert snapshot(dest) == before  # nothing written
    assert cli("audit", "log", "--all", "--json").out == events  # nothing recorded
    replaced = cli(*args, "--force")
    assert replaced.code == 0, replaced.err
    assert snapshot(dest).keys() >= before.keys()

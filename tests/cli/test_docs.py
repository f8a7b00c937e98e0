"""Docs follow code: every command in docs/cli.md, generated docs current, catalogues full."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))

import catalogues  # noqa: E402
import clidoc  # noqa: E402
import workflowdoc  # noqa: E402


def test_every_command_is_in_docs_cli_md() -> None:
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    missing = [path for path, _ in clidoc.commands() if f"## {path}\n" not in text]
    assert missing == [], f"undocumented commands: {missing}"


def test_generated_docs_are_current() -> None:
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == clidoc.render()
    assert (ROOT / "docs" / "workflow.md").read_text(encoding="utf-8") == workflowdoc.render()


def test_every_message_has_a_chinese_translation_and_compiled_catalogues() -> None:
    assert catalogues.problems() == []


def test_readme_walkthrough_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = {path for path, _ in clidoc.commands()}
    for line in readme.splitlines():
        words = line.split()
        if len(words) >= 3 and words[0] == "mediation" and not words[1].startswith("-"):
            cmd = " ".join(words[:3]) if f"mediation {words[1]} {words[2]}" in documented \
                else " ".join(words[:2])
            assert cmd in documented, line

"""Shared by the documentation generators: write a generated file, or check it is current."""

from __future__ import annotations

from pathlib import Path


def write_or_check(target: Path, text: str, argv: list[str], command: str) -> int:
    """With ``--check`` in ``argv``: 1 if ``target`` differs from ``text``; else write it."""
    if "--check" in argv:
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            print(f"{target.parent.name}/{target.name} is out of date: run `{command}`")
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    return 0

"""A document a case does not have (issue 14): the refusal says what can be printed for the
case now, and for a version that does not exist, which versions do (第3版, not (3))."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_missing_document_says_what_can_be_printed(cli: Cli,
                                                     demo_of: Callable[..., None], tmp_path: Path,
                                                     lang: str) -> None:
    demo_of()
    out = cli("--lang", lang, "case", "print", "agreement", "9", "--out",
              str(tmp_path / "a9.docx"))
    assert out.code == 1 and not (tmp_path / "a9.docx").exists()
    assert ("本案现在可以打印：" if lang == "zh" else "what can be printed for it now:") in out.err
    assert "人民调解调查记录" in out.err or "investigation" in out.err, out.err
    out = cli("--lang", lang, "case", "print", "agreement", "6", "--version", "3", "--out",
              str(tmp_path / "a6.docx"))
    assert out.code == 1, out.err
    if lang == "zh":
        assert "没有第3版人民调解协议书；现有：第" in out.err and "(3)" not in out.err, out.err
    else:
        assert "number 3; it has numbers:" in out.err, out.err

"""Command words typed through a Chinese input method (issue 14, the fifth clerk's trial):
``ｃａｓｅ list`` and ``case　show 4`` (a full-width space inside one argument) name the command
they spell; the user's data after the command's words is never touched."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.main import command_words, run


@pytest.mark.parametrize(("typed", "read"), [
    (["ｃａｓｅ", "list"], ["case", "list"]),
    (["case\u3000show", "4"], ["case", "show", "4"]),
    (["ＣＡＳＥ", "ｓｅａｒｃｈ", "ｚｈａｎｇ"], ["case", "search", "ｚｈａｎｇ"]),
    (["--lang", "zh", "ｃａｓｅ", "ｓｈｏｗ", "1"], ["--lang", "zh", "case", "show", "1"]),
    (["--db", "ｃａｓｅ", "case", "list"], ["--db", "ｃａｓｅ", "case", "list"]),
    (["login", "ＬｉＭｉｎｇ"], ["login", "LiMing"]),
    (["stats", "上月"], ["stats", "上月"]),
    (["case", "show", "龙１２"], ["case", "show", "龙１２"]),
    (["--", "ｃａｓｅ"], ["--", "ｃａｓｅ"]),
])
def test_command_words(typed: list[str], read: list[str]) -> None:
    assert command_words(typed) == read


_ARG = st.text(st.characters(codec="utf-8"), max_size=8)


@given(st.lists(_ARG, max_size=6), st.lists(_ARG, max_size=4))
def test_only_the_command_words_change(args: list[str], data: list[str]) -> None:
    """ASCII arguments are kept as typed; a changed word only ever becomes Latin letters; what
    follows the command's two words (the user's data) is kept exactly, whatever it holds."""
    out = command_words(args)
    if all(a.isascii() for a in args):
        assert out == args
    for word in out:
        assert word in args or word.isascii()
    assert command_words(["case", "show", *data]) == ["case", "show", *data]
    assert command_words(["ｃａｓｅ", "ｓｈｏｗ", *data])[2:] == data


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_full_width_command_runs(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--lang", lang, "ｃａｓｅ", "ｌｉｓｔ", "--help"]) == 0
    assert "case list" in capsys.readouterr().out
    assert run(["--lang", lang, "case\u3000shw"]) == 2
    err = capsys.readouterr().err
    assert "\\u3000" not in err and "'shw'" in err

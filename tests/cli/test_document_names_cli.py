"""A document is named in the reader's language wherever the program names it (issue 14): under
en its English name (mediation agreement, version 1), never its Chinese title inside an English
sentence; under zh its title (人民调解协议书（第1版）). One function, documentkinds.shown: every
kind and number here, then every kind printed, refused, listed and in a case's history."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core.documentkinds import KINDS, shown, shown_key
from mediation.core.i18n import get_language, set_language
from tests.conftest import Result

Cli = Callable[..., Result]
HAN = re.compile(r"[\u3400-\u9fff]")
CASE_NUMBER = re.compile(r"\(\d{4}\)\S+?第\d+号")


def _english(text: str) -> bool:
    """No Chinese in ``text`` but the case numbers (data) and the committee's folder."""
    text = CASE_NUMBER.sub("", text)
    return not HAN.search("\n".join(ln for ln in text.splitlines()
                                    if not ln.startswith("Committee folder:")))


@given(st.sampled_from(sorted(KINDS)), st.one_of(st.none(), st.integers(1, 99)),
       st.sampled_from(["en", "zh"]))
def test_every_kind_and_number_has_its_name_in_each_language(kind: str, no: int | None,
                                                            lang: str) -> None:
    was = get_language()
    set_language(lang)
    try:
        said = shown(kind, no)
        assert said == shown_key(kind if no is None else f"{kind}-{no}")
    finally:
        set_language(was)
    if lang == "en":
        assert not HAN.search(said) and "（" not in said, said
    else:
        assert said.startswith(KINDS[kind].title), said
        assert no is None or f"第{no}" in said, said


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_kind_printed_or_refused_says_its_name_in_the_language(
        cli: Cli, demo_of: Callable[..., None], tmp_path: Path, lang: str) -> None:
    demo_of()
    said = []
    for kind in KINDS:
        for case in ("1", "9"):  # closed (most documents), in intake (most refusals)
            r = cli("--lang", lang, "case", "print", kind, case, "--out",
                    str(tmp_path / f"{kind}-{case}.docx"))
            assert r.code in (0, 1), r.err
            said.append(r.out + r.err)
    said.append(cli("--lang", lang, "case", "print", "agreement", "1", "--version", "9",
                    "--out", str(tmp_path / "v9.docx")).err)
    said.append(cli("--lang", lang, "templates", "list").out)
    history = cli("--lang", lang, "case", "history", "1").out  # its printings' documents
    said.append("\n".join(ln.split("documents:" if lang == "en" else "文书：")[-1]
                          for ln in history.splitlines() if "documents:" in ln or "文书：" in ln))
    text = "\n".join(said)
    if lang == "en":
        assert _english(text), [s for s in said if not _english(s)]
        assert "mediation agreement, version 1" in text, text
    else:
        assert "人民调解协议书（第1版）" in text and "mediation agreement" not in text, text

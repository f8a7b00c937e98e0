"""`case history` and `audit log` under ``--lang zh`` show vocabulary values (risk levels,
sources, duplicate matches, revealed fields, document kinds, fixed reasons) by their Chinese
names; only free text typed by users is shown as typed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.audit_support import RECORD

Cli = Callable[..., Any]

# ASCII words that may appear in a Chinese timeline: user names, as typed (none a stored code).
_ALLOWED = {"wangfang"}
_CODES = ("forced", "probable duplicate", "print", "medium", "high", "same_id_number",
          "intake", "id_number", "phone", "address", "birth_date", "agreement-1",
          "investigation", "application")


def _history(cli: Cli, tmp_path: Path) -> tuple[str, str]:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    case = tmp_path / "case.json"
    case.write_text(json.dumps(RECORD, ensure_ascii=False), encoding="utf-8")
    assert cli("case", "new", "-f", str(case)).code == 0
    forced = cli("case", "new", "-f", str(case), "--force")
    assert forced.code == 0, forced.err
    assert cli("case", "amend", "2", "--risk", "high", "--reason", "双方情绪激动").code == 0
    assert cli("case", "show", "2", "--reveal", "--reason", "核对身份").code == 0
    printed = cli("case", "print", "investigation", "2", "--out", str(tmp_path / "inv.docx"))
    assert printed.code == 0, printed.err
    history = cli("--lang", "zh", "case", "history", "2")
    assert history.code == 0, history.err
    log = cli("--lang", "zh", "audit", "log")
    assert log.code == 0, log.err
    return history.out, log.out


def test_no_stored_code_or_english_word_in_a_chinese_timeline(cli: Cli, tmp_path: Path) -> None:
    history, log = _history(cli, tmp_path)
    for out in (history, log):
        for code in _CODES:
            assert code not in out, (code, out)
        words = set(re.findall(r"[A-Za-z][A-Za-z_\-]*", out)) - _ALLOWED
        assert not words, (words, out)


def test_a_numbered_document_is_shown_by_its_kind_and_number() -> None:
    from cli import timeline
    from mediation.core.i18n import get_language, set_language

    was = get_language()
    set_language("zh")
    try:
        assert timeline._value(["agreement-1", "cover"], "documents") == \
            "人民调解协议书（第1份）；卷宗封面"
        assert timeline._value("typed by hand", "reason") == "typed by hand"
    finally:
        set_language(was)

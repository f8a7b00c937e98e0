"""`case history` and `audit log` under ``--lang zh`` show vocabulary values (risk levels,
sources, duplicate matches, revealed fields, document kinds, fixed reasons) by their Chinese
names; only free text typed by users is shown as typed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

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
    from cli import render, timeline  # render first: it imports timeline
    from mediation.core.i18n import get_language, set_language

    assert render is not None
    was = get_language()
    set_language("zh")
    try:
        assert timeline._value(["agreement-1", "cover"], "documents") == \
            "人民调解协议书（第1版）；卷宗封面"
        assert timeline._value("typed by hand", "reason") == "typed by hand"
    finally:
        set_language(was)


@pytest.mark.parametrize("no", [1, 2, 12])
def test_a_printed_document_has_one_name_in_its_title_and_in_the_history(no: int) -> None:
    """The case's history names a numbered document as its title (and file name) does: the
    second session record is 第2次 in both, an agreement's version 第2版 (issue 14: 第1份)."""
    from cli import render, timeline  # render first: it imports timeline
    from mediation.core.i18n import get_language, set_language
    from mediation.reporting.forms import KINDS, nth

    assert render is not None
    was = get_language()
    set_language("zh")
    try:
        for kind, k in KINDS.items():
            if k.repeated:
                shown = timeline._value([f"{kind}-{no}"], "documents")
                assert shown.endswith(nth(kind, no)) and f"第{no}" in shown, (kind, shown)
                assert "份" not in shown, shown
    finally:
        set_language(was)


def _actions_in_code() -> set[str]:
    """Every kind of event the program records: the workflow's triggers and each
    ``action="..."`` written in mediation/."""
    from mediation import workflow

    root = Path(__file__).resolve().parents[2] / "mediation"
    found = set(workflow.TRIGGERS)
    for path in root.rglob("*.py"):
        found |= set(re.findall(r'action="([a-z_]+)"', path.read_text("utf-8")))
    return found


def test_every_kind_of_event_has_a_chinese_name() -> None:
    from mediation.core.i18n import name, set_language

    set_language("zh")
    try:
        unnamed = sorted(a for a in _actions_in_code()
                         if re.search(r"[A-Za-z]", name("trigger", a)))
    finally:
        set_language("en")
    assert not unnamed, unnamed


def test_grid_sweep_staff_token_and_reveal_events_read_chinese(cli: Cli,
                                                               demo_of: Callable[..., None],
                                                               tmp_path: Path) -> None:
    """The events beside the workflow's (grid leads, sweeps, staff acts, tokens, a checkpoint,
    a reveal, a print) in a Chinese timeline: no ASCII word but user names."""
    demo_of()
    acts = [
        ("sweep", "record", "--area", "第三网格", "--by", "李明", "--found", "0"),
        ("lead", "report", "--place", "桐梓坡路8栋", "--seen", "楼上漏水引发争吵",
         "--risk", "medium", "--cell", "龙王港-03", "--parties", "张三、李四"),
        ("lead", "dismiss", "1", "--reason", "resolved_on_spot"),
        ("staff", "add", "zhangwei", "--name", "张伟", "--role", "mediator"),
        ("staff", "role", "zhangwei", "clerk"),
        ("staff", "disable", "zhangwei"),
        ("token", "create", "chenjing", "--days", "9", "--out", str(tmp_path / "t")),
        ("case", "show", "1", "--reveal", "--reason", "核对身份"),
        ("case", "print", "cover", "1", "--out", str(tmp_path / "cover.docx")),
    ]
    for act in acts:
        done = cli(*act)
        assert done.code == 0, (act, done.err)
    (tmp_path / "key").write_bytes(b"k" * 32)
    assert cli("audit", "checkpoint", "--key", str(tmp_path / "key"), "--out",
               str(tmp_path / "cp.json")).code == 0
    users = {s["username"] for s in json.loads(cli("staff", "list", "--json").out)}
    users |= {"zhangwei", "chenjing"}
    seen = {e["action"] for e in json.loads(cli("audit", "log", "--all", "--json").out)}
    assert {"sweep_record", "lead_report", "lead_dismiss", "staff_add", "staff_role",
            "token_create", "reveal", "checkpoint"} <= seen, seen
    for fmt in ("table", "tsv"):
        log = cli("--lang", "zh", "audit", "log", "--all", "--format", fmt)
        assert log.code == 0, log.err
        text = re.sub(r"\b[0-9a-f]{16,}\b", " ", log.out)  # a key's fingerprint, a hash
        words = set(re.findall(r"[A-Za-z][A-Za-z_\-]*", text)) - users
        assert not words, (fmt, words)


def test_a_filed_documents_entry_has_chinese_field_names() -> None:
    """An archive (归档) event's documents and a new version's entry (issue 14: ``digest：…，
    file：…，key：registration``): every field by its Chinese name, the document by its title."""
    from cli import render, timeline  # render first: it imports timeline
    from mediation.core.i18n import get_language, set_language

    assert render is not None
    entry = {"key": "registration", "version": 1, "file": "01-人民调解受理登记表.docx",
             "digest": "0123456789abcdef0123456789abcdef", "draft": 2}
    was = get_language()
    set_language("zh")
    try:
        for key in ("documents", "document"):
            shown = timeline._value([entry] if key == "documents" else entry, key)
            words = set(re.findall(r"[A-Za-z][A-Za-z_\-]*", shown)) - {"docx"}
            assert not {w for w in words if not re.fullmatch(r"[a-f]+", w)}, shown
            assert "文书：人民调解受理登记表" in shown and "文件：" in shown, shown
    finally:
        set_language(was)

"""`mediation audit ...` end to end, in both languages."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.audit_support import RECORD

Cli = Callable[..., Any]


@pytest.fixture
def backend() -> str:
    """These tests read and tamper with the SQLite file itself (PostgreSQL: the tamper property)."""
    return "sqlite"


@pytest.fixture
def committee(cli: Cli, tmp_path: Path) -> Path:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("staff", "add", "liming", "--name", "李明").code == 0
    assert cli("staff", "add", "sunli", "--name", "孙力", "--role", "auditor").code == 0
    case = tmp_path / "case.json"
    case.write_text(json.dumps(RECORD, ensure_ascii=False), encoding="utf-8")
    assert cli("case", "new", "-f", str(case)).code == 0
    assert cli("case", "accept", "1").code == 0
    assert cli("case", "show", "1", "--reveal", "--reason", "核对身份").code == 0
    return tmp_path / "cli.db"


def test_verify_ok_then_tampered_exits_4(cli: Cli, committee: Path) -> None:
    ok = cli("audit", "verify", "--json")
    assert ok.code == 0, ok.err
    doc = json.loads(ok.out)
    assert doc["ok"] is True and doc["events"] == 6 and doc["first_bad_seq"] is None
    db = sqlite3.connect(committee)
    db.execute("DROP TRIGGER event_no_update")
    db.execute("UPDATE event SET reason = NULL WHERE seq = 6")
    db.commit()
    db.close()
    bad = cli("audit", "verify")
    assert bad.code == 4
    assert "event 6" in bad.err and "[hash]" in bad.err
    bad_zh = cli("--lang", "zh", "audit", "verify", "--json")
    assert bad_zh.code == 4
    assert json.loads(bad_zh.out)["problem"]["kind"] == "hash"
    assert "6" in bad_zh.err


def test_checkpoint_then_verify_with_anchor_and_key(cli: Cli, committee: Path,
                                                    tmp_path: Path) -> None:
    key = tmp_path / "key"
    key.write_text("0123456789abcdef0123456789abcdef\n")
    cp = tmp_path / "cp.json"
    made = cli("--user", "sunli", "audit", "checkpoint", "--key", str(key), "--out", str(cp))
    assert made.code == 0, made.err
    statement = json.loads(cp.read_text("utf-8"))
    assert statement["log_head"]["seq"] == 7 and statement["signer"]["username"] == "sunli"
    good = cli("audit", "verify", "--anchor", str(cp), "--key", str(key), "--json")
    assert good.code == 0, good.err
    assert json.loads(good.out)["anchors"][0]["signature"] == "valid"
    other = tmp_path / "other"
    other.write_text("another key, long enough to pass")
    bad = cli("audit", "verify", "--anchor", str(cp), "--key", str(other))
    assert bad.code == 4 and "signature" in bad.err
    short = tmp_path / "short"
    short.write_text("abc")
    assert cli("audit", "checkpoint", "--key", str(short)).code == 1
    assert cli("--user", "liming", "audit", "checkpoint", "--key", str(key)).code == 1


def test_a_checkpoint_stripped_of_its_signature_after_a_rewrite_fails_with_key(
        cli: Cli, committee: Path, tmp_path: Path) -> None:
    """The forger rewrites the chain consistently from event 2 on, moves the checkpoint's head
    to the new one and deletes its signature: refused with --key (exit 4), accepted without it
    but reported unchecked."""
    from tests.property.test_audit_tamper import _rehash_from

    key = tmp_path / "key"
    key.write_text("0123456789abcdef0123456789abcdef\n")
    cp = tmp_path / "cp.json"
    assert cli("--user", "sunli", "audit", "checkpoint", "--key", str(key), "--out",
               str(cp)).code == 0
    db = sqlite3.connect(committee)
    db.execute("DROP TRIGGER event_no_update")
    db.execute("UPDATE event SET reason = 'rewritten' WHERE seq = 2")
    _rehash_from(db, 2)
    db.commit()
    seq, value = db.execute("SELECT seq, hash FROM log_head").fetchone()
    db.close()
    statement = json.loads(cp.read_text("utf-8"))
    statement["log_head"] = {"seq": seq, "hash": value}
    del statement["signature"]
    cp.write_text(json.dumps(statement))
    bad = cli("audit", "verify", "--anchor", str(cp), "--key", str(key), "--json")
    assert bad.code == 4, bad.out
    doc = json.loads(bad.out)
    assert doc["problem"]["kind"] == "signature" and doc["anchors"][0]["signature"] == "unsigned"
    loose = cli("audit", "verify", "--anchor", str(cp))
    assert loose.code == 0 and "Unchecked anchors" in loose.out and str(cp) in loose.out
    assert "未核验的锚点" in cli("--lang", "zh", "audit", "verify", "--anchor", str(cp)).out


def test_log_and_case_timelines_in_both_languages(cli: Cli, committee: Path) -> None:
    en = cli("audit", "case", "1")
    assert en.code == 0, en.err
    assert "accept" in en.out and "intake → accepted" in en.out and "核对身份" in en.out
    zh = cli("--lang", "zh", "audit", "case", "1")
    assert zh.code == 0 and "受理" in zh.out and "登记 → 已受理" in zh.out
    doc = json.loads(cli("audit", "case", "1", "--json").out)
    assert [e["action"] for e in doc["events"]] == ["new", "accept", "reveal"]
    rows = json.loads(cli("audit", "log", "--action", "reveal", "--json").out)
    assert len(rows) == 1 and rows[0]["reason"] == "核对身份"
    assert "430104198003120014" not in cli("audit", "log").out
    assert json.loads(cli("audit", "log", "--actor", "nobody", "--json").out) == []
    assert json.loads(cli("audit", "log", "--until", "2000-01-01", "--json").out) == []
    assert len(json.loads(cli("audit", "log", "--since", "2000-01-01", "--json").out)) == 6
    assert cli("audit", "log", "--since", "last week").code == 2
    own = cli("--user", "liming", "audit", "log", "--json")  # a mediator: their own events only
    assert own.code == 0 and json.loads(own.out) == []
    assert cli("--user", "sunli", "audit", "verify").code == 0

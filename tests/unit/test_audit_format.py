"""The pieces of the audit format that need no database (docs/audit.md §2-6)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pytest

from mediation import audit
from mediation.audit import chain
from mediation.core.errors import InvalidInput
from mediation.db import eventlog
from mediation.tables import Event


def test_canonical_json_is_the_documented_one() -> None:
    value = {"b": [None, True, 12], "a": "张三\n\"x\"\\\x01", "c": {}}
    text = eventlog.canonical_json(value)
    assert text == '{"a":"张三\\n\\"x\\"\\\\\\u0001","b":[null,true,12],"c":{}}'
    assert text == json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def test_streamed_row_hashes_like_an_event() -> None:
    e = Event(seq=7, at=datetime(2026, 11, 22, 23, 10, 5, 120), committee_id=1, case_id=None,
              actor="sunli", role="auditor", action="reveal", reason="核对",
              changes='{"fields":[null,["phone"]]}', prev_hash="a" * 64, hash="")
    expected = eventlog.chain_hash(e.prev_hash, eventlog.content_of(e))
    row = (7, "2026-11-22 23:10:05.000120", 1, None, "sunli", "auditor", "reveal", None, None,
           None, "核对", '{"fields":[null,["phone"]]}', "a" * 64, "", None, 1)
    assert chain._hash_of(row) == expected
    assert chain._hash_of((*row[:1], datetime(2026, 11, 22, 23, 10, 5, 120), *row[2:])) == expected
    text = eventlog.content_of(e)
    data = ("a" * 64 + "\n" + text).encode()
    assert hashlib.sha256(data).hexdigest() == expected
    assert text == eventlog.canonical_json(json.loads(text))  # the documented serialisation
    assert json.loads(text)["at"] == "2026-11-22T23:10:05.000120Z"


@pytest.mark.parametrize("text", [
    '{"fields":[null,["phone"]],"fields":[null,["name"]]}',  # a duplicate key
    '{"b":1,"a":2}',  # key order
    '{"a": 1}',  # spacing
    '{"a":"\\u5f20"}',  # escaped non-ASCII
    '{"a":1.5}', '{"a":NaN}', '{"a":Infinity}',  # no floats
    '[1]', '"x"',  # not an object
])
def test_changes_are_parsed_strictly(text: str) -> None:
    with pytest.raises(ValueError):
        eventlog.parse_changes(text)
    row = (7, "2026-11-22 23:10:05.000120", 1, None, "sunli", "auditor", "reveal", None, None,
           None, "核对", text, "a" * 64, "", None, 1)
    with pytest.raises(ValueError):
        chain._hash_of(row)


def test_content_version_2_hashes_when_it_happened_beside_when_it_was_recorded() -> None:
    """Issue 15: a late entry (--at) carries occurred_at; version 2 content has it and the
    version, keys sorted; version 1 (before migration 0010) is the twelve columns as before."""
    at, occurred = datetime(2026, 11, 22, 23, 10, 5, 120), datetime(2026, 11, 20, 2, 0)
    e = Event(seq=7, at=at, occurred_at=occurred, content_version=2, committee_id=1, case_id=3,
              actor="liming", role="mediator", action="session", from_state="mediating",
              to_state="mediating", version=4, changes="{}", prev_hash="a" * 64, hash="")
    text = eventlog.content_of(e)
    content = json.loads(text)
    assert content["occurred_at"] == "2026-11-20T02:00:00.000000Z"
    assert content["at"] == "2026-11-22T23:10:05.000120Z" and content["content_version"] == 2
    assert len(content) == 14 and text == eventlog.canonical_json(content)
    row = (7, "2026-11-22 23:10:05.000120", 1, 3, "liming", "mediator", "session",
           "mediating", "mediating", 4, None, "{}", "a" * 64, "", "2026-11-20 02:00:00.000000",
           2)
    assert chain._hash_of(row) == eventlog.chain_hash("a" * 64, text)
    v1 = json.loads(eventlog.content_of(Event(**{**e.model_dump(), "content_version": 1})))
    assert "occurred_at" not in v1 and "content_version" not in v1 and len(v1) == 12
    for bad in ((*row[:15], 3), (*row[:14], None, 2), (*row[:15], "2")):
        with pytest.raises(ValueError):
            chain._hash_of(bad)


def test_canonical_changes_parse() -> None:
    assert eventlog.parse_changes('{"a":"张","b":[null,1]}') == {"a": "张", "b": [None, 1]}


def test_signature_round_trip_and_tampering() -> None:
    key = b"0123456789abcdef"
    statement = {"format": audit.CHECKPOINT_FORMAT, "log_head": {"seq": 3, "hash": "b" * 64}}
    statement["signature"] = {"alg": "HMAC-SHA256", "value": audit.sign(statement, key)}
    assert audit.signature_valid(statement, key)
    assert not audit.signature_valid(statement, key + b"x")
    assert not audit.signature_valid(dict(statement, log_head={"seq": 4, "hash": "b" * 64}), key)
    anchor = audit.anchor_from_json(statement, "cp.json")
    assert anchor.statement == statement and (anchor.seq, anchor.hash) == (3, "b" * 64)


@pytest.mark.parametrize("data", [{}, {"log_head": {"seq": "3", "hash": "b" * 64}},
                                  {"log_head": {"seq": 3, "hash": "short"}}, [1, 2]])
def test_anchor_without_a_head_is_refused(data: object) -> None:
    with pytest.raises(InvalidInput):
        audit.anchor_from_json(data, "x.json")


def test_the_first_findings_in_report_order_are_kept_whatever_order_they_are_found_in() -> None:
    """The chain's pass finds problems in seq order, the case replay in case order: the result
    keeps the MAX_FINDINGS first in report order (the log's before the cases') and counts the
    rest."""
    from mediation.audit import Finding, Kind, VerifyResult
    from mediation.core.i18n import msg

    result = VerifyResult()
    n = audit.MAX_FINDINGS + 10
    for seq in range(n, 0, -1):  # found last to first
        result.add(Finding(seq, Kind.field, msg("x"), case_id=seq))
    for seq in (n + 5, n + 3):  # the log's problems rank before the cases', at any seq
        result.add(Finding(seq, Kind.hash, msg("y")))
    kept = [(f.kind, f.seq) for f in result.findings]
    assert len(kept) == audit.MAX_FINDINGS and result.more_findings == 12
    assert kept[:2] == [(Kind.hash, n + 3), (Kind.hash, n + 5)]
    assert [s for _k, s in kept[2:]] == list(range(1, audit.MAX_FINDINGS - 1))
    first = result.first
    assert first is not None and (first.kind, first.seq) == (Kind.hash, n + 3)

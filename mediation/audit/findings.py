"""What ``audit verify`` finds: the kinds of problem, each finding, and the typed result."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mediation.core.errors import IntegrityFailure
from mediation.core.i18n import Msg, msg
from mediation.db import eventlog

MAX_FINDINGS = 50


class Kind(StrEnum):
    """What is wrong at the first bad sequence number."""

    seq_gap = "seq_gap"  # a sequence number is missing (or the log does not start at 1)
    prev_hash = "prev_hash"  # prev_hash is not the previous event's hash
    hash = "hash"  # the stored hash is not the hash of the content
    content = "content"  # the row cannot be read as an event (bad JSON in changes, ...)
    head = "head"  # the log_head row does not match the last event
    replay = "replay"  # a case's state/version differs from the replay of its events
    transition = "transition"  # a case's event is not a step the workflow table allows there
    field = "field"  # a stored field of the case file differs from what its events recorded
    anchor_missing = "anchor_missing"  # a published head is beyond the end of the log
    anchor_mismatch = "anchor_mismatch"  # the event at a published head has another hash
    signature = "signature"  # given --key: an anchor is unsigned, or its HMAC does not match


CASE_KINDS = frozenset({Kind.replay, Kind.transition, Kind.field})  # ("content" may come from
# the case replay too: it is a problem of the log, ranked with the chain's)


def _order(f: Finding) -> tuple[bool, bool, int]:
    return f.kind in CASE_KINDS, f.seq is None, f.seq or 0


@dataclass(frozen=True)
class Finding:
    seq: int | None
    kind: Kind
    detail: Msg
    case_id: int | None = None  # the case, for replay, transition and field
    field: str | None = None  # for field: "<table>/<row id>.<column>" (or the row)

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "kind": self.kind.value, "detail": self.detail.render(),
                "case_id": self.case_id, "field": self.field}


@dataclass
class AnchorResult:
    source: str
    seq: int
    hash: str
    found: bool = False
    signature: str = "none"  # none | unchecked | valid | invalid | unsigned (given --key)

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "seq": self.seq, "hash": self.hash, "found": self.found,
                "signature": self.signature}


@dataclass
class VerifyResult:
    events: int = 0
    head: tuple[int, str] = (0, eventlog.GENESIS)
    findings: list[Finding] = field(default_factory=list)
    more_findings: int = 0
    anchors: list[AnchorResult] = field(default_factory=list)
    cases: int = 0
    whole_files: int = 0  # cases whose whole file was compared (the others: state and version)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def first(self) -> Finding | None:
        """The problem of the log at the lowest sequence number; when the log itself holds, the
        first problem of the cases (a broken chain makes their replay meaningless anyway).
        Problems without a sequence number come last."""
        if not self.findings:
            return None
        return min(self.findings, key=_order)

    def add(self, finding: Finding) -> None:
        """Keep the :data:`MAX_FINDINGS` first problems in report order (they are found in two
        passes, the chain's in ``seq`` order and the cases' in case order); count the rest."""
        bisect.insort(self.findings, finding, key=_order)
        if len(self.findings) > MAX_FINDINGS:
            self.findings.pop()
            self.more_findings += 1

    def to_dict(self) -> dict[str, Any]:
        first = self.first
        return {
            "ok": self.ok,
            "events": self.events,
            "cases": self.cases,
            "whole_files": self.whole_files,
            "head": {"seq": self.head[0], "hash": self.head[1]},
            "first_bad_seq": first.seq if first else None,
            "problem": first.to_dict() if first else None,
            "findings": [f.to_dict() for f in sorted(
                self.findings, key=_order)],
            "more_findings": self.more_findings,
            "anchors": [a.to_dict() for a in self.anchors],
            "unchecked_anchors": [a.source for a in self.unchecked],
        }

    @property
    def unchecked(self) -> list[AnchorResult]:
        """The anchors whose signature was not checked: every anchor, when no key was given."""
        return [a for a in self.anchors if a.signature in ("none", "unchecked")]

    def failure(self) -> IntegrityFailure:
        first = self.first
        assert first is not None
        if first.seq is None:
            return IntegrityFailure(msg("audit verification failed: {detail}",
                                        detail=first.detail))
        return IntegrityFailure(msg("audit verification failed at event {seq}: {detail}",
                                    seq=first.seq, detail=first.detail))

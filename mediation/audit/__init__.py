"""Audit: verify the event log, sign checkpoints of its head, and read it as timelines.

- :mod:`mediation.audit.chain`: :func:`verify`, the plain function other checks call
  (``mediation db check``; it needs no actor): the hash chain, the head, the anchors, and every
  case replayed from its events and compared with its case file (docs/audit.md §7-9).
- :mod:`mediation.audit.findings`: what it finds (:class:`Kind`, :class:`Finding`) and the
  typed result (:class:`VerifyResult`).
- :mod:`mediation.audit.anchors`: published heads (manifests, signed checkpoints), keys, and
  the ``audit checkpoint`` use case.
- :mod:`mediation.audit.timeline`: ``audit log`` and ``audit case``.
"""

from __future__ import annotations

from collections.abc import Sequence

from mediation.access.policy import Actor, require
from mediation.audit.anchors import (
    CHECKPOINT_FORMAT,
    MIN_KEY_BYTES,
    Anchor,
    anchor_from_file,
    anchor_from_json,
    checkpoint,
    key_fingerprint,
    read_key,
    sign,
    signature_valid,
)
from mediation.audit.chain import BATCH, verify
from mediation.audit.findings import (
    MAX_FINDINGS,
    AnchorResult,
    Finding,
    Kind,
    VerifyResult,
)
from mediation.audit.timeline import case_timeline, log, log_page
from mediation.db.storage import UnitOfWork

__all__ = [
    "BATCH", "CHECKPOINT_FORMAT", "MAX_FINDINGS", "MIN_KEY_BYTES", "Anchor", "AnchorResult",
    "Finding", "Kind", "VerifyResult", "anchor_from_file", "anchor_from_json", "case_timeline",
    "checkpoint", "key_fingerprint", "log", "log_page", "read_key", "require_ok", "run_verify",
    "sign", "signature_valid", "verify",
]


def run_verify(uow: UnitOfWork, actor: Actor, anchors: Sequence[Anchor] = (), *,
               key: bytes | None = None) -> VerifyResult:
    """The ``audit verify`` service: permission, then :func:`verify`."""
    require(actor, "audit.verify")
    return verify(uow, anchors, key=key)


def require_ok(result: VerifyResult) -> VerifyResult:
    """Raise :class:`IntegrityFailure` (exit 4) unless the result is ok."""
    if not result.ok:
        raise result.failure()
    return result

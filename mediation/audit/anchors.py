"""Anchors and checkpoints: heads of the log published outside the database (a nightly
manifest, a checkpoint signed with HMAC-SHA256 under a key kept apart), read back for
``audit verify --anchor``, and the ``audit checkpoint`` use case that records and signs one."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mediation.access.policy import Actor, require
from mediation.committee import committee_of
from mediation.core import encodings, normalise
from mediation.core.errors import InvalidInput
from mediation.core.i18n import N_, msg
from mediation.db import eventlog
from mediation.db.storage import UnitOfWork

CHECKPOINT_FORMAT = "mediation-checkpoint/1"
MIN_KEY_BYTES = 16

# Display names this feature adds: its own action and the fields its timelines show.
NAMES = (N_("trigger.checkpoint"), N_("field.state"), N_("field.key_fingerprint"))


@dataclass(frozen=True)
class Anchor:
    """A head published outside the database: a nightly manifest or a signed checkpoint."""

    source: str
    seq: int
    hash: str
    statement: dict[str, Any] | None = None  # the whole checkpoint, when it is one


def anchor_from_json(data: object, source: str) -> Anchor:
    """An anchor from a manifest (``log_head``) or a checkpoint (``log_head`` + ``signature``)."""
    head = data.get("log_head") if isinstance(data, dict) else None
    seq = head.get("seq") if isinstance(head, dict) else None
    value = head.get("hash") if isinstance(head, dict) else None
    if (not isinstance(seq, int) or isinstance(seq, bool) or seq < 0
            or not isinstance(value, str) or len(value) != 64):
        raise InvalidInput(msg("{file} holds no log head (\"log_head\": {{\"seq\": N, "
                               "\"hash\": \"64 hex\"}})", file=source))
    assert isinstance(data, dict)
    statement = data if "signature" in data else None
    return Anchor(source=source, seq=seq, hash=value.lower(), statement=statement)


def anchor_from_file(path: str | Path) -> Anchor:
    p = Path(path)
    try:
        data = json.loads(encodings.decode(p.read_bytes())[0])  # the one reader of files
    except OSError:
        raise InvalidInput(msg("cannot read {file}", file=str(p))) from None
    except normalise.Unreadable as exc:
        raise InvalidInput(msg("{origin}: {why}", origin=str(p), why=exc.message)) from None
    except ValueError:
        raise InvalidInput(msg("{file} is not JSON", file=str(p))) from None
    return anchor_from_json(data, str(p))


def read_key(path: str | Path) -> bytes:
    """The HMAC key: the file's bytes without surrounding white space (at least 16 bytes)."""
    try:
        key = Path(path).read_bytes().strip()
    except OSError:
        raise InvalidInput(msg("cannot read {file}", file=str(path))) from None
    if len(key) < MIN_KEY_BYTES:
        raise InvalidInput(msg("the key in {file} is too short: use at least {n} random bytes "
                               "(e.g. `openssl rand -hex 32 > {file}`)", file=str(path),
                               n=MIN_KEY_BYTES))
    return key


def key_fingerprint(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:16]


def sign(statement: dict[str, Any], key: bytes) -> str:
    """HMAC-SHA256 over the canonical JSON of the statement without its ``signature``."""
    body = {k: v for k, v in statement.items() if k != "signature"}
    return hmac.new(key, eventlog.canonical_json(body).encode("utf-8"), hashlib.sha256).hexdigest()


def signature_valid(statement: dict[str, Any], key: bytes) -> bool:
    sig = statement.get("signature")
    value = sig.get("value") if isinstance(sig, dict) else None
    return isinstance(value, str) and hmac.compare_digest(value, sign(statement, key))


def checkpoint(uow: UnitOfWork, actor: Actor, key_bytes: bytes) -> dict[str, Any]:
    """Record a checkpoint event and return the signed statement of the head that includes it."""
    require(actor, "audit.checkpoint")
    if len(key_bytes) < MIN_KEY_BYTES:
        raise InvalidInput(msg("the key is too short: use at least {n} random bytes",
                               n=MIN_KEY_BYTES))
    committee = committee_of(uow, actor)
    now = uow.now()
    eventlog.append(uow.session, at=now, actor=actor.username, role=actor.role,
                    action="checkpoint", committee_id=actor.committee_id,
                    changes={"key_fingerprint": [None, key_fingerprint(key_bytes)]})
    seq, value = eventlog.head(uow.session)
    statement: dict[str, Any] = {
        "format": CHECKPOINT_FORMAT,
        "log_head": {"seq": seq, "hash": value},
        "at": now.strftime(eventlog.TIME_FORMAT),
        "committee": {"id": committee.id, "name": committee.name},
        "signer": {"username": actor.username, "role": actor.role},
        "key_fingerprint": key_fingerprint(key_bytes),
    }
    statement["signature"] = {"alg": "HMAC-SHA256", "value": sign(statement, key_bytes)}
    return statement

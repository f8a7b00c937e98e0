"""Every key an event carries has a Chinese field name (issue 14: an archive's ``digest``,
``file``, ``key`` shown in English under --lang zh): the demo's events (every step of nine cases)
and an archive, walked key by key, nested records too."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mediation.core.i18n import name
from tests.conftest import Result


def _keys(value: Any, found: set[str], parent: str = "") -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            # a filed document's "key" is shown as the document (cli/timeline.py: 文书)
            found.add("document" if k == "key" and parent in ("documents", "document") else k)
            _keys(v, found, k)
    elif isinstance(value, list):
        for v in value:
            _keys(v, found, parent)


def test_every_key_of_every_event_has_a_chinese_name(cli: Callable[..., Result],
                                                     demo_of: Callable[..., None]) -> None:
    demo_of()
    archived = cli("case", "archive", "1", "--retention-days", "3650")
    assert archived.code == 0, archived.err
    log = cli("audit", "log", "--json", "--limit", "100000")
    assert log.code == 0, log.err
    events = json.loads(log.out)
    assert "archive" in {e["action"] for e in events}
    found: set[str] = set()
    for e in events:
        _keys(e["changes"], found)
    assert len(found) > 50
    assert {k for k in found if name("field", k, "zh") == k} == set()

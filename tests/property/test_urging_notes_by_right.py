"""Hypothesis (issue 14): the note of an urging (督促履行) and the recipient and note of a feedback
(反馈), typed with the parties' names, ID numbers and phones in them in any written form, are
shown by ``case show`` and ``case history`` to a reader who may see names (the director) as typed,
numbers scrubbed (exactly as typed when it holds no number), and never show a reader who may not
(the auditor) a party's name or a number."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediation import queries, steps
from mediation.core import normalise, redaction
from tests.audit_support import RECORD
from tests.conftest import make_room
from tests.integration.test_urgings_and_feedbacks import auditor, confirmed
from tests.unit.test_redaction import mobile, plain_digits, prose, written

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # one room, a SQLite file
NAMES = [p["name"] for p in RECORD["parties"]]
IDS = [p["id_number"] for p in RECORD["parties"]]


@st.composite
def note(draw: st.DrawFn) -> tuple[str, bool]:
    """A note, and whether it holds a number."""
    parts, numbered = [draw(prose)], False
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["name", "id", "phone"]))
        if kind == "name":
            parts.append(draw(st.sampled_from(NAMES)))
        else:
            numbered = True
            number = draw(st.sampled_from(IDS)) if kind == "id" else draw(mobile)
            parts.append(("身份证" if kind == "id" else "电话") + draw(written(number)))
        parts.append(draw(prose))
    return "，".join(parts) + "。", numbered


def _leaks(value: Any) -> list[str]:
    text = plain_digits(json.dumps(value, ensure_ascii=False))
    return [n for n in NAMES if n in text] + [d for d in IDS if d in text] + \
        re.findall(r"1[3-9][0-9]{9}", text)


def test_a_reader_who_may_see_names_sees_the_note_as_typed_one_who_may_not_sees_none(
        backend: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        room = make_room("sqlite:///" + str(Path(tmp) / "room.db"))
        cid = confirmed(room)
        sunli = auditor(room)

        @settings(max_examples=20, deadline=None,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(typed=note(), to=st.sampled_from(NAMES))
        def check(typed: tuple[str, bool], to: str) -> None:
            text, numbered = typed
            room.clock.advance(days=1)
            room.run(steps.urge, None, cid, note=text)
            room.run(steps.feedback, None, cid, to=to, channel="phone", note=text)
            as_typed = normalise.text(text, multiline=True).strip()
            expected = redaction.redact(as_typed, ())
            assert (expected == as_typed) or numbered
            view = room.run(queries.case_view, None, cid)
            assert view.urgings[-1]["note"] == expected
            assert (view.feedbacks[-1]["note"], view.feedbacks[-1]["to"]) == (expected, to)
            events = room.run(queries.history, None, cid)
            assert events[-2].changes["urge"][1]["note"] == expected
            assert events[-1].changes["feedback"][1]["note"] == expected
            assert events[-1].changes["feedback"][1]["to"] == to
            masked = room.run(queries.case_view, sunli, cid)
            assert not _leaks([masked.urgings, masked.feedbacks])
            assert not _leaks([e.changes for e in room.run(queries.history, sunli, cid)])

        check()

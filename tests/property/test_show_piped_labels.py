"""Hypothesis: in a pipe, every label of ``case show`` names one field (issue 14, a clerk's trial:
``case show 1 | grep 金额`` gave 涉及金额（元） for the case's amount and for each agreement's
alike, and a case with two sessions or agreements repeated their labels). For any case (every
kind of record zero to three times, each with every field filled), zh and en, the
``label<TAB>value`` rows before the parties' block have unique labels, the case's amount is 涉及金额
（元） and an agreement's is never named so, and the n-th record's rows carry its n.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from cli.caseview import case_view
from mediation.cases import AgreementView, CaseView
from mediation.core.i18n import get_language, set_language
from mediation.core.vocab import (
    FeedbackChannel,
    JudicialResult,
    Performance,
    PreventionKind,
    Satisfaction,
)

AT = "2026-11-09T05:38:00Z"


def _agreement(n: int) -> AgreementView:
    return AgreementView(version=n, form="written", terms=f"第{n}版协议内容。", amount="1200.00",
                         due="2026-12-31", reached_at=AT, effective_at=AT,
                         superseded_at=None, superseded_reason=None)


def _records(counts: dict[str, int]) -> dict[str, Any]:
    def many(key: str, make: Any) -> list[Any]:
        return [make(n) for n in range(1, counts[key] + 1)]

    return {
        "mediators": [{"label": "李明", "lead": True}, *many(
            "co", lambda n: {"label": f"协助{n}", "lead": False})],
        "sessions": many("sessions", lambda n: {"no": n, "held_at": AT, "minutes": f"笔录{n}。"}),
        "agreements": many("agreements", _agreement),
        "extensions": many("extensions", lambda n: {"days": 15, "new_last_day": "2026-12-31",
                                                    "reason": f"延期{n}"}),
        "judicial_confirmations": many("judicial", lambda n: {
            "court": f"岳麓区人民法院{n}", "filed_on": "2026-11-20",
            "result": JudicialResult.confirmed.value}),
        "follow_ups": many("follow_ups", lambda n: {
            "visited_at": AT, "performance": Performance.full.value,
            "satisfaction": Satisfaction.satisfied.value, "note": f"回访{n}。",
            "visitor": "王芳", "visited": "当事人", "measures": "督促。", "escalation": "无。"}),
        "urgings": many("urgings", lambda n: {"at": AT, "by": "王芳", "note": f"督促{n}。"}),
        "feedbacks": many("feedbacks", lambda n: {
            "at": AT, "by": "王芳", "channel": FeedbackChannel.phone.value, "to": "applicant",
            "note": f"反馈{n}。"}),
        "preventions": many("preventions", lambda n: {
            "kind": PreventionKind.civil_to_criminal.value, "persons": n}),
    }


def _view(counts: dict[str, int]) -> CaseView:
    return CaseView(
        id=1, number="(2026)龙人调字第1号", committee="龙王港社区人民调解委员会",
        state="confirmed", version=9, category="02", source="application", referral_ref=None,
        summary="漏水。", requests="赔偿。", risk_level="low", persons_involved=2,
        amount="500.00", registrar="wangfang", duplicate_of=None,
        dates={"registered": AT, "accepted": AT}, deadline=AT,
        deadline_last_day="2026-12-07", overdue=False, decline_reason=None,
        termination_reason=None, advice=None, parties=[], **_records(counts))


def _labels(view: CaseView) -> list[str]:
    with contextlib.redirect_stdout(io.StringIO()) as piped:  # not a terminal
        case_view(view, as_json=False)
    rows = piped.getvalue().split("\n\n", 1)[0].splitlines()
    return [row.split("\t", 1)[0] for row in rows]


KINDS = ("co", "sessions", "agreements", "extensions", "judicial", "follow_ups", "urgings",
         "feedbacks", "preventions")


@settings(max_examples=60, deadline=None)
@given(counts=st.fixed_dictionaries({k: st.integers(0, 3) for k in KINDS}),
       lang=st.sampled_from(["zh", "en"]))
def test_every_piped_label_names_one_field(counts: dict[str, int], lang: str) -> None:
    was = get_language()
    set_language(lang)
    try:
        labels = _labels(_view(counts))
    finally:
        set_language(was)
    assert len(labels) == len(set(labels)), labels
    amount = "涉及金额（元）" if lang == "zh" else "Amount (yuan)"
    assert [label for label in labels if amount in label] == [amount], labels
    agreement = "协议金额（元）" if lang == "zh" else "Agreement's amount (yuan)"
    theirs = [label for label in labels if label.startswith(agreement)]
    n = counts["agreements"]
    assert theirs == ([agreement] if n == 1 else [
        f"{agreement}（{i}）" if lang == "zh" else f"{agreement} ({i})" for i in range(1, n + 1)])

"""The procedure as the law writes it (issue 15): each rule's test names its article."""

from __future__ import annotations

from mediation import workflow


def basis(trigger: str) -> str:
    return workflow.transition(trigger).basis


def test_rights_notice_rests_on_rules_art_30() -> None:
    assert "Rules art. 30" in basis("mediate")
    assert "art. 24" not in basis("mediate")


def test_minutes_and_files_rest_on_law_art_27() -> None:
    assert "27" in basis("session") and basis("session").startswith("Law arts.")
    assert "Rules art. 33" not in basis("session")


def test_one_month_conclusion_is_rules_art_33() -> None:
    assert "Rules art. 33" in basis("extend")
    assert "35" not in basis("extend")


def test_consented_extension_is_local_practice_not_the_2002_rules() -> None:
    assert basis("extend").startswith("Local practice, not the 2002 Rules")


def test_prevention_rests_on_law_arts_21_and_25_and_rules_art_32() -> None:
    assert basis("prevent") == "Law arts. 21, 25; Rules art. 32"


def test_police_report_rests_on_law_art_25() -> None:
    assert basis("police") == "Law art. 25"


def test_recusal_is_a_recorded_step_that_keeps_the_state() -> None:
    t = workflow.transition("recuse")
    assert t.dest is None and "Law art. 23" in t.basis

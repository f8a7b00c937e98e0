"""The one rule that makes an urging or feedback recorded before migration 0021 (its event alone)
a row of the case file, shared by the migration's backfill and the replay of the case file."""

from __future__ import annotations

from mediation.db.aftercare_rows import legacy_row, records_row, row_of

AT = "2026-11-30T10:00:00.000000Z"


def test_an_urge_event_makes_an_urging_row() -> None:
    made = legacy_row("urge", {"urge": [None, {"note": "督促张某履行"}]}, AT, "liming")
    assert made == ("urging", {"urged_at": AT, "urged_by": "liming", "note": "督促张某履行"})
    assert legacy_row("urge", {"urge": [None, {"note": ""}]}, AT, "liming") == (
        "urging", {"urged_at": AT, "urged_by": "liming", "note": None})


def test_a_feedback_event_makes_a_feedback_row_and_the_former_combined_step_none() -> None:
    made = legacy_row("feedback", {"feedback": [None, {"to": "张某", "channel": "phone",
                                                       "note": None}]}, AT, "wangfang")
    assert made == ("feedback", {"fed_back_at": AT, "fed_back_by": "wangfang", "note": None,
                                 "channel": "phone", "recipient": "张某"})
    combined = {"follow_up": [None, {"performance": "full"}], "closed_at": [None, AT]}
    assert legacy_row("feedback", combined, AT, "wangfang") is None
    assert row_of("feedback", 9, combined) is None
    assert legacy_row("session", {"session": [None, {}]}, AT, "liming") is None


def test_the_row_of_an_event_is_the_one_its_file_inserts_else_its_seq() -> None:
    urge = {"urge": [None, {"note": "x"}]}
    assert row_of("urge", 12, urge) == ("urging", 12)
    recorded = {**urge, "file": [{"urging/3": None, "cases/1": {"version": 7}},
                                 {"urging/3": {"note": "ab12"}, "cases/1": {"version": 8}}]}
    assert records_row("urging", recorded["file"]) and not records_row("feedback",
                                                                       recorded["file"])
    assert row_of("urge", 12, recorded) == ("urging", 3)
    assert not records_row("urging", None) and not records_row("urging", [{}, None])

"""The committee's calendar (issue 10): local dates, ages, and the end of a period as the Civil
Code counts it (arts. 200-203). Each test names the article or the rule it checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from mediation import intake
from mediation.core import fields
from mediation.core.calendar import DEFAULT, Calendar, UnknownZone, age_on, check_zone
from mediation.core.clock import local_date, utcnow
from mediation.core.errors import InvalidInput
from tests.conftest import case_record


def utc(local: str, zone: str = "Asia/Shanghai") -> datetime:
    """A naive-UTC instant from a local wall time written ``YYYY-MM-DD HH:MM``."""
    return Calendar(zone=zone).to_utc(datetime.fromisoformat(local))


def test_art_201_a_period_in_days_starts_the_day_after_acceptance() -> None:
    # Accepted at 10:00 on 1 November: day 1 of the period is 2 November, day 30 1 December.
    assert DEFAULT.last_day(utc("2026-11-01 10:00"), 30) == date(2026, 12, 1)


def test_art_201_the_local_date_counts_not_the_utc_date() -> None:
    # 07:30 Beijing on 1 November is still 31 October in UTC; the period counts from 1 November.
    accepted = utc("2026-11-01 07:30")
    assert accepted.date() == date(2026, 10, 31)
    assert DEFAULT.last_day(accepted, 30) == date(2026, 12, 1)
    # 23:30 Beijing on 1 November (15:30 UTC) is the same local day.
    assert DEFAULT.last_day(utc("2026-11-01 23:30"), 30) == date(2026, 12, 1)


def test_art_203_the_last_day_ends_at_24_00_local() -> None:
    end = DEFAULT.period_end(utc("2026-11-01 10:00"), 30)
    assert end == utc("2026-12-02 00:00")
    # Overdue means deadline < now: not at any time of the last day, only after it.
    assert not end < utc("2026-12-01 23:59")
    assert not end < utc("2026-12-01 00:00")
    assert end < utc("2026-12-02 00:00") + timedelta(seconds=1)


def test_art_203_not_acceptance_plus_720_hours() -> None:
    # The old rule (acceptance + 720 hours) made a case overdue at 10:00 on its last day.
    accepted = utc("2026-11-01 10:00")
    old = accepted + timedelta(hours=720)
    assert old < utc("2026-12-01 12:00")  # overdue at noon of the last day under the old rule
    assert not DEFAULT.period_end(accepted, 30) < utc("2026-12-01 12:00")


def test_art_203_a_last_day_on_a_public_holiday_moves_only_when_the_committee_says_so() -> None:
    accepted = utc("2026-09-01 10:00")  # day 30 is 1 October, National Day
    assert DEFAULT.last_day(accepted, 30) == date(2026, 10, 1)
    moved = Calendar(holidays_extend=True).last_day(accepted, 30)
    assert moved > date(2026, 10, 7)  # the first working day after the National Day holiday


def test_art_203_a_weekend_counts_as_a_rest_day_but_a_working_weekend_does_not() -> None:
    cal = Calendar(holidays_extend=True)
    # 2026-12-05 is a Saturday: runs on to Monday 7 December.
    assert cal.last_day_after(date(2026, 11, 5), 30) == date(2026, 12, 7)
    # A working day stays.
    assert cal.last_day_after(date(2026, 11, 3), 30) == date(2026, 12, 3)


def test_the_zone_is_a_setting_periods_follow_it() -> None:
    urumqi = Calendar(zone="Asia/Urumqi")  # UTC+6
    accepted = datetime(2026, 10, 31, 17, 0)  # 01:00 on 1 November in Beijing, 23:00 in Urumqi
    assert DEFAULT.last_day(accepted, 30) == date(2026, 12, 1)
    assert urumqi.last_day(accepted, 30) == date(2026, 11, 30)
    assert urumqi.period_end(accepted, 30) == datetime(2026, 11, 30, 18, 0)


def test_an_unknown_zone_is_refused() -> None:
    assert check_zone("Asia/Shanghai") == "Asia/Shanghai"
    for bad in ("Mars/Olympus", "", "../etc/passwd", " Asia/Shanghai"):
        with pytest.raises(UnknownZone):
            check_zone(bad)


def test_an_extension_counts_on_from_the_last_day() -> None:
    accepted = utc("2026-11-01 10:00")
    end = DEFAULT.period_end(accepted, 30)  # last day 1 December
    assert DEFAULT.extended_end(end, utc("2026-11-20 09:00"), 15) == utc("2026-12-17 00:00")
    # Already run out: counted from today.
    assert DEFAULT.extended_end(end, utc("2026-12-10 09:00"), 15) == utc("2026-12-26 00:00")


def test_age_turns_18_on_the_birthday() -> None:
    assert age_on(date(2008, 12, 1), date(2026, 11, 30)) == 17
    assert age_on(date(2008, 12, 1), date(2026, 12, 1)) == 18
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


def _party_born(birth: str) -> dict[str, Any]:
    record = case_record()
    party = {"role": "applicant", "name": "小明", "birth_date": birth}
    record["parties"] = [party, *record["parties"][1:]]
    return record


def test_minor_rule_uses_the_beijing_date_turning_18_on_1_december(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # 00:30 Beijing on 1 December 2026 is still 30 November in UTC.
    monkeypatch.setattr(fields, "utcnow", lambda: datetime(2026, 11, 30, 16, 30))
    record = intake.parse_case(_party_born("2008-12-01"))
    assert record.parties[0].guardian is None  # 18 today in Beijing: no guardian needed
    with pytest.raises(InvalidInput, match="guardian"):
        intake.parse_case(_party_born("2008-12-02"))


def test_minor_rule_uses_the_committee_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fields, "utcnow", lambda: datetime(2026, 11, 30, 16, 30))
    with pytest.raises(InvalidInput, match="guardian"):  # still 30 November in London
        intake.parse_case(_party_born("2008-12-01"), calendar=Calendar(zone="Europe/London"))


def test_discovered_at_without_offset_is_read_in_the_committee_zone() -> None:
    record = intake.parse_case(case_record(discovered_at="2026-01-05T09:00:00"))
    assert record.discovered_at == datetime(2026, 1, 5, 1, 0)
    record = intake.parse_case(case_record(discovered_at="2026-01-05T09:00:00"),
                               calendar=Calendar(zone="Asia/Urumqi"))
    assert record.discovered_at == datetime(2026, 1, 5, 3, 0)
    record = intake.parse_case(case_record(discovered_at="2026-01-05T09:00:00Z"))
    assert record.discovered_at == datetime(2026, 1, 5, 9, 0)
    record = intake.parse_case(case_record(discovered_at="2026-01-05"))
    assert record.discovered_at == datetime(2026, 1, 4, 16, 0)  # 00:00 Beijing


def test_discovered_at_in_the_future_is_refused() -> None:
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    with pytest.raises(InvalidInput, match=r"discovery time.*future"):
        intake.parse_case(case_record(discovered_at=soon))
    # tomorrow in the committee's calendar, not the machine's: from 16:00 UTC the UTC date is
    # already "today" in Beijing, and 00:00 of it is past
    tomorrow = (local_date(utcnow()) + timedelta(days=1)).isoformat()
    with pytest.raises(InvalidInput, match="discovery time"):
        intake.parse_case(case_record(discovered_at=tomorrow))

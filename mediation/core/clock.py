"""Dates as the committee lives them: China Standard Time (UTC+8, no daylight saving).

Timestamps are stored in UTC; the calendar questions (which year a case number belongs to, which
day a case concluded on) are answered in local time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

LOCAL = timezone(timedelta(hours=8), "CST")


def utcnow() -> datetime:
    """Naive UTC, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_date(utc_naive: datetime) -> date:
    return utc_naive.replace(tzinfo=UTC).astimezone(LOCAL).date()


def start_of_local_day_utc(day: date) -> datetime:
    """The naive-UTC instant at which ``day`` begins in China Standard Time."""
    return datetime.combine(day, time(0), LOCAL).astimezone(UTC).replace(tzinfo=None)

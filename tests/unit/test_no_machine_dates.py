"""No code or test asks the machine for "today": the committee's calendar answers it.

The machine runs in UTC (or anywhere); a committee lives in its own zone (Asia/Shanghai by
default), whose date is a day ahead from 16:00 UTC. A test that took ``date.today()`` or the UTC
date for "today" or "tomorrow" passed by day and failed every evening in CI. Each such call is
one of a kind; this test refuses the kind: use ``mediation.core.clock.utcnow`` for the instant and
``local_date`` / a :class:`~mediation.core.calendar.Calendar` for the day.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# the machine's local clock, or the UTC date taken as a calendar day
FORBIDDEN = re.compile(
    r"date\.today\(|datetime\.today\(|datetime\.now\(\)|now\(UTC\)[^\n]*\.date\(\)"
    r"|utcnow\(\)\.date\(\)|time\.localtime\(")


def _sources() -> list[Path]:
    return [p for d in ("mediation", "tests", "tools")
            for p in sorted((ROOT / d).rglob("*.py")) if p != Path(__file__).resolve()]


def test_no_source_takes_today_from_the_machine() -> None:
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
             for p in _sources()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if FORBIDDEN.search(line)]
    assert not found, "use clock.utcnow() and the committee's calendar:\n" + "\n".join(found)


def test_the_rule_catches_each_form() -> None:
    for bad in ("date.today()", "datetime.now()", "(datetime.now(UTC) + d).date()",
                "utcnow().date()", "datetime.today()"):
        assert FORBIDDEN.search(bad), bad
    for good in ("utcnow()", "local_date(utcnow())", "datetime.now(UTC).replace(tzinfo=None)"):
        assert not FORBIDDEN.search(good), good


# the machine's clock read anywhere in the library or the CLI but the clock module (issue 14:
# identity._today and a restored database's stamp read it, out of reach of a test's fixed now)
MACHINE_CLOCK = re.compile(r"datetime\.now\(|datetime\.utcnow\(|time\.time\(\)")


def test_only_the_clock_module_reads_the_machine_clock() -> None:
    clock = ROOT / "mediation" / "core" / "clock.py"
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
             for d in ("mediation", "cli") for p in sorted((ROOT / d).rglob("*.py"))
             if p != clock
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if MACHINE_CLOCK.search(line)]
    assert not found, "use mediation.core.clock.utcnow():\n" + "\n".join(found)

"""Every time the CLI shows is in the committee's time zone (``calendar set --zone``), the zone
the times typed are read in and the deadlines are counted in (clock.calendar, set once per
command by cli/context ``Env.act``).

A clerk's trial found times read in the committee's zone but shown in Shanghai time: with
Asia/Urumqi a registration typed at 08:09 was refused as 08:09 by ``case accept`` but listed as
10:09 by ``case show``; with Europe/London a session typed at 8点 showed as 16:00; ``case show``
gave 调解期限 2026-12-31 and ``case history`` 2027-01-01 for the same deadline.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from mediation.core.calendar import Calendar
from tests.conftest import Result, case_record

Cli = Callable[..., Result]
ZONES = ("Asia/Shanghai", "Asia/Urumqi", "Europe/London", "America/New_York",
         "Pacific/Kiritimati")
NOW = datetime(2026, 12, 1, 12, 0)  # naive UTC: 20:00 in Shanghai, 07:00 in New York,
# 02:00 on 2 December at Kiritimati (UTC+14)


def _docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("zone", ZONES)
def test_a_time_typed_reads_back_the_same_everywhere(
        cli: Cli, fixed_now: Callable[[datetime], None], tmp_path: Path, zone: str,
        lang: str) -> None:
    fixed_now(NOW)
    cal = Calendar(zone)
    today = cal.local_date(NOW)
    day = today - timedelta(days=1)
    L = ("--lang", lang)
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("calendar", "set", "--zone", zone).code == 0
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case_record()), "utf-8")
    r = cli("case", "new", "--file", str(path), "--force", "--at", f"{day} 08:09")
    assert r.code == 0, r.err
    # the step check compares in the same zone: accepting before 08:09 is refused as 08:09
    early = cli(*L, "case", "accept", "1", "--at", f"{day} 08:00")
    assert early.code != 0 and "08:09" in early.err, early.err
    r = cli("case", "accept", "1", "--at", f"{day} 09:30")
    assert r.code == 0, r.err
    session = today + timedelta(days=1)
    r = cli("case", "schedule", "1", "--at", f"{session} 8:00", "--place", "调解室")
    assert r.code == 0, r.err
    last = (day + timedelta(days=30)).isoformat()

    shown = cli(*L, "case", "show", "1", terminal=True, env={"COLUMNS": "80"}).out
    assert f"{day} 08:09" in shown and f"{day} 09:30" in shown, shown
    assert f"{session} 08:00" in shown, shown
    label = "调解期限" if lang == "zh" else "Deadline"
    line = next(x for x in shown.splitlines() if x.lstrip().startswith(label))
    assert last in line, line

    history = cli(*L, "case", "history", "1").out
    assert f"{day} 09:30" in history and f"{session} 08:00" in history, history
    assert last in history, history
    assert (day + timedelta(days=31)).isoformat() not in history, history

    audit = cli(*L, "audit", "log").out
    assert f"{day} 09:30" in audit, audit

    agenda = cli(*L, "agenda", "--committee").out
    assert f"{session} 08:00" in agenda, agenda

    listed = cli(*L, "case", "list").out
    assert last in listed, listed

    out = tmp_path / "reg.docx"
    r = cli("case", "print", "registration", "1", "--out", str(out))
    assert r.code == 0, r.err
    assert f"{day.year}年{day.month}月{day.day}日" in _docx_text(out)  # registered on

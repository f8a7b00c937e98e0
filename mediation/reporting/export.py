"""The nightly export: ``DIR/D/`` with the register, the log, the figures, the report and a chart.

The CSV files are written by ``export_csv.py``, the chart drawn by ``chart.py``; this module
decides what the folder holds and writes it atomically, under the names ``nightly_files.py``
gives (the one place that names them; ``export nightly --help`` lists them from there). The
figures, the sheet and the chart are made in a forked process while this one streams the CSVs
(``beside.py``: on two cores their fixed cost no longer adds to the export's time), from the
same state of the database or else here after the CSVs.

- ``cases.csv`` and ``events.csv`` (when each event was recorded and when its step happened):
  UTF-8 with a BOM (so Excel shows Chinese), streamed from the
  database in batches (constant memory). Personal data is masked: persons appear only as masked
  names (``张某``; organisations by their registered names); no ID number, phone or address
  column exists, and no free text at all (no summaries, reasons or notes).
- ``stats.json``: the month to date and the year to date, as of the end of day D.
- ``monthly-YYYY-MM.xlsx``: the monthly report of D's month, up to D.
- ``trend.png``: cases and success rate over the 12 months up to D (Chinese labels with a CJK
  font when one is installed, English labels otherwise).
- ``corrections.csv``: the late entries and corrections recorded since the last export that
  touched figures it had already counted (``export_corrections.py``), so that a clerk sees why a
  past month's figure moved.
- ``字段说明.csv`` (``columns.csv`` under en): what each column of the three CSVs holds and
  the values it may hold, in the export's language (``export_columns.py``: the CSVs keep their
  code header and coded values, the Bureau's machine contract, under every language).
- ``manifest.json``: row counts, the sha256 of each file, the schema version and the head of the
  event log (``log_head``: sequence number and hash) when the export was read.

Atomic: everything is written into a hidden ``.D.partial-<pid>`` folder in DIR (owner-only, each
file created exclusively, never through a link: core/files.py), fsynced, then renamed to ``D``;
an interrupted run never leaves a folder that looks complete, and a later run removes partial
folders whose process is gone. Nothing in the files depends on the time of the
run, so re-running for the same date on unchanged data gives byte-identical files.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from mediation.access.policy import Actor, require
from mediation.committee import committee_of
from mediation.core import categories, files

# counted in China Standard Time for every committee (docs/settings.md), not clock.calendar()
from mediation.core.calendar import DEFAULT
from mediation.core.periods import date_range, last_months, month_to_date, year_to_date
from mediation.db import eventlog, settings
from mediation.db.storage import UnitOfWork, unit_of_work
from mediation.reporting import beside, chart, export_columns, export_corrections, export_csv
from mediation.reporting import nightly_files as day_files
from mediation.reporting.export_csv import Progress
from mediation.reporting.figures import Figures, Stats, monthly_series, to_json
from mediation.reporting.stats import compute

FORMAT = "mediation-nightly/1"

# ---------------------------------------------------------------------------------------------
# The export


_PARTIAL_RE = re.compile(r"^\.(?P<day>\d{4}-\d{2}-\d{2})\.partial-(?P<pid>\d+)$")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_stale(out: Path) -> None:
    for child in out.iterdir():
        m = _PARTIAL_RE.match(child.name)
        if m and child.is_dir() and not _alive(int(m.group("pid"))):
            shutil.rmtree(child, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def nightly(uow: UnitOfWork, actor: Actor, out: Path, day: date, *,
            progress: Progress = export_csv.quiet) -> dict[str, Any]:
    """Write the export of ``day`` into ``out/day/`` atomically, replacing an export of that
    day (``export nightly`` refuses to without --force: files.refuse_existing); return the
    manifest."""
    require(actor, "report.export")
    require(actor, "stats.read")
    files.make_dirs(out)  # owner-only when we create it (core/files.py)
    _clean_stale(out)
    final = out / day.isoformat()
    work = out / f".{day.isoformat()}.partial-{os.getpid()}"
    files.refuse_link(work)
    if work.exists():
        shutil.rmtree(work)
    files.make_dir(work)
    try:
        manifest = _write_all(uow, actor, work, day, progress)
        _fsync_dir(work)
        if final.exists():
            old = out / f".{day.isoformat()}.old-{os.getpid()}"
            final.rename(old)
            work.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(final)
        _fsync_dir(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return {"folder": str(final), **manifest}


def _year_and_trend(uow: UnitOfWork, actor: Actor, day: date,
                    end: datetime) -> tuple[Stats, list[Figures]]:
    """The year to date, and the 12 months up to ``day`` by month (for trend.png).

    In December the 12 months are exactly the year to date (same first and last day, same
    ``as_of``), so one computation by month gives both: its totals are the year to date's.
    Otherwise they are two computations.
    """
    ytd_period = year_to_date(day)
    months = last_months(day, 12)
    if months[0].start == ytd_period.start:
        both = compute(uow, actor, ytd_period, "month", as_of=end)
        return (both.model_copy(update={"by": None, "groups": None}),
                monthly_series(both, months))
    ytd = compute(uow, actor, ytd_period, as_of=end)
    trend = compute(uow, actor, date_range(months[0].start, day), "month", as_of=end)
    return ytd, monthly_series(trend, months)


def _figures(uow: UnitOfWork, actor: Actor, day: date, end: datetime,
             committee: str) -> tuple[bytes, bytes, bytes]:
    """stats.json, the monthly sheet and trend.png. Each set of figures is computed once: the
    month to date by category serves both stats.json (its totals) and the sheet (its rows)."""
    mtd = compute(uow, actor, month_to_date(day), "category", as_of=end)
    ytd, trend = _year_and_trend(uow, actor, day, end)
    stats_json = export_csv.json_bytes(
        {"date": day.isoformat(),
         "month_to_date": to_json(mtd.model_copy(update={"by": None, "groups": None})),
         "year_to_date": to_json(ytd)})
    from mediation.reporting import report

    sheet = report.monthly_bytes(uow, actor, month_to_date(day), lang="zh", as_of=end,
                                 stats=mtd, committee=committee)
    return stats_json, sheet(), chart.trend_png(trend)


def _figures_beside(parent: UnitOfWork, head: tuple[int, str], actor: Actor, day: date,
                    end: datetime, committee: str) -> tuple[bytes, bytes, bytes] | None:
    """:func:`_figures` in the forked child, on a connection of its own (the parent's pooled
    connections are left to the parent: ``dispose(close=False)``), in a read transaction of
    its own. Only if that reads the state the parent reads: the same log head (every change
    appends to the event log and moves its head, in its transaction); otherwise None, and the
    parent makes them in its own transaction."""
    parent.engine.dispose(close=False)
    with unit_of_work(parent.engine, write=False, clock=parent.clock) as uow:
        if tuple(eventlog.head(uow.session)) != head:
            return None
        return _figures(uow, actor, day, end, committee)


def _write_all(uow: UnitOfWork, actor: Actor, work: Path, day: date,
               progress: Progress) -> dict[str, Any]:
    end = DEFAULT.start_of_day_utc(day + timedelta(days=1))
    seq, head_hash = eventlog.head(uow.session)  # read first: the data is at least this new
    files: dict[str, dict[str, Any]] = {}
    # The committee's province numbering of the categories, when it loaded one (a column of
    # cases.csv beside this program's codes; the monthly sheet's Code column).
    numbering = settings.get(uow, settings.procedure_key("numbering", actor.committee_id)) or None
    # The figures (stats.json, the monthly sheet, trend.png) are made in a process of their own
    # (beside.py) while this one streams the CSVs: the same bytes, from the same state of the
    # database (or else made here, after the CSVs).
    committee = committee_of(uow, actor)
    fork = beside.forks()
    made_beside = functools.partial(_figures_beside, uow, (seq, head_hash), actor, day, end,
                                    committee.name)
    progress(day_files.STATS, 0, 1)
    with beside.start([made_beside] if fork else [], fork=fork) as side:
        files[day_files.CASES] = export_csv.write_cases(
            uow, actor.committee_id, end, work / day_files.CASES, progress, numbering)
        files[day_files.EVENTS] = export_csv.write_events(
            uow, actor.committee_id, end, work / day_files.EVENTS, progress)
        window = export_corrections.since(work.parent, day)
        files[day_files.CORRECTIONS] = export_corrections.write(
            uow, actor.committee_id, window, end, work / day_files.CORRECTIONS)
        dictionary = day_files.columns()
        files[dictionary] = export_columns.write(work / dictionary)
        made = side.results()
    figures = made[0] if made and made[0] is not None else _figures(uow, actor, day, end,
                                                                    committee.name)
    sheet = day_files.monthly(day)
    for file, data in zip((day_files.STATS, sheet, day_files.TREND), figures, strict=True):
        files[file] = export_csv.write_bytes(work / file, data)
        progress(file, 1, 1)

    manifest = {
        "format": FORMAT,
        "schema_version": settings.get(uow, settings.SCHEMA_VERSION_KEY) or settings.SCHEMA_VERSION,
        "date": day.isoformat(),
        "committee": {"id": committee.id, "name": committee.name},
        "categories_version": categories.table_version(),
        "numbering": numbering,
        "rows": {name: files[name]["rows"]
                 for name in (day_files.CASES, day_files.EVENTS, day_files.CORRECTIONS)},
        "corrections_since": window.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "columns": dictionary,
        "files": {k: {"sha256": v["sha256"], "bytes": v["bytes"]}
                  for k, v in sorted(files.items())},
        "log_head": {"seq": seq, "hash": head_hash},
    }
    export_csv.write_bytes(work / day_files.MANIFEST, export_csv.json_bytes(manifest))
    return manifest

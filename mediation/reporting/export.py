"""The nightly export: ``DIR/D/`` with the register, the log, the figures, the report and a chart.

- ``cases.csv`` and ``events.csv``: UTF-8 with a BOM (so Excel shows Chinese), streamed from the
  database in batches (constant memory). Personal data is masked: persons appear only as masked
  names (``张某``; organisations by their registered names); no ID number, phone or address
  column exists, and no free text at all (no summaries, reasons or notes).
- ``stats.json``: the month to date and the year to date, as of the end of day D.
- ``monthly-YYYY-MM.xlsx``: the monthly report of D's month, up to D.
- ``trend.png``: cases and success rate over the 12 months up to D (Chinese labels with a CJK
  font when one is installed, English labels otherwise).
- ``manifest.json``: row counts, the sha256 of each file, the schema version and the head of the
  event log (``log_head``: sequence number and hash) when the export was read.

Atomic: everything is written into a hidden ``.D.partial-<pid>`` folder in DIR (owner-only, each
file created exclusively, never through a link: core/files.py), fsynced, then renamed to ``D``;
an interrupted run never leaves a folder that looks complete, and a later run removes partial
folders whose process is gone. Nothing in the files depends on the time of the
run, so re-running for the same date on unchanged data gives byte-identical files.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import itertools
import json
import logging
import os
import re
import shutil
import warnings
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, literal, or_, select

from mediation.access.policy import Actor, require
from mediation.committee import committee_of
from mediation.core import categories, cells, files, redaction
from mediation.core.clock import start_of_local_day_utc
from mediation.core.money import fen_to_yuan
from mediation.core.periods import date_range, last_months, month_to_date, year_to_date
from mediation.db import eventlog, settings
from mediation.db.storage import UnitOfWork
from mediation.reporting.figures import Figures, Stats, monthly_series, to_json
from mediation.reporting.stats import compute

FORMAT = "mediation-nightly/1"
BATCH = 2000
Progress = Callable[[str, int, int | None], None]

CASE_COLUMNS = (
    "number", "state", "category", "reporting_category", "source", "risk_level",
    "persons_involved", "amount_yuan", "discovered_at", "registered_at", "accepted_at",
    "declined_at", "concluded_at", "conclusion", "confirmed_at", "closed_at", "lead_mediator",
    "applicants", "respondents",
)
# No free text (reasons, notes): the clerk who runs the export sees no case content.
EVENT_COLUMNS = ("seq", "at", "case", "actor", "role", "action", "from_state", "to_state",
                 "version", "hash")


def _quiet(stage: str, done: int, total: int | None) -> None:
    return None


class _HashingWriter:
    """A binary file that is hashed as it is written, and fsynced when closed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh = files.open_new(path)  # exclusive, owner-only, never through a link
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> None:
        self.fh.write(data)
        self.sha.update(data)
        self.size += len(data)

    def close(self) -> dict[str, Any]:
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        return {"sha256": self.sha.hexdigest(), "bytes": self.size}


class _CsvOut:
    """csv.writer over a text buffer, flushed to the hashing file every batch."""

    def __init__(self, path: Path, header: tuple[str, ...]) -> None:
        self.file = _HashingWriter(path)
        self.buf = io.StringIO(newline="")
        self.writer = csv.writer(self.buf, lineterminator="\r\n")
        self.file.write("\ufeff".encode())
        self.writer.writerow(header)
        self.flush()
        self.rows = 0

    def rows_(self, rows: Sequence[Sequence[Any]]) -> None:
        self.writer.writerows(rows)
        if cells.CSV_DANGER.search(self.buf.getvalue()):
            # Rare: a cell a spreadsheet would run as a formula. The batch is written again
            # with every cell made inert (cells.inert, OWASP's CSV injection rule).
            self.buf.seek(0)
            self.buf.truncate()
            self.writer.writerows(cells.inert_rows(rows))
        self.rows += len(rows)
        self.flush()

    def flush(self) -> None:
        self.file.write(self.buf.getvalue().encode("utf-8"))
        self.buf.seek(0)
        self.buf.truncate()

    def close(self) -> dict[str, Any]:
        self.flush()
        return {**self.file.close(), "rows": self.rows}


def _iso(conn: Any, column: Any) -> Any:
    """A timestamp column formatted as ``YYYY-MM-DDTHH:MM:SSZ`` by the database.

    On SQLite a timestamp is stored as text, ``YYYY-MM-DD HH:MM:SS.ffffff`` (SQLAlchemy's format)
    or ``YYYY-MM-DD HH:MM:SS``; cutting that text is several times cheaper than ``strftime``,
    which parses every value. Any other shape (none is written today) goes through ``strftime``.
    """
    if conn.dialect.name == "sqlite":
        length = func.length(column)
        return case((or_(length == 19, length == 26),
                     func.substr(column, 1, 10) + literal("T") + func.substr(column, 12, 8)
                     + literal("Z")),
                    else_=func.strftime("%Y-%m-%dT%H:%M:%SZ", column))
    return func.to_char(column, 'YYYY-MM-DD"T"HH24:MI:SS"Z"')


def _t(name: str) -> Any:
    from sqlmodel import SQLModel

    return SQLModel.metadata.tables[name]


def _batches(conn: Any, stmt: Any) -> Generator[Sequence[Sequence[Any]], None, None]:
    """The rows of ``stmt``, BATCH at a time, as the driver's plain tuples, in the transaction of
    ``conn``: on SQLite from a sqlite3 cursor (which steps through the result as it is read), on
    PostgreSQL from a named (server-side) psycopg cursor, so memory stays constant.

    The statement is compiled by SQLAlchemy (bound values through their types' processors), but
    its rows bypass SQLAlchemy's ``Row`` objects, which cost about a fifth of the CSV streaming;
    every column selected here is a string or an integer, as the driver returns it.
    """
    dialect = conn.dialect
    driver = dialect.driver
    compiled = stmt.compile(dialect=dialect)
    if driver not in ("pysqlite", "psycopg") or any(
            bind.expanding for bind in compiled.binds.values()):
        result = conn.execution_options(yield_per=BATCH, stream_results=True).execute(stmt)
        yield from result.partitions()
        return
    values = compiled.construct_params()
    for name, bind in compiled.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None and name in values:
            values[name] = process(values[name])
    params: Any = ([values[name] for name in compiled.positiontup or ()]
                   if compiled.positional else values)
    raw = conn.connection.driver_connection
    if driver == "psycopg":
        cursor = raw.cursor(name=f"mediation_export_{next(_CURSOR_NUMBERS)}")
    else:
        cursor = raw.cursor()
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(BATCH):
            yield rows
    finally:
        cursor.close()


_CURSOR_NUMBERS = itertools.count(1)  # two named cursors are open at once for cases.csv


def _write_cases(uow: UnitOfWork, committee_id: int, end: datetime, path: Path,
                 progress: Progress) -> dict[str, Any]:
    """One pass over the cases and one over their parties, both in case order, merged here."""
    c, p = _t("cases"), _t("party")
    conn = uow.session.connection()
    where = (c.c.committee_id == committee_id, c.c.registered_at < end)
    counted = select(c.c.id).where(*where)
    if conn.dialect.name == "sqlite":
        # Ordered by id, SQLite counts along ix_cases_committee_id, reading the table in rowid
        # order; unordered it picks the (committee, state, deadline) index and reads the table
        # in random order: ten times slower at a million cases.
        counted = counted.order_by(c.c.id)
    total = int(conn.execute(select(func.count()).select_from(counted.subquery())).scalar_one())
    parents = {cat.code: cat.reporting_code for cat in categories.all_categories()}
    out = _CsvOut(path, CASE_COLUMNS)
    stmt = (select(c.c.id, c.c.number, c.c.state, c.c.category, c.c.source, c.c.risk_level,
                   c.c.persons_involved, c.c.amount_fen, _iso(conn, c.c.discovered_at),
                   _iso(conn, c.c.registered_at), _iso(conn, c.c.accepted_at),
                   _iso(conn, c.c.declined_at), _iso(conn, c.c.concluded_at), c.c.conclusion,
                   _iso(conn, c.c.confirmed_at), _iso(conn, c.c.closed_at), c.c.lead_mediator)
            .where(*where).order_by(c.c.id))
    party_stmt = (select(c.c.id, p.c.role, p.c.name, p.c.kind)
                  .select_from(c.join(p, p.c.case_id == c.c.id))
                  .where(*where).order_by(c.c.id, p.c.position))
    done = 0
    progress("cases.csv", 0, total)
    shown = redaction.shown_name
    with closing(_batches(conn, party_stmt)) as party_batches, \
            closing(_batches(conn, stmt)) as batches:
        parties = itertools.chain.from_iterable(party_batches)
        nxt = next(parties, None)
        for batch in batches:
            rows = []
            for r in batch:
                cid = r[0]
                applicants: list[str] = []
                respondents: list[str] = []
                # The two streams are separate statements: skip the parties of a case the
                # case stream does not hold (registered between the two reads), so that one
                # such case can never leave every later case without its names.
                while nxt is not None and nxt[0] < cid:
                    nxt = next(parties, None)
                while nxt is not None and nxt[0] == cid:
                    if nxt[1] == "applicant":
                        applicants.append(shown(nxt[2], nxt[3], full=False))
                    elif nxt[1] == "respondent":
                        respondents.append(shown(nxt[2], nxt[3], full=False))
                    nxt = next(parties, None)
                amount = r[7]
                rows.append((*r[1:4], parents.get(r[3], r[3]), *r[4:7],
                             "" if amount is None else fen_to_yuan(amount), *r[8:17],
                             "、".join(applicants), "、".join(respondents)))
            out.rows_(rows)
            done += len(rows)
            progress("cases.csv", done, total)
    return out.close()


def _write_events(uow: UnitOfWork, committee_id: int, end: datetime, path: Path,
                  progress: Progress) -> dict[str, Any]:
    e, c = _t("event"), _t("cases")
    conn = uow.session.connection()
    where = (e.c.committee_id == committee_id, e.c.at < end)
    total = int(conn.execute(select(func.count()).select_from(e).where(*where)).scalar_one())
    out = _CsvOut(path, EVENT_COLUMNS)
    stmt = (select(e.c.seq, _iso(conn, e.c.at), c.c.number, e.c.actor, e.c.role, e.c.action,
                   e.c.from_state, e.c.to_state, e.c.version, e.c.hash)
            .select_from(e.outerjoin(c, c.c.id == e.c.case_id))
            .where(*where).order_by(e.c.seq))
    done = 0
    progress("events.csv", 0, total)
    with closing(_batches(conn, stmt)) as batches:
        for batch in batches:
            rows = batch
            out.rows_(rows)
            done += len(rows)
            progress("events.csv", done, total)
    return out.close()


def _write_bytes(path: Path, data: bytes) -> dict[str, Any]:
    w = _HashingWriter(path)
    w.write(data)
    return w.close()


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode()


# ---------------------------------------------------------------------------------------------
# The chart


CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
             "PingFang SC", "Droid Sans Fallback", "AR PL UMing CN", "Noto Serif CJK SC")


@functools.cache
def cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, or None (looked up once)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def trend_png(groups: list[Figures]) -> bytes:
    """Cases (bars) and success rate (line) per month; no timestamps in the file.

    Drawn on a bare Agg ``Figure``: no pyplot (a heavier import, a global backend and a figure
    registry), and matplotlib is imported only here, when the chart is drawn.
    """
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = cjk_font()
    if font:
        labels = {"title": "近12个月调解情况", "cases": "件数", "intake": "登记",
                  "concluded": "调解结案", "rate": "调解成功率"}
    else:
        labels = {"title": "Mediation, last 12 months", "cases": "cases", "intake": "intake",
                  "concluded": "mediated", "rate": "success rate"}
    keys = [g.key or "" for g in groups]
    with warnings.catch_warnings(), matplotlib.rc_context({
            "font.family": [font] if font else ["DejaVu Sans"], "svg.hashsalt": "mediation",
            "axes.unicode_minus": False}):
        warnings.simplefilter("ignore")
        fig = Figure(figsize=(8, 4), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.subplots()
        xs = list(range(len(keys)))
        ax.bar([x - 0.2 for x in xs], [g.intake for g in groups], width=0.4,
               label=labels["intake"], color="#9dc3e6")
        ax.bar([x + 0.2 for x in xs], [g.concluded for g in groups], width=0.4,
               label=labels["concluded"], color="#2e75b6")
        ax.set_xticks(xs, [k[2:] for k in keys], fontsize=8)
        ax.set_ylabel(labels["cases"])
        ax2 = ax.twinx()
        ax2.plot(xs, [(g.success_rate or 0) * 100 if g.concluded else float("nan")
                      for g in groups], color="#c00000", marker="o", label=labels["rate"])
        ax2.set_ylim(0, 105)
        ax2.set_ylabel(labels["rate"] + " %")
        ax.set_title(labels["title"])
        handles = ax.get_legend_handles_labels()
        more = ax2.get_legend_handles_labels()
        ax.legend(handles[0] + more[0], handles[1] + more[1], loc="lower left", fontsize=8)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


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
            progress: Progress = _quiet) -> dict[str, Any]:
    """Write the export of ``day`` into ``out/day/`` atomically; return the manifest."""
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


def _write_all(uow: UnitOfWork, actor: Actor, work: Path, day: date,
               progress: Progress) -> dict[str, Any]:
    end = start_of_local_day_utc(day + timedelta(days=1))
    seq, head_hash = eventlog.head(uow.session)  # read first: the data is at least this new
    files: dict[str, dict[str, Any]] = {}
    files["cases.csv"] = _write_cases(uow, actor.committee_id, end, work / "cases.csv", progress)
    files["events.csv"] = _write_events(uow, actor.committee_id, end, work / "events.csv",
                                        progress)
    # Each set of figures is computed once: the month to date by category serves both
    # stats.json (its totals) and the monthly sheet (its rows).
    committee = committee_of(uow, actor)
    progress("stats.json", 0, 1)
    mtd = compute(uow, actor, month_to_date(day), "category", as_of=end)
    ytd, trend = _year_and_trend(uow, actor, day, end)
    files["stats.json"] = _write_bytes(work / "stats.json", _json_bytes(
        {"date": day.isoformat(),
         "month_to_date": to_json(mtd.model_copy(update={"by": None, "groups": None})),
         "year_to_date": to_json(ytd)}))
    progress("stats.json", 1, 1)

    from mediation.reporting import report

    name = f"monthly-{day:%Y-%m}.xlsx"
    progress(name, 0, 1)
    buf = io.BytesIO()
    report.monthly(uow, actor, month_to_date(day), buf, lang="zh", as_of=end, stats=mtd,
                   committee=committee.name)
    files[name] = _write_bytes(work / name, buf.getvalue())
    progress(name, 1, 1)

    progress("trend.png", 0, 1)
    files["trend.png"] = _write_bytes(work / "trend.png", trend_png(trend))
    progress("trend.png", 1, 1)

    manifest = {
        "format": FORMAT,
        "schema_version": settings.get(uow, settings.SCHEMA_VERSION_KEY) or settings.SCHEMA_VERSION,
        "date": day.isoformat(),
        "committee": {"id": committee.id, "name": committee.name},
        "categories_version": categories.table_version(),
        "rows": {"cases.csv": files["cases.csv"]["rows"],
                 "events.csv": files["events.csv"]["rows"]},
        "files": {k: {"sha256": v["sha256"], "bytes": v["bytes"]}
                  for k, v in sorted(files.items())},
        "log_head": {"seq": seq, "hash": head_hash},
    }
    _write_bytes(work / "manifest.json", _json_bytes(manifest))
    return manifest

"""Keeping the database safe: consistent backups, checked restores, and the integrity check.

- :func:`backup`: SQLite by ``VACUUM INTO`` (one read transaction, so the copy is a consistent
  snapshot while terminals keep writing), checked, fsynced and renamed into place; PostgreSQL by
  ``pg_dump --format=custom`` when it is on the PATH (otherwise the error says how).
- :func:`restore`: SQLite only. The copy is checked first (integrity, a mediation schema this
  program knows); a database still in use by a terminal is refused unless ``force``; the
  replaced file is kept beside it. PostgreSQL: ``pg_restore`` (the error says how).
- :func:`database_checks`: the database's own integrity check, foreign keys, the event log's
  numbering and head, and every case's state and version against the replay of its events.
  ``db check`` adds the whole audit hash chain to them (:func:`mediation.integrity.check`: the
  use case that needs both lives above the database layer).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select, text
from sqlmodel import col

from mediation.core import clock, files
from mediation.core.errors import InvalidInput
from mediation.core.i18n import Msg, msg
from mediation.db import casefile, statcounts
from mediation.db.engines import is_sqlite
from mediation.db.storage import UnitOfWork
from mediation.tables import Event, LogHead

# ---------------------------------------------------------------------------------------------
# Backup


def _sqlite_path(engine: Engine) -> Path:
    return Path(engine.url.database or "")


_fsync_dir = files.fsync_dir


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    finally:
        conn.close()
    return "; ".join(str(r[0]) for r in rows)


def libpq_url(engine: Engine) -> tuple[str, dict[str, str]]:
    """The engine's URL as pg_dump/psql take it (``postgresql://...``, no driver name, no
    password), and the environment that carries the password (never on the command line)."""
    url = engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def backup(engine: Engine, dest: Path, *, force: bool = False) -> dict[str, Any]:
    """Write a consistent copy of the database to ``dest``; returns what was written.

    ``dest`` and its temporary ``dest.partial`` are never followed through a link: the copy is
    written into a file created exclusively, owner-only (core/files.py), then renamed."""
    dest = dest.expanduser().absolute()  # not resolve(): a link at dest is refused, not followed
    files.refuse_link(dest)
    files.refuse_existing(dest, force=force)
    files.make_dirs(dest.parent)
    tmp = dest.with_name(dest.name + files.PARTIAL)
    files.clear_partial(tmp)
    os.close(files.create(tmp))  # VACUUM INTO and pg_dump write into this empty, private file
    if not is_sqlite(engine):
        return _pg_dump(engine, dest, tmp)
    raw = engine.raw_connection()
    try:
        # One statement, one read transaction: a snapshot however busy the terminals are.
        raw.driver_connection.execute("VACUUM INTO ?", (str(tmp),))  # type: ignore[union-attr]
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        raw.close()
    verdict = _integrity(tmp)
    if verdict != "ok":
        tmp.unlink(missing_ok=True)
        raise InvalidInput(msg("the copy failed its integrity check ({verdict}); nothing was "
                               "written", verdict=verdict))
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())
    files.refuse_link(dest)
    os.replace(tmp, dest)
    _fsync_dir(dest.parent)
    return {"backend": "sqlite", "file": str(dest), "bytes": dest.stat().st_size,
            "method": "VACUUM INTO"}


def _pg_dump(engine: Engine, dest: Path, tmp: Path) -> dict[str, Any]:
    exe = shutil.which("pg_dump")
    shown = engine.url.set(drivername="postgresql").render_as_string(hide_password=True)
    if exe is None:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(msg(
            "on PostgreSQL, back up with pg_dump from the server's version, e.g. "
            "pg_dump --format=custom --file={file} '{url}' (it is not on the PATH here; "
            "see docs/deploy.md)", file=str(dest), url=shown))
    dbname, env = libpq_url(engine)
    done = subprocess.run(
        [exe, "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={dbname}"],
        capture_output=True, text=True, check=False, env=env,
    )
    if done.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise InvalidInput(msg("pg_dump failed: {error}", error=done.stderr.strip()))
    files.refuse_link(dest)
    os.replace(tmp, dest)
    return {"backend": "postgresql", "file": str(dest), "bytes": dest.stat().st_size,
            "method": "pg_dump --format=custom"}


# ---------------------------------------------------------------------------------------------
# Restore


def check_copy(path: Path) -> str:
    """The schema revision of a backup file, after checking it is a sound mediation database."""
    from mediation.db import migrate

    if (why := files.not_readable(path)) is not None:
        raise InvalidInput(why)
    verdict = _integrity(path)
    if verdict != "ok":
        raise InvalidInput(msg("{file} is not a sound SQLite database ({verdict}); nothing was "
                               "changed", file=str(path), verdict=verdict))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rev = None
        if "alembic_version" in tables:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            rev = row[0] if row else None
    finally:
        conn.close()
    known = {r["revision"] for r in migrate.revisions()}
    if "committee" not in tables or "event" not in tables:
        raise InvalidInput(msg("{file} is not a mediation database; nothing was changed",
                               file=str(path)))
    if rev is not None and rev not in known:
        raise InvalidInput(msg("{file} has schema revision {rev}, newer than this program "
                               "knows; upgrade the program first", file=str(path), rev=rev))
    return rev or migrate.FIRST


def _in_use(path: Path) -> bool:
    """True when another connection has the SQLite database open.

    Leaving WAL mode needs the only connection to the file: if that fails, a terminal (or a
    crashed one's WAL) still holds it.
    """
    if not path.exists():
        return False
    conn = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    try:
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()
        return mode is None or str(mode[0]).lower() != "delete"
    except sqlite3.OperationalError:
        return True
    finally:
        conn.close()


def restore(engine: Engine, source: Path, *, force: bool = False) -> dict[str, Any]:
    """Replace the SQLite database with the checked copy ``source``; keeps the old file."""
    from mediation.db import engines

    if not is_sqlite(engine):
        raise InvalidInput(msg(
            "on PostgreSQL, restore with pg_restore into an empty database, e.g. "
            "pg_restore --no-owner --dbname='{url}' {file} (see docs/deploy.md)",
            url=engine.url.set(drivername="postgresql").render_as_string(hide_password=True),
            file=str(source)))
    source = source.expanduser().resolve()
    rev = check_copy(source)
    target = _sqlite_path(engine)
    if source == target:
        raise InvalidInput(msg("{file} is the database itself", file=str(source)))
    engines.release_engine(engine)  # our own pooled connections
    engine.dispose()
    if _in_use(target) and not force:
        raise InvalidInput(msg("{file} is in use by a terminal; close every terminal first, or "
                               "pass --force (their unsaved work is lost)", file=str(target)))
    tmp = target.with_name(target.name + ".restoring")
    files.clear_partial(tmp)
    with files.open_new(tmp) as out, source.open("rb") as src:  # private, never via a link
        shutil.copyfileobj(src, out)
        out.flush()
        os.fsync(out.fileno())
    kept = None
    if target.exists():
        stamp = clock.utcnow().strftime("%Y%m%dT%H%M%SZ")
        kept = target.with_name(f"{target.name}.before-restore-{stamp}")
        os.replace(target, kept)
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(tmp, target)
    _fsync_dir(target.parent)
    return {"file": str(target), "from": str(source), "revision": rev,
            "kept": str(kept) if kept else None}


# ---------------------------------------------------------------------------------------------
# Check


@dataclass
class Check:
    """One check's verdict; ``detail`` in English (JSON), ``note`` the same for people, in
    their language, where the check has a sentence for it."""

    name: str
    ok: bool
    detail: str = ""
    note: Msg | None = None

    def shown(self) -> str:
        return self.note.render() if self.note is not None else self.detail


def database_checks(uow: UnitOfWork) -> list[Check]:
    """The database's integrity checks, each with its verdict (none raises); ``db check`` runs
    these and the audit chain's (:func:`mediation.integrity.check`)."""
    return [
        _engine_integrity(uow),
        _foreign_keys(uow),
        _event_numbering(uow),
        _replay(uow),
        _stat_counters(uow),
        _search_index(uow),
        _search_grams(uow),
    ]


def as_dicts(checks: Iterable[Check]) -> list[dict[str, Any]]:
    return [{"name": c.name, "ok": c.ok, "detail": c.detail} for c in checks]


def _engine_integrity(uow: UnitOfWork) -> Check:
    s = uow.session
    if s.get_bind().dialect.name == "sqlite":
        rows = [str(r[0]) for r in s.execute(text("PRAGMA integrity_check")).all()]
        return Check("integrity", rows == ["ok"], "; ".join(rows[:5]),
                     msg("ok") if rows == ["ok"] else None)
    # PostgreSQL guards its pages itself; check the catalogue sees every table and can read it.
    from sqlmodel import SQLModel

    missing = []
    for table in SQLModel.metadata.sorted_tables:
        try:
            with s.begin_nested():
                s.execute(select(func.count()).select_from(table))
        except Exception:
            missing.append(table.name)
    return Check("integrity", not missing, ", ".join(missing) or "all tables readable",
                 None if missing else msg("all tables readable"))


def _foreign_keys(uow: UnitOfWork) -> Check:
    s = uow.session
    if s.get_bind().dialect.name == "sqlite":
        rows = s.execute(text("PRAGMA foreign_key_check")).all()
        detail = "; ".join(f"{r[0]} row {r[1]} -> {r[2]}" for r in rows[:5])
        return Check("foreign_keys", not rows, detail or "ok", None if rows else msg("ok"))
    rows = s.execute(text(
        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
        "WHERE contype = 'f' AND NOT convalidated")).all()
    detail = "; ".join(f"{r[0]}.{r[1]} not validated" for r in rows)
    return Check("foreign_keys", not rows, detail or "ok", None if rows else msg("ok"))


def _event_numbering(uow: UnitOfWork) -> Check:
    s = uow.session
    count, low, high = s.execute(
        select(func.count(), func.min(col(Event.seq)), func.max(col(Event.seq)))).one()
    head = s.get(LogHead, 1)
    problems = []
    if count and (low != 1 or high != count):
        problems.append(f"{count} events numbered {low}..{high}: gaps")
    head_seq = head.seq if head else 0
    if head_seq != (high or 0):
        problems.append(f"log head at {head_seq}, last event {high}")
    if head and high:
        last = s.get(Event, high)
        if last is not None and last.hash != head.hash:
            problems.append("log head hash differs from the last event's")
    return Check("event_log", not problems, "; ".join(problems) or f"{count} events",
                 None if problems else msg("{count} events", count=count))


def _stat_counters(uow: UnitOfWork) -> Check:
    """The statistics' counters kept by the triggers equal a recount from the case rows
    (mediation/db/statcounts.py)."""
    conn = uow.session.connection()
    problems = statcounts.differences(conn)
    if problems:
        return Check("stat_counters", False, "; ".join(problems))
    count = len(statcounts.kept(conn))
    return Check("stat_counters", True, f"{count} counters agree with the cases",
                 msg("{count} counters agree with the cases", count=count))


def replay_problems(uow: UnitOfWork, limit: int = 20) -> tuple[int, list[str]]:
    """Every case replayed from its events and judged as ``audit verify`` judges it
    (:func:`mediation.db.casefile.replay_cases`). Returns (cases seen, problems)."""
    seen = 0
    problems: list[str] = []
    # State and version here; the fields are compared by the audit_chain check (integrity.py).
    for case in casefile.replay_cases(uow.session.connection(), whole_file=False):
        seen += case.number is not None
        for p in case.problems:
            if p.kind == "replay" and p.seq is not None and p.seq == case.last_seq:
                continue  # the row against the replay: said below, as db check always said it
            where = f"event {p.seq}: " if p.seq is not None else ""
            problems.append(where + p.detail.render())
        r = case.replay
        if case.number is not None and case.last_seq is not None and \
                (r.state, r.version) != (case.state, case.version):
            problems.append(f"{case.label}: stored {case.state} v{case.version}, events replay "
                            f"to {r.state} v{r.version}")
    return seen, problems[:limit] + (
        [f"... and {len(problems) - limit} more"] if len(problems) > limit else [])


def _search_index(uow: UnitOfWork) -> Check:
    """``case search``'s index against the case file it is made of: every case has its row,
    with the text and number hashes the case file makes now (searchindex.differences)."""
    from mediation.db import searchindex

    seen, problems = searchindex.differences(uow.session.connection())
    if not problems:
        return Check("search_index", True, f"{seen} cases indexed as they are",
                     msg("{count} cases indexed as they are", count=seen))
    more = f"; ... and {len(problems) - 5} more" if len(problems) > 5 else ""
    return Check("search_index", False, "; ".join(problems[:5]) + more,
                 msg("the search index differs from the cases in {n} places; repair it with "
                     "`mediation db reindex`", n=len(problems)))


def _search_grams(uow: UnitOfWork) -> Check:
    """The short-word index of ``case search`` against the texts it is made of
    (:func:`mediation.db.searchgrams.check`)."""
    from mediation.db import searchgrams

    problems = searchgrams.check(uow.session.connection())
    if not problems:
        return Check("search_grams", True, "ok", msg("ok"))
    return Check("search_grams", False, "; ".join(problems),
                 msg("the short-word search index differs from the case texts: {n} differences",
                     n=len(problems)))


def _replay(uow: UnitOfWork) -> Check:
    seen, problems = replay_problems(uow)
    return Check("case_states", not problems, "; ".join(problems) or f"{seen} cases replayed",
                 None if problems else msg("{count} cases replayed", count=seen))


def file_warnings(engine: Engine) -> list[Msg]:
    """What ``db check`` warns about the files at rest: a SQLite database, or its -wal/-shm,
    that every user of the computer can read (core/files.py says how we create them)."""
    if not is_sqlite(engine):
        return []
    path = _sqlite_path(engine)
    out = []
    for f in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = f.stat().st_mode & 0o7777
        except OSError:
            continue
        if mode & 0o007:
            out.append(msg("{file} can be read by every user of this computer (mode {mode}); "
                           "run `chmod o-rwx {file}` (docs/deploy.md)", file=str(f),
                           mode=format(mode, "04o")))
    return out

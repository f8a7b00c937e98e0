"""Counters of the statistics kept per committee and month by the database (issue 18).

``stat_month`` holds, per committee and local month (China Standard Time, as the statistics
count), what ``stats`` would otherwise count by scanning and sorting the cases:

- ``intake.<source>``: cases registered (``registered_at``), per source;
- ``accepted``, ``declined``, ``withdrawn``: by ``accepted_at``, ``declined_at``,
  ``withdrawn_at`` (since revision 0018: the applicant withdrew before acceptance);
- ``outcome.<first_outcome>`` and ``amount`` (the amount in fen of the cases concluded): by
  ``first_concluded_at``;
- the five intervals (``discovered_to_accepted`` ...): how many durations fell in each 0.01-day
  bucket (``bucket``, in hundredths of a day, the duration rounded as ``stats`` rounds it),
  counted in the month of the later step (the feedback: ``fed_back_at`` since revision 0020).

They are kept by triggers on ``cases`` (insert, delete, and an update of any column they read),
so they move in the transaction of whatever moves a milestone: a step, a late entry, a
correction, an import, a migration's backfill, a script at the ``sqlite3`` prompt. A trigger adds
the new row's contributions, takes away the old row's, and writes only the net changes, in key
order. On PostgreSQL the trigger is deferred to the commit and first takes the log head's lock,
which a step's last statement (the event's append) already holds: the counters, which every
terminal's steps touch (this month's rows), are written under the lock that serialises the
writes anyway, for the moment of the commit, and two writers never deadlock over them.
Every contribution is a function of one case row: that is what makes the counters exact, and
:func:`recount` recomputes them from the rows (the migration's backfill, ``db check`` and the
property tests compare the two).

:func:`install` (idempotent) creates the triggers; revisions call it and then :func:`backfill`.
A change of what is counted (a new column, an interval measured otherwise) is a new revision
that calls both again.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

TABLE = "stat_month"
CONFLICT = "(committee_id, month, figure, bucket)"

# The five intervals: (name, later step's column, earlier step's expression, extra condition).
# Each counts in the month of the later step; ``{r}`` is the case row (NEW, OLD or a table).
DISCOVERED = "coalesce({r}.discovered_at, {r}.registered_at)"
INTERVALS: tuple[tuple[str, str, str, str], ...] = (
    ("discovered_to_accepted", "accepted_at", DISCOVERED, ""),
    ("accepted_to_concluded", "first_concluded_at", "{r}.accepted_at",
     "{r}.accepted_at IS NOT NULL"),
    ("concluded_to_confirmed", "first_confirmed_at", "{r}.first_concluded_at",
     "{r}.first_concluded_at IS NOT NULL"),
    ("confirmed_to_feedback", "fed_back_at", "{r}.first_confirmed_at",
     "{r}.first_confirmed_at IS NOT NULL"),
    ("whole", "fed_back_at", DISCOVERED, ""),
)
# The columns a contribution reads: an update of any of them moves the counters.
COLUMNS = ("committee_id", "source", "registered_at", "discovered_at", "accepted_at",
           "declined_at", "first_concluded_at", "first_outcome", "amount_fen",
           "first_confirmed_at", "fed_back_at", "withdrawn_at")
# What revision 0016 counted (its triggers, for a downgrade from 0018): all but ``withdrawn``.
WITHDRAWN = "withdrawn_at"
# Before revision 0020 the feedback was the closing (the one former ``feedback`` step): the
# intervals ending with the feedback were measured by ``closed_at`` (``fed_back=False``).
FED_BACK, CLOSED = "fed_back_at", "closed_at"


def _columns(withdrawn: bool, fed_back: bool) -> list[str]:
    """The columns the counters read, as of the revision the flags name."""
    out = [c for c in COLUMNS if withdrawn or c != WITHDRAWN]
    return [CLOSED if c == FED_BACK and not fed_back else c for c in out]


def _month(sqlite: bool, ts: str) -> str:
    if sqlite:
        return f"strftime('%Y-%m', {ts}, '+8 hours')"
    return f"to_char({ts} + interval '8 hours', 'YYYY-MM')"


def _centidays(sqlite: bool, later: str, earlier: str) -> str:
    """The duration in hundredths of a day, rounded as ``stats`` rounds days to 0.01."""
    if sqlite:
        days = f"(julianday({later}) - julianday({earlier}))"
        return f"CAST(round(round({days}, 2) * 100) AS INTEGER)"
    days = f"(CAST(extract(epoch FROM {later} - {earlier}) AS numeric) / 86400)"
    return f"CAST(round({days}, 2) * 100 AS bigint)"


def contributions(sqlite: bool, r: str, sign: str, source: str = "", *,
                  withdrawn: bool = True, fed_back: bool = True) -> list[str]:
    """SELECTs of (committee_id, month, figure, bucket, n): what one case row ``r`` counts,
    times ``sign``. ``source`` is the FROM clause when ``r`` is a table alias. ``withdrawn``:
    count the withdrawn too (False: what revision 0016 counted); ``fed_back``: the feedback's
    intervals end with ``fed_back_at`` (False: with ``closed_at``, before revision 0020)."""
    parts = []

    def part(ts: str, figure: str, bucket: str, n: str, cond: str = "") -> None:
        where = f"{r}.{ts} IS NOT NULL" + (f" AND {cond.format(r=r)}" if cond else "")
        parts.append(f"SELECT {r}.committee_id AS committee_id, "
                     f"{_month(sqlite, f'{r}.{ts}')} AS month, {figure} AS figure, "
                     f"{bucket} AS bucket, {n} AS n {source} WHERE {where}")

    part("registered_at", f"'intake.' || {r}.source", "0", sign)
    part("accepted_at", "'accepted'", "0", sign)
    part("declined_at", "'declined'", "0", sign)
    if withdrawn:
        part("withdrawn_at", "'withdrawn'", "0", sign)
    part("first_concluded_at", f"'outcome.' || coalesce({r}.first_outcome, '')", "0", sign)
    part("first_concluded_at", "'amount'", "0", f"{sign} * {r}.amount_fen",
         "{r}.amount_fen IS NOT NULL AND {r}.amount_fen <> 0")
    for name, later, earlier, cond in INTERVALS:
        later = CLOSED if later == FED_BACK and not fed_back else later
        bucket = _centidays(sqlite, f"{r}.{later}", earlier.format(r=r))
        part(later, f"'{name}'", bucket, sign, cond)
    return parts


def _net(sqlite: bool, parts: list[str]) -> str:
    """INSERT the net change of ``parts`` into the counters, in key order."""
    union = " UNION ALL ".join(parts)
    return (f"INSERT INTO {TABLE} (committee_id, month, figure, bucket, n) "
            f"SELECT committee_id, month, figure, bucket, sum(n) FROM ({union}) AS c "
            f"GROUP BY committee_id, month, figure, bucket HAVING sum(n) <> 0 "
            f"ORDER BY committee_id, month, figure, bucket "
            f"ON CONFLICT {CONFLICT} DO UPDATE SET n = {TABLE}.n + excluded.n")


SQLITE_TRIGGERS = ("stat_month_insert", "stat_month_update", "stat_month_delete")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mediation_stat_month() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM log_head WHERE id = 1 FOR UPDATE;
    IF TG_OP = 'INSERT' THEN
        {insert};
    ELSIF TG_OP = 'DELETE' THEN
        {delete};
    ELSE
        {update};
    END IF;
    RETURN NULL;
END
$$
"""


def install(connection: Connection, *, withdrawn: bool = True, fed_back: bool = True) -> None:
    """Create the triggers that keep ``stat_month`` (dialect-aware; safe to run again).
    ``withdrawn=False``: the triggers of revision 0016 (a downgrade from 0018);
    ``fed_back=False``: those before revision 0020."""
    sqlite = connection.dialect.name == "sqlite"
    new = contributions(sqlite, "NEW", "1", withdrawn=withdrawn, fed_back=fed_back)
    old = contributions(sqlite, "OLD", "-1", withdrawn=withdrawn, fed_back=fed_back)
    columns = ", ".join(_columns(withdrawn, fed_back))
    if sqlite:
        drop(connection)
        for trigger, when, body in (
                ("stat_month_insert", "INSERT", new),
                ("stat_month_update", f"UPDATE OF {columns}", old + new),
                ("stat_month_delete", "DELETE", old)):
            connection.exec_driver_sql(
                f"CREATE TRIGGER {trigger} AFTER {when} ON cases "
                f"BEGIN {_net(sqlite, body)}; END")
        return
    function = PG_FUNCTION.format(insert=_net(sqlite, new), delete=_net(sqlite, old),
                                  update=_net(sqlite, old + new))
    connection.exec_driver_sql(function.replace("%", "%%"))
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS stat_month_counts ON cases")
    connection.exec_driver_sql(
        f"CREATE CONSTRAINT TRIGGER stat_month_counts AFTER INSERT OR DELETE OR UPDATE OF "
        f"{columns} ON cases DEFERRABLE INITIALLY DEFERRED "
        "FOR EACH ROW EXECUTE FUNCTION mediation_stat_month()")


def drop(connection: Connection) -> None:
    """Remove the triggers (a revision's downgrade; tests that tamper behind the back)."""
    if connection.dialect.name == "sqlite":
        for trigger in SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    else:
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS stat_month_counts ON cases")


def _recount_sql(sqlite: bool, withdrawn: bool = True, fed_back: bool = True) -> str:
    """Every counter from the rows: the cases' and the follow-up visits' (statvisits.py)."""
    from mediation.db import statvisits

    union = " UNION ALL ".join(contributions(sqlite, "c", "1", "FROM cases c",
                                             withdrawn=withdrawn, fed_back=fed_back))
    return (f"SELECT committee_id, month, figure, bucket, sum(n) FROM ({union}) AS x "
            "GROUP BY committee_id, month, figure, bucket HAVING sum(n) <> 0 "
            f"UNION ALL {statvisits.recount_sql(sqlite)}")


def backfill(connection: Connection, *, withdrawn: bool = True, fed_back: bool = True) -> None:
    """Recompute every counter from the case rows (a revision, after :func:`install`; with
    ``withdrawn=False`` what revision 0016 counted, ``fed_back=False`` what was counted before
    revision 0020)."""
    sqlite = connection.dialect.name == "sqlite"
    connection.exec_driver_sql(f"DELETE FROM {TABLE}")
    connection.exec_driver_sql(f"INSERT INTO {TABLE} (committee_id, month, figure, bucket, n) "
                               f"{_recount_sql(sqlite, withdrawn, fed_back)}")


Key = tuple[int, str, str, int]


def recount(connection: Connection) -> dict[Key, int]:
    """The counters as the case rows give them (nonzero only)."""
    rows = connection.execute(text(_recount_sql(connection.dialect.name == "sqlite")))
    return {(int(c), str(m), str(f), int(b)): int(n) for c, m, f, b, n in rows}


def kept(connection: Connection) -> dict[Key, int]:
    """The counters as kept (nonzero only)."""
    rows = connection.execute(text(
        f"SELECT committee_id, month, figure, bucket, n FROM {TABLE} WHERE n <> 0"))
    return {(int(c), str(m), str(f), int(b)): int(n) for c, m, f, b, n in rows}


def differences(connection: Connection, limit: int = 5) -> list[str]:
    """Where the kept counters differ from the rows' (empty when they agree)."""
    want, have = recount(connection), kept(connection)
    out: list[str] = []
    for key in sorted(set(want) | set(have)):
        if want.get(key, 0) != have.get(key, 0):
            out.append(f"{key[0]} {key[1]} {key[2]} {key[3]}: kept {have.get(key, 0)}, "
                       f"rows {want.get(key, 0)}")
    return out[:limit] if limit else out

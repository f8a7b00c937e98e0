"""Counters of the follow-up visits' performance per committee and month (issue 18), beside
``stat_month``'s other figures (mediation/db/statcounts.py).

A case visited several times counts once per period, with what its LAST visit in the period
found (issue 15). Per committee and local month the counters hold, for each case, its last visit
of that month (``visit.<performance>``) and, for each month in which it was visited again after
an earlier month, the earlier month's last visit (``revisit.<performance>``, ``bucket`` = the
earlier month as YYYYMM). A period of whole months then counts its visits exactly: the sum of
its months' ``visit`` counters (by month, that is the figure) less the ``revisit`` counters of
its months whose earlier month lies in the period too (a case's month-last visits but its last).

Every contribution is a function of one case's visits, so triggers on ``follow_up`` take away the
case's contributions before a change (BEFORE) and add them after it (AFTER); on PostgreSQL after
taking the log head's lock, so that two writers never deadlock over the counters.
"""

from __future__ import annotations

from sqlalchemy import Connection

from mediation.db.statcounts import CONFLICT, TABLE


def _month(sqlite: bool, ts: str) -> str:
    if sqlite:
        return f"strftime('%Y-%m', {ts}, '+8 hours')"
    return f"to_char({ts} + interval '8 hours', 'YYYY-MM')"


def contributions(sqlite: bool, cases: str, sign: str) -> str:
    """A SELECT of (committee_id, month, figure, bucket, n): the visit counters of the cases
    whose ids satisfy ``cases`` (an SQL condition on ``f.case_id``), times ``sign``."""
    earlier = ("CAST(replace(ml.pm, '-', '') AS INTEGER)" if sqlite
               else "CAST(replace(ml.pm, '-', '') AS integer)")
    visits = (f"SELECT f.case_id, f.id, f.visited_at, f.performance, "
              f"{_month(sqlite, 'f.visited_at')} AS month FROM follow_up f "
              f"WHERE ({cases}) AND f.performance IS NOT NULL")
    last = (f"SELECT case_id, month, performance, row_number() OVER (PARTITION BY case_id, "
            f"month ORDER BY visited_at DESC, id DESC) AS rn FROM ({visits}) AS v")
    ml = (f"SELECT case_id, month, performance, "
          f"lag(month) OVER (PARTITION BY case_id ORDER BY month) AS pm, "
          f"lag(performance) OVER (PARTITION BY case_id ORDER BY month) AS pp "
          f"FROM ({last}) AS l WHERE rn = 1")
    return (f"SELECT c.committee_id AS committee_id, ml.month AS month, "
            f"'visit.' || ml.performance AS figure, 0 AS bucket, {sign} AS n "
            f"FROM ({ml}) AS ml JOIN cases c ON c.id = ml.case_id "
            f"UNION ALL "
            f"SELECT c.committee_id, ml.month, 'revisit.' || ml.pp, {earlier}, {sign} "
            f"FROM ({ml}) AS ml JOIN cases c ON c.id = ml.case_id WHERE ml.pm IS NOT NULL")


def _apply(sqlite: bool, cases: str, sign: str) -> str:
    return (f"INSERT INTO {TABLE} (committee_id, month, figure, bucket, n) "
            f"SELECT committee_id, month, figure, bucket, sum(n) FROM "
            f"({contributions(sqlite, cases, sign)}) AS x "
            f"GROUP BY committee_id, month, figure, bucket HAVING sum(n) <> 0 "
            f"ORDER BY committee_id, month, figure, bucket "
            f"ON CONFLICT {CONFLICT} DO UPDATE SET n = {TABLE}.n + excluded.n")


SQLITE_TRIGGERS = {
    # name: (when, event, the cases whose contributions move)
    "stat_visit_before_insert": ("BEFORE", "INSERT", "f.case_id = NEW.case_id"),
    "stat_visit_after_insert": ("AFTER", "INSERT", "f.case_id = NEW.case_id"),
    "stat_visit_before_update": ("BEFORE", "UPDATE", "f.case_id IN (OLD.case_id, NEW.case_id)"),
    "stat_visit_after_update": ("AFTER", "UPDATE", "f.case_id IN (OLD.case_id, NEW.case_id)"),
    "stat_visit_before_delete": ("BEFORE", "DELETE", "f.case_id = OLD.case_id"),
    "stat_visit_after_delete": ("AFTER", "DELETE", "f.case_id = OLD.case_id"),
}

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION mediation_stat_visit() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_sign integer := CASE WHEN TG_WHEN = 'BEFORE' THEN -1 ELSE 1 END;
    v_a integer := CASE WHEN TG_OP = 'INSERT' THEN NEW.case_id ELSE OLD.case_id END;
    v_b integer := CASE WHEN TG_OP = 'DELETE' THEN OLD.case_id ELSE NEW.case_id END;
BEGIN
    PERFORM 1 FROM log_head WHERE id = 1 FOR UPDATE;
    {apply};
    IF TG_WHEN = 'AFTER' THEN
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$
"""


def install(connection: Connection) -> None:
    """Create the triggers on ``follow_up`` (dialect-aware; safe to run again)."""
    sqlite = connection.dialect.name == "sqlite"
    drop(connection)
    if sqlite:
        for name, (when, op, cases) in SQLITE_TRIGGERS.items():
            sign = "-1" if when == "BEFORE" else "1"
            connection.exec_driver_sql(
                f"CREATE TRIGGER {name} {when} {op} ON follow_up "
                f"BEGIN {_apply(sqlite, cases, sign)}; END")
        return
    function = PG_FUNCTION.format(apply=_apply(sqlite, "f.case_id IN (v_a, v_b)", "v_sign"))
    connection.exec_driver_sql(function.replace("%", "%%"))
    for when in ("BEFORE", "AFTER"):
        connection.exec_driver_sql(
            f"CREATE TRIGGER stat_visit_{when.lower()} {when} INSERT OR UPDATE OR DELETE "
            f"ON follow_up FOR EACH ROW EXECUTE FUNCTION mediation_stat_visit()")


def drop(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for when in ("before", "after"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS stat_visit_{when} ON follow_up")


def recount_sql(sqlite: bool) -> str:
    """Every case's visit counters from the rows (the backfill and the check)."""
    return (f"SELECT committee_id, month, figure, bucket, sum(n) FROM "
            f"({contributions(sqlite, 'true', '1')}) AS x "
            f"GROUP BY committee_id, month, figure, bucket HAVING sum(n) <> 0")

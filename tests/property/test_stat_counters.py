"""The statistics' counters kept by the triggers (mediation/db/statcounts.py, issue 18) equal a
recount from the rows after any history: random steps with late entries (补录) and corrections
(the workflow machine's rules), random case histories across committees, and milestones
rewritten behind the application's back (a script at the database prompt)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant
from sqlalchemy import text

from mediation.db import statcounts
from tests.property.stats_history import History, build, histories
from tests.property.test_workflow_stateful import WorkflowMachine


class CountersMachine(WorkflowMachine):
    """The workflow machine's rules (steps at random times, corrections, time passing), and
    after every one the counters equal the rows."""

    @invariant()
    def counters_equal_the_rows(self) -> None:
        with self.room.uow(write=False) as uow:
            assert statcounts.differences(uow.session.connection(), limit=0) == []


CountersMachine.TestCase.settings = settings(max_examples=10, stateful_step_count=30,
                                             deadline=None)
TestCounters = CountersMachine.TestCase


@settings(max_examples=10, deadline=None)
@given(hs=histories(max_cases=6, committees=2), rewrite=st.integers(0, 3))
def test_counters_equal_a_recount_after_histories(tmp_path_factory: pytest.TempPathFactory,
                                                   hs: list[History], rewrite: int) -> None:
    url = "sqlite:///" + str(tmp_path_factory.mktemp("c") / f"c-{uuid.uuid4().hex}.db")
    b = build(url, hs, committees=2)
    with b.engine.begin() as conn:
        assert statcounts.differences(conn, limit=0) == []
        first = conn.execute(text("SELECT min(id) FROM cases")).scalar_one()
        if rewrite == 1:  # a milestone moved a month back, as a correction would
            conn.execute(text("UPDATE cases SET accepted_at = datetime(accepted_at, '-31 days'),"
                              " closed_at = datetime(closed_at, '+3 hours') WHERE id = :id"),
                         {"id": first})
        elif rewrite == 2:  # another outcome and amount, another committee
            conn.execute(text("UPDATE cases SET first_outcome = 'oral', amount_fen = 12345, "
                              "committee_id = :c, seq = seq + 100000 WHERE id = :id"),
                         {"id": first, "c": b.committee_ids[-1]})
        elif rewrite == 3:  # milestones cleared
            conn.execute(text("UPDATE cases SET accepted_at = NULL, first_concluded_at = NULL, "
                              "discovered_at = NULL WHERE id = :id"), {"id": first})
        assert statcounts.differences(conn, limit=0) == []


def test_the_check_names_a_counter_that_drifted(tmp_path: Path) -> None:
    from tests.property.stats_history import History as H

    h = H(category="01", source="grid", committee=0, mediator=0, start_hours=10,
          discovered_hours=5, amount=100, choices=[0, 0, 0, 0, 0], gaps=[30] * 9,
          written=[True] * 3)
    b = build("sqlite:///" + str(tmp_path / "d.db"), [h])
    with b.engine.begin() as conn:
        conn.execute(text("UPDATE stat_month SET n = n + 1 WHERE figure = 'accepted'"))
        problems = statcounts.differences(conn)
    assert len(problems) == 1 and problems[0].endswith("accepted 0: kept 2, rows 1")


@pytest.mark.postgres
def test_postgres_keeps_the_same_counters_as_sqlite(pg_url: str, tmp_path: Path) -> None:
    """The deferred PostgreSQL trigger and the SQLite triggers count the same histories alike,
    and each equals its recount (the month and 0.01-day bucket computed by each dialect)."""
    from tests.integration.test_export import _histories

    hs = _histories(10, seed=11)
    pg = build(pg_url, hs)
    lite = build("sqlite:///" + str(tmp_path / "same.db"), hs)
    with pg.engine.begin() as a, lite.engine.begin() as b:
        assert statcounts.differences(a, limit=0) == []
        assert statcounts.differences(b, limit=0) == []
        assert statcounts.kept(a) == statcounts.kept(b)
        assert statcounts.kept(a)

"""The same figures and export files on PostgreSQL as on SQLite (dialect-specific SQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediation.core import periods
from mediation.reporting import export, stats
from tests.integration.test_export import DAY, _histories
from tests.property.stats_history import build, oracle, same
from tests.property.test_stats_properties import AS_OF

pytestmark = pytest.mark.postgres


def test_postgres_matches_the_oracle_and_sqlite(pg_url: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # Each database draws its own key for the keyed hashes, and the events carry keyed hashes of
    # the case file's personal data (docs/audit.md): the same key on both, so that the same
    # history gives the same event hashes and byte-identical export files.
    monkeypatch.setattr("mediation.committee.secrets.token_hex", lambda n=32: "5a" * n)
    hs = _histories(10, seed=11)
    pg = build(pg_url, hs)
    lite = build("sqlite:///" + str(tmp_path / "same.db"), hs)
    for period in (periods.year(2026), periods.month(2026, 3)):
        for by in (None, "category", "month"):
            with pg.uow() as uow:
                got = stats.compute(uow, pg.directors[0], period, by, as_of=AS_OF)
                want = oracle(uow.session, pg.committee_ids, period, by, AS_OF)
            with lite.uow() as uow:
                other = stats.compute(uow, lite.directors[0], period, by, as_of=AS_OF)
            assert not same(got, want[""] if by is None else got), (period, by)
            assert not same(got, other), (period, by)
            for g in got.groups or []:
                assert not same(g, want[g.key or ""]), (period, by, g.key)
    with pg.uow() as uow:
        export.nightly(uow, pg.directors[0], tmp_path / "pg", DAY)
    with lite.uow() as uow:
        export.nightly(uow, lite.directors[0], tmp_path / "lite", DAY)
    for name in ("cases.csv", "events.csv", "stats.json"):
        assert (tmp_path / "pg" / DAY.isoformat() / name).read_bytes() == (
            tmp_path / "lite" / DAY.isoformat() / name).read_bytes(), name

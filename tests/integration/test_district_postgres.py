"""A district on PostgreSQL (issue 17): three committees in one database, a terminal working in
each, and the Bureau reading the district's figures meanwhile. Every reading is one snapshot
(the district's total is the sum of its rows at every moment, storage.UnitOfWork reads in
REPEATABLE READ); at the end each row equals its committee's own statistics and the district
form is the same file however often it is written."""

from __future__ import annotations

import io
import threading
import time
from datetime import timedelta
from typing import Any

import pytest

from mediation import intake, steps
from mediation.committee import add_committee, add_staff, init_committee, resolve_actor
from mediation.core import periods
from mediation.core.clock import utcnow
from mediation.db.engines import create_schema, engine_for
from mediation.db.storage import UnitOfWork
from mediation.reporting import district, district_report, stats
from mediation.reporting.district_report import Header
from tests.conftest import case_record

pytestmark = pytest.mark.postgres

COMMITTEES = (("龙王港社区人民调解委员会", "龙", "wangfang"),
              ("望月湖社区人民调解委员会", "望", "zhouli"),
              ("桃子湖社区人民调解委员会", "桃", "liuyang"))
SECONDS = 3.0
ADDITIVE = ("intake", "accepted", "declined", "withdrawn", "terminated", "concluded", "succeeded",
            "overdue")


def _terminal(engine: Any, director: str, stop: float, errors: list[str],
              done: dict[str, int]) -> None:
    """Register cases and carry every other one to an agreement, until ``stop``."""
    n = 0
    try:
        while time.monotonic() < stop:
            with UnitOfWork(engine) as uow:
                actor = resolve_actor(uow, director)
                record = intake.parse_case(case_record(), origin="test")
                cid = int(intake.new_case(uow, actor, record, force=True)["id"])
                uow.commit()
            n += 1
            if n % 2:
                for step, kw in ((steps.accept, {}),
                                 (steps.mediate, {"mediator": director,
                                                  "rights_notified": True}),
                                 (steps.session, {"minutes": "双方陈述。"}),
                                 (steps.agree, {"terms": "赔偿500元。", "written": True})):
                    with UnitOfWork(engine) as uow:
                        step(uow, resolve_actor(uow, director), cid, **kw)
                        uow.commit()
        done[director] = n
    except Exception as exc:  # reported to the test
        errors.append(f"{director}: {exc!r}")


def test_three_committees_working_and_the_district_in_one_snapshot(pg_url: str) -> None:
    engine = engine_for(pg_url)
    create_schema(engine)
    with UnitOfWork(engine) as uow:
        init_committee(uow, name="岳麓区司法局", prefix="岳", director="qu", admin=True)
        admin = resolve_actor(uow, "qu")
        for name, prefix, director in COMMITTEES:
            add_committee(uow, admin, name=name, prefix=prefix, director=director,
                          login_required=False)
        add_staff(uow, admin, username="zhaoju", name="赵局", role="district_viewer")
        uow.commit()
    today = utcnow() + timedelta(hours=8)
    period = periods.year(today.year)
    errors: list[str] = []
    done: dict[str, int] = {}
    readings = 0
    stop = time.monotonic() + SECONDS
    workers = [threading.Thread(target=_terminal, args=(engine, d, stop, errors, done))
               for _n, _p, d in COMMITTEES]
    for w in workers:
        w.start()
    while any(w.is_alive() for w in workers):
        with UnitOfWork(engine, write=False) as uow:
            d = district.compute(uow, resolve_actor(uow, "zhaoju"), period)
        for k in ADDITIVE:
            assert getattr(d.total, k) == sum(getattr(r.figures, k) for r in d.committees), k
        readings += 1
    for w in workers:
        w.join()
    assert not errors, errors
    assert readings >= 1 and len(done) == 3 and all(n > 0 for n in done.values())

    as_of = utcnow() + timedelta(days=1)
    with UnitOfWork(engine, write=False) as uow:
        viewer = resolve_actor(uow, "zhaoju")
        d = district.compute(uow, viewer, period, as_of=as_of)
        assert [r.prefix for r in d.committees] == [p for _n, p, _d in COMMITTEES]
        for row, (_n, _p, director) in zip(d.committees, COMMITTEES, strict=True):
            registered = done[director]
            own = stats.compute(uow, resolve_actor(uow, director), period, as_of=as_of)
            fields = set(type(row.figures).model_fields) - {"key"}
            assert row.figures.model_dump(include=fields) == own.model_dump(include=fields), (
                row.prefix)
            assert row.figures.intake == registered
            assert row.figures.succeeded == (registered + 1) // 2
        assert d.total.intake == sum(done.values())
        files = []
        for _ in range(2):
            buf = io.BytesIO()
            district_report.write(uow, viewer, period, buf, as_of=as_of,
                                  header=Header(form_no="司调统1表"))
            files.append(buf.getvalue())
    assert files[0] == files[1]

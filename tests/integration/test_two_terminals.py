"""Two terminals registering cases at the same moment: numbers stay unique and gapless."""

from __future__ import annotations

import multiprocessing as mp
import re

from sqlmodel import col, select

from mediation import committee, intake
from mediation.cases import Case
from mediation.db.engines import engine_for
from mediation.db.storage import UnitOfWork
from tests.conftest import Room, case_record


def _terminal(url: str, who: str, count: int, start: mp.synchronize.Event) -> None:
    engine = engine_for(url)
    start.wait()
    for i in range(count):
        record = case_record(parties=[{"role": "applicant", "name": f"{who}甲{i}"},
                                      {"role": "respondent", "name": f"{who}乙{i}"}])
        with UnitOfWork(engine) as uow:
            actor = committee.resolve_actor(uow, "wangfang")
            intake.new_case(uow, actor, intake.parse_case(record))
            uow.commit()


def test_two_terminals_get_unique_gapless_numbers(room: Room) -> None:
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_terminal, args=(room.url, who, 15, start)) for who in "AB"]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    with room.uow(write=False) as uow:
        numbers = uow.session.exec(select(Case.number).order_by(col(Case.id))).all()
    seqs = sorted(int(re.search(r"第(\d+)号", n).group(1)) for n in numbers)  # type: ignore[union-attr]
    assert seqs == list(range(1, 31))

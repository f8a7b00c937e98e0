"""Hypothesis: the single read (one statement on the connection, no ORM session; issue 18) gives
exactly what the search gave before it (tests/search_before.py, main at 262eee1), on both
backends: the same cases in the same order, each with the same row as ``case list`` shows it
(names masked for the reader, the lead mediator's label), the same match and score. For every
reader (the director, a mediator, an auditor) and every query the old search answered as it
should: names, parts of them, words of the facts, whole phone and ID numbers, case numbers in
their forms, random strings. A number's end (new: ``5678``) finds at least what it found before.
"""

from __future__ import annotations

from typing import Any

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from mediation import committee, search, search_kinds, steps
from mediation.access.policy import sees_names
from mediation.db.storage import UnitOfWork
from tests import search_before
from tests.conftest import Room
from tests.property.sides import first_applies
from tests.property.test_search_forms import (
    _auditor,
    _new_case,
    _number_forms,
    party_of,
)

WORDS = "张王李三四漏水赔偿楼上0123456789号龙第"


# What the old search (tests/search_before.py) never had: the deadline's last day as shown
# (d98971e), checked by tests/property/test_deadline_last_day.py instead.
_NEWER = ("deadline_last_day",)


def _seen(hits: list[Any]) -> list[tuple[Any, ...]]:
    return [({k: v for k, v in h.case.model_dump().items() if k not in _NEWER}, h.match,
             round(h.score, 6)) for h in hits]


@settings(max_examples=30, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(parties=st.lists(st.tuples(party_of, party_of, st.sampled_from([None, "liming", "liming2",
                                                                        "wangfang"])).filter(
    lambda t: first_applies(t[:2])),
                        min_size=1, max_size=4),
       data=st.data())
def test_the_single_read_finds_what_the_search_found(room: Room, parties: list[Any],
                                                     data: Any) -> None:
    auditor = _auditor(room)
    with room.uow() as uow:  # a namesake: the lead shows as 李明(liming2) and 李明(liming)
        try:
            committee.add_staff(uow, room.director, username="liming2", name="李明",
                                role="mediator")
            uow.commit()
        except Exception:
            uow.rollback()
    queries: list[str] = []
    for a, b, lead in parties:
        cid, number = _new_case(room, a, b)
        if lead:
            room.run(steps.accept, None, cid)
            room.run(steps.mediate, None, cid, mediator=lead, rights_notified=True)
        queries += _number_forms(number)
        for p in (a, b):
            queries += [p["name"], p["name"][:2], p["name"][-2:], p["phone"], p["id"]]
    queries += data.draw(st.lists(st.text(alphabet=WORDS, min_size=1, max_size=6),
                                  min_size=1, max_size=4))
    queries = [q for q in queries if search_kinds.terms_of(q)]
    for actor in (room.director, room.mediator, auditor):
        with UnitOfWork(room.engine, write=False, snapshot=False, clock=room.clock) as uow:
            for query in queries:
                old = _seen(search_before.search_cases(uow, actor, query, limit=50))
                new = _seen(search.search_cases(uow, actor, query, limit=50))
                if search_kinds.classify(query).tail and sees_names(actor):
                    # a number's end now finds the parties' numbers too
                    assert {o[0]["id"] for o in old} <= {n[0]["id"] for n in new}, query
                else:
                    assert new == old, (actor.username, query)

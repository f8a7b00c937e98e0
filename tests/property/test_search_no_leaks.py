"""Hypothesis: `case search` never shows, and never finds a case by, what the reader's
`case show` does not show (issue 14).

Random cases (their parties' names, phones and ID numbers written into the facts, the minutes and
the agreement too) are searched by random readers (the director, the assigned mediator, another
mediator, the auditor) for random queries: a name, a piece of one, its masked form, a number, a
phrase of the facts. For every hit: the reader may open the case; every string of the hit (the
row and the text where it was found) is in the reader's `case show`; and, unless the reader may
see names and typed a whole phone or ID number (found by keyed hash), every word of the query is
in the reader's `case show` too, so the match itself reveals nothing.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import committee, intake, queries, search, steps
from mediation.access.policy import Actor, sees_names
from mediation.core import identity
from tests.conftest import Room
from tests.property.test_no_leaks import ids, names, phones

party = st.fixed_dictionaries({"name": names, "id_number": ids, "phone": phones})
READERS = ("director", "liming", "zhaomin", "auditor")


def _readers(room: Room) -> dict[str, Actor]:
    with room.uow() as uow:
        try:
            committee.add_staff(uow, room.director, username="sunli", name="孙丽",
                                role="auditor")
            uow.commit()
        except Exception:
            uow.rollback()
    with room.uow(write=False) as uow:
        return {"director": room.director, "liming": room.mediator,
                "zhaomin": committee.resolve_actor(uow, "zhaomin"),
                "auditor": committee.resolve_actor(uow, "sunli")}


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


@settings(max_examples=25)
@given(a=party, b=party, advance=st.integers(0, 3), data=st.data())
def test_search_shows_and_matches_only_what_case_show_shows(
        room: Room, a: dict[str, str], b: dict[str, str], advance: int, data: Any) -> None:
    if a["name"] == b["name"] or a["name"] in b["name"] or b["name"] in a["name"] \
            or a["id_number"] == b["id_number"]:  # one person is never on both sides
        return
    readers = _readers(room)
    record = intake.parse_case({
        "category": "02", "source": "application",
        "summary": f"{a['name']}（{a['phone']}，{a['id_number']}）称{b['name']}家漏水。",
        "requests": f"请求{b['name']}赔偿。",
        "parties": [
            {"role": "applicant", "kind": "person", "name": a["name"],
             "id_number": a["id_number"], "phone": a["phone"]},
            {"role": "respondent", "kind": "person", "name": b["name"],
             "id_number": b["id_number"], "phone": b["phone"]},
        ]})
    cid = room.run(intake.new_case, room.director, record, force=True)["id"]
    if advance >= 1:
        room.run(steps.accept, None, cid)
    if advance >= 2:
        room.run(steps.mediate, None, cid, mediator="liming", rights_notified=True)
        room.run(steps.session, None, cid,
                 minutes=f"{b['name']}（{b['phone']}）同意维修，{a['name']}同意。")
    if advance >= 3:
        room.run(steps.agree, None, cid, terms=f"{b['name']}月底前修复，赔偿{a['name']}。",
                 written=True)
    query = data.draw(st.sampled_from([
        a["name"], b["name"], a["name"][:2], b["name"][-2:], identity.mask_name(a["name"]) or "",
        a["phone"], b["id_number"], a["phone"][:7], "漏水", f"称{b['name']}家", "同意维修",
        "月底前修复", "赔偿", "请求"]))
    who = data.draw(st.sampled_from(READERS))
    reader = readers[who]
    if not query.strip():
        return
    with room.uow(write=False) as uow:
        hits = search.search_cases(uow, reader, query, limit=50)
    for hit in hits:
        with room.uow(write=False) as uow:
            view = queries.case_view(uow, reader, hit.case.id)  # may read it
        shown = "\n".join(_strings(json.loads(view.model_dump_json())))
        found = hit.as_dict()
        number = found.pop("matched_number")  # found by a number: its kind (a code) and its end
        if number is not None:
            assert number["kind"] in ("phone", "id") and len(number["ending"]) == 4
            assert any(s.endswith(number["ending"]) for s in _strings(json.loads(
                view.model_dump_json()))), (who, query, number)  # an end the view shows too
        for s in _strings(found):
            for piece in s.split("…"):
                assert piece in shown, (who, query, piece)
        whole_number = query in (a["phone"], b["phone"], a["id_number"], b["id_number"])
        if not (sees_names(reader) and whole_number):
            for term in search.terms_of(query):
                assert term.lower() in shown.lower(), (who, query, term)

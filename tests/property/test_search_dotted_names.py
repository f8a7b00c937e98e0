"""Hypothesis: a name with a middle dot is found however a clerk types it (issue 14, a clerk's
trial: ``case search 阿依古丽买买提``, ``阿依古丽.买买提``, ``阿依古丽•买买提`` and
``阿依古丽・买买提`` found nothing; only the stored ``·`` form or one half did).

For generated names of two to three parts joined by a dot (stored as the one normal form,
``redaction.normal_name``, as the duplicate check reads them), the director's search by the
name with each dot typed any way (``·``, ``.``, ``．``, ``•``, ``・``, spaces beside it, or
left out, each dot its own way) finds its case, as the party's, the guardian's or the
representative's name; each typing with a dot is the name the duplicate check reads
(``duplicates.name_key``). A reader who may not see names (an auditor) is found no case by
the name in any typing: the masked text holds none of them. On both backends (PostgreSQL
with CI=true).
"""

from __future__ import annotations

from typing import Any

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from mediation import duplicates, intake, search, search_kinds
from mediation.access.policy import Actor
from mediation.core import redaction
from mediation.db import searchindex
from mediation.db.storage import UnitOfWork
from tests.conftest import Room
from tests.property.test_search_oracle import _auditor

PART = "阿依古丽买提艾尔肯热娜吐逊江帕夏木"
DOTS = ["·", ".", "．", "•", "・", "‧", " · ", " . ", "", "　•　"]

parts_of = st.lists(st.text(alphabet=PART, min_size=1, max_size=4), min_size=2, max_size=3)


def _typed(parts: list[str], dots: list[str]) -> str:
    out = parts[0]
    for dot, part in zip(dots, parts[1:], strict=False):
        out += dot + part
    return out


def _found(uow: UnitOfWork, actor: Actor, query: str) -> set[int]:
    return {h.case.id for h in search.search_cases(uow, actor, query, limit=500)}


@settings(max_examples=20, deadline=None,
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(parts=parts_of, where=st.sampled_from(["name", "guardian", "representative"]),
       data=st.data())
def test_every_typing_of_a_dotted_name_finds_its_case(room: Room, parts: list[str], where: str,
                                                      data: Any) -> None:
    stored = "·".join(parts)
    other: dict[str, Any] = {"role": "respondent", "kind": "person", "name": "王五"}
    party: dict[str, Any]
    if where == "name":
        party = {"role": "applicant", "kind": "person", "name": stored}
    elif where == "guardian":
        party = {"role": "applicant", "kind": "person", "name": "张小明",
                 "birth_date": "2014-03-01", "guardian": {"name": stored, "relation": "父亲"}}
    else:
        party = {"role": "applicant", "kind": "organisation", "name": "龙王港物业公司",
                 "representative": {"name": stored, "title": "经理"}}
    record = intake.parse_case({"category": "02", "source": "application",
                                "summary": "楼上漏水致天花板受损。", "requests": "请求赔偿。",
                                "parties": [party, other]})
    cid = int(room.run(intake.new_case, room.director, record, force=True)["id"])
    auditor = _auditor(room)
    seps = len(parts) - 1
    typings = [[dot] * seps for dot in DOTS]
    typings.append(data.draw(st.lists(st.sampled_from(DOTS), min_size=seps, max_size=seps)))
    with UnitOfWork(room.engine, write=False, snapshot=False, clock=room.clock) as uow:
        for typed_dots in typings:
            typed = _typed(parts, typed_dots)
            if all(dot.strip() for dot in typed_dots):
                assert duplicates.name_key(typed) == stored, typed
                assert search_kinds.terms_of(typed) == [stored], typed
            assert cid in _found(uow, room.director, typed), typed
            assert cid not in _found(uow, auditor, typed), typed
    with room.engine.connect() as conn:  # the index is what the case file makes (db check)
        assert searchindex.differences(conn)[1] == []


def test_a_dot_is_read_between_han_characters_only() -> None:
    """A dot elsewhere is the user's (``x.example``, ``3.5``); words stay apart."""
    assert search_kinds.terms_of("a.b 3.5 阿依古丽 . 买买提 借款") == [
        "a.b", "3.5", "阿依古丽·买买提", "借款"]
    assert search_kinds.terms_of("借款 到期未还") == ["借款", "到期未还"]
    assert redaction.undotted_names("张三") == []
    assert redaction.undotted_names("阿依古丽·买买提") == ["阿依古丽买买提"]
    assert redaction.undotted_names("甲·乙·丙") == ["甲乙丙", "甲·乙丙", "甲乙·丙"]

"""Random cases always produce a complete, well-formed case file whose contents list matches the
documents written (issue 16): any number of parties, sessions, agreement versions (written or
oral, through re-mediation) and follow-up visits, declined, terminated or agreed, filed or not,
corrected after filing or not. Word documents only (LibreOffice runs in one integration test)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx import Document
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from mediation import intake, retention, steps
from mediation.cases import FollowUp, MediationSession
from mediation.reporting import documents, printing
from tests.conftest import Room
from tests.property.sides import one_person_per_side

NAMES = st.text(alphabet="赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨", min_size=2, max_size=3)


@dataclass(frozen=True)
class Story:
    parties: list[tuple[str, str]]  # (role, name)
    source: str
    ending: str  # "declined", "terminated", "agreed"
    sessions: int
    versions: list[bool]  # written?
    visits: int
    filed: bool
    corrected: bool


stories = st.builds(
    Story,
    parties=st.tuples(NAMES, NAMES, st.lists(st.tuples(
        st.sampled_from(["applicant", "respondent"]), NAMES), max_size=3)).map(
        lambda t: [("applicant", t[0]), ("respondent", t[1]), *t[2]]).filter(
        lambda ps: one_person_per_side([{"role": r, "name": n} for r, n in ps])),
    source=st.sampled_from(["application", "proactive", "grid"]),
    ending=st.sampled_from(["declined", "terminated", "agreed"]),
    sessions=st.integers(min_value=1, max_value=3),
    versions=st.lists(st.booleans(), min_size=1, max_size=3),
    visits=st.integers(min_value=0, max_value=3),
    filed=st.booleans(),
    corrected=st.booleans(),
)


def play(room: Room, story: Story) -> tuple[str, int]:
    """Run the story; return the case number and how many documents its file must hold."""
    record: dict[str, Any] = {
        "category": "02", "source": story.source, "summary": "楼上漏水致楼下受损。",
        "requests": "请求赔偿维修费。",
        "parties": [{"role": r, "name": n} for r, n in story.parties],
    }
    c = room.run(intake.new_case, None, intake.parse_case(record), force=True)
    n, cid = str(c["number"]), int(c["id"])
    expected = 1 if story.source == "application" else 0
    if story.ending == "declined":
        room.run(steps.decline, None, n, reason="party_refuses", advice="可向法院起诉")
        expected += 1
    else:
        room.run(steps.accept, None, n)
        room.run(steps.mediate, None, n, mediator="liming", rights_notified=True)
        expected += 2  # registration, rights
        for i in range(story.sessions):
            room.run(steps.session, None, n, minutes=f"第{i + 1}次调解")
        expected += story.sessions
        if story.ending == "terminated":
            room.run(steps.terminate, None, n, reason="no_agreement", advice="可向法院起诉")
            expected += 1
        else:
            for i, written in enumerate(story.versions):
                if i:
                    room.run(steps.remediate, None, n, reason="显失公平", consent=True)
                room.run(steps.agree, None, n, terms=f"第{i + 1}版：赔偿", written=written,
                         amount=Decimal(100 * (i + 1)))
                room.run(steps.confirm, None, n)
            expected += len(story.versions)
    if story.visits:
        room.run(steps.follow_up_and_close, None, n, satisfaction="satisfied",
                 performance="full" if story.ending == "agreed" else None)
        with room.uow() as uow:  # more visits (several are allowed; the workflow closes once)
            for i in range(1, story.visits):
                uow.session.add(FollowUp(case_id=cid, visited_at=room.clock(),
                                         visitor="liming", satisfaction="satisfied",
                                         note=f"第{i + 1}次回访"))
            uow.commit()
        expected += story.visits
    return n, expected


def contents_titles(path: Path) -> list[list[str]]:
    table = Document(str(path)).tables[0]
    return [[c.text for c in r.cells] for r in table.rows][1:]


@settings(max_examples=12)  # each example runs a whole case and renders its file: keep it low
@given(story=stories)
@example(story=Story(
    parties=[("applicant", "赵钱"), ("respondent", "孙李"), ("respondent", "周吴")],
    source="application", ending="agreed", sessions=2, versions=[True, False], visits=2,
    filed=True, corrected=True))
def test_every_case_file_is_complete_and_its_contents_match(room: Room, tmp_path_factory: Any,
                                                            story: Story) -> None:
    n, expected = play(room, story)
    if story.filed and story.visits:
        room.run(documents.archive, None, n, retention_days=3650)
        if story.corrected:
            with room.uow() as uow:
                for s in uow.session.exec(select(MediationSession)).all():
                    s.minutes += "（更正）"
                    uow.session.add(s)
                uow.commit()
    out = tmp_path_factory.mktemp("file")
    plan = room.run(documents.case_file, None, n)
    result = printing.write_case_file(plan, out, pdf=False)
    current = [d for d in plan.documents if d.write]
    assert len(current) == expected, (story, [d.title for d in plan.documents])
    # every document is written, and nothing else
    assert {p.name for p in out.iterdir()} == set(result["written"]) | set(result["kept"])
    assert {d.file_name for d in current} <= set(result["written"])
    assert len(set(result["written"])) == len(result["written"])
    # the contents list is the documents, in order, numbered from 1
    rows = contents_titles(out / plan.contents.file_name)
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(plan.documents) + 1)]
    assert [r[1] for r in rows] == [d.title + ("" if d.version == 1 else
                                               f"（更正第{d.version}版）")
                                    for d in plan.documents]
    assert [r[3] for r in rows] == [d.remark for d in plan.documents]
    # every file is a well-formed document under the committee's heading
    for name in result["written"]:
        doc = Document(str(out / name))
        first = next(p.text for p in doc.paragraphs if p.text)
        assert first in ("龙王港社区人民调解委员会", "卷内目录"), (name, first)
    # a corrected filed case lists each filed session as corrected, and its new version
    if story.filed and story.visits and story.corrected and story.ending != "declined":
        corrected = [d for d in plan.documents if d.kind == "session" and d.version == 2]
        assert len(corrected) == story.sessions
        assert sum(1 for d in plan.documents if d.remark.startswith("已更正")) >= story.sessions
    # the parties all appear in the application, each in full (the director prints)
    if story.source == "application":
        app = next(d for d in plan.documents if d.kind == "application")
        names = [c.text for t in Document(str(out / app.file_name)).tables
                 for r in t.rows for c in r.cells]
        for _, name in story.parties:
            assert name in names


def test_retention_and_archive_agree_on_the_period(room: Room) -> None:
    room.run(retention.set_days, None, 730)
    assert documents.retention_text(730) == "2年" and documents.retention_text(400) == "400日"

"""The forms print an organisation's 法定代表人（主要负责人）姓名、职务 in its party's block (issue
14): the application, the registration form and the agreement, revealed and masked (``王某``),
the agreement's signature line through the representative; and, where LibreOffice is installed
(in CI it must be), the whole file as one PDF holding it."""

from __future__ import annotations

import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mediation import intake, steps
from mediation.reporting import documents, printing
from tests.conftest import Room, case_record, make_room
from tests.integration.test_documents import _need_office, add_auditor, print_doc, texts

COMPANY = "长沙市岳麓区桐梓坡物业服务有限公司"


def agreed(room: Room, kind: str = "legal_person") -> str:
    rec: dict[str, Any] = case_record()
    rec["parties"][1] = {"role": "respondent", "kind": kind, "name": COMPANY,
                         "representative": {"name": "王建华", "title": "总经理"}}
    n = str(room.run(intake.new_case, None, intake.parse_case(rec))["number"])
    room.run(steps.accept, None, n)
    room.run(steps.mediate, None, n, mediator="liming", rights_notified=True)
    room.run(steps.session, None, n, minutes="双方陈述。", place="社区调解室")
    room.run(steps.agree, None, n, terms="物业公司赔偿张三维修费500元。", written=True,
             amount=Decimal("500"))
    return n


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("kind,who", [("legal_person", "法定代表人"),
                                      ("organisation", "主要负责人")])
def test_the_forms_print_the_representative(room: Room, tmp_path: Path, kind: str,
                                            who: str) -> None:
    n = agreed(room, kind)
    auditor = add_auditor(room)  # may not see names: a copy masked as 王某
    for form in ("application", "registration", "agreement"):
        path, _ = print_doc(room, room.director, n, form, tmp_path / f"{form}.docx")
        said = "\n".join(texts(path))
        assert f"{who}：王建华（总经理）" in said, (form, said)
        masked, _ = print_doc(room, auditor, n, form, tmp_path / f"{form}-m.docx",
                              masked=True)
        said = "\n".join(texts(masked))
        assert f"{who}：王某（总经理）" in said and "王建华" not in said, (form, said)
    agreement = "\n".join(texts(tmp_path / "agreement.docx"))
    assert f"{COMPANY}（{who}：王建华）" in agreement  # who signs for the company


def test_the_whole_file_as_one_pdf_holds_it(tmp_path: Path) -> None:
    _need_office()
    room = make_room("sqlite:///" + str(tmp_path / "pdf.db"))
    n = agreed(room)
    plan = room.run(documents.case_file, None, n)
    result = printing.write_case_file(plan, tmp_path / "file", pdf=True)
    pdf = tmp_path / "file" / str(result["pdf"])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = "".join(text.split())
    assert "法定代表人：王建华（总经理）" in flat, flat[:2000]

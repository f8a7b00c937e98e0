"""The documents (issue 16): each field of the case where the form puts it, in the revealed and
the masked copy; printing recorded as a reveal; the case file, its contents list, filing and
corrections; files owner-only and never through a link; and, where LibreOffice is installed (in
CI it must be), the whole file as one PDF whose text holds the fields and whose first page is
not blank."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from sqlmodel import col, select

from mediation import committee, intake, retention, steps
from mediation.access.policy import Actor
from mediation.core.errors import InvalidInput, NotFound, PermissionDenied
from mediation.reporting import documents, forms, printing
from mediation.tables import Event
from tests.conftest import Room, case_record, make_room

ID_ZHANG, ID_LI = "430104198003120014", "430104197511200024"
PHONE_ZHANG = "13812345678"
ADDRESS_ZHANG = "湖南省长沙市岳麓区龙王港街道桐梓坡路8栋502"


def full_case(room: Room, *, sessions: int = 2) -> str:
    c = room.run(intake.new_case, None, intake.parse_case(case_record()))
    n = str(c["number"])
    room.run(steps.accept, None, n)
    room.run(steps.mediate, None, n, mediator="liming", co_mediators=["zhaomin"],
             rights_notified=True)
    for i in range(1, sessions + 1):
        room.run(steps.session, None, n, minutes=f"第{i}次：双方陈述。\n李四同意赔偿。",
                 place="社区调解室", attendees="楼长王五")
    room.run(steps.agree, None, n, terms="李四赔偿张三维修费500元，并修复卫生间防水层。",
             written=True, amount=Decimal("500"), due=date(2026, 12, 31))
    room.run(steps.confirm, None, n)
    room.run(steps.follow_up_and_close, None, n, performance="full", satisfaction="satisfied",
             note="已全部履行")
    return n


def texts(path: Path) -> list[str]:
    """Every paragraph of the document, body and table cells alike."""
    doc = Document(str(path))
    out = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for r in t.rows:
            out.extend(c.text for c in r.cells)
    return out


def beside(path: Path, label: str) -> list[str]:
    """The value cells right of each cell reading ``label`` (where the form puts a field)."""
    doc = Document(str(path))
    found = []
    for t in doc.tables:
        for r in t.rows:
            cells = r.cells
            for i, c in enumerate(cells[:-1]):
                if c.text == label:
                    nxt = next((d for d in cells[i + 1:] if d._tc is not c._tc), None)
                    if nxt is not None:
                        found.append(nxt.text)
    return found


def after(path: Path, label: str) -> str:
    """The paragraph after the one reading ``label`` (a labelled free-text field)."""
    paras = [p.text for p in Document(str(path)).paragraphs]
    return paras[paras.index(label) + 1]


def print_doc(room: Room, actor: Actor, n: str, kind: str, out: Path, **kw: Any
              ) -> tuple[Path, bool]:
    with room.uow() as uow:
        doc, revealed, prefix = documents.print_document(uow, actor, n, kind, **kw)
        uow.commit()
    printing.print_to(doc, prefix, out)
    return out, revealed


def add_auditor(room: Room) -> Actor:
    with room.uow() as uow:
        committee.add_staff(uow, room.director, username="shenji", name="审计员",
                            role="auditor")
        uow.commit()
    with room.uow(write=False) as uow:
        return committee.resolve_actor(uow, "shenji")


def test_agreement_revealed_has_every_field_where_the_form_puts_it(room: Room,
                                                                   tmp_path: Path) -> None:
    n = full_case(room)
    path, revealed = print_doc(room, room.director, n, "agreement", tmp_path / "a.docx")
    assert revealed
    paras = [p.text for p in Document(str(path)).paragraphs]
    assert paras[0] == "龙王港社区人民调解委员会" and paras[1] == "人民调解协议书"
    assert f"编号：{n}" in paras
    assert beside(path, "姓名（名称）") == ["张三", "李四"]
    assert beside(path, "证件号码") == [ID_ZHANG, ID_LI]
    assert beside(path, "联系方式")[0] == PHONE_ZHANG
    assert beside(path, "单位或住址")[0] == ADDRESS_ZHANG
    assert beside(path, "性别") == ["男", "女"] and beside(path, "民族") == ["汉族", "汉族"]
    assert beside(path, "年龄")[0].endswith("岁")
    assert "李四家卫生间漏水" in after(path, "纠纷主要事实、争议事项：")
    assert after(path, "经调解，自愿达成如下协议：").startswith("李四赔偿张三维修费500元")
    assert "涉及金额：500.00元（大写：人民币伍佰元整）" in paras
    assert after(path, "履行方式、时限：") == "于2026年12月31日前履行完毕"
    assert "　　本协议一式三份，当事人、人民调解委员会各持一份。" in paras
    assert "人民调解员（签名）：李明、赵敏" in paras
    assert all("脱敏副本" not in p for p in paras)
    assert Document(str(path)).sections[0].header.paragraphs[0].text == ""
    # the dating line in Chinese numerals, the agreement's date
    assert paras[-1].startswith("二〇") and paras[-1].endswith("日")
    # styles name the official fonts, the page is A4
    doc = Document(str(path))
    assert doc.styles["Normal"].font.name == "仿宋"
    assert doc.styles["DocTitle"].font.name == "宋体"
    sec = doc.sections[0]
    assert sec.page_width is not None and sec.page_height is not None
    assert (round(sec.page_width.mm), round(sec.page_height.mm)) == (210, 297)
    # printing is a reveal with the reason `print`
    with room.uow(write=False) as uow:
        ev = uow.session.exec(select(Event).where(Event.action == "reveal")
                              .order_by(col(Event.seq).desc())).first()
    assert ev is not None and ev.reason == "print" and ev.actor == "wangfang"
    assert json.loads(ev.changes)["documents"] == [None, ["agreement-1"]]


def test_masked_copy_for_a_reader_who_may_not_reveal(room: Room, tmp_path: Path) -> None:
    n = full_case(room)
    auditor = add_auditor(room)
    with room.uow(write=False) as uow:
        before = len(uow.session.exec(select(Event.seq)).all())
    path, revealed = print_doc(room, auditor, n, "agreement", tmp_path / "m.docx")
    assert not revealed
    allt = "\n".join(texts(path))
    assert "脱敏副本" in allt
    assert ID_ZHANG not in allt and PHONE_ZHANG not in allt and ADDRESS_ZHANG not in allt
    assert "张三" not in allt and "李四" not in allt  # an auditor sees no names
    assert beside(path, "姓名（名称）") == ["张某", "李某"]
    assert beside(path, "证件号码")[0].startswith("430") and "*" in beside(path, "证件号码")[0]
    assert "人民币伍佰元整" in allt  # the amount is not personal data
    assert "脱敏副本" in Document(str(path)).sections[0].header.paragraphs[0].text  # every page
    with room.uow(write=False) as uow:
        assert len(uow.session.exec(select(Event.seq)).all()) == before  # nothing recorded
    # the director may ask for the masked copy: numbers masked, names kept, no reveal
    path, revealed = print_doc(room, room.director, n, "agreement", tmp_path / "d.docx",
                               masked=True)
    allt = "\n".join(texts(path))
    assert not revealed and "脱敏副本" in allt and ID_ZHANG not in allt and "张三" in allt


def test_a_mediator_prints_in_full_only_their_own_cases(room: Room, tmp_path: Path) -> None:
    n = full_case(room)
    _, revealed = print_doc(room, room.mediator, n, "session", tmp_path / "s.docx")
    assert revealed  # liming is the lead mediator
    with room.uow(write=False) as uow:
        other = committee.resolve_actor(uow, "zhaomin")
    c = room.run(intake.new_case, room.director,
                 intake.parse_case(case_record(summary="另一起纠纷")), force=True)
    room.run(steps.accept, None, c["number"])
    room.run(steps.mediate, None, c["number"], mediator="liming", rights_notified=True)
    with pytest.raises(PermissionDenied):  # not assigned, not in intake: may not even read
        print_doc(room, other, c["number"], "registration", tmp_path / "x.docx")


def test_each_document_holds_its_fields(room: Room, tmp_path: Path) -> None:
    n = full_case(room)
    p, _ = print_doc(room, room.director, n, "session", tmp_path / "s.docx", version=1)
    assert beside(p, "地点") == ["社区调解室"] and beside(p, "参加人") == ["楼长王五"]
    assert beside(p, "当事人") == ["张三、李四"]
    assert after(p, "记录：").startswith("第1次：双方陈述。")
    assert after(p, "调解结果：") == "继续调解"
    p, _ = print_doc(room, room.director, n, "session", tmp_path / "s2.docx")
    assert after(p, "记录：").startswith("第2次") and after(p, "调解结果：") == "达成调解协议"
    p, _ = print_doc(room, room.director, n, "visit", tmp_path / "v.docx")
    assert beside(p, "调解协议编号") == [n]
    assert beside(p, "回访事由") == ["张三与李四邻里纠纷"]
    assert "协议履行情况：全部履行" in beside(p, "回访情况")[0]
    p, _ = print_doc(room, room.director, n, "registration", tmp_path / "r.docx")
    assert beside(p, "纠纷类型") == ["邻里纠纷"] and beside(p, "案件来源") == ["当事人申请"]
    assert beside(p, "涉及金额") == ["500.00元（人民币伍佰元整）"]
    p, _ = print_doc(room, room.director, n, "application", tmp_path / "ap.docx")
    assert "请求李四赔偿维修费用500元" in after(p, "当事人申请事项：")
    p, _ = print_doc(room, room.director, n, "rights", tmp_path / "ri.docx")
    assert "当事人：张三、李四" in texts(p)
    p, _ = print_doc(room, room.director, n, "oral_application", tmp_path / "oa.docx")
    assert beside(p, "姓名（名称）") == ["张三", "李四"]
    assert "登记人（签名）：王芳" in texts(p)
    p, _ = print_doc(room, room.director, n, "investigation", tmp_path / "inv.docx")
    assert beside(p, "事由") == ["张三与李四邻里纠纷"]
    p, _ = print_doc(room, room.director, n, "cover", tmp_path / "cover.docx")
    assert beside(p, "卷号") == [n]
    with room.uow(write=False) as uow:
        ev = uow.session.exec(select(Event).where(Event.action == "reveal")
                              .order_by(col(Event.seq).desc())).first()
    assert ev is not None and json.loads(ev.changes)["documents"] == [None, ["cover"]]
    with pytest.raises(NotFound):
        print_doc(room, room.director, n, "termination", tmp_path / "t.docx")
    with pytest.raises(NotFound):
        print_doc(room, room.director, n, "session", tmp_path / "t.docx", version=9)
    with pytest.raises(InvalidInput):
        print_doc(room, room.director, n, "minutes", tmp_path / "t.docx")


def test_decline_and_termination_notices_carry_the_advice(room: Room, tmp_path: Path) -> None:
    c = room.run(intake.new_case, None, intake.parse_case(case_record()))
    room.run(steps.decline, None, c["id"], reason="already_in_court",
             advice="请向岳麓区人民法院了解案件进展")
    p, _ = print_doc(room, room.director, c["number"], "decline", tmp_path / "d.docx")
    body = "\n".join(texts(p))
    assert "法院已受理或判决" in body and "建议：请向岳麓区人民法院了解案件进展" in body
    c = room.run(intake.new_case, None, intake.parse_case(case_record()), force=True)
    room.run(steps.accept, None, c["id"])
    room.run(steps.mediate, None, c["id"], mediator="liming", rights_notified=True)
    room.run(steps.terminate, None, c["id"], reason="no_agreement", advice="可向人民法院起诉")
    p, _ = print_doc(room, room.director, c["number"], "termination", tmp_path / "t.docx")
    body = "\n".join(texts(p))
    assert "因未达成协议" in body and "可向人民法院起诉" in body


def _contents_rows(path: Path) -> list[list[str]]:
    t = Document(str(path)).tables[0]
    return [[c.text for c in r.cells] for r in t.rows][1:]


def test_case_file_writes_every_document_owner_only(room: Room, tmp_path: Path) -> None:
    n = full_case(room)
    with room.uow() as uow:
        plan = documents.case_file(uow, room.director, n)
        uow.commit()
    out = tmp_path / "file"
    result = printing.write_case_file(plan, out, pdf=False)
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(result["written"])
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in out.iterdir())
    titles = [d["title"] for d in result["contents"]]
    assert titles == ["人民调解申请书", "人民调解受理登记表", "人民调解当事人权利义务告知书",
                      "人民调解记录（第1次）", "人民调解记录（第2次）", "人民调解协议书（第1版）",
                      "人民调解回访记录（第1次）"]
    rows = _contents_rows(out / "00-卷内目录.docx")
    assert [r[1] for r in rows] == titles and [r[0] for r in rows] == ["1", "2", "3", "4", "5",
                                                                      "6", "7"]
    cover = out / "00-卷宗封面.docx"
    assert beside(cover, "卷号") == [n] and beside(cover, "卷名") == ["张三与李四邻里纠纷"]
    assert beside(cover, "人民调解员") == ["李明、赵敏"]
    assert beside(cover, "备注") == ["尚未归档"]
    with room.uow(write=False) as uow:
        ev = uow.session.exec(select(Event).where(Event.action == "reveal")
                              .order_by(col(Event.seq).desc())).first()
    assert ev is not None and ev.reason == "print"
    assert json.loads(ev.changes)["documents"][1] == [
        "cover", "contents", "application", "registration", "rights", "session-1", "session-2",
        "agreement-1", "visit-1"]


def test_outputs_are_never_written_through_a_link(room: Room, tmp_path: Path) -> None:
    n = full_case(room, sessions=1)
    target = tmp_path / "target.docx"
    target.write_bytes(b"precious")
    link = tmp_path / "link.docx"
    link.symlink_to(target)
    with room.uow() as uow:
        doc, _, prefix = documents.print_document(uow, room.director, n, "agreement")
    with pytest.raises(InvalidInput):
        printing.print_to(doc, prefix, link)
    assert target.read_bytes() == b"precious"
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "dirlink").symlink_to(real)
    with room.uow() as uow:
        plan = documents.case_file(uow, room.director, n)
    with pytest.raises(InvalidInput):
        printing.write_case_file(plan, tmp_path / "dirlink", pdf=False)
    assert list(real.iterdir()) == []


def test_filing_freezes_the_file_and_a_correction_is_a_new_version(room: Room,
                                                                   tmp_path: Path) -> None:
    n = full_case(room, sessions=1)
    with pytest.raises(InvalidInput):  # no retention period set, none given
        room.run(documents.archive, None, n)
    room.run(retention.set_days, None, 3650)
    filed = room.run(documents.archive, None, n)
    assert filed["retention"] == "10年" and len(filed["documents"]) == 6
    with pytest.raises(InvalidInput):
        room.run(documents.archive, None, n)
    out = tmp_path / "file"
    plan = room.run(documents.case_file, None, n)
    printing.write_case_file(plan, out, pdf=False)
    cover = out / "00-卷宗封面.docx"
    assert beside(cover, "保管期限") == ["10年"] and beside(cover, "立卷人") == ["王芳"]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # unchanged: nothing new, nothing overwritten
    again = printing.write_case_file(room.run(documents.case_file, None, n), out, pdf=False)
    assert again["written"] == [] and {p.name: p.read_bytes() for p in out.iterdir()} == before
    # a correction after filing (retention anonymises the parties): new versions, listed
    room.clock.advance(days=3651)
    room.run(retention.apply, None)
    plan = room.run(documents.case_file, None, n)
    result = printing.write_case_file(plan, out, pdf=False)
    for name, data in before.items():
        assert (out / name).read_bytes() == data  # never overwritten
    assert result["written"] and all("更正2" in w or "第2稿" in w for w in result["written"])
    remarks = {d["file"]: d["remark"] for d in result["contents"]}
    assert remarks["05-人民调解协议书（第1版）.docx"] == "已更正，见第2版"
    new_agreement = next(w for w in result["written"] if "协议书" in w)
    assert beside(out / new_agreement, "姓名（名称）") == ["张某", "李某"]
    rows = _contents_rows(out / "00-卷内目录-第2稿.docx")
    assert [r[1] for r in rows] == [d["title"] + ("" if d["version"] == 1 else
                                                  f"（更正第{d['version']}版）")
                                    for d in result["contents"]]
    with room.uow(write=False) as uow:
        versions = uow.session.exec(select(Event).where(Event.action == "document_version")
                                    ).all()
    assert len(versions) == len([d for d in result["contents"] if d["version"] > 1])
    # and the next run finds the corrected versions filed: nothing more
    third = printing.write_case_file(room.run(documents.case_file, None, n), out, pdf=False)
    assert third["written"] == []


def test_a_committee_template_overrides_the_built_in(room: Room, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIATION_TEMPLATES", str(tmp_path / "tpl"))
    n = full_case(room, sessions=1)
    exported = printing.export_templates("龙", None, ["agreement"])
    own = tmp_path / "tpl" / "龙" / "agreement.docx"
    assert exported["written"] == [str(own)] and stat.S_IMODE(own.stat().st_mode) == 0o600
    doc = Document(str(own))
    doc.paragraphs[1].text = "调解协议书（本会格式）"
    doc.save(str(own))
    assert printing.export_templates("龙", None, ["agreement"])["kept"] == [str(own)]
    listed = {r["name"]: r["source"] for r in printing.list_templates("龙")}
    assert listed["agreement.docx"] == "committee" and listed["visit.docx"] == "built-in"
    p, _ = print_doc(room, room.director, n, "agreement", tmp_path / "a.docx")
    assert Document(str(p)).paragraphs[1].text == "调解协议书（本会格式）"


def test_without_libreoffice_the_docx_files_and_a_note(cli: Callable[..., Any], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(printing, "soffice", lambda: None)
    assert cli("demo", "--fresh").code == 0
    r = cli("case", "file", "1", "--out", str(tmp_path / "f"), "--json")
    assert r.code == 0, r.err
    result = json.loads(r.out)
    assert result["pdf"] is None and "apt-get install libreoffice-writer-nogui" in result["note"]
    assert "libreoffice-writer-nogui" in r.err  # said on standard error too
    assert len(result["written"]) == len(list((tmp_path / "f").iterdir())) > 2
    r = cli("--lang", "zh", "case", "file", "1", "--out", str(tmp_path / "g"))
    assert r.code == 0 and "未找到 LibreOffice" in r.err


def test_a_broken_committee_template_is_one_clear_error(cli: Callable[..., Any], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIATION_TEMPLATES", str(tmp_path / "tpl"))
    assert cli("demo", "--fresh").code == 0
    own = tmp_path / "tpl" / "龙" / "agreement.docx"
    own.parent.mkdir(parents=True)
    own.write_bytes(b"not a Word document")
    r = cli("case", "print", "agreement", "1", "--out", str(tmp_path / "a.docx"))
    assert r.code == 1 and "cannot be used" in r.err and str(own) in r.err, r.err
    assert "Traceback" not in r.err and not (tmp_path / "a.docx").exists()
    doc = Document()
    doc.add_paragraph("{{ committee }} {% if %}")
    doc.save(str(own))
    r = cli("case", "file", "1", "--out", str(tmp_path / "f"), "--no-pdf")
    assert r.code == 1 and "cannot be used" in r.err, r.err
    assert not (tmp_path / "f").exists()  # nothing written


def test_the_committed_templates_are_what_the_script_generates() -> None:
    """data/templates/ is what tools/templates.py writes, compared by content (the package's
    XML parts), not by the zip's bytes."""
    root = Path(__file__).resolve().parents[2]
    r = subprocess.run([sys.executable, str(root / "tools" / "templates.py"), "--check"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


# ---------------------------------------------------------------------------------------------
# Through the command line


def test_cli_print_file_archive_and_templates(cli: Callable[..., Any], tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEDIATION_TEMPLATES", str(tmp_path / "tpl"))
    assert cli("demo", "--fresh").code == 0
    out = tmp_path / "a.docx"
    r = cli("case", "print", "agreement", "1", "--out", str(out), "--json")
    assert r.code == 0, r.err
    assert json.loads(r.out)["revealed"] is True and out.is_file()
    r = cli("case", "print", "agreement", "1", "--out", str(tmp_path / "a.txt"))
    assert r.code == 2 and "docx" in r.err
    r = cli("case", "print", "nonsense", "1", "--out", str(out))
    assert r.code == 2 and "not a document" in r.err  # not one of a fixed list: usage
    r = cli("--lang", "zh", "case", "print", "nonsense", "1", "--out", str(out))
    assert r.code == 2 and "不是文书" in r.err and "人民调解协议书" in r.err \
        and "agreement" not in r.err
    # a document by its name, or a part of exactly one name, as a clerk types it
    for typed in ("人民调解协议书", "调解协议书", "协议书", "ａｇｒｅｅｍｅｎｔ"):
        r = cli("--lang", "zh", "case", "print", typed, "1", "--out", str(out), "--force")
        assert r.code == 0, (typed, r.err)
    r = cli("--lang", "zh", "case", "print", "协议书", "1", "--out", str(out))
    assert r.code == 1 and "已存在；如要覆盖请加 --force" in r.err  # never replaced silently
    r = cli("--lang", "zh", "case", "print", "书", "1", "--out", str(out))  # in every name
    assert r.code == 2 and "不是文书" in r.err
    r = cli("case", "file", "1", "--out", str(tmp_path / "f"), "--no-pdf", "--json")
    assert r.code == 0, r.err
    listed = json.loads(r.out)
    assert set(listed["written"]) == {p.name for p in (tmp_path / "f").iterdir()}
    r = cli("case", "archive", "1", "--retention-days", "3650", "--json")
    assert r.code == 0 and json.loads(r.out)["retention"] == "10年"
    r = cli("templates", "list", "--json")
    assert r.code == 0 and len(json.loads(r.out)["templates"]) == len(forms.KINDS)
    r = cli("templates", "export", "agreement", "--json")
    assert r.code == 0 and json.loads(r.out)["written"]


# ---------------------------------------------------------------------------------------------
# In a real office suite: LibreOffice headless, poppler


def _need_office() -> None:
    missing = [t for t in ("soffice", "pdftotext", "pdftoppm") if shutil.which(t) is None]
    if missing:
        why = f"needs {', '.join(missing)} (Debian: libreoffice-writer-nogui poppler-utils)"
        if os.environ.get("CI") == "true":
            pytest.fail(why + "; .ci/run installs them")
        pytest.skip(why)


def test_the_whole_file_as_one_pdf(tmp_path: Path) -> None:
    """One backend only: the conversion does not depend on it, and LibreOffice is slow."""
    _need_office()
    room = make_room("sqlite:///" + str(tmp_path / "pdf.db"))
    n = full_case(room, sessions=2)
    plan = room.run(documents.case_file, None, n)
    result = printing.write_case_file(plan, tmp_path / "file", pdf=True)
    assert result["pdf"] == "卷宗.pdf" and result["note"] is None
    pdf = tmp_path / "file" / "卷宗.pdf"
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = "".join(text.split())
    for field in ("龙王港社区人民调解委员会", "调解卷宗", "卷内目录", "人民调解协议书", n, "张三",
                  "李四", ID_ZHANG, PHONE_ZHANG, "人民币伍佰元整", "500.00元",
                  "李四赔偿张三维修费500元", "人民调解回访记录", "社区调解室", "李明、赵敏"):
        assert "".join(field.split()) in flat, field
    assert "二〇" in flat  # a dating line in Chinese numerals
    # the contents list carries the page numbers the conversion found
    contents = _contents_rows(tmp_path / "file" / "00-卷内目录.docx")
    assert contents[0][2] == "1" and all(r[2] for r in contents)
    # the first page is not blank
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "30", "-gray", str(pdf),
                    str(tmp_path / "page")], check=True, capture_output=True)
    pgm = next(tmp_path.glob("page*.pgm")).read_bytes()
    pixels = _pgm_pixels(pgm)
    dark = sum(1 for v in pixels if v < 128)
    assert dark > 200, dark


def _pgm_pixels(data: bytes) -> bytes:
    """The pixel bytes of a binary PGM (P5) image."""
    fields: list[bytes] = []
    i = 0
    while len(fields) < 4:
        while data[i:i + 1].isspace():
            i += 1
        j = i
        while not data[j:j + 1].isspace():
            j += 1
        fields.append(data[i:j])
        i = j
    assert fields[0] == b"P5"
    return data[i + 1:]


def guardian_case(room: Room) -> str:
    """A case whose respondents are a minor and an adult without full civil capacity, each
    with a guardian (法定代理人), taken to a written agreement."""
    parties = [
        case_record()["parties"][0],
        {"role": "respondent", "kind": "person", "name": "周小宝", "sex": "male",
         "birth_date": "2015-03-01", "guardian": {"name": "周建国", "relation": "parent"}},
        {"role": "respondent", "kind": "person", "name": "周大勇", "sex": "male",
         "birth_date": "1970-05-01", "guardian": {"name": "王芳", "relation": "spouse"}},
    ]
    c = room.run(intake.new_case, None, intake.parse_case(case_record(
        parties=parties, summary="周大勇不履行赡养义务", requests="孙子由其监护每月支付赡养费")))
    n = str(c["number"])
    room.run(steps.accept, None, n)
    room.run(steps.mediate, None, n, mediator="liming", rights_notified=True)
    room.run(steps.session, None, n, minutes="双方陈述。", place="社区调解室")
    room.run(steps.agree, None, n, terms="每月支付赡养费500元。", written=True,
             amount=Decimal("500"))
    return n


def test_a_party_with_a_guardian_signs_through_the_guardian(room: Room, tmp_path: Path) -> None:
    n = guardian_case(room)
    path, revealed = print_doc(room, room.director, n, "agreement", tmp_path / "g.docx")
    assert revealed
    allt = "\n".join(texts(path))
    assert "周小宝（法定代理人：周建国）" in allt and "周大勇（法定代理人：王芳）" in allt
    assert "张三、周小宝（法定代理人：周建国）、周大勇（法定代理人：王芳）" in allt
    assert any("法定代理人：周建国" in t for t in texts(path))  # the party block too
    facts = after(path, "纠纷主要事实、争议事项：")
    assert facts == "周大勇不履行赡养义务。当事人请求：孙子由其监护每月支付赡养费"
    # masked: the guardian masked like the party, on the signature line and in the block
    auditor = add_auditor(room)
    path, _ = print_doc(room, auditor, n, "agreement", tmp_path / "gm.docx")
    allt = "\n".join(texts(path))
    assert "周建国" not in allt and "王芳" not in allt and "周小宝" not in allt
    assert "周某（法定代理人：周某）" in allt and "（法定代理人：王某）" in allt


@pytest.mark.parametrize("masked", [False, True])
def test_every_document_listing_parties_shows_the_guardian(room: Room, masked: bool) -> None:
    """Every document of the case carries the guardian in each party's block and signs a
    party through the guardian: the one function building the block (forms.common); an
    auditor's copy masks the guardian like the party."""
    n = guardian_case(room)
    actor = add_auditor(room) if masked else room.director
    with room.uow(write=False) as uow:
        reader = documents._read(uow, actor, n, masked=masked)
    planned = forms.documents_of(reader) + [forms.on_demand(reader, k) for k in forms.ON_DEMAND]
    assert {p.kind for p in planned} >= {"application", "agreement", "oral_application"}
    guardian = "周某" if masked else "周建国"
    for p in planned:
        blocks = [b["guardian"] for b in p.context["parties"]]
        assert f"法定代理人：{guardian}（" in blocks[1], p.kind
        assert blocks[0] == "", p.kind
        assert f"（法定代理人：{guardian}）" in p.context["signers"], p.kind
        assert "周建国" not in str(p.context) or not masked, p.kind

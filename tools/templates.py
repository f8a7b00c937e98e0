"""Generate the document templates (data/templates/*.docx) with python-docx.

    python tools/templates.py            write every template into data/templates/
    python tools/templates.py --check    exit 1 when a committed template differs from what
                                         this script generates (compared by content: the XML
                                         parts of the package, not the zip's bytes)
    python tools/templates.py --out DIR  write them elsewhere

The templates follow the Ministry of Justice's 2010 formats for people's mediation documents
(司法部《人民调解文书格式》, 2010): A4, the committee's name as the heading above the form's
title, body text in 仿宋, titles in 宋体 (named in the styles, so WPS and Word use those fonts
where they are installed). The fields are docxtpl (Jinja) tags; docs/documents.md lists them.
A committee overrides a template by putting its own file of the same name in its template
folder.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "data" / "templates"

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
MASK_NOTE = "脱敏副本：当事人的个人信息已遮蔽，不作正式文书使用，不得交当事人签署。"


# ---------------------------------------------------------------------------------------------
# Page and styles


def _fonts(rpr_owner: object, font: str) -> None:
    """Name ``font`` for Latin and East Asian text alike (python-docx sets only the Latin)."""
    element = rpr_owner.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def new_document() -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(25)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    # a masked copy says so at the top of every page, not only the first
    header = section.header.paragraphs[0]
    header.text = "{% if masked %}" + MASK_NOTE + "{% endif %}"
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(12)  # 小四
    _fonts(normal, BODY_FONT)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.15

    def add(name: str, font: str, size: float, *, bold: bool = False,
            align: WD_ALIGN_PARAGRAPH | None = None, after: float = 4) -> None:
        style = styles.add_style(name, 1)  # paragraph style
        style.base_style = normal
        style.font.name = font
        style.font.size = Pt(size)
        style.font.bold = bold
        _fonts(style, font)
        if align is not None:
            style.paragraph_format.alignment = align
        style.paragraph_format.space_after = Pt(after)

    add("Committee", TITLE_FONT, 16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=2)
    add("DocTitle", TITLE_FONT, 20, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    add("DocNumber", BODY_FONT, 12, align=WD_ALIGN_PARAGRAPH.RIGHT)
    add("MaskNote", TITLE_FONT, 12, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add("Label", BODY_FONT, 10.5, bold=True, after=0)  # 五号
    add("Cell", BODY_FONT, 10.5, after=0)
    add("Signature", BODY_FONT, 12, align=WD_ALIGN_PARAGRAPH.RIGHT, after=0)
    # the signature block and its date stay together on one page
    styles["Signature"].paragraph_format.keep_with_next = True
    add("Note", BODY_FONT, 10.5, after=0)
    return doc


def para(doc: DocxDocument | _Cell, text: str, style: str | None = None) -> Paragraph:
    return doc.add_paragraph(text, style=style)


def heading(doc: DocxDocument, title: str, *, number: str | None = None) -> None:
    """The committee's name, the form's title, the masked-copy note, the document's number."""
    para(doc, "{{ committee }}", "Committee")
    para(doc, title, "DocTitle")
    mask_note(doc)
    if number:
        para(doc, number, "DocNumber")


def mask_note(doc: DocxDocument) -> None:
    para(doc, "{%p if masked %}")
    para(doc, MASK_NOTE, "MaskNote")
    para(doc, "{%p endif %}")


def table(doc: DocxDocument, cols: int, widths: list[float]) -> Table:
    t: Table = doc.add_table(rows=0, cols=cols)
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for col, width in zip(t.columns, widths, strict=True):
        col.width = Mm(width)
    return t


def cell(c: _Cell, text: str, style: str = "Cell") -> None:
    c.paragraphs[0].text = text
    c.paragraphs[0].style = c.part.document.styles[style]  # type: ignore[attr-defined]


def row(t: Table, *texts: str, labels: tuple[int, ...] = (), span: tuple[int, int] | None = None
        ) -> None:
    """A row of ``texts``; the cells at ``labels`` are labels; ``span`` merges cells a..b
    (the last text goes into the merged cell)."""
    r = t.add_row()  # type: ignore[no-untyped-call]
    widths = [c.width for c in t.columns]
    for c, w in zip(r.cells, widths, strict=True):
        c.width = w
    cells = list(r.cells)
    if span is not None:
        a, b = span
        cells[a].merge(cells[b])
        cells = cells[: a + 1] + cells[b + 1:]
    for i, (c, text) in enumerate(zip(cells, texts, strict=False)):
        cell(c, text, "Label" if i in labels else "Cell")


def tag_row(t: Table, tag: str) -> None:
    """A row holding only a docxtpl row tag (``{%tr for ... %}``), removed when rendered."""
    r = t.add_row()  # type: ignore[no-untyped-call]
    cell(r.cells[0], tag)


PARTY_WIDTHS = [29.0, 37.0, 26.0, 36.0, 14.0, 14.0]


def parties_table(doc: DocxDocument) -> None:
    """Each party: its role and agent (a guardian; an organisation's 法定代表人 or 主要负责人 and
    title), then name, sex, ethnicity, age, ID, phone, address."""
    t = table(doc, 6, PARTY_WIDTHS)
    tag_row(t, "{%tr for p in parties %}")
    row(t, "{{ p.role }}{% if p.guardian %}　{{ p.guardian }}{% endif %}"
        "{% if p.representative %}　{{ p.representative }}{% endif %}", labels=(0,),
        span=(0, 5))
    row(t, "姓名（名称）", "{{ p.name }}", "性别", "{{ p.sex }}", "民族", "{{ p.ethnicity }}",
        labels=(0, 2, 4))
    row(t, "年龄", "{{ p.age }}", "证件号码", "{{ p.id_number }}", labels=(0, 2),
        span=(3, 5))
    row(t, "联系方式", "{{ p.phone }}", "单位或住址", "{{ p.address }}", labels=(0, 2),
        span=(3, 5))
    tag_row(t, "{%tr endfor %}")


def field(doc: DocxDocument, label: str, value: str) -> None:
    """A labelled free-text field: the label on its own line, the text beneath it."""
    p = para(doc, "")
    run = p.add_run(label)
    run.bold = True
    para(doc, value)


def signatures(doc: DocxDocument, lines: list[str], date: str = "{{ date_upper }}") -> None:
    para(doc, "")
    for line in lines:
        para(doc, line, "Signature")
    para(doc, date, "Signature")


# ---------------------------------------------------------------------------------------------
# The documents


def application() -> DocxDocument:
    doc = new_document()
    heading(doc, "人民调解申请书", number="案号：{{ number }}")
    parties_table(doc)
    field(doc, "纠纷简要情况陈述：", "{{ summary }}")
    field(doc, "当事人申请事项：", "{{ requests }}")
    para(doc, "　　{{ committee }}已将申请人民调解的相关规定告知我，现自愿申请{{ committee }}"
              "进行调解。")
    signatures(doc, ["申请人（签名盖章或按指印）：{{ applicant_signers }}"])
    return doc


def oral_application() -> DocxDocument:
    doc = new_document()
    heading(doc, "人民调解口头申请登记表", number="案号：{{ number }}")
    parties_table(doc)
    field(doc, "纠纷简要情况：", "{{ summary }}")
    field(doc, "当事人申请事项：", "{{ requests }}")
    para(doc, "　　申请人口头申请人民调解，以上内容由登记人记录，已向申请人宣读，申请人确认无误。")
    signatures(doc, ["申请人（签名或按指印）：", "登记人（签名）：{{ registrar }}"])
    return doc


def registration() -> DocxDocument:
    doc = new_document()
    heading(doc, "人民调解受理登记表", number="案号：{{ number }}")
    para(doc, "　　{{ accepted_plain }}，本人民调解委员会经当事人同意，调解{{ applicants }}与"
              "{{ respondents }}之间的纠纷。")
    parties_table(doc)  # each party: 名称、住所、法定代表人（主要负责人）姓名、职务 too
    t = table(doc, 2, [36.0, 120.0])
    row(t, "纠纷类型", "{{ category }}", labels=(0,))
    row(t, "案件来源", "{{ source }}{% if referral_ref %}（{{ referral_ref }}）{% endif %}",
        labels=(0,))
    row(t, "登记日期", "{{ registered_plain }}", labels=(0,))
    row(t, "涉及人数", "{{ persons_involved }}", labels=(0,))
    row(t, "涉及金额", "{{ amount_text }}", labels=(0,))
    row(t, "纠纷简要情况", "{{ summary }}", labels=(0,))
    row(t, "当事人申请事项", "{{ requests }}", labels=(0,))
    signatures(doc, ["当事人（签名）：", "登记人（签名）：{{ registrar }}",
                     "人民调解委员会（印章）"], "{{ accepted_upper }}")
    para(doc, "备注：此表由人民调解委员会填写。", "Note")
    return doc


RIGHTS_TEXT = [
    "　　根据《中华人民共和国人民调解法》，现将人民调解委员会的性质、调解原则和法律效"
    "力，以及当事人在调解活动中享有的权利和应当履行的义务告知如下：",
    "　　一、人民调解委员会是依法设立的调解民间纠纷的群众性组织。人民调解委员会调解民"
    "间纠纷，不收取任何费用。",
    "　　二、人民调解委员会在当事人自愿、平等的基础上，不违背法律、法规和国家政策，尊"
    "重当事人的权利，进行调解。",
    "　　三、当事人在人民调解活动中享有下列权利：（一）选择或者接受人民调解员；（二）"
    "接受调解、拒绝调解或者要求终止调解；（三）要求调解公开进行或者不公开进行；（四）"
    "自主表达意愿、自愿达成调解协议。",
    "　　四、当事人在人民调解活动中履行下列义务：（一）如实陈述纠纷事实；（二）遵守调"
    "解现场秩序，尊重人民调解员；（三）尊重对方当事人行使权利。",
    "　　五、经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履"
    "行。双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同向人民法院申请司"
    "法确认。",
    "　　当事人对人民调解员有回避请求的，可以向人民调解委员会提出。",
]


def rights() -> DocxDocument:
    doc = new_document()
    heading(doc, "人民调解当事人权利义务告知书", number="案号：{{ number }}")
    para(doc, "当事人：{{ all_parties }}")
    for text in RIGHTS_TEXT:
        para(doc, text)
    para(doc, "　　以上内容我已知悉。")
    signatures(doc, ["当事人（签名）：", "告知人（人民调解员）：{{ mediators }}"])
    return doc


def investigation() -> DocxDocument:
    doc = new_document()
    heading(doc, "人民调解调查记录", number="案号：{{ number }}")
    t = table(doc, 4, [26.0, 52.0, 26.0, 52.0])
    row(t, "时间", "", "地点", "", labels=(0, 2))
    row(t, "参加人", "", labels=(0,), span=(1, 3))
    row(t, "被调查人", "", labels=(0,), span=(1, 3))
    row(t, "事由", "{{ title }}", labels=(0,), span=(1, 3))
    field(doc, "记录：", "")
    for _ in range(12):
        para(doc, "")
    signatures(doc, ["被调查人（签名）：", "调查人（签名）：", "记录人（签名）："],
               "年　　月　　日")
    return doc


def session() -> DocxDocument:
    doc = new_document()
    heading(doc, "人民调解记录", number="案号：{{ number }}　第{{ no }}次调解")
    t = table(doc, 4, [26.0, 52.0, 26.0, 52.0])
    row(t, "时间", "{{ held }}", "地点", "{{ place }}", labels=(0, 2))
    row(t, "事由", "{{ title }}", labels=(0,), span=(1, 3))
    row(t, "当事人", "{{ all_parties }}", labels=(0,), span=(1, 3))
    row(t, "参加人", "{{ attendees }}", labels=(0,), span=(1, 3))
    row(t, "人民调解员", "{{ mediators }}", labels=(0,), span=(1, 3))
    field(doc, "记录：", "{{ minutes }}")
    field(doc, "调解结果：", "{{ result }}")
    signatures(doc, ["当事人（签名）：", "人民调解员（签名）：{{ mediators }}",
                     "记录人（签名）：{{ recorder }}"])
    return doc


def agreement() -> DocxDocument:
    doc = new_document()
    heading(doc, "人民调解协议书", number="编号：{{ agreement_number }}")
    parties_table(doc)
    field(doc, "纠纷主要事实、争议事项：", "{{ facts }}")
    field(doc, "经调解，自愿达成如下协议：", "{{ terms }}")
    para(doc, "{%p if amount_figures %}")
    para(doc, "涉及金额：{{ amount_figures }}（大写：{{ amount_capital }}）")
    para(doc, "{%p endif %}")
    field(doc, "履行方式、时限：", "{{ performance_terms }}")
    para(doc, "　　本协议一式{{ copies }}份，当事人、人民调解委员会各持一份。")
    signatures(doc, ["当事人（签名盖章或按指印）：{{ signers }}",
                     "人民调解员（签名）：{{ mediators }}", "记录人（签名）：",
                     "（人民调解委员会印）"])
    return doc


def oral() -> DocxDocument:
    doc = new_document()
    heading(doc, "人民调解口头协议登记表", number="编号：{{ agreement_number }}")
    parties_table(doc)
    t = table(doc, 2, [36.0, 120.0])
    row(t, "纠纷简要情况", "{{ summary }}", labels=(0,))
    row(t, "口头协议内容", "{{ terms }}{% if amount_figures %}\n涉及金额：{{ amount_figures }}"
        "（大写：{{ amount_capital }}）{% endif %}", labels=(0,))
    row(t, "履行方式、时限", "{{ performance_terms }}", labels=(0,))
    row(t, "履行情况", "{{ performance }}", labels=(0,))
    signatures(doc, ["人民调解员（签名）：{{ mediators }}", "登记人（签名）：{{ registrar }}"])
    return doc


def visit() -> DocxDocument:
    doc = new_document()
    heading(doc, "人民调解回访记录", number="案号：{{ number }}　第{{ no }}次回访")
    t = table(doc, 2, [36.0, 120.0])
    row(t, "当事人", "{{ all_parties }}", labels=(0,))
    row(t, "调解协议编号", "{{ agreement_number }}", labels=(0,))
    row(t, "回访事由", "{{ title }}", labels=(0,))
    row(t, "回访时间", "{{ visited }}", labels=(0,))
    row(t, "回访情况", "协议履行情况：{{ performance }}\n当事人满意程度：{{ satisfaction }}\n"
        "是否起诉：{{ lawsuit }}{% if note %}\n{{ note }}{% endif %}", labels=(0,))
    signatures(doc, ["回访人（签名）：{{ visitor }}"])
    return doc


def decline() -> DocxDocument:
    doc = new_document()
    heading(doc, "人民调解不予受理告知书", number="案号：{{ number }}")
    para(doc, "{{ applicants }}：")
    para(doc, "　　你（们）与{{ respondents }}之间的{{ dispute }}，因{{ reason }}，依照"
              "《中华人民共和国人民调解法》第十七条等规定，本委员会不予受理。")
    para(doc, "　　建议：{{ advice }}")
    signatures(doc, ["{{ committee }}（印章）"])
    return doc


def termination() -> DocxDocument:
    doc = new_document()
    heading(doc, "人民调解终止调解告知书", number="案号：{{ number }}")
    para(doc, "{{ all_parties }}：")
    para(doc, "　　你们之间的{{ dispute }}，经本委员会调解，因{{ reason }}，依照"
              "《中华人民共和国人民调解法》第二十六条的规定，终止调解。")
    para(doc, "　　告知与建议：{{ advice }}")
    signatures(doc, ["人民调解员：{{ mediators }}", "{{ committee }}（印章）"])
    return doc


def cover() -> DocxDocument:
    doc = new_document()
    para(doc, "")
    para(doc, "{{ committee }}", "Committee")
    para(doc, "调解卷宗", "DocTitle")
    mask_note(doc)
    para(doc, "")
    t = table(doc, 2, [36.0, 120.0])
    row(t, "卷名", "{{ title }}", labels=(0,))
    row(t, "卷号", "{{ number }}", labels=(0,))
    row(t, "人民调解员", "{{ mediators }}", labels=(0,))
    row(t, "调解日期", "{{ opened }} 至 {{ closed }}", labels=(0,))
    row(t, "立卷人", "{{ filer }}", labels=(0,))
    row(t, "立卷日期", "{{ filed }}", labels=(0,))
    row(t, "保管期限", "{{ retention }}", labels=(0,))
    row(t, "备注", "{{ remark }}", labels=(0,))
    return doc


def contents() -> DocxDocument:
    doc = new_document()
    para(doc, "卷内目录", "DocTitle")
    mask_note(doc)
    para(doc, "卷号：{{ number }}", "DocNumber")
    t = table(doc, 4, [16.0, 88.0, 22.0, 30.0])
    row(t, "序号", "文书名称", "页号", "备注", labels=(0, 1, 2, 3))
    tag_row(t, "{%tr for d in documents %}")
    row(t, "{{ d.seq }}", "{{ d.title }}", "{{ d.pages }}", "{{ d.remark }}")
    tag_row(t, "{%tr endfor %}")
    return doc


BUILDERS: dict[str, Callable[[], DocxDocument]] = {
    "cover": cover,
    "contents": contents,
    "application": application,
    "oral_application": oral_application,
    "registration": registration,
    "decline": decline,
    "rights": rights,
    "investigation": investigation,
    "session": session,
    "agreement": agreement,
    "oral": oral,
    "termination": termination,
    "visit": visit,
}


# ---------------------------------------------------------------------------------------------
# Writing and checking


def _page_break(doc: DocxDocument) -> None:  # kept for committees writing their own builders
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def write_all(folder: Path) -> list[Path]:
    """Write every template into ``folder``; a file whose content is already that is left as
    it is (the zip's timestamps would otherwise change the committed bytes on every run)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in BUILDERS.items():
        path = folder / f"{name}.docx"
        buf = io.BytesIO()
        build().save(buf)
        if path.is_file() and content(path) == _content_of(buf.getvalue()):
            continue
        path.write_bytes(buf.getvalue())
        written.append(path)
    return written


def _content_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in sorted(z.namelist()) if n != "docProps/core.xml"}


def content(path: Path) -> dict[str, bytes]:
    """A package's parts by name, without the zip's timestamps or the core properties (which
    carry no layout): what "the same template" means."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in sorted(z.namelist()) if n != "docProps/core.xml"}


def stale(folder: Path = TEMPLATES) -> list[str]:
    """The templates in ``folder`` that differ from (or are missing beside) the generated ones."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        write_all(fresh)
        out = []
        for name in BUILDERS:
            committed = folder / f"{name}.docx"
            if not committed.is_file() or content(committed) != content(fresh / committed.name):
                out.append(committed.name)
        return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--out", type=Path, default=TEMPLATES)
    args = parser.parse_args(argv)
    if args.check:
        bad = stale(args.out)
        if bad:
            print("stale templates (run python tools/templates.py): " + ", ".join(bad),
                  file=sys.stderr)
            return 1
        return 0
    for path in write_all(args.out):
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

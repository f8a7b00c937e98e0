"""The case file: ``case file`` (docx only) against python-docx writing the same documents from
scratch, in the same run (issue 16: within 2x).

A case with 10 sessions, a written agreement and 3 follow-up visits (17 documents with the cover
and the contents list) in a SQLite file. Measured, best of ``MEDIATION_BENCH_DOC_RUNS`` (default
5) after one warm-up:

- ``case file``: ``documents.case_file`` (reading the case, the reveal event, the fields of every
  document) and ``printing.write_case_file(pdf=False)`` (docxtpl rendering each template and
  writing the files owner-only), end to end as the command runs it;
- ``python-docx``: the same documents, with the same fields, built from ``Document()`` with
  paragraphs and tables and saved to files: what writing them without templates costs.
"""

from __future__ import annotations

import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Mm, Pt

from mediation import committee, intake, steps
from mediation.access.policy import Actor
from mediation.cases import FollowUp
from mediation.db.casestore import find
from mediation.db.engines import create_schema, engine_for
from mediation.db.storage import UnitOfWork
from mediation.reporting import documents, printing
from mediation.reporting.forms import Planned

SESSIONS, VISITS = 10, 3
CASE = {
    "category": "02", "source": "application",
    "summary": "张三与李四系楼上楼下邻居，李四家卫生间漏水致张三家天花板受损。",
    "requests": "请求李四赔偿维修费用500元并修复防水层。", "amount": 500,
    "parties": [
        {"role": "applicant", "name": "张三", "sex": "male", "ethnicity": "汉族",
         "id_number": "430104198003120014", "phone": "13812345678",
         "address": "湖南省长沙市岳麓区龙王港街道桐梓坡路8栋502"},
        {"role": "respondent", "name": "李四", "sex": "male", "ethnicity": "汉族",
         "id_number": "430104197511200024", "phone": "13987654321",
         "address": "湖南省长沙市岳麓区龙王港街道桐梓坡路8栋602"},
    ],
}


def build(folder: Path) -> tuple[str, str, Actor]:
    url = "sqlite:///" + str(folder / "bench.db")
    engine = engine_for(url)
    create_schema(engine)
    with UnitOfWork(engine) as uow:
        committee.init_committee(uow, name="龙王港社区人民调解委员会", prefix="龙",
                                 director="wangfang", director_name="王芳")
        director = committee.resolve_actor(uow, "wangfang")
        committee.add_staff(uow, director, username="liming", name="李明", role="mediator")
        uow.commit()

    def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        with UnitOfWork(engine) as uow:
            result = fn(uow, director, *args, **kwargs)
            uow.commit()
            return result

    n = str(run(intake.new_case, intake.parse_case(CASE))["number"])
    run(steps.accept, n)
    run(steps.mediate, n, mediator="liming", rights_notified=True)
    for i in range(SESSIONS):
        run(steps.session, n, minutes=f"第{i + 1}次调解：双方陈述意见。\n" * 8,
            place="社区调解室", attendees="楼长王五")
    run(steps.agree, n, terms="一、李四于2026年12月31日前赔偿张三维修费500元。\n"
        "二、李四负责修复卫生间防水层。", written=True, amount=Decimal(500))
    run(steps.confirm, n)
    run(steps.follow_up_and_close, n, performance="full", satisfaction="satisfied", note="已履行")
    case_id = int(run(lambda u, a: find(u, a, n).id))
    with UnitOfWork(engine) as uow:
        for i in range(1, VISITS):
            uow.session.add(FollowUp(case_id=case_id, visited_at=uow.now(), visitor="liming",
                                     performance="full", satisfaction="satisfied",
                                     note=f"第{i + 1}次回访"))
        uow.commit()
    return url, n, director


def ours(url: str, number: str, director: Actor, out: Path) -> int:
    engine = engine_for(url)
    with UnitOfWork(engine) as uow:
        plan = documents.case_file(uow, director, number)
        uow.commit()
    result = printing.write_case_file(plan, out, pdf=False)
    return len(result["written"])


def _plain_values(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [v for x in value.values() for v in _plain_values(x)]
    if isinstance(value, list):
        return [v for x in value for v in _plain_values(x)]
    return [str(value)]


def from_scratch(doc: Planned) -> bytes:
    """The document with python-docx alone: page, fonts, heading, the parties' table, the
    fields as labelled paragraphs, signatures."""
    d = Document()
    section = d.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    d.styles["Normal"].font.name = "仿宋"
    d.styles["Normal"].font.size = Pt(12)
    ctx = doc.context
    d.add_paragraph(str(ctx.get("committee", "")))
    d.add_paragraph(doc.title)
    parties = ctx.get("parties", []) if doc.kind in ("application", "agreement", "oral") else []
    if parties:
        table = d.add_table(rows=0, cols=6)
        for p in parties:
            for values in ((p["role"], "", "", "", "", ""),
                           ("姓名", p["name"], "性别", p["sex"], "民族", p["ethnicity"]),
                           ("年龄", p["age"], "证件号码", p["id_number"], "", ""),
                           ("联系方式", p["phone"], "单位或住址", p["address"], "", "")):
                cells = table.add_row().cells
                for c, v in zip(cells, values, strict=True):
                    c.text = v
    if doc.kind == "contents":
        table = d.add_table(rows=0, cols=4)
        for row in ctx["documents"]:
            cells = table.add_row().cells
            for c, v in zip(cells, (row["seq"], row["title"], row["pages"], row["remark"]),
                            strict=True):
                c.text = v
    for key, value in ctx.items():
        if key in ("parties", "documents", "masked"):
            continue
        for text in _plain_values(value):
            d.add_paragraph(f"{key}：{text}")
    for line in ("当事人（签名）：", "人民调解员（签名）：", str(ctx.get("date_upper", ""))):
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def baseline(url: str, number: str, director: Actor, out: Path) -> int:
    engine = engine_for(url)
    with UnitOfWork(engine) as uow:  # the same reading, so only the writing differs
        plan = documents.case_file(uow, director, number)
        uow.commit()
    out.mkdir(parents=True, exist_ok=True)
    docs = [plan.cover, plan.contents, *plan.documents]
    for doc in docs:
        (out / doc.file_name).write_bytes(from_scratch(doc))
    return len(docs)


def best(fn: Callable[[Path], int], base: Path, runs: int) -> tuple[float, float, int]:
    times = []
    count = 0
    for i in range(runs):
        out = base / f"run-{i}"
        t0 = time.perf_counter()
        count = fn(out)
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), count


def main() -> None:
    runs = int(os.environ.get("MEDIATION_BENCH_DOC_RUNS", "5"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, number, director = build(folder)
        ours(url, number, director, folder / "warm-ours")
        baseline(url, number, director, folder / "warm-base")
        ours_best, ours_median, count = best(
            lambda out: ours(url, number, director, out), folder / "ours", runs)
        base_best, base_median, base_count = best(
            lambda out: baseline(url, number, director, out), folder / "base", runs)
    assert count == base_count, (count, base_count)
    print(f"case file, {SESSIONS} sessions, {VISITS} visits: {count} documents, docx only")
    print(f"  case file   best {ours_best * 1000:7.1f} ms  median {ours_median * 1000:7.1f} ms")
    print(f"  python-docx best {base_best * 1000:7.1f} ms  median {base_median * 1000:7.1f} ms")
    print(f"  ratio (best) {ours_best / base_best:.2f}x  (median) "
          f"{ours_median / base_median:.2f}x   target: within 2x")


if __name__ == "__main__":
    main()

"""Hypothesis: a ledger's row (mediation/ledger.py: a CSV or .xlsx row under Chinese or code
headers, parties by role and number) is validated into exactly the case its JSON line gives
(bulk_validation.prepare: the stored rows, the 'new' event's changes, the ID hashes), or both
are refused alike. Any header spelling (name, name without its note, code), any field order,
one or two applicants and respondents, a guardian or a representative, free text with commas,
quotes and line breaks, and the ledger saved as UTF-8, GB18030 or an .xlsx workbook."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from mediation import ledger
from mediation.bulk_validation import prepare
from mediation.core import filekinds, identity

KEY = b"k" * 32
IDS = tuple(f + identity.gb11643_check_char(f) for f in ("43010419800312009",
                                                         "11010519491231002"))
TEXT = st.text(st.sampled_from("张三李四王五漏水赔偿 ,\"'，。；\n\tAbc123"), min_size=1,
               max_size=30).filter(lambda t: t.strip())
# (code, header forms) of each field given
CASE = {"category": ("纠纷类别", "category"), "source": ("来源", "source"),
        "summary": ("简要案情", "summary"), "requests": ("当事人请求", "requests"),
        "amount": ("涉及金额", "涉及金额（元）", "amount"), "risk_level": ("风险等级",)}
PARTY = {"name": ("姓名", "name", "_name"), "phone": ("电话", ".phone"),
         "id_number": ("证件号码", "id_number"), "kind": ("类型", "kind"),
         "address": ("住址或单位",)}
ROLE = {"applicant": ("申请人", "applicant"), "respondent": ("被申请人", "respondent")}

party_of = st.fixed_dictionaries(
    {"name": st.sampled_from(["张三", "李四", "长沙市某物业服务有限公司", "阿依古丽·买买提"])},
    optional={"phone": st.sampled_from(["13800138000", "0731-88886666", "138 1234 567"]),
              "id_number": st.sampled_from(IDS), "kind": st.sampled_from(["个人", "公司"]),
              "address": TEXT,
              "guardian": st.fixed_dictionaries({"name": st.just("王大"),
                                                 "relation": st.just("父亲")}),
              "representative": st.fixed_dictionaries({"name": st.just("王建华"),
                                                       "title": st.just("总经理")})})
case_of = st.fixed_dictionaries(
    {"category": st.sampled_from(["邻里纠纷", "02", "婚姻家庭纠纷", "婚姻加庭纠纷"]),
     "source": st.sampled_from(["当事人申请", "application"]), "summary": TEXT,
     "requests": TEXT},
    optional={"amount": st.sampled_from(["500元", "1,200.50", "五百"]),
              "risk_level": st.sampled_from(["低", "高"])})
NESTED = {"guardian": ("监护人", "guardian_"),
          "representative": ("法定代表人", "法定代表人（主要负责人）")}
INNER = {"name": ("姓名", "name"), "relation": ("关系",), "title": ("职务", "title")}


@settings(max_examples=150, deadline=None)
@given(case_of, st.lists(party_of, min_size=1, max_size=2),
       st.lists(party_of, min_size=0, max_size=2), st.data(),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "xlsx"]))
def test_a_row_is_its_json_line(case: dict[str, Any], applicants: list[dict[str, Any]],
                                respondents: list[dict[str, Any]], data: st.DataObject,
                                form: str) -> None:
    pick = data.draw
    columns: list[tuple[str, str]] = [(pick(st.sampled_from(CASE[k])), v)
                                      for k, v in case.items()]
    parties = []
    for role, group in (("applicant", applicants), ("respondent", respondents)):
        for i, party in enumerate(group, start=1):
            prefix = pick(st.sampled_from(ROLE[role])) + (
                str(i) if i > 1 or pick(st.booleans()) else "")
            parties.append({"role": role, **party})
            for k, v in party.items():
                if k in NESTED:
                    for ik, iv in v.items():
                        columns.append((prefix + pick(st.sampled_from(NESTED[k])) +
                                        pick(st.sampled_from(INNER[ik])), iv))
                else:
                    columns.append((prefix + pick(st.sampled_from(PARTY[k])), v))
    columns = pick(st.permutations(columns))
    record = {**case, "parties": parties}
    with TemporaryDirectory() as folder:
        path = Path(folder) / ("台账.xlsx" if form == "xlsx" else "台账.csv")
        write(path, [["序号", *(h for h, _ in columns)], ["1", *(v for _, v in columns)]],
              form)
        head = path.read_bytes()[:filekinds.HEAD]
        assert ledger.readable(path, head)
        read = ledger.read(path, head)
    assert read.unheaded == [] and [n for n, _ in read.rows] == [2]
    row = prepare(2, read.rows[0][1], KEY)
    line = prepare(2, json.dumps(record, ensure_ascii=False), KEY)
    assert row == line, (read.rows, record)


def write(path: Path, table: list[list[str]], form: str) -> None:
    if form == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for cells in table:
            sheet.append(cells)
        book.save(path)
        return
    with path.open("w", encoding=form, newline="") as fh:
        csv.writer(fh).writerows(table)

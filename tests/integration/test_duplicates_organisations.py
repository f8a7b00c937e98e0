"""An organisation's credit code in the duplicate rule (issue 14, a clerk's trial): a second
case against the same company by someone else was refused as a probable duplicate by the
统一社会信用代码 alone. A company is party to many disputes; the code counts only with another
party in common (mediation.duplicates.rule). Checked at the rule, at intake (``case new``,
through the services) and by ``case import`` (across the database and within one file)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mediation import duplicates, intake
from mediation.core.errors import DuplicateSuspected
from tests.conftest import Result, Room, case_record

CREDIT = "91350100M000100Y43"  # a unified social credit code (GB 32100)
OTHER_CREDIT = "91430104MA4L0XXX0D"
COMPANY = "长沙市岳麓区桐梓坡物业服务有限公司"


def record(applicant: str, id_number: str | None, *, summary: str = "物业费纠纷。",
           category: str = "02", credit: str = CREDIT, company: str = COMPANY
           ) -> dict[str, Any]:
    """A tenant (``applicant``, with ``id_number`` or none) against the company."""
    rec = case_record(summary=summary, category=category)
    tenant = {"role": "applicant", "kind": "person", "name": applicant}
    if id_number:
        tenant["id_number"] = id_number
    rec["parties"] = [tenant, {"role": "respondent", "kind": "legal_person", "name": company,
                               "id_number": credit,
                               "representative": {"name": "王建华", "title": "总经理"}}]
    return rec


def new(room: Room, rec: dict[str, Any], force: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = room.run(intake.new_case, None, intake.parse_case(rec), force=force)
    return out


def p(*parties: tuple[str, str | None, str | None, str | None]) -> duplicates.Probe:
    return duplicates.probe("02", parties)


ORG = ("respondent", COMPANY, "code-1", "legal_person")


@pytest.mark.parametrize(("old", "new", "why"), [
    # the organisation alone: not a duplicate (another tenant, no ID numbers or with them)
    (p(("applicant", "张三", None, "person"), ORG), p(("applicant", "李四", None, "person"), ORG),
     None),
    (p(("applicant", "张三", "id-1", "person"), ORG),
     p(("applicant", "李四", "id-2", "person"), ORG), None),
    # the organisation and the same other party, by name or by ID number
    (p(("applicant", "张三", None, "person"), ORG), p(("applicant", "张三", None, "person"), ORG),
     "same_organisation_and_party"),
    (p(("applicant", "张三", "id-1", "person"), ORG),
     p(("applicant", "张三", "id-1", "person"), ORG), "same_id_number"),
    # two organisations in common (a company against the same company)
    (p(("applicant", "甲公司", "code-2", "organisation"), ORG),
     p(("applicant", "甲公司", "code-2", "organisation"), ORG), "same_organisation_and_party"),
    # the same organisation under another name is still the same one (its code): with the same
    # tenant, a duplicate
    (p(("applicant", "张三", None, "person"), ORG),
     p(("applicant", "张三", None, "person"), ("respondent", "桐梓坡物业", "code-1",
                                              "legal_person")),
     "same_organisation_and_party"),
])
def test_the_rule_counts_an_organisation_only_with_another_party(
        old: duplicates.Probe, new: duplicates.Probe, why: str | None) -> None:
    assert duplicates.rule(new, old, recent=True, open_=True) == why
    assert duplicates.within([(1, old), (2, new)]) == ({2: (1, why)} if why else {})


def test_a_second_tenant_against_the_same_company_is_registered(room: Room) -> None:
    first = new(room, record("张三", "430104198003120014"))
    second = new(room, record("赵六", None, summary="另一户的物业费纠纷。"))
    assert second["number"] != first["number"] and not second.get("duplicate_of")


def test_the_same_tenant_against_the_same_company_is_a_probable_duplicate(room: Room) -> None:
    first = new(room, record("赵六", None))
    with pytest.raises(DuplicateSuspected) as dup:  # no ID number: the name and the code
        new(room, record("赵六", None, summary="又来了。", category="04"))
    assert dup.value.matches[0]["number"] == first["number"]
    assert dup.value.matches[0]["match"] == "same_organisation_and_party"


def _jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_import_registers_many_tenants_of_one_company_and_stops_the_same_one_twice(
        cli: Any, tmp_path: Path, lang: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    assert cli("case", "new", "--file", "-",
               input=json.dumps(record("张三", "430104198003120014"))).code == 0
    lines = [record("赵六", None), record("钱七", None), record("赵六", None, summary="重复。"),
             record("张三", "430104198003120014", summary="张三又来。")]
    r: Result = cli("--lang", lang, "case", "import", str(_jsonl(tmp_path / "c.jsonl", lines)))
    assert r.code == 1, r.err
    said = [line for line in r.err.splitlines() if "line" in line or "第" in line]
    if lang == "en":
        assert "line 3: probable duplicate of line 1" in r.err
        assert "line 4: probable duplicate of (" in r.err
        assert not any(line.startswith(("line 1:", "line 2:")) for line in said), r.err
    else:
        assert "第 3 行" in r.err and "第 4 行" in r.err, r.err
        assert "第 1 行：" not in r.err and "第 2 行：" not in r.err, r.err
    ok = cli("--lang", lang, "case", "import", str(_jsonl(tmp_path / "d.jsonl", lines[:2])),
             "--json")
    assert ok.code == 0 and json.loads(ok.out)["imported"] == 2, ok.out + ok.err

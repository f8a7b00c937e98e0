"""`case import` checks for the same party in another committee as intake does (issue 17): one
rule (duplicates.told_elsewhere), by the ID numbers' keyed hashes among the other committees'
open cases; imported, never refused; the director sees committee and number, anyone else only
that one exists; a ``duplicate_elsewhere`` event on each new case."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_district_cli import district
from tests.conftest import Result, case_record


@pytest.mark.parametrize("backend", ["sqlite"])
def test_import_tells_of_the_same_party_in_another_committee(cli: Callable[..., Result],
                                                             tmp_path: Path) -> None:
    district(cli, tmp_path)  # 龙 holds cases 1-3 (open), 望 case 4, all with the same parties
    record = case_record()
    bare = case_record()
    for p in bare["parties"]:
        p.pop("id_number")
    lines = tmp_path / "cases.jsonl"
    lines.write_text("\n".join(json.dumps(r, ensure_ascii=False)
                               for r in (record, bare)) + "\n", "utf-8")
    r = cli("case", "import", str(lines), "--force", "--json",
            env={"MEDIATION_USER": "zhouli"})
    assert r.code == 0, r.err
    told = json.loads(r.out)["elsewhere"]
    assert [t["line"] for t in told] == [1]  # the line without ID numbers matches nobody
    assert told[0]["count"] == 3
    assert {c["committee"] for c in told[0]["cases"]} == {"龙王港社区人民调解委员会"}
    assert all(set(c) == {"committee", "number"} for c in told[0]["cases"])
    # the same as intake records: the count on the new case, never the other numbers
    log = cli("audit", "log", "--json", env={"MEDIATION_USER": "zhouli"}).out
    assert "duplicate_elsewhere" in log and "龙人调字" not in log
    # Only the director imports (case.import); what others would be told is intake's
    # (duplicates.elsewhere_as_seen_by, tests/cli/test_district_cli.py). In both languages:
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    for lang, words in (("zh", ["第 1 行", "龙王港社区人民调解委员会", "望人调字"]),
                        ("en", ["line 1", "龙王港社区人民调解委员会", "Note: the same party"])):
        r = cli("--lang", lang, "case", "import", str(one), "--force",
                env={"MEDIATION_USER": "zhouli"})
        assert r.code == 0, r.err
        told_lines = [line for line in r.err.splitlines() if "龙王港" in line]
        assert len(told_lines) == 1, r.err  # one line for the one case
        for w in words:
            assert w in told_lines[0] + r.out, (w, r.err, r.out)
    # the events recorded after each batch's chained 'new' events keep the chain whole
    verified = cli("audit", "verify", "--json", env={"MEDIATION_USER": "zhouli"})
    assert verified.code == 0, verified.err + verified.out

"""No person on both sides (issue 14, the fifth clerk's trial: 阿依古丽·买买提 与 阿依古丽·买买提
was registered without a word). The rule (fields.check_sides) against its statement, over any
parties: refused exactly when an applicant and a respondent share an ID number, or share a
name in its normal form while one of them has none; the case file and the CLI refuse it in one
line, nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core.fields import FieldError, check_sides
from mediation.core.redaction import normal_name
from tests.conftest import Result

NAMES = st.sampled_from(["张三", "张 三", "阿依古丽·买买提", "阿依古丽•买买提", "李四", "王五"])
NUMBERS = st.sampled_from([None, "430104198003120014", "430104197511200024",
                           "43010419800312001x"])
PARTY = st.builds(lambda role, name, number: SimpleNamespace(role=role, name=name,
                                                             id_number=number),
                  st.sampled_from(["applicant", "respondent"]), NAMES, NUMBERS)


def _same(a: SimpleNamespace, b: SimpleNamespace) -> bool:
    if a.id_number and b.id_number:
        return bool(a.id_number.upper() == b.id_number.upper())
    return normal_name(a.name) == normal_name(b.name)


@given(st.lists(PARTY, min_size=1, max_size=5))
def test_refused_exactly_when_one_person_is_on_both_sides(parties: list[SimpleNamespace]) -> None:
    expected = any(_same(a, b) for a in parties for b in parties if a.role != b.role)
    try:
        check_sides(parties)
    except FieldError as exc:
        assert expected and exc.field == "parties"
    else:
        assert not expected


DEMO = Path(__file__).resolve().parents[2] / "data" / "demo" / "case.json"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_case_new_refuses_one_person_on_both_sides(
        cli: Callable[..., Result], tmp_path: Path, lang: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    record = json.loads(DEMO.read_text(encoding="utf-8"))
    record["parties"][1] = {"role": "respondent", "name": "张 三"}
    path = tmp_path / "case.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    before = cli("case", "list", "--json").out
    done = cli("--lang", lang, "case", "new", "--file", str(path))
    assert done.code == 1, done.err
    assert ("第1位和第2位当事人是同一人" if lang == "zh" else "parties 1 and 2 are one person") \
        in done.err
    assert "Traceback" not in done.err
    assert cli("case", "list", "--json").out == before  # nothing written
    record["parties"][1] = {"role": "respondent", "name": "张三", "id_number": "430104197511200024"}
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    assert cli("--lang", lang, "case", "new", "--file", str(path)).code == 0  # namesakes

"""Malformed JSON given on any JSON input path is one line in the user's language saying what
is wrong, where (line and column) and what was expected, from one function
(mediation.core.jsontext), never the parser's English ("Expecting value: line 1 column 1")."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from mediation.core import jsontext
from tests.conftest import Result, case_record

Cli = Callable[..., Result]
ON_SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
PARSER = re.compile(r"Expecting|Extra data|Unterminated|Invalid|delimiter|char \d")
BROKEN = ['{"a": }', '{"a": 1,}', '{"a" 1}', '[1 2]', '{"a": 1} x', '{"a": "b', '{"a": "\\q"}',
          '', '{"a": "\\u12"}']
WHERE = {"en": "at line {line}, column {column}: ", "zh": "位于第 {line} 行第 {column} 列："}


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


@pytest.mark.parametrize("text", BROKEN)
def test_every_parser_complaint_has_a_sentence(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as exc:
        json.loads(text)
    assert jsontext.problem(exc.value).id != "not JSON as written", exc.value.msg


@pytest.fixture
def room(cli: Cli, tmp_path: Path) -> Cli:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    ok(cli("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(cli("lead", "report", "--place", "桐梓坡路8栋", "--seen", "两户争吵"))
    return cli


def _paths(tmp: Path, text: str) -> list[tuple[list[str], int]]:
    (tmp / "bad.json").write_text(text, "utf-8")
    (tmp / "bad.jsonl").write_text(text + "\n", "utf-8")
    return [(["case", "new", "--file", str(tmp / "bad.json")], 1),
            (["case", "import", str(tmp / "bad.jsonl")], 1),
            (["case", "amend", "1", "--add-party", text or " ", "--reason", "补充"], 2),
            (["lead", "import", str(tmp / "bad.json")], 1),
            (["lead", "accept", "1", "--file", str(tmp / "bad.json")], 1)]


@ON_SQLITE
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("text", ['{"a": }', '{"a": 1,}', '{"a": "b'])
def test_every_json_input_says_what_and_where(room: Cli, tmp_path: Path, lang: str,
                                              text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as exc:
        json.loads(text)
    where = WHERE[lang].format(line=exc.value.lineno, column=exc.value.colno)
    for argv, code in _paths(tmp_path, text):
        r = room("--lang", lang, *argv)
        assert r.code == code, (argv, r.code, r.err)
        assert where in r.err, (argv, r.err)
        assert not PARSER.search(r.err) and "Traceback" not in r.err, (argv, r.err)
        if "import" not in argv[1]:  # case import adds its summary line
            assert r.err.count("\n") == 1, (argv, r.err)
        assert r.err.count("--add-party") <= 1, r.err  # the option named once

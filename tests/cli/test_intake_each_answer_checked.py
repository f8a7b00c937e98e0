"""A clerk's trial of the guided intake (issue 14, "Guided intake that does not lose work"):
every answer is checked at its question by the field's own rule, the one ``case new --file``,
``case amend`` and the import apply (an ID number of any document type, an organisation's
unified social credit code, an amount, a name, an ethnic group, a phone, a time), and the
summary shows every answer given (the guardian's phone was missing)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_guided_intake import Terminal
from tests.conftest import Result, Templates, case_record, prepared

MINOR = "430104201506010014"          # a boy born 2015
BAD_CHECK = "430104201503120011"      # the check digit does not match
CREDIT = "91350100M000100Y43"         # a unified social credit code (GB 32100)
CREDIT_BAD = "91350100M000100Y44"     # its check character wrong


def _init(cli: Callable[..., Result]) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def cli(cli: Callable[..., Result], cli_db: str,
        cli_templates: Templates) -> Callable[..., Result]:
    return prepared(cli, cli_db, cli_templates, "committee", _init)


# (what the clerk types, what is said of it when it is refused, in zh and en; None: taken)
DIALOGUE: list[tuple[str, tuple[str, str] | None]] = [
    ("火星纠纷", ("未知的纠纷类别", "unknown category")),
    ("02", None),
    ("", None),                                               # source: application
    ("", ("必填", "required")),
    ("楼" * 4001, ("最多 4000 字", "at most 4000")),
    ("楼上漏水", None),
    ("赔偿维修费", None),
    ("430104198003120014", ("最高金额", "largest amount")),  # an ID number as an amount
    ("1500", None),
    ("明年", ("不是日期", "is not a date")),
    ("", None),                                               # discovered: now
    ("", None),                                               # risk: low
    ("", None),                                               # registered: now
    # the applicant: a passport holder
    ("", None),                                               # kind: person
    ("13812345678", ("不像人名", "does not look like")),
    ("张三", None),
    ("男", None),
    ("火星", ("不是", "is not an ethnic group")),
    ("汉", None),
    ("?", ("4 至 20 位字母或数字", "4 to 20 letters and digits")),
    ("是", ("4 至 20 位字母或数字", "4 to 20 letters and digits")),
    (BAD_CHECK, ("校验码", "check digit")),                   # 18 characters: a resident ID
    ("A1234567", None),                                       # not one: which document?
    ("护照", None),
    ("", None),                                               # no birth date: a guardian? no
    ("123", ("电话", "phone")),
    ("13812345678", None),
    ("", None),                                               # address
    # the respondent: a minor, through a guardian
    ("", None),
    ("李小明", None),
    ("男", None),
    ("", None),
    (MINOR, None),
    ("父子", None),
    ("李四", None),
    # the guardian's ID number (optional), checked by a party's rule at once
    ("110101198001010011", ("校验码", "check digit")),
    ("110101198001010010", None),
    ("1", ("电话", "phone")),                                 # the guardian's phone
    ("13912345678", None),
    ("", None),
    ("", None),
    ("n", None),                                              # no more parties
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_answer_is_checked_at_its_question(cli: Callable[..., Result],
                                                 lang: str) -> None:
    """Each wrong answer is refused at its question (before the summary) and asked again;
    the summary shows every answer (the guardian's phone, the document, the ethnic group, the
    amount unmasked); the case holds what the summary showed."""
    typed = [t for t, _said in DIALOGUE]
    out = cli("--lang", lang, "case", "new", "--json",
              input=Terminal("\n".join([*typed, "y"]) + "\n"))
    assert out.code == 0, out.err
    asked, summary = out.err.split("请核对填写的内容" if lang == "zh"
                                   else "Please check what was entered")
    for text, said in DIALOGUE:
        if said is not None:
            assert said[lang == "en"] in asked, (text[:20], said)
    assert "Traceback" not in out.err
    assert asked.count("校验码" if lang == "zh" else "check digit") == 2  # both ID numbers
    for shown in ("139****5678", "138****5678", "1500", "****4567", "汉族" if lang == "zh"
                  else "Han", "李四", "110***********0010"):
        assert shown in summary, (shown, summary)
    assert ("护照" if lang == "zh" else "passport") in summary
    case = json.loads(cli("case", "show", "1", "--json", "--reveal", "--reason", "核对").out)
    applicant, respondent = case["parties"]
    assert (applicant["id_type"], applicant["id_number"]) == ("passport", "A1234567")
    assert respondent["guardian"]["phone"] == "13912345678"
    assert respondent["guardian"]["id_number"] == "110101198001010010"
    assert str(case["amount"]) in ("1500", "1500.00", "1500.0")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_organisation_is_asked_for_its_credit_code(cli: Callable[..., Result],
                                                      lang: str) -> None:
    typed = ["02", "", "楼上漏水", "赔偿维修费", "", "", "", "",
             "法人", "长沙市某某物业有限公司",
             "ABC", CREDIT_BAD, CREDIT.lower(),  # the check character, at once
             "",  # its representative (法定代表人): not known yet
             "", "",
             "", "李四", "男", "", "", "", "", "",
             "n", "y"]
    out = cli("--lang", lang, "case", "new", "--json", input=Terminal("\n".join(typed) + "\n"))
    assert out.code == 0, out.err
    assert ("统一社会信用代码" if lang == "zh" else "Unified social credit code") in out.err
    assert ("GB 32100") in out.err
    assert out.err.count("校验码不符" if lang == "zh" else "check character") == 1
    case = json.loads(cli("case", "show", "1", "--json", "--reveal", "--reason", "核对").out)
    assert case["parties"][0]["id_type"] == "credit_code"
    assert case["parties"][0]["id_number"] == CREDIT


def _record(**party: object) -> dict[str, object]:
    """The demo case, its applicant changed (None: the key dropped)."""
    record = case_record()
    first = {**record["parties"][0], **party}
    if first.get("kind", "person") != "person":
        first.pop("ethnicity", None)
    record["parties"][0] = {k: v for k, v in first.items() if v is not None}
    return record


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("party", "said"), [
    ({"id_type": "other", "id_number": BAD_CHECK}, ("校验码", "check digit")),
    ({"id_type": "passport", "id_number": "?"}, ("护照号码", "passport number")),
    ({"id_type": "other", "id_number": "是"}, ("4 至 20 位", "4 to 20")),
    ({"id_type": "credit_code", "id_number": "A1234567"}, ("自然人证件", "a person's")),
    ({"kind": "legal_person", "name": "某某公司", "sex": None, "id_number": CREDIT_BAD},
     ("GB 32100", "GB 32100")),
    ({"kind": "organisation", "name": "某某协会", "sex": None, "id_type": "credit_code",
      "id_number": "ABC"}, ("GB 32100", "GB 32100")),
    ({"kind": "organisation", "name": "某某协会", "sex": None, "id_type": "passport",
      "id_number": "E12345678"}, ("统一社会信用代码", "unified social credit code")),
])
def test_a_file_is_refused_by_the_same_rule(cli: Callable[..., Result], tmp_path: Path,
                                            lang: str, party: dict[str, object],
                                            said: tuple[str, str]) -> None:
    record = _record(**party)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    out = cli("--lang", lang, "case", "new", "--file", str(path))
    assert out.code == 1, out.err
    assert said[lang == "en"] in out.err and "Traceback" not in out.err
    assert json.loads(cli("case", "list", "--json").out) == []


def test_a_credit_code_needs_no_type(
        cli: Callable[..., Result], tmp_path: Path) -> None:
    record = _record(kind="organisation", name="某某协会", sex=None, id_number=CREDIT.lower())
    path = tmp_path / "case.json"
    path.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    assert cli("case", "new", "--file", str(path)).code == 0
    case = json.loads(cli("case", "show", "1", "--json", "--reveal", "--reason", "核对").out)
    assert (case["parties"][0]["id_type"], case["parties"][0]["id_number"]) == (
        "credit_code", CREDIT)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_amend_checks_an_18_character_number_whatever_the_type(
        cli: Callable[..., Result], tmp_path: Path, lang: str) -> None:
    """The trial: a party of id_type other took a resident ID number with a wrong check digit
    through ``case amend --edit-party``."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(_record(id_type="other", id_number="A1234567"),
                               ensure_ascii=False), "utf-8")
    assert cli("case", "new", "--file", str(path)).code == 0
    out = cli("--lang", lang, "case", "amend", "1", "--edit-party",
              "1:" + json.dumps({"id_number": BAD_CHECK}),
              "--reason", "核对")
    assert out.code == 1, out.err
    assert ("校验码" if lang == "zh" else "check digit") in out.err
    case = json.loads(cli("case", "show", "1", "--json", "--reveal", "--reason", "核对").out)
    assert case["parties"][0]["id_number"] == "A1234567"


def test_every_question_goes_through_the_one_checked_answer() -> None:
    """Every free-text question of the guided intake (``case new``, ``lead accept``) is asked
    through asking.answer, which applies the field's rule at once; a bare ``optional``,
    ``required`` or ``ask`` is left only where its answer is checked right after it (the ID
    number, checked once its document is known; the summary's y/n/number)."""
    import ast

    from tests.conftest import DATA

    allowed = {("party_prompts.py", "id_number"), ("prompts.py", "confirmed")}
    bare = []
    for name in ("prompts.py", "party_prompts.py"):
        tree = ast.parse((DATA.parent / "cli" / name).read_text("utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                        and node.func.id in ("optional", "required", "ask") \
                        and (name, fn.name) not in allowed:
                    bare.append((name, fn.name, node.func.id))
    assert bare == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_choice_left_empty_or_wrong_is_told_in_one_short_line(cli: Callable[..., Result],
                                                                 lang: str) -> None:
    """A clerk's trial: Enter at 监护人与当事人的关系 (no default) said ``'' 不在可选范围内；
    可选：…`` over four lines, at every Enter, when the list was printed just above."""
    at = DIALOGUE.index(("父子", None))
    dialogue = [*DIALOGUE[:at], ("", ("此项必填", "required")),
                ("邻居", ("不在上面所列之中", "none of the list above")), *DIALOGUE[at:]]
    out = cli("--lang", lang, "case", "new", "--json",
              input=Terminal("\n".join([*(t for t, _s in dialogue), "y"]) + "\n"))
    assert out.code == 0, out.err
    review = "请核对填写的内容" if lang == "zh" else "Please check what was entered"
    asked = out.err.split(review)[0]
    for _text, said in dialogue[at:at + 2]:
        assert said is not None
        line = next(ln for ln in asked.splitlines() if said[lang == "en"] in ln)
        assert "''" not in line and ("父母" not in line and "parent" not in line), line
    assert "不在可选范围内" not in asked and "is not one of" not in asked

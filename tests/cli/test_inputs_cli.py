"""Every input a clerk or a file can bring, through the real CLI: encodings, full-width and IME
forms, written forms of phones, amounts and dates, control characters (mediation/core/
normalise.py is the one normaliser behind all of them)."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from tests.conftest import Result, case_record

Cli = Callable[..., Result]


class BytesStdin(io.StringIO):
    """Standard input that, like a real one, also has the bytes under the text."""

    def __init__(self, data: bytes) -> None:
        super().__init__("")
        self._bytes = io.BytesIO(data)

    @property
    def buffer(self) -> BinaryIO:
        return self._bytes


def ok(r: Result) -> Result:
    assert r.code == 0, r.err
    return r


@pytest.fixture
def room(cli: Cli) -> Cli:
    ok(cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会", "--prefix", "龙"))
    return cli


def stored(cli: Cli, ref: str = "1") -> dict[str, Any]:
    shown = ok(cli("case", "show", ref, "--reveal", "--reason", "test", "--json"))
    data: dict[str, Any] = json.loads(shown.out)
    return data


def ime_record() -> dict[str, Any]:
    """The demo case as an input method and Word would have it."""
    record = case_record(amount="１，５００元", category="０２", source="ａｐｐｌｉｃａｔｉｏｎ",
                         summary="张三与李四\x0b系邻居\x1b[2J，漏水。",
                         discovered_at="２０２６年９月７日 09:00+08:00")
    p0, p1 = record["parties"]
    p0["id_number"] = "４３０１０４１９８００３１２００１４"
    p0["phone"] = "138-1234-5678"
    p0["name"] = "张\x00三"
    p1["phone"] = "０７３１－８８８８６６６６"
    p1["birth_date"] = "1975/11/20"
    return record


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_case_json_typed_through_an_input_method_is_stored_canonically(room: Cli,
                                                                         tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(ime_record(), ensure_ascii=False), "utf-8")
    ok(room("case", "new", "--file", str(path)))
    view = stored(room)
    assert view["amount"] == "1500.00" and view["category"] == "02"
    assert view["summary"] == "张三与李四\n系邻居，漏水。"
    a, b = view["parties"]
    assert a["id_number"] == "430104198003120014" and a["phone"] == "13812345678"
    assert a["name"] == "张三"
    assert b["phone"] == "0731-88886666" and b["birth_date"] == "1975-11-20"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
@pytest.mark.parametrize("via", ["file", "stdin"])
def test_every_encoding_reads_alike_through_file_and_stdin(room: Cli, tmp_path: Path,
                                                           encoding: str, via: str) -> None:
    data = json.dumps(case_record(), ensure_ascii=False).encode(encoding)
    if via == "file":
        path = tmp_path / "case.json"
        path.write_bytes(data)
        r = ok(room("case", "new", "--file", str(path)))
    else:
        r = ok(room("case", "new", "--file", "-", input=BytesStdin(data)))
    assert ("GB18030" in r.err) == (encoding == "gb18030")
    assert stored(room)["parties"][0]["name"] == "张三"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("via", ["file", "stdin", "import", "import-skip"])
def test_an_unreadable_encoding_is_one_line_and_nothing_is_written(room: Cli, tmp_path: Path,
                                                                   via: str) -> None:
    data = json.dumps(case_record(), ensure_ascii=False).encode("utf-16-le")
    path = tmp_path / "case.jsonl"
    path.write_bytes(data + b"\n")
    if via == "file":
        r = room("case", "new", "--file", str(path))
    elif via == "stdin":
        r = room("case", "new", "--file", "-", input=BytesStdin(data))
    else:
        r = room("case", "import", str(path), *(["--skip-invalid"] if via == "import-skip"
                                                 else []))
    assert r.code == 1, r.err
    assert r.err.count("\n") == 1 and "not UTF-8 or GB18030: save it as UTF-8" in r.err
    assert json.loads(ok(room("case", "list", "--json")).out) == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030"])
def test_an_import_in_any_accepted_encoding_imports_alike(room: Cli, tmp_path: Path,
                                                          encoding: str) -> None:
    line = json.dumps(ime_record(), ensure_ascii=False)
    path = tmp_path / "cases.jsonl"
    path.write_bytes(f"{line}\n{line}\n".encode(encoding))
    r = ok(room("case", "import", str(path), "--force"))
    assert ("GB18030" in r.err) == (encoding == "gb18030")
    view = stored(room, "2")
    assert view["amount"] == "1500.00" and view["parties"][1]["phone"] == "0731-88886666"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_options_typed_through_an_input_method(room: Cli) -> None:
    ok(room("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(room("case", "accept", "１"))
    number = stored(room)["number"]
    wide = number.replace("(", "（").replace(")", "）").translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    ok(room("case", "mediate", wide, "--mediator", "ｗａｎｇｆａｎｇ", "--rights-notified"))
    ok(room("case", "session", wide, "--minutes", "双方陈述"))
    ok(room("case", "agree", wide, "--terms", "李四赔偿\x0b五百元", "--amount", "５００元",
            "--due", "２０２６年１２月３１日"))
    agreement = stored(room)["agreements"][0]
    assert agreement["amount"] == "500.00" and agreement["due"] == "2026-12-31"
    assert agreement["terms"] == "李四赔偿\n五百元"


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("amount", "code", "words"), [
    ("1e30", 2, "500元"), ("1500.005", 1, "two decimals"),
    ("2000000000", 1, "1,000,000,000.00"), ("-1", 1, "negative"),
])
def test_bad_amounts_are_clean_refusals(room: Cli, amount: str, code: int,
                                        words: str | None) -> None:
    ok(room("case", "new", "--file", "-", input=json.dumps(case_record())))
    ok(room("case", "accept", "1"))
    ok(room("case", "mediate", "1", "--mediator", "wangfang", "--rights-notified"))
    r = room("case", "agree", "1", "--terms", "x", f"--amount={amount}")
    assert r.code == code and r.err.count("\n") == 1, r.err
    assert words is None or words in r.err
    assert stored(room)["agreements"] == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("field", "value", "words"), [
    ("amount", 5e16, "1,000,000,000.00"), ("amount", "1e30", "500元"),
    ("amount", 1500.005, "two decimals"), ("amount", "1,000,000,000.01", "1,000,000,000.00"),
])
def test_bad_amounts_in_case_json_name_the_bound(room: Cli, field: str, value: Any,
                                                 words: str) -> None:
    r = room("case", "new", "--file", "-", input=json.dumps(case_record(**{field: value})))
    assert r.code == 1 and r.err.count("\n") == 1 and words in r.err, r.err


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_stated_sex_the_id_contradicts_is_refused(room: Cli) -> None:
    """Refused naming both, nothing written (issue 14: it was a warning, and the stored sex
    contradicted the ID number); without a sex, the ID number's is stored."""
    record = case_record()
    record["parties"][0]["sex"] = "female"  # 430104198003120014: 17th digit 1, male
    del record["parties"][1]["sex"]
    r = room("case", "new", "--file", "-", input=json.dumps(record))
    assert r.code == 1 and r.err.count("\n") == 1, r.err
    assert "party 1's sex: female given, but the ID number says male" in r.err
    assert json.loads(ok(room("case", "list", "--json")).out) == []
    del record["parties"][0]["sex"]
    ok(room("case", "new", "--file", "-", input=json.dumps(record)))
    shown = json.loads(ok(room("case", "show", "1", "--json")).out)
    assert [p["sex"] for p in shown["parties"]] == ["male", "female"]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("birth", ["18991231", "30001231"])
def test_ids_born_before_1900_or_in_the_future_are_refused(room: Cli, birth: str) -> None:
    from mediation.core import identity

    first17 = "430104" + birth + "001"
    record = case_record()
    record["parties"][0]["id_number"] = first17 + identity.gb11643_check_char(first17)
    r = room("case", "new", "--file", "-", input=json.dumps(record))
    assert r.code == 1 and "birth date" in r.err, r.err


@pytest.mark.parametrize(("amount", "code"), [("30,000,000.00", 0), ("1,000,000,000.00", 0),
                                              ("1,000,000,000.01", 1), (5e16, 1)])
def test_the_amount_bound_on_both_backends(room: Cli, amount: Any, code: int) -> None:
    """Above PostgreSQL's old 32-bit column (¥21,474,836.47) is stored; above the bound is
    refused naming it, nothing written; stats and the nightly export read what was stored."""
    r = room("case", "new", "--file", "-", input=json.dumps(case_record(amount=amount)))
    assert r.code == code, r.err
    if code:
        assert "1,000,000,000.00" in r.err and r.err.count("\n") == 1
        assert json.loads(ok(room("case", "list", "--json")).out) == []
        return
    assert stored(room)["amount"] == f"{Decimal(amount.replace(',', '')):.2f}"
    ok(room("stats", "--json"))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_control_characters_never_reach_the_committee_name(cli: Cli, tmp_path: Path) -> None:
    ok(cli("init", "--no-login", "--committee", "龙王港社区\x0b人民调解委员会\x1b[2J", "--prefix",
           "龙"))
    assert "\x0b" not in ok(cli("committee", "rename", "龙王港社区人民调解委员会")).out
    history = json.loads(ok(cli("audit", "log", "--json")).out)
    renamed = [e for e in history if e["action"] == "committee_rename"]
    assert renamed and renamed[0]["changes"]["committee"] == [
        "龙王港社区 人民调解委员会", "龙王港社区人民调解委员会"]
    r = ok(cli("committee", "rename", "龙王港社区人民调解委员会"))
    assert "already" in r.out
    r = cli("committee", "rename", "\x00\x0b ")
    assert r.code == 1 and r.err.count("\n") == 1
    ok(cli("report", "monthly", "--month", "2026-11", "--out", str(tmp_path / "m.xlsx")))


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_committee_rename_is_for_directors_and_speaks_chinese(room: Cli) -> None:
    ok(room("staff", "add", "liming", "--name", "李明", "--role", "mediator", "--no-password"))
    r = room("committee", "rename", "新名称", env={"MEDIATION_USER": "liming"})
    assert r.code == 1 and r.err.count("\n") == 1
    helped = ok(room("--lang", "zh", "committee", "rename", "--help"))
    assert "更改本调委会的名称" in helped.out


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize("typed", ["2026/11/01", "2026.11.01", "2026年11月1日",
                                   "２０２６-１１-０１"])
def test_dates_in_every_written_form_wherever_a_date_is(room: Cli, typed: str,
                                                        tmp_path: Path) -> None:
    ok(room("stats", "--from", typed, "--to", typed, "--json"))
    ok(room("stats", f"{typed}..{typed}", "--json"))
    ok(room("audit", "log", "--since", typed, "--until", typed, "--json"))
    ok(room("export", "nightly", "--date", typed, "--out", str(tmp_path / "x")))
    r = room("audit", "log", "--since", "11/01/2026")
    # the forms named, dated from today (f793cec): a whole date and one without its year
    assert r.code == 2 and re.search(r"\d{4}-\d{2}-\d{2}, \d{2}-\d{2}", r.err), r.err
    assert r.err.count("\n") == 1


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_an_unreadable_path_is_one_line(room: Cli, tmp_path: Path) -> None:
    for args in (("case", "new", "--file", str(tmp_path)), ("case", "import", str(tmp_path))):
        r = room(*args)
        assert r.code in (1, 2) and r.err.count("\n") == 1, r.err


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_sex_digit_refusal_on_import_names_the_line(room: Cli, tmp_path: Path) -> None:
    good = case_record()
    del good["parties"][1]["sex"]
    contradicted = json.loads(json.dumps(good))
    contradicted["parties"][0]["sex"] = "female"
    path = tmp_path / "cases.jsonl"
    path.write_text(f"{json.dumps(good)}\n{json.dumps(contradicted)}\n", "utf-8")
    r = room("case", "import", str(path), "--force")
    assert r.code == 1 and "line 2: party 1's sex: female given, but the ID number says " \
        "male" in r.err, r.err
    assert json.loads(ok(room("case", "list", "--json")).out) == []
    r = ok(room("case", "import", str(path), "--force", "--skip-invalid"))
    assert "line 2: party 1's sex" in r.err and len(json.loads(ok(room(
        "case", "list", "--json")).out)) == 1


def test_every_file_parameter_is_passed_on_as_typed() -> None:
    """The one normaliser folds every option and argument (cli/options.normalise_params), but
    never a file or database path: a Windows file name may hold full-width brackets. Derived
    from the app, so a new FILE option is checked too."""
    from pathlib import Path as _Path

    import typer

    from cli.main import build_app
    from cli.options import param_kind

    def walk(command: Any, path: str) -> list[str]:
        wrong = []
        for name, sub in (getattr(command, "commands", None) or {}).items():
            wrong += walk(sub, f"{path} {name}".strip())
        for p in command.params:
            annotation = getattr(getattr(p, "type_descriptor", None), "annotation", None)
            names_a_file = annotation is _Path or any(
                word in str(p.metavar or "") for word in ("FILE", "DIR", "PATH", "URL"))
            if names_a_file and annotation is not _Path and param_kind(path, p.name) != "path":
                wrong.append(f"{path} {p.name}")
        return wrong

    assert walk(typer.main.get_command(build_app()), "") == []


# Options of metavar TEXT that are words to find or form fields, folded on purpose.
FOLDED_TEXT = {("case search", "words"), *((f"report {kind}", name)
                                           for kind in ("monthly", "quarterly", "yearly")
                                           for name in ("form_no", "unit"))}


def test_free_text_is_never_folded_as_a_code() -> None:
    """Free text (what people write: terms, minutes, measures taken) keeps its punctuation as
    written, ，。 never becoming ,. (issue 14: case amend --agreement-terms and case visit
    --measures/--escalation were folded as codes). Every option a writer fills in, by its
    name (TEXT_PARAMS and their prefixed forms: agreement_terms) or its metavar TEXT, is
    read as text or a line. Derived from the app, so a new one is checked too."""
    import typer

    from cli import framework
    from cli.main import build_app
    from cli.options import TEXT_PARAMS, param_kind

    folded = []
    for path, cmd in framework.walk(typer.main.get_command(build_app())):
        command = path.removeprefix("mediation").strip()
        for p in cmd.params:
            writes = p.metavar == "TEXT" or any(
                (p.name or "").endswith(("_" + t, t)) for t in TEXT_PARAMS)
            if writes and (command, p.name) not in FOLDED_TEXT and param_kind(
                    command, p.name) not in ("text", "line", "code"):  # code: a vocabulary's
                folded.append(f"{command} {p.name}")
    assert not folded, folded


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_other_user_files_go_through_the_one_reader(room: Cli, tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_bytes(b"\x81\x30\x81\xff")  # valid in neither UTF-8 nor GB18030
    token.chmod(0o600)
    r = room("--token-file", str(token), "case", "list")
    assert r.code == 1 and "not UTF-8 or GB18030" in r.err and r.err.count("\n") == 1, r.err
    anchor = tmp_path / "anchor.json"
    anchor.write_bytes("{}".encode("utf-16"))  # Notepad's "Unicode": read, then judged
    r = room("audit", "verify", "--anchor", str(anchor))
    assert r.code in (1, 4) and "Traceback" not in r.err and r.err.count("\n") >= 1


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("field", "value", "zh", "en"), [
    ("id_number", "430104198003120015", "第1位当事人的证件号码：", "party 1's ID number: "),
    ("phone", "12345", "第1位当事人的电话：", "party 1's phone: "),
])
def test_a_refused_field_is_named_in_words_and_by_its_path(room: Cli, field: str, value: str,
                                                           zh: str, en: str) -> None:
    """A clerk read 'parties[0].id_number：校验码不正确' (a trial, issue 14): the field is named
    in words of the language, a party by its number, never by the internal path."""
    record = case_record()
    record["parties"][0][field] = value
    for lang, expected in (("zh", zh), ("en", en)):
        refused = room("--lang", lang, "case", "new", "--file", "-", input=json.dumps(record))
        assert refused.code == 1, refused.out
        assert expected in refused.err, refused.err
        assert "Traceback" not in refused.err and "parties" not in refused.err


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_json_on_standard_input_is_named_in_the_users_language(cli: Cli, lang: str) -> None:
    assert cli("init", "--no-login", "--committee", "龙王港社区人民调解委员会",
               "--prefix", "龙").code == 0
    out = cli("--lang", lang, "case", "new", "--file", "-", input="{bad")
    assert out.code == 1
    assert ("标准输入：" in out.err and "stdin" not in out.err) if lang == "zh" \
        else "standard input:" in out.err

"""Every vocabulary value is read by the one resolver (mediation.core.choices) on every input path.

For every vocabulary and every value in it, the code, its Chinese name, its English name, the
code as a Chinese input method types it (full width, upper case, spaces around) and a part of
its Chinese name that is part of no other (网格员 for 网格员排查) are accepted
identically through every path that reads the value: a CLI option (cli.choices), ``case.json``
(intake.parse_case), a ``case import`` line (bulk_validation.prepare), ``case amend
--add-party/--edit-party`` JSON (corrections: the merged record, then parse_case) and a lead
CSV or JSON (leads._code). A value that is none of them is refused on every path, naming the
allowed values: under zh as code and Chinese name.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable
from typing import Any

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.choices import ChoiceParser, _parser
from cli.main import build_app
from mediation import bulk_validation, corrections, intake, leads
from mediation.core import categories, choices, normalise
from mediation.core.errors import InvalidInput
from mediation.core.i18n import name, set_language
from tests.conftest import case_record

KEY = b"k" * 32
# The vocabulary fields of an intake record: (kind, where: "case" or the party's index, field)
RECORD_FIELDS = (("source", "case", "source"), ("risk", "case", "risk_level"),
                 ("party", 1, "role"), ("kind", 0, "kind"), ("sex", 0, "sex"),
                 ("id_type", 0, "id_type"))
_WIDE = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


def forms(kind: str, code: str) -> st.SearchStrategy[str]:
    """The ways a clerk writes ``code``: the code, its names, full width, upper case, spaced."""
    written = {code, name(kind, code, "zh"), name(kind, code, "en"), code.translate(_WIDE),
               code.upper(), f" {code}\u3000", name(kind, code, "zh") + " ",
               *words(kind, code)}
    return st.sampled_from(sorted(written))


def words(kind: str, code: str) -> tuple[str, ...]:
    """The words people write for ``code`` besides its names (个人 for 自然人, 父亲 for 父母)."""
    return tuple(sorted(w for w, c in choices._words().get(kind, {}).items() if c == code))


def category_forms(code: str) -> st.SearchStrategy[str]:
    cat = categories.get(code)
    assert cat is not None
    written = {code, cat.zh, cat.en, code.translate(_WIDE), f" {cat.zh} "}
    if code.startswith("0") and len(code) == 2:
        written |= {code[1:], code[1:].translate(_WIDE)}
    return st.sampled_from(sorted(written)) | st.sampled_from(sorted(parts(cat.zh)))


def parts(text: str) -> set[str]:
    """The parts of a name a clerk may type for the whole: two characters or more, not all
    ASCII (a code's letters are typed whole)."""
    return {text[i:j] for i in range(len(text)) for j in range(i + 2, len(text) + 1)
            if not text[i:j].isascii()}


def _unwrapped(callback: Any) -> ChoiceParser | None:
    """The vocabulary parser behind an option's callback (Typer wraps it in a closure)."""
    if isinstance(callback, ChoiceParser):
        return callback
    for cell in getattr(callback, "__closure__", None) or ():
        if isinstance(cell.cell_contents, ChoiceParser):
            return cell.cell_contents
    return None


@functools.cache
def vocabulary_options() -> tuple[tuple[str, str, ChoiceParser], ...]:
    """(command, option, its parser) for every option of the command tree taking a vocabulary."""
    found: list[tuple[str, str, ChoiceParser]] = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        for sub_name, sub in sorted((getattr(command, "commands", None) or {}).items()):
            walk(sub, (*path, sub_name))
        for param in getattr(command, "params", []):
            parser = _unwrapped(param.callback)
            if parser is not None:
                found.append((" ".join(path), param.opts[0], parser))

    walk(typer.main.get_command(build_app()), ())
    return tuple(found)


def _names(parser: ChoiceParser) -> dict[str, tuple[str, ...]]:
    """Each value the option takes: its code, Chinese name and the other names it is typed by."""
    if parser.kind == "category":
        return {c.code: (c.zh, c.en, *{c.code.lstrip("0")} - {c.code, ""})  # 2 is 02
                for c in categories.all_categories()}
    codes = parser.codes or tuple(choices.values(parser.kind))
    return {c: (name(parser.kind, c, "zh"), name(parser.kind, c, "en"), *words(parser.kind, c))
            for c in codes}


def meant(parser: ChoiceParser, text: str) -> str | list[str]:
    """The oracle: the code ``text`` is the code or a name of; else the codes whose Chinese
    name holds it (one: that code; several: a refusal naming them; none: a refusal)."""
    table = _names(parser)
    wanted = choices.fold(text)
    for code, names in table.items():
        if wanted in {choices.fold(code), *(choices.fold(n) for n in names)}:
            return code
    if len(wanted) < 2 or wanted.isascii():
        return []
    holding = [code for code, names in table.items() if wanted in choices.fold(names[0])]
    return holding[0] if len(holding) == 1 else holding


def _option_value() -> st.SearchStrategy[tuple[str, str, ChoiceParser, str, str]]:
    """(command, option, parser, a code it takes, a written form or a part of a name)."""
    def written(option: tuple[str, str, ChoiceParser]) -> st.SearchStrategy[Any]:
        table = _names(option[2])
        return st.sampled_from(sorted(table)).flatmap(lambda code: st.sampled_from(sorted(
            {code, code.translate(_WIDE), *table[code], f" {table[code][0]} ",
             *parts(table[code][0])})).map(lambda text: (*option, code, text)))

    return st.sampled_from(vocabulary_options()).flatmap(written)


def test_the_vocabulary_options_are_found() -> None:
    """The walk finds the options the clerk's trial typed Chinese into (so the property below
    covers them, and would cover an option added later)."""
    found = {(command, option): p.kind for command, option, p in vocabulary_options()}
    for where, kind in ((("case list", "--state"), "state"),
                        (("case feedback", "--channel"), "channel"),
                        (("case list", "--format"), "format"), (("stats", "--format"), "format"),
                        (("case list", "--category"), "category"),
                        (("case decline", "--reason"), "decline")):
        assert found.get(where) == kind, (where, sorted(found))


@pytest.mark.parametrize("lang", ["en", "zh"])
@settings(max_examples=200, deadline=None)
@given(case=_option_value())
def test_every_vocabulary_option_reads_a_code_its_names_and_a_part_of_one_name(
        lang: str, case: tuple[str, str, ChoiceParser, str, str]) -> None:
    set_language(lang)
    command, option, parser, code, text = case
    expected = meant(parser, text)
    if text not in parts(_names(parser)[code][0]):  # the code or a name, whole
        assert expected == code, (command, option, text)
    if isinstance(expected, str):
        assert parser(text) == expected, (command, option, text)
        return
    with pytest.raises(typer.BadParameter) as refused:  # a part of several names, or none
        parser(text)
    message = refused.value.message
    assert "\n" not in message
    for other in expected or _names(parser):
        zh = _names(parser)[other][0]
        # under zh by name alone (choices.listing); under en a part of several names by
        # name, the code in brackets (choices.both), a listing of what is allowed the codes
        shown = zh if lang == "zh" else f"{zh} ({other})" if expected else other
        if choices.fold(zh) == choices.fold(other):
            shown = zh if expected or lang == "zh" else other
        assert shown in message, (command, option, text, message)


def _vocab_value() -> st.SearchStrategy[tuple[str, Any, str, str, str]]:
    """(kind, where, field, code, a written form of it)."""
    return st.sampled_from(RECORD_FIELDS).flatmap(lambda f: st.sampled_from(
        choices.values(f[0])).flatmap(lambda code: (forms(f[0], code) | st.sampled_from(
            sorted(parts(name(f[0], code, "zh"))) or [code])).map(
            lambda text: (*f, code, text))))


def _set(record: dict[str, Any], where: Any, field: str, value: str) -> dict[str, Any]:
    record = copy.deepcopy(record)
    (record if where == "case" else record["parties"][where])[field] = value
    return record


def _outcome(fn: Callable[[], Any]) -> Any:
    try:
        return ("ok", fn())
    except InvalidInput as exc:
        return ("refused", exc.render())


def _through_file(record: dict[str, Any]) -> Any:
    return _outcome(lambda: intake.parse_case(record).model_dump())


def _through_import(record: dict[str, Any]) -> Any:
    item = bulk_validation.prepare(1, json.dumps(record, ensure_ascii=False), KEY)
    return ("refused", item.message) if isinstance(item, bulk_validation.Rejected) \
        else ("ok", item[1:])


def _through_amend(where: Any, field: str, value: str) -> Any:
    """What case amend checks: the stored record with the edit merged in, then parse_case."""
    stored = case_record()
    if where == "case":
        return _through_file(_set(stored, where, field, value))
    parties = corrections._parties_amended(stored["parties"], [], {where + 1: {field: value}},
                                           [])
    return _through_file({**stored, "parties": parties})


@pytest.mark.parametrize("lang", ["en", "zh"])
@settings(max_examples=150, deadline=None)
@given(case=_vocab_value())
def test_a_code_and_its_names_are_read_alike_on_every_path(
        lang: str, case: tuple[str, Any, str, str, str]) -> None:
    set_language(lang)
    kind, where, field, code, text = case
    meaning = meant(ChoiceParser(kind), text)  # a part of a name: of it alone, or of several
    if not isinstance(meaning, str):
        record = _set(case_record(), where, field, text)
        assert all(outcome[0] == "refused" for outcome in (
            _through_file(record), _through_import(record), _through_amend(where, field, text)))
        return
    code = meaning
    as_code, as_text = _set(case_record(), where, field, code), \
        _set(case_record(), where, field, text)
    assert _parser(kind, None)(text) == code  # a CLI option
    assert choices.parse(kind, text) == code  # a prompt, a lead CSV/JSON (leads._code)
    assert leads._code(kind, text) == code
    assert _through_file(as_text) == _through_file(as_code)  # case.json, lead accept
    assert _through_import(as_text) == _through_import(as_code)  # case import
    assert _through_amend(where, field, text) == _through_amend(where, field, code)


@pytest.mark.parametrize("lang", ["en", "zh"])
@settings(max_examples=80, deadline=None)
@given(pair=st.sampled_from(categories.codes()).flatmap(
    lambda code: category_forms(code).map(lambda text: (code, text))))
def test_a_category_by_code_name_or_short_code_is_read_alike_on_every_path(
        lang: str, pair: tuple[str, str]) -> None:
    set_language(lang)
    code, text = pair
    meaning = meant(ChoiceParser("category"), text)  # a part of one name (邻里), or of several
    if not isinstance(meaning, str):
        record = case_record(category=text)
        assert all(outcome[0] == "refused" for outcome in (
            _through_file(record), _through_import(record),
            _through_amend("case", "category", text)))
        return
    code = meaning
    assert choices.category(text) == code  # the CLI's --category (category_opt), prompts
    record, plain = case_record(category=text), case_record(category=code)
    assert _through_file(record) == _through_file(plain)
    assert _through_import(record) == _through_import(plain)
    assert _through_amend("case", "category", text) == _through_amend("case", "category", code)


_junk = st.text(alphabet=st.sampled_from("男女中高低人甲xyz_ 0９"), min_size=1, max_size=4)
_not_text = st.one_of(st.integers(), st.booleans(), st.lists(st.just("男"), max_size=2))


@pytest.mark.parametrize("lang", ["en", "zh"])
@settings(max_examples=80, deadline=None)
@given(field=st.sampled_from(RECORD_FIELDS), junk=_junk | _not_text)
def test_a_value_of_no_vocabulary_is_refused_on_every_path_naming_code_and_name(
        lang: str, field: tuple[str, Any, str], junk: Any) -> None:
    set_language(lang)
    kind, where, name_ = field
    if isinstance(junk, str):
        try:
            choices.parse(kind, junk)
        except choices.ChoiceError:
            pass
        else:
            return  # the junk happened to be a name (中 is a risk level)
        with pytest.raises(typer.BadParameter):
            _parser(kind, None)(junk)
    record = _set(case_record(), where, name_, junk)
    for outcome in (_through_file(record), _through_import(record),
                    _through_amend(where, name_, junk)):
        assert outcome[0] == "refused"
        text = outcome[1]
        assert "\n" not in text
        for code in choices.values(kind):
            if lang == "zh":  # by name alone
                assert name(kind, code, "zh") in text, text
            else:
                assert code in text, text


def test_the_clerks_file_in_chinese_is_the_file_in_codes() -> None:
    """The trial's file: every vocabulary value written as the clerk says it."""
    set_language("zh")
    record = case_record(category="邻里纠纷", source="当事人申请", risk_level="中")
    record["parties"][0].update(role="申请人", kind="自然人", sex="男", id_type="居民身份证")
    record["parties"][1].update(role="被申请人", sex="女")
    got = intake.parse_case(record)
    assert (got.category, got.source, got.risk_level) == ("02", "application", "medium")
    assert [(p.role, p.kind, p.sex) for p in got.parties] == [
        ("applicant", "person", "male"), ("respondent", "person", "female")]
    assert choices.category("2") == "02" and normalise.code("０２") == "02"
    # a JSON number as a category, as a clerk may write it, on the file and import paths
    for number, code in ((2, "02"), (99, "99"), (102, "0102")):
        assert intake.parse_case(case_record(category=number)).category == code
        assert _through_import(case_record(category=number)) == _through_import(
            case_record(category=code))

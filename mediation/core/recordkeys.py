"""The keys of an incoming record (``case.json``, a ``case import`` line, a lead's case file, a
party of ``case amend``): a field is keyed by its code (``"role"``) or by its Chinese name, the
name the program shows for it (``"角色"``): the catalogues' ``field.*`` names, the one table that
``case show``, ``case history`` and every refusal name fields by (read here, never copied).

A name is read as the normaliser reads an identifier (full-width brackets and spaces as ASCII:
``涉及金额(元)`` is ``涉及金额（元）``), and a name's bracketed note may be left out (``涉及金额``,
``法定代表人``). :func:`canonical` rewrites a record's keys to codes, in its nested records too
(a party's, a guardian's, a representative's), before the schema reads it, so both spellings
give the same case; a record that keys one field twice (``"name"`` and ``"姓名"``) is refused
(:class:`SameField`). A key that is neither is left as typed, for the schema to refuse it.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any, get_args

from pydantic import BaseModel

from mediation.core import normalise
from mediation.core.i18n import name

_NOTE = re.compile(r"\s*\([^()]*\)$")  # a trailing bracketed note, after folding


class SameField(Exception):
    """A record gives one field under two keys: ``loc`` is the record's place (``[]`` the case,
    ``["parties", "0"]`` its first party), ``keys`` the two keys as typed, ``code`` the field."""

    def __init__(self, loc: list[str], keys: tuple[str, str], code: str) -> None:
        super().__init__(code)
        self.loc, self.keys, self.code = loc, keys, code


def label(code: str) -> str:
    """A field's Chinese name (the key a clerk may write for it), or the code if it has none."""
    return name("field", code, "zh")


def _folded(key: str) -> str:
    return normalise.fold(key).replace(" ", "")


# The other names a clerk's ledger commonly heads a column with (身份证号 for 证件号码): read as
# the field's own name, in every record; the program keeps showing the field's name.
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "id_number": ("身份证号", "身份证号码", "证件号"),
    "phone": ("联系电话", "手机", "手机号", "手机号码", "电话号码"),
    "address": ("住址", "地址"),
    "summary": ("案情", "纠纷简要情况", "基本案情"),
    "requests": ("请求", "诉求", "申请事项"),
    "category": ("类别", "纠纷类型"),
}


@cache
def aliases(model: type[BaseModel]) -> dict[str, str]:
    """The Chinese keys of ``model``'s fields, folded (:func:`_folded`), each to its code: the
    name, the name without its bracketed note, and its :data:`COMMON_NAMES`."""
    out: dict[str, str] = {}
    for code in model.model_fields:
        if label(code) == code:
            continue
        whole = _folded(label(code))
        for form in {whole, _NOTE.sub("", whole), *map(_folded, COMMON_NAMES.get(code, ()))}:
            taken = out.setdefault(form, code)
            assert taken == code and form not in model.model_fields, (model, form)
    return out


def code_of(model: type[BaseModel], key: str) -> str:
    """The field ``key`` names in ``model`` (its code), or ``key`` itself if it names none."""
    if key in model.model_fields:
        return key
    return aliases(model).get(_folded(key), key)


def path_of(model: type[BaseModel], key: str) -> list[str] | None:
    """The field a flat key names, as the codes of its path: ``["phone"]`` for ``电话``, and a
    nested record's field by the record's name and the field's run together
    (``法定代表人职务``, ``representative.title``: ``["representative", "title"]``); None if it
    names none. The one reading of a spreadsheet's column headers (``mediation.ledger``)."""
    code = code_of(model, key)
    if code in model.model_fields:
        return [code]
    folded = _folded(key)
    for code, field in model.model_fields.items():
        inner = _model_in(field.annotation)
        if inner is None:
            continue
        forms = {code, *(form for form, c in aliases(model).items() if c == code)}
        for form in sorted(forms, key=len, reverse=True):
            rest = folded[len(form):].lstrip("._-") if folded.startswith(form) else ""
            if rest and (sub := path_of(inner, rest)) is not None:
                return [code, *sub]
    return None


def canonical(model: type[BaseModel], data: Any, loc: list[str] | None = None) -> Any:
    """``data`` (a record of ``model``, as read from JSON) with every key a code, in its nested
    records too; anything that is not a record is given back as it is (the schema refuses it).
    Raises :class:`SameField` for a field keyed twice."""
    if not isinstance(data, dict):
        return data
    where = loc or []
    out: dict[Any, Any] = {}
    typed: dict[str, str] = {}
    for key, value in data.items():
        code = code_of(model, key) if isinstance(key, str) else key
        if code in typed:
            raise SameField(where, (typed[code], key), code)
        typed[code] = key
        field = model.model_fields.get(code)
        inner = _model_in(field.annotation) if field is not None else None
        if inner is not None and isinstance(value, list):
            value = [canonical(inner, v, [*where, code, str(i)]) for i, v in enumerate(value)]
        elif inner is not None:
            value = canonical(inner, value, [*where, code])
        out[code] = value
    return out


def nested(model: type[BaseModel], loc: list[str]) -> type[BaseModel]:
    """The record type at ``loc`` inside ``model`` (``["parties", "0", "guardian"]``: a party's
    guardian's); as deep as ``loc`` names records."""
    for part in loc:
        if part.isdigit():
            continue
        field = model.model_fields.get(part)
        inner = _model_in(field.annotation) if field is not None else None
        if inner is None:
            break
        model = inner
    return model


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The record type a field holds (``list[PartyIn]``, ``GuardianIn | None``), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def shown(key: str) -> str:
    """A key as typed, as a refusal quotes it: on one line, a character that does not print
    (a line break, a control) written as its escape (``\\r``)."""
    if key.isprintable():
        return key
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in key)

"""JSON typed through a Chinese input method is read as the JSON it stands for (issue 14: a
clerk's `--edit-party '1:{“name”：“张三”}'` was refused), and what stands inside a text is kept
as typed: the one reader, ``jsontext.loads``, for every JSON a user gives."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mediation.core import jsontext

_WIDE = {":": "：", ",": "，", "{": "｛", "}": "｝", "[": "［", "]": "］"}
# Values a clerk types: Chinese with its own punctuation (，：、) and ASCII, never the curly
# quotes themselves (an input method would not nest them in a field's value).
_TEXT = st.text(alphabet=st.sampled_from(list("张三李四调解，：、。 ab1{}[]:,'\"\\")),
                max_size=12)
_VALUE = st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | _TEXT,
                      lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(_TEXT, inner, max_size=3), max_leaves=8)


def _typed_by_input_method(data: Any, wide: list[bool], quotes: tuple[str, str]) -> str:
    """``data`` as JSON with the punctuation outside its texts as an input method gives it."""
    text = json.dumps(data, ensure_ascii=False)
    out: list[str] = []
    inside, i, k = False, 0, 0
    while i < len(text):
        ch = text[i]
        if inside:
            if ch == "\\":
                out.append(text[i:i + 2])
                i += 2
                continue
            if ch == '"':
                inside = False
                out.append(quotes[1])
            else:
                out.append(ch)
        elif ch == '"':
            inside = True
            out.append(quotes[0])
        else:
            out.append(_WIDE.get(ch, ch) if ch in _WIDE and wide[k % len(wide)] else ch)
            k += 1
        i += 1
    return "".join(out)


@given(st.dictionaries(_TEXT, _VALUE, min_size=1, max_size=4),
       st.lists(st.booleans(), min_size=1, max_size=8),
       st.sampled_from([("“", "”"), ("＂", "＂"), ('"', '"'), ("“", "“")]))
def test_input_method_json_reads_as_its_ascii_form(data: dict[str, Any], wide: list[bool],
                                                  quotes: tuple[str, str]) -> None:
    typed = _typed_by_input_method(data, wide, quotes)
    assert jsontext.loads(typed, None) == data, typed


@given(_VALUE)
def test_json_as_written_is_read_unchanged(data: Any) -> None:
    text = json.dumps(data, ensure_ascii=False)
    assert jsontext.loads(text, None) == data
    assert json.loads(jsontext.ascii_punctuation(text)) == data

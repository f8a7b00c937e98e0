"""Under zh a JSON literal a message names (true, false, null) is explained in Chinese beside it,
``true（是）`` (issue 14: the JSON hint left them in English): every catalogue entry, so a new
message that names one cannot leave it bare."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[2] / "data" / "locale" / "zh_CN" / "LC_MESSAGES"
LITERAL = re.compile(r"(?<![A-Za-z])(true|false|null)(?![A-Za-z])")
GLOSS = {"true": "（是）", "false": "（否）", "null": "（空）"}


def test_every_json_literal_in_a_chinese_message_is_explained() -> None:
    bare = []
    for po in sorted(LOCALE.glob("*.po")):
        with po.open("rb") as f:
            for m in read_po(f, locale="zh_CN"):
                text = m.string if isinstance(m.string, str) else " ".join(m.string or ())
                for found in LITERAL.finditer(text or ""):
                    if not text[found.end():].startswith(GLOSS[found.group(1)]):
                        bare.append(f"{po.name}: {text}")
    assert not bare, bare


def test_the_json_hint_reads_in_chinese() -> None:
    import json

    from mediation.core import jsontext
    from mediation.core.i18n import get_language, set_language

    was = get_language()
    set_language("zh")
    try:
        try:
            json.loads("{\"a\": }")
        except json.JSONDecodeError as exc:
            shown = jsontext.problem(exc).render()
        assert "true（是）" in shown and "false（否）" in shown and "null（空）" in shown, shown
    finally:
        set_language(was)

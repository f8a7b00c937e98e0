"""lazyre.lazy: compiled on first use, then the same answers as re.compile's pattern."""

from __future__ import annotations

import re

from mediation.core import lazyre, redaction


def test_compiled_on_first_use_and_same_answers() -> None:
    p = lazyre.lazy(r"(?P<d>\d+)", re.ASCII)
    assert object.__getattribute__(p, "_compiled") is None
    real = re.compile(r"(?P<d>\d+)", re.ASCII)
    for text in ("a12b", "", "٣4"):
        assert p.sub("#", text) == real.sub("#", text)
        assert bool(p.search(text)) == bool(real.search(text))
    assert p.pattern == real.pattern and p.flags == real.flags


def test_masking_patterns_compile_on_first_use() -> None:
    text = "电话 13812345678，身份证 110101199003074514"
    masked = redaction.redact(text, ())
    assert masked is not None
    assert "13812345678" not in masked and "110101199003074514" not in masked

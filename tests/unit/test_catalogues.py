"""The catalogue check compares messages, not the bytes a particular Babel version writes."""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
import catalogues


def _mo(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, cat)
    return buf.getvalue()


def test_the_same_messages_compare_equal_whatever_the_layout() -> None:
    cat = Catalog(locale="zh_CN", domain="t")
    cat.add("state.intake", "登记")
    cat.add("Hello", "你好")
    assert catalogues._mo_messages(_mo(cat)) == catalogues._po_messages(cat)
    cat.add("untranslated", "")
    assert catalogues._mo_messages(_mo(cat)) == catalogues._po_messages(cat)


def test_a_changed_translation_is_stale() -> None:
    cat = Catalog(locale="zh_CN", domain="t")
    cat.add("Hello", "你好")
    old = _mo(cat)
    cat["Hello"].string = "您好"
    assert catalogues._mo_messages(old) != catalogues._po_messages(cat)


def test_the_committed_catalogues_are_current() -> None:
    assert [p for p in catalogues.problems() if "stale" in p] == []


def test_chinese_addresses_the_user_as_nin_never_ni() -> None:
    """Every Chinese entry says 您 to the user, never 你 (issue 14: 回访人（默认为你）)."""
    said = {m: t for m, t in catalogues.known("zh_CN").items() if "你" in t}
    assert said == {}


def test_a_printed_full_copy_does_not_repeat_its_reason() -> None:
    """打印已记录（原因：打印） repeated itself: the printing's reason is always 打印."""
    zh = catalogues.known("zh_CN")
    assert all("原因：打印" not in t for t in zh.values())

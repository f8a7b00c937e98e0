"""`db check` compares the search index with the cases it is made of, and `db reindex` repairs
it (issue 14): a case whose row was changed behind the program's back, or a row of no case, is
reported (exit 4, zh and en); after `db reindex` the check passes."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]
pytestmark = pytest.mark.parametrize("backend", ["sqlite"])  # the index is changed with sqlite3


def test_a_stale_search_index_is_found_and_rebuilt(cli: Cli,
                                                   demo_of: Callable[..., None],
                                                   cli_db: str) -> None:
    demo_of()
    good = json.loads(cli("db", "check", "--json").out)
    index = [c for c in good["checks"] if c["name"] == "search_index"]
    assert index and index[0]["ok"], good
    with sqlite3.connect(cli_db) as db:
        db.execute("UPDATE case_fts SET named = 'x', masked = 'x' WHERE rowid = 1")
        db.execute("INSERT INTO case_fts (rowid, named, masked) VALUES (999, 'a', 'b')")
    for lang, said in (("zh", "搜索索引与案件有 2 处不一致"),
                       ("en", "differs from the cases in 2")):
        bad = cli("--lang", lang, "db", "check")
        assert bad.code == 4 and said in bad.out and "db reindex" in bad.out, bad.out
    detail = json.loads(cli("db", "check", "--json").out)
    assert "case 1: its indexed text differs" in json.dumps(detail)
    fixed = cli("--lang", "zh", "db", "reindex")
    assert fixed.code == 0 and "搜索索引已重建" in fixed.out, fixed.err
    assert cli("db", "check").code == 0
    assert json.loads(cli("case", "search", "张三", "--json").out)

"""``report monthly 11月 月报.xlsx`` (issue 14, the fifth clerk's trial: ``stats 上月`` works,
so the clerk typed ``report monthly 11月 m11.xlsx``: 多余的参数, and ``report monthly 上月``:
文件名须以 .xlsx 结尾). The period may be typed before the file, as ``stats`` takes it, for the
monthly, quarterly and yearly forms; a .xlsx name alone is still the file; the period twice is
a usage error, one line, nothing written."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def demo(cli: Cli) -> Cli:
    assert cli("demo", "--quiet").code == 0
    return cli


def _period(cli: Cli, *args: str) -> str:
    done = cli("report", *args, "--json")
    assert done.code == 0, done.err
    data = json.loads(done.out)
    return f"{data['period']['from']}..{data['period']['to']}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_period_before_the_file(demo: Cli, tmp_path: Path, lang: str,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the file named for the report is written here
    L = ("--lang", lang)
    for kind, typed, option in (("monthly", "上月", "--month"), ("monthly", "11月", "--month"),
                                ("quarterly", "上季度", "--quarter"), ("yearly", "去年", "--year")):
        out = tmp_path / f"{kind}-{typed}.xlsx"
        assert _period(demo, kind, typed, str(out), *L) == \
            _period(demo, kind, option, typed, str(tmp_path / f"o-{kind}-{typed}.xlsx"), *L)
        assert out.is_file() and out.stat().st_mode & 0o777 == 0o600
        default = _period(demo, kind, typed, "--force", *L)  # the file named for the report
        assert default == _period(demo, kind, option, typed, "--force", *L)
    alone = tmp_path / "上月报表.xlsx"
    assert demo(*L, "report", "monthly", str(alone)).code == 0 and alone.is_file()
    twice = demo(*L, "report", "monthly", "10月", str(tmp_path / "x.xlsx"), "--month", "11月")
    assert twice.code == 2 and len(twice.err.strip().splitlines()) == 1, twice.err
    assert ("期间给了两次" if lang == "zh" else "given twice") in twice.err
    assert not (tmp_path / "x.xlsx").exists()

"""Issue 14 (a clerk's trial): ``case new --file`` refused ``"discovered_at": "昨天下午3点半"``,
which ``--at`` reads. A record's date-time is read by THE reader of a typed moment
(mediation.core.moments), as ``--at`` reads it (cli.options.parse_at): for every written form of
a past moment (ISO, 年月日, a day without its year, 今天/昨天/前天, 下午3点半, full width ...),
``case.json``, a ``case import`` line and the CLI read the same instant. An unknown key is
refused listing the keys allowed in its place, on one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli import options
from mediation import bulk_validation, intake
from mediation.core import recordkeys
from mediation.core.calendar import DEFAULT
from mediation.core.clock import utcnow
from mediation.core.errors import InvalidInput
from mediation.core.i18n import set_language
from tests.conftest import case_record
from tests.property.test_moments import _WIDE, _clock_forms, _day_forms, _joined

KEY = b"k" * 32
_WORDS = {0: "今天", 1: "昨天", 2: "前天", 3: "大前天"}


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> Iterator[date]:
    """The committee's today, for ``--at`` as for a record (Asia/Shanghai, the default)."""
    day = DEFAULT.local_date(utcnow())
    monkeypatch.setattr(options, "committee_today", lambda: day)
    yield day


def _written(t: datetime, today: date, data: st.DataObject) -> str:
    """A way a clerk writes ``t`` (a past wall time of the committee's zone)."""
    back = (today - t.date()).days
    days = _day_forms(t.date())
    if back < 300:  # a day without its year is the nearest on or before today
        days += _day_forms(t.date(), year=False)
    if back in _WORDS:
        days.append(_WORDS[back])
    day = data.draw(st.sampled_from(days))
    if data.draw(st.booleans()):
        return day  # a day alone: its 00:00
    clock = data.draw(st.sampled_from(_clock_forms(t)))
    written = data.draw(st.sampled_from(_joined(day, clock)))
    return written.translate(_WIDE) if data.draw(st.booleans()) else written


def _import(record: dict[str, object]) -> object:
    item = bulk_validation.prepare(1, json.dumps(record, ensure_ascii=False), KEY)
    return item.message if isinstance(item, bulk_validation.Rejected) else item[1:]


@given(back=st.integers(min_value=60, max_value=700 * 24 * 60), data=st.data())
def test_discovered_at_is_read_as_at_reads_it(today: date, back: int,
                                              data: st.DataObject) -> None:
    now = DEFAULT.local(utcnow()).replace(tzinfo=None)
    t = (now - timedelta(minutes=back)).replace(second=0, microsecond=0)
    written = data.draw(st.sampled_from([_written(t, today, data)]))
    at = options.parse_at(written)  # the CLI's --at
    assert at is not None
    wall = at if isinstance(at, datetime) else datetime(at.year, at.month, at.day)
    assert wall == (t if isinstance(at, datetime) else datetime(t.year, t.month, t.day))
    by_file = intake.parse_case(case_record(discovered_at=written))
    assert by_file.discovered_at == DEFAULT.to_utc(wall), written
    iso = case_record(discovered_at=wall.isoformat())
    assert _import(case_record(discovered_at=written)) == _import(iso)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_clerks_file(today: date, lang: str) -> None:
    """The trial's file: 昨天下午3点半 and a party's kind 个人 (自然人)."""
    set_language(lang)
    record = case_record(discovered_at="昨天下午3点半")
    record["parties"][0]["kind"] = "个人"
    got = intake.parse_case(record)
    assert got.discovered_at == DEFAULT.to_utc(datetime.combine(
        today - timedelta(days=1), datetime.min.time()).replace(hour=15, minute=30))
    assert got.parties[0].kind == "person"


@pytest.mark.parametrize(("where", "keys"), [
    ((), ("category", "discovered_at", "parties")),
    ((0,), ("role", "kind", "birth_date", "guardian", "representative")),
    ((0, "guardian"), ("name", "relation", "phone")),
])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_unknown_key_is_refused_listing_the_keys(lang: str, where: tuple[object, ...],
                                                    keys: tuple[str, ...]) -> None:
    set_language(lang)
    record = case_record()
    place: dict[str, object] = record
    if where:
        place = record["parties"][0]
        if len(where) > 1:
            place["guardian"] = {"name": "张父", "relation": "父亲"}
            place = place["guardian"]  # type: ignore[assignment]
    place["colour"] = "red"
    with pytest.raises(InvalidInput) as refused:
        intake.parse_case(record)
    said = refused.value.render()
    assert "\n" not in said and "colour" in said
    assert ("可用的键：" if lang == "zh" else "the keys allowed here: ") in said, said
    for key in keys:  # under zh by the Chinese names a clerk may write for them
        assert (recordkeys.label(key) if lang == "zh" else key) in said, said
    assert str(_import(record)).split("：" if lang == "zh" else ": ", 1)[1] == \
        said.split("：" if lang == "zh" else ": ", 1)[1]  # line 1 / case.json

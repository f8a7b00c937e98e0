"""THE reader of a typed moment (mediation.core.moments, issue 14): every written form of a
date and time a clerk types -- ISO, slashes, dots, 年月日, full-width, 上午/下午/晚上/中午, N点半,
N点M分, N时M分, am/pm, 今天/昨天/明天, Chinese numerals (三点半, 十点一刻, 九点零五分,
两点), 一刻/三刻, days of the week (周五, 星期五, 礼拜五, 上周五, 下周一, 这周三), a time alone
(today's) -- reads back to the same instant; a day without its year or a bare day of the week
falls on the side of today its option looks to; anything else is Unreadable naming the forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mediation.core import moments, zhnum
from mediation.core.i18n import Msg

_WIDE = str.maketrans("0123456789:-/. ", "０１２３４５６７８９：－／．\u3000")


def _zh(n: int) -> str:
    """An hour in Chinese numerals as said: 零, 九, 十二, 二十三."""
    return zhnum.small_number(n) if n else "零"


def _zh_minute(n: int) -> str:
    """A minute in Chinese numerals as said: 零五, 十五, 四十五."""
    return "零" + zhnum.small_number(n) if 0 < n < 10 else _zh(n)


def _zh_forms(h: int, m: int, before: str = "") -> list[str]:
    """The hour ``h`` (as said after ``before``, 下午) and minute ``m`` in Chinese numerals
    and with 刻, 半."""
    hours = [_zh(h), f"{h}"] + (["两"] if h == 2 else [])
    forms = [f"{before}{hz}点{_zh_minute(m)}分" for hz in hours[:1]]
    forms += [f"{before}{hz}点{_zh_minute(m)}" for hz in hours if m]
    if m == 0:
        forms += [f"{before}{hz}点" for hz in hours] + [f"{before}{_zh(h)}点整"]
    if m == 30:
        forms += [f"{before}{hz}点半" for hz in hours]
    if m in (15, 45):
        forms += [f"{before}{hz}点{'一' if m == 15 else '三'}刻" for hz in hours]
    return forms


def _bare_hours(h: int) -> list[int]:
    """The hours written with 点/时 and no part of the day that mean ``h`` by THE bare-hour
    rule: 1-6 are 13:00-18:59 (15 is 15点 or 3点), 7-11 the morning, 12 noon, 0 and 19-23
    as written; 01:00-06:59 has none (凌晨3点 says it)."""
    if 1 <= h <= 6:
        return []
    return [h] + ([h - 12] if 13 <= h <= 18 else [])


def _clock_forms(t: datetime) -> list[str]:
    h, m = t.hour, t.minute
    forms = [f"{h:02d}:{m:02d}", f"{h}:{m:02d}", f"{h:02d}:{m:02d}:00"]
    for b in _bare_hours(h):
        forms += [f"{b}时{m}分", f"{b}点{m}分"]
        if m == 0:
            forms += [f"{b}点", f"{b}时", f"{b}点整"]
        if m == 30:
            forms += [f"{b}点半", f"{b}时半"]
    if 1 <= h <= 5:
        forms += [f"凌晨{h}点{m}分", *_zh_forms(h, m, "凌晨")]
    if 1 <= h <= 11:
        forms += [f"上午{h}点{m}分", f"上午 {h}:{m:02d}", f"{h}:{m:02d} am", f"{h}:{m:02d}am"]
    if 13 <= h <= 23:
        forms += [f"下午{h - 12}点{m}分", f"下午 {h - 12}:{m:02d}", f"{h - 12}:{m:02d} pm",
                  f"{h - 12}:{m:02d} p.m."]
        if m == 30:
            forms.append(f"下午{h - 12}点半")
        if m == 0:
            forms.append(f"{h - 12}pm")
    if 18 <= h <= 23:
        forms.append(f"晚上{h - 12}点{m}分")
    if h == 12:
        forms += [f"中午12点{m}分", f"12:{m:02d} pm"]
    if h == 13:
        forms.append(f"中午1点{m}分")
    if h == 0:
        forms += [f"凌晨12点{m}分", f"12:{m:02d} am", f"凌晨0点{m}分"]
    for b in _bare_hours(h):
        forms += _zh_forms(b, m)
    if 1 <= h <= 11:
        forms += _zh_forms(h, m, "上午")
    if 13 <= h <= 23:
        forms += _zh_forms(h - 12, m, "下午")
    return forms


def _day_forms(d: date, *, year: bool = True) -> list[str]:
    y = f"{d.year}" if year else ""
    if not year:
        return [f"{d.month}-{d.day}", f"{d.month:02d}-{d.day:02d}", f"{d.month}/{d.day}",
                f"{d.month}.{d.day}", f"{d.month}月{d.day}日", f"{d.month}月{d.day}号"]
    return [d.isoformat(), f"{y}/{d.month}/{d.day}", f"{y}.{d.month:02d}.{d.day:02d}",
            f"{y}年{d.month}月{d.day}日", f"{y}年{d.month:02d}月{d.day:02d}号",
            f"{y} 年 {d.month} 月 {d.day} 日"]


def _joined(day: str, clock: str) -> list[str]:
    out = [f"{day} {clock}"]
    if day[-1] in "日号天一二三四五六":
        out.append(f"{day}{clock}")
    if day[-1].isdigit() and clock[0].isdigit() and ":" in clock:
        out.append(f"{day}T{clock}")
    return out


moments_ = st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2098, 12, 31)).map(
    lambda t: t.replace(second=0, microsecond=0))


@given(moments_, st.data())
def test_every_written_form_of_a_date_and_time_reads_back_the_same(
        t: datetime, data: st.DataObject) -> None:
    day = data.draw(st.sampled_from(_day_forms(t.date())))
    clock = data.draw(st.sampled_from(_clock_forms(t)))
    written = data.draw(st.sampled_from(_joined(day, clock)))
    wide = data.draw(st.booleans())
    if wide:
        written = written.translate(_WIDE)
    for toward in (moments.BACK, moments.AHEAD):
        assert moments.parse(written, today=date(2026, 12, 1), toward=toward) == t, written


@given(moments_.map(lambda t: t.date()), st.data())
def test_every_written_form_of_a_date_reads_back_as_a_date(d: date, data: st.DataObject
                                                           ) -> None:
    written = data.draw(st.sampled_from(_day_forms(d)))
    if data.draw(st.booleans()):
        written = written.translate(_WIDE)
    assert moments.parse(written, today=date(2026, 12, 1)) == d
    assert moments.parse_day(written, today=date(2026, 12, 1)) == d


@given(moments_, st.integers(min_value=-3, max_value=3), st.data())
def test_a_day_without_its_year_or_named_by_a_word_is_placed_by_the_one_rule(
        t: datetime, offset: int, data: st.DataObject) -> None:
    """Today is ``t``'s day moved by ``offset``: BACK puts a day without its year on or before
    today, AHEAD on or after it, each the nearest such day; 今天/昨天/明天 ... are counted from
    today whatever the side."""
    today = t.date() + timedelta(days=offset)
    clock = data.draw(st.sampled_from(_clock_forms(t)))
    day = data.draw(st.sampled_from(_day_forms(t.date(), year=False)))
    written = data.draw(st.sampled_from(_joined(day, clock)))
    back = moments.parse(written, today=today, toward=moments.BACK)
    ahead = moments.parse(written, today=today, toward=moments.AHEAD)
    assert isinstance(back, datetime) and isinstance(ahead, datetime)
    assert back.date() <= today <= ahead.date()
    assert (back.month, back.day, back.time()) == (t.month, t.day, t.time())
    assert (ahead.month, ahead.day, ahead.time()) == (t.month, t.day, t.time())
    assert t.date() in (back.date(), ahead.date())  # the nearest: never a year further
    words = {-3: "大前天", -2: "前天", -1: "昨天", 0: "今天", 1: "明天", 2: "后天", 3: "大后天"}
    word = words[-offset]
    assert moments.parse(f"{word} {clock}", today=today) == t
    assert moments.parse(f"{word}{clock}", today=today) == t
    assert moments.parse(word, today=today) == t.date()


def test_the_clock_forms_include_the_trials() -> None:
    """The generator above writes what the second trial typed (issue 14)."""
    written = {f for h, m in ((15, 0), (15, 30), (10, 15), (15, 15), (15, 45), (9, 5), (12, 0),
                              (14, 0), (20, 0)) for f in _clock_forms(datetime(2026, 12, 1, h, m))}
    assert {"下午三点", "三点半", "十点一刻", "3点一刻", "3点三刻", "九点零五分", "十二点", "两点",
            "二十点"} <= written


@given(moments_, st.data())
def test_a_time_alone_is_today_on_either_side(t: datetime, data: st.DataObject) -> None:
    """8点, 15:30, 下午三点 alone: that time of the committee's today, for a step (BACK) and
    for an appointment (AHEAD) alike."""
    written = data.draw(st.sampled_from(_clock_forms(t)))
    if data.draw(st.booleans()):
        written = written.translate(_WIDE)
    for toward in (moments.BACK, moments.AHEAD):
        assert moments.parse(written, today=t.date(), toward=toward) == t, written
    with pytest.raises(moments.Unreadable, match="is not a date:"):
        moments.parse_day(written, today=t.date())


_WEEK = "一二三四五六日"


def _weekday_forms(d: date) -> list[str]:
    """The bare ways to say ``d``'s day of the week: 周五, 星期五, 礼拜五, 周5, friday."""
    zh = _WEEK[d.weekday()]
    forms = [f"周{zh}", f"星期{zh}", f"礼拜{zh}", f"周{d.weekday() + 1}",
             d.strftime("%A").lower()]
    if zh == "日":
        forms += ["周天", "星期天", "礼拜天"]
    return forms


@given(moments_, st.integers(min_value=-13, max_value=13), st.booleans(), st.data())
def test_a_day_of_the_week_is_placed_by_the_one_rule(
        t: datetime, offset: int, timed: bool, data: st.DataObject) -> None:
    """Today is ``t``'s day moved by ``offset``. 上周五/这周五/本周五/下周五 name the Friday of
    the week before, this week, the week after (weeks begin on Monday) on either side; a bare
    周五 is the latest Friday on or before today (BACK) or the next on or after it (AHEAD)."""
    today = t.date() + timedelta(days=offset)
    weeks = ((t.date() - timedelta(days=t.weekday()))
             - (today - timedelta(days=today.weekday()))).days // 7
    bare = data.draw(st.sampled_from(_weekday_forms(t.date())))
    clock = data.draw(st.sampled_from(_clock_forms(t))) if timed else ""
    expected = t if timed else t.date()

    def read(day: str, toward: str) -> date:
        written = data.draw(st.sampled_from(_joined(day, clock))) if timed else day
        return moments.parse(written, today=today, toward=toward)

    if bare[0] in "周星礼" and abs(weeks) <= 1:
        prefix = data.draw(st.sampled_from({-1: ["上"], 0: ["这", "本"], 1: ["下"]}[weeks]))
        for toward in (moments.BACK, moments.AHEAD):
            assert read(prefix + bare, toward) == expected
    back, ahead = read(bare, moments.BACK), read(bare, moments.AHEAD)
    back_day = back.date() if isinstance(back, datetime) else back
    ahead_day = ahead.date() if isinstance(ahead, datetime) else ahead
    assert back_day <= today <= ahead_day and (ahead_day - back_day).days in (0, 7)
    assert back_day.weekday() == ahead_day.weekday() == t.weekday()
    if -6 <= offset <= 0:
        assert ahead == expected
    if 0 <= offset <= 6:
        assert back == expected


EXAMPLES = [  # the clerk's trial (issue 14), today 2026-12-01
    ("12-05 09:30", moments.AHEAD, datetime(2026, 12, 5, 9, 30)),
    ("12月3日 9:30", moments.AHEAD, datetime(2026, 12, 3, 9, 30)),
    ("12月3日", moments.AHEAD, date(2026, 12, 3)),
    ("今天", moments.BACK, date(2026, 12, 1)),
    ("11-30 下午3点", moments.BACK, datetime(2026, 11, 30, 15, 0)),
    ("2026年12月1日21时50分", moments.BACK, datetime(2026, 12, 1, 21, 50)),
    ("明天 9点半", moments.AHEAD, datetime(2026, 12, 2, 9, 30)),
    ("12月5日 上午9:30", moments.AHEAD, datetime(2026, 12, 5, 9, 30)),
    ("2026年11月29日", moments.BACK, date(2026, 11, 29)),
    ("２０２６－１１－２８　１５：００", moments.BACK, datetime(2026, 11, 28, 15, 0)),
    ("11-28 下午3点", moments.AHEAD, datetime(2027, 11, 28, 15, 0)),
    # the second trial (issue 14), a Tuesday
    ("下午三点", moments.BACK, datetime(2026, 12, 1, 15, 0)),
    ("8点", moments.AHEAD, datetime(2026, 12, 1, 8, 0)),
    ("周五 9点", moments.AHEAD, datetime(2026, 12, 4, 9, 0)),
    ("周五 9点", moments.BACK, datetime(2026, 11, 27, 9, 0)),
    ("周二", moments.BACK, date(2026, 12, 1)),
    ("周二", moments.AHEAD, date(2026, 12, 1)),
    ("上周五", moments.AHEAD, date(2026, 11, 27)),
    ("下周一 上午十点", moments.BACK, datetime(2026, 12, 7, 10, 0)),
    ("周三十点", moments.AHEAD, datetime(2026, 12, 2, 10, 0)),
    ("今天 8点", moments.BACK, datetime(2026, 12, 1, 8, 0)),
    ("大后天", moments.BACK, date(2026, 12, 4)),
]


@pytest.mark.parametrize(("typed", "toward", "expected"), EXAMPLES)
def test_the_clerks_examples(typed: str, toward: str, expected: date) -> None:
    assert moments.parse(typed, today=date(2026, 12, 1), toward=toward) == expected


def test_an_offset_is_kept() -> None:
    found = moments.parse("2026-11-28T15:00:00+08:00", today=date(2026, 12, 1))
    assert isinstance(found, datetime) and found.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize("typed", [
    "garbage", "上周", "2026-11-28 25:00", "2026-11-28 9:61", "上午15点", "晚上12点",
    "下午0点", "11-2815:00", "下午3点pm", "2026-11", "明天 下午", "2026-11-28 15",
    "13pm", "周八", "下下周一", "十十点", "两十点", "三十点", "九点六十分", "上午十五点", "周"])
def test_garbage_is_unreadable_naming_the_forms(typed: str) -> None:
    with pytest.raises(moments.Unreadable) as caught:
        moments.parse(typed, today=date(2026, 12, 1))
    forms = caught.value.message.params["forms"]
    assert isinstance(forms, Msg) and forms.id == moments.MOMENT_BACK
    assert forms.params["iso"] == "2026-11-29" and forms.params["zhwd"] == "周六"


@pytest.mark.parametrize(("toward", "times", "template", "iso", "zhmd", "wd"), [
    (moments.BACK, True, moments.MOMENT_BACK, "2026-11-29", "11月27日", "saturday"),
    (moments.AHEAD, True, moments.MOMENT_AHEAD, "2026-12-03", "12月5日", "friday"),
    (moments.BACK, False, moments.DAY_BACK, "2026-11-29", "11月27日", "saturday"),
    (moments.AHEAD, False, moments.DAY_AHEAD, "2026-12-03", "12月5日", "friday")])
def test_a_refusal_offers_days_on_the_options_side(toward: str, times: bool, template: str,
                                                   iso: str, zhmd: str, wd: str) -> None:
    """The refusal's examples are counted from today (Tuesday 2026-12-01) on the side the
    option looks to (a step is offered 昨天 and past days, an appointment 明天 and days to
    come), each of them read back by the reader itself to a day on that side."""
    read = moments.parse if times else moments.parse_day
    with pytest.raises(moments.Unreadable) as caught:
        read("garbage", today=date(2026, 12, 1), toward=toward)
    forms = caught.value.message.params["forms"]
    assert isinstance(forms, Msg) and forms.id == template
    assert (forms.params["iso"], forms.params["zhmd"], forms.params["wd"]) == (iso, zhmd, wd)
    for lang in ("zh", "en"):
        for example in forms.render(lang).replace("、", ", ").split(", "):
            example = example.split(" (")[0]
            found = read(example, today=date(2026, 12, 1), toward=toward)
            day = found.date() if isinstance(found, datetime) else found
            assert (day < date(2026, 12, 1)) if toward == moments.BACK else (
                day > date(2026, 12, 1)), (lang, example)


@pytest.mark.parametrize("typed", ["2026-02-30", "2-30", "13-01", "2026年2月30日 9点"])
def test_a_date_that_does_not_exist_is_unreadable(typed: str) -> None:
    with pytest.raises(moments.Unreadable, match="not a real date"):
        moments.parse(typed, today=date(2026, 12, 1))


def test_a_date_option_refuses_a_time() -> None:
    with pytest.raises(moments.Unreadable, match="is not a date:"):
        moments.parse_day("2026-11-28 15:00", today=date(2026, 12, 1))


def test_today_is_asked_only_when_needed() -> None:
    def no_today() -> date:
        raise AssertionError("asked")

    ask: Callable[[], date] = no_today
    assert moments.parse("2026-11-28 9点", today=ask) == datetime(2026, 11, 28, 9)


@given(st.integers(min_value=0, max_value=23), st.integers(min_value=0, max_value=59),
       st.sampled_from(["", "上午", "早上", "凌晨", "中午", "下午", "傍晚", "晚上"]),
       st.booleans(), st.data())
def test_a_bare_hour_means_working_hours(h: int, m: int, part: str, zh: bool,
                                         data: st.DataObject) -> None:
    """THE bare-hour rule (a clerk's trial: 3点一刻 typed at 17:09 was stored as 03:15): an
    hour said with 点/时 and no part of the day, 1-6, is 13:00-18:59; 7-11 the morning; 12
    noon; 0 and 13-23 as said. A part of the day overrides it (凌晨3点 03:00, 上午6点 06:00);
    a clock reading with a colon (3:15) is read as written."""
    said = _zh(h) if zh else str(h)
    unit = data.draw(st.sampled_from(["点", "时"]))
    written = f"{part}{said}{unit}{_zh_minute(m) if zh else m}分"
    today = date(2026, 12, 1)
    try:
        got = moments.parse(written, today=today)
    except moments.Unreadable:
        assert part, written  # only a part of the day can contradict an hour (上午15点)
        return
    assert isinstance(got, datetime) and got.minute == m
    if not part:
        assert got.hour == (h + 12 if 1 <= h <= 6 else h), written
    elif part in ("凌晨", "上午", "早上") and h <= 11:
        assert got.hour == (0 if part == "凌晨" and h == 12 else h), written
    elif part in ("下午", "傍晚", "晚上") and 1 <= h <= 11:
        assert got.hour == h + 12, written
    if 1 <= h <= 9:
        colon = moments.parse(f"{h}:{m:02d}", today=today)
        assert isinstance(colon, datetime) and colon.hour == h


def test_the_trials_bare_hours() -> None:
    """3点一刻 at 17:09 is 15:15 that day; 两点 14:00; 凌晨3点 03:00; 12点 noon; 9点 09:00."""
    today = date(2026, 12, 1)
    assert moments.parse("3点一刻", today=today) == datetime(2026, 12, 1, 15, 15)
    assert moments.parse("今天三点一刻", today=today) == datetime(2026, 12, 1, 15, 15)
    assert moments.parse("两点", today=today) == datetime(2026, 12, 1, 14, 0)
    assert moments.parse("6点59分", today=today) == datetime(2026, 12, 1, 18, 59)
    assert moments.parse("凌晨3点", today=today) == datetime(2026, 12, 1, 3, 0)
    assert moments.parse("上午6点", today=today) == datetime(2026, 12, 1, 6, 0)
    assert moments.parse("12点", today=today) == datetime(2026, 12, 1, 12, 0)
    assert moments.parse("7点", today=today) == datetime(2026, 12, 1, 7, 0)
    assert moments.parse("3:15", today=today) == datetime(2026, 12, 1, 3, 15)

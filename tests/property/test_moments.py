"""THE reader of a typed moment (mediation.core.moments, issue 14): every written form of a
date and time a clerk types -- ISO, slashes, dots, 年月日, full-width, every part of the day
(凌晨 早上 早晨 上午 中午 下午 傍晚 晚上 夜里 半夜 深夜; 今晚, 昨晚 ...), N点半, N点M分, N点零M分,
N点钟, N点过M分, N时M分, am/pm, 今天/昨天/明天, Chinese numerals (三点半, 十点一刻, 九点零五分,
两点), 一刻/三刻/1刻, days of the week (周五, 星期五, 礼拜五, 上周五, 下周一, 这周三), a time
alone (today's), the night after a day (晚上12点, 半夜1点: the next day's) -- reads back to the
same instant; a part of the day with an hour it does not say (中午3点) or without an hour is
refused naming what to write; a day without its year or a bare day of the week
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
    for b in _bare_hours(h):  # the third trial (issue 14): 3点钟, 3点零5分, 3点过5分, 3点1刻
        if m == 0:
            forms += [f"{b}点钟", f"{_zh(b)}点钟"]
        if 0 < m < 10:
            forms += [f"{b}点零{m}分", f"{b}点{m:02d}分", f"{_zh(b)}点零{m}"]
        if m:
            forms.append(f"{b}点过{m}分")
        if m in (15, 45):
            forms += [f"{b}点{m // 15}刻", f"{b}点过{'一' if m == 15 else '三'}刻"]
    for part, said in _parts_saying(h):
        forms += [f"{part}{said}点{m}分", f"{part} {said}:{m:02d}", f"{part}{said}点零{m}分"
                  if 0 < m < 10 else f"{part}{said}点{m:02d}分", *_zh_forms(said, m, part)]
        if m == 0:
            forms.append(f"{part}{said}点钟")
    return forms


# THE parts of the day and the hours of the day named each says (the oracle of the reader's
# table, mediation.core.moments._PARTS); the night's hours after midnight are the next day's
# (:data:`NIGHT`).
WINDOWS = {"凌晨": range(0, 8), "早上": range(1, 12), "早晨": range(1, 12), "上午": range(1, 13),
           "中午": range(11, 15), "下午": range(12, 24), "傍晚": range(13, 24),
           "晚上": range(17, 24), "夜里": range(19, 24), "半夜": range(21, 24),
           "深夜": range(21, 24)}
NIGHT = ("晚上", "夜里", "半夜", "深夜")


def _said(h: int) -> list[int]:
    """The hours a clock said with a part of the day may mean ``h`` by: 15 as 15 or 3, 0 as 0
    or 12."""
    return [h] + ([h - 12] if h > 12 else []) + ([12] if h == 0 else [])


def _parts_saying(h: int) -> list[tuple[str, int]]:
    """(part, hour said) that mean ``h`` on the day named: 下午3点, 下午15点, 中午1点, 凌晨12点."""
    return [(p, s) for p, hours in WINDOWS.items() if h in hours for s in _said(h)]


def _night_forms(t: datetime) -> list[str]:
    """The ways to say ``t`` (00:00 to 04:59) as the night after the day before: 晚上12点,
    夜里1点半, 半夜十二点, 深夜2:30."""
    h, m = t.hour, t.minute
    if h > 4:
        return []
    forms = []
    for part in NIGHT:
        for said in ([12, 0] if h == 0 else [h]):
            forms += [f"{part}{said}点{m}分", f"{part} {said}:{m:02d}", *_zh_forms(said, m, part)]
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


def test_the_clock_forms_include_the_third_trial() -> None:
    """The generators write what the third trial typed (issue 14): 零 before a minute in
    figures, 点钟, every part of the day, the night's 12点 and 1点."""
    written = {f for h, m in ((15, 5), (12, 30), (0, 0), (23, 0), (18, 0), (7, 0), (20, 0),
                              (15, 0), (15, 15))
               for f in _clock_forms(datetime(2026, 12, 1, h, m))}
    assert {"3点零5分", "3点05分", "三点零五", "中午12点半", "凌晨12点", "夜里11点", "傍晚6点",
            "早上7点", "晚上8点", "3点整", "3点钟", "深夜11点", "3点1刻"} <= written
    night = {f for h in (0, 1) for f in _night_forms(datetime(2026, 12, 2, h, 0))}
    assert {"晚上12点", "半夜1点", "夜里十二点", "深夜1点"} <= night


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
    "garbage", "上周", "2026-11-28 25:00", "2026-11-28 9:61", "11-2815:00", "下午3点pm",
    "2026-11", "2026-11-28 15", "13pm", "周八", "下下周一", "十十点", "两十点", "三十点",
    "九点六十分", "周", "3点半钟", "差5分3点"])
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
       st.sampled_from(["", *WINDOWS]), st.booleans(), st.data())
def test_a_bare_hour_means_working_hours(h: int, m: int, part: str, zh: bool,
                                         data: st.DataObject) -> None:
    """THE bare-hour rule (a clerk's trial: 3点一刻 typed at 17:09 was stored as 03:15): an
    hour said with 点/时 and no part of the day, 1-6, is 13:00-18:59; 7-11 the morning; 12
    noon; 0 and 13-23 as said. A part of the day says which (凌晨3点 03:00, 上午6点 06:00,
    :func:`test_a_part_of_the_day_reads_only_an_hour_it_says`); a clock reading with a colon
    (3:15) is read as written."""
    said = _zh(h) if zh else str(h)
    unit = data.draw(st.sampled_from(["点", "时"]))
    written = f"{part}{said}{unit}{_zh_minute(m) if zh else m}分"
    today = date(2026, 12, 1)
    if part:
        _reads_as_the_part_says(written, part, h, m, today)
        return
    got = moments.parse(written, today=today)
    assert isinstance(got, datetime) and got.minute == m and got.date() == today
    assert got.hour == (h + 12 if 1 <= h <= 6 else h), written
    if 1 <= h <= 9:
        colon = moments.parse(f"{h}:{m:02d}", today=today)
        assert isinstance(colon, datetime) and colon.hour == h


def _reads_as_the_part_says(written: str, part: str, said: int, m: int, day: date) -> None:
    """``written`` (``part``, the hour ``said``, minute ``m``, on ``day``) is the one hour of
    the part's window the clock may mean (:func:`_said`), on ``day``; or, in the night, 12点/0点
    to 4点 on the day after; else refused naming two readings, each read back as it says."""
    meant = [h for h in range(24) if said in _said(h) and h in WINDOWS[part]]
    after = part in NIGHT and said in (0, 12, 1, 2, 3, 4)
    try:
        got = moments.parse(written, today=day)
    except moments.Unreadable as refused:
        assert not meant and not after, written
        p = refused.message.params
        for example, clock in ((p["early"], p["am"]), (p["late"], p["pm"])):
            read = moments.parse(str(example), today=day)
            assert isinstance(read, datetime) and f"{read:%H:%M}" == clock, (written, example)
        return
    assert isinstance(got, datetime) and got.minute == m, written
    if after:
        assert (got.date(), got.hour) == (day + timedelta(days=1), said % 12), written
    else:
        assert len(meant) == 1 and (got.date(), got.hour) == (day, meant[0]), written


@given(st.sampled_from(list(WINDOWS)), st.integers(min_value=0, max_value=23),
       st.integers(min_value=0, max_value=59), st.sampled_from(["", "今天", "12月1日", "周二 "]),
       st.booleans())
def test_a_part_of_the_day_reads_only_an_hour_it_says(part: str, said: int, m: int, day: str,
                                                      zh: bool) -> None:
    """Every part of the day (凌晨 早上 早晨 上午 中午 下午 傍晚 晚上 夜里 半夜 深夜) with
    every hour: read as the part says (中午1点 13:00, 夜里11点 23:00, 晚上12点 the next day's
    00:00, 半夜1点 the next day's 01:00), never another hour (the third trial: 中午3点 was
    stored as 03:00, 夜里1点 as 13:00); an hour the part does not say is refused."""
    written = f"{day}{part}{_zh(said) if zh else said}点{_zh_minute(m) if zh else m}分"
    _reads_as_the_part_says(written, part, said, m, date(2026, 12, 1))


@pytest.mark.parametrize("part", list(WINDOWS))
@pytest.mark.parametrize("day", ["", "明天", "明天 ", "12月1日", "周五"])
def test_a_part_of_the_day_without_its_hour_is_refused_naming_one(part: str, day: str) -> None:
    """明天下午, 半夜: refused in one line naming the part and an example, which reads."""
    with pytest.raises(moments.Unreadable) as caught:
        moments.parse(f"{day}{part}", today=date(2026, 12, 1))
    p = caught.value.message.params
    assert p["part"] == part and isinstance(moments.parse(str(p["example"]),
                                                          today=date(2026, 12, 1)), datetime)
    with pytest.raises(moments.Unreadable, match="is not a date:"):
        moments.parse_day(f"{day}{part}", today=date(2026, 12, 1))


@given(moments_.filter(lambda t: t.hour <= 4), st.data())
def test_the_night_is_the_night_after_the_day_named(t: datetime, data: st.DataObject) -> None:
    """晚上12点, 夜里1点半, 半夜十二点, 深夜2:30 after a day are the small hours of the next:
    12月1日晚上12点 is 12-02 00:00; a time alone is tonight's (today 12-01: 12-02 00:00), 昨天
    晚上12点 and 昨晚12点 last night's; 凌晨 names the day's own (12月2日凌晨0点)."""
    night = data.draw(st.sampled_from(_night_forms(t)))
    before = t.date() - timedelta(days=1)
    day = data.draw(st.sampled_from(_day_forms(before)))
    written = data.draw(st.sampled_from([f"{day} {night}", f"{day}{night}"]))
    if data.draw(st.booleans()):
        written = written.translate(_WIDE)
    for toward in (moments.BACK, moments.AHEAD):
        assert moments.parse(written, today=before, toward=toward) == t, written
    alone = moments.parse(night, today=before)
    assert alone == t and isinstance(alone, moments.TimeAlone) and alone.typed == night
    for word in ("昨天", "昨天 ", "昨"):
        yesterday = night.replace("晚上", "晚") if word == "昨" else night
        if word == "昨" and not yesterday.startswith("晚"):
            continue
        assert moments.parse(f"{word}{yesterday}", today=t.date()) == t, (word, yesterday)


@pytest.mark.parametrize(("said", "meant"), [
    ("今晚8点", "今天晚上8点"), ("昨晚11点半", "昨天晚上11点半"), ("明晚七点", "明天晚上七点"),
    ("今早8点", "今天早上8点"), ("明早9:30", "明天早上9:30"), ("昨夜2点", "昨天夜里2点"),
    ("今夜11点", "今天夜里11点"), ("12-01晚上8点", "12-01 晚上8点")])
def test_a_day_and_a_part_said_as_one_word(said: str, meant: str) -> None:
    today = date(2026, 12, 1)
    assert moments.parse(said, today=today) == moments.parse(meant, today=today)


def test_a_time_alone_is_marked_as_typed() -> None:
    """A time typed without its day is a TimeAlone keeping the text (a step refused as in the
    future offers the same time yesterday); a day and a time are not."""
    alone = moments.parse(" 3点一刻 ", today=date(2026, 12, 1))
    assert isinstance(alone, moments.TimeAlone) and alone.typed == "3点一刻"
    assert not isinstance(moments.parse("今天 3点一刻", today=date(2026, 12, 1)),
                          moments.TimeAlone)


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

"""THE reader of a moment as a clerk types it: every ``--at``, every date option (``--due``,
``--from`` ...) and the guided questions read dates and times here, and nowhere else.

A moment is a day, perhaps followed by a time of day, or a time of day alone:

- the day: ``2026-12-01``, ``2026/12/01``, ``2026.12.01``, ``2026年12月1日`` (or 号);
  without its year ``12-01``, ``12/01``, ``12.01``, ``12月1日``; or a word: 今天, 昨天, 前天,
  大前天, 明天, 后天, 大后天 (today, yesterday, tomorrow); or a day of the week: 周五, 星期五,
  礼拜五, 周日/星期天 (周1 ... 周7 too, ``friday``), 上周五, 下周一, 这周三/本周三 (weeks
  begin on Monday: 上周五 is the Friday of the week before this one);
- the time (after a space, a ``T``, or straight after 日/号/天/the weekday/a part of the day):
  ``9:30``, ``09:30:00`` (an offset ``+08:00`` or ``Z`` kept), ``9点``, ``9点钟``, ``9点半``,
  ``9点15分``, ``9点05分``, ``9点整``, ``21时50分``, ``9时半``, ``3点一刻``/``3点1刻`` (15:15),
  ``3点三刻`` (15:45), ``3点过5分``; the hour and minute in Chinese numerals too: 三点半,
  十点一刻, 九点零五分 (九点零5分), 十二点, 两点 (14:00), 二十点; before it a part of the day
  (:data:`_PARTS`: 凌晨 早上 早晨 上午 中午 下午 傍晚 晚上 夜里 半夜 深夜; 今晚 昨晚 明晚, 今早
  明早, 今夜 昨夜 say a day and a part at once), or ``am``/``pm`` after it: 下午3点 is 15:00,
  中午12点 12:00, 中午1点 13:00, 晚上9点 21:00, 凌晨12点 00:00, ``3pm`` 15:00, ``3:30 pm``
  15:30. The night (晚上 夜里 半夜 深夜) is the night after the day named: its 12点 is the
  midnight at the END of that day, its 1点 to 4点 the hours after it: 今天晚上12点 (or a time
  alone, 晚上12点) is tomorrow 00:00, 昨天晚上12点 and 昨天半夜1点 are today's 00:00 and 01:00
  (as a clerk says 昨天晚上 of last night), while 凌晨 names the day's own small hours. An hour a
  part does not say (中午3点, 上午15点) and a part without its hour (明天下午) are refused, naming
  what to write;
- a time alone (``8点``, ``15:30``, ``下午三点``) is that time today (:class:`TimeAlone`: a
  step refused as in the future offers the same time yesterday).

THE bare hour (no 上午/下午/晚上/凌晨/中午..., no am/pm): an hour said with 点 or 时 from 1 to 6
(``3点一刻``, 两点, 6点半) is the afternoon or evening, 13:00 to 18:59; 7 to 11 is the morning;
12点 is noon. In Chinese office speech a bare hour means working hours: nobody in a committee's
office says 3点 for 03:00, and a clerk's trial stored ``3点一刻`` typed at 17:09 as 03:15 that
morning. A part of the day always says which: 凌晨3点 is 03:00, 上午6点 06:00. A clock
reading with a colon (``3:15``, ``03:15``, ``15:30``), as a phone or a file writes it, is
24-hour and read as written (03:15), as files are read (normalise.datetime_text); so are 0点,
13点 ... 23点 and 二十点, which no part of the day makes ambiguous.

Digits, colons and spaces in any width (full-width ``１２：３０`` too).

THE direction rule (:data:`BACK`/:data:`AHEAD`): what happened (a step's ``--at``, the bounds
of a period, a search, a filing) looks BACK, to days on or before the committee's today; what
is still to come (an appointment, ``case schedule --at``; a deadline, ``--due``) looks AHEAD, to
days on or after it. A day typed without its year, or a bare day of the week, is the nearest
such day on the option's side, today included (周五 on a Friday is that day either way); 2-29
is the nearest leap year's. A word (明天, 上周五) and a time alone name their day whatever the
side: a time alone is today's, on either side, as today is on both; whether that moment has
passed is the command's to say (a step may not be in the future, an appointment must be later
than now), never a reason to move it to another day.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Final

from mediation.core.i18n import N_, Msg, msg

AHEAD: Final = "ahead"
BACK: Final = "back"
Today = date | Callable[[], date]

# The forms a refusal names (:func:`examples`): days counted from the committee's today, on
# the side the option looks to (a step is offered 昨天, an appointment 明天).
# (three each, so that the refusal's line fits 80 columns in Chinese).
MOMENT_BACK: Final = N_("{iso} 15:00, yesterday 3pm, {wd} 8:00")
MOMENT_AHEAD: Final = N_("{iso} 3pm, tomorrow 9:30, {wd} 9:30")
DAY_BACK: Final = N_("{iso}, {md} (without the year), yesterday, {wd}")
DAY_AHEAD: Final = N_("{iso}, {md} (without the year), tomorrow, {wd}")
# THE bare-hour rule as every time option's help says it (cli.options.hours_help).
HOURS_HELP: Final = N_("A bare hour is office time: 1-6点 the afternoon (3点一刻 15:15), 7-11点 "
                       "the morning, 12点 noon; 凌晨, 上午, 下午, 晚上 before it say otherwise "
                       "(晚上12点 is the midnight ending that day); 3:15 with a colon is 24-hour "
                       "(03:15).")
_WEEK_EN: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Unreadable(ValueError):
    """Text that is no moment in any form (a usage error: exit 2); ``message`` says so."""

    def __init__(self, message: Msg) -> None:
        super().__init__(message.id)
        self.message = message


_WORDS: Final = {"大前天": -3, "前天": -2, "昨天": -1, "昨日": -1, "今天": 0, "今日": 0,
                 "明天": 1, "明日": 1, "后天": 2, "大后天": 3,
                 "yesterday": -1, "today": 0, "tomorrow": 1}
_WORD_RE: Final = "|".join(sorted(_WORDS, key=len, reverse=True))
_WEEKDAYS: Final = {**{c: i for i, c in enumerate("一二三四五六")}, "日": 6, "天": 6,
                    **{str(i + 1): i for i in range(7)},
                    **{n: i for i, n in enumerate(("monday", "tuesday", "wednesday", "thursday",
                                                   "friday", "saturday", "sunday"))}}
_WEEKS: Final = {"上": -7, "下": 7, "这": 0, "本": 0}
_DAY: Final = (
    rf"(?:(?P<word>{_WORD_RE})"
    r"|(?P<wp>[上下这本])?\s*(?:周|星期|礼拜)\s*(?P<wd>[一二三四五六日天1-7])"
    r"|(?P<wde>(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
    r"|(?:(?P<y>\d{4})\s*(?P<s>[-/.])\s*)?(?P<m1>\d{1,2})\s*(?(s)(?P=s)|[-/.])\s*(?P<d1>\d{1,2})"
    r"|(?:(?P<y2>\d{4})\s*年\s*)?(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*(?P<ri>[日号])?)")
_PARTS_SAID: Final = "凌晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|半夜|深夜"
_PART: Final = rf"(?P<part>{_PARTS_SAID})"
_ZH: Final = "[零〇一二两三四五六七八九十]{1,3}"  # an hour or minute in Chinese numerals
_CLOCK: Final = (
    r"(?:(?P<h>\d{1,2})\s*:\s*(?P<mi>\d{2})(?:\s*:\s*(?P<sec>\d{2})(?P<frac>\.\d{1,6})?)?"
    rf"|(?P<hz>\d{{1,2}}|{_ZH})\s*[点時时]\s*"
    rf"(?:钟|(?P<half>半)|过?\s*(?P<ke>[一三13])\s*刻"
    rf"|过?\s*(?P<mz>[零〇]?\d{{1,2}}|{_ZH})\s*分?|整)?"
    r"|(?P<ha>\d{1,2})(?=\s*[ap]\.?m))")
_TIME: Final = (rf"(?:{_PART}\s*)?{_CLOCK}"
                r"(?:\s*(?P<ampm>am|pm|a\.m\.|p\.m\.))?(?:\s*(?P<tz>Z|[+-]\d{2}:?\d{2}))?")
_MOMENT_RE: Final = re.compile(
    rf"{_DAY}(?:(?:\s*T\s*|\s+|(?<=[日号天一二三四五六])\s*|(?={_PARTS_SAID})){_TIME})?",
    re.ASCII | re.IGNORECASE)
_TIME_RE: Final = re.compile(_TIME, re.ASCII | re.IGNORECASE)  # a time alone: today's


def parse(value: str, *, today: Today, toward: str = BACK) -> date | datetime:
    """The moment ``value`` names: a ``date`` when no time was typed, else a ``datetime`` (a
    wall time of the committee's zone, naive; aware when an offset was typed). ``today`` (the
    committee's, or a function giving it, asked only for a word or a day without its year)
    and ``toward`` (:data:`AHEAD`, :data:`BACK`) place them. :class:`Unreadable` naming
    forms (:func:`examples`) for anything else, or saying the date is not a real one
    (2026-02-30)."""
    return _parse(value, today, toward, times=True)


def parse_day(value: str, *, today: Today, toward: str = BACK) -> date:
    """A day alone (a date option: ``--due``, ``--from``), read as :func:`parse` reads it;
    :class:`Unreadable` naming days (:func:`examples`) for anything else, a time included."""
    found = _parse(value, today, toward, times=False)
    if isinstance(found, datetime):
        raise Unreadable(_unreadable(value, today, toward, times=False))
    return found


def _parse(value: str, today: Today, toward: str, *, times: bool) -> date | datetime:
    from mediation.core import normalise

    text = normalise.fold(value).strip().lower()
    text = _CONTRACTED_RE.sub(lambda c: _CONTRACTED[c.group()], text)
    m = _MOMENT_RE.fullmatch(text)
    alone = m is None
    if m is not None:
        day = _day(m, value, today, toward)
    elif (m := _TIME_RE.fullmatch(text)) is not None:
        day = today() if callable(today) else today
    elif times and (part := _PART_ALONE_RE.fullmatch(text)) is not None:
        raise Unreadable(msg("{value!r} gives no hour after {part}: write one, such as {example}",
                             value=value, part=part.group("part"),
                             example=_PART_EXAMPLE[part.group("part")]))
    else:
        raise Unreadable(_unreadable(value, today, toward, times=times))
    if m.group("h") is None and m.group("hz") is None and m.group("ha") is None:
        return day
    clock = _clock(m, value)
    if clock is None:
        raise Unreadable(_unreadable(value, today, toward, times=times))
    hour, minute, second, micro, later = clock
    when = datetime(day.year, day.month, day.day, hour, minute, second, micro)
    when += timedelta(days=later)
    if m.group("tz"):
        tz = m.group("tz").upper()
        offset = "+00:00" if tz == "Z" else tz if ":" in tz else f"{tz[:3]}:{tz[3:]}"
        when = datetime.fromisoformat(when.isoformat() + offset)
    if alone:
        when = TimeAlone.of(when, value.strip())
    return when


class TimeAlone(datetime):
    """A time typed without its day (``8点``, ``3点一刻``): today's. ``typed`` is the time as
    typed, so that a step refused as in the future can offer the same time yesterday
    (workflow.dates.occurrence_problem: 若指昨天，请写 --at "昨天 3点一刻")."""

    typed: str = ""

    @classmethod
    def of(cls, when: datetime, typed: str) -> TimeAlone:
        found = cls(when.year, when.month, when.day, when.hour, when.minute, when.second,
                    when.microsecond, when.tzinfo)
        found.typed = typed
        return found


def _day(m: re.Match[str], value: str, today: Today, toward: str) -> date:
    if m.group("word"):
        now = today() if callable(today) else today
        return now + timedelta(days=_WORDS[m.group("word")])
    if m.group("wd") or m.group("wde"):
        return weekday(_WEEKDAYS[m.group("wd") or m.group("wde")], m.group("wp"),
                       today=today, toward=toward)
    year = m.group("y") or m.group("y2")
    mon = int(m.group("m1") or m.group("m2"))
    dom = int(m.group("d1") or m.group("d2"))
    if year is not None:
        try:
            return date(int(year), mon, dom)
        except ValueError:
            raise Unreadable(msg("{value!r} is not a real date", value=value)) from None
    return nearest(mon, dom, value, today=today, toward=toward)


def nearest(mon: int, dom: int, value: str, *, today: Today, toward: str) -> date:
    """THE year of a day typed without one: the nearest ``mon``-``dom`` on the ``toward``
    side of ``today`` (AHEAD: on or after it; BACK: on or before it); 2-29 the nearest leap
    year's. :class:`Unreadable` when there is no such day (13-01, 2-30)."""
    if 1 <= mon <= 12 and 1 <= dom <= 31:
        now = today() if callable(today) else today
        step = 1 if toward == AHEAD else -1
        for y in range(now.year, now.year + 9 * step, step):  # a leap year within eight years
            try:
                day = date(y, mon, dom)
            except ValueError:
                continue
            if (day >= now) if toward == AHEAD else (day <= now):
                return day
    raise Unreadable(msg("{value!r} is not a real date", value=value))


def weekday(wd: int, week: str | None, *, today: Today, toward: str) -> date:
    """THE day a day of the week names (``wd``: 0 Monday ... 6 Sunday): in the week ``week``
    says (上 the one before this, 下 the one after, 这/本 this one; weeks begin on Monday,
    as a Chinese calendar's do), or, typed bare (``week`` None), the nearest such day on the
    ``toward`` side of ``today``, today included (BACK: the latest on or before it; AHEAD:
    the next on or after it)."""
    now = today() if callable(today) else today
    if week is not None:
        return now + timedelta(days=wd - now.weekday() + _WEEKS[week])
    if toward == AHEAD:
        return now + timedelta(days=(wd - now.weekday()) % 7)
    return now - timedelta(days=(now.weekday() - wd) % 7)


def _span(first: int, last: int, add: int = 0) -> dict[int, tuple[int, int]]:
    return {h: (h + add, 0) for h in range(first, last + 1)}


# THE hours each part of the day says: the hour said (0-23) -> (the hour, days after the day
# named). An hour a part does not say (上午15点, 中午3点, 夜里6点) is refused naming the two
# readings it may have meant (:func:`_no_such_hour`). The night (晚上, 夜里, 半夜, 深夜) is the
# night after the day named: its 12点 (or 0点) is the midnight at the END of that day and its
# 1点 to 4点 the small hours after it, on the next day (今天晚上12点 is tomorrow 00:00, 昨天
# 半夜1点 today 01:00); 凌晨 is the day's own small hours (凌晨12点, 凌晨0点 that day's 00:00).
_NIGHT_AFTER: Final = {0: (0, 1), 12: (0, 1), **{h: (h, 1) for h in range(1, 5)}}
_PARTS: Final[dict[str, dict[int, tuple[int, int]]]] = {
    "凌晨": _span(0, 7) | {12: (0, 0)}, "早上": _span(1, 11), "早晨": _span(1, 11),
    "上午": _span(1, 12), "中午": _span(11, 14) | _span(1, 2, 12),
    "下午": _span(1, 11, 12) | _span(12, 23), "傍晚": _span(1, 11, 12) | _span(13, 23),
    "晚上": _span(5, 11, 12) | _span(17, 23) | _NIGHT_AFTER,
    "夜里": _span(7, 11, 12) | _span(19, 23) | _NIGHT_AFTER,
    "半夜": _span(9, 11, 12) | _span(21, 23) | _NIGHT_AFTER,
    "深夜": _span(9, 11, 12) | _span(21, 23) | _NIGHT_AFTER,
}
# What a refusal of a part typed without its hour (明天下午, 半夜) offers.
_PART_EXAMPLE: Final = {"凌晨": "凌晨5点", "早上": "早上8点", "早晨": "早晨8点", "上午": "上午9点",
                        "中午": "中午12点半", "下午": "下午3点", "傍晚": "傍晚6点",
                        "晚上": "晚上8点", "夜里": "夜里11点", "半夜": "半夜1点",
                        "深夜": "深夜11点"}
# A day and a part said as one word: 今晚 is 今天晚上, 昨晚 昨天晚上, 明早 明天早上.
_CONTRACTED: Final = {f"{d}{p}": f"{day}{part}" for d, day in (("今", "今天"), ("昨", "昨天"),
                                                                 ("明", "明天"))
                      for p, part in (("晚", "晚上"), ("早", "早上"), ("夜", "夜里"))}
_CONTRACTED_RE: Final = re.compile("|".join(_CONTRACTED))
_PART_ALONE_RE: Final = re.compile(rf"(?:{_DAY}\s*)?{_PART}", re.ASCII | re.IGNORECASE)


def _clock(m: re.Match[str], value: str) -> tuple[int, int, int, int, int] | None:
    """(hour, minute, second, microsecond, days after the day named) of the time typed, by
    the part of the day said (:data:`_PARTS`); None when there is no such time (9点61分,
    13pm); :class:`Unreadable` naming the readings meant for an hour the part does not say
    (上午15点, 中午3点)."""
    if m.group("h") is not None:
        hour, minute = int(m.group("h")), int(m.group("mi"))
        second = int(m.group("sec") or 0)
        micro = int((m.group("frac") or ".0")[1:].ljust(6, "0"))
    else:
        hour, second, micro = _number(m.group("hz") or m.group("ha")), 0, 0
        ke = m.group("ke")
        minute = (30 if m.group("half") else 15 if ke in ("一", "1")
                  else 45 if ke in ("三", "3") else _number(m.group("mz") or "0"))
    part, ampm, later = m.group("part"), (m.group("ampm") or "").replace(".", ""), 0
    if part and ampm:  # 下午3点pm: not a form
        return None
    if part:
        said = _PARTS[part].get(hour)
        if said is None:
            raise Unreadable(_no_such_hour(value, part, hour))
        hour, later = said
    elif ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    elif m.group("hz") is not None and 1 <= hour <= 6:
        hour += 12  # THE bare hour: 3点一刻 said in the office is 15:15 (module docstring)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second, micro, later


def _no_such_hour(value: str, part: str, hour: int) -> Msg:
    """The refusal of an hour ``part`` does not say (中午3点): the two it may have meant, as
    typed in Chinese and as a clock reads them (凌晨3点 03:00, 下午3点 15:00)."""
    h = hour % 12 or 12
    early, late = (("凌晨", "中午") if h == 12 else ("凌晨", "下午") if h <= 5
                   else ("早上", "傍晚") if h == 6 else ("上午", "晚上"))
    return msg("{value!r}: {part} has no {hour} o'clock; write {early} ({am}) or {late} ({pm})",
               value=value, part=part, hour=hour, early=f"{early}{h}点",
               am=f"{h % 12:02d}:00", late=f"{late}{h}点", pm=f"{h % 12 + 12:02d}:00")


def _number(text: str) -> int:
    """An hour or a minute in figures (9, 09) or Chinese numerals (九, 十二, 零五, 两), by
    zhnum.small_value; 99 (no hour, no minute) for numerals that are no number (十十)."""
    if text.isdigit():
        return int(text)
    if text[1:].isdigit():  # 3点零5分
        return int(text[1:])
    from mediation.core import zhnum

    found = zhnum.small_value(text)
    return 99 if found is None else found


def examples(today: Today, *, toward: str = BACK, times: bool = True) -> Msg:
    """The forms a refusal names, as days of the committee's ``today`` on the ``toward``
    side: on Tuesday 2026-12-01 BACK (a step) ``2026-11-29 15:00, yesterday 3pm, saturday
    8:00``, AHEAD (an appointment) ``2026-12-03 3pm, tomorrow 9:30, friday 9:30``; ``times``
    False: days alone (a date option), ``2026-11-29, 11-27 (without the year), yesterday,
    saturday``. The Chinese catalogue writes them as a clerk types them (11月27日 9点半, 昨天
    下午3点, 周六 8点): the parameters carry both."""
    now = today() if callable(today) else today
    sign = 1 if toward == AHEAD else -1
    iso, md, wd = (now + timedelta(days=sign * n) for n in (2, 4, 3))
    template = ((MOMENT_AHEAD if toward == AHEAD else MOMENT_BACK) if times
                else DAY_AHEAD if toward == AHEAD else DAY_BACK)
    return msg(template, iso=iso.isoformat(), full=f"{iso.year}年{iso.month}月{iso.day}日",
               md=f"{md.month}-{md.day}", zhmd=f"{md.month}月{md.day}日",
               wd=_WEEK_EN[wd.weekday()], zhwd="周" + "一二三四五六日"[wd.weekday()])


def _unreadable(value: str, today: Today, toward: str, *, times: bool) -> Msg:
    forms = examples(today, toward=toward, times=times)
    if not times:
        return msg("{value!r} is not a date: write {forms}", value=value, forms=forms)
    return msg("{value!r} is not a date or a time: write {forms}", value=value, forms=forms)

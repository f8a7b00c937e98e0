"""Chinese forms of dates and amounts, as the printed documents write them.

- ``date_upper``: 二〇二六年十一月三十日, the dating line of a form (落款日期).
- ``date_plain``: 2026年11月30日, dates inside a form's fields.
- ``amount_capital``: 人民币伍佰元整, the capital numerals (大写) of an amount in fen, as an
  agreement states a sum beside its figures (the rules of the People's Bank's 《支付结算办法》
  for writing amounts: 零 once for a run of zeros, 元/角 followed by 整, 壹拾 for a leading ten).
- ``amount_figures``: 500.00元.
- ``small_value``: the other way, 0..99 as a clerk types it (十二, 二十三, 零五, 两): the hours
  and minutes of a typed moment (``mediation.core.moments``: 下午三点, 九点零五分).
"""

from __future__ import annotations

from datetime import date

_UPPER_DIGITS = "〇一二三四五六七八九"
_CAPITAL = "零壹贰叁肆伍陆柒捌玖"
_SECTIONS = ("", "万", "亿")
MAX_FEN = 10 ** 14  # below 一万亿 yuan: far above the largest amount a case may carry


def _small(n: int) -> str:
    """1..99 in ordinary numerals: 十一, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _UPPER_DIGITS[ones]
    head = "" if tens == 1 else _UPPER_DIGITS[tens]
    return head + "十" + ("" if ones == 0 else _UPPER_DIGITS[ones])


def small_number(n: int) -> str:
    """A count in ordinary numerals (一式三份): 1..99 as words, larger ones in figures."""
    return _small(n) if 0 < n < 100 else str(n)


def small_value(text: str) -> int | None:
    """0..99 written in ordinary numerals, as :func:`_small` writes them or a clock is said:
    ``九`` 9, ``十`` 10, ``十二`` 12, ``二十`` 20, ``二十三`` 23, ``零``/``〇`` 0, ``零五`` 5
    (a minute), ``两`` 2 (alone: 两点); None for anything else (``十十``, ``一二``, ``两十``)."""
    digits = {c: i for i, c in enumerate(_UPPER_DIGITS)} | {"零": 0}
    if text == "两":
        return 2
    if len(text) == 1 and text in digits:
        return digits[text]
    if len(text) == 2 and text[0] in "零〇" and digits.get(text[1], 0) > 0:
        return digits[text[1]]
    head, ten, tail = text.partition("十")
    if not ten or len(head) > 1 or len(tail) > 1:
        return None
    tens = 1 if not head else digits.get(head, 0)
    ones = 0 if not tail else digits.get(tail, 0)
    if tens < 1 or (tail and ones < 1) or (head and tens < 2):
        return None
    return tens * 10 + ones


def date_upper(day: date) -> str:
    """``二〇二六年十一月三十日``."""
    year = "".join(_UPPER_DIGITS[int(c)] for c in f"{day.year:04d}")
    return f"{year}年{_small(day.month)}月{_small(day.day)}日"


def date_plain(day: date) -> str:
    """``2026年11月30日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def _group(n: int) -> str:
    """1..9999 in capital numerals, one 零 for a run of inner zeros."""
    out: list[str] = []
    zero = False
    for unit_value, unit in ((1000, "仟"), (100, "佰"), (10, "拾"), (1, "")):
        digit = n // unit_value % 10
        if digit == 0:
            zero = zero or bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_CAPITAL[digit] + unit)
    return "".join(out)


def yuan_capital(yuan: int) -> str:
    """A whole number of yuan in capital numerals: 壹佰万零壹佰."""
    if yuan < 0:
        raise ValueError("negative amount")
    if yuan == 0:
        return "零"
    groups: list[int] = []
    while yuan:
        yuan, g = divmod(yuan, 10000)
        groups.append(g)
    if len(groups) > len(_SECTIONS):
        raise ValueError("amount too large")
    out: list[str] = []
    pending_zero = False
    for idx in reversed(range(len(groups))):
        g = groups[idx]
        if g == 0:
            pending_zero = pending_zero or bool(out)
            continue
        if out and (pending_zero or g < 1000):
            out.append("零")
        pending_zero = False
        out.append(_group(g) + _SECTIONS[idx])
    return "".join(out)


def amount_capital(fen: int) -> str:
    """``人民币伍佰元整``, ``人民币壹元零伍分``, ``人民币伍角整``."""
    if not 0 <= fen < MAX_FEN:
        raise ValueError("amount out of range")
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    if rest == 0:
        return f"人民币{yuan_capital(yuan)}元整"
    parts: list[str] = []
    if yuan:
        parts.append(yuan_capital(yuan) + "元")
    if jiao:
        parts.append(_CAPITAL[jiao] + "角")
    elif yuan:
        parts.append("零")
    parts.append(_CAPITAL[cents] + "分" if cents else "整")
    return "人民币" + "".join(parts)


def amount_figures(fen: int) -> str:
    """``500.00元``, with thousands separators: ``1,000,100.00元``."""
    yuan, rest = divmod(fen, 100)
    return f"{yuan:,}.{rest:02d}元"

"""Money: stored in fen (integer hundredths of a yuan) so that sums are exact in SQL; every
written form of an amount read by :func:`amount`, through the one normaliser's folding."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Final

from mediation.core.i18n import N_, msg
from mediation.core.normalise import OutOfRange, Unreadable, fold

# The largest amount accepted, in fen: ¥1,000,000,000.00 (one billion yuan, 10亿元). Far above
# any dispute a mediation committee sees, and low enough that a SUM over 92 million amounts,
# cases and agreements together, stays within a signed 64-bit integer (2**63 - 1 fen), the
# column type on both backends.
MAX_AMOUNT_FEN: Final = 100_000_000_000
MAX_AMOUNT_YUAN: Final = Decimal(MAX_AMOUNT_FEN) / 100
AMOUNT_FORMS: Final = N_("yuan as 1500, 1,500, 1500.00, ¥1500, 500元 or 1.5万 (at most two "
                         "decimals)")
_AMOUNT_RE: Final = re.compile(
    r"(?:¥|RMB|CNY)?\s*(?P<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)\s*"
    r"(?P<wan>万)?\s*(?:元|圆|块|RMB|CNY)?(?:整)?", re.IGNORECASE)
_CENT: Final = Decimal("0.01")


def amount(value: str | int | float | Decimal) -> Decimal:
    """An amount in yuan, however written, as an exact Decimal with at most two decimals,
    between 0 and :data:`MAX_AMOUNT_YUAN`; otherwise :class:`Unreadable`. Never rounds."""
    if type(value) is int and 0 <= value <= MAX_AMOUNT_FEN // 100:  # the common cases
        return Decimal(value)
    if type(value) is Decimal and value.is_finite() and 0 <= value <= MAX_AMOUNT_YUAN \
            and value == value.quantize(_CENT):
        return value
    shown = value if isinstance(value, str) else str(value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        # a JSON true/false, list or object where an amount belongs
        raise Unreadable(N_("{value!r} is not an amount; write {forms}"), value=shown,
                         forms=msg(AMOUNT_FORMS))
    if isinstance(value, float):  # a JSON number with a fraction: its shortest decimal form
        value = Decimal(repr(value))
    if isinstance(value, str):
        v = fold(value)
        negative = v.startswith("-")
        m = _AMOUNT_RE.fullmatch(v.removeprefix("-").strip())
        if m is None:
            raise Unreadable(N_("{value!r} is not an amount; write {forms}"), value=shown,
                             forms=msg(AMOUNT_FORMS))
        try:
            d = Decimal(m.group("n").replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            raise Unreadable(N_("{value!r} is not an amount; write {forms}"), value=shown,
                             forms=msg(AMOUNT_FORMS)) from None
        if m.group("wan"):
            d *= 10_000
        if negative:
            d = -d
    else:
        d = Decimal(value)
    if not d.is_finite():
        raise Unreadable(N_("{value!r} is not an amount; write {forms}"), value=shown,
                         forms=msg(AMOUNT_FORMS))
    if d < 0:
        raise OutOfRange(N_("{value!r}: an amount must not be negative"), value=shown)
    if d > MAX_AMOUNT_YUAN:
        raise OutOfRange(N_("{value!r} is above the largest amount accepted, {bound} yuan"),
                         value=shown, bound=f"{MAX_AMOUNT_YUAN:,.2f}")
    if d != d.quantize(_CENT):
        raise OutOfRange(N_("{value!r} has more than two decimals; amounts are kept to the fen "
                            "(0.01 yuan) and never rounded"), value=shown)
    return d


def yuan_to_fen(value: Decimal | float | int | str) -> int:
    """Fen of an amount in yuan: exact, at most two decimals, within MAX_AMOUNT_FEN
    (normalise.Unreadable, a ValueError, otherwise: nothing is ever rounded or overflows)."""
    if type(value) is int and 0 <= value <= MAX_AMOUNT_FEN // 100:
        return value * 100
    return int(amount(value) * 100)


def fen_to_yuan(fen: int | None) -> str | None:
    return None if fen is None else f"{Decimal(fen) / 100:.2f}"


def shown(value: str | int | float | Decimal | None) -> str:
    """An amount in yuan as every screen, list and timeline writes it: two decimals, thousands
    separated (``1,200.00``), whatever form it was stored or typed in (``1200``, ``"500.00"``,
    ``1.5万``); a value that is not an amount is shown as it is."""
    if value is None or value == "":
        return ""
    try:
        return f"{amount(value):,.2f}"
    except (Unreadable, OutOfRange):
        return str(value)

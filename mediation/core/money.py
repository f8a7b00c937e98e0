"""Money: stored in fen (integer hundredths of a yuan) so that sums are exact in SQL."""

from __future__ import annotations

from decimal import Decimal

from mediation.core import normalise


def yuan_to_fen(amount: Decimal | float | int | str) -> int:
    """Fen of an amount in yuan: exact, at most two decimals, within normalise.MAX_AMOUNT_FEN
    (normalise.Unreadable, a ValueError, otherwise: nothing is ever rounded or overflows)."""
    if type(amount) is int and 0 <= amount <= normalise.MAX_AMOUNT_FEN // 100:
        return amount * 100
    return int(normalise.amount(amount) * 100)


def fen_to_yuan(fen: int | None) -> str | None:
    return None if fen is None else f"{Decimal(fen) / 100:.2f}"

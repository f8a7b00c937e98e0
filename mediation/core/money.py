"""Money: stored in fen (integer hundredths of a yuan) so that sums are exact in SQL."""

from __future__ import annotations

from decimal import Decimal


def yuan_to_fen(amount: Decimal | float | int | str) -> int:
    return int((Decimal(str(amount)) * 100).to_integral_value())


def fen_to_yuan(fen: int | None) -> str | None:
    return None if fen is None else f"{Decimal(fen) / 100:.2f}"

"""Won amounts: KRW has no minor unit, so integers, shown as 12,345원."""

from __future__ import annotations

from typing import Any


def won(amount: Any) -> str:
    """"12,345원" for 12345, "30,000.00", "30,000원"; text that is not an amount comes back as it was."""
    if amount is None or amount == "":
        return "0원"
    try:
        return f"{int(float(str(amount).replace(',', '').replace('원', '').strip())):,}원"
    except ValueError:
        return str(amount)

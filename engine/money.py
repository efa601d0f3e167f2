"""Won amounts: KRW has no minor unit, so integers, shown as 12,345원."""

from __future__ import annotations

from typing import Any


def won(amount: Any, lang: str = "ko") -> str:
    """"12,345원" for 12345, "30,000.00", "30,000원" ("12,345 won" in English); text that is not an amount comes
    back as it was."""
    unit = "원" if lang == "ko" else " won"
    if amount is None or amount == "":
        return f"0{unit}"
    try:
        return f"{int(float(str(amount).replace(',', '').replace('원', '').strip())):,}{unit}"
    except ValueError:
        return str(amount)

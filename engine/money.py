"""Won amounts: KRW has no minor unit, so integers, shown as 12,345원."""

from __future__ import annotations

from typing import Any


def won(amount: Any, lang: str = "ko") -> str:
    """"12,345원" for 12345, "30,000.00", "30,000원" ("₩12,345" in English, as the dashboard's charts and cards
    write it); text that is not an amount comes back as it was."""
    try:
        value = 0 if amount is None or amount == "" else \
            int(float(str(amount).replace(",", "").replace("원", "").replace("₩", "").strip()))
    except ValueError:
        return str(amount)
    if lang == "ko":
        return f"{value:,}원"
    return f"-₩{-value:,}" if value < 0 else f"₩{value:,}"

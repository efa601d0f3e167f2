"""Monthly cohort retention: first-order month × months after, as a heat-map table.

A customer's cohort is the shop month (in the shop's zone) of their first counted order. Cell (cohort, k) is the number of the cohort's customers with at least
one counted order in the k-th month after it (k = 0 is the first month, always the whole cohort), counting
orders up to the end of the report's last day; the table has the `months` cohorts up to that day's month.
The counting is done in the report's one pass over the orders (engine.results.kpis); this module holds the
months and the table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class CohortTable:
    months: list[str]  # "YYYY-MM", oldest first
    sizes: list[int]  # customers whose first counted order is in that month
    cells: list[list[int]]  # cells[i][k]: of cohort i, customers who bought in its month + k (k ≤ the last month)

    def rate(self, row: int, after: int) -> float | None:
        if not self.sizes[row] or after >= len(self.cells[row]):
            return None
        return round(self.cells[row][after] / self.sizes[row], 4)

    def rates(self) -> list[list[float | None]]:
        return [[self.rate(row, after) for after in range(len(self.cells[row]))] for row in range(len(self.months))]

    def to_json(self) -> dict[str, Any]:
        return {"months": self.months, "sizes": self.sizes, "customers": self.cells, "retention": self.rates()}


def month_starts(last_day: date, months: int) -> list[date]:
    """The first days of the `months` months up to last_day's month, then of the month after (months + 1)."""
    index = last_day.year * 12 + last_day.month - 1
    return [date(number // 12, number % 12 + 1, 1) for number in range(index - months + 1, index + 2)]


def cohort_starts(last_day: date, zone: ZoneInfo, months: int) -> list[datetime]:
    """The instants the `months` cohort months start (shop time), oldest first."""
    return [datetime.combine(day, time(), zone) for day in month_starts(last_day, months)[:months]]


def cohort_counts(rows: Sequence[Mapping[str, Any]], last_day: date, months: int) -> CohortTable:
    """The table from the report's grouped rows: each has `cohort` (the index of the customers' first-order
    month, None outside the table), `customers`, and `m0`‥ (how many of them bought in each month)."""
    sizes = [0] * months
    cells = [[0] * (months - row) for row in range(months)]
    for row in rows:
        index = row["cohort"]
        if index is None:
            continue
        index = int(index)
        sizes[index] += int(row["customers"])
        for after in range(months - index):
            cells[index][after] += int(row[f"m{index + after}"] or 0)
    labels = [f"{day.year:04d}-{day.month:02d}" for day in month_starts(last_day, months)[:months]]
    return CohortTable(labels, sizes, cells)

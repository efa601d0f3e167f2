"""The shop's KPIs for a period of shop days, each beside the same figure for the period just before.

Definitions (docs/metrics.md, and the tooltips in `FIGURES`):
- An order counts when its status is paid, shipped, delivered or confirmed (`COUNTED_STATUSES`); cancelled,
  refunded and pending orders count nowhere. Its time is `ordered_at`.
- A period is whole shop days, first_day 00:00 to the day after last_day 00:00 in the shop's zone
  (Asia/Seoul by default); the period before has the same number of days and ends where this one starts.
- Orders with no customer (a guest the shop could not match) count in orders, revenue and AOV only.

`build_report(db, period, now)` opens its own read session and holds nothing shared, so a UI can call it on a
worker thread; `compute_report(session, …)` is the same on a session the caller owns. The counted orders are
read once, two integers an order, through SQLAlchemy Core (portable to PostgreSQL; the dialect differences live
in storage.sql), and grouped in numpy: by customer, then by RFM score, grade and cohort (kpi_arrays.figures).
tests/reliability/report_reference.py keeps the same figures as one SQL query, and the two must agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from engine.customers.segments import (
    LIFECYCLE,
    RFM_GROUPS,
    Thresholds,
    thresholds,
)
from engine.results.cohorts import CohortTable

YEAR_DAYS = 365
MAX_PERIOD_DAYS = 3660  # ten years: longer is a typo


class PeriodError(ValueError):
    """A period that cannot be reported (bad dates, end before start)."""


@dataclass(frozen=True)
class Period:
    """Whole shop days, first_day to last_day inclusive."""

    first_day: date
    last_day: date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise PeriodError(f"the period ends ({self.last_day}) before it starts ({self.first_day})")
        if self.days > MAX_PERIOD_DAYS:
            raise PeriodError(f"the period is {self.days:,} days long; at most {MAX_PERIOD_DAYS:,}")

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def before(self) -> Period:
        """The period of the same length that ends where this one starts."""
        return Period(self.first_day - timedelta(days=self.days), self.first_day - timedelta(days=1))

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """[start, end) as aware instants: first_day 00:00 and the day after last_day 00:00, shop time."""
        start = datetime.combine(self.first_day, time(), zone)
        end = datetime.combine(self.last_day + timedelta(days=1), time(), zone)
        return start, end

    def to_json(self) -> dict[str, Any]:
        return {"from": self.first_day.isoformat(), "to": self.last_day.isoformat(), "days": self.days}


def parse_day(text: str, what: str) -> date:
    """A shop day from `YYYY-MM-DD` (the years 2000–2100); PeriodError naming `what` otherwise."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(f"{what}: '{text}' is not a date (example: 2026-03-01)") from None
    if not 2000 <= day.year <= 2100:
        raise PeriodError(f"{what}: '{text}' is outside the years 2000–2100")
    return day


def default_period(today: date, first_day: date | None = None, last_day: date | None = None) -> Period:
    """The period asked for; by default the 30 days up to and including today (shop date)."""
    last = last_day or (today if first_day is None else max(today, first_day))
    first = first_day or last - timedelta(days=29)
    return Period(first, last)


@dataclass(frozen=True)
class Figures:
    """Every KPI of one period."""

    period: Period
    orders: int
    revenue: int
    buyers: int
    aov: int  # revenue ÷ orders, won (floored)
    repeat_buyers: int  # buyers of the period with ≥ 2 counted orders by its end
    repeat_rate: float
    orders_last_year: int  # counted orders of customers in the 365 days up to the period's end
    buyers_last_year: int
    purchases_per_year: float  # orders_last_year ÷ buyers_last_year
    churn_base: int  # customers who bought in the lapse window before last (see docs/metrics.md)
    churned: int  # … and not in the last lapse window up to the period's end
    churn_rate: float
    years_retained: float | None  # 1 ÷ churn rate (None when nobody churned)
    clv: int | None  # AOV × purchases per year × years retained
    days_between: float | None  # mean days from a customer's previous counted order to an order of the period
    gaps: int  # how many such gaps were averaged
    new_revenue: int  # from buyers whose first counted order is in the period
    returning_revenue: int  # from buyers who had ordered before it
    guest_revenue: int  # from orders without a customer
    vip_revenue: int
    vip_share: float
    by_lifecycle: dict[str, dict[str, int]]  # stage at the period's start → buyers, revenue
    by_rfm: dict[str, dict[str, int]]  # today's RFM group → buyers, revenue ("none": not scored)
    by_tier: dict[str, dict[str, int]] | None  # member grade → buyers, revenue; None when no customer has one

    def value(self, key: str) -> Any:
        return getattr(self, key)

    def to_json(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "period"}
        return {"period": self.period.to_json(), **data}


@dataclass(frozen=True)
class Change:
    """A figure beside the period before: ▲ up, ▼ down, = the same; percent of the earlier value."""

    current: Any
    previous: Any

    @property
    def arrow(self) -> str:
        """▲ or ▼; empty when the two are equal or one is missing."""
        if self.current is None or self.previous is None or self.current == self.previous:
            return ""
        return "▲" if self.current > self.previous else "▼"

    @property
    def percent(self) -> float | None:
        if self.current is None or self.previous in (None, 0):
            return None
        return round((self.current - self.previous) / abs(self.previous) * 100, 1)

    def to_json(self) -> dict[str, Any]:
        return {"current": self.current, "previous": self.previous, "arrow": self.arrow, "percent": self.percent}


@dataclass(frozen=True)
class Figure:
    """One KPI line: its key, labels, unit ('won', 'rate', 'days', 'count', 'times', 'years') and tooltip."""

    key: str
    ko: str
    en: str
    unit: str
    tip_ko: str
    tip_en: str

    def label(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en

    def tip(self, lang: str) -> str:
        return self.tip_ko if lang == "ko" else self.tip_en


# The KPI lines in the order they are shown; the tooltips are docs/metrics.md in one sentence each.
FIGURES: tuple[Figure, ...] = (
    Figure("revenue", "매출", "Revenue", "won", "기간 중 결제된 주문(취소·환불 제외)의 금액 합계.",
           "Sum of the period's counted orders (paid, shipped, delivered, confirmed; not cancelled or refunded)."),
    Figure("orders", "주문 수", "Orders", "count", "기간 중 결제된 주문 수.", "Counted orders placed in the period."),
    Figure("buyers", "구매 고객", "Buyers", "count", "기간 중 한 번 이상 주문한 고객 수(비회원 주문 제외).",
           "Customers with at least one counted order in the period (unmatched guests excluded)."),
    Figure("aov", "객단가(AOV)", "Average order value", "won", "매출 ÷ 주문 수.", "Revenue ÷ orders."),
    Figure("repeat_rate", "재구매율", "Repeat purchase rate", "rate",
           "기간 구매 고객 중 기간 끝까지 누적 주문이 2건 이상인 고객의 비율.",
           "Share of the period's buyers who have two or more counted orders by the period's end."),
    Figure("purchases_per_year", "연간 구매 횟수", "Purchases per year", "times",
           "기간 끝 전 365일의 주문 수 ÷ 그 동안 구매한 고객 수.",
           "Orders in the 365 days up to the period's end ÷ customers who bought in them."),
    Figure("churn_rate", "이탈률", "Churn rate", "rate",
           "휴면 기준 일수(기본 365일)를 두 번 거슬러 그 앞 구간에 산 고객 중 기간 끝까지 최근 구간에 다시 사지 않은 비율.",
           "Of the customers who bought in the lapse window (365 days by default) before the last one, "
           "the share who did not buy again in the last window up to the period's end."),
    Figure("years_retained", "유지 기간(년)", "Years retained", "years", "1 ÷ 이탈률.", "1 ÷ churn rate."),
    Figure("clv", "고객생애가치(CLV)", "Customer lifetime value", "won",
           "객단가 × 연간 구매 횟수 × 유지 기간(년).", "AOV × purchases per year × years retained."),
    Figure("days_between", "구매 간격(일)", "Days between purchases", "days",
           "기간 중 주문마다 같은 고객의 직전 주문과의 간격(일)의 평균; 첫 주문은 제외.",
           "Mean days from each order of the period back to the same customer's previous order (first orders "
           "have none)."),
    Figure("new_revenue", "신규 고객 매출", "New-customer revenue", "won",
           "첫 주문이 기간 안에 있는 고객의 기간 매출.", "Revenue from buyers whose first counted order is in the period."),
    Figure("returning_revenue", "재구매 고객 매출", "Returning-customer revenue", "won",
           "기간 전에 주문한 적이 있는 고객의 기간 매출.", "Revenue from buyers who had ordered before the period."),
    Figure("vip_share", "VIP 매출 비중", "VIP share of revenue", "rate",
           "기간 끝 기준 VIP(설정; 기본은 그 전 180일에 30만원 이상 또는 3회 이상 구매) 고객의 매출 ÷ 매출.",
           "Revenue from customers who are VIPs at the period's end (settings; by default ≥ 300,000원 or ≥ 3 "
           "orders in the 180 days before it) ÷ revenue."),
)
FIGURE_KEYS = tuple(figure.key for figure in FIGURES)
LIFECYCLE_LABELS = {
    "new": ("신규 (첫 구매)", "New (first purchase)"),
    "active": ("활성", "Active"),
    "at_risk": ("이탈 위험에서 복귀", "Back from at risk"),
    "lapsed": ("휴면에서 복귀", "Back from lapsed"),
}


@dataclass(frozen=True)
class Report:
    current: Figures
    previous: Figures
    cohorts: CohortTable
    zone: str
    limits: Thresholds = field(repr=False)

    def change(self, key: str) -> Change:
        return Change(self.current.value(key), self.previous.value(key))

    def to_json(self) -> dict[str, Any]:
        return {
            "zone": self.zone,
            "period": self.current.period.to_json(),
            "previous_period": self.previous.period.to_json(),
            "kpis": {key: self.change(key).to_json() for key in FIGURE_KEYS},
            "current": self.current.to_json(),
            "previous": self.previous.to_json(),
            "cohorts": self.cohorts.to_json(),
            "settings": {"at_risk_days": self.limits.at_risk_days, "lapsed_days": self.limits.lapsed_days,
                         "vip_min_spent": self.limits.vip_min_spent, "vip_window_days": self.limits.vip_window_days,
                         "vip_min_orders": self.limits.vip_min_orders},
        }


def build_report(db: Any, period: Period, cohort_months: int = 12) -> Report:
    """The report on its own read session of `db` (a storage Database): safe on a worker thread."""
    with db.session() as session:
        return compute_report(session, period, cohort_months=cohort_months)


def compute_report(session: Session, period: Period, cohort_months: int = 12) -> Report:
    from engine.config import Snapshot

    snapshot = Snapshot(session)
    limits = thresholds(session, snapshot)
    zone = ZoneInfo(str(snapshot.get("shop.timezone")))
    previous = period.before()
    from engine.results.kpi_arrays import (
        figures,  # numpy: imported when a report is computed, not at start-up
    )

    current_figures, previous_figures, cohorts = figures(session, period, previous, zone, limits, cohort_months)
    return Report(current_figures, previous_figures, cohorts, str(zone), limits)


def _one(rows: list[Any], name: str, period: Period, limits: Thresholds) -> Figures:
    def add(label: str, where: Any = None) -> Any:
        return sum(row[f"{name}_{label}"] or 0 for row in rows if where is None or where(row))

    orders, revenue, buyers = int(add("orders")), int(add("revenue")), int(add("buyers"))
    aov = revenue // orders if orders else 0
    repeat = int(add("repeat"))
    ny, by = int(add("ny")), int(add("by"))
    per_year = round(ny / by, 4) if by else 0.0
    base, churned = int(add("base")), int(add("churned"))
    churn = round(churned / base, 4) if base else 0.0
    years = round(base / churned, 4) if churned else None
    # AOV × (ny ÷ by) × (base ÷ churned), rounded to the won once, in integers
    numerator, denominator = aov * ny * base, by * churned
    clv = (2 * numerator + denominator) // (2 * denominator) if denominator else None
    gaps = int(add("gaps"))
    gap_days = float(add("gap_days"))
    lifecycle = {stage: {"buyers": int(add(f"{stage}_buyers")), "revenue": int(add(f"{stage}_rev"))}
                 for stage in LIFECYCLE}
    new_revenue = lifecycle["new"]["revenue"]
    returning = sum(lifecycle[stage]["revenue"] for stage in LIFECYCLE if stage != "new")
    vip = int(add("vip"))

    def split(column: str, keys: list[str | None]) -> dict[str, dict[str, int]]:
        def figures(key: str | None) -> dict[str, int]:
            def match(row: Any) -> bool:
                return bool(row[column] == key)

            return {"buyers": int(add("buyers", match)), "revenue": int(add("member_rev", match))}

        return {"none" if key is None else key: figures(key) for key in keys}

    rfm_keys: list[str | None] = [key for key, *_ in RFM_GROUPS]
    by_rfm = split("rfm", [*rfm_keys, None])
    grades = sorted({row["grade"] for row in rows if row["grade"] is not None})
    by_tier = split("grade", [*grades, None]) if grades else None
    return Figures(
        period=period, orders=orders, revenue=revenue, buyers=buyers, aov=aov, repeat_buyers=repeat,
        repeat_rate=round(repeat / buyers, 4) if buyers else 0.0, orders_last_year=ny, buyers_last_year=by,
        purchases_per_year=per_year, churn_base=base, churned=churned, churn_rate=churn, years_retained=years,
        clv=clv, days_between=round(gap_days / gaps, 2) if gaps else None, gaps=gaps, new_revenue=new_revenue,
        returning_revenue=returning, guest_revenue=int(add("guest")), vip_revenue=vip,
        vip_share=round(vip / revenue, 4) if revenue else 0.0, by_lifecycle=lifecycle, by_rfm=by_rfm,
        by_tier=by_tier,
    )


__all__ = ["FIGURES", "Change", "Figure", "Figures", "Period", "PeriodError", "Report", "build_report",
           "compute_report", "default_period", "parse_day"]

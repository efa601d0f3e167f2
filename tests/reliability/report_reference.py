"""The KPI report's figures by one SQL GROUP BY, as engine/results/kpis.py computed them before it read the
orders into arrays (2026-11-30): kept here as the reference the array pass must agree with, figure for figure
(tests/reliability/test_report_arrays.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from engine.customers.segments import Thresholds, rfm_cuts, rfm_group, rfm_score_sql
from engine.customers.stats import COUNTED_STATUSES
from engine.results.cohorts import CohortTable, cohort_counts, cohort_starts
from engine.results.kpis import YEAR_DAYS, Figures, Period, _one
from storage.models import Customer, CustomerStats, CustomerTier, Order, TierRule
from storage.sql import day_number, scan


def reference_figures(session: Session, period: Period, previous: Period, zone: ZoneInfo, limits: Thresholds,
             cohort_months: int) -> tuple[Figures, Figures, CohortTable]:
    """Both periods' figures and the cohorts from one pass over the counted orders up to the period's end.

    The pass groups the orders by customer (what each bought in each period, before it, in the VIP and
    churn windows, in each cohort month); a second level sums those rows by RFM score, grade and cohort
    (a few hundred rows), which Python adds up into the figures.
    """
    (start, end), (start_q, end_q) = period.bounds(zone), previous.bounds(zone)
    at = scan(Order.ordered_at)
    lapse = timedelta(days=limits.lapsed_days)
    vip_window = timedelta(days=limits.vip_window_days)
    year = timedelta(days=YEAR_DAYS)
    months = cohort_starts(period.last_day, zone, cohort_months)

    def within(low: datetime, high: datetime) -> Any:
        return and_(at >= low, at < high)

    def count(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    def amount(condition: Any) -> Any:
        return func.sum(case((condition, Order.amount), else_=0))

    def latest(condition: Any) -> Any:
        return func.max(case((condition, Order.ordered_at)))

    columns: list[Any] = [
        scan(Order.customer_id).label("cid"),
        func.min(Order.ordered_at).label("first_at"),
        func.max(Order.ordered_at).label("last_at"),  # the last before the period's end
        count(at >= start).label("p_n"),
        amount(at >= start).label("p_rev"),
        count(within(start_q, start)).label("q_n"),
        amount(within(start_q, start)).label("q_rev"),
        latest(within(start_q, start)).label("q_last"),
        latest(at < start_q).label("q_prev"),
    ]
    for name, edge in (("p", end), ("q", end_q)):
        columns += [
            amount(within(edge - vip_window, edge)).label(f"{name}_vs"),
            count(within(edge - vip_window, edge)).label(f"{name}_vn"),
            count(within(edge - year, edge)).label(f"{name}_ny"),
            latest(at < edge - lapse).label(f"{name}_churn_ref"),
        ]
    columns += [func.max(case((within(low, high), 1), else_=0)).label(f"m{index}")
                for index, (low, high) in enumerate(zip(months, [*months[1:], end], strict=True))]
    per_customer = (
        select(*columns)
        .where(Order.status.in_(COUNTED_STATUSES), at < end)
        .group_by(scan(Order.customer_id))
        .subquery("pc")
    )
    # the RFM score, grade and cohort of each customer, as columns (grouped by name, which PostgreSQL needs)
    recency_cuts, frequency_cuts, _ = rfm_cuts(session)
    scored = CustomerStats.order_count > 0
    # by membership tier once the owner has a ladder (engine/customers/tiers.py), else by the shop's own grade
    has_tiers = session.scalar(select(TierRule.position).limit(1)) is not None
    grade: Any = (select(func.nullif(CustomerTier.tier, "")).where(CustomerTier.customer_id == per_customer.c.cid)
                  .scalar_subquery() if has_tiers else Customer.grade)
    first_at = per_customer.c.first_at
    keyed = (
        select(
            *per_customer.c,
            case((scored, rfm_score_sql(CustomerStats.last_order_at, recency_cuts))).label("r"),
            case((scored, rfm_score_sql(CustomerStats.order_count, frequency_cuts))).label("f"),
            grade.label("grade"),
            case(*((and_(per_customer.c.cid.is_not(None), first_at >= low, first_at < high), literal(index))
                   for index, (low, high) in enumerate(zip(months, [*months[1:], end], strict=True)))).label("cohort"),
        )
        .select_from(per_customer)
        .outerjoin(Customer, Customer.id == per_customer.c.cid)
        .outerjoin(CustomerStats, CustomerStats.customer_id == per_customer.c.cid)
        .subquery("keyed")
    )
    pc = keyed.c
    member = pc.cid.is_not(None)
    p_prev = func.coalesce(pc.q_last, pc.q_prev)  # the last order before this period
    sums: list[Any] = []
    # per period: its bounds, the last order before it, the last in it, the last before its end
    for name, (low, high), prev, last_in, last_before in (
        ("p", (start, end), p_prev, pc.last_at, pc.last_at),
        ("q", (start_q, end_q), pc.q_prev, pc.q_last, p_prev),
    ):
        n, rev = pc[f"{name}_n"], pc[f"{name}_rev"]
        bought = and_(member, n > 0)
        vip = or_(pc[f"{name}_vs"] >= limits.vip_min_spent, pc[f"{name}_vn"] >= limits.vip_min_orders)
        based = and_(member, pc[f"{name}_churn_ref"] >= high - 2 * lapse)
        stages = {
            "new": prev.is_(None),
            "active": prev > low - timedelta(days=limits.at_risk_days),
            "at_risk": and_(prev <= low - timedelta(days=limits.at_risk_days), prev > low - lapse),
            "lapsed": prev <= low - lapse,
        }

        def total(condition: Any, value: Any = 1, label: str = "", name: str = name) -> Any:
            return func.coalesce(func.sum(case((condition, value), else_=0)), 0).label(f"{name}_{label}")

        sums += [
            func.coalesce(func.sum(n), 0).label(f"{name}_orders"),
            func.coalesce(func.sum(rev), 0).label(f"{name}_revenue"),
            total(~member, rev, "guest"),
            total(member, rev, "member_rev"),
            total(bought, 1, "buyers"),
            total(and_(bought, or_(n >= 2, prev.is_not(None))), 1, "repeat"),
            total(bought, day_number(last_in) - day_number(func.coalesce(prev, pc.first_at)), "gap_days"),
            total(bought, n - case((prev.is_(None), 1), else_=0), "gaps"),
            total(and_(bought, vip), rev, "vip"),
            total(based, 1, "base"),
            total(and_(based, last_before < high - lapse), 1, "churned"),
            total(member, pc[f"{name}_ny"], "ny"),
            total(and_(member, pc[f"{name}_ny"] > 0), 1, "by"),
        ]
        for stage, condition in stages.items():
            sums += [total(and_(bought, condition), 1, f"{stage}_buyers"),
                     total(and_(bought, condition), rev, f"{stage}_rev")]
    sums += [func.coalesce(func.sum(pc[f"m{index}"]), 0).label(f"m{index}") for index in range(cohort_months)]
    query = (
        select(pc.r, pc.f, pc.grade, pc.cohort, func.count().label("customers"), *sums)
        .group_by(pc.r, pc.f, pc.grade, pc.cohort)
    )
    rows = []
    for row in session.execute(query):
        values = dict(row._mapping)
        values["rfm"] = rfm_group(int(values["r"]), int(values["f"])) if values["r"] is not None else None
        rows.append(values)
    cohorts = cohort_counts(rows, period.last_day, cohort_months)
    return _one(rows, "p", period, limits), _one(rows, "q", previous, limits), cohorts

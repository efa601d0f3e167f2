"""Journey results: who entered and how they left, what was sent or skipped and why, what it cost, the
orders it brought (attribution), its A/B tests and its holdout lift; and the canvas cards that add up.

Every figure is aggregated in SQL (SQLAlchemy Core); only a handful of rows reach Python. What is counted
and how is written out in docs/metrics.md ("Journey results"); the sentences a shop owner reads come in
Korean and English from here, as the CLI has no Qt to translate them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, exists, func, literal, literal_column, null, or_, select, text
from sqlalchemy.orm import Session

from engine import config
from engine.customers.stats import COUNTED_STATUSES
from engine.journey.registry import REGISTRY
from engine.journey_store import find_row
from engine.money import won as money_won
from engine.results import stats
from engine.runtime.writes import parse_utc, utc_text
from storage.models import ACTIVE, SPLIT, Coupon, Enrollment, Order, OutboxMessage, StepLog

ORDERS = Order.__table__
OUTBOX = OutboxMessage.__table__
COUPONS = Coupon.__table__
STEPS = StepLog.__table__
ENROLLMENTS = Enrollment.__table__

MODELS = ("last_touch", "any_touch")
SPLIT_KIND = "split.random"  # the one kind whose arms (a, b, holdout) the results compare
SETTING = "conversion_days"  # a journey's own conversion window (its settings); else rules.conversion_days
WAITING_TO_GO = ("queued", "claimed", "sending", "held")  # a message not sent yet, and not given up
SKIPPED = ("skipped", "cancelled")
ENDED = ("completed", "exited", "failed")


def conversion_days(session: Session, settings: dict[str, Any] | None) -> int:
    """The journey's conversion window in days: its own setting, else the shop's (default 7)."""
    own = (settings or {}).get(SETTING)
    if isinstance(own, int) and not isinstance(own, bool) and 1 <= own <= 365:
        return own
    return int(config.get(session, "rules.conversion_days"))


# --- the figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """Customers (entries) of the journey and how each stands now."""

    entered: int = 0
    waiting: int = 0
    finished: dict[str, int] = field(default_factory=dict)  # completed, by reason (goal_reached, end_of_path)
    exited: dict[str, int] = field(default_factory=dict)  # by reason (exit_node, republished, node_removed)
    failed: dict[str, int] = field(default_factory=dict)  # by reason (render_error …)


@dataclass(frozen=True)
class Messages:
    """The journey's messages to customers (notes to the owner left out), by outcome."""

    sent: int = 0
    reached: int = 0  # customers with at least one of the sent messages
    failed: dict[str, int] = field(default_factory=dict)  # the provider refused, by its code
    skipped: dict[str, int] = field(default_factory=dict)  # by reason: no_consent, no_address, late, frequency_cap
    waiting: dict[str, int] = field(default_factory=dict)  # not sent yet, by why: quiet_hours, stale_data, due …
    cost_won: int = 0  # of the sent ones: the provider's reported cost, else the channel's price setting
    by_channel: dict[str, tuple[int, int]] = field(default_factory=dict)  # channel → (sent, cost)
    first_sent: datetime | None = None
    last_sent: datetime | None = None

    @property
    def total(self) -> int:
        return self.sent + sum(self.failed.values()) + sum(self.skipped.values()) + sum(self.waiting.values())


@dataclass(frozen=True)
class Attribution:
    days: int
    model: str
    conversions: int = 0  # customers with at least one attributed order
    orders: int = 0
    revenue: int = 0  # what those orders were paid (won)
    coupon_orders: int = 0  # of them, orders carrying a code this journey handed out
    discount: int = 0  # the discount on those coupon orders
    cost: int = 0  # message cost

    @property
    def net(self) -> int:
        return self.revenue - self.discount - self.cost

    @property
    def roi(self) -> float | None:
        """Net result per won spent (messages and discounts); None when nothing was spent."""
        spent = self.cost + self.discount
        return self.net / spent if spent else None


@dataclass(frozen=True)
class Arm:
    """One arm of a split: customers placed in it, who ordered within the window after, and what they paid."""

    name: str
    customers: int
    conversions: int
    revenue: int
    squares: float = 0.0  # Σ revenue² per customer, for the interval of a revenue difference

    @property
    def rate(self) -> float | None:
        return self.conversions / self.customers if self.customers else None

    @property
    def interval(self) -> stats.Interval | None:
        return stats.wilson(self.conversions, self.customers)

    @property
    def revenue_per_customer(self) -> float | None:
        return self.revenue / self.customers if self.customers else None

    def merged(self, other: Arm, name: str) -> Arm:
        return Arm(name, self.customers + other.customers, self.conversions + other.conversions,
                   self.revenue + other.revenue, self.squares + other.squares)

    def to_json(self) -> dict[str, Any]:
        interval = self.interval
        return {"arm": self.name, "customers": self.customers, "conversions": self.conversions,
                "conversion_rate": self.rate, "interval_95": [interval.low, interval.high] if interval else None,
                "revenue": self.revenue, "revenue_per_customer": self.revenue_per_customer}


@dataclass(frozen=True)
class ABTest:
    node_id: str
    a: Arm
    b: Arm
    comparison: stats.Comparison
    needed_per_arm: int | None  # for the observed rates, at α = 0.05 and 80 % power
    detectable: float | None  # the smallest difference the present arms can find

    @property
    def winner(self) -> str | None:
        if self.comparison.p_value >= stats.ALPHA or self.a.rate is None or self.b.rate is None:
            return None
        return "b" if self.b.rate > self.a.rate else "a"

    @property
    def more_per_arm(self) -> int | None:
        """Customers each arm still needs (the larger shortfall), or None when no estimate is possible."""
        if self.needed_per_arm is None:
            return None
        return max(0, self.needed_per_arm - min(self.a.customers, self.b.customers))

    def sentence(self, lang: str) -> str:
        ko = lang == "ko"
        p = _p_text(self.comparison.p_value)
        if not self.a.customers or not self.b.customers:
            return "A/B 결과가 아직 없습니다: 양쪽에 고객이 들어와야 합니다" if ko else \
                "No A/B result yet: both arms need customers"
        winner = self.winner
        if winner is not None:
            better, worse = winner.upper(), ("a" if winner == "b" else "b").upper()
            return f"{better}가 {worse}보다 주문 전환이 높습니다 ({p})" if ko else \
                f"{better} converts better than {worse} ({p})"
        more = self.more_per_arm
        if not self.a.conversions and not self.b.conversions:
            return f"아직 판단하기 이릅니다: 두 쪽 모두 아직 주문 전환이 없습니다 ({p})" if ko else \
                f"Too early to tell: no conversions in either arm yet ({p})"
        if more is None:  # the same rate on both sides: say what the present size could find
            shown = f"{(self.detectable or 0) * 100:.1f}"
            return (f"아직 판단하기 이릅니다: 두 쪽 전환율이 같고, 지금 인원으로는 {shown}%p 이상의 차이만 가려낼 수 "
                    f"있습니다 ({p})") if ko else \
                (f"Too early to tell: both arms convert alike, and at this size only a difference of {shown} "
                 f"points or more would show ({p})")
        if more > 0:
            return f"아직 판단하기 이릅니다: 각 쪽에 약 {more:,}명이 더 필요합니다 ({p})" if ko else \
                f"Too early to tell: each side needs about {more:,} more customers ({p})"
        return f"A와 B의 주문 전환 차이가 뚜렷하지 않습니다 ({p})" if ko else \
            f"No clear difference between A and B ({p})"

    def to_json(self) -> dict[str, Any]:
        return {"node": self.node_id, "a": self.a.to_json(), "b": self.b.to_json(),
                "p_value": self.comparison.p_value, "test": self.comparison.test, "winner": self.winner,
                "needed_per_arm": self.needed_per_arm, "more_per_arm": self.more_per_arm,
                "detectable_difference": self.detectable}


@dataclass(frozen=True)
class Lift:
    """The journey against doing nothing: the split's message arms together against its holdout."""

    node_id: str
    treated: Arm
    holdout: Arm
    conversion: tuple[float, stats.Interval] | None  # rate difference (treated − holdout), Newcombe interval
    revenue: tuple[float, stats.Interval] | None  # revenue per customer difference, normal (Welch) interval

    def sentence(self, lang: str) -> str:
        ko = lang == "ko"
        if self.conversion is None:
            return "비교군 결과가 아직 없습니다: 양쪽에 고객이 들어와야 합니다" if ko else \
                "No holdout result yet: both groups need customers"
        diff, interval = self.conversion
        points = f"{diff * 100:+.1f}%p ({interval.low * 100:+.1f}~{interval.high * 100:+.1f}%p)" if ko else \
            f"{diff * 100:+.1f} points (95% interval {interval.low * 100:+.1f} to {interval.high * 100:+.1f})"
        money = ""
        if self.revenue is not None:
            value, around = self.revenue
            money = (f", 고객 1인당 매출 {_won_signed(value)} ({_won_signed(around.low)}~{_won_signed(around.high)})"
                     if ko else f"; revenue per customer {_won_signed(value, 'en')} (95% interval "
                     f"{_won_signed(around.low, 'en')} to {_won_signed(around.high, 'en')})")
        if interval.low > 0:
            return f"이 여정은 아무것도 하지 않았을 때보다 주문 전환을 높였습니다: {points}{money}" if ko else \
                f"The journey beats doing nothing: conversion {points}{money}"
        if interval.high < 0:
            return f"이 여정을 받은 고객의 주문 전환이 오히려 낮습니다: {points}{money}" if ko else \
                f"Customers in the journey convert less than the holdout: {points}{money}"
        return f"아직 여정의 효과가 뚜렷하지 않습니다: 주문 전환 {points}{money}" if ko else \
            f"No clear effect of the journey yet: conversion {points}{money}"

    def to_json(self) -> dict[str, Any]:
        def pair(value: tuple[float, stats.Interval] | None) -> dict[str, Any] | None:
            return None if value is None else {"difference": value[0], "interval_95": [value[1].low, value[1].high]}

        return {"node": self.node_id, "treated": self.treated.to_json(), "holdout": self.holdout.to_json(),
                "conversion_lift": pair(self.conversion), "revenue_per_customer_lift": pair(self.revenue)}


@dataclass(frozen=True)
class JourneyResults:
    journey_id: str
    name: str
    now: datetime
    since: datetime | None
    funnel: Funnel
    messages: Messages
    attribution: Attribution
    ab_tests: list[ABTest]
    lifts: list[Lift]
    # the split steps that have results, in canvas order (left to right, top to bottom), with the owner's label
    # for each ("" when the step keeps its kind's name)
    splits: dict[str, str] = field(default_factory=dict)

    def attribution_sentence(self, lang: str) -> str:
        return attribution_sentence(self.attribution.days, self.attribution.model, lang)

    @property
    def several_splits(self) -> bool:
        return len({test.node_id for test in self.ab_tests} | {lift.node_id for lift in self.lifts}) > 1

    def split_number(self, node_id: str) -> int:
        """The split's place in canvas order, from 1 (steps no longer in the journey come last)."""
        order = list(self.splits) + sorted({test.node_id for test in self.ab_tests} | {lift.node_id for lift in
                                                                                    self.lifts} - set(self.splits))
        return order.index(node_id) + 1 if node_id in order else len(order) + 1

    def split_title(self, node_id: str, lang: str) -> str:
        """The split step as the owner knows it: its label, else the kind's name; numbered in canvas order when
        the journey has results from more than one split ("2. 쿠폰 문구 테스트")."""
        title = self.splits.get(node_id) or REGISTRY[SPLIT_KIND].label(lang)
        return f"{self.split_number(node_id)}. {title}" if self.several_splits else title

    def split_sentences(self, lang: str) -> list[str]:
        """Each A/B test's and holdout's verdict; with several splits each says which split it is about."""
        pairs = sorted([(test.node_id, test.sentence(lang)) for test in self.ab_tests] +
                       [(lift.node_id, lift.sentence(lang)) for lift in self.lifts],
                       key=lambda pair: self.split_number(pair[0]))  # per split in canvas order: A/B, then holdout
        if not self.several_splits:
            return [text for _, text in pairs]
        return [f"{self.split_title(node, lang)}: {text}" for node, text in pairs]

    def sentences(self, lang: str) -> list[str]:
        return [self.attribution_sentence(lang), *self.split_sentences(lang)]

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        a = self.attribution
        return {
            "journey": self.journey_id, "name": self.name, "now": self.now.isoformat(),
            "since": self.since.isoformat() if self.since else None,
            "funnel": {"entered": self.funnel.entered, "waiting": self.funnel.waiting,
                       "finished": self.funnel.finished, "exited": self.funnel.exited,
                       "failed": self.funnel.failed},
            "messages": {"sent": self.messages.sent, "reached": self.messages.reached, "failed": self.messages.failed,
                         "skipped": self.messages.skipped, "waiting": self.messages.waiting,
                         "cost_won": self.messages.cost_won,
                         "by_channel": {name: {"sent": sent, "cost_won": cost}
                                        for name, (sent, cost) in self.messages.by_channel.items()}},
            "attribution": {"model": a.model, "days": a.days, "conversions": a.conversions, "orders": a.orders,
                            "revenue_won": a.revenue, "coupon_redemptions": a.coupon_orders,
                            "discount_won": a.discount, "message_cost_won": a.cost, "net_won": a.net,
                            "roi": a.roi},
            "ab_tests": [{**test.to_json(), "node_title": self.split_title(test.node_id, lang)}
                         for test in self.ab_tests],
            "holdout": [{**lift.to_json(), "node_title": self.split_title(lift.node_id, lang)}
                        for lift in self.lifts],
            "sentences": self.sentences(lang),
        }


def attribution_sentence(days: int, model: str, lang: str) -> str:
    """The rule, in one sentence, as the results show it."""
    if lang == "ko":
        rule = ("여러 여정의 메시지를 받았다면 주문 직전의 마지막 메시지를 보낸 여정의 것으로 셉니다"
                if model == "last_touch" else "다른 여정의 메시지를 함께 받았어도 이 여정의 것으로 셉니다")
        return (f"전환은 이 여정의 메시지를 받고 {days}일 안에 한 주문이며, {rule} "
                f"(이 여정이 준 쿠폰 코드가 찍힌 주문은 언제나 이 여정의 것입니다).")
    rule = ("when several journeys sent messages, the one whose message came last before the order gets it"
            if model == "last_touch" else "even when other journeys sent messages too")
    return (f"A conversion is an order within {days} days after a message of this journey; {rule} "
            f"(an order carrying a coupon code this journey handed out is always this journey's).")


# --- computing them ----------------------------------------------------------------------------------------


def journey_results(session: Session, ref: str, now: datetime, *, days: int | None = None,
                    model: str = "last_touch") -> JourneyResults:
    """Everything the results view and `journey results` show, for the last `days` days (all when None)."""
    if model not in MODELS:
        raise ValueError(f"unknown attribution model {model}")
    row = find_row(session, ref)
    window = conversion_days(session, (row.draft or {}).get("settings"))
    since = now - timedelta(days=days) if days else None
    funnel = _funnel(session, row.id, since, now)
    messages = _messages(session, row.id, since, now)
    # every message of the journey was read for the figures above unless a window left some out
    span = (messages.first_sent, messages.last_sent) if since is None else None
    attribution = _attribution_one(session, row.id, window, since, now, model, messages.cost_won, span)
    arms = _arms(session, row.id, window, since, now)
    tests: list[ABTest] = []
    lifts: list[Lift] = []
    for node_id in sorted(arms):
        by_arm = arms[node_id]
        a, b, hold = (by_arm.get(name, Arm(name, 0, 0, 0)) for name in ("a", "b", "holdout"))
        if a.customers and b.customers:
            tests.append(_ab_test(node_id, a, b))
        if hold.customers:
            treated = a.merged(b, "treated")
            lifts.append(Lift(node_id, treated, hold,
                              stats.difference(treated.conversions, treated.customers, hold.conversions,
                                               hold.customers),
                              stats.mean_difference(treated.revenue, treated.squares, treated.customers,
                                                    hold.revenue, hold.squares, hold.customers)))
    splits = _split_labels(row.draft, {test.node_id for test in tests} | {lift.node_id for lift in lifts})
    return JourneyResults(row.id, row.name, now, since, funnel, messages, attribution, tests, lifts, splits)


def _split_labels(draft: dict[str, Any] | None, node_ids: set[str]) -> dict[str, str]:
    """The split steps with results that the journey still has, in canvas order, with their labels."""
    found: list[tuple[float, float, str, str]] = []
    for node in (draft or {}).get("nodes", []):
        if isinstance(node, dict) and node.get("id") in node_ids:
            x, y = [*(node.get("position") or []), 0, 0][:2]
            found.append((float(x), float(y), str(node["id"]), str(node.get("label") or "")))
    return {node_id: label for _, _, node_id, label in sorted(found)}


def _ab_test(node_id: str, a: Arm, b: Arm) -> ABTest:
    comparison = stats.compare(a.conversions, a.customers, b.conversions, b.customers)
    rate_a, rate_b = a.conversions / a.customers, b.conversions / b.customers
    pooled = (a.conversions + b.conversions) / (a.customers + b.customers)
    return ABTest(node_id, a, b, comparison, stats.needed_per_arm(rate_a, rate_b),
                  stats.detectable(pooled, min(a.customers, b.customers)))


def _funnel(session: Session, journey_id: str, since: datetime | None, now: datetime) -> Funnel:
    table = ENROLLMENTS
    where = [table.c.journey_id == journey_id, table.c.entered_at <= now]  # a past `now`: nothing after it
    if since is not None:
        where.append(table.c.entered_at >= since)
    entered = waiting = 0
    ended: dict[str, dict[str, int]] = {"completed": {}, "exited": {}, "failed": {}}
    for status, reason, count in session.execute(
            select(table.c.status, table.c.end_reason, func.count()).where(*where)
            .group_by(table.c.status, table.c.end_reason)):
        entered += int(count)
        if status == "active":
            waiting += int(count)
        elif status in ended:
            ended[status][str(reason or status)] = int(count)
    return Funnel(entered, waiting, ended["completed"], ended["exited"], ended["failed"])


def _messages(session: Session, journey_id: str, since: datetime | None, now: datetime) -> Messages:
    table = OUTBOX
    where = [table.c.journey_id == journey_id, table.c.channel != "owner", table.c.created_at <= now]
    if since is not None:
        where.append(table.c.created_at >= since)
    sent = cost = 0
    failed: dict[str, int] = {}
    skipped: dict[str, int] = {}
    waiting: dict[str, int] = {}
    channels: dict[str, tuple[int, int]] = {}
    first: datetime | None = None
    last: datetime | None = None
    for status, reason, channel, count, spent, earliest, latest in session.execute(
            select(table.c.status, table.c.reason, table.c.channel, func.count(), func.sum(table.c.cost_won),
                   func.min(table.c.sent_at), func.max(table.c.sent_at))
            .where(*where).group_by(table.c.status, table.c.reason, table.c.channel)):
        count, spent = int(count), int(spent or 0)
        if status == "sent":
            sent += count
            cost += spent
            first = earliest if first is None or (earliest is not None and earliest < first) else first
            last = latest if last is None or (latest is not None and latest > last) else last
            old = channels.get(channel, (0, 0))
            channels[channel] = (old[0] + count, old[1] + spent)
        elif status == "failed":
            _add(failed, str(reason or "failed"), count)
        elif status in SKIPPED:
            _add(skipped, str(reason or ("dropped_by_owner" if status == "cancelled" else status)), count)
        else:
            _add(waiting, str(reason or ("held" if status == "held" else "due")), count)
    reached = int(session.scalar(select(func.count(func.distinct(table.c.customer_id)))
                                 .where(*where, table.c.status == "sent")) or 0) if sent else 0
    return Messages(sent, reached, failed, skipped, waiting, cost, dict(sorted(channels.items())), first, last)


def _add(counts: dict[str, int], key: str, count: int) -> None:
    counts[key] = counts.get(key, 0) + count


def _shift(session: Session, column: Any, days: int, upper: bool) -> Any:
    """`column` moved by `days` days, comparable with stored instants (SQLite keeps them as text)."""
    if session.get_bind().dialect.name == "sqlite":  # 'YYYY-MM-DD HH:MM:SS.ffffff' text; strftime keeps ms
        return func.strftime("%Y-%m-%d %H:%M:%f", column, literal(f"{int(days):+d} days")) + \
            ("999" if upper else "000")
    return column + func.make_interval(0, 0, 0, int(days))


def _unindexed(session: Session, column: Any) -> Any:
    """`column` as SQLite's planner must not use an index for (its unary +)."""
    if session.get_bind().dialect.name == "sqlite":
        return literal_column(f"+{column.table.name}.{column.name}")
    return column


def _orders_where(since: datetime | None, now: datetime) -> list[Any]:
    where = [ORDERS.c.customer_id.is_not(None), ORDERS.c.status.in_(COUNTED_STATUSES), ORDERS.c.ordered_at <= now]
    if since is not None:
        where.append(ORDERS.c.ordered_at > since)
    return where


def _last_message() -> Any:
    """The id of the last message any journey sent the order's customer before the order (last touch)."""
    prior = OUTBOX.alias("prior")
    return (select(prior.c.id)
            .where(prior.c.customer_id == ORDERS.c.customer_id, prior.c.status == "sent",
                   prior.c.channel != "owner", prior.c.journey_id.is_not(None),
                   prior.c.sent_at < ORDERS.c.ordered_at)
            .order_by(prior.c.sent_at.desc(), prior.c.id.desc()).limit(1)
            .correlate(ORDERS).scalar_subquery())


def _winners(session: Session, days: int, since: datetime | None, now: datetime, only: str | None = None,
             span: Any = None) -> dict[str, tuple[int, int, int, int, int]]:
    """Per journey, by last touch: (customers, orders, revenue, coupon orders, discount on them). An order
    carrying a journey's coupon code is that journey's; any other goes to the journey of the last message
    before it, when it came within `days` days of that message.

    Only orders that could be won are looked at: for one journey (`only`), those from its first message to
    `days` days after its last (read by the index on the order time), and the ones carrying its codes.
    `span`: (first, last) sent time of its messages when the caller has them."""
    low, high = since, now
    first = None
    if only is not None:
        if span is None:
            span = session.execute(select(func.min(OUTBOX.c.sent_at), func.max(OUTBOX.c.sent_at)).where(
                OUTBOX.c.journey_id == only, OUTBOX.c.status == "sent")).one()
        first, last_sent = span
        if first is not None:
            low = first if since is None else max(first, since)
            high = min(now, last_sent + timedelta(days=days))
    last = OUTBOX.alias("last")
    coupon = COUPONS.alias("coupon")
    within = ORDERS.c.ordered_at <= _shift(session, last.c.sent_at, days, upper=True)
    winner = case((coupon.c.journey_id.is_not(None), coupon.c.journey_id),
                  (within, last.c.journey_id), else_=null()).label("winner")
    by_coupon = case((coupon.c.journey_id.is_not(None), 1), else_=0).label("by_coupon")
    columns = (ORDERS.c.customer_id, ORDERS.c.amount, ORDERS.c.discount)
    parts = []
    if only is None or first is not None:
        in_range = [ORDERS.c.customer_id.is_not(None), ORDERS.c.status.in_(COUNTED_STATUSES),
                    ORDERS.c.ordered_at <= high]
        if low is not None:
            in_range.append(ORDERS.c.ordered_at > low)
        parts.append(select(winner, *columns, by_coupon)
                     .select_from(ORDERS.outerjoin(last, last.c.id == _last_message())
                                  .outerjoin(coupon, and_(coupon.c.code == ORDERS.c.coupon_code,
                                                          coupon.c.journey_id.is_not(None))))
                     .where(*in_range))
    if only is not None:  # its codes on orders outside that span (a coupon used late is still its)
        at = _unindexed(session, ORDERS.c.ordered_at)  # read by code, not every older order by its time
        outside = [coupon.c.journey_id == only, ORDERS.c.coupon_code.is_not(None),
                   ORDERS.c.customer_id.is_not(None), ORDERS.c.status.in_(COUNTED_STATUSES), at <= now]
        if since is not None:
            outside.append(at > since)
        if first is not None:
            outside.append(or_(at <= low, at > high))
        parts.append(select(coupon.c.journey_id.label("winner"), *columns, literal(1).label("by_coupon"))
                     .select_from(ORDERS.join(coupon, coupon.c.code == ORDERS.c.coupon_code)).where(*outside))
    inner = (parts[0] if len(parts) == 1 else parts[0].union_all(parts[1])).subquery()
    query = (select(inner.c.winner, func.count(func.distinct(inner.c.customer_id)), func.count(),
                    func.sum(inner.c.amount), func.sum(inner.c.by_coupon),
                    func.sum(case((inner.c.by_coupon == 1, inner.c.discount), else_=0)))
             .where(inner.c.winner.is_not(None)).group_by(inner.c.winner))
    if only is not None:
        query = query.where(inner.c.winner == only)
    return {str(journey): (int(customers), int(orders), int(revenue or 0), int(coupons or 0), int(discount or 0))
            for journey, customers, orders, revenue, coupons, discount in session.execute(query)}


def _any_touch(session: Session, journey_id: str, days: int, since: datetime | None,
               now: datetime) -> tuple[int, int, int, int, int]:
    """(customers, orders, revenue, coupon orders, discount) for orders within `days` days after any of the
    journey's messages, or carrying its code (an order carrying another journey's code is that one's)."""
    message = OUTBOX.alias("message")
    coupon = COUPONS.alias("coupon")
    touched = exists().where(message.c.customer_id == ORDERS.c.customer_id, message.c.journey_id == journey_id,
                             message.c.status == "sent", message.c.channel != "owner",
                             message.c.sent_at < ORDERS.c.ordered_at,
                             message.c.sent_at >= _shift(session, ORDERS.c.ordered_at, -days, upper=False))
    mine = coupon.c.journey_id == journey_id
    counted = or_(mine, and_(coupon.c.journey_id.is_(None), touched))
    row = session.execute(
        select(func.count(func.distinct(ORDERS.c.customer_id)), func.count(), func.sum(ORDERS.c.amount),
               func.sum(case((mine, 1), else_=0)), func.sum(case((mine, ORDERS.c.discount), else_=0)))
        .select_from(ORDERS.outerjoin(coupon, and_(coupon.c.code == ORDERS.c.coupon_code,
                                                   coupon.c.journey_id.is_not(None))))
        .where(*_orders_where(since, now), counted)).one()
    return int(row[0]), int(row[1]), int(row[2] or 0), int(row[3] or 0), int(row[4] or 0)


def _attribution_one(session: Session, journey_id: str, days: int, since: datetime | None, now: datetime,
                     model: str, cost: int, span: Any) -> Attribution:
    if model == "any_touch":
        figures = _any_touch(session, journey_id, days, since, now)
    else:
        figures = _winners(session, days, since, now, only=journey_id, span=span).get(journey_id, (0, 0, 0, 0, 0))
    customers, orders, revenue, coupons, discount = figures
    return Attribution(days, model, customers, orders, revenue, coupons, discount, cost)


def _arms(session: Session, journey_id: str, days: int, since: datetime | None,
          now: datetime) -> dict[str, dict[str, Arm]]:
    """Per split node and arm: customers placed there, who ordered within `days` days after being placed
    (every counted order, whatever touched it: the comparison is of the arms as assigned), and the revenue
    of those orders with its sum of squares per customer. The orders are read from the first placement on
    (the index on the order time), each matched to its customer's placements (the step log's customer index)."""
    split = STEPS
    where = [split.c.journey_id == journey_id, SPLIT, split.c.reason.is_not(None), split.c.at <= now]
    if since is not None:
        where.append(split.c.at >= since)
    placed: dict[tuple[str, str], int] = {}
    first: datetime | None = None
    for node_id, arm, count, earliest in _placements(session, journey_id, since, now):
        if node_id is None or earliest is None:
            continue
        placed[(str(node_id), str(arm))] = int(count)
        first = earliest if first is None else min(first, earliest)
    ordered: dict[tuple[str, str], tuple[int, int, float]] = {}
    if first is not None:
        per = (select(split.c.node_id, split.c.reason.label("arm"), func.sum(ORDERS.c.amount).label("paid"))
               .select_from(ORDERS.join(split, and_(
                   split.c.customer_id == ORDERS.c.customer_id, *where, split.c.at < ORDERS.c.ordered_at,
                   ORDERS.c.ordered_at <= _shift(session, split.c.at, days, upper=True))))
               .where(*_orders_where(first, now))
               .group_by(split.c.customer_id, split.c.at, split.c.node_id, split.c.reason).subquery())
        for node_id, arm, converted, revenue, squares in session.execute(
                select(per.c.node_id, per.c.arm, func.count(), func.sum(per.c.paid),
                       func.total(per.c.paid * 1.0 * per.c.paid)).group_by(per.c.node_id, per.c.arm)):
            ordered[(str(node_id), str(arm))] = (int(converted), int(revenue or 0), float(squares or 0.0))
    result: dict[str, dict[str, Arm]] = {}
    for (node_id, arm), count in placed.items():
        converted, revenue, squares = ordered.get((node_id, arm), (0, 0, 0.0))
        result.setdefault(node_id, {})[arm] = Arm(arm, count, converted, revenue, squares)
    return result


def _placements(session: Session, journey_id: str, since: datetime | None,
                now: datetime) -> list[tuple[Any, Any, int, datetime | None]]:
    """(node, arm, customers, first placement) from the split steps' own index alone: SQLite's planner,
    left to itself, reads every step row of the journey instead (a random page read each)."""
    split = STEPS
    if session.get_bind().dialect.name != "sqlite":
        where = [split.c.journey_id == journey_id, SPLIT, split.c.reason.is_not(None), split.c.at <= now]
        if since is not None:
            where.append(split.c.at >= since)
        return [(node, arm, int(count), earliest) for node, arm, count, earliest in session.execute(
            select(split.c.node_id, split.c.reason, func.count(), func.min(split.c.at)).where(*where)
            .group_by(split.c.node_id, split.c.reason))]
    sql = ("SELECT node_id, reason, count(*), min(at) FROM step_log INDEXED BY ix_step_log_splits"
           " WHERE journey_id = :journey AND event = 'split' AND reason IS NOT NULL AND at <= :now"
           + (" AND at >= :since" if since is not None else "") + " GROUP BY node_id, reason")
    values: dict[str, Any] = {"journey": journey_id, "now": utc_text(now)}
    if since is not None:
        values["since"] = utc_text(since)
    return [(node, arm, int(count), parse_utc(earliest)) for node, arm, count, earliest in
            session.execute(text(sql), values)]


# --- the journey list: the last 30 days of every journey ------------------------------------------------


@dataclass(frozen=True)
class ListFigures:
    sent: int = 0
    conversions: int = 0
    revenue: int = 0
    cost: int = 0
    discount: int = 0

    @property
    def roi(self) -> float | None:
        spent = self.cost + self.discount
        return (self.revenue - spent) / spent if spent else None


def list_figures(session: Session, now: datetime, days: int = 30) -> dict[str, ListFigures]:
    """Per journey, the last `days` days: messages sent and their cost, and the orders attributed by last
    touch (each journey with its own conversion window)."""
    from storage.models import Journey as JourneyRow

    since = now - timedelta(days=days)
    sent: dict[str, tuple[int, int]] = {}
    for journey_id, count, cost in session.execute(
            select(OUTBOX.c.journey_id, func.count(), func.sum(OUTBOX.c.cost_won))
            .where(OUTBOX.c.status == "sent", OUTBOX.c.channel != "owner", OUTBOX.c.journey_id.is_not(None),
                   OUTBOX.c.sent_at > since, OUTBOX.c.sent_at <= now)
            .group_by(OUTBOX.c.journey_id)):
        sent[str(journey_id)] = (int(count), int(cost or 0))
    windows: dict[int, set[str]] = {}
    for journey_id, draft in session.execute(select(JourneyRow.id, JourneyRow.draft)):
        windows.setdefault(conversion_days(session, (draft or {}).get("settings")), set()).add(str(journey_id))
    won: dict[str, tuple[int, int, int, int, int]] = {}
    for window, journeys in windows.items():
        for journey_id, figures in _winners(session, window, since, now).items():
            if journey_id in journeys:
                won[journey_id] = figures
    result: dict[str, ListFigures] = {}
    for journey_id in set(sent) | set(won):
        count, cost = sent.get(journey_id, (0, 0))
        customers, _orders, revenue, _coupons, discount = won.get(journey_id, (0, 0, 0, 0, 0))
        result[journey_id] = ListFigures(count, customers, revenue, cost, discount)
    return result


# --- the canvas cards ---------------------------------------------------------------------------------------


@dataclass
class Card:
    """One card's live numbers. They add up: entered = waiting + Σ out + Σ skipped + Σ stopped.

    A message card counts its messages: out is {"sent": n}, waiting the ones not sent yet (by why),
    skipped and stopped (the provider refused, or the text could not be made) by reason. Any other card
    counts customers: out by branch, stopped those who ended there (exit, republish, failure)."""

    kind: str
    entered: int = 0
    waiting: int = 0
    out: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    stopped: dict[str, int] = field(default_factory=dict)
    waiting_why: dict[str, int] = field(default_factory=dict)  # message cards: why not sent yet

    def balanced(self) -> bool:
        return self.entered == self.waiting + sum(self.out.values()) + sum(self.skipped.values()) + \
            sum(self.stopped.values())


PORT_KINDS = ("condition", "split")  # categories whose customers leave by a logged branch


def node_cards(session: Session, journey_id: str, graph: dict[str, Any]) -> dict[str, Card]:
    """Per node of `graph` (the draft the canvas shows; ids are kept across versions): its card."""
    nodes = {str(node["id"]): str(node["kind"]) for node in graph.get("nodes", []) if isinstance(node, dict)}
    logged: dict[Any, Any] = dict(session.execute(
        select(STEPS.c.node_id, func.count(func.distinct(STEPS.c.enrollment_id)))
        .where(STEPS.c.journey_id == journey_id, STEPS.c.enrollment_id.is_not(None)).group_by(STEPS.c.node_id)).all())
    waiting: dict[Any, Any] = dict(session.execute(
        select(ENROLLMENTS.c.node_id, func.count()).where(ENROLLMENTS.c.journey_id == journey_id, ACTIVE)
        .group_by(ENROLLMENTS.c.node_id)).all())
    ended: dict[str, dict[tuple[str, str], int]] = {}
    for node_id, status, reason, count in session.execute(
            select(ENROLLMENTS.c.node_id, ENROLLMENTS.c.status, ENROLLMENTS.c.end_reason, func.count())
            .where(ENROLLMENTS.c.journey_id == journey_id, ENROLLMENTS.c.status.in_(ENDED))
            .group_by(ENROLLMENTS.c.node_id, ENROLLMENTS.c.status, ENROLLMENTS.c.end_reason)):
        ended.setdefault(str(node_id), {})[(str(status), str(reason or status))] = int(count)
    ports: dict[str, dict[str, int]] = {}
    for node_id, reason, count in session.execute(
            select(STEPS.c.node_id, STEPS.c.reason, func.count())
            .where(STEPS.c.journey_id == journey_id, STEPS.c.event.in_(("branch", "split", "resumed")),
                   STEPS.c.reason.is_not(None), STEPS.c.node_id.is_not(None))
            .group_by(STEPS.c.node_id, STEPS.c.reason)):
        ports.setdefault(str(node_id), {})[str(reason)] = int(count)
    outbox: dict[str, list[tuple[str, str | None, int]]] = {}
    for node_id, status, reason, count in session.execute(
            select(OUTBOX.c.node_id, OUTBOX.c.status, OUTBOX.c.reason, func.count())
            .where(OUTBOX.c.journey_id == journey_id, OUTBOX.c.node_id.is_not(None), OUTBOX.c.channel != "owner")
            .group_by(OUTBOX.c.node_id, OUTBOX.c.status, OUTBOX.c.reason)):
        outbox.setdefault(str(node_id), []).append((str(status), reason, int(count)))

    cards: dict[str, Card] = {}
    for node_id, kind in nodes.items():
        spec = REGISTRY.get(kind)
        category = spec.category if spec else ""
        endings = ended.get(node_id, {})
        card = Card(kind)
        if category == "message":
            for status, reason, count in outbox.get(node_id, []):
                if status == "sent":
                    _add(card.out, "sent", count)
                elif status == "failed":
                    _add(card.stopped, str(reason or "failed"), count)
                elif status in SKIPPED:
                    _add(card.skipped, str(reason or "dropped_by_owner"), count)
                else:
                    card.waiting += count
                    _add(card.waiting_why, str(reason or ("held" if status == "held" else "due")), count)
            for (status, reason), count in endings.items():  # no message at all: its text could not be made
                if status == "failed" and reason == "render_error":
                    _add(card.stopped, reason, count)
            card.entered = card.waiting + sum(card.out.values()) + sum(card.skipped.values()) + \
                sum(card.stopped.values())
        else:
            card.waiting = int(waiting.get(node_id, 0))
            for (_status, reason), count in endings.items():
                # leaving by a way with no next step, or through the goal, is going out, not stopping
                if reason == "end_of_path" or (category == "goal" and reason == "goal_reached") or \
                        (category == "exit" and reason == "exit_node"):
                    continue
                _add(card.stopped, reason, count)
            stopped = sum(card.stopped.values())
            if category in PORT_KINDS or kind == "wait.event":
                card.out = {port.name: 0 for port in (spec.outputs if spec else ())}
                card.out.update(ports.get(node_id, {}))
                card.entered = card.waiting + sum(card.out.values()) + stopped
            else:
                reached = int(logged.get(node_id, 0))
                card.entered = max(reached, card.waiting + stopped)
                card.out = {"out": card.entered - card.waiting - stopped}
        cards[node_id] = card
    _goals_by_edges(graph, nodes, cards)
    return cards


def _goals_by_edges(graph: dict[str, Any], nodes: dict[str, str], cards: dict[str, Card]) -> None:
    """A goal that customers pass through by an edge leaves no step of its own: it had as many in as the
    branches leading to it sent out."""
    for node_id, kind in nodes.items():
        if kind != "goal":
            continue
        fed = 0
        for edge in graph.get("edges", []):
            if edge.get("target") == node_id and edge.get("source") in cards:
                source = cards[edge["source"]]
                port = str(edge.get("source_port") or "out")
                fed += source.out.get(port if port in source.out else ("sent" if "sent" in source.out else "out"), 0)
        card = cards[node_id]
        if fed > card.entered:
            card.out["out"] = card.out.get("out", 0) + fed - card.entered
            card.entered = fed


# words for the cards (short: they sit under a 200-pixel card)
CARD_WORDS = {
    "in": ("들어옴", "in"), "waiting": ("대기", "waiting"), "out": ("나감", "out"), "sent": ("보냄", "sent"),
    "skipped": ("건너뜀", "skipped"), "stopped": ("멈춤", "stopped"), "to_go": ("발송 대기", "to send"),
    "failed": ("실패", "failed"),
}
REASON_WORDS = {
    "no_consent": ("수신 동의 없음", "no consent"), "no_address": ("연락처 없음", "no address"),
    "late": ("늦음", "too late"), "frequency_cap": ("발송 한도", "cap"), "quiet_hours": ("야간", "quiet hours"),
    "stale_data": ("데이터 지연", "stale data"), "late_moved": ("다음 날로", "moved"),
    "render_error": ("문장 오류", "text error"), "exit_node": ("종료", "exit"),
    "republished": ("재게시", "republished"), "node_removed": ("단계 삭제", "step removed"),
    "goal_reached": ("목표 달성", "goal"), "dropped_by_owner": ("보내지 않기로 함", "dropped"),
    "held": ("확인 대기", "held"), "ambiguous_send": ("확인 대기", "held"), "due": ("곧", "due"),
    "send_retry": ("재시도", "retrying"), "no_channel": ("채널 미설정", "no channel"),
    "version_missing": ("버전 없음", "no version"), "customer_missing": ("고객 없음", "no customer"),
    "broken_edge": ("끊긴 연결", "broken edge"), "too_many_steps": ("단계 과다", "too many steps"),
}


def reason_word(code: str, lang: str) -> str:
    words = REASON_WORDS.get(code)
    if words is not None:
        return words[0] if lang == "ko" else words[1]
    from engine.timeline import REASON_TEXT, REASON_TEXT_KO

    return (REASON_TEXT_KO if lang == "ko" else REASON_TEXT).get(code, code).split(" (")[0].split("{")[0].strip()


def card_text(card: Card, lang: str = "ko") -> str:
    """The card's lines: `in · waiting · out by branch (share of in)`, then skipped and stopped by reason."""
    ko = lang == "ko"

    def word(key: str) -> str:
        return CARD_WORDS[key][0 if ko else 1]

    def share(count: int) -> str:
        return f" ({count * 100 / card.entered:.0f}%)" if card.entered else ""

    def reasons(counts: dict[str, int]) -> str:
        return ", ".join(f"{reason_word(reason, lang)} {count:,}" for reason, count in
                         sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    spec = REGISTRY.get(card.kind)
    is_message = bool(spec and spec.category == "message")
    parts = [f"{word('in')} {card.entered:,}"]
    if card.waiting:
        waiting = f"{word('to_go' if is_message else 'waiting')} {card.waiting:,}"
        if is_message and card.waiting_why:
            waiting += f" ({reasons(card.waiting_why)})"
        parts.append(waiting)
    ports = {port.name: (port.label_ko if ko else port.label_en) for port in (spec.outputs if spec else ())}
    for port, count in card.out.items():
        if count or len(card.out) > 1 or port == "sent":
            label = word("sent") if port == "sent" else word("out") if port == "out" and len(ports) <= 1 \
                else ports.get(port, port)
            parts.append(f"{label} {count:,}{share(count)}")
    lines = [" · ".join(parts)]
    if card.skipped:
        lines.append(f"{word('skipped')} {sum(card.skipped.values()):,}: {reasons(card.skipped)}")
    if card.stopped:
        key = "failed" if is_message else "stopped"
        lines.append(f"{word(key)} {sum(card.stopped.values()):,}: {reasons(card.stopped)}")
    return "\n".join(lines)


# --- words for the figures -----------------------------------------------------------------------------------


def _p_text(p: float) -> str:
    if p < 0.001:
        return "p<0.001"
    return f"p={p:.3f}" if p < 0.01 else f"p={p:.2f}"


def _won_signed(value: float, lang: str = "ko") -> str:
    rounded = round(value)
    sign = "+" if rounded > 0 else "−" if rounded < 0 else ""
    return f"{sign}{abs(rounded):,}원" if lang == "ko" else f"{sign}₩{abs(rounded):,}"


def won(value: int, lang: str = "ko") -> str:
    """12,345원; in English ₩12,345, as the dashboard writes it (engine.money.won)."""
    return money_won(value, lang)


def roi_text(roi: float | None) -> str:
    return "–" if roi is None else f"{roi * 100:,.0f}%"


def report_text(results: JourneyResults, lang: str = "ko") -> str:
    """The results as plain lines (the CLI), in the app's language."""
    ko = lang == "ko"
    f, m, a = results.funnel, results.messages, results.attribution

    def reasons(counts: dict[str, int]) -> str:
        return ", ".join(f"{reason_word(key, lang)} {value:,}" for key, value in
                         sorted(counts.items(), key=lambda item: (-item[1], item[0]))) or "0"

    def rate(arm: Arm) -> str:
        interval = arm.interval
        shown = f"{(arm.rate or 0) * 100:.1f}%"
        if interval is not None:
            shown += f" (95% {interval.low * 100:.1f}–{interval.high * 100:.1f}%)"
        return shown

    def arm_line(arm: Arm) -> str:
        per = won(round(arm.revenue_per_customer or 0), lang)
        if ko:
            return (f"  {arm.name.upper()}: 고객 {arm.customers:,}, 전환 {arm.conversions:,}, 전환율 {rate(arm)}, "
                    f"1인당 매출 {per}")
        return (f"  {arm.name.upper()}: customers {arm.customers:,}, conversions {arm.conversions:,}, "
                f"rate {rate(arm)}, revenue per customer {per}")

    span = (f"최근 {(results.now - results.since).days}일" if ko else f"last {(results.now - results.since).days} days") \
        if results.since else ("처음부터" if ko else "since the start")
    lines = [f"{results.name} ({results.journey_id}) — {span}"]
    if ko:
        lines += [
            f"들어옴 {f.entered:,} · 대기 {f.waiting:,} · 마침 {sum(f.finished.values()):,} ({reasons(f.finished)})"
            f" · 나감 {sum(f.exited.values()):,} ({reasons(f.exited)}) · 실패 {sum(f.failed.values()):,}"
            f" ({reasons(f.failed)})",
            f"메시지: 보냄 {m.sent:,} · 실패 {sum(m.failed.values()):,} ({reasons(m.failed)}) · 건너뜀 "
            f"{sum(m.skipped.values()):,} ({reasons(m.skipped)}) · 발송 대기 {sum(m.waiting.values()):,}"
            f" ({reasons(m.waiting)}) · 비용 {won(m.cost_won, lang)}",
            f"전환 고객 {a.conversions:,} · 주문 {a.orders:,} · 매출 {won(a.revenue, lang)} · 쿠폰 사용 "
            f"{a.coupon_orders:,} (할인 {won(a.discount, lang)}) · 메시지 비용 {won(a.cost, lang)} · 순이익 "
            f"{won(a.net, lang)} · ROI {roi_text(a.roi)}",
        ]
    else:
        lines += [
            f"entered {f.entered:,} · waiting {f.waiting:,} · finished {sum(f.finished.values()):,}"
            f" ({reasons(f.finished)}) · exited {sum(f.exited.values()):,} ({reasons(f.exited)}) · failed "
            f"{sum(f.failed.values()):,} ({reasons(f.failed)})",
            f"messages: sent {m.sent:,} · failed {sum(m.failed.values()):,} ({reasons(m.failed)}) · skipped "
            f"{sum(m.skipped.values()):,} ({reasons(m.skipped)}) · not sent yet {sum(m.waiting.values()):,}"
            f" ({reasons(m.waiting)}) · cost {won(m.cost_won, lang)}",
            f"converted customers {a.conversions:,} · orders {a.orders:,} · revenue {won(a.revenue, lang)} · "
            f"coupon redemptions {a.coupon_orders:,} (discount {won(a.discount, lang)}) · message cost "
            f"{won(a.cost, lang)} · net {won(a.net, lang)} · ROI {roi_text(a.roi)}",
        ]
    lines.append(results.attribution_sentence(lang))
    for test in results.ab_tests:
        lines.append(f"A/B ({results.split_title(test.node_id, lang)}):")
        lines += [arm_line(test.a), arm_line(test.b), "  " + test.sentence(lang)]
    for lift in results.lifts:
        lines.append(("비교군" if ko else "Holdout") + f" ({results.split_title(lift.node_id, lang)}):")
        lines += [arm_line(lift.treated), arm_line(lift.holdout), "  " + lift.sentence(lang)]
    return "\n".join(lines)

"""The node-type registry: every node kind with its labels, ports and parameter schema.

The palette, the quick-add search, the inspector form, validation and the runner all read it;
adding a node kind means one entry here plus its executor in engine/runtime.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from engine.money import won


class ParamType(StrEnum):
    INT = "int"  # a whole number
    WON = "won"  # an amount in won (whole number, shown with thousands separators)
    PERCENT = "percent"  # 0‥100
    DURATION = "duration"  # minutes; the inspector offers minutes / hours / days
    TEXT = "text"  # one line
    TEMPLATE = "template"  # a Jinja2 message text (subject or body)
    CHOICE = "choice"  # one of `choices`
    BOOL = "bool"
    TIME = "time"  # "HH:MM" shop time
    DATE = "date"  # "YYYY-MM-DD"
    WEEKDAYS = "weekdays"  # list of 0 (Monday) … 6 (Sunday)
    RULES = "rules"  # list of {field, op, value}
    SEGMENT = "segment"  # a lifecycle segment id
    CATEGORY = "category"  # a product category of the shop
    TAG = "tag"


@dataclass(frozen=True)
class Choice:
    value: str
    label_ko: str
    label_en: str


@dataclass(frozen=True)
class ParamSpec:
    name: str
    type: ParamType
    label_ko: str
    label_en: str
    default: Any = None
    required: bool = False
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    visible_if: tuple[str, tuple[Any, ...]] | None = None  # (other param, values) that show this one

    def choice_values(self) -> tuple[str, ...]:
        return tuple(choice.value for choice in self.choices)

    def shown(self, params: Mapping[str, Any]) -> bool:
        if self.visible_if is None:
            return True
        other, values = self.visible_if
        return params.get(other) in values


@dataclass(frozen=True)
class PortSpec:
    name: str
    label_ko: str
    label_en: str


@dataclass(frozen=True)
class NodeType:
    kind: str
    category: str
    label_ko: str
    label_en: str
    icon: str
    inputs: tuple[PortSpec, ...]
    outputs: tuple[PortSpec, ...]
    params: tuple[ParamSpec, ...] = ()
    description_ko: str = ""
    description_en: str = ""
    summarize: Callable[[Mapping[str, Any], str], str] | None = field(default=None, compare=False)

    def param(self, name: str) -> ParamSpec | None:
        return next((spec for spec in self.params if spec.name == name), None)

    def output_names(self) -> tuple[str, ...]:
        return tuple(port.name for port in self.outputs)

    def input_names(self) -> tuple[str, ...]:
        return tuple(port.name for port in self.inputs)

    def label(self, lang: str = "ko") -> str:
        return self.label_ko if lang == "ko" else self.label_en


CATEGORIES: dict[str, tuple[str, str]] = {
    "trigger": ("시작 조건", "Triggers"),
    "wait": ("대기", "Waits"),
    "condition": ("조건", "Conditions"),
    "split": ("분기", "Splits"),
    "message": ("메시지", "Messages"),
    "action": ("동작", "Actions"),
    "goal": ("목표", "Goals"),
    "exit": ("종료", "Exits"),
}

IN = (PortSpec("in", "입력", "in"),)
OUT = (PortSpec("out", "다음", "next"),)

# --- shared parameter pieces -------------------------------------------------------------

_ORDER_STATUSES = (
    Choice("paid", "결제 완료", "paid"),
    Choice("shipped", "배송 시작", "shipped"),
    Choice("delivered", "배송 완료", "delivered"),
    Choice("confirmed", "구매 확정", "purchase confirmed"),
    Choice("cancelled", "주문 취소", "cancelled"),
    Choice("refunded", "환불", "refunded"),
)
# how an order's status reads to the owner (the trigger offers all but "pending")
ORDER_STATUS_LABELS = {choice.value: (choice.label_ko, choice.label_en)
                       for choice in (Choice("pending", "결제 대기", "awaiting payment"), *_ORDER_STATUSES)}
SEGMENTS = (
    Choice("new", "신규 (구매 전)", "new (not bought yet)"),
    Choice("active", "활성", "active"),
    Choice("at_risk", "이탈 위험 (90일)", "at risk (90 days)"),
    Choice("lapsed", "휴면 (1년)", "lapsed (1 year)"),
    Choice("vip", "VIP", "VIP"),
)
EVENTS = (
    Choice("order_placed", "주문함", "placed an order"),
    Choice("signed_up", "회원 가입", "signed up"),
    Choice("cart_updated", "장바구니 담음", "added to cart"),
)
LATENESS = (
    Choice("send_late", "늦어도 보내기", "send late"),
    Choice("skip_if_late", "N시간 넘게 늦으면 건너뛰기", "skip when later than N hours"),
    Choice("next_window", "다음 보낼 수 있는 시간으로 옮기기", "move to the next allowed window"),
)
CAP_POLICY = (
    Choice("reschedule", "다음 날로 미루기", "reschedule"),
    Choice("skip", "건너뛰기", "skip"),
)
_VARIABLE = re.compile(r"\{\{.*?\}\}")
WEEKDAY_KO = ("월", "화", "수", "목", "금", "토", "일")
WEEKDAY_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Condition fields: (id, Korean, English, kind of value) — kind: number, won, days, bool, set, text, choice
CONDITION_FIELDS: dict[str, tuple[str, str, str]] = {
    "order_count": ("주문 횟수", "order count", "number"),
    "total_spent": ("총 구매액", "total spent", "won"),
    "aov": ("평균 주문 금액", "average order value", "won"),
    "days_since_last_order": ("마지막 주문 후 지난 날", "days since last order", "days"),
    "lifecycle": ("고객 단계", "lifecycle stage", "choice"),
    "is_vip": ("VIP 여부", "is VIP", "bool"),
    "bought_category": ("구매한 카테고리", "bought category", "set"),
    "bought_product": ("구매한 상품", "bought product", "set"),
    "has_tag": ("태그", "tag", "set"),
    "consent_email": ("이메일 수신 동의", "email consent", "bool"),
    "consent_sms": ("문자 수신 동의", "SMS consent", "bool"),
    "consent_kakao": ("카카오 수신 동의", "Kakao consent", "bool"),
    "consent_night": ("야간 수신 동의", "night-time consent", "bool"),
    "got_message_in_journey": ("이 여정에서 받은 메시지", "got message in this journey", "set"),
    "grade": ("회원 등급", "member grade", "text"),
    "customer_field": ("고객 항목", "customer field", "text"),
    "in_segment": ("내 세그먼트", "custom segment", "set"),
}
CONDITION_OPS: dict[str, tuple[str, str]] = {
    "eq": ("=", "="),
    "ne": ("≠", "≠"),
    "gt": (">", ">"),
    "gte": ("≥", "≥"),
    "lt": ("<", "<"),
    "lte": ("≤", "≤"),
    "contains": ("포함", "contains"),
    "not_contains": ("미포함", "does not contain"),
    "is_true": ("예", "is yes"),
    "is_false": ("아니오", "is no"),
}


def _lateness_params() -> tuple[ParamSpec, ...]:
    return (
        ParamSpec("lateness", ParamType.CHOICE, "늦었을 때", "When late", "skip_if_late", choices=LATENESS),
        ParamSpec("lateness_hours", ParamType.INT, "허용 지연(시간)", "Allowed delay (hours)", 24, minimum=0,
                  maximum=24 * 60, visible_if=("lateness", ("skip_if_late",))),
        ParamSpec("cap_policy", ParamType.CHOICE, "발송 횟수 제한에 걸리면", "When over the frequency cap",
                  "reschedule", choices=CAP_POLICY),
    )


# --- summaries: the one line a node shows on the canvas ----------------------------------------


def duration_text(minutes: Any, lang: str = "ko") -> str:
    try:
        total = int(minutes)
    except (TypeError, ValueError):
        return "?"
    days, rest = divmod(total, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts: list[str] = []
    units = ("일", "시간", "분") if lang == "ko" else (" d", " h", " min")
    for value, unit in zip((days, hours, mins), units, strict=True):
        if value:
            parts.append(f"{value}{unit}")
    if not parts:
        return "0분" if lang == "ko" else "0 min"
    return " ".join(parts)


def _choice_label(choices: tuple[Choice, ...], value: Any, lang: str) -> str:
    for choice in choices:
        if choice.value == value:
            return choice.label_ko if lang == "ko" else choice.label_en
    return str(value)


def _ko_en(lang: str, ko: str, en: str) -> str:
    return ko if lang == "ko" else en


def rule_text(rule: Mapping[str, Any], lang: str = "ko") -> str:
    field_id = str(rule.get("field", ""))
    label_ko, label_en, value_kind = CONDITION_FIELDS.get(field_id, (field_id, field_id, "text"))
    if field_id == "customer_field":
        label_ko = label_en = str(rule.get("name", "?"))
    label = label_ko if lang == "ko" else label_en
    op = str(rule.get("op", "eq"))
    symbol = CONDITION_OPS.get(op, (op, op))[0 if lang == "ko" else 1]
    value = rule.get("value")
    if op in {"is_true", "is_false"}:
        return f"{label} {symbol}"
    if value_kind == "won":
        shown = won(value)
    elif value_kind == "days":
        shown = f"{value}일" if lang == "ko" else f"{value} days"
    elif field_id == "lifecycle":
        shown = _choice_label(SEGMENTS, value, lang)
    else:
        shown = str(value)
    return f"{label} {symbol} {shown}"


def _sum_trigger_order(p: Mapping[str, Any], lang: str) -> str:
    which = p.get("which", "any")
    if which == "first":
        text = _ko_en(lang, "첫 주문", "first order")
    elif which == "nth":
        text = _ko_en(lang, f"{p.get('n', 2)}번째 주문", f"order no. {p.get('n', 2)}")
    else:
        text = _ko_en(lang, "주문할 때마다", "every order")
    if p.get("min_amount"):
        text += f" ≥ {won(p['min_amount'])}"
    if p.get("category"):
        text += f" ({p['category']})"
    return text


def _sum_segment(p: Mapping[str, Any], lang: str) -> str:
    segment = str(p.get("segment") or "")
    if segment.startswith("custom:"):  # a saved custom segment (its name is in the database, not here)
        return _ko_en(lang, "세그먼트 진입: 내 세그먼트 #", "enters: custom segment #") + segment.removeprefix("custom:")
    return _ko_en(lang, "세그먼트 진입: ", "enters: ") + _choice_label(SEGMENTS, p.get("segment"), lang)


DATE_KINDS = (
    Choice("birthday", "생일", "birthday"),
    Choice("first_order_anniversary", "첫 구매 기념일", "first-order anniversary"),
    Choice("fixed_date", "정한 날짜", "a fixed date"),
    Choice("holiday", "공휴일", "a public holiday"),
    Choice("recurring", "매주 반복", "every week"),
    Choice("consent_renewal", "수신 동의 2년 확인", "ad consent two years old"),
)


def _sum_date(p: Mapping[str, Any], lang: str) -> str:
    kind = p.get("date_kind", "birthday")
    text = _choice_label(DATE_KINDS, kind, lang)
    if kind == "fixed_date":
        text += f" {p.get('date') or '?'}"
    elif kind == "holiday":
        text += f" {p.get('holiday') or '?'}"
    elif kind == "recurring":
        days = p.get("weekdays") or []
        names = WEEKDAY_KO if lang == "ko" else WEEKDAY_EN
        text = _ko_en(lang, "매주 ", "every ") + ",".join(names[int(d)] for d in days if 0 <= int(d) < 7)
    before = int(p.get("days_before") or 0)
    if before:
        text += _ko_en(lang, f" {before}일 전", f", {before} days before")
    return text + f" {p.get('time') or '10:00'}"


def _sum_condition(p: Mapping[str, Any], lang: str) -> str:
    rules = list(p.get("rules") or [])
    if not rules:
        return _ko_en(lang, "조건 없음", "no rule")
    joiner = _ko_en(lang, " 또는 ", " or ") if p.get("match") == "any" else _ko_en(lang, " 그리고 ", " and ")
    text = joiner.join(rule_text(rule, lang) for rule in rules[:2])
    if len(rules) > 2:
        text += f" …(+{len(rules) - 2})"
    return text + "?"


def _sum_message(channel_ko: str, channel_en: str) -> Callable[[Mapping[str, Any], str], str]:
    def summarize(p: Mapping[str, Any], lang: str) -> str:
        kind = _ko_en(lang, "광고", "ad") if p.get("is_ad") else _ko_en(lang, "정보", "info")
        body = _VARIABLE.sub("○○", str(p.get("subject") or p.get("body") or "")).replace("\n", " ").strip()
        if len(body) > 18:
            body = body[:17] + "…"
        return f"[{kind}] {body}" if body else f"{_ko_en(lang, channel_ko, channel_en)} ({kind})"

    return summarize


def _sum_coupon(p: Mapping[str, Any], lang: str) -> str:
    amount = p.get("amount", 0)
    value = f"{amount}%" if p.get("discount_type") == "percent" else won(amount)
    return _ko_en(lang, f"{value} 쿠폰, {p.get('valid_days', 14)}일", f"{value} coupon, {p.get('valid_days', 14)} days")


def _sum_until_time(p: Mapping[str, Any], lang: str) -> str:
    days = p.get("weekdays") or []
    names = WEEKDAY_KO if lang == "ko" else WEEKDAY_EN
    prefix = ",".join(names[int(d)] for d in days if 0 <= int(d) < 7)
    at = p.get("time") or "10:00"
    return (f"{prefix} " if prefix else "") + _ko_en(lang, f"{at}까지 대기", f"wait until {at}")


def _sum_split(p: Mapping[str, Any], lang: str) -> str:
    text = f"A {p.get('a_percent', 50)}% / B {p.get('b_percent', 50)}%"
    if p.get("holdout_percent"):
        text += _ko_en(lang, f" / 제외 {p['holdout_percent']}%", f" / holdout {p['holdout_percent']}%")
    return text


def _sum_wait_event(p: Mapping[str, Any], lang: str) -> str:
    event = _choice_label(EVENTS, p.get("event"), lang)
    return _ko_en(lang, f"{duration_text(p.get('timeout'), lang)} 안에 {event}?",
                  f"{event} within {duration_text(p.get('timeout'), lang)}?")


def _message_params(spec: Any) -> tuple[ParamSpec, ...]:
    """A message node's fields, from its channel's spec (engine/channels/)."""
    subject = (ParamSpec("subject", ParamType.TEMPLATE, "제목", "Subject", "", required=True),) if spec.subject else ()
    extra: tuple[ParamSpec, ...] = spec.node.extra_params() if spec.node.extra_params else ()
    return (
        ParamSpec("is_ad", ParamType.BOOL, "광고성 메시지", "Advertising message", spec.ad_only),  # a Brand Message: on
        *subject,
        ParamSpec("body", ParamType.TEMPLATE, "내용", "Text", "", required=True),
        *extra,
        *_lateness_params(),
    )


def _message_types() -> list[NodeType]:
    """One `message.<channel>` node per channel that has one, in the channels' order."""
    from engine.channels import CHANNELS

    return [NodeType(f"message.{spec.name}", "message", spec.node.label_ko, spec.node.label_en, spec.node.icon, IN,
                     OUT, _message_params(spec), spec.node.help_ko, spec.node.help_en,
                     summarize=_sum_message(spec.node.short_ko, spec.node.short_en))
            for spec in CHANNELS if spec.node is not None]


def _types() -> list[NodeType]:
    yes_no = (PortSpec("yes", "예", "yes"), PortSpec("no", "아니오", "no"))
    entry_rules = ParamSpec("rules", ParamType.RULES, "들어올 고객 조건", "Only customers who", [])
    return [
        # triggers ---------------------------------------------------------------------------
        NodeType("trigger.signed_up", "trigger", "회원 가입", "Signed up", "user-plus", (), OUT,
                 (entry_rules,), "새 회원이 가입하면 시작합니다.", "Starts when someone signs up.",
                 summarize=lambda p, lang: _ko_en(lang, "가입하면 시작", "on sign-up")),
        NodeType("trigger.order_placed", "trigger", "주문", "Order placed", "shopping-bag", (), OUT, (
            ParamSpec("which", ParamType.CHOICE, "어떤 주문", "Which order", "any", choices=(
                Choice("any", "모든 주문", "every order"), Choice("first", "첫 주문", "first order"),
                Choice("nth", "N번째 주문", "n-th order"))),
            ParamSpec("n", ParamType.INT, "몇 번째", "Order number", 2, minimum=2, maximum=1000,
                      visible_if=("which", ("nth",))),
            ParamSpec("min_amount", ParamType.WON, "최소 주문 금액", "Minimum amount", 0, minimum=0),
            ParamSpec("category", ParamType.CATEGORY, "카테고리", "Category", ""),
            entry_rules,
        ), "주문이 들어오면 시작합니다.", "Starts when an order comes in.", summarize=_sum_trigger_order),
        NodeType("trigger.order_status", "trigger", "주문 상태 변경", "Order status changed", "truck", (), OUT, (
            ParamSpec("status", ParamType.CHOICE, "바뀐 상태", "New status", "delivered", required=True,
                      choices=_ORDER_STATUSES),
            entry_rules,
        ), "주문이 배송 완료 등으로 바뀌면 시작합니다.", "Starts when an order changes status.",
            summarize=lambda p, lang: _choice_label(_ORDER_STATUSES, p.get("status"), lang)),
        NodeType("trigger.cart_abandoned", "trigger", "장바구니 이탈", "Cart abandoned", "cart", (), OUT, (
            ParamSpec("hours", ParamType.INT, "주문 없이 지난 시간", "Hours without an order", 3, required=True,
                      minimum=1, maximum=24 * 14),
            ParamSpec("min_amount", ParamType.WON, "최소 장바구니 금액", "Minimum cart value", 0, minimum=0),
            entry_rules,
        ), "장바구니에 담고 주문하지 않으면 시작합니다.", "Starts when a cart is left without an order.",
            summarize=lambda p, lang: _ko_en(lang, f"{p.get('hours', 3)}시간 주문 없음",
                                             f"no order for {p.get('hours', 3)} h")),
        NodeType("trigger.segment_entered", "trigger", "세그먼트 진입", "Enters a segment", "users", (), OUT, (
            ParamSpec("segment", ParamType.SEGMENT, "세그먼트", "Segment", "at_risk", required=True,
                      choices=SEGMENTS),
            entry_rules,
        ), "고객이 이탈 위험·휴면·VIP 등이 되면 시작합니다.", "Starts when a customer enters a segment.",
            summarize=_sum_segment),
        NodeType("trigger.date", "trigger", "날짜", "Date", "calendar", (), OUT, (
            ParamSpec("date_kind", ParamType.CHOICE, "어떤 날", "Which day", "birthday", choices=DATE_KINDS),
            ParamSpec("date", ParamType.DATE, "날짜", "Date", "", required=True,
                      visible_if=("date_kind", ("fixed_date",))),
            ParamSpec("holiday", ParamType.TEXT, "공휴일 이름", "Holiday name", "설날", required=True,
                      visible_if=("date_kind", ("holiday",))),
            ParamSpec("weekdays", ParamType.WEEKDAYS, "요일", "Weekdays", [0], required=True,
                      visible_if=("date_kind", ("recurring",))),
            ParamSpec("days_before", ParamType.INT, "며칠 전", "Days before", 0, minimum=0, maximum=60,
                      visible_if=("date_kind", ("birthday", "first_order_anniversary", "fixed_date", "holiday",
                                                "consent_renewal"))),
            ParamSpec("time", ParamType.TIME, "시각", "Time", "10:00"),
            entry_rules,
        ), "생일, 기념일, 정한 날짜에, 또는 광고 수신 동의가 2년 된 날(재확인 안내)에 시작합니다.",
            "Starts on a birthday, an anniversary or a date, or on the day an ad consent turns two years old "
            "(the re-confirmation notice).",
            summarize=_sum_date),
        NodeType("trigger.manual", "trigger", "직접 추가", "Added by hand", "hand", (), OUT, (),
                 "고른 고객을 직접 넣습니다.", "Customers you choose are added by hand.",
                 summarize=lambda p, lang: _ko_en(lang, "직접 고른 고객", "chosen customers")),
        # waits ------------------------------------------------------------------------------
        NodeType("wait.duration", "wait", "기다리기", "Wait", "clock", IN, OUT, (
            ParamSpec("duration", ParamType.DURATION, "기간", "How long", 60 * 24, required=True, minimum=1,
                      maximum=60 * 24 * 365),
        ), "정한 시간만큼 기다립니다.", "Waits for a while.",
            summarize=lambda p, lang: _ko_en(lang, f"{duration_text(p.get('duration'), lang)} 대기",
                                             f"wait {duration_text(p.get('duration'), lang)}")),
        NodeType("wait.until_time", "wait", "시각까지 기다리기", "Wait until a time", "alarm", IN, OUT, (
            ParamSpec("time", ParamType.TIME, "시각", "Time", "10:00", required=True),
            ParamSpec("weekdays", ParamType.WEEKDAYS, "요일 (비우면 매일)", "Weekdays (empty: any)", []),
        ), "다음 정한 시각(과 요일)까지 기다립니다.", "Waits until a time of day (and weekday).",
            summarize=_sum_until_time),
        NodeType("wait.until_date", "wait", "날짜까지 기다리기", "Wait until a date", "calendar-check", IN, OUT, (
            ParamSpec("date", ParamType.DATE, "날짜", "Date", "", required=True),
            ParamSpec("time", ParamType.TIME, "시각", "Time", "10:00"),
        ), "정한 날짜까지 기다립니다.", "Waits until a date.",
            summarize=lambda p, lang: _ko_en(lang, f"{p.get('date') or '?'}까지", f"until {p.get('date') or '?'}")),
        NodeType("wait.business_days", "wait", "영업일 기다리기", "Wait business days", "briefcase", IN, OUT, (
            ParamSpec("days", ParamType.INT, "영업일 수", "Business days", 2, required=True, minimum=1, maximum=60),
            ParamSpec("time", ParamType.TIME, "시각", "Time", "10:00"),
        ), "주말과 공휴일을 빼고 기다립니다.", "Waits N business days (weekends and Korean holidays skipped).",
            summarize=lambda p, lang: _ko_en(lang, f"영업일 {p.get('days', 2)}일 대기",
                                             f"wait {p.get('days', 2)} business days")),
        NodeType("wait.event", "wait", "행동 기다리기", "Wait for an event", "hourglass", IN, (
            PortSpec("event", "했음", "happened"), PortSpec("timeout", "시간 초과", "timed out"),
        ), (
            ParamSpec("event", ParamType.CHOICE, "기다릴 행동", "Event", "order_placed", required=True,
                      choices=EVENTS),
            ParamSpec("timeout", ParamType.DURATION, "최대 대기", "Time limit", 60 * 24 * 3, required=True,
                      minimum=1, maximum=60 * 24 * 365),
        ), "정한 시간 안에 고객이 행동했는지에 따라 나뉩니다.", "Branches on whether the event happens in time.",
            summarize=_sum_wait_event),
        # condition and split ------------------------------------------------------------------------
        NodeType("condition", "condition", "조건", "Condition", "git-branch", IN, yes_no, (
            ParamSpec("match", ParamType.CHOICE, "규칙 맞춤", "Match", "all", choices=(
                Choice("all", "모두 맞으면", "all rules"), Choice("any", "하나라도 맞으면", "any rule"))),
            ParamSpec("rules", ParamType.RULES, "규칙", "Rules", [], required=True),
        ), "고객 정보에 따라 예/아니오로 나뉩니다.", "Splits on a yes/no question about the customer.",
            summarize=_sum_condition),
        NodeType("split.random", "split", "A/B 테스트", "A/B split", "shuffle", IN, (
            PortSpec("a", "A", "A"), PortSpec("b", "B", "B"), PortSpec("holdout", "제외", "holdout"),
        ), (
            ParamSpec("a_percent", ParamType.PERCENT, "A 비율", "A share", 50, minimum=0, maximum=100),
            ParamSpec("b_percent", ParamType.PERCENT, "B 비율", "B share", 50, minimum=0, maximum=100),
            ParamSpec("holdout_percent", ParamType.PERCENT, "제외(비교군) 비율", "Holdout share", 0, minimum=0,
                      maximum=100),
        ), "고객을 무작위로 나눕니다. 한 고객은 늘 같은 쪽입니다.", "Splits customers at random; each keeps their arm.",
            summarize=_sum_split),
        # messages ---------------------------------------------------------------------------
        *_message_types(),
        # actions ----------------------------------------------------------------------------
        NodeType("action.tag", "action", "태그", "Tag", "tag", IN, OUT, (
            ParamSpec("op", ParamType.CHOICE, "동작", "Action", "add", choices=(
                Choice("add", "붙이기", "add"), Choice("remove", "떼기", "remove"))),
            ParamSpec("tag", ParamType.TAG, "태그", "Tag", "", required=True),
        ), "고객에게 태그를 붙이거나 뗍니다.", "Adds or removes a tag.",
            summarize=lambda p, lang: (f"+ #{p.get('tag') or '?'}" if p.get("op", "add") == "add"
                                       else f"− #{p.get('tag') or '?'}")),
        NodeType("action.coupon", "action", "쿠폰 발급", "Issue a coupon", "ticket", IN, OUT, (
            ParamSpec("discount_type", ParamType.CHOICE, "할인 방식", "Discount", "percent", choices=(
                Choice("percent", "비율(%)", "percent"), Choice("won", "금액(원)", "amount (won)"))),
            ParamSpec("amount", ParamType.INT, "할인", "Discount", 10, required=True, minimum=1),
            ParamSpec("valid_days", ParamType.INT, "사용 기간(일)", "Valid for (days)", 14, minimum=1, maximum=365),
            ParamSpec("code_prefix", ParamType.TEXT, "쿠폰 코드 앞글자", "Code prefix", "DANGOL"),
        ), "고객마다 다른 쿠폰 코드를 만듭니다.", "Issues a personal coupon code.", summarize=_sum_coupon),
        NodeType("action.set_field", "action", "고객 항목 바꾸기", "Set a field", "edit", IN, OUT, (
            ParamSpec("field", ParamType.TEXT, "항목 이름", "Field", "", required=True),
            ParamSpec("value", ParamType.TEXT, "값", "Value", ""),
        ), "고객 정보의 항목 하나를 바꿉니다.", "Sets a customer field.",
            summarize=lambda p, lang: f"{p.get('field') or '?'} = {p.get('value') or ''}"),
        NodeType("action.notify_owner", "action", "나에게 알림", "Notify me", "bell", IN, OUT, (
            ParamSpec("text", ParamType.TEMPLATE, "알림 내용", "Text", "", required=True),
        ), "가게 주인에게 알림을 보냅니다.", "Sends the shop owner a note.",
            summarize=lambda p, lang: (str(p.get("text") or "")[:18] or _ko_en(lang, "알림", "notify"))),
        # goal and exit ----------------------------------------------------------------------
        NodeType("goal", "goal", "목표", "Goal", "flag", (), OUT, (
            ParamSpec("event", ParamType.CHOICE, "목표 행동", "Goal event", "order_placed", required=True,
                      choices=EVENTS),
        ), "고객이 목표를 이루면 어디에 있든 여정을 마칩니다.", "Customers who reach the goal leave, wherever they are.",
            summarize=lambda p, lang: _choice_label(EVENTS, p.get("event"), lang)),
        NodeType("exit", "exit", "종료", "Exit", "stop", IN, (), (),
                 "여정을 마칩니다.", "Ends the journey.", summarize=lambda p, lang: _ko_en(lang, "여정 끝", "end")),
    ]


REGISTRY: dict[str, NodeType] = {node_type.kind: node_type for node_type in _types()}


def node_type(kind: str) -> NodeType:
    try:
        return REGISTRY[kind]
    except KeyError:
        raise KeyError(f"unknown node kind '{kind}'") from None


def default_params(kind: str) -> dict[str, Any]:
    """The defaults of a kind's parameters (fresh copies, safe to mutate); {} for an unknown kind."""
    spec = REGISTRY.get(kind)
    if spec is None:
        return {}
    return {param.name: _copy(param.default) for param in spec.params}


def _copy(value: Any) -> Any:
    if isinstance(value, list):
        return [_copy(item) for item in value]
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    return value


def summarize(kind: str, params: Mapping[str, Any], lang: str = "ko") -> str:
    """The one-line summary a node shows on the canvas ("3일 대기", "총 구매액 ≥ 300,000원?")."""
    spec = REGISTRY.get(kind)
    if spec is None or spec.summarize is None:
        return ""
    merged = {**default_params(kind), **dict(params)}
    try:
        return spec.summarize(merged, lang)
    except (TypeError, ValueError, KeyError):
        return "?"


def kinds_in(category: str) -> list[NodeType]:
    return [spec for spec in REGISTRY.values() if spec.category == category]

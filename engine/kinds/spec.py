"""What a node kind is made of: its parameters, ports and labels (`NodeType`), and the vocabulary the
kinds share (segments, events, condition fields, lateness choices, the canvas's duration and rule texts).

engine/journey/registry.py re-exports these names; the kinds themselves live in engine/kinds/.
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

ORDER_STATUSES = (
    Choice("paid", "결제 완료", "paid"),
    Choice("shipped", "배송 시작", "shipped"),
    Choice("delivered", "배송 완료", "delivered"),
    Choice("confirmed", "구매 확정", "purchase confirmed"),
    Choice("cancelled", "주문 취소", "cancelled"),
    Choice("refunded", "환불", "refunded"),
)
# how an order's status reads to the owner (the trigger offers all but "pending")
ORDER_STATUS_LABELS = {choice.value: (choice.label_ko, choice.label_en)
                       for choice in (Choice("pending", "결제 대기", "awaiting payment"), *ORDER_STATUSES)}
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
VARIABLE = re.compile(r"\{\{.*?\}\}")
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
    "rfm_score": ("RFM 점수 (3~15)", "RFM score (3–15)", "number"),
    "bought_category": ("구매한 카테고리", "bought category", "set"),
    "bought_product": ("구매한 상품", "bought product", "set"),
    "has_tag": ("태그", "tag", "set"),
    "consent_email": ("이메일 수신 동의", "email consent", "bool"),
    "consent_sms": ("문자 수신 동의", "SMS consent", "bool"),
    "consent_kakao": ("카카오 수신 동의", "Kakao consent", "bool"),
    "consent_night": ("야간 수신 동의", "night-time consent", "bool"),
    "got_message_in_journey": ("이 여정에서 받은 메시지", "got message in this journey", "set"),
    "grade": ("쇼핑몰 회원 등급", "shop member grade", "text"),
    "tier": ("멤버십 등급", "membership tier", "text"),
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


def lateness_params() -> tuple[ParamSpec, ...]:
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


def choice_label(choices: tuple[Choice, ...], value: Any, lang: str) -> str:
    for choice in choices:
        if choice.value == value:
            return choice.label_ko if lang == "ko" else choice.label_en
    return str(value)


def ko_en(lang: str, ko: str, en: str) -> str:
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
        shown = won(value, lang)
    elif value_kind == "days":
        shown = f"{value}일" if lang == "ko" else f"{value} days"
    elif field_id == "lifecycle":
        shown = choice_label(SEGMENTS, value, lang)
    else:
        shown = str(value)
    return f"{label} {symbol} {shown}"



DATE_KINDS = (
    Choice("birthday", "생일", "birthday"),
    Choice("first_order_anniversary", "첫 구매 기념일", "first-order anniversary"),
    Choice("fixed_date", "정한 날짜", "a fixed date"),
    Choice("holiday", "공휴일", "a public holiday"),
    Choice("recurring", "매주 반복", "every week"),
    Choice("consent_renewal", "수신 동의 2년 확인", "ad consent two years old"),
)


# --- a kind: everything the app knows about one node kind ------------------------------------------

# step(run, node, visit) -> effects: what happens when a customer reaches the node (engine/kinds/effects.py)
StepFn = Callable[[Any, Any, Any], tuple[Any, ...]]
# scan(session, cursor, params, ctx) -> (occurrences, more to read): a trigger's occurrences after its cursor
ScanFn = Callable[[Any, Any, dict[str, Any], Any], tuple[list[Any], bool]]


@dataclass(frozen=True)
class Kind:
    """One node kind, whole: listed in `KINDS` (engine/kinds/__init__.py), read by every part.

    - `type`: the registry entry (labels, ports, parameters, canvas summary): palette, inspector,
      validation, files.
    - `step`: what happens when a customer reaches the node, as effects (engine/kinds/effects.py) the
      runner's one batch writer turns into rows. None: the customer passes straight on through "out".
    - `resume`: what happens when a customer parked on this node wakes (waits); None for kinds that
      never park (then a customer placed on one by a republish is stepped through it).
    - `needs(params)`: the costly customer facts the step reads (engine/runtime/facts.py loads them
      once per batch for every node of the versions in it).
    - `provides`: the message variable roots a message after this node may use ("order", "cart", …).
    - `reasons`: the step-log reason codes this kind writes, in Korean and English (the timeline).
    - triggers: `scan` (occurrences since the journey's cursor), `event` (the shop event it reads, so
      a pass with no new event skips it), `lookback(params)` (how old an occurrence may be and still
      enter; None: no limit).
    - `end_reason`: why a customer whose path ends right after this node is done.
    """

    type: NodeType
    step: StepFn | None = field(default=None, compare=False)
    resume: StepFn | None = field(default=None, compare=False)
    needs: Callable[[Mapping[str, Any]], set[str]] | None = field(default=None, compare=False)
    provides: tuple[str, ...] = ()
    reasons: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    scan: ScanFn | None = field(default=None, compare=False)
    event: str = ""
    lookback: Callable[[Mapping[str, Any]], Any] | None = field(default=None, compare=False)
    end_reason: str = "end_of_path"

    @property
    def name(self) -> str:
        return self.type.kind

    @property
    def category(self) -> str:
        return self.type.category

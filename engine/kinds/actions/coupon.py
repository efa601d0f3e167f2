"""action.coupon: a personal coupon code; `{{ coupon.* }}` in the messages after it."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from engine.kinds.effects import COUNT_ACTION, OUT, IssueCoupon, Log
from engine.kinds.spec import IN, Choice, Kind, NodeType, ParamSpec, ParamType, ko_en
from engine.kinds.spec import OUT as OUT_PORTS
from engine.money import won


def coupon_code(prefix: str, enrollment_id: int, node_id: str) -> str:
    """A code that is the same if the same step runs again (so a retried batch issues no second coupon)."""
    digest = hashlib.sha256(f"coupon:{enrollment_id}:{node_id}".encode()).hexdigest().upper()
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    body = "".join(alphabet[int(digest[i : i + 2], 16) % len(alphabet)] for i in range(0, 16, 2))
    clean = "".join(ch for ch in prefix.upper() if ch.isalnum())[:12]
    return f"{clean}-{body}" if clean else body


def _step(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    params = node.params
    row = visit.row
    at = visit.at
    code = coupon_code(str(params.get("code_prefix") or ""), row.id, node.id)
    amount = int(params.get("amount") or 0)
    kind = str(params.get("discount_type") or "percent")
    expires = at + timedelta(days=int(params.get("valid_days") or 14))
    visit.data["coupon"] = {"code": code, "discount_type": kind, "amount": amount, "expires_at": expires.isoformat()}
    return (IssueCoupon({
        "code": code, "customer_id": row.customer_id, "journey_id": row.journey_id, "node_id": node.id,
        "discount_type": kind, "amount": amount, "issued_at": at, "expires_at": expires,
    }), Log("action", "coupon_issued", {"code": code}), COUNT_ACTION, OUT)


def _summary(p: Mapping[str, Any], lang: str) -> str:
    amount = p.get("amount", 0)
    value = f"{amount}%" if p.get("discount_type") == "percent" else won(amount)
    return ko_en(lang, f"{value} 쿠폰, {p.get('valid_days', 14)}일", f"{value} coupon, {p.get('valid_days', 14)} days")


COUPON = Kind(NodeType("action.coupon", "action", "쿠폰 발급", "Issue a coupon", "ticket", IN, OUT_PORTS, (
    ParamSpec("discount_type", ParamType.CHOICE, "할인 방식", "Discount", "percent", choices=(
        Choice("percent", "비율(%)", "percent"), Choice("won", "금액(원)", "amount (won)"))),
    ParamSpec("amount", ParamType.INT, "할인", "Discount", 10, required=True, minimum=1),
    ParamSpec("valid_days", ParamType.INT, "사용 기간(일)", "Valid for (days)", 14, minimum=1, maximum=365),
    ParamSpec("code_prefix", ParamType.TEXT, "쿠폰 코드 앞글자", "Code prefix", "DANGOL"),
), "고객마다 다른 쿠폰 코드를 만듭니다.", "Issues a personal coupon code.", summarize=_summary),
    step=_step, provides=("coupon",), reasons={"coupon_issued": ("쿠폰 {code} 발급", "coupon {code} issued")})

KINDS = (COUPON,)

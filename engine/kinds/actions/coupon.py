"""action.coupon: a coupon code the shop accepts; `{{ coupon.* }}` in the messages after it.

Where the code comes from (`code_source`): `auto` a personal code made here (the shop must accept it: the
owner registers the prefix there), `shared` one fixed code for everyone, `pool` one code per customer from
a pool the owner imported (`python main.py coupons import`), `shop` issued by the connected shop's API.
A pool or shop code is not known while the batch is written: the coupon row is `wanted`, the messages after
it carry the placeholder `pending_key(...)` and are held until engine/coupons.py obtains the code (outside
the batch's transaction) and puts it in their text."""

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


PENDING_PREFIX = "[[coupon:"


def pending_key(enrollment_id: int, node_id: str) -> str:
    """What the messages carry in place of a pool or shop code until it is obtained."""
    return f"{PENDING_PREFIX}{enrollment_id}:{node_id}]]"


def shared_code(text: Any) -> str:
    return "".join(str(text or "").split()).upper()[:60]


def _step(run: Any, node: Any, visit: Any) -> tuple[Any, ...]:
    params = node.params
    row = visit.row
    at = visit.at
    source = str(params.get("code_source") or "auto")
    extra: dict[str, Any] = {"source": source, "status": "issued"}
    if source == "shared":
        code = shared_code(params.get("shared_code"))
    elif source in ("pool", "shop"):
        code = pending_key(row.id, node.id)
        extra.update(status="wanted", pending_key=code, pool=str(params.get("pool") or "") or None)
    else:
        code = coupon_code(str(params.get("code_prefix") or ""), row.id, node.id)
    amount = int(params.get("amount") or 0)
    kind = str(params.get("discount_type") or "percent")
    expires = at + timedelta(days=int(params.get("valid_days") or 14))
    visit.data["coupon"] = {"code": code, "discount_type": kind, "amount": amount, "expires_at": expires.isoformat()}
    return (IssueCoupon({
        "code": code, "customer_id": row.customer_id, "journey_id": row.journey_id, "node_id": node.id,
        "discount_type": kind, "amount": amount, "issued_at": at, "expires_at": expires, **extra,
    }), Log("action", "coupon_wanted" if extra["status"] == "wanted" else "coupon_issued",
            {"code": code} if extra["status"] == "issued" else {"source": source}), COUNT_ACTION, OUT)


def _summary(p: Mapping[str, Any], lang: str) -> str:
    amount = p.get("amount", 0)
    value = f"{amount}%" if p.get("discount_type") == "percent" else won(amount, lang)
    source = str(p.get("code_source") or "auto")
    where = {"pool": (f" · 묶음 {p.get('pool') or '?'}", f" · pool {p.get('pool') or '?'}"),
             "shared": (f" · {shared_code(p.get('shared_code')) or '?'}", f" · {shared_code(p.get('shared_code')) or '?'}"),
             "shop": (" · 쇼핑몰 발급", " · issued by the shop")}.get(source, ("", ""))
    return ko_en(lang, f"{value} 쿠폰, {p.get('valid_days', 14)}일{where[0]}",
                 f"{value} coupon, {p.get('valid_days', 14)} days{where[1]}")


COUPON = Kind(NodeType("action.coupon", "action", "쿠폰 발급", "Issue a coupon", "ticket", IN, OUT_PORTS, (
    ParamSpec("discount_type", ParamType.CHOICE, "할인 방식", "Discount", "percent", choices=(
        Choice("percent", "비율(%)", "percent"), Choice("won", "금액(원)", "amount (won)"))),
    ParamSpec("amount", ParamType.INT, "할인", "Discount", 10, required=True, minimum=1),
    ParamSpec("valid_days", ParamType.INT, "사용 기간(일)", "Valid for (days)", 14, minimum=1, maximum=365),
    ParamSpec("code_source", ParamType.CHOICE, "쿠폰 코드", "Code source", "auto", choices=(
        Choice("auto", "자동 생성", "made here"), Choice("pool", "코드 묶음", "from a pool"),
        Choice("shared", "같은 코드", "one shared code"), Choice("shop", "쇼핑몰에서 발급", "issued by the shop"))),
    ParamSpec("code_prefix", ParamType.TEXT, "쿠폰 코드 앞글자", "Code prefix", "DANGOL",
              visible_if=("code_source", ("auto",))),
    ParamSpec("pool", ParamType.TEXT, "코드 묶음 이름", "Pool name", "", visible_if=("code_source", ("pool",))),
    ParamSpec("shared_code", ParamType.TEXT, "같은 코드", "Shared code", "", visible_if=("code_source", ("shared",))),
    ParamSpec("shop_coupon", ParamType.TEXT, "카페24 쿠폰 번호", "Cafe24 coupon number", "",
              visible_if=("code_source", ("shop",))),
), "고객에게 쇼핑몰에서 쓸 수 있는 쿠폰 코드를 줍니다.", "Gives the customer a coupon code the shop accepts.",
    summarize=_summary),
    step=_step, provides=("coupon",), reasons={
        "coupon_issued": ("쿠폰 {code} 발급", "coupon {code} issued"),
        "coupon_wanted": ("쿠폰 코드를 받는 중", "waiting for the coupon code"),
        "coupon_pool_empty": ("쿠폰 코드 묶음이 비어 메시지를 보류했습니다", "the coupon pool is empty: message held"),
        "coupon_shop_refused": ("쇼핑몰이 쿠폰 발급을 거절해 메시지를 보류했습니다",
                                "the shop refused to issue the coupon: message held"),
        "coupon_shop_retry": ("쇼핑몰 쿠폰 발급을 다시 시도합니다", "issuing the coupon at the shop: trying again"),
    })

KINDS = (COUPON,)

"""The variables a message text may use, and where each is available.

`{{ customer.first_name }}` is always there; `{{ order.* }}` only after an order trigger, `{{ cart.* }}`
only after a cart trigger, `{{ coupon.* }}` only after a coupon node, `{{ consent.* }}` only after the
consent re-confirmation trigger (trigger.date with date_kind consent_renewal). Validation reports any
other name as an error at publish, so a typo never reaches a customer. Which kinds make a root
available is each kind's `provides` (engine/kinds/): `order` after trigger.order_placed and
.order_status, `cart` after trigger.cart_abandoned, `coupon` after action.coupon.

`{{ recommended.product }}` is what the shop's other customers most often bought together with what
this customer bought, and this customer has not bought (engine/customers/recommend.py); empty when
nothing is known.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str  # dotted: "customer.first_name"
    label_ko: str
    label_en: str
    example: str
    needs: str = ""  # "" always; "order" / "cart" / "coupon" / "consent": what must come before


VARIABLES: tuple[Variable, ...] = (
    Variable("customer.name", "고객 이름", "customer name", "김민지"),
    Variable("customer.first_name", "고객 이름(성 빼고)", "first name", "민지"),
    Variable("customer.email", "고객 이메일", "customer email", "minji@example.com"),
    Variable("customer.phone", "고객 전화번호", "customer phone", "010-1234-5678"),
    Variable("customer.total_spent", "총 구매액", "total spent", "352000"),
    Variable("customer.order_count", "주문 횟수", "order count", "4"),
    Variable("customer.last_order_at", "마지막 주문일", "last order date", "2026-02-11"),
    Variable("shop.name", "쇼핑몰 이름", "shop name", "단골상회"),
    Variable("shop.url", "쇼핑몰 주소", "shop address", "https://dangol.example"),
    Variable("shop.contact", "쇼핑몰 연락처", "shop contact", "02-123-4567"),
    Variable("order.id", "주문번호", "order number", "20260301-0001234", "order"),
    Variable("order.amount", "주문 금액", "order amount", "45000", "order"),
    Variable("order.first_product", "주문 상품(첫 번째)", "first product ordered", "수분 크림", "order"),
    Variable("order.items", "주문 상품 목록", "ordered items", "[…]", "order"),
    Variable("cart.first_product", "장바구니 상품(첫 번째)", "first product in cart", "린넨 셔츠", "cart"),
    Variable("cart.amount", "장바구니 금액", "cart value", "39000", "cart"),
    Variable("cart.items", "장바구니 상품 목록", "cart items", "[…]", "cart"),
    Variable("coupon.code", "쿠폰 번호", "coupon code", "WELCOME-7KQ2M9XA", "coupon"),
    Variable("coupon.discount", "쿠폰 할인", "coupon discount", "10%", "coupon"),
    Variable("coupon.expires_at", "쿠폰 사용 기한", "coupon expiry", "2026년 3월 16일", "coupon"),
    Variable("consent.since", "수신 동의일(마지막 확인일)", "consent date (last confirmed)", "2024년 3월 1일", "consent"),
    Variable("consent.channels", "수신 동의 채널", "consented channels", "문자, 이메일", "consent"),
    Variable("recommended.product", "추천 상품", "recommended product", "진정 토너"),
)
BY_NAME = {variable.name: variable for variable in VARIABLES}
ROOTS = frozenset(name.split(".", 1)[0] for name in BY_NAME)
CONSENT_DATE_KIND = "consent_renewal"  # trigger.date's date_kind whose messages re-confirm ad consent

"""The shops' export layouts: which source a file is (from its headers), its columns, its statuses.

Each `Source` maps its own header names to canonical fields and its own order statuses to the app's
(`ORDER_STATUSES`). Headers are compared after `header_keys`: spaces, `_`, case, and a bracketed
suffix such as `(KRW)` or `(한국어 쇼핑몰)` do not matter, and columns may come in any order.
The table of sources, headers and statuses is written out in docs/file-formats.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# the statuses the app knows (storage Order.status; engine/customers/stats.COUNTED_STATUSES count)
ORDER_STATUSES = ("pending", "paid", "shipped", "delivered", "confirmed", "cancelled", "refunded")

_BRACKETED = re.compile(r"[\(\[（【<].*?[\)\]）】>]")
_NOISE = str.maketrans("", "", " \t\r\n\u00a0\ufeff_*·:")


def header_keys(header: object) -> tuple[str, str]:
    """The two keys a header matches by: whole (`결제일시입금확인일`) and without its bracketed parts (`결제일시`)."""
    raw = "" if header is None else str(header)
    whole = raw.lower().translate(_NOISE)
    for bracket in "()[]（）【】<>":
        whole = whole.replace(bracket, "")
    bare = _BRACKETED.sub("", raw).lower().translate(_NOISE)
    return whole, bare


def _keys(*names: str) -> tuple[str, ...]:
    return tuple(header_keys(name)[0] for name in names)


@dataclass(frozen=True)
class Source:
    """One export layout."""

    name: str                                  # cafe24, smartstore, imweb, shopify, woocommerce, cafe24_members, optout
    kind: str                                  # orders | members | optout
    label: str                                 # how the docs and the GUI name it (Korean)
    label_en: str                              # the same in English
    fields: Mapping[str, tuple[str, ...]]      # canonical field → header aliases (normalized by _keys)
    required: tuple[str, ...]                  # fields without which a file of this source is not one
    markers: tuple[str, ...] = ()              # headers only this source has (any one of them counts)
    statuses: Mapping[str, str] = field(default_factory=dict)  # the source's status text (lower-cased, no spaces) → canonical
    order_amount_per_row: bool = True          # the order total repeats on every line of the order (else: sum of items)

    def resolve(self, header: Sequence[object]) -> dict[str, int]:
        """Canonical field → column index for this header row (first matching column wins)."""
        keys = [header_keys(cell) for cell in header]
        found: dict[str, int] = {}
        for name, aliases in self.fields.items():
            for alias in aliases:  # an alias earlier in the list wins over a later one
                index = next((i for i, (whole, _) in enumerate(keys) if whole == alias), None)
                if index is None:
                    index = next((i for i, (_, bare) in enumerate(keys) if bare == alias), None)
                if index is not None and index not in found.values():
                    found[name] = index
                    break
        return found

    def score(self, header: Sequence[object]) -> int:
        """How well a header row fits: 0 when a required field is missing, else matched fields + 10 per marker."""
        columns = self.resolve(header)
        if any(name not in columns for name in self.required):
            return 0
        keys = {key for cell in header for key in header_keys(cell)}
        markers = sum(1 for marker in self.markers if marker in keys)
        if self.markers and not markers:
            return 0
        return len(columns) + 10 * markers

    def status(self, raw: str) -> str | None:
        return self.statuses.get(raw.lower().replace(" ", ""))


def _statuses(table: Mapping[str, Sequence[str]]) -> dict[str, str]:
    return {word.lower().replace(" ", ""): canonical for canonical, words in table.items() for word in words}


CAFE24 = Source(
    name="cafe24", kind="orders", label="Cafe24 주문 엑셀/CSV", label_en="Cafe24 order export (Excel/CSV)",
    fields={
        "order_id": _keys("주문번호"),
        "item_id": _keys("품목별 주문번호", "품목별주문번호"),
        "ordered_at": _keys("주문일시", "주문일"),
        "paid_at": _keys("결제일시(입금확인일)", "결제일시", "입금확인일", "결제일"),
        "status": _keys("주문 상태", "주문상태", "처리상태"),
        "customer_id": _keys("주문자ID", "주문자 아이디", "회원아이디", "아이디"),
        "name": _keys("주문자명", "주문자 이름", "주문자"),
        "email": _keys("주문자 이메일", "주문자이메일", "이메일"),
        "phone": _keys("주문자 휴대전화", "주문자 휴대폰", "주문자 휴대폰번호", "주문자 연락처", "주문자 전화번호"),
        "product_name": _keys("상품명(한국어 쇼핑몰)", "상품명(기본)", "상품명"),
        "option": _keys("상품옵션", "옵션정보", "옵션"),
        "product_code": _keys("상품코드", "상품번호", "자체상품코드"),
        "category": _keys("메인카테고리 이름", "메인카테고리", "카테고리"),
        "quantity": _keys("수량", "주문수량"),
        "unit_price": _keys("판매가", "상품구매금액", "상품가"),
        "order_amount": _keys("총 결제금액(KRW)", "총 결제금액", "총 실결제금액", "결제금액", "총 주문금액(KRW)", "총 주문금액"),
        "discount": _keys("총 할인금액", "할인금액", "쿠폰 할인금액"),
        "coupon_code": _keys("사용한 쿠폰명", "쿠폰명", "쿠폰코드"),
    },
    required=("order_id", "product_name", "ordered_at"),
    markers=_keys("품목별 주문번호", "주문자ID", "주문자 휴대전화", "총 결제금액", "상품명(한국어 쇼핑몰)",
                  "메인카테고리 이름", "결제일시(입금확인일)", "주문 상태", "주문자명"),
    statuses=_statuses({
        "pending": ("입금전", "입금대기", "결제대기", "N00"),
        "paid": ("상품준비중", "배송준비중", "배송대기", "배송보류", "결제완료", "입금완료", "취소신청", "취소접수",
                 "N10", "N20", "N21", "N22", "C00", "C10"),
        "shipped": ("배송중", "N30"),
        "delivered": ("배송완료", "반품신청", "반품접수", "교환신청", "교환접수", "교환완료", "N40",
                      "R00", "R10", "E00", "E10", "E40"),
        "confirmed": ("구매확정", "N50"),
        "cancelled": ("취소완료", "입금전취소", "환불전", "취소", "C40", "C47", "C48", "C49", "C34", "C36"),
        "refunded": ("반품완료", "환불완료", "R40", "C41"),
    }),
)

SMARTSTORE = Source(
    name="smartstore", kind="orders", label="네이버 스마트스토어 주문 엑셀", label_en="Naver SmartStore order export (Excel)",
    fields={
        "order_id": _keys("주문번호"),
        "item_id": _keys("상품주문번호"),
        "ordered_at": _keys("주문일시"),
        "paid_at": _keys("결제일", "결제일시"),
        "status": _keys("주문상태"),
        "status_detail": _keys("주문세부상태", "클레임상태"),
        "customer_id": _keys("구매자ID", "구매자아이디"),
        "name": _keys("구매자명"),
        "phone": _keys("구매자연락처", "구매자 휴대폰번호"),
        "product_code": _keys("상품번호"),
        "product_name": _keys("상품명"),
        "option": _keys("옵션정보"),
        "quantity": _keys("수량"),
        "unit_price": _keys("상품가격"),
        "item_discount": _keys("상품별 할인액"),
        "item_amount": _keys("상품별 총 주문금액", "최종 상품별 총 주문금액"),
        "category": _keys("카테고리", "카테고리명"),
    },
    required=("order_id", "item_id", "product_name", "ordered_at"),
    markers=_keys("상품주문번호", "구매자명", "구매자ID", "구매자연락처", "상품별 총 주문금액", "주문세부상태"),
    statuses=_statuses({
        "pending": ("결제대기", "PAYMENT_WAITING"),
        "paid": ("결제완료", "신규주문", "발송대기", "발주확인", "PAYED"),
        "shipped": ("배송중", "DELIVERING"),
        "delivered": ("배송완료", "교환", "교환완료", "DELIVERED", "EXCHANGED"),
        "confirmed": ("구매확정", "PURCHASE_DECIDED"),
        "cancelled": ("취소", "취소완료", "미결제취소", "CANCELED", "CANCELED_BY_NOPAYMENT"),
        "refunded": ("반품", "반품완료", "RETURNED"),
    }),
    order_amount_per_row=False,
)

IMWEB = Source(
    name="imweb", kind="orders", label="아임웹 주문 엑셀", label_en="imweb order export (Excel)",
    fields={
        "order_id": _keys("주문번호"),
        "item_id": _keys("품목주문번호", "품목번호"),
        "ordered_at": _keys("주문일시", "주문일"),
        "paid_at": _keys("결제일시", "결제일", "입금일"),
        "status": _keys("주문상태", "주문 상태"),
        "customer_id": _keys("주문자 아이디", "주문자 ID", "회원 아이디"),
        "name": _keys("주문자 이름", "주문자명", "주문자"),
        "email": _keys("주문자 이메일", "주문자이메일"),
        "phone": _keys("주문자 번호", "주문자 연락처", "주문자 전화번호", "주문자 휴대폰"),
        "product_code": _keys("상품번호", "상품코드"),
        "product_name": _keys("상품명"),
        "option": _keys("옵션명", "옵션"),
        "quantity": _keys("구매수량", "수량"),
        "unit_price": _keys("판매가", "상품가격", "상품 판매가"),
        "item_amount": _keys("품목실결제가", "품목 결제금액"),
        "order_amount": _keys("최종주문금액", "최종 결제금액", "결제금액", "총 주문금액"),
        "coupon_code": _keys("쿠폰명", "사용 쿠폰"),
    },
    required=("order_id", "product_name", "ordered_at"),
    markers=_keys("구매수량", "옵션명", "품목실결제가", "주문자 번호", "주문자 이름", "품목주문번호", "최종주문금액"),
    statuses=_statuses({
        "pending": ("입금대기", "결제대기", "입금전"),
        "paid": ("결제완료", "입금완료", "배송준비", "배송준비중", "배송대기", "상품준비중", "취소요청", "취소신청"),
        "shipped": ("배송중",),
        "delivered": ("배송완료", "반품요청", "반품신청", "교환요청", "교환신청", "교환완료", "교환"),
        "confirmed": ("구매확정",),
        "cancelled": ("취소완료", "주문취소", "취소", "입금기한만료"),
        "refunded": ("반품완료", "반품", "환불완료", "환불"),
    }),
)

SHOPIFY = Source(
    name="shopify", kind="orders", label="Shopify orders CSV", label_en="Shopify orders CSV",
    fields={
        "order_id": _keys("Name"),
        "ordered_at": _keys("Created at"),
        "paid_at": _keys("Paid at"),
        "status": _keys("Financial Status"),
        "fulfillment": _keys("Fulfillment Status"),
        "cancelled_at": _keys("Cancelled at"),
        "email": _keys("Email"),
        "phone": _keys("Phone", "Billing Phone"),
        "name": _keys("Billing Name", "Shipping Name"),
        "product_name": _keys("Lineitem name"),
        "product_code": _keys("Lineitem sku"),
        "quantity": _keys("Lineitem quantity"),
        "unit_price": _keys("Lineitem price"),
        "item_discount": _keys("Lineitem discount"),
        "order_amount": _keys("Total"),
        "discount": _keys("Discount Amount"),
        "coupon_code": _keys("Discount Code"),
        "currency": _keys("Currency"),
    },
    required=("order_id", "product_name", "ordered_at"),
    markers=_keys("Financial Status", "Lineitem name", "Lineitem quantity", "Fulfillment Status"),
    statuses=_statuses({
        "pending": ("pending", "authorized", "expired"),
        "paid": ("paid", "partially_paid", "partially_refunded"),
        "cancelled": ("voided",),
        "refunded": ("refunded",),
    }),
)

WOOCOMMERCE = Source(
    name="woocommerce", kind="orders", label="WooCommerce orders CSV", label_en="WooCommerce orders CSV",
    fields={
        "order_id": _keys("Order ID", "Order Number", "order_id", "order_number", "Order #"),
        "ordered_at": _keys("Order Date", "order_date", "Date Created", "date_created"),
        "paid_at": _keys("Paid Date", "paid_date", "Date Paid", "date_paid", "Order Paid Date"),
        "status": _keys("Order Status", "Status", "order_status"),
        "customer_id": _keys("Customer User ID", "Customer ID", "customer_id", "customer_user"),
        "first_name": _keys("Billing First Name", "First Name (Billing)", "billing_first_name"),
        "last_name": _keys("Billing Last Name", "Last Name (Billing)", "billing_last_name"),
        "email": _keys("Billing Email", "Email (Billing)", "billing_email", "Customer Email"),
        "phone": _keys("Billing Phone", "Phone (Billing)", "billing_phone"),
        "product_name": _keys("Item Name", "Product Name", "item_name", "Product"),
        "product_code": _keys("Item SKU", "SKU", "item_sku", "Product ID"),
        "quantity": _keys("Item Quantity", "Quantity", "Qty", "item_quantity", "Quantity (- Refund)"),
        "unit_price": _keys("Item Cost", "Item Price", "item_cost", "Cost"),
        "item_amount": _keys("Item Total", "item_total", "Line Total"),
        "order_amount": _keys("Order Total", "Order Total Amount", "order_total", "Total"),
        "discount": _keys("Cart Discount", "Discount Total", "Order Discount", "cart_discount", "discount_total"),
        "coupon_code": _keys("Coupon Code", "Coupons Used", "Coupon", "coupon_code", "coupons"),
        "category": _keys("Category", "Product Categories", "Item Category"),
    },
    required=("order_id", "product_name", "ordered_at"),
    markers=_keys("Billing Email", "Email (Billing)", "billing_email", "Order Total", "Order Total Amount",
                  "order_total", "Item Name", "item_name", "Billing Phone", "Phone (Billing)", "Item Cost"),
    statuses=_statuses({
        "pending": ("pending", "wc-pending", "on-hold", "wc-on-hold", "checkout-draft", "결제 대기중", "결제대기", "보류중",
                    "대기중"),
        "paid": ("processing", "wc-processing", "처리중", "처리 중"),
        "delivered": ("completed", "wc-completed", "완료됨", "완료"),
        "cancelled": ("cancelled", "wc-cancelled", "failed", "wc-failed", "취소됨", "실패", "실패함"),
        "refunded": ("refunded", "wc-refunded", "환불됨"),
    }),
)

CAFE24_MEMBERS = Source(
    name="cafe24_members", kind="members", label="Cafe24 회원 엑셀", label_en="Cafe24 member list (Excel)",
    fields={
        "customer_id": _keys("아이디", "회원아이디", "회원 ID"),
        "name": _keys("이름", "회원명", "성명"),
        "phone": _keys("휴대전화", "휴대폰번호", "휴대폰", "휴대전화번호"),
        "email": _keys("이메일", "이메일주소"),
        "sms_consent": _keys("SMS 수신여부", "SMS수신동의", "SMS 수신동의여부"),
        "email_consent": _keys("이메일 수신여부", "뉴스메일 수신여부", "이메일수신동의", "이메일 수신동의여부"),
        "birthday": _keys("생년월일", "생일"),
        "calendar": _keys("양력/음력", "양력음력", "음력여부", "생일구분", "생년월일 구분"),
        "signed_up_at": _keys("가입일", "가입일시", "회원가입일"),
        "grade": _keys("회원등급", "등급"),
    },
    required=("customer_id",),
    markers=_keys("회원등급", "SMS 수신여부", "이메일 수신여부", "가입일", "휴대전화"),
)

OPTOUT = Source(
    name="optout", kind="optout", label="수신거부 목록 (080 등)", label_en="opt-out list (080 and the like)",
    fields={
        "phone": _keys("수신거부번호", "수신거부 번호", "전화번호", "휴대폰번호", "휴대전화", "휴대폰", "연락처", "번호",
                       "phone", "phone number", "mobile"),
        "email": _keys("이메일", "이메일주소", "email", "e-mail"),
        "at": _keys("수신거부일", "수신거부일시", "등록일", "등록일시", "거부일시", "date"),
    },
    required=(),
)

SOURCES: tuple[Source, ...] = (CAFE24, SMARTSTORE, IMWEB, SHOPIFY, WOOCOMMERCE, CAFE24_MEMBERS, OPTOUT)
BY_NAME: dict[str, Source] = {source.name: source for source in SOURCES}


# headers an opt-out list never has: a small orders sheet (order number, date, amount, phone) is not one
_ORDER_HEADERS = frozenset(_keys("주문번호", "주문일", "주문일시", "주문일자", "order id", "order no", "order number",
                                 "order date"))


def _optout_fits(header: Sequence[object]) -> int:
    columns = OPTOUT.resolve(header)
    filled = [cell for cell in header if cell not in (None, "")]
    if any(key in _ORDER_HEADERS for cell in filled for key in header_keys(cell)):
        return 0
    # an opt-out list is small: a phone or email column and little else
    if ("phone" in columns or "email" in columns) and len(filled) <= 4:
        return len(columns)
    return 0


def score_header(header: Sequence[object]) -> int:
    """How much a row looks like any known header (for finding the header under instruction rows)."""
    return max(max(source.score(header) for source in SOURCES if source is not OPTOUT), _optout_fits(header))


def detect(header: Sequence[object]) -> Source | None:
    """The source whose layout the header row fits best, or None when none does."""
    best: Source | None = None
    best_score = 0
    for source in SOURCES:
        value = _optout_fits(header) if source is OPTOUT else source.score(header)
        if value > best_score:
            best, best_score = source, value
    return best

"""A shop's own orders file (the `generic` source): its columns mapped to our fields by the owner.

A file whose headers fit no known export (a shop's own spreadsheet: `주문번호, 주문일, 고객명, 연락처, …`)
is read through a `GenericMapping`: our field → the file's header. `suggest` proposes one from the header
names (Korean and English words), so the owner usually only confirms it; `problems` says what a mapping
still lacks; a saved mapping is found again from a file's headers (`find`, by `signature`: the set of
headers, in any order). The field names here are the ones `--map field=Header` and the saved mappings
use; docs/file-formats.md lists them with the status words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from engine.sync import values as v
from engine.sync.sources import Source, _keys, _statuses, header_keys


@dataclass(frozen=True)
class GenericField:
    """One of our fields a generic file's column can hold."""

    name: str                   # as in `--map name=Header` and in saved mappings
    column: str                 # the parser's canonical field (engine/sync/parse)
    words: tuple[str, ...]      # headers that suggest it (normalized by `header_keys`), best first
    stems: tuple[str, ...] = () # parts of a header that suggest it when no whole header does


FIELDS: tuple[GenericField, ...] = (
    GenericField("order_id", "order_id",
                 _keys("주문번호", "주문 번호", "주문no", "주문코드", "주문아이디", "주문id", "order id", "order no",
                       "order number", "order #", "order", "주문"),
                 _keys("주문번호", "orderid", "orderno", "ordernumber")),
    GenericField("ordered_at", "ordered_at",
                 _keys("주문일", "주문일시", "주문일자", "주문날짜", "주문시간", "주문시각", "구매일", "구매일시", "구매일자",
                       "거래일", "거래일시", "일자", "날짜", "일시", "order date", "ordered at", "date", "created at",
                       "created", "order time", "purchase date", "date created"),
                 _keys("주문일", "구매일", "거래일", "날짜", "일자", "date")),
    GenericField("amount", "order_amount",
                 _keys("금액", "결제금액", "총금액", "총 결제금액", "주문금액", "총 주문금액", "합계", "합계금액", "실결제금액",
                       "결제액", "매출", "매출액", "amount", "total", "order total", "total amount", "grand total",
                       "paid amount"),
                 _keys("결제금액", "주문금액", "총액", "합계", "total", "amount")),
    GenericField("status", "status",
                 _keys("상태", "주문상태", "주문 상태", "처리상태", "배송상태", "진행상태", "status", "order status"),
                 _keys("상태", "status")),
    GenericField("member_id", "customer_id",
                 _keys("회원아이디", "회원 id", "아이디", "회원번호", "고객번호", "고객id", "고객아이디", "member id",
                       "customer id", "user id", "member", "login id"),
                 _keys("아이디", "회원번호", "고객번호", "memberid", "customerid", "userid")),
    GenericField("buyer_name", "name",
                 _keys("고객명", "고객", "이름", "성명", "주문자", "주문자명", "주문자 이름", "구매자", "구매자명", "회원명",
                       "고객이름", "name", "customer", "customer name", "buyer", "buyer name", "billing name",
                       "full name"),
                 _keys("고객명", "주문자명", "구매자명", "이름", "성명", "name")),
    GenericField("phone", "phone",
                 _keys("연락처", "전화번호", "휴대폰", "휴대폰번호", "휴대전화", "휴대전화번호", "핸드폰", "핸드폰번호", "전화",
                       "phone", "phone number", "mobile", "mobile phone", "tel", "telephone", "cell"),
                 _keys("연락처", "전화", "휴대폰", "핸드폰", "phone", "mobile")),
    GenericField("email", "email",
                 _keys("이메일", "이메일주소", "메일", "email", "e-mail", "email address", "mail"),
                 _keys("이메일", "메일", "email", "e-mail")),
    GenericField("product_name", "product_name",
                 _keys("상품", "상품명", "품목", "품목명", "제품", "제품명", "주문상품", "상품이름", "product",
                       "product name", "item", "item name", "goods"),
                 _keys("상품명", "제품명", "품목명", "product")),
    GenericField("option", "option",
                 _keys("옵션", "옵션명", "옵션정보", "상품옵션", "option", "options", "variant"),
                 _keys("옵션", "option", "variant")),
    GenericField("quantity", "quantity",
                 _keys("수량", "개수", "주문수량", "구매수량", "qty", "quantity", "count"),
                 _keys("수량", "qty", "quantity")),
    GenericField("unit_price", "unit_price",
                 _keys("단가", "판매가", "가격", "상품가격", "판매단가", "상품가", "price", "unit price", "item price"),
                 _keys("단가", "판매가", "가격", "price")),
    GenericField("item_amount", "item_amount",
                 _keys("상품금액", "품목금액", "상품별금액", "상품별 주문금액", "소계", "item amount", "line total",
                       "item total", "subtotal"),
                 _keys("상품금액", "품목금액", "소계", "subtotal")),
    GenericField("category", "category",
                 _keys("카테고리", "분류", "상품분류", "카테고리명", "category"),
                 _keys("카테고리", "분류", "category")),
    GenericField("coupon_code", "coupon_code",
                 _keys("쿠폰", "쿠폰코드", "쿠폰명", "쿠폰번호", "사용쿠폰", "coupon", "coupon code", "promo code"),
                 _keys("쿠폰", "coupon")),
    GenericField("discount", "discount",
                 _keys("할인", "할인금액", "할인액", "쿠폰할인", "총 할인금액", "discount", "discount amount"),
                 _keys("할인금액", "할인액", "할인", "discount")),
    GenericField("paid_at", "paid_at",
                 _keys("결제일", "결제일시", "결제일자", "입금일", "입금일시", "입금확인일", "paid at", "payment date",
                       "paid date", "date paid"),
                 _keys("결제일", "입금일", "paidat", "paymentdate")),
)
BY_NAME: dict[str, GenericField] = {item.name: item for item in FIELDS}
FIELD_NAMES: tuple[str, ...] = tuple(item.name for item in FIELDS)

# what a mapping needs: each group needs one of its fields
REQUIRED_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("order_id", ("order_id",)),
    ("ordered_at", ("ordered_at",)),
    ("amount", ("amount", "item_amount", "unit_price")),
    ("customer", ("member_id", "phone", "email")),
)
REQUIRED_FIELDS: frozenset[str] = frozenset(name for _, names in REQUIRED_GROUPS for name in names)
_GROUP_TEXT = {"order_id": "the order number (order_id)", "ordered_at": "the order date (ordered_at)",
               "amount": "an amount (amount, item_amount or unit_price)",
               "customer": "the customer (member_id, phone or email)"}

# a generic file's status words (compared without spaces and case); any other status is rejected
STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "pending": ("입금전", "입금대기", "결제대기", "미입금", "미결제", "awaiting payment", "unpaid", "on-hold", "on hold"),
    "paid": ("결제완료", "입금완료", "주문완료", "주문접수", "신규주문", "상품준비중", "배송준비", "배송준비중", "배송대기",
             "발송대기", "발주확인", "출고준비", "출고대기", "processing", "payment complete", "payment completed"),
    "shipped": ("배송중", "발송완료", "출고완료", "배송시작", "발송", "shipping", "in transit", "fulfilled", "dispatched"),
    "delivered": ("배송완료", "수령완료", "completed", "complete"),
    "confirmed": ("구매확정", "purchase confirmed"),
    "cancelled": ("취소", "취소완료", "주문취소", "결제취소", "입금전취소", "canceled", "void", "voided", "failed"),
    "refunded": ("환불", "환불완료", "반품", "반품완료", "refund", "returned"),
}
STATUSES: dict[str, str] = _statuses(STATUS_WORDS)

SOURCE_NAME = "generic"
MAPPING_NAME_MAX = 60


class MappingError(ValueError):
    """A mapping that cannot be used: an unknown field, a missing required one, a bad name."""


@dataclass(frozen=True)
class GenericMapping:
    """A named column mapping: our field → the header of the file's column that holds it."""

    name: str
    fields: Mapping[str, str]
    headers: tuple[str, ...] = ()   # the header row it was made for (to find it again)
    saved_at: str = ""              # ISO time it was saved (the newest of several fitting mappings wins)
    signature: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.signature and self.headers:
            object.__setattr__(self, "signature", signature(self.headers))

    def matches(self, header: Sequence[object]) -> bool:
        return bool(self.signature) and self.signature == signature(header)


def signature(header: Iterable[object]) -> tuple[str, ...]:
    """The headers as a set (normalized, in no order): two files with the same columns have the same one."""
    return tuple(sorted({header_keys(cell)[0] for cell in header if header_keys(cell)[0]}))


def headers_of(header: Sequence[object]) -> list[str]:
    """The file's non-empty headers as the owner sees them (what a column may be mapped to)."""
    out: list[str] = []
    for cell in header:
        text = v.text(cell)
        if text and text not in out:
            out.append(text)
    return out


def shown_headers(header: Sequence[object], limit: int = 40) -> str:
    """The headers for a one-line message: a cell that is a phone number or an email (a first row that is
    data, not a header) is not repeated; long ones are cut."""
    shown = []
    for text in headers_of(header)[:limit]:
        if v.parse_phone(text) is not None or v.parse_email(text) is not None:
            text = "…"
        shown.append(text if len(text) <= 40 else text[:39] + "…")
    return ", ".join(shown) or "(none)"


def suggest(header: Sequence[object]) -> dict[str, str]:
    """Our field → header, guessed from the header names: whole names first, then names holding a known word."""
    names = headers_of(header)
    keys = [header_keys(name) for name in names]
    chosen: dict[str, str] = {}
    used: set[int] = set()
    for item in FIELDS:
        for word in item.words:
            index = next((i for i, (whole, bare) in enumerate(keys)
                          if i not in used and word in (whole, bare)), None)
            if index is not None:
                chosen[item.name] = names[index]
                used.add(index)
                break
    for index, (whole, _) in enumerate(keys):
        if index in used:
            continue
        best: tuple[int, int] | None = None  # (length of the word found, -position of the field)
        best_field: GenericField | None = None
        for position, item in enumerate(FIELDS):
            if item.name in chosen:
                continue
            length = max((len(stem) for stem in item.stems if stem in whole), default=0)
            if length and (best is None or (length, -position) > best):
                best, best_field = (length, -position), item
        if best_field is not None:
            chosen[best_field.name] = names[index]
            used.add(index)
    return {item.name: chosen[item.name] for item in FIELDS if item.name in chosen}


def problems(fields: Mapping[str, str]) -> list[str]:
    """What the mapping still lacks (empty when it can be used): the keys of `REQUIRED_GROUPS`."""
    given = {name for name, header in fields.items() if header}
    return [group for group, names in REQUIRED_GROUPS if not given.intersection(names)]


def shared_columns(fields: Mapping[str, str]) -> dict[str, list[str]]:
    """Headers given for more than one field (a mistake: a column holds one thing) → those fields."""
    by_header: dict[str, list[str]] = {}
    for name, header in fields.items():
        if header:
            by_header.setdefault(header_keys(header)[0], []).append(name)
    return {fields[names[0]]: names for names in by_header.values() if len(names) > 1}


def problems_text(missing: Sequence[str]) -> str:
    return "; ".join(_GROUP_TEXT[group] for group in missing)


def check_fields(fields: Mapping[str, str]) -> dict[str, str]:
    """The mapping with empty entries left out; raises MappingError for an unknown field or a missing one."""
    unknown = [name for name in fields if name not in BY_NAME]
    if unknown:
        raise MappingError(f"unknown field {unknown[0]!r} (the fields: {', '.join(FIELD_NAMES)})")
    clean = {name: str(header).strip() for name, header in fields.items() if header and str(header).strip()}
    twice = shared_columns(clean)
    if twice:
        header, names = next(iter(twice.items()))
        raise MappingError(f"the column '{header}' is given for {' and '.join(names)}: one field a column")
    missing = problems(clean)
    if missing:
        raise MappingError(f"no column for {problems_text(missing)}")
    return clean


def check_name(name: str) -> str:
    clean = " ".join(str(name).split())
    if not clean:
        raise MappingError("a mapping needs a name")
    if len(clean) > MAPPING_NAME_MAX:
        raise MappingError(f"a mapping name has at most {MAPPING_NAME_MAX} characters")
    return clean


def parse_map_args(items: Sequence[str]) -> dict[str, str]:
    """`--map field=Header` arguments → our field → header; raises MappingError naming a bad one."""
    fields: dict[str, str] = {}
    for item in items:
        name, sep, header = item.partition("=")
        name, header = name.strip(), header.strip()
        if not sep or not name or not header:
            raise MappingError(f"--map {item!r}: write it as field=Header, e.g. --map order_id=주문번호")
        if name not in BY_NAME:
            raise MappingError(f"--map {item!r}: unknown field {name!r} (the fields: {', '.join(FIELD_NAMES)})")
        if name in fields:
            raise MappingError(f"--map {name} is given twice")
        fields[name] = header
    return fields


def find(saved: Iterable[GenericMapping], header: Sequence[object]) -> GenericMapping | None:
    """The newest saved mapping made for these headers (any column order), or None."""
    fitting = [mapping for mapping in saved if mapping.matches(header)]
    return max(fitting, key=lambda mapping: mapping.saved_at) if fitting else None


def source(fields: Mapping[str, str]) -> Source:
    """The parser's source for a mapping (our field → header)."""
    columns = {BY_NAME[name].column: _keys(header) for name, header in fields.items() if name in BY_NAME and header}
    return Source(name=SOURCE_NAME, kind="orders", label="generic", label_en="generic",
                  required=("order_id", "ordered_at"), fields=columns, statuses=STATUSES)

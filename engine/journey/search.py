"""Finding a node kind by what an owner types: any part of its Korean or English name, or a word owners use
for it ("대기", "카톡", "메일", "if" …). Used by the palette's search and the canvas's quick add."""

from __future__ import annotations

from engine.journey.registry import REGISTRY, NodeType

# Words an owner may type for a kind, beyond its own names (Korean and English, lower case).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "trigger.signed_up": ("시작", "가입", "회원가입", "신규", "sign up", "signup", "join", "start", "trigger"),
    "trigger.order_placed": ("시작", "주문", "구매", "결제", "order", "purchase", "buy", "start", "trigger"),
    "trigger.order_status": ("시작", "배송", "상태", "주문 상태", "delivery", "status", "shipped", "trigger"),
    "trigger.cart_abandoned": ("시작", "장바구니", "카트", "cart", "abandon", "trigger"),
    "trigger.segment_entered": ("시작", "세그먼트", "고객군", "그룹", "segment", "group", "trigger"),
    "trigger.date": ("시작", "날짜", "생일", "기념일", "명절", "date", "birthday", "holiday", "trigger"),
    "trigger.manual": ("시작", "직접", "수동", "손으로", "manual", "by hand", "trigger"),
    "wait.duration": ("대기", "기다리기", "기다림", "지연", "wait", "delay", "pause"),
    "wait.until_time": ("대기", "기다리기", "시각", "시간", "wait", "time"),
    "wait.until_date": ("대기", "기다리기", "날짜", "wait", "date"),
    "wait.business_days": ("대기", "기다리기", "영업일", "평일", "wait", "business", "weekday"),
    "wait.event": ("대기", "기다리기", "행동", "이벤트", "주문 기다리기", "wait", "event"),
    "condition": ("조건", "분기", "만약", "나누기", "if", "branch", "condition", "rule"),
    "split.random": ("분기", "나누기", "실험", "테스트", "a/b", "ab", "split", "test", "random"),
    "message.sms": ("메시지", "문자", "sms", "lms", "mms", "text", "message"),
    "message.kakao": ("메시지", "카톡", "카카오", "알림톡", "친구톡", "kakao", "katalk", "message"),
    "message.email": ("메시지", "이메일", "메일", "email", "e-mail", "mail", "message"),
    "action.tag": ("태그", "꼬리표", "표시", "tag", "label"),
    "action.coupon": ("쿠폰", "할인", "적립", "coupon", "discount"),
    "action.set_field": ("항목", "필드", "바꾸기", "field", "set"),
    "action.notify_owner": ("알림", "나에게", "사장님", "notify", "owner", "alert"),
    "goal": ("목표", "전환", "goal", "conversion"),
    "exit": ("종료", "끝", "나가기", "exit", "end", "stop"),
}


def _plain(text: str) -> str:
    return "".join(text.lower().split())


def find_kinds(query: str) -> list[str]:
    """Node kinds matching `query`, best first: a name or word typed whole, then a name starting with it, then
    any part of a name, then a word for it, then its description. An empty query lists every kind."""
    needle = _plain(query)
    if not needle:
        return list(REGISTRY)
    ranked: list[tuple[int, int, str]] = []
    for order, spec in enumerate(REGISTRY.values()):
        rank = _rank(spec, needle)
        if rank is not None:
            ranked.append((rank, order, spec.kind))
    return [kind for _, _, kind in sorted(ranked)]


def _rank(spec: NodeType, needle: str) -> int | None:
    names = [_plain(spec.label_ko), _plain(spec.label_en), _plain(spec.kind)]
    words = [_plain(word) for word in SYNONYMS.get(spec.kind, ())]
    if needle in names or needle in words:
        return 0
    if any(name.startswith(needle) for name in names):
        return 1
    if any(needle in name for name in names):
        return 2
    if any(needle in word for word in words):
        return 3
    if needle in _plain(spec.description_ko) or needle in _plain(spec.description_en):
        return 4
    return None

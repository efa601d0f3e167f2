"""정보통신망법 §50 as rules: what an ad message must carry, added at render time.

SMS and Kakao ads start with `(광고)` and the shop's name, and end with its contact and a free opt-out
line (`무료수신거부 080-…`). Email ads get `(광고)` first in the subject and the sender and an
unsubscribe way at the foot of the body. Informational messages are left as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AD_PREFIX = "(광고)"
# words that make a text promotional; an "informational" message containing them is probably an ad
PROMO_WORDS = ("쿠폰", "할인", "세일", "특가", "이벤트", "적립", "증정", "무료배송", "혜택", "프로모션", "%")


@dataclass(frozen=True)
class ShopInfo:
    name: str = ""
    contact: str = ""
    optout_number: str = ""
    email: str = ""
    url: str = ""


def _strip_prefix(text: str) -> str:
    return re.sub(r"^\s*\(\s*광고\s*\)\s*", "", text)


EMAIL_FOOTER_RULE = "\n\n---\n"  # between an email ad's text and its sender footer


def label_text_ad(subject: str, body: str, shop: ShopInfo) -> tuple[str, str]:
    """An SMS or KakaoTalk ad: `(광고)` and the shop's name first, its contact and free opt-out line last."""
    body = _strip_prefix(body)  # written by hand too: never twice
    head = f"{AD_PREFIX}{shop.name}"
    tail = f"문의 {shop.contact}\n무료수신거부 {shop.optout_number}"
    return subject, f"{head}\n{body.strip()}\n{tail}"


def label_email_ad(subject: str, body: str, shop: ShopInfo) -> tuple[str, str]:
    """An email ad: `(광고)` first in the subject; the sender and an unsubscribe way at the foot of the body."""
    body = _strip_prefix(body)
    subject = f"{AD_PREFIX} {_strip_prefix(subject)}".strip()
    foot = [f"보낸 곳: {shop.name} ({shop.contact})" + (f", {shop.email}" if shop.email else "")]
    if shop.url:
        foot.append(f"수신을 원하지 않으시면 {shop.url} 에서 수신거부하실 수 있습니다.")
    else:
        foot.append("수신을 원하지 않으시면 이 메일에 '수신거부'라고 답장해 주세요.")
    if shop.optout_number:
        foot.append(f"무료수신거부 {shop.optout_number}")
    return subject, body.rstrip() + EMAIL_FOOTER_RULE + "\n".join(foot)


def looks_like_ad(text: str) -> list[str]:
    """The promotional words in a text (a message marked informational that has them is likely an ad)."""
    return [word for word in PROMO_WORDS if word in text]

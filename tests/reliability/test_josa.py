"""Korean particles after a variable: the `josa` filter picks 을/를, 이/가, 은/는, 으로/로 from the value's last
sound, and no gallery template glues a particle to a variable by hand ("단골상회을", "실버(으)로")."""

from __future__ import annotations

import json
import re

import pytest

from engine import gallery
from engine.messaging.render import josa

PARTICLE_AFTER_VARIABLE = re.compile(r"\{\{[^}]*\}\}(\(으\)로|을|를|이|가|은|는|과|와|로|으로)(?![가-힣])")


@pytest.mark.parametrize(("word", "pair", "expected"), [
    ("단골상회", "을/를", "단골상회를"), ("김민지", "이/가", "김민지가"), ("크림", "은/는", "크림은"),
    ("토너", "이/가", "토너가"), ("실버", "으로/로", "실버로"), ("골드", "으로/로", "골드로"),
    ("서울", "으로/로", "서울로"),  # ㄹ takes 로
    ("부산", "으로/로", "부산으로"),
    ("02-1234-5678", "으로/로", "02-1234-5678로"),  # 팔: ㄹ
    ("02-1234-5671", "으로/로", "02-1234-5671로"),  # 일: ㄹ
    ("080-123-4563", "으로/로", "080-123-4563으로"),  # 삼
    ("080-123-4562", "으로/로", "080-123-4562로"),  # 이
    ("10%", "을/를", "10%를"),  # 퍼센트
    ("5,000원", "을/를", "5,000원을"),
    ("help@shop.kr", "으로/로", "help@shop.kr(으)로"),  # unknown sound: both shown
    ("SMS", "을/를", "SMS을(를)"),
    ("수분 진정 토너 200ml", "은/는", "수분 진정 토너 200ml는"),  # 밀리리터
    ("쌀 10kg", "이/가", "쌀 10kg이"),  # 킬로그램
    ("원두 500g", "으로/로", "원두 500g으로"),
    ("토너 (200ml)", "을/를", "토너 (200ml)를"),  # the bracket is not read
    ("크림 「대용량」", "을/를", "크림 「대용량」을"),
    ("셔츠 (L)", "을/를", "셔츠 (L)을(를)"),
])
def test_josa_fits_the_last_sound(word: str, pair: str, expected: str) -> None:
    assert josa(word, pair) == expected


def test_no_gallery_message_glues_a_particle_to_a_variable() -> None:
    glued = []
    for template in gallery.templates():
        text = json.dumps(template.graph, ensure_ascii=False)
        glued += [f"{template.id}: {match.group(0)}" for match in PARTICLE_AFTER_VARIABLE.finditer(text)]
    assert not glued, glued

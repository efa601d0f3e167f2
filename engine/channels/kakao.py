"""KakaoTalk AlimTalk: to the customer's phone, informational only, in a template Kakao approved.

The node holds the approved template's code and its text as approved (pasted by the owner, with its
`#{변수}` placeholders); the message body is written with our variables and, rendered, must read as the
approved text with each `#{…}` standing for whatever the variable fills in (validation checks this with
sample customers, see `alimtalk_mismatch`). An ad can never go as AlimTalk (validation refuses it). When
AlimTalk fails, the provider sends the same text as SMS/LMS (`fallback_sms`), informational like it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engine.channels import nhn, providers, ways
from engine.channels.spec import ChannelSpec, MessageNode
from engine.messaging.adlaw import label_text_ad
from engine.settings_spec import SettingSpec, _int, choice_setting


def _node_params() -> tuple[object, ...]:
    from engine.journey.registry import ParamSpec, ParamType

    return (
        ParamSpec("template_code", ParamType.TEXT, "알림톡 템플릿 코드", "AlimTalk template code", "", required=True,
                  visible_if=("is_ad", (False,))),
        ParamSpec("template_text", ParamType.TEMPLATE, "승인된 템플릿 문장 (#{변수} 그대로 붙여넣기)",
                  "Approved template text (paste it with its #{variables})", "", required=True,
                  visible_if=("is_ad", (False,))),
        ParamSpec("fallback_sms", ParamType.BOOL, "실패하면 문자로", "Fall back to SMS", True),
    )


def routing_line(params: Mapping[str, Any]) -> str:
    """What a kakao message keeps in the outbox's subject (it has none): its template and fallback."""
    from engine.delivery.adapters.textapi import alimtalk_line

    if params.get("is_ad"):
        return ""
    return alimtalk_line(str(params.get("template_code") or ""), bool(params.get("fallback_sms", True)))


_PLACEHOLDER = re.compile(r"#\{[^{}\n]*\}")


def _normal(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n"))


def _pattern(pieces: list[str]) -> str:
    """The template's fixed pieces in order, any text between them; spaces before a variable may go with an
    empty value at a line's end (the trailing spaces of a line are not compared)."""
    parts = [re.escape(piece.rstrip(" ")) + " *" if index < len(pieces) - 1 and piece.endswith(" ") else re.escape(piece)
             for index, piece in enumerate(pieces)]
    return ".*?".join(parts)


def alimtalk_mismatch(template_text: str, sent: str) -> tuple[int, str, str] | None:
    """Where `sent` stops reading as the approved `template_text` (each `#{…}` stands for any text):
    None when it matches, else (line of the template, the approved words there, what we would send there)."""
    template, text = _normal(template_text), _normal(sent)
    pieces = _PLACEHOLDER.split(template)
    if re.fullmatch(_pattern(pieces), text, re.DOTALL):
        return None
    starts = [0]  # where each fixed piece begins in the template
    starts += [placeholder.end() for placeholder in _PLACEHOLDER.finditer(template)]
    good, end = 0, 0  # the longest run of fixed pieces that still reads at the start of the text
    for count in range(1, len(pieces) + 1):
        found = re.match(_pattern(pieces[:count]), text, re.DOTALL)
        if found is None:
            break
        good, end = count, found.end()
    if good == len(pieces):  # every fixed word is there, and more text follows the last
        return template.count("\n") + 1, "(끝)", text[end:end + 30]
    piece, rest, same = pieces[good], text[end:], 0
    if good == 0:  # the start itself differs: point at the first character that does
        while same < min(len(piece), len(rest)) and piece[same] == rest[same]:
            same += 1
    else:  # after a variable's value: the longest start of the fixed words our text still has
        at = -1
        while same < len(piece) and (found_at := rest.find(piece[: same + 1])) >= 0:
            same, at = same + 1, found_at
        rest = rest[at:] if at >= 0 else rest
    line = template[: starts[good] + same].count("\n") + 1
    return line, piece[same:same + 30] or "(끝)", rest[same:same + 30] or "(끝)"


WAYS = (  # one way a line
    ways.FILE,
    ways.WEBHOOK,
    providers.SOLAPI_KAKAO,
    providers.ALIGO_KAKAO,
    nhn.KAKAO,
)

SPEC = ChannelSpec(
    name="kakao", label_ko="카카오톡", label_en="KakaoTalk", address="phone", consent="kakao",
    ways=WAYS, provider_key="kakao.provider",
    settings=(
        choice_setting("kakao.provider", "file", tuple((w.name, w.label_ko, w.label_en) for w in WAYS),
                       "카카오톡 보내는 방법", "How KakaoTalk messages go out"),
        providers.KAKAO_SENDER_KEY,
        *nhn.KAKAO_SETTINGS,
        SettingSpec("kakao.cost_won", 8, _int(0, 1000), "알림톡 한 건 단가", "AlimTalk price each", unit_ko="원",
                    unit_en="won"),
    ),
    prices={"kakao": "kakao.cost_won"},
    max_chars=1000,  # an AlimTalk template holds at most 1,000 characters
    needs_optout_number=True, label=label_text_ad, reasons={**providers.REASONS, **nhn.REASONS}, header=routing_line,
    node=MessageNode("카카오톡 알림톡", "KakaoTalk AlimTalk", "kakao",
                     "카카오가 승인한 템플릿으로 알림톡(정보성)을 보냅니다. 광고는 보낼 수 없습니다.",
                     "Sends an AlimTalk (informational) in a template Kakao approved; never an ad.",
                     "카카오톡", "KakaoTalk", _node_params),
)

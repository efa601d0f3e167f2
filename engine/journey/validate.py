"""What is wrong with a journey, as issues with stable codes (built on networkx).

Errors block publishing; warnings can be accepted. Each code has a Korean and an English text in
MESSAGES, filled from the issue's params; the editor shows them in its problems panel.
"""

from __future__ import annotations

import dataclasses
import re
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import networkx as nx
from jinja2 import TemplateSyntaxError, nodes

from engine.channels import BY_NAME as CHANNEL_SPECS
from engine.journey.model import REENTRY, Journey, Node
from engine.journey.registry import CONDITION_FIELDS, CONDITION_OPS, ParamSpec, ParamType, node_type
from engine.journey.variables import BY_NAME, CONSENT_DATE_KIND, ROOTS
from engine.messaging.adlaw import ShopInfo, looks_like_ad
from engine.messaging.compose import compose
from engine.messaging.render import Renderer, RenderError
from engine.messaging.samples import Sample, default_samples
from engine.messaging.variables import message_variables

ERROR, WARNING = "error", "warning"

MESSAGES: dict[str, tuple[str, str]] = {
    "no_trigger": ("시작 조건이 없습니다. 시작 조건 노드를 하나 넣으세요.", "No trigger: add one trigger node."),
    "coupon_no_pool": ("쿠폰 코드를 가져올 코드 묶음 이름을 적으세요.", "Name the pool the coupon codes come from."),
    "coupon_no_shared": ("모두에게 줄 같은 쿠폰 코드를 적으세요.", "Enter the shared coupon code."),
    "coupon_pool_empty": ("코드 묶음 '{pool}'에 남은 코드가 없습니다. 코드를 가져올 때까지 메시지를 보류합니다 "
                          "(파일 › 쿠폰 코드 가져오기).",
                          "The pool '{pool}' has no codes left: messages are held until codes are imported "
                          "(File › Import coupon codes)."),
    "coupon_pool_low": ("코드 묶음 '{pool}'에 남은 코드가 {left}개뿐입니다. 다 떨어지기 전에 더 가져오세요.",
                        "The pool '{pool}' has only {left} codes left; import more before it runs out."),
    "many_triggers": ("시작 조건은 하나만 둘 수 있습니다. 이 노드를 지우세요.", "Only one trigger is allowed; remove this one."),
    "trigger_unconnected": ("시작 조건 다음에 아무것도 연결되지 않았습니다.", "Nothing follows the trigger."),
    "unreachable": ("어디에서도 이어지지 않아 아무도 도착하지 않는 노드입니다.", "No path leads to this node."),
    "missing_param": ("'{label}' 값을 채우세요.", "Fill in '{label}'."),
    "bad_param": ("'{label}' 값이 올바르지 않습니다: {expected}", "'{label}' is not valid: {expected}"),
    "unknown_param": ("알 수 없는 설정 '{param}'은 무시됩니다.", "Unknown setting '{param}' is ignored."),
    "branch_unconnected": ("'{port}' 쪽이 연결되지 않아 그쪽 고객은 여기서 여정을 마칩니다.",
                           "The '{port}' branch is not connected; customers taking it leave here."),
    "split_total": ("A/B 비율의 합이 100%가 아닙니다 (지금 {total}%).", "The split shares add up to {total}%, not 100%."),
    "bad_rule": ("조건 규칙 {index}번이 올바르지 않습니다: {reason}", "Rule {index} is not valid: {reason}"),
    "template_syntax": ("'{label}' 문장에 틀린 곳이 있습니다 ({line}번째 줄): {reason}",
                        "'{label}' has a mistake on line {line}: {reason}"),
    "unknown_variable": ("'{label}'에 모르는 변수 '{name}'가 있습니다.{hint}", "'{label}' uses an unknown variable '{name}'.{hint}"),
    "unknown_filter": ("'{label}'에 모르는 필터 '{name}'가 있습니다.", "'{label}' uses an unknown filter '{name}'."),
    "template_unsupported": ("'{label}'에는 메시지 문장에서 쓸 수 없는 '{name}' 구문이 있습니다.",
                             "'{label}' uses '{name}', which a message text cannot use."),
    "unsafe_template": ("'{label}'의 '{name}'은(는) 읽을 수 없습니다. 밑줄(_)로 시작하는 이름은 쓸 수 없습니다.",
                        "'{label}' reads '{name}'; names starting with an underscore are not allowed."),
    "render_failed": ("'{label}' 문장을 {sample}에게 보낼 글로 만들 수 없습니다: {why_ko}",
                      "'{label}' cannot be made into a message for {sample_en}: {why_en}"),
    "ad_shop_info": ("광고 메시지에는 쇼핑몰 이름과 연락처가 필요합니다. 설정에서 채우세요.",
                     "Ad messages need the shop's name and contact; fill them in Settings."),
    "ad_optout_missing": ("광고 문자·카카오에는 무료 수신거부 번호가 필요합니다. 설정에서 채우세요.",
                          "Ad texts need a free opt-out number; fill it in Settings."),
    "promo_not_ad": ("홍보 문구({words})가 있는 광고 메시지입니다. '광고성 메시지'를 켜야 게시할 수 있습니다 "
                     "((광고) 표시, 수신거부 안내, 수신 동의, 야간 금지가 적용됩니다).",
                     "This text is promotional ({words}), so it is an ad: turn on 'Advertising message' to publish it "
                     "(the (광고) label, the opt-out line, consent and the night ban then apply)."),
    "alimtalk_ad": ("알림톡은 주문·배송 안내 같은 정보성 메시지만 보낼 수 있어 광고는 알림톡으로 보낼 수 없습니다. 광고는 문자나 "
                    "이메일 노드로 보내세요 (카카오 광고는 알림톡이 아닌 브랜드 메시지입니다).",
                    "AlimTalk carries informational messages only (order and shipping notices), so an ad can never go "
                    "as AlimTalk: send ads by text or email (Kakao's ads are Brand Messages, not AlimTalk)."),
    "brand_not_ad": ("카카오 브랜드 메시지는 광고로만 보낼 수 있습니다. '광고성 메시지'를 켜세요 ((광고) 표시, 무료수신거부, "
                     "수신 동의, 야간 금지가 적용되고, 카카오는 20:50~08:00에 보내지 않습니다). 주문·배송 안내 같은 "
                     "정보성 메시지는 알림톡이나 문자로 보내세요.",
                     "A Kakao Brand Message is always an ad: turn on 'Advertising message' (the (광고) label, the "
                     "opt-out line, consent and the night ban apply, and Kakao sends none 20:50–08:00). Send "
                     "informational notices (orders, shipping) by AlimTalk or text."),
    "alimtalk_mismatch": ("보낼 글이 승인된 알림톡 템플릿과 다릅니다({sample}). 템플릿 {line}번째 줄의 '{expected}' 자리에 "
                          "'{actual}'이(가) 갑니다. 승인된 문장 그대로 쓰고, 템플릿의 변수 자리에만 변수를 넣으세요.",
                          "The text differs from the approved AlimTalk template ({sample_en}): where line {line} of the "
                          "template has '{expected}', we would send '{actual}'. Keep the approved words and put "
                          "variables only where the template has its own."),
    "renewal_reentry": ("수신 동의 재확인은 2년마다 다시 보내야 하는데, 이 여정은 한 번 들어온 고객을 다시 들이지 않습니다. "
                        "여정 설정에서 '여정을 마치면 다시 들어올 수 있음'을 고르세요.",
                        "Consent must be re-confirmed every two years, but this journey never lets a customer in "
                        "again: choose 'Again after leaving the journey' in the journey settings."),
    "bad_setting": ("여정 설정 '{setting}' 값이 올바르지 않습니다.", "The journey setting '{setting}' is not valid."),
    "empty_name": ("여정 이름이 비어 있습니다.", "The journey has no name."),
    "cycle": ("노드가 되돌아가는 고리를 이룹니다.", "The nodes form a loop."),
}


@dataclass(frozen=True)
class Issue:
    node_id: str | None
    severity: str
    code: str
    field: str | None = None
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def message(self, lang: str = "ko") -> str:
        ko, en = MESSAGES.get(self.code, (self.code, self.code))
        values = _Defaults({**self.params})
        if "label" not in values and self.field:
            values["label"] = self.field
        return (ko if lang == "ko" else en).format_map(values)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class _Defaults(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return ""


@dataclass(frozen=True)
class ValidationContext:
    """What validation needs from outside the journey: the shop's settings (for the ad law)."""

    shop_settings: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    known_variables: frozenset[str] | None = None  # None: the standard catalogue
    # customers every message is tried on (the shop's own and one with every field empty); () → made-up ones
    samples: tuple[Sample, ...] = ()
    now: datetime | None = None  # the instant trial renders happen at (coupon expiry and the like)
    # coupon pool → (codes left, low); None: not known (a journey file checked without a shop)
    coupon_pools: Mapping[str, tuple[int, bool]] | None = None


_RENDERER = Renderer()  # one for every validation: its cache keeps the texts an editor validates again
_UNSUPPORTED = ((nodes.Macro, "macro"), (nodes.CallBlock, "call"), (nodes.Include, "include"),
                (nodes.Import, "import"), (nodes.FromImport, "from … import"), (nodes.Extends, "extends"),
                (nodes.Block, "block"))
# why a trial render failed, by RenderError code: (Korean, English)
RENDER_REASONS: dict[str, tuple[str, str]] = {
    "unknown_variable": ("없는 값을 읽습니다 ({detail})", "it reads a value that does not exist ({detail})"),
    "unsafe_template": ("허용되지 않는 기능을 씁니다 ({detail})", "it uses something not allowed ({detail})"),
    "too_big": ("글이나 숫자가 너무 커집니다 ({detail})", "it builds too large a text or number ({detail})"),
    "too_slow": ("만드는 데 너무 오래 걸립니다 ({detail})", "it takes too long to make ({detail})"),
    "too_long": ("이 채널로 보내기에 너무 깁니다 (최대 {limit:,})", "it is too long for this channel (at most {limit:,})"),
    "empty_body": ("내용이 비게 됩니다", "the text comes out empty"),
    "render_failed": ("계산할 수 없는 부분이 있습니다 ({detail})", "part of it cannot be computed ({detail})"),
    "template_syntax": ("문법이 틀렸습니다 ({detail})", "it has a syntax mistake ({detail})"),
}


def validate(journey: Journey, context: ValidationContext | None = None) -> list[Issue]:
    """Every problem of a journey, errors first, then in node order."""
    context = context or ValidationContext()
    issues: list[Issue] = []
    if not journey.name.strip():
        issues.append(Issue(None, WARNING, "empty_name"))
    issues += _settings(journey)
    if journey.settings.get("reentry") == "never" and renews_consent(journey):
        issues.append(Issue(None, WARNING, "renewal_reentry", "reentry"))
    issues += _structure(journey)
    for node in journey.nodes.values():
        issues += _params(node)
        issues += _branches(journey, node)
        if node.category == "message" or node.kind == "action.notify_owner":
            issues += _templates(journey, node, context)
        if node.category == "message" and node.param("is_ad"):
            issues += _ad_law(node, context)
        elif node.category == "message" and _ad_only(node):
            issues.append(Issue(node.id, ERROR, "brand_not_ad", "is_ad"))
            issues += _ad_law(node, context)
        elif node.category == "message":
            issues += _promotional(node)
        if node.kind == "message.kakao":
            issues += _alimtalk(journey, node, context)
        if node.kind == "action.coupon":
            issues += _coupon_source(node, context)
    order = {node_id: index for index, node_id in enumerate(journey.nodes)}
    issues.sort(key=lambda issue: (issue.severity != ERROR, order.get(issue.node_id or "", -1)))
    return issues


def _coupon_source(node: Node, context: ValidationContext) -> list[Issue]:
    """A pool or shared code named; a pool that is empty or low (a warning: publishing is still allowed)."""
    source = node.param("code_source") or "auto"
    if source == "shared" and not str(node.param("shared_code") or "").strip():
        return [Issue(node.id, ERROR, "coupon_no_shared", "shared_code")]
    if source != "pool":
        return []
    pool = str(node.param("pool") or "").strip()
    if not pool:
        return [Issue(node.id, ERROR, "coupon_no_pool", "pool")]
    if context.coupon_pools is None:
        return []
    left, low = context.coupon_pools.get(pool, (0, True))
    if not left:
        return [Issue(node.id, WARNING, "coupon_pool_empty", "pool", {"pool": pool})]
    if low:
        return [Issue(node.id, WARNING, "coupon_pool_low", "pool", {"pool": pool, "left": f"{left:,}"})]
    return []


def _settings(journey: Journey) -> list[Issue]:
    return settings_issues(journey.settings)


def settings_issues(settings: Mapping[str, Any]) -> list[Issue]:
    """The problems of a journey's own settings (re-entry, priority, exclusion group): the rules the editor's
    settings dialog checks before it accepts, and validate() checks before publishing."""
    found = []
    if settings.get("reentry") not in REENTRY:
        found.append(Issue(None, ERROR, "bad_setting", "reentry", {"setting": "reentry"}))
    for key in ("reentry_days", "priority"):
        value = settings.get(key, 0)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            found.append(Issue(None, ERROR, "bad_setting", key, {"setting": key}))
    if settings.get("reentry") == "after_days" and isinstance(settings.get("reentry_days"), int) \
            and settings["reentry_days"] < 1:
        found.append(Issue(None, ERROR, "bad_setting", "reentry_days", {"setting": "reentry_days"}))
    if not isinstance(settings.get("exclusion_group", ""), str):
        found.append(Issue(None, ERROR, "bad_setting", "exclusion_group", {"setting": "exclusion_group"}))
    return found


def _structure(journey: Journey) -> list[Issue]:
    found: list[Issue] = []
    triggers = journey.triggers()
    if not triggers:
        found.append(Issue(None, ERROR, "no_trigger"))
    for extra in triggers[1:]:
        found.append(Issue(extra.id, ERROR, "many_triggers"))
    graph = journey.graph()
    if not nx.is_directed_acyclic_graph(graph):  # the model refuses cycles; kept as a last guard
        found.append(Issue(None, ERROR, "cycle"))
        return found
    if triggers and not journey.edges_from(triggers[0].id):
        found.append(Issue(triggers[0].id, ERROR, "trigger_unconnected"))
    roots = [node.id for node in journey.nodes.values() if node.category in {"trigger", "goal"}]
    start = object()  # one search from all roots at once: linear, however many goals there are
    graph.add_edges_from((start, root) for root in roots)
    reached: set[str] = set(roots) | nx.descendants(graph, start) if roots else set()
    for node in journey.nodes.values():
        if node.id not in reached:
            found.append(Issue(node.id, ERROR, "unreachable"))
    return found


def _branches(journey: Journey, node: Node) -> list[Issue]:
    spec = node_type(node.kind)
    if len(spec.outputs) < 2:
        return []
    found = []
    for port in spec.outputs:
        if journey.edges_from(node.id, port.name):
            continue
        if node.kind == "split.random":
            share = node.param(f"{port.name}_percent")
            if not share:
                continue  # an arm nobody takes needs no edge
        found.append(Issue(node.id, WARNING, "branch_unconnected", port.name, {"port": port.label_ko}))
    if node.kind == "split.random":
        shares = [node.param(name) for name in ("a_percent", "b_percent", "holdout_percent")]
        if all(_is_number(value) for value in shares) and sum(float(v) for v in shares) != 100:
            total = sum(float(v) for v in shares)
            found.append(Issue(node.id, ERROR, "split_total", None, {"total": f"{total:g}"}))
    return found


def _params(node: Node) -> list[Issue]:
    spec = node_type(node.kind)
    found: list[Issue] = []
    values = node.effective_params()
    for name in node.params:
        if spec.param(name) is None:
            found.append(Issue(node.id, WARNING, "unknown_param", name, {"param": name}))
    for param in spec.params:
        if not param.shown(values):
            continue
        value = values.get(param.name)
        if _empty(value):
            if param.required:
                found.append(Issue(node.id, ERROR, "missing_param", param.name, {"label": param.label_ko}))
            continue
        problem = _check_value(param, value)
        if problem:
            found.append(Issue(node.id, ERROR, "bad_param", param.name, {"label": param.label_ko, "expected": problem}))
        if param.type is ParamType.RULES:
            found += _rules(node, param, value)
    return found


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _check_value(param: ParamSpec, value: Any) -> str | None:
    kind = param.type
    if kind in {ParamType.INT, ParamType.WON, ParamType.DURATION, ParamType.PERCENT}:
        if not isinstance(value, int) or isinstance(value, bool):
            return "정수" if kind is not ParamType.WON else "원 단위 정수"
        if param.minimum is not None and value < param.minimum:
            return f"≥ {param.minimum:g}"
        if param.maximum is not None and value > param.maximum:
            return f"≤ {param.maximum:g}"
        return None
    if kind is ParamType.BOOL:
        return None if isinstance(value, bool) else "예/아니오"
    if kind is ParamType.SEGMENT and isinstance(value, str) and re.fullmatch(r"custom:\d+", value):
        return None  # a saved custom segment (whether it still exists is the runtime's to find)
    if kind in {ParamType.CHOICE, ParamType.SEGMENT}:
        return None if value in param.choice_values() else " / ".join(param.choice_values())
    if kind is ParamType.TIME:
        return None if isinstance(value, str) and _TIME.match(value) else "HH:MM"
    if kind is ParamType.DATE:
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return "YYYY-MM-DD"
        return None
    if kind is ParamType.WEEKDAYS:
        ok = isinstance(value, list) and all(isinstance(d, int) and 0 <= d <= 6 for d in value)
        return None if ok else "0(월)‥6(일)"
    if kind is ParamType.RULES:
        return None if isinstance(value, list) else "규칙 목록"
    return None if isinstance(value, str) else "글자"


def _rules(node: Node, param: ParamSpec, rules: list[Any]) -> list[Issue]:
    found = []
    for index, rule in enumerate(rules, start=1):
        reason = None
        if not isinstance(rule, Mapping):
            reason = "not a rule"
        elif rule.get("field") not in CONDITION_FIELDS:
            reason = f"unknown field {rule.get('field')}"
        elif rule.get("op", "eq") not in CONDITION_OPS:
            reason = f"unknown operator {rule.get('op')}"
        elif rule.get("op", "eq") not in {"is_true", "is_false"} and _empty(rule.get("value")):
            reason = "value missing"
        elif CONDITION_FIELDS[str(rule["field"])][2] in {"number", "won", "days"} \
                and rule.get("op", "eq") in {"gt", "gte", "lt", "lte"} and not _numeric(rule.get("value")):
            reason = "value must be a number"
        if reason:
            found.append(Issue(node.id, ERROR, "bad_rule", param.name, {"index": index, "reason": reason}))
    return found


def _numeric(value: Any) -> bool:
    try:
        float(str(value).replace(",", "").replace("원", ""))
    except ValueError:
        return False
    return True


def available_roots(journey: Journey, node_id: str) -> set[str]:
    """The variable roots a message at this node may use (customer, shop, order, cart, coupon …)."""
    return _available(journey, journey.node(node_id))


def _available(journey: Journey, node: Node) -> set[str]:
    """The variable roots a message at `node` can use, from what lies upstream of it.

    `journey.upstream_kinds` answers every node from one pass over the graph, so asking for each
    message node keeps validation linear in the size of the journey.
    """
    from engine.kinds import BY_KIND  # each kind's `provides` (engine/kinds/)

    roots = {"customer", "shop", "recommended"}
    kinds = journey.upstream_kinds(node.id)
    for name in kinds:
        kind = BY_KIND.get(name)
        if kind is not None:
            roots.update(kind.provides)
    if "trigger.date" in kinds and renews_consent(journey):
        roots.add("consent")
    return roots


def _path_without_coupon(journey: Journey, node: Node) -> list[str]:
    """A path from the trigger to `node` that passes no coupon node, as the nodes' names ([] when none):
    a message there reads `coupon.*` that no coupon node has issued. One breadth-first pass from the
    trigger(s) over the journey without its coupon nodes (asked only for messages that read a coupon)."""
    from engine.kinds import BY_KIND

    parents: dict[str, str | None] = {  # a trigger that hands a coupon in (a coupon about to expire) is one
        trigger.id: None for trigger in journey.triggers()
        if "coupon" not in getattr(BY_KIND.get(trigger.kind), "provides", ())}
    waiting = deque(parents)
    while waiting:
        current = waiting.popleft()
        for edge in journey.edges_from(current):
            target = edge.target
            if target in parents or journey.node(target).kind == "action.coupon":
                continue
            parents[target] = current
            waiting.append(target)
    if node.id not in parents:
        return []
    path: list[str] = []
    at: str | None = node.id
    while at is not None:
        step = journey.node(at)
        path.append(str(step.label or node_type(step.kind).label_ko) if at != node.id else "이 메시지")
        at = parents[at]
    return list(reversed(path))


def renews_consent(journey: Journey) -> bool:
    """Whether the journey is the consent re-confirmation (its trigger: the date trigger's consent_renewal)."""
    return any(trigger.kind == "trigger.date" and trigger.effective_params().get("date_kind") == CONSENT_DATE_KIND
               for trigger in journey.triggers())


def _templates(journey: Journey, node: Node, context: ValidationContext) -> list[Issue]:
    found: list[Issue] = []
    spec = node_type(node.kind)
    available = _available(journey, node)
    known = context.known_variables
    for param in spec.params:
        if param.type is not ParamType.TEMPLATE:
            continue
        text = node.param(param.name)
        if not isinstance(text, str) or not text:
            continue
        try:
            tree = _RENDERER.env.parse(text)
        except TemplateSyntaxError as exc:
            found.append(Issue(node.id, ERROR, "template_syntax", param.name,
                               {"label": param.label_ko, "line": exc.lineno, "reason": exc.message or ""}))
            continue
        for name in sorted(template_names(tree)):
            root = name.split(".", 1)[0]
            if known is not None:
                ok = name in known or root in known
            else:
                ok = (name in BY_NAME or name in ROOTS) and root in available
            if ok and root == "coupon" and known is None:
                path = _path_without_coupon(journey, node)
                if path:  # some path reaches this message without passing a coupon node: no coupon there
                    found.append(Issue(node.id, ERROR, "unknown_variable", param.name,
                                       {"label": param.label_ko, "name": name,
                                        "hint": " 쿠폰 발급 노드를 거치지 않고 이 메시지에 오는 길이 있습니다: "
                                                + " → ".join(path) + "."}))
                continue
            if not ok:
                hint = ""
                coupon_nodes = [n for n in journey.nodes.values() if n.kind == "action.coupon"]
                if root == "coupon" and coupon_nodes and root not in available:
                    hint = (f" 쿠폰 발급 노드({', '.join(n.id for n in coupon_nodes[:3])})가 이 메시지로 이어지지 "
                            "않습니다. 연결이 끊기지 않았는지 확인하세요.")
                elif name in BY_NAME and root not in available:
                    hint = {"coupon": " 앞에 쿠폰 발급 노드가 필요합니다.",
                            "order": " 주문 시작 조건에서만 쓸 수 있습니다.",
                            "cart": " 장바구니 시작 조건에서만 쓸 수 있습니다.",
                            "consent": " '수신 동의 2년 확인' 날짜 시작 조건에서만 쓸 수 있습니다.",
                            "tier": " '멤버십 등급 변경' 시작 조건에서만 쓸 수 있습니다.",
                            "points": " 앞에 적립금 지급 노드가 필요합니다."}.get(root, "")
                found.append(Issue(node.id, ERROR, "unknown_variable", param.name,
                                   {"label": param.label_ko, "name": name, "hint": hint}))
        for filt in tree.find_all(nodes.Filter):
            if filt.name not in _RENDERER.filter_names:
                found.append(Issue(node.id, ERROR, "unknown_filter", param.name,
                                   {"label": param.label_ko, "name": filt.name}))
        for kind, name in _UNSUPPORTED:
            if any(True for _ in tree.find_all(kind)):
                found.append(Issue(node.id, ERROR, "template_unsupported", param.name,
                                   {"label": param.label_ko, "name": name}))
        for private in _private_names(tree):
            found.append(Issue(node.id, ERROR, "unsafe_template", param.name,
                               {"label": param.label_ko, "name": private}))
    if not found:
        found += _trial_renders(node, available, context)
    return found


def _private_names(tree: nodes.Template) -> list[str]:
    """Attributes and keys a text reads that start with an underscore (Python's insides, never data)."""
    names = [getattr_node.attr for getattr_node in tree.find_all(nodes.Getattr) if getattr_node.attr.startswith("_")]
    for item in tree.find_all(nodes.Getitem):
        if isinstance(item.arg, nodes.Const) and isinstance(item.arg.value, str) and item.arg.value.startswith("_"):
            names.append(item.arg.value)
    for call in tree.find_all(nodes.Filter):
        if call.name == "attr":
            names.append("attr")
    return sorted(set(names))


def _trial_renders(node: Node, available: set[str], context: ValidationContext) -> list[Issue]:
    """Render the node's texts for each sample customer, as the runner would; the first failure is an error."""
    now = context.now or datetime.now(UTC)
    shop_settings = context.shop_settings
    try:
        zone = ZoneInfo(str(shop_settings.get("timezone") or "Asia/Seoul"))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Asia/Seoul")
    shop = ShopInfo(**{key: str(shop_settings.get(key) or "") for key in ("name", "contact", "optout_number",
                                                                           "email", "url")})
    channel = node.kind.split(".", 1)[1] if node.category == "message" else None
    spec = CHANNEL_SPECS.get(channel or "")
    if spec is not None and (node.param("is_ad") or spec.ad_only) and not spec.ad_ready(shop):
        # the missing shop details are an issue of their own (_ad_law); try the text with stand-ins
        shop = dataclasses.replace(shop, name=shop.name or "쇼핑몰", contact=shop.contact or "02-000-0000",
                                   optout_number=shop.optout_number or "080-000-0000")
    for sample in context.samples or default_samples(now):
        data = {key: value for key, value in sample.data.items() if key in available}
        variables = message_variables(dict(sample.customer), shop, data, zone)
        field = "body"
        try:
            if channel:
                compose(channel, node.effective_params(), variables, shop, _RENDERER)
            else:
                field = "text"
                _RENDERER.render(str(node.param("text") or ""), variables)
        except RenderError as exc:
            label = next((param.label_ko for param in node_type(node.kind).params if param.name == field), field)
            ko, en = RENDER_REASONS.get(exc.code, RENDER_REASONS["render_failed"])
            values = _Defaults({"detail": exc.params.get("reason", exc.code), **exc.params})
            return [Issue(node.id, ERROR, "render_failed", field,
                          {"label": label, "sample": sample.label, "sample_en": sample.label_en,
                           "code": exc.code, "why_ko": ko.format_map(values), "why_en": en.format_map(values)})]
    return []


def template_names(tree: nodes.Template) -> set[str]:
    """The variables a parsed template reads, as dotted names ("customer.first_name", or "customer")."""
    names: set[str] = set()
    inner: set[int] = set()
    local = {target.name for target in tree.find_all(nodes.Name) if target.ctx in {"store", "param"}}
    for getattr_node in tree.find_all(nodes.Getattr):
        if isinstance(getattr_node.node, nodes.Name):
            inner.add(id(getattr_node.node))
            if getattr_node.node.name not in local:
                names.add(f"{getattr_node.node.name}.{getattr_node.attr}")
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and id(name) not in inner and name.name not in local:
            names.add(name.name)
    return names


def _ad_law(node: Node, context: ValidationContext) -> list[Issue]:
    shop = context.shop_settings
    found = []
    if not str(shop.get("name") or "").strip() or not str(shop.get("contact") or "").strip():
        found.append(Issue(node.id, ERROR, "ad_shop_info", "is_ad"))
    spec = CHANNEL_SPECS.get(node.kind.split(".", 1)[1])
    if spec is not None and spec.needs_optout_number and not str(shop.get("optout_number") or "").strip():
        found.append(Issue(node.id, ERROR, "ad_optout_missing", "is_ad"))
    return found


def _ad_only(node: Node) -> bool:
    """Whether the node's channel carries ads only (a Kakao Brand Message)."""
    spec = CHANNEL_SPECS.get(node.kind.split(".", 1)[1])
    return spec is not None and spec.ad_only


def _alimtalk(journey: Journey, node: Node, context: ValidationContext) -> list[Issue]:
    """AlimTalk is informational only, and what goes out must read as the template Kakao approved: the body,
    rendered for each sample customer, against the pasted template text (each #{…} standing for any text)."""
    from engine.channels.kakao import alimtalk_mismatch

    if node.param("is_ad"):
        return [Issue(node.id, ERROR, "alimtalk_ad", "is_ad")]
    approved = str(node.param("template_text") or "")
    if not approved.strip() or not str(node.param("body") or "").strip():
        return []  # a missing field is an issue of its own
    available = _available(journey, node)
    now = context.now or datetime.now(UTC)
    try:
        zone = ZoneInfo(str(context.shop_settings.get("timezone") or "Asia/Seoul"))
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("Asia/Seoul")
    shop = ShopInfo(**{key: str(context.shop_settings.get(key) or "") for key in ("name", "contact", "optout_number",
                                                                                  "email", "url")})
    for sample in context.samples or default_samples(now):
        data = {key: value for key, value in sample.data.items() if key in available}
        variables = message_variables(dict(sample.customer), shop, data, zone)
        try:
            sent = compose("kakao", node.effective_params(), variables, shop, _RENDERER).body
        except RenderError:
            return []  # the render failure is reported by the trial renders
        where = alimtalk_mismatch(approved, sent)
        if where is not None:
            line, expected, actual = where
            return [Issue(node.id, ERROR, "alimtalk_mismatch", "body",
                          {"line": line, "expected": expected.replace("\n", "⏎"), "actual": actual.replace("\n", "⏎"),
                           "sample": sample.label, "sample_en": sample.label_en})]
    return []


_TEMPLATE_SYNTAX = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def _promotional(node: Node) -> list[Issue]:
    """An informational message whose words are promotional (쿠폰, 할인, %, 적립금, 이벤트 …) is an ad by law:
    it cannot be published until it is marked as one (then every ad rule applies). The template's own
    syntax (`{% if %}`, `{{ … }}`) is not read as text; what the owner wrote around it is."""
    params = node.effective_params()
    text = " ".join(_TEMPLATE_SYNTAX.sub(" ", str(params.get(key) or "")) for key in ("subject", "body"))
    words = looks_like_ad(text)
    if not words:
        return []
    return [Issue(node.id, ERROR, "promo_not_ad", "is_ad", {"words": ", ".join(words)})]


def codes(issues: Iterable[Issue]) -> set[str]:
    return {issue.code for issue in issues}

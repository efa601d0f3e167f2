"""The template gallery: journey files in `templates/journeys/` and drafts made from them.

A template's head says when to use it, what data it expects, and the few values an owner tunes
(`settings`): each names one node parameter (and maybe more that take the same value), with a unit
the owner thinks in (원, %, 일, 시간, 분) and a range. The form in the GUI and `journey create --set`
both read a value through `Template.parse_value`, so they accept and refuse the same things.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.journey import Journey, JourneyError
from engine.journey.registry import Choice, ParamType, node_type
from engine.journey_store import StoreError, new_id

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "journeys"

# unit → (Korean suffix, English suffix, minutes per unit for a duration parameter)
UNITS: dict[str, tuple[str, str, int]] = {
    "won": ("원", "won", 1),
    "percent": ("%", "%", 1),
    "days": ("일", "days", 24 * 60),
    "hours": ("시간", "hours", 60),
    "minutes": ("분", "minutes", 1),
    "count": ("", "", 1),
}
NUMBER_TYPES = frozenset({ParamType.INT, ParamType.WON, ParamType.PERCENT, ParamType.DURATION})
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class SettingValueError(StoreError):
    """A value an owner typed for a template setting that does not fit; `message_ko` is the form's line."""

    def __init__(self, message_ko: str, message_en: str) -> None:
        super().__init__("bad_setting", message_en)
        self.message_ko = message_ko


@dataclass(frozen=True)
class TemplateSetting:
    key: str
    node: str
    param: str
    label_ko: str
    label_en: str
    unit: str = ""  # one of UNITS; "" → from the parameter (a coupon's amount: its discount type)
    minimum: int | None = None  # in `unit`; None → the parameter's own range
    maximum: int | None = None
    help_ko: str = ""
    help_en: str = ""
    also: tuple[tuple[str, str], ...] = ()  # more (node, param) that take the same value
    rule: int | None = None  # set: the value of rule number `rule` (from 0) of the `rules` parameter
    choices: tuple[Choice, ...] = ()  # set: the owner picks one of these (a holiday's name, say)


@dataclass(frozen=True)
class SettingField:
    """What the form shows for one setting: the kind of input, its unit, range and default (in the unit)."""

    key: str
    label_ko: str
    label_en: str
    kind: str  # "number", "time", "choice", "text"
    unit: str
    minimum: int | None
    maximum: int | None
    default: Any
    choices: tuple[Choice, ...] = ()
    help_ko: str = ""
    help_en: str = ""
    param_type: str = ""  # the node parameter's ParamType ("category": the form offers the shop's categories)
    required: bool = False  # a text that may not be left empty

    def suffix(self, lang: str = "ko") -> str:
        ko, en, _ = UNITS.get(self.unit, ("", "", 1))
        return ko if lang == "ko" else en


@dataclass(frozen=True)
class Template:
    id: str
    title_ko: str
    title_en: str
    description_ko: str
    description_en: str
    category: str
    settings: tuple[TemplateSetting, ...]
    graph: dict[str, Any]
    when_ko: str = ""
    when_en: str = ""
    needs_ko: str = ""
    needs_en: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title_ko": self.title_ko, "title_en": self.title_en,
            "description_ko": self.description_ko, "description_en": self.description_en,
            "when_ko": self.when_ko, "when_en": self.when_en, "needs_ko": self.needs_ko, "needs_en": self.needs_en,
            "category": self.category, "nodes": len(self.graph.get("nodes", [])),
            "settings": [{"key": f.key, "label_ko": f.label_ko, "label_en": f.label_en, "kind": f.kind,
                          "unit": f.unit, "minimum": f.minimum, "maximum": f.maximum, "default": f.default}
                         for f in self.fields()],
        }

    # --- the settings an owner tunes ------------------------------------------------------------------

    def _node(self, node_id: str) -> dict[str, Any]:
        for node in self.graph.get("nodes", []):
            if node["id"] == node_id:
                return dict(node)
        raise KeyError(f"setting names node '{node_id}', which the journey does not have")

    def setting(self, key: str) -> TemplateSetting:
        for item in self.settings:
            if item.key == key:
                return item
        if self.settings:
            raise StoreError("bad_setting", f"template '{self.id}' has no setting '{key}'; it has: "
                             + ", ".join(s.key for s in self.settings))
        raise StoreError("bad_setting", f"template '{self.id}' has no settings")

    def field(self, setting: TemplateSetting) -> SettingField:
        node = self._node(setting.node)
        spec = node_type(node["kind"]).param(setting.param)
        if spec is None:
            raise KeyError(f"setting '{setting.key}': {node['kind']} has no parameter '{setting.param}'")
        params = node.get("params", {})
        if setting.rule is not None:  # a threshold inside a rule ("마지막 주문 후 지난 날 ≥ 45")
            rule = params.get(setting.param, [])[setting.rule]
            return SettingField(setting.key, setting.label_ko, setting.label_en, "number", setting.unit or "count",
                                setting.minimum, setting.maximum, rule.get("value"), (), setting.help_ko,
                                setting.help_en, ParamType.INT.value)
        current = params.get(setting.param, spec.default)
        choices = setting.choices or spec.choices
        kind = ("choice" if choices else "number" if spec.type in NUMBER_TYPES
                else "time" if spec.type == ParamType.TIME else "text")
        unit = setting.unit
        if not unit and kind == "number":
            if node["kind"] == "action.coupon" and setting.param == "amount":
                unit = "percent" if params.get("discount_type") == "percent" else "won"
            else:
                unit = {ParamType.WON: "won", ParamType.PERCENT: "percent",
                        ParamType.DURATION: "minutes"}.get(spec.type, "count")
        factor = UNITS[unit][2] if spec.type == ParamType.DURATION else 1
        minimum, maximum = setting.minimum, setting.maximum
        if minimum is None and spec.minimum is not None:
            minimum = math.ceil(spec.minimum / factor)
        if maximum is None and spec.maximum is not None:
            maximum = int(spec.maximum // factor)
        if unit == "percent":
            minimum = max(minimum if minimum is not None else 0, 0)
            maximum = min(maximum if maximum is not None else 100, 100)
        default = current
        if kind == "number" and factor != 1 and isinstance(current, int):
            default = current // factor
        return SettingField(setting.key, setting.label_ko, setting.label_en, kind, unit if kind == "number" else "",
                            minimum if kind == "number" else None, maximum if kind == "number" else None, default,
                            choices, setting.help_ko, setting.help_en, spec.type.value, spec.required)

    def fields(self) -> list[SettingField]:
        return [self.field(item) for item in self.settings]

    def default(self, setting: TemplateSetting) -> Any:
        """A setting's default, in its unit (a 7-day wait: 7)."""
        return self.field(setting).default

    def parse_value(self, key: str, raw: Any) -> Any:
        """An owner's value for a setting, in its unit, checked against its type and range; a bad one raises
        SettingValueError with a Korean and an English line."""
        item = self.field(self.setting(key))
        label_ko = item.label_ko
        text = str(raw).strip()
        if item.kind == "number":
            if isinstance(raw, bool):
                raise SettingValueError(f"'{label_ko}'에는 숫자를 넣으세요.", f"{key} needs a whole number")
            cleaned = text.replace(",", "").replace(" ", "")
            for ko, en, _ in UNITS.values():
                for suffix in (ko, en):
                    if suffix and cleaned.endswith(suffix):
                        cleaned = cleaned[: -len(suffix)]
            try:
                value = int(cleaned)
            except ValueError:
                raise SettingValueError(f"'{label_ko}'에는 숫자를 넣으세요 (지금 '{text}').",
                                        f"{key} needs a whole number, got '{text}'") from None
            ko, en, _ = UNITS.get(item.unit, ("", "", 1))
            low, high = item.minimum, item.maximum
            if (low is not None and value < low) or (high is not None and value > high):
                span_ko = f"{low if low is not None else ''}~{high if high is not None else ''}{ko}"
                span_en = f"{low if low is not None else ''}..{high if high is not None else ''} {en}".rstrip()
                raise SettingValueError(f"'{label_ko}'은(는) {span_ko} 사이로 넣으세요 (지금 {value:,}{ko}).",
                                        f"{key} must be within {span_en}, got {value}")
            return value
        if item.kind == "time":
            match = _TIME.match(text)
            if not match:
                raise SettingValueError(f"'{label_ko}'에는 시각을 09:30처럼 넣으세요 (지금 '{text}').",
                                        f"{key} needs a time like 09:30, got '{text}'")
            return f"{int(match.group(1)):02d}:{match.group(2)}"
        if item.kind == "choice":
            values = {choice.value for choice in item.choices}
            labels = {choice.label_ko: choice.value for choice in item.choices}
            if text in values:
                return text
            if text in labels:
                return labels[text]
            raise SettingValueError(f"'{label_ko}'은(는) 다음 중 하나로 고르세요: "
                                    + ", ".join(c.label_ko for c in item.choices),
                                    f"{key} must be one of: " + ", ".join(sorted(values)))
        if not text and item.required:
            raise SettingValueError(f"'{label_ko}'을(를) 채우세요.", f"{key} cannot be empty")
        return text

    def param_value(self, setting: TemplateSetting, value: Any) -> Any:
        """A parsed setting value as the node parameter stores it (days → minutes for a duration)."""
        node = self._node(setting.node)
        spec = node_type(node["kind"]).param(setting.param)
        item = self.field(setting)
        if setting.rule is None and spec is not None and spec.type == ParamType.DURATION and isinstance(value, int):
            return value * UNITS[item.unit][2]
        return value


def _setting(raw: dict[str, Any]) -> TemplateSetting:
    def number(name: str) -> int | None:
        value = raw.get(name)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"setting '{raw.get('key')}': {name} must be a whole number")
        return value

    unit = str(raw.get("unit", ""))
    if unit and unit not in UNITS:
        raise ValueError(f"setting '{raw.get('key')}': unknown unit '{unit}' (known: {', '.join(UNITS)})")
    also = tuple((str(pair["node"]), str(pair["param"])) for pair in raw.get("also", []))
    choices = tuple(Choice(str(c["value"]), str(c["label_ko"]), str(c["label_en"])) for c in raw.get("choices", []))
    return TemplateSetting(str(raw["key"]), str(raw["node"]), str(raw["param"]), str(raw["label_ko"]),
                           str(raw["label_en"]), unit, number("min"), number("max"), str(raw.get("help_ko", "")),
                           str(raw.get("help_en", "")), also, number("rule"), choices)


def load_template(path: Path) -> Template:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        head = data["template"]
        graph = data["journey"]
        Journey.from_dict(graph)  # a template must itself be a loadable journey
        item = Template(
            id=str(head["id"]), title_ko=str(head["title_ko"]), title_en=str(head["title_en"]),
            description_ko=str(head.get("description_ko", "")), description_en=str(head.get("description_en", "")),
            category=str(head.get("category", "")),
            settings=tuple(_setting(s) for s in head.get("settings", [])),
            graph=graph,
            when_ko=str(head.get("when_ko", "")), when_en=str(head.get("when_en", "")),
            needs_ko=str(head.get("needs_ko", "")), needs_en=str(head.get("needs_en", "")),
        )
        keys = [s.key for s in item.settings]
        if len(set(keys)) != len(keys):
            raise ValueError("two settings share a key")
        for setting in item.settings:
            item.field(setting)  # names a node and parameter the journey has
            for node_id, param in setting.also:
                if node_type(item._node(node_id)["kind"]).param(param) is None:
                    raise KeyError(f"setting '{setting.key}': node '{node_id}' has no parameter '{param}'")
        return item
    except (OSError, ValueError, KeyError, IndexError, TypeError, JourneyError) as exc:
        raise StoreError("bad_template", f"{path.name}: not a usable template ({exc})") from None


def templates(folder: Path = TEMPLATES_DIR) -> list[Template]:
    return [load_template(path) for path in sorted(folder.glob("*.json"))]


def template(template_id: str, folder: Path = TEMPLATES_DIR) -> Template:
    for item in templates(folder):
        if item.id == template_id:
            return item
    known = ", ".join(item.id for item in templates(folder))
    raise StoreError("not_found", f"no template '{template_id}'; known: {known}")


def instantiate(item: Template, *, name: str | None = None, values: dict[str, Any] | None = None) -> Journey:
    """A new draft journey from a template, with a fresh id and the owner's values filled in (each read by
    `Template.parse_value`: the same rules as the form)."""
    graph = json.loads(json.dumps(item.graph))
    graph["id"] = new_id()
    if name:
        graph["name"] = name
    nodes = {node["id"]: node for node in graph["nodes"]}
    for key, raw in (values or {}).items():
        setting = item.setting(key)
        value = item.param_value(setting, item.parse_value(key, raw))
        if setting.rule is not None:
            nodes[setting.node]["params"][setting.param][setting.rule]["value"] = value
            continue
        for node_id, param in ((setting.node, setting.param), *setting.also):
            nodes[node_id].setdefault("params", {})[param] = value
    return Journey.from_dict(graph)

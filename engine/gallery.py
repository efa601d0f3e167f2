"""The template gallery: journey files in `templates/journeys/` and drafts made from them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.journey import Journey, JourneyError
from engine.journey_store import StoreError, new_id

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates" / "journeys"


@dataclass(frozen=True)
class TemplateSetting:
    key: str
    node: str
    param: str
    label_ko: str
    label_en: str


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

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "title_ko": self.title_ko, "title_en": self.title_en,
            "description_ko": self.description_ko, "description_en": self.description_en,
            "category": self.category, "nodes": len(self.graph.get("nodes", [])),
            "settings": [{"key": s.key, "label_ko": s.label_ko, "label_en": s.label_en,
                          "default": self.default(s)} for s in self.settings],
        }

    def default(self, setting: TemplateSetting) -> Any:
        for node in self.graph.get("nodes", []):
            if node["id"] == setting.node:
                return node.get("params", {}).get(setting.param)
        return None


def load_template(path: Path) -> Template:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        head = data["template"]
        graph = data["journey"]
        Journey.from_dict(graph)  # a template must itself be a loadable journey
        return Template(
            id=str(head["id"]), title_ko=str(head["title_ko"]), title_en=str(head["title_en"]),
            description_ko=str(head.get("description_ko", "")), description_en=str(head.get("description_en", "")),
            category=str(head.get("category", "")),
            settings=tuple(TemplateSetting(str(s["key"]), str(s["node"]), str(s["param"]), str(s["label_ko"]),
                                           str(s["label_en"])) for s in head.get("settings", [])),
            graph=graph,
        )
    except (OSError, ValueError, KeyError, TypeError, JourneyError) as exc:
        raise StoreError("bad_template", f"{path.name}: not a usable template ({exc})") from None


def templates(folder: Path = TEMPLATES_DIR) -> list[Template]:
    return [load_template(path) for path in sorted(folder.glob("*.json"))]


def template(template_id: str, folder: Path = TEMPLATES_DIR) -> Template:
    for item in templates(folder):
        if item.id == template_id:
            return item
    known = ", ".join(item.id for item in templates(folder))
    raise StoreError("not_found", f"no template '{template_id}'; known: {known}")


def instantiate(item: Template, *, name: str | None = None, values: dict[str, str] | None = None) -> Journey:
    """A new draft journey from a template, with a fresh id and the owner's values filled in."""
    graph = json.loads(json.dumps(item.graph))
    graph["id"] = new_id()
    if name:
        graph["name"] = name
    settings = {s.key: s for s in item.settings}
    for key, raw in (values or {}).items():
        if key not in settings:
            raise StoreError("bad_setting", f"template '{item.id}' has no setting '{key}'; it has: "
                             + ", ".join(settings) if settings else f"template '{item.id}' has no settings")
        target = settings[key]
        node = next(n for n in graph["nodes"] if n["id"] == target.node)
        current = node["params"].get(target.param)
        node["params"][target.param] = _coerce(raw, current, key)
    return Journey.from_dict(graph)


def _coerce(raw: str, current: Any, key: str) -> Any:
    if isinstance(current, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int):
        try:
            return int(raw.replace(",", "").replace("원", "").replace("%", "").strip())
        except ValueError:
            raise StoreError("bad_setting", f"{key} needs a whole number, got '{raw}'") from None
    return raw

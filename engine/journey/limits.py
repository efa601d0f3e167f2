"""How big a journey may be, wherever it comes from (a file, the clipboard, the database, the editor).

An owner's journey has tens of nodes and messages of a few hundred characters; the limits sit far
above that and far below what makes the app slow (see docs/decisions.md, "Journey size limits").
A breach raises JourneyError with one of the codes below; `describe()` turns it into one sentence
that says the limit and what to do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from engine.journey.errors import JourneyError

LIMIT_CODES = frozenset({"file_too_large", "too_many_nodes", "too_many_edges", "text_too_long", "too_deep"})


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 5_000_000  # a journey file or a clipboard text, in UTF-8 bytes
    nodes: int = 500
    edges: int = 1_500  # an output port feeds one edge at most and no kind has more than three outputs
    name_chars: int = 200  # the journey's name, a node's label, an id
    text_chars: int = 5_000  # any text value: a message template, a parameter, a setting
    depth: int = 12  # JSON nesting of a whole journey document (a full journey needs 7)


LIMITS = Limits()

# where a parameter value sits in a journey document: document → nodes → node → params → value
PARAM_DEPTH = 4


def check_document(data: Mapping[str, Any], limits: Limits = LIMITS) -> None:
    """Refuse a journey document (or clipboard fragment) over a limit, before anything is built from it.

    One walk over the document; a refusal names the node and parameter it found too big.
    """
    nodes, edges = data.get("nodes"), data.get("edges")
    if isinstance(nodes, list) and len(nodes) > limits.nodes:
        raise JourneyError("too_many_nodes", count=len(nodes), limit=limits.nodes)
    if isinstance(edges, list) and len(edges) > limits.edges:
        raise JourneyError("too_many_edges", count=len(edges), limit=limits.edges)
    check_name(data.get("name"), "the name", limits)
    check_name(data.get("id"), "the id", limits)
    for key, value in data.items():
        check_name(key, "a key", limits)
        if key in {"nodes", "edges"} and isinstance(value, list):
            for raw in value:
                _check_item(raw, key[:-1], limits)
        else:
            check_value(value, str(key), limits, 1)


def _check_item(raw: Any, what: str, limits: Limits) -> None:
    if not isinstance(raw, Mapping):
        check_value(raw, what, limits, 2)
        return
    item_id = raw.get("id")
    check_name(item_id, f"a {what} id", limits)
    where = f"{what} {item_id}" if isinstance(item_id, str) else what
    for key, value in raw.items():
        check_name(key, f"{where}: a key", limits)
        if isinstance(value, str) and key != "params":
            check_name(value, f"{where}: {key}", limits)  # ids, kind, ports and label are names
        elif key == "params" and isinstance(value, Mapping):
            for name, param in value.items():
                check_name(name, f"{where}: a parameter name", limits)
                check_value(param, f"{where}: {name}", limits, PARAM_DEPTH)
        else:
            check_value(value, f"{where}: {key}", limits, 3)


def check_name(value: Any, where: str, limits: Limits = LIMITS) -> None:
    if isinstance(value, str) and len(value) > limits.name_chars:
        raise JourneyError("text_too_long", where=where, length=len(value), limit=limits.name_chars)


def check_value(value: Any, where: str, limits: Limits = LIMITS, depth: int = 0) -> None:
    """Refuse text over the size limit and nesting over the depth limit anywhere in `value` (no recursion)."""
    stack: list[tuple[Any, int]] = [(value, depth)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, str):
            if len(item) > limits.text_chars:
                raise JourneyError("text_too_long", where=where, length=len(item), limit=limits.text_chars)
            continue
        if isinstance(item, Mapping | list | tuple):
            if level >= limits.depth:
                raise JourneyError("too_deep", where=where, limit=limits.depth)
            children = list(item.keys()) + list(item.values()) if isinstance(item, Mapping) else item
            stack.extend((child, level + 1) for child in children)


def loads(text: str, limits: Limits = LIMITS) -> Any:
    """Parse a journey file's or the clipboard's JSON text within the size limit.

    Raises JourneyError for a limit; json.JSONDecodeError (a ValueError) for text that is not JSON.
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.file_bytes:
        raise JourneyError("file_too_large", size=size, limit=limits.file_bytes)
    try:
        data = json.loads(text)
    except RecursionError:  # "[[[[…" nested deeper than Python's parser goes
        raise JourneyError("too_deep", where="journey", limit=limits.depth) from None
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise
        raise JourneyError("bad_format", reason="a number with too many digits") from None  # int digit limit
    return data  # what it holds is checked by Journey.from_dict / paste (check_document)


_TEXTS: dict[str, tuple[str, str]] = {
    "file_too_large": ("여정 파일이 너무 큽니다 ({size:,}바이트, 최대 {limit:,}바이트). 여정을 여러 개로 나누세요.",
                       "too large for a journey ({size:,} bytes; the limit is {limit:,}): split it into smaller "
                       "journeys"),
    "too_many_nodes": ("노드가 너무 많습니다 ({count:,}개, 최대 {limit:,}개). 여정을 여러 개로 나누세요.",
                       "too many nodes ({count:,}; a journey may have {limit:,}): split it into smaller journeys"),
    "too_many_edges": ("연결이 너무 많습니다 ({count:,}개, 최대 {limit:,}개). 여정을 여러 개로 나누세요.",
                       "too many links ({count:,}; a journey may have {limit:,}): split it into smaller journeys"),
    "text_too_long": ("{where} 글자가 너무 깁니다 ({length:,}자, 최대 {limit:,}자). 줄이세요.",
                      "{where} is too long ({length:,} characters; the limit is {limit:,}): shorten it"),
    "too_deep": ("{where} 안의 값이 너무 깊게 겹쳐 있습니다 (최대 {limit}단계). 파일을 고치세요.",
                 "{where} nests values too deeply (the limit is {limit} levels): this is not a journey the app "
                 "wrote; fix the file"),
}


def describe(exc: JourneyError, lang: str = "en") -> str:
    """One sentence for a limit breach: which limit, and what to do."""
    ko, en = _TEXTS.get(exc.code, (str(exc), str(exc)))
    try:
        return (ko if lang == "ko" else en).format(**exc.params)
    except (KeyError, ValueError):
        return str(exc)

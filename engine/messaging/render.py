"""Rendering message texts: Jinja2 in a bounded sandbox, with strict undefined variables and Korean filters.

Filters: `won` (12,345원), `date` (2026년 3월 2일), `josa` (을/를, 이/가, 은/는, 과/와, 으로/로 chosen by the
last syllable), `first_name` (민지 from 김민지), and a short list of Jinja's own (SAFE_BUILTIN_FILTERS).
An unknown variable is an error, never an empty gap.

A render is bounded (`Limits`): no text, list or number it builds may grow past a size, loops and calls share
a budget of steps, and the whole render has a deadline. One owner's typo or `{{ 'x' * 10**9 }}` therefore
fails that one message in milliseconds instead of hanging the runner or eating the PC's memory.
"""

from __future__ import annotations

import math
import re
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, nodes
from jinja2.runtime import Context, new_context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.visitor import NodeTransformer

from engine.money import won

COMPOUND_SURNAMES = ("남궁", "황보", "제갈", "선우", "독고", "사공", "서문", "동방", "어금", "망절")
CACHE_SIZE = 512


class RenderError(Exception):
    """A message text that cannot be rendered; `code` is stable, `params` say where."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        detail = ", ".join(f"{k}={v}" for k, v in params.items())
        super().__init__(f"{code}: {detail}" if detail else code)


def _is_hangul(text: str) -> bool:
    return bool(text) and all("가" <= ch <= "힣" for ch in text)


@lru_cache(maxsize=1 << 14)
def first_name(name: str | None) -> str:
    """The given name a Korean message greets with: 김민지 → 민지, 남궁민수 → 민수; others: the first word."""
    text = (name or "").strip()
    if not text:
        return ""
    if _is_hangul(text):
        if len(text) == 4 and text[:2] in COMPOUND_SURNAMES:
            return text[2:]
        if len(text) in (3, 4):
            return text[1:]
        return text  # a two-syllable name is said whole
    return text.split()[0]


# a measure after a number, as it is read: 200ml (밀리리터), 500g (그램), 30cm (센티미터)
_UNIT = re.compile(r"\d\s*(ml|l|kg|mg|g|km|cm|mm|m|oz)$", re.IGNORECASE)
_UNIT_SOUND = {"ml": "터", "l": "터", "kg": "램", "mg": "램", "g": "램", "km": "터", "cm": "터", "mm": "터", "m": "터",
               "oz": "스"}


def _last_sound(word: str) -> str:
    """The syllable the particle follows: brackets and quotes at the end are not read ("토너 (200ml)")."""
    text = word.rstrip().rstrip(")]}\"'」』”’").rstrip()
    unit = _UNIT.search(text)
    if unit:
        return _UNIT_SOUND[unit.group(1).lower()]
    return text[-1:]


def has_batchim(word: str) -> bool | None:
    """Whether the last syllable ends in a consonant (None when it is not Hangul, a digit, % or a measure)."""
    last = _last_sound(word or "")
    if not last:
        return None
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    if last.isdigit():
        return last in "013678"  # 영, 일, 삼, 육, 칠, 팔 end in a consonant
    if last == "%":
        return False  # 퍼센트
    return None


def _rieul(word: str) -> bool:
    """Whether the last syllable ends in ㄹ (which takes 로, not 으로): 실, 일 (1), 칠 (7), 팔 (8)."""
    last = _last_sound(word)
    return bool(last) and (("가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 == 8) or last in "178")


def josa(word: Any, pair: str = "을/를") -> str:
    """word + the right particle: josa("민지", "이/가") → "민지가"; unknown endings get "을(를)"."""
    text = str(word)
    first, _, second = pair.partition("/")
    if not second:
        return text + first
    batchim = has_batchim(text)
    if pair in {"으로/로", "로/으로"}:
        if batchim is None:
            return f"{text}(으)로"
        return text + ("로" if not batchim or _rieul(text) else "으로")
    with_consonant, without = (first, second) if first in {"을", "이", "은", "과", "아", "이에요"} else (second, first)
    if batchim is None:
        return f"{text}{with_consonant}({without})"
    return text + (with_consonant if batchim else without)


def format_date(value: Any, style: str = "long") -> str:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime | date):
        if style == "short":
            return f"{value.month}/{value.day}"
        return f"{value.year}년 {value.month}월 {value.day}일"
    return str(value)


@dataclass(frozen=True)
class Limits:
    """How far one render may go. A real message text stays far below each (a long email is ~10,000
    characters and loops over a handful of order items); a text past one fails with `too_big`/`too_slow`."""

    max_chars: int = 200_000  # any text, list or output built while rendering
    max_steps: int = 20_000  # loop turns and calls, together
    max_seconds: float = 0.5  # wall time of one render
    max_number_digits: int = 60  # numbers computed in a template (10**60 is more won than exists)


LIMITS = Limits()

# Jinja's own filters a message text may use: each keeps its output within the size of its input
# (`replace` and `join` are checked before they run). Others (center, indent, wordwrap, format, batch,
# attr, map, random …) are not offered: they can build huge texts, reach attributes or differ per run.
SAFE_BUILTIN_FILTERS = frozenset({
    "abs", "capitalize", "count", "d", "default", "first", "float", "int", "join", "last", "length",
    "list", "lower", "max", "min", "replace", "reverse", "round", "sort", "string", "sum", "title", "trim",
    "truncate", "unique", "upper", "wordcount",
})
# methods of a text a template may call ({{ customer.name.strip() }}); none of them can grow it
SAFE_STR_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "isalnum", "isalpha", "isdigit", "isnumeric",
    "isspace", "lower", "lstrip", "removeprefix", "removesuffix", "rfind", "rsplit", "rstrip", "split",
    "splitlines", "startswith", "strip", "swapcase", "title", "upper",
})
_INTERNAL_FILTERS = ("_bounded_iter", "_bounded_concat")
_FORMAT_WIDTH = re.compile(r"%[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?")


class _Budget:
    """The steps and deadline of one render (a context variable: renders in two threads never share it)."""

    __slots__ = ("deadline", "limits", "steps")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.steps = 0
        self.deadline = time.perf_counter() + limits.max_seconds

    def tick(self, count: int = 1) -> None:
        self.steps += count
        if self.steps > self.limits.max_steps:
            raise RenderError("too_slow", reason=f"more than {self.limits.max_steps:,} loop turns or calls")
        if self.steps & 63 == 0 and time.perf_counter() > self.deadline:
            raise RenderError("too_slow", reason=f"longer than {self.limits.max_seconds:g} s")


_BUDGET: ContextVar[_Budget | None] = ContextVar("render_budget", default=None)


def _budget() -> _Budget:
    budget = _BUDGET.get()
    if budget is None:  # a template evaluated outside Renderer.render (constant folding while compiling)
        budget = _Budget(LIMITS)
        _BUDGET.set(budget)
    return budget


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else 0


def _too_big(size: int) -> None:
    limit = _budget().limits.max_chars
    if size > limit:
        raise RenderError("too_big", reason=f"would build {size:,} characters or items (at most {limit:,})")


def _bounded_iter(value: Any) -> Iterator[Any]:
    """What a {% for %} loop walks: each turn takes a step of the render's budget."""
    budget = _budget()
    for item in value:
        budget.tick()
        yield item


def _bounded_concat(values: list[Any]) -> str:
    """`a ~ b ~ c`, refused before it is built when the result would be too long."""
    parts = [str(value) for value in values]
    _too_big(sum(len(part) for part in parts))
    return "".join(parts)


def _checked_replace(value: Any, old: str, new: str, count: int | None = None) -> str:
    text = str(value)
    old, new = str(old), str(new)
    times = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        times = min(times, int(count))
    _too_big(len(text) + times * max(0, len(new) - len(old)))
    return text.replace(old, new, -1 if count is None else int(count))


def _checked_join(value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    if attribute is not None:
        raise RenderError("unsafe_template", reason="join(attribute=…) is not offered")
    items = [str(item) for item in value]
    _too_big(sum(len(item) for item in items) + max(0, len(items) - 1) * len(str(d)))
    return str(d).join(items)


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with every operation that can grow a value or loop checked first."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def getattr(self, obj: Any, attribute: str) -> Any:
        # a variable's key before a method of the same name: {{ order.items }} is the order's items,
        # not dict.items
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    _too_big(len(seq) * max(0, times))
        elif operator == "+":
            _too_big(_size(left) + _size(right))
        elif operator == "**" and isinstance(left, int | float) and isinstance(right, int | float):
            magnitude = abs(float(right)) * math.log10(max(abs(float(left)), 1.0))
            if magnitude > _budget().limits.max_number_digits:
                raise RenderError("too_big", reason=f"{left} ** {right} is too large a number")
        elif operator == "%" and isinstance(left, str):
            for width, precision in _FORMAT_WIDTH.findall(left):
                for number in (width, precision):
                    if number == "*" or (number and int(number) > 1000):
                        raise RenderError("too_big", reason="a % format with a huge width")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, int) and not isinstance(result, bool) and result.bit_length() > 200:
            raise RenderError("too_big", reason="the number computed is too large")
        return result

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _budget().tick()
        owner = getattr(getattr(__obj, "__wrapped__", __obj), "__self__", None)
        if isinstance(owner, str):
            name = getattr(__obj, "__name__", "")
            if name not in SAFE_STR_METHODS:
                raise RenderError("unsafe_template", reason=f"the text method '{name}' is not offered")
        return super().call(__context, __obj, *args, **kwargs)


class _Bounded(NodeTransformer):
    """The parsed template with each loop and each `~` routed through a checked filter."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Filter(node.iter, "_bounded_iter", [], [], None, None, lineno=node.lineno)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Filter(nodes.List(list(node.nodes), lineno=node.lineno), "_bounded_concat", [], [], None, None,
                            lineno=node.lineno)


class Renderer:
    """Renders message texts; compiled templates are cached, so one runner compiles each text once."""

    def __init__(self, limits: Limits = LIMITS) -> None:
        self.limits = limits
        # immutable: a template can read the variables but never change them (they are shared between
        # the messages of a pass: one customer's and the shop's)
        self.env = _BoundedSandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
        builtin = {name: self.env.filters[name] for name in SAFE_BUILTIN_FILTERS}
        self.env.filters.clear()
        self.env.filters.update(builtin)
        self.env.filters.update({"won": won, "date": format_date, "josa": josa, "first_name": first_name,
                                 "replace": _checked_replace, "join": _checked_join,
                                 "_bounded_iter": _bounded_iter, "_bounded_concat": _bounded_concat})
        self.env.globals.clear()
        self._cache: OrderedDict[str, Template] = OrderedDict()

    @property
    def filter_names(self) -> frozenset[str]:
        """The filters a message text may name."""
        return frozenset(name for name in self.env.filters if name not in _INTERNAL_FILTERS)

    def compile(self, text: str) -> Template:
        template = self._cache.get(text)
        if template is not None:
            self._cache.move_to_end(text)
            return template
        token = _BUDGET.set(_Budget(self.limits))  # compiling folds constants: bounded like a render
        try:
            template = self.env.from_string(_Bounded().visit(self.env.parse(text)))
        except TemplateSyntaxError as exc:
            raise RenderError("template_syntax", line=exc.lineno, reason=exc.message or "") from None
        except RenderError:
            raise
        except Exception as exc:  # a constant expression that fails (1 / 0) while compiling
            raise RenderError("render_failed", reason=f"{type(exc).__name__}: {exc}") from None
        finally:
            _BUDGET.reset(token)
        self._cache[text] = template
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return template

    def render(self, text: str, variables: dict[str, Any]) -> str:
        if "{" not in text:
            return text  # plain text: nothing to render
        template = self.compile(text)
        token = _BUDGET.set(budget := _Budget(self.limits))
        try:
            # the variables as the template's whole namespace (shared): Template.render would first copy
            # them next to Jinja's globals (range, lipsum, …), which a message text has no use for; and no
            # globals at all (Template.new_context would list them into a set for every message)
            context = new_context(self.env, template.name, template.blocks, variables, shared=True)
            parts: list[str] = []
            size = 0
            for part in template.root_render_func(context):
                size += len(part)
                if size > self.limits.max_chars:
                    raise RenderError("too_big", reason=f"the text is longer than {self.limits.max_chars:,} characters")
                parts.append(part)
                budget.tick(0)
            if time.perf_counter() > budget.deadline:
                raise RenderError("too_slow", reason=f"longer than {self.limits.max_seconds:g} s")
            return "".join(parts).strip()
        except RenderError:
            raise
        except UndefinedError as exc:
            raise RenderError("unknown_variable", reason=str(exc.message or exc)) from None
        except SecurityError as exc:
            raise RenderError("unsafe_template", reason=str(exc)) from None
        except RecursionError:
            raise RenderError("too_slow", reason="calls itself too deeply") from None
        except MemoryError:
            raise RenderError("too_big", reason="out of memory") from None
        except Exception as exc:  # a filter given the wrong kind of value, division by zero, and the like
            raise RenderError("render_failed", reason=f"{type(exc).__name__}: {exc}") from None
        finally:
            _BUDGET.reset(token)

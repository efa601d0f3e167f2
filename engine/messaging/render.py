"""Rendering message texts: Jinja2 in a sandbox, with strict undefined variables and Korean filters.

Filters: `won` (12,345원), `date` (2026년 3월 2일), `josa` (을/를, 이/가, 은/는, 과/와, 으로/로 chosen by the
last syllable), `first_name` (민지 from 김민지). An unknown variable is an error, never an empty gap.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError
from jinja2.runtime import new_context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import concat

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


def has_batchim(word: str) -> bool | None:
    """Whether the last syllable ends in a consonant (None when it is not Hangul or a digit)."""
    if not word:
        return None
    last = word.rstrip()[-1:]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28 != 0
    if last.isdigit():
        return last in "013678"  # 영, 일, 삼, 육, 칠, 팔 end in a consonant
    return None


def _rieul(word: str) -> bool:
    last = word.rstrip()[-1:]
    return bool(last) and "가" <= last <= "힣" and (ord(last) - 0xAC00) % 28 == 8


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


class Renderer:
    """Renders message texts; compiled templates are cached, so one runner compiles each text once."""

    def __init__(self) -> None:
        # immutable: a template can read the variables but never change them (they are shared between
        # the messages of a pass: one customer's and the shop's)
        self.env = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False,
                                                 keep_trailing_newline=False)
        self.env.filters.update({"won": won, "date": format_date, "josa": josa, "first_name": first_name})
        self._cache: OrderedDict[str, Template] = OrderedDict()

    def compile(self, text: str) -> Template:
        template = self._cache.get(text)
        if template is not None:
            self._cache.move_to_end(text)
            return template
        try:
            template = self.env.from_string(text)
        except TemplateSyntaxError as exc:
            raise RenderError("template_syntax", line=exc.lineno, reason=exc.message or "") from None
        self._cache[text] = template
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return template

    def render(self, text: str, variables: dict[str, Any]) -> str:
        if "{" not in text:
            return text  # plain text: nothing to render
        template = self.compile(text)
        try:
            # the variables as the template's whole namespace (shared): Template.render would first copy
            # them next to Jinja's globals (range, lipsum, …), which a message text has no use for; and no
            # globals at all (Template.new_context would list them into a set for every message)
            context = new_context(self.env, template.name, template.blocks, variables, shared=True)
            return concat(template.root_render_func(context)).strip()
        except UndefinedError as exc:
            raise RenderError("unknown_variable", reason=str(exc.message or exc)) from None
        except SecurityError as exc:
            raise RenderError("unsafe_template", reason=str(exc)) from None
        except Exception as exc:  # a filter given the wrong kind of value, and the like
            raise RenderError("render_failed", reason=f"{type(exc).__name__}: {exc}") from None

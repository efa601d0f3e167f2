"""Shop API connectors (engine/sync/api/base.Connector), one module per platform, registered here.

Adding a platform: a module with a `Connector` subclass (fields, check, pull) and one line in `_REGISTRY`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from engine.sync.api.http import SyncError

if TYPE_CHECKING:
    from engine.sync.api.base import Connector

# name -> (module, class); the order is the order the GUI lists them
_REGISTRY: dict[str, tuple[str, str]] = {
    "cafe24": ("engine.sync.api.cafe24", "Cafe24"),
    "shopify": ("engine.sync.api.shopify", "Shopify"),
    "woocommerce": ("engine.sync.api.woocommerce", "WooCommerce"),
    "smartstore": ("engine.sync.api.naver", "Naver"),
}


def connector_names() -> tuple[str, ...]:
    return tuple(_REGISTRY)


def connector_class(name: str) -> type[Connector]:
    try:
        module, cls = _REGISTRY[name]
    except KeyError:
        raise SyncError("unknown_source", f"no shop API called '{name}'; known: {', '.join(_REGISTRY)}",
                        f"'{name}'(이)라는 쇼핑몰 연결은 없습니다. 가능한 것: {', '.join(_REGISTRY)}") from None
    found: type[Connector] = getattr(import_module(module), cls)
    return found


__all__ = ["SyncError", "connector_class", "connector_names"]

"""The demo shop: a deterministic synthetic Korean online shop (see engine/demo/generator.py)."""

from engine.demo.generator import DemoError, DemoSummary, create_demo_shop

__all__ = ["DemoError", "DemoSummary", "create_demo_shop"]

"""The runtime tests' demo shop (one per session, copied for each test) for the reliability tests too."""

from tests.runtime.conftest import demo_template, shop

__all__ = ["demo_template", "shop"]

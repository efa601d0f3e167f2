"""The runtime tests' demo shop for the API sync tests too."""

from tests.runtime.conftest import demo_template, shop

__all__ = ["demo_template", "shop"]

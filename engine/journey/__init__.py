"""The journey model: pure Python, shared by the editor, the store and the runner (no Qt, no database)."""

from engine.journey.errors import JourneyError
from engine.journey.layout import apply_layout, layout_positions
from engine.journey.model import DEFAULT_SETTINGS, REENTRY, SCHEMA_VERSION, Edge, Journey, Node, mint_id
from engine.journey.registry import (
    CATEGORIES,
    REGISTRY,
    NodeType,
    ParamSpec,
    ParamType,
    PortSpec,
    default_params,
    node_type,
    summarize,
)
from engine.journey.validate import ERROR, MESSAGES, WARNING, Issue, ValidationContext, validate

__all__ = [
    "CATEGORIES", "DEFAULT_SETTINGS", "ERROR", "MESSAGES", "REENTRY", "REGISTRY", "SCHEMA_VERSION", "WARNING",
    "Edge", "Issue", "Journey", "JourneyError", "Node", "NodeType", "ParamSpec", "ParamType", "PortSpec",
    "ValidationContext", "apply_layout", "default_params", "layout_positions", "mint_id", "node_type",
    "summarize", "validate",
]

"""JSON text for load-ready rows, without ``json.dumps`` in the hot paths.

Values that come from our own pools and vocabulary contain no quotes or backslashes (the pools
strip them), so a string is JSON-safe between double quotes; ``q()`` is the escape hatch.
"""

from __future__ import annotations

import json


def q(value: str | None) -> str:
    """A JSON string literal (or ``null``)."""
    return "null" if value is None else json.dumps(value)

"""Customers' demographics."""

from __future__ import annotations

GENDERS = ("female", "male", "non-binary", "undisclosed")
GENDER_WEIGHTS = (0.49, 0.47, 0.02, 0.02)

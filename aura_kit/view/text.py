"""Small text helpers shared by views and renderers (pure): the view layer's text forms."""

from __future__ import annotations

from enum import Enum


def shorten(text: str, limit: int = 40) -> str:
    """Cut long text in the middle so both ends stay readable."""
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return f"{text[:keep]}…{text[-(limit - 1 - keep) :]}"


def text_of(value: object) -> str:
    """A value as display text: enums by value, ``None`` as ''."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)

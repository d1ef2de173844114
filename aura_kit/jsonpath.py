"""JSON paths for error messages, shared by the manifest and scenario readers.

Invariants: a path is never empty; the top level is ``$``; a member whose key is an ASCII
identifier is written ``key`` at the top and ``path.key`` below it; any other key (empty,
spaces, punctuation, non-ASCII) is written ``$["key"]`` / ``path["key"]`` with the key as a
JSON string; list items are ``path[i]``.
"""

from __future__ import annotations

import json

__all__ = ["ROOT", "member_path"]

ROOT = "$"


def member_path(path: str, key: str) -> str:
    """``path.key`` for an identifier key (``key`` at the top), else ``path["key"]``."""
    if key.isidentifier() and key.isascii():
        return key if path == ROOT else f"{path}.{key}"
    return f"{path}[{json.dumps(key)}]"

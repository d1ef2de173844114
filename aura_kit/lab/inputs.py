"""What the explorer accepts from a user: payload text and choice labels.

Invariants:
- payload text that parses as JSON is queued as it is; any other non-empty text is queued as a
  JSON string; empty text is refused with ``ValueError`` (nothing is queued);
- a role may queue only a label it can select somewhere in its local type (a send with more
  than one branch).
"""

from __future__ import annotations

import json
from typing import Any

from aura_kit.protocol import Mu, Recv, Send


def payload_bytes(text: str) -> bytes:
    """The bytes to queue for ``text``: JSON text as is, anything else as a JSON string."""
    stripped = text.strip()
    if not stripped:
        raise ValueError('payload is empty; expected JSON text such as 42 or "title"')
    try:
        json.loads(stripped)
    except json.JSONDecodeError:
        return json.dumps(stripped).encode("utf-8")
    return stripped.encode("utf-8")


def select_labels(local_type: Any) -> tuple[str, ...]:
    """Every label the role can select (sends with several branches), in order."""
    found: dict[str, None] = {}
    stack = [local_type]
    while stack:
        t = stack.pop()
        if isinstance(t, Mu):
            stack.append(t.body)
        elif isinstance(t, (Send, Recv)):
            if isinstance(t, Send) and len(t.branches) > 1:
                found.update(dict.fromkeys(b.label for b in t.branches))
            stack.extend(reversed([b.cont for b in t.branches]))
    return tuple(found)

"""The protocols the explorer offers: every ``*.choreo`` file in ``data/protocols``.

Invariants:
- names are protocol names (not file names), sorted; files under ``bad/`` are not offered;
- an unknown name is a ``KeyError`` that lists the known names.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from aura_kit.protocol import Protocol, load_protocols

PROTOCOLS_DIR = Path(__file__).resolve().parents[2] / "data" / "protocols"
DEFAULT_PROTOCOL = "TwoBuyer"


@cache
def _catalog(directory: Path) -> dict[str, Protocol]:
    found: dict[str, Protocol] = {}
    for path in sorted(directory.glob("*.choreo")):
        for protocol in load_protocols(path):
            found[protocol.name] = protocol
    return dict(sorted(found.items()))


def bundled_protocols(directory: Path = PROTOCOLS_DIR) -> tuple[str, ...]:
    """Names of the protocols in ``directory``, sorted."""
    return tuple(_catalog(directory))


def load_bundled(name: str | None = None, directory: Path = PROTOCOLS_DIR) -> Protocol:
    """The protocol called ``name`` (default: TwoBuyer, else the first one)."""
    catalog = _catalog(directory)
    if not catalog:
        raise KeyError(f"no *.choreo protocols in {directory}")
    if name is None:
        name = DEFAULT_PROTOCOL if DEFAULT_PROTOCOL in catalog else next(iter(catalog))
    if name not in catalog:
        raise KeyError(f"no protocol {name!r} in {directory}; known: {list(catalog)}")
    return catalog[name]

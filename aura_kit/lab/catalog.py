"""The protocols the lab offers: every well-formed protocol bundled in ``aura_kit/data``.

Invariants:
- names are protocol names (not file names), sorted; the examples under ``bad/`` are not
  offered;
- a name is looked up with the ``aura_kit.data`` rule, so ``load_bundled("TwoBuyer")`` and
  ``load_bundled("two_buyer")`` are the same protocol;
- an unknown name is a ``KeyError`` that lists the known names.
"""

from __future__ import annotations

from functools import cache

from aura_kit.data import bundled_names
from aura_kit.protocol import Protocol, load_protocols

DEFAULT_PROTOCOL = "TwoBuyer"


@cache
def _catalog() -> tuple[dict[str, Protocol], dict[str, str]]:
    """Protocols by name, sorted; and the file stem -> first protocol name of each file."""
    found: dict[str, Protocol] = {}
    stems: dict[str, str] = {}
    for stem in bundled_names("protocols"):
        protocols = load_protocols(stem)
        stems[stem] = protocols[0].name
        found.update((p.name, p) for p in protocols)
    return dict(sorted(found.items())), stems


def bundled_protocols() -> tuple[str, ...]:
    """Names of the bundled protocols, sorted."""
    return tuple(_catalog()[0])


def load_bundled(name: str | None = None) -> Protocol:
    """The bundled protocol called ``name`` (default: TwoBuyer, else the first one)."""
    catalog, stems = _catalog()
    if name is None:
        name = DEFAULT_PROTOCOL if DEFAULT_PROTOCOL in catalog else next(iter(catalog))
    name = stems.get(name, name)
    if name not in catalog:
        raise KeyError(f"no bundled protocol {name!r}; known: {list(catalog)}")
    return catalog[name]

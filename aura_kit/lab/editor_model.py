"""The protocol editor's model: ``.choreo`` text in, a checked protocol or a located error out.

Invariants:
- ``check_text`` never raises for bad text: a parse, rule or projection error comes back as a
  ``TextError`` with the error's message, line and column (1-based; 0 when the error has no
  place) and the text's line at that place; when the text parsed, the error keeps the
  protocol so that ``explore()`` still works (exploration accepts some the merge refuses);
- a ``Checked`` holds the parsed protocol and every declared role's local type (the merge
  projection of ``check_protocol``); ``explore()`` is computed on demand;
- nothing here imports render, ipywidgets, IPython or graphviz: the editor widget draws the
  checked protocol's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aura_kit.protocol import Protocol, parse_protocol
from aura_kit.protocol.errors import ExplorationError, ProtocolError
from aura_kit.protocol.types import LocalType
from aura_kit.protocol.wellformed import check_protocol

from .explorer_model import ExplorerModel

__all__ = ["Checked", "Exploration", "TextError", "check_text", "explore_protocol"]

SOURCE = "<editor>"


@dataclass(frozen=True)
class TextError:
    """Why the text is not a checked protocol; ``line``/``column`` are 0 when unplaced."""

    kind: str
    message: str
    line: int
    column: int
    line_text: str
    protocol: Protocol | None = None

    @property
    def ok(self) -> bool:
        """Always ``False``: the text did not check."""
        return False

    def explore(self) -> Exploration | None:
        """Explore the parsed protocol (``None`` when the text did not parse): exploration
        accepts some protocols that the merge refuses and finds what is wrong with others."""
        return None if self.protocol is None else explore_protocol(self.protocol)

    def summary(self) -> str:
        """One line: where and what."""
        where = f"line {self.line}, column {self.column}" if self.line else "no place"
        return f"{self.kind} at {where}: {self.message}"


@dataclass(frozen=True)
class Exploration:
    """What exploring the endpoint automata found: ``kind`` is ``""`` when nothing is wrong."""

    kind: str
    message: str
    trace: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether no run deadlocks or orphans a message."""
        return not self.kind

    def summary(self) -> str:
        """One line for a person."""
        if self.ok:
            return "explored: no deadlock and no orphan message"
        steps = " ; ".join(self.trace) if self.trace else "(at the start)"
        return f"{self.kind}: shortest trace {steps}"


@dataclass(frozen=True)
class Checked:
    """A protocol that parsed and checked, with each declared role's local type."""

    protocol: Protocol
    local_types: dict[str, LocalType] = field(hash=False)

    @property
    def ok(self) -> bool:
        """Always ``True``: the text checked."""
        return True

    def summary(self) -> str:
        """One line: protocol and roles."""
        return f"{self.protocol.name}: checked, roles {', '.join(self.protocol.roles)}"

    def explore(self) -> Exploration:
        """Explore the joint endpoint states: the first deadlock or orphan, shortest trace."""
        return explore_protocol(self.protocol)

    def open_in_explorer(self, *, policy: str = "kit") -> ExplorerModel:
        """An explorer model of this protocol."""
        return ExplorerModel.for_protocol(self.protocol, policy=policy)


def check_text(text: str) -> Checked | TextError:
    """Parse, check and project ``text``; see the module invariants."""
    try:
        protocol = parse_protocol(text, source=SOURCE)
    except ProtocolError as err:
        return _error(err, text, None)
    try:
        local_types = check_protocol(protocol)
    except ProtocolError as err:
        return _error(err, text, protocol)
    return Checked(protocol, dict(local_types))


def explore_protocol(protocol: Protocol) -> Exploration:
    """The first deadlock or orphan of ``protocol``'s endpoint automata, or none; a broken
    language rule is reported with kind ``"rule"``."""
    try:
        check_protocol(protocol, by="explore")
    except ExplorationError as err:
        return Exploration(err.kind, err.message, err.trace)
    except ProtocolError as err:
        return Exploration("rule", err.message, ())
    return Exploration("", "", ())


def _error(err: ProtocolError, text: str, protocol: Protocol | None) -> TextError:
    lines = text.splitlines()
    line_text = lines[err.line - 1] if 0 < err.line <= len(lines) else ""
    kind = type(err).__name__
    return TextError(kind, err.message, err.line, err.column, line_text, protocol)

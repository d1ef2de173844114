"""Errors of the protocol layer.

Invariants:
- every error names its place: ``source``, ``line`` and ``column`` (1-based; 0 when a
  value was built in code and has no text behind it);
- every error keeps the offending ``text`` and what was ``expected`` as attributes;
- ``message`` is one line without the place; ``str(error)`` prefixes the place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from aura_kit.errors import AuraKitError
from aura_kit.protocol.types import comm_text

if TYPE_CHECKING:
    from aura_kit.protocol.lexer import Token
    from aura_kit.protocol.types import LocalType


class ProtocolError(AuraKitError, ValueError):
    """Base of every protocol-layer error."""

    def __init__(
        self,
        message: str,
        *,
        source: str = "<string>",
        line: int = 0,
        column: int = 0,
        text: str = "",
        expected: str = "",
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.text = text
        self.expected = expected
        super().__init__(f"{self.location}: {message}")

    @classmethod
    def at(cls, token: Token, message: str, *, source: str, expected: str) -> Self:
        """An error at ``token``: its line, column and text (not for ``ProjectionError``)."""
        return cls(
            message,
            source=source,
            line=token.line,
            column=token.column,
            text=token.text,
            expected=expected,
        )

    @property
    def location(self) -> str:
        """``source:line:column``."""
        return f"{self.source}:{self.line}:{self.column}"


class ProtocolSyntaxError(ProtocolError):
    """The text does not follow the grammar."""


class ProtocolDefinitionError(ProtocolError):
    """The text parses but breaks a rule (roles, labels, recursion, reachability)."""


class ProjectionError(ProtocolError):
    """A role's view of a choice cannot be merged into one local type.

    ``peers`` gives each label's receiver (all ``receiver`` for a directed choice).
    """

    def __init__(
        self,
        message: str,
        *,
        role: str,
        sender: str,
        receiver: str,
        labels: tuple[str, ...],
        peers: tuple[str, ...] = (),
        left: LocalType,
        right: LocalType,
        merge: str,
        source: str = "<string>",
        line: int = 0,
        column: int = 0,
    ) -> None:
        self.role = role
        self.sender = sender
        self.receiver = receiver
        self.labels = labels
        self.peers = peers or tuple(receiver for _ in labels)
        self.left = left
        self.right = right
        self.merge = merge
        super().__init__(
            message,
            source=source,
            line=line,
            column=column,
            text=comm_text(sender, self.peers, labels),
            expected=f"branches that {merge}-merge for {role}",
        )


class UnsupportedConstructError(ProtocolSyntaxError):
    """Imported text uses a construct the kit has no meaning for (``construct`` names it)."""

    def __init__(
        self,
        message: str,
        *,
        construct: str,
        source: str = "<string>",
        line: int = 0,
        column: int = 0,
        text: str = "",
    ) -> None:
        self.construct = construct
        super().__init__(
            message,
            source=source,
            line=line,
            column=column,
            text=text,
            expected="a construct the kit supports",
        )


class ExplorationError(ProtocolError):
    """Checking by exploration: the endpoint automata reach a deadlock or an orphan message."""

    def __init__(
        self,
        message: str,
        *,
        kind: str,
        trace: tuple[str, ...],
        source: str,
        line: int = 0,
        column: int = 0,
    ) -> None:
        super().__init__(
            message, source=source, line=line, column=column, expected="no deadlock and no orphan"
        )
        self.kind = kind
        self.trace = trace

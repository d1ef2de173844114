"""Errors of the protocol machine.

Invariants:
- every error carries its data as attributes and has a one-line message;
- ``ProtocolViolation`` is raised for a fault of a running coroutine (the coroutine and its
  session are then FAULTED) and for a refused injection (then nothing changed);
- ``TraceFormatError`` names the line of a damaged trace file; nothing is half-loaded.
"""

from __future__ import annotations

from aura_kit.errors import AuraKitError
from aura_kit.jsonl import JsonlFormatError


class MachineError(AuraKitError):
    """Base class of every protocol machine error."""


class ImageError(MachineError, ValueError):
    """A code image is malformed (unknown partner, free variable, unguarded recursion)."""

    def __init__(self, role: str, reason: str) -> None:
        super().__init__(f"bad local type for role {role!r}: {reason}")
        self.role = role
        self.reason = reason


class UnknownSemantics(MachineError, ValueError):
    """``ProtocolMachine(semantics=...)`` is neither ``"kit"`` nor ``"seed"``."""

    def __init__(self, value: object) -> None:
        super().__init__(f"machine semantics must be 'kit' or 'seed', got {value!r}")
        self.value = value


class TooManyRoles(MachineError, ValueError):
    """A protocol with more roles than ``CodeImage.max_roles`` (checked before projecting)."""

    def __init__(self, count: int, limit: int) -> None:
        super().__init__(
            f"the protocol has {count:,} roles; at most {limit:,} are allowed "
            "(raise CodeImage.max_roles to allow more)"
        )
        self.count = count
        self.limit = limit


class UnknownSession(MachineError, LookupError):
    """A VM session id or role that this machine does not hold."""

    def __init__(self, session: int, role: str | None = None) -> None:
        what = f"session {session}" if role is None else f"role {role!r} in session {session}"
        super().__init__(f"unknown {what}")
        self.session = session
        self.role = role


class ProtocolViolation(MachineError):
    """A coroutine did something its local type does not allow (or a bad injection)."""

    def __init__(self, *, role: str, session: int, expected: str, actual: str, reason: str) -> None:
        super().__init__(
            f"session {session} role {role!r}: {reason}: got {actual}, expected {expected}"
        )
        self.role = role
        self.session = session
        self.expected = expected
        self.actual = actual
        self.reason = reason


class TraceFormatError(MachineError, JsonlFormatError):
    """A trace file is damaged; ``line`` is 1-based; nothing was loaded."""

    def __init__(self, source: str, line: int, reason: str) -> None:
        JsonlFormatError.__init__(self, source, line, f"bad trace line: {reason}")
        self.reason = reason


class NotReady(MachineError):
    """``step_role`` on a coroutine that cannot act now."""

    def __init__(self, session: int, role: str, status: str) -> None:
        super().__init__(
            f"session {session} role {role!r} cannot act: got {status}, expected ready"
        )
        self.session = session
        self.role = role
        self.status = status


class NoPendingSend(MachineError, LookupError):
    """``ack_pending_send`` on a session with nothing pending."""

    def __init__(self, session: int) -> None:
        super().__init__(f"session {session} has no pending send to acknowledge")
        self.session = session

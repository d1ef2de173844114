"""Errors of the ownership layer (pure registries and manifests).

The runtime layer translates ``SessionOwnershipError`` into the seed's
``SessionIngressError`` family, exactly where the seed does (``From<SessionOwnershipError>``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from aura_kit.errors import AuraKitError

if TYPE_CHECKING:
    from .values import SessionId


class OwnershipError(AuraKitError):
    """Base class of ownership-layer errors."""


class SessionOwnershipErrorKind(StrEnum):
    """Why the session registry refused an owner (the seed's ``SessionOwnershipError``)."""

    MISSING_OWNER = "missing_owner"
    OWNER_MISMATCH = "owner_mismatch"
    CAPABILITY_SESSION_MISMATCH = "capability_session_mismatch"
    CAPABILITY_MISMATCH = "capability_mismatch"
    TAG_MISMATCH = "tag_mismatch"
    OWNER_CONFLICT = "owner_conflict"


class SessionOwnershipError(OwnershipError):
    """The session registry refused an owner check, claim or transfer."""

    def __init__(
        self,
        kind: SessionOwnershipErrorKind,
        session_id: SessionId,
        *,
        expected_owner: str = "",
        current_generation: int = 0,
        capability_session_id: SessionId | None = None,
        existing_owner: str = "",
    ) -> None:
        self.kind = kind
        self.session_id = session_id
        self.expected_owner = expected_owner
        self.current_generation = current_generation
        self.capability_session_id = capability_session_id
        self.existing_owner = existing_owner
        super().__init__(self.details())

    def details(self) -> str:
        """The one-line reason, in the seed's wording where the seed has one."""
        k = SessionOwnershipErrorKind
        if self.kind is k.MISSING_OWNER:
            return f"runtime session {self.session_id} has no owner record"
        if self.kind is k.OWNER_MISMATCH:
            return (
                f"runtime session {self.session_id} is not owned by expected owner "
                f"{self.expected_owner}"
            )
        if self.kind is k.CAPABILITY_SESSION_MISMATCH:
            return (
                f"session capability was issued for {self.capability_session_id}, "
                f"not {self.session_id}"
            )
        if self.kind is k.CAPABILITY_MISMATCH:
            return (
                "session capability no longer valid; current generation is "
                f"{self.current_generation}"
            )
        if self.kind is k.TAG_MISMATCH:
            return (
                "session capability tag does not verify; expected one issued by this effect system"
            )
        return f"session already owned by {self.existing_owner}"


class FragmentErrorKind(StrEnum):
    """Why the fragment registry refused a claim, release or move."""

    CONFLICT = "conflict"
    NOT_CLAIMED = "not_claimed"
    FOREIGN_OWNER = "foreign_owner"
    BAD_LABEL = "bad_label"


class FragmentError(OwnershipError):
    """A fragment claim, release or move was refused; nothing changed."""

    def __init__(
        self,
        kind: FragmentErrorKind,
        session_id: SessionId,
        key: str,
        *,
        owner_label: str = "",
        existing_owner: str = "",
    ) -> None:
        self.kind = kind
        self.session_id = session_id
        self.key = key
        self.owner_label = owner_label
        self.existing_owner = existing_owner
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"fragment {self.key} of session {self.session_id}"
        if self.kind is FragmentErrorKind.CONFLICT:
            return f"{where} is owned by {self.existing_owner}; {self.owner_label} cannot claim it"
        if self.kind is FragmentErrorKind.NOT_CLAIMED:
            return f"{where} is not claimed; expected a claimed fragment"
        if self.kind is FragmentErrorKind.BAD_LABEL:
            return f"{where}: owner label {self.owner_label!r} is not a non-empty str"
        return (
            f"{where} is owned by {self.existing_owner}, not by the transferring owner "
            f"{self.owner_label}"
        )


class ManifestError(OwnershipError, ValueError):
    """A composition manifest is malformed; ``.path`` is the JSON path of the first problem.

    ``.problems`` lists every ``(path, reason)`` found; ``.source`` names the file if any.
    """

    def __init__(self, problems: list[tuple[str, str]], source: str = "<dict>") -> None:
        if not problems:
            raise ValueError("ManifestError needs at least one problem")
        self.problems = tuple(problems)
        self.path = problems[0][0]
        self.reason = problems[0][1]
        self.source = source
        more = f" (and {len(problems) - 1} more: " if len(problems) > 1 else ""
        rest = "; ".join(f"{p}: {r}" for p, r in problems[1:])
        tail = f"{more}{rest})" if more else ""
        super().__init__(f"{source}: manifest field {self.path}: {self.reason}{tail}")


class BoundaryValueError(OwnershipError, TypeError):
    """A ``LinkBoundary`` field of the wrong type (``fragment_keys="bundle:x"``, a non-str key)."""

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"LinkBoundary.{field} is {value!r}; expected {expected}")


class InvalidSessionId(OwnershipError, ValueError):
    """A session id given as text that is not a UUID (``SessionId.coerce("garbage")``)."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        shown = text if len(text) <= 60 else text[:57] + "..."
        super().__init__(f"session id {shown!r} is not a UUID: {reason}")


class NotExactValue(OwnershipError, TypeError):
    """A value an ownership decision reads is not exactly the kit's type (a subclass or another
    type): ``place`` names where it was found, ``expected`` the exact type."""

    def __init__(self, place: str, value: object, expected: str) -> None:
        self.place = place
        self.value_type = type(value).__name__
        self.expected = expected
        super().__init__(
            f"{place} is a {self.value_type}; expected exactly {expected} (subclasses are refused)"
        )

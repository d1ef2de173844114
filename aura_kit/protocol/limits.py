"""Size limits on protocol text, so that no input can exhaust the stack or the CPU.

Invariants:
- ``.choreo`` blocks nest at most ``MAX_NESTING`` deep (``{`` inside ``{``);
- a global or local type is at most ``MAX_DEPTH`` constructors deep along any path;
- a global type's tree has at most ``MAX_SIZE`` nodes; a choice copies what follows it into
  every branch, so sequential choices multiply the size, and the limit keeps projection and
  checks linear in it;
- a protocol declares at most ``MAX_ROLES`` roles (the same number as the machine's
  ``CodeImage.max_roles``), so checking and projecting cost at most ``MAX_ROLES`` times a
  role's share of the type; raise ``MAX_ROLES`` (read at each check) to allow more;
- an input over a limit is refused with a ``ProtocolDefinitionError`` (or
  ``ProtocolSyntaxError`` for nesting) at the statement that crosses it.
"""

from __future__ import annotations

from aura_kit.protocol.errors import ProtocolDefinitionError
from aura_kit.protocol.lexer import MAX_DEPTH, MAX_NESTING, Token
from aura_kit.protocol.syntax import (
    ChoiceStmt,
    ContinueStmt,
    EndStmt,
    MessageStmt,
    RecStmt,
    Stmt,
    first_token,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_NESTING",
    "MAX_ROLES",
    "MAX_SIZE",
    "check_role_count",
    "check_type_limits",
]

MAX_SIZE = 20_000
MAX_ROLES = 1_000


def check_role_count(roles: tuple[Token, ...], source: str) -> None:
    """Refuse a declaration of more than ``MAX_ROLES`` roles, at the first role over it."""
    limit = MAX_ROLES  # a module global, so a caller may raise it
    if len(roles) > limit:
        raise ProtocolDefinitionError.at(
            roles[limit],
            f"too many roles: the protocol declares {len(roles):,}",
            source=source,
            expected=f"at most {limit:,} roles (aura_kit.protocol.limits.MAX_ROLES)",
        )


def check_type_limits(body: tuple[Stmt, ...], source: str) -> None:
    """Refuse a protocol body whose global type would be too deep or too large."""
    _block(body, 1, 1, source)


def _block(stmts: tuple[Stmt, ...], depth: int, size: int, source: str) -> tuple[int, int]:
    for stmt in reversed(stmts):
        depth, size = _stmt(stmt, depth, size, source)
        if depth > MAX_DEPTH or size > MAX_SIZE:
            token = first_token(stmt)
            what = f"depth {depth}" if depth > MAX_DEPTH else f"size {size}"
            raise ProtocolDefinitionError.at(
                token,
                f"protocol too large: global type reaches {what} here",
                source=source,
                expected=f"a type at most {MAX_DEPTH} deep with at most {MAX_SIZE} nodes",
            )
    return depth, size


def _stmt(stmt: Stmt, depth: int, size: int, source: str) -> tuple[int, int]:
    if isinstance(stmt, MessageStmt):
        return depth + 1, size + 1
    if isinstance(stmt, ChoiceStmt):
        parts = [_block(block[1:], depth, size, source) for block in stmt.blocks]
        return 1 + max(d for d, _ in parts), 1 + sum(s for _, s in parts)
    if isinstance(stmt, RecStmt):
        body_depth, body_size = _block(stmt.body, depth, size, source)
        return body_depth + 1, body_size + 1
    assert isinstance(stmt, (ContinueStmt, EndStmt))
    return 1, 1

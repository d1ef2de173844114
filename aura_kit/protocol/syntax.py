"""Syntax of the ``.choreo`` format: text to a statement tree (see docs/protocol-language.md).

Invariants:
- statements end at a newline, at ``;`` or before the ``}`` that closes their block;
- newlines are allowed after ``{``, around ``or`` and between ``)`` and ``{``;
- names (protocol, role, recursion variable) are identifiers that are not keywords; a label
  is any identifier, keywords included (it always follows ``:``, so it is never ambiguous);
- a payload is ``(SORT)`` or ``()``; no payload means ``unit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from aura_kit.protocol.errors import ProtocolSyntaxError
from aura_kit.protocol.lexer import MAX_NESTING, Kind, Token, TokenStream, near_keyword, tokenize
from aura_kit.protocol.types import Sort

SORTS = ", ".join(s.value for s in Sort)
STATEMENT_FORMS = {
    "rec": "'rec NAME { ... }' for a loop",
    "choice": "'choice at ROLE { ... } or { ... }' for a choice",
    "continue": "'continue NAME' to go back to the start of an enclosing rec",
    "end": "'end' to finish the protocol",
}
STATEMENT_KEYWORDS = tuple(STATEMENT_FORMS)
_SORT_NAMES = frozenset(s.value for s in Sort)


@dataclass(frozen=True, slots=True, kw_only=True)
class MessageStmt:
    """``sender -> receiver: label(sort)``."""

    sender: Token
    receiver: Token
    label: Token
    sort: Sort


@dataclass(frozen=True, slots=True, kw_only=True)
class ChoiceStmt:
    """``choice at role { ... } or { ... }``."""

    keyword: Token
    role: Token
    blocks: tuple[tuple[Stmt, ...], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class RecStmt:
    """``rec name { ... }``."""

    keyword: Token
    name: Token
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ContinueStmt:
    """``continue name``."""

    keyword: Token
    name: Token


@dataclass(frozen=True, slots=True, kw_only=True)
class EndStmt:
    """``end``."""

    keyword: Token


Stmt: TypeAlias = MessageStmt | ChoiceStmt | RecStmt | ContinueStmt | EndStmt


@dataclass(frozen=True, slots=True, kw_only=True)
class ProtocolDecl:
    """One ``protocol`` declaration before its meaning is built."""

    keyword: Token
    name: Token
    roles: tuple[Token, ...]
    body: tuple[Stmt, ...]


def first_token(stmt: Stmt) -> Token:
    """The token a statement starts with (its place in errors)."""
    if isinstance(stmt, MessageStmt):
        return stmt.sender
    return stmt.keyword


def parse_file(text: str, source: str) -> list[ProtocolDecl]:
    """Parse every protocol declaration in ``text``."""
    stream = TokenStream(tokenize(text, source), source)
    decls: list[ProtocolDecl] = []
    _skip_separators(stream)
    while not stream.at(Kind.EOF):
        decls.append(_protocol(stream))
        _skip_separators(stream)
    if not decls:
        raise stream.fail("'protocol'")
    return decls


def _skip_separators(stream: TokenStream) -> None:
    while stream.at(Kind.NEWLINE) or stream.at(Kind.SEMI):
        stream.next()


def _protocol(stream: TokenStream) -> ProtocolDecl:
    keyword = stream.keyword("protocol")
    name = stream.name("a protocol name")
    stream.expect(Kind.LPAREN)
    roles = [stream.name("a role name")]
    while stream.at(Kind.COMMA):
        stream.next()
        roles.append(stream.name("a role name"))
    stream.expect(Kind.RPAREN, "',' or ')'")
    stream.skip_newlines()
    body = _block(stream)
    return ProtocolDecl(keyword=keyword, name=name, roles=tuple(roles), body=body)


def _block(stream: TokenStream) -> tuple[Stmt, ...]:
    stream.expect(Kind.LBRACE)
    stream.enter(MAX_NESTING, "blocks")
    try:
        return _block_body(stream)
    finally:
        stream.leave()


def _block_body(stream: TokenStream) -> tuple[Stmt, ...]:
    stmts: list[Stmt] = []
    _skip_separators(stream)
    while not stream.at(Kind.RBRACE):
        stmts.append(_statement(stream))
        if not (stream.at(Kind.NEWLINE) or stream.at(Kind.SEMI) or stream.at(Kind.RBRACE)):
            raise stream.fail("newline, ';' or '}' after a statement")
        _skip_separators(stream)
    stream.next()
    return tuple(stmts)


def _statement(stream: TokenStream) -> Stmt:
    token = stream.peek()
    if token.kind is Kind.NAME and token.text == "choice":
        return _choice(stream)
    if token.kind is Kind.NAME and token.text == "rec":
        keyword = stream.next()
        name = stream.name("a recursion name")
        stream.skip_newlines()
        return RecStmt(keyword=keyword, name=name, body=_block(stream))
    if token.kind is Kind.NAME and token.text == "continue":
        keyword = stream.next()
        return ContinueStmt(keyword=keyword, name=stream.name("a recursion name"))
    if token.kind is Kind.NAME and token.text == "end":
        return EndStmt(keyword=stream.next())
    if token.kind is Kind.NAME and not stream.ahead(Kind.ARROW):
        meant = near_keyword(token.text, STATEMENT_KEYWORDS)
        if meant is not None:
            raise ProtocolSyntaxError.at(
                token,
                f"unknown statement {token.text!r}: did you mean {meant!r}? "
                f"(write {STATEMENT_FORMS[meant]})",
                source=stream.source,
                expected=STATEMENT_FORMS[meant],
            )
    return _message(stream)


def _choice(stream: TokenStream) -> ChoiceStmt:
    keyword = stream.next()
    stream.keyword("at")
    role = stream.name("a role name")
    stream.skip_newlines()
    blocks = [_block(stream)]
    mark = stream.pos
    stream.skip_newlines()
    if not stream.at(Kind.NAME, "or"):
        raise stream.fail("'or'", hint=stream.near("or") or " (a choice has two or more branches)")
    while stream.at(Kind.NAME, "or"):
        stream.next()
        stream.skip_newlines()
        blocks.append(_block(stream))
        mark = stream.pos
        stream.skip_newlines()
    stream.pos = mark
    return ChoiceStmt(keyword=keyword, role=role, blocks=tuple(blocks))


def _message(stream: TokenStream) -> MessageStmt:
    sender = stream.name("a statement (message, 'choice', 'rec', 'continue' or 'end')")
    stream.expect(Kind.ARROW)
    receiver = stream.name("a role name")
    stream.expect(Kind.COLON)
    label = stream.label()
    return MessageStmt(sender=sender, receiver=receiver, label=label, sort=parse_payload(stream))


def parse_payload(stream: TokenStream) -> Sort:
    """An optional ``(SORT)`` or ``()`` after a label; absent means ``unit``."""
    if not stream.at(Kind.LPAREN):
        return Sort.UNIT
    stream.next()
    if stream.at(Kind.RPAREN):
        stream.next()
        return Sort.UNIT
    token = stream.peek()
    if token.kind is not Kind.NAME or token.text not in _SORT_NAMES:
        raise stream.fail(f"a sort ({SORTS}) or ')'")
    stream.next()
    stream.expect(Kind.RPAREN)
    return Sort(token.text)

"""Syntax of the ``.choreo`` format: text to a statement tree (see docs/protocol-language.md).

Invariants:
- statements end at a newline, at ``;`` or before the ``}`` that closes their block;
- newlines are allowed after ``{``, around ``or`` and between ``)`` and ``{``;
- names (protocol, role, recursion variable) are identifiers that are not keywords; a label
  is any identifier, keywords included (it always follows ``:``, so it is never ambiguous);
- a payload is ``()``, ``(SORT)`` or a tuple ``(SORT, SORT, ...)``; no payload means ``unit``;
  a sort is a built-in sort or any other identifier (a user sort, checked against the file's
  ``sort`` declarations by the builder); ``unit`` is never a tuple component;
- ``sort NAME, ...`` at top level declares user sorts for every protocol of the file.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeAlias

from aura_kit.protocol.errors import ProtocolSyntaxError
from aura_kit.protocol.lexer import (
    MAX_NESTING,
    Kind,
    Token,
    TokenStream,
    is_name,
    near_keyword,
    tokenize,
)
from aura_kit.protocol.types import PayloadSort, Sort, TupleSort, UserSort

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
    sort: PayloadSort
    sort_names: tuple[Token, ...] = ()  # the user sorts named in the payload, for checking


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
    sorts: tuple[Token, ...] = ()  # the file's declared user sorts


def first_token(stmt: Stmt) -> Token:
    """The token a statement starts with (its place in errors)."""
    if isinstance(stmt, MessageStmt):
        return stmt.sender
    return stmt.keyword


def parse_file(text: str, source: str) -> list[ProtocolDecl]:
    """Parse every protocol declaration in ``text``."""
    stream = TokenStream(tokenize(text, source), source)
    decls: list[ProtocolDecl] = []
    sorts: list[Token] = []
    _skip_separators(stream)
    while not stream.at(Kind.EOF):
        if stream.at(Kind.NAME, "sort"):
            sorts.extend(_sort_decl(stream))
        else:
            decls.append(_protocol(stream))
        _skip_separators(stream)
    if not decls:
        raise stream.fail("'protocol'")
    return [replace(d, sorts=tuple(sorts)) for d in decls]


def _sort_decl(stream: TokenStream) -> list[Token]:
    """``sort NAME, ...``: user payload sorts (the builder checks the names)."""
    stream.next()
    names = [stream.name("a sort name")]
    while stream.at(Kind.COMMA):
        stream.next()
        names.append(stream.name("a sort name"))
    if not (stream.at(Kind.NEWLINE) or stream.at(Kind.SEMI) or stream.at(Kind.EOF)):
        raise stream.fail("',', newline or ';' after a sort declaration")
    return names


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
    sort, names = read_payload(stream)
    return MessageStmt(sender=sender, receiver=receiver, label=label, sort=sort, sort_names=names)


def parse_payload(stream: TokenStream) -> PayloadSort:
    """An optional payload after a label (see ``read_payload``); absent means ``unit``."""
    return read_payload(stream)[0]


def read_payload(stream: TokenStream) -> tuple[PayloadSort, tuple[Token, ...]]:
    """``()``, ``(SORT)`` or ``(SORT, SORT, ...)`` and the user-sort names in it."""
    if not stream.at(Kind.LPAREN):
        return Sort.UNIT, ()
    stream.next()
    if stream.at(Kind.RPAREN):
        stream.next()
        return Sort.UNIT, ()
    tokens = [_sort_name(stream)]
    while stream.at(Kind.COMMA):
        stream.next()
        tokens.append(_sort_name(stream))
    stream.expect(Kind.RPAREN, "',' or ')'")
    parts = [Sort(t.text) if t.text in _SORT_NAMES else UserSort(t.text) for t in tokens]
    users = tuple(t for t in tokens if t.text not in _SORT_NAMES)
    if len(parts) == 1:
        return parts[0], users
    unit = next((t for t in tokens if t.text == Sort.UNIT.value), None)
    if unit is not None:
        raise ProtocolSyntaxError.at(
            unit,
            "'unit' cannot be a component of a payload tuple",
            source=stream.source,
            expected=f"a sort other than unit ({SORTS} or a declared sort)",
        )
    return TupleSort(tuple(parts)), users


def _sort_name(stream: TokenStream) -> Token:
    token = stream.peek()
    if token.kind is not Kind.NAME or not is_name(token.text):
        raise stream.fail(f"a sort ({SORTS} or a declared sort)")
    return stream.next()

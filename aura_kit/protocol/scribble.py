"""Reading Scribble / nuScr global protocols into the kit's statement tree.

A module is read into the same statements the ``.choreo`` parser makes (``syntax``), then the
kit's ``Builder`` checks and builds each protocol, so every rule of the kit applies unchanged.

Invariants:
- supported: ``module`` headers, ``type`` and ``sig`` declarations, ``[aux] global protocol
  P(role A, ...)``, messages ``label(T) from A to B[, C...];`` (several receivers are one
  message each, in order), ``choice at A { } or { }`` (its branches may open with messages to
  different receivers, as in ``.choreo``), ``rec X { }``, ``continue X;`` and
  ``do Q(A, ...);``;
- ``do`` is expanded by substituting roles; a ``do`` of a protocol already being expanded
  with the same roles becomes ``continue`` to a ``rec`` wrapped round that expansion, and is
  accepted only in tail position of that expansion (otherwise the protocol is not finite-state);
- a payload is empty, one type or a tuple of types (``m(int, Order)``, no ``unit`` in a
  tuple); a type is a kit sort by name (``int``/``Integer``, ``string``/``String``,
  ``bool``/``boolean``, ``bytes``, ``unit``) or a ``type`` declaration's name; a declaration
  whose name or external type's last part names a kit sort is that sort, any other is a
  user sort of its declared name; an undeclared other name is a located error;
- a label that is not an identifier stays printable: empty becomes ``_``, a number ``n``
  becomes ``_n``;
- everything else (refinements and assertions, ``connect``/``disconnect``/``wrap``,
  ``explicit``/``local`` protocols, ``new role``, nuScr nested protocols and ``calls``,
  ``par``, ``interruptible``, protocol parameters, ``import``) is an
  ``UnsupportedConstructError`` at its place naming the construct;
- ``aux`` protocols are only expanded where they are called; they are not returned;
- ``format_scribble(p)`` writes a module that ``parse_scribble`` reads back to an equal global
  type: one ``type`` declaration per sort used (user sorts included), one statement a line; a
  role, label or user sort that is a Scribble keyword, or a user sort that the import would
  read as a kit sort (``Integer``), cannot be written and is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeAlias

from aura_kit.protocol.build import Builder
from aura_kit.protocol.errors import (
    ProtocolDefinitionError,
    ProtocolSyntaxError,
    UnsupportedConstructError,
)
from aura_kit.protocol.lexer import KEYWORDS, Kind, Token
from aura_kit.protocol.syntax import (
    ChoiceStmt,
    ContinueStmt,
    MessageStmt,
    ProtocolDecl,
    RecStmt,
    Stmt,
)
from aura_kit.protocol.types import (
    Branch,
    Comm,
    End,
    GlobalType,
    Mu,
    PayloadSort,
    Protocol,
    Sort,
    TupleSort,
    UserSort,
    Var,
    component_sorts,
    payload_sorts,
    peer_of,
)

SUFFIXES = (".scr", ".nuscr")
SCRIBBLE_KEYWORDS = frozenset(
    [
        "module",
        "import",
        "type",
        "protocol",
        "global",
        "local",
        "explicit",
        "aux",
        "role",
        "accept",
        "self",
        "sig",
        "as",
        "connect",
        "disconnect",
        "wrap",
        "from",
        "to",
        "choice",
        "at",
        "or",
        "rec",
        "continue",
        "par",
        "and",
        "interruptible",
        "with",
        "by",
        "throws",
        "catches",
        "do",
        "spawn",
        "new",
        "nested",
        "calls",
    ]
)

# Constructs the kit has no meaning for: first word -> how the error names it.
UNSUPPORTED = {
    "connect": "explicit 'connect'",
    "disconnect": "explicit 'disconnect'",
    "wrap": "explicit 'wrap'",
    "accept": "explicit 'accept'",
    "explicit": "explicit protocols ('connect')",
    "local": "local protocols",
    "new": "'new role'",
    "nested": "nuScr nested protocols",
    "calls": "nuScr 'calls' of nested protocols",
    "par": "parallel composition 'par'",
    "interruptible": "'interruptible' blocks",
    "import": "'import' of another module",
    "spawn": "'spawn'",
    "throws": "'throws'",
    "catches": "'catches'",
}

_SORT_NAMES = {
    "unit": Sort.UNIT,
    "int": Sort.INT,
    "integer": Sort.INT,
    "bool": Sort.BOOL,
    "boolean": Sort.BOOL,
    "string": Sort.STR,
    "str": Sort.STR,
    "bytes": Sort.BYTES,
}
_SORTS_HELP = "int/Integer, string/String, bool/boolean, bytes or unit"

_PATTERN = re.compile(
    r"(?P<space>[ \t\r\f\ufeff]+)|(?P<newline>\n)|(?P<comment>//[^\n]*)"
    r"|(?P<block>/\*.*?\*/|\(\*.*?\*\))|(?P<open>/\*|\(\*)|(?P<string>\"[^\"\n]*\")"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<number>[0-9]+)|(?P<punct>.)",
    re.DOTALL,
)
_IDENT = "name"


@dataclass(frozen=True, slots=True)
class _Tok:
    """One Scribble token: ``kind`` is name, number, string or punct."""

    kind: str
    text: str
    line: int
    column: int

    def token(self, text: str | None = None) -> Token:
        """The kit token at the same place (a name unless it is the end of input)."""
        return Token(Kind.NAME, self.text if text is None else text, self.line, self.column)

    def shown(self) -> str:
        """How an error shows this token."""
        return "end of input" if self.kind == "eof" else repr(self.text)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Do:
    """``do name(args);`` before expansion."""

    keyword: _Tok
    name: _Tok
    args: tuple[_Tok, ...]


_Item: TypeAlias = "MessageStmt | _ChoiceItem | _RecItem | ContinueStmt | _Do"


@dataclass(frozen=True, slots=True, kw_only=True)
class _ChoiceItem:
    """A choice whose blocks may still hold ``do`` calls."""

    keyword: Token
    role: Token
    blocks: tuple[tuple[_Item, ...], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _RecItem:
    """A rec whose body may still hold ``do`` calls."""

    keyword: Token
    name: Token
    body: tuple[_Item, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class _Global:
    """One ``global protocol`` before expansion."""

    keyword: _Tok
    name: _Tok
    roles: tuple[_Tok, ...]
    body: tuple[_Item, ...]
    aux: bool


@dataclass(slots=True)
class _Module:
    """What a module declares: payload types, message signatures and protocols."""

    types: dict[str, Sort | UserSort] = field(default_factory=dict)
    sigs: set[str] = field(default_factory=set)
    protocols: dict[str, _Global] = field(default_factory=dict)
    rec_names: set[str] = field(default_factory=set)


def tokenize(text: str, source: str) -> list[_Tok]:
    """Scribble tokens, ending with one ``eof`` token (comments and pragmas dropped)."""
    tokens: list[_Tok] = []
    line, line_start, pos = 1, 0, 0
    while pos < len(text):
        match = _PATTERN.match(text, pos)
        assert match is not None  # the last alternative matches any character
        kind, word = match.lastgroup or "", match.group()
        column = pos - line_start + 1
        if kind == "open":
            raise ProtocolSyntaxError(
                f"unterminated comment {word!r}",
                source=source,
                line=line,
                column=column,
                text=word,
                expected="a comment closed by '*/' or '*)'",
            )
        if kind in ("name", "number", "string", "punct"):
            tokens.append(_Tok(kind, word, line, column))
        if kind == "block" and "\n" in word:
            line += word.count("\n")
            line_start = pos + word.rfind("\n") + 1
        if kind == "newline":
            line, line_start = line + 1, match.end()
        pos = match.end()
    tokens.append(_Tok("eof", "", line, pos - line_start + 1))
    return tokens


class _Reader:
    """A cursor over Scribble tokens that raises located errors."""

    def __init__(self, tokens: list[_Tok], source: str) -> None:
        self.tokens = tokens
        self.pos = 0
        self.source = source
        self.module = _Module()

    # -- cursor ------------------------------------------------------------------

    def peek(self, ahead: int = 0) -> _Tok:
        return self.tokens[min(self.pos + ahead, len(self.tokens) - 1)]

    def next(self) -> _Tok:
        token = self.peek()
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def at(self, text: str) -> bool:
        token = self.peek()
        return token.kind in (_IDENT, "punct") and token.text == text

    def fail(self, expected: str, token: _Tok | None = None) -> ProtocolSyntaxError:
        token = token or self.peek()
        return ProtocolSyntaxError.at(
            token.token(),
            f"expected {expected}, found {token.shown()}",
            source=self.source,
            expected=expected,
        )

    def refuse(self, construct: str, token: _Tok | None = None) -> UnsupportedConstructError:
        token = token or self.peek()
        return UnsupportedConstructError(
            f"unsupported construct: {construct} (the kit's Scribble import does not read it)",
            construct=construct,
            source=self.source,
            line=token.line,
            column=token.column,
            text=token.text,
        )

    def expect(self, text: str) -> _Tok:
        if not self.at(text):
            raise self.fail(repr(text))
        return self.next()

    def name(self, what: str) -> _Tok:
        token = self.peek()
        if token.kind != _IDENT:
            raise self.fail(what)
        if token.text in UNSUPPORTED:
            raise self.refuse(UNSUPPORTED[token.text])
        return self.next()

    def kit_name(self, what: str) -> _Tok:
        """A role or rec name that the kit's format can also write."""
        token = self.name(what)
        if token.text in KEYWORDS:
            raise ProtocolSyntaxError.at(
                token.token(),
                f"{token.text!r} cannot be {what}: it is a reserved word of the kit's format",
                source=self.source,
                expected=f"{what} that is not one of {', '.join(sorted(KEYWORDS))}",
            )
        return token

    # -- module ------------------------------------------------------------------

    def read_module(self) -> _Module:
        if self.at("module"):
            self.next()
            self.qualified_name("a module name")
            self.expect(";")
        while self.peek().kind != "eof":
            self.top_level()
        if not any(not g.aux for g in self.module.protocols.values()):
            raise self.fail("'global protocol'")
        return self.module

    def qualified_name(self, what: str) -> str:
        parts = [self.name(what).text]
        while self.at("."):
            self.next()
            parts.append(self.name(what).text)
        return ".".join(parts)

    def top_level(self) -> None:
        token = self.peek()
        if self.at("type") or self.at("sig"):
            self.declaration()
        elif self.at("global") or self.at("aux"):
            self.global_protocol()
        elif token.kind == _IDENT and token.text in UNSUPPORTED:
            raise self.refuse(UNSUPPORTED[token.text])
        elif self.at("protocol"):
            raise self.fail("'global' before 'protocol' (a Scribble global protocol)")
        else:
            raise self.fail("'type', 'sig' or 'global protocol'")

    def declaration(self) -> None:
        """``type <lang> "ext" from "file" as Name;`` or the same with ``sig``."""
        keyword = self.next()
        self.expect("<")
        self.name("a schema name")
        self.expect(">")
        external = self.peek()
        if external.kind != "string":
            raise self.fail("a quoted external name")
        self.next()
        self.expect("from")
        if self.peek().kind != "string":
            raise self.fail("a quoted source")
        self.next()
        self.expect("as")
        alias = self.kit_name("a declared name")
        self.expect(";")
        if keyword.text == "sig":
            self.module.sigs.add(alias.text)
            return
        ext = external.text.strip('"').rsplit(".", 1)[-1].lower()
        self.module.types[alias.text] = _SORT_NAMES.get(
            alias.text.lower(), _SORT_NAMES.get(ext, UserSort(alias.text))
        )

    def global_protocol(self) -> None:
        aux = self.at("aux")
        if aux:
            self.next()
        keyword = self.expect("global")
        self.expect("protocol")
        name = self.kit_name("a protocol name")
        if self.at("<"):
            raise self.refuse("protocol parameters")
        if name.text in self.module.protocols:
            raise ProtocolDefinitionError.at(
                name.token(),
                f"duplicate protocol {name.text!r}",
                source=self.source,
                expected="distinct protocol names in one module",
            )
        self.expect("(")
        roles = [self.role_decl()]
        while self.at(","):
            self.next()
            roles.append(self.role_decl())
        self.expect(")")
        body = self.block()
        self.module.protocols[name.text] = _Global(
            keyword=keyword, name=name, roles=tuple(roles), body=body, aux=aux
        )

    def role_decl(self) -> _Tok:
        if self.at("new"):
            raise self.refuse("'new role'")
        if not self.at("role"):
            raise self.fail("'role' before a role name")
        self.next()
        return self.kit_name("a role name")

    # -- interactions ------------------------------------------------------------

    def block(self) -> tuple[_Item, ...]:
        self.expect("{")
        items: list[_Item] = []
        while not self.at("}"):
            if self.peek().kind == "eof":
                raise self.fail("'}'")
            items.extend(self.interaction())
        self.next()
        return tuple(items)

    def interaction(self) -> list[_Item]:
        token = self.peek()
        if token.kind == _IDENT and token.text in UNSUPPORTED:
            raise self.refuse(UNSUPPORTED[token.text])
        if self.at("choice"):
            return [self.choice()]
        if self.at("rec"):
            keyword = self.next()
            name = self.kit_name("a recursion name")
            self.module.rec_names.add(name.text)
            return [_RecItem(keyword=keyword.token(), name=name.token(), body=self.block())]
        if self.at("continue"):
            keyword = self.next()
            name = self.kit_name("a recursion name")
            self.expect(";")
            return [ContinueStmt(keyword=keyword.token(), name=name.token())]
        if self.at("do"):
            return [self.do()]
        return list(self.messages())

    def choice(self) -> _ChoiceItem:
        keyword = self.next()
        self.expect("at")
        role = self.kit_name("a role name")
        blocks = [self.block()]
        if not self.at("or"):
            raise self.fail("'or' (a choice has two or more branches)")
        while self.at("or"):
            self.next()
            blocks.append(self.block())
        return _ChoiceItem(keyword=keyword.token(), role=role.token(), blocks=tuple(blocks))

    def do(self) -> _Do:
        keyword = self.next()
        name = self.name("a protocol name")
        if self.at("<"):
            raise self.refuse("protocol arguments")
        self.expect("(")
        args = [self.name("a role name")]
        while self.at(","):
            self.next()
            args.append(self.name("a role name"))
        self.expect(")")
        self.expect(";")
        return _Do(keyword=keyword, name=name, args=tuple(args))

    def messages(self) -> list[MessageStmt]:
        """``label(T) from A to B, C;``: one message per receiver."""
        start = self.peek()
        label, sort = self.signature()
        if self.at("@"):
            raise self.refuse("assertions (refinements)")
        if not self.at("from"):
            raise self.fail("'from' after a message signature")
        self.next()
        sender = self.kit_name("a role name")
        self.expect("to")
        receivers = [self.kit_name("a role name")]
        while self.at(","):
            self.next()
            receivers.append(self.kit_name("a role name"))
        if self.at("@"):
            raise self.refuse("assertions (refinements)")
        self.expect(";")
        tok = start.token(label)
        return [
            MessageStmt(sender=sender.token(), receiver=r.token(), label=tok, sort=sort)
            for r in receivers
        ]

    def signature(self) -> tuple[str, PayloadSort]:
        """A label and payload, or a declared ``sig`` name (a label with no payload)."""
        token = self.peek()
        if token.kind == _IDENT and self.peek(1).text != "(":
            self.next()
            if token.text not in self.module.sigs:
                raise self.fail(f"'(' after the label {token.text!r} (or a declared sig)")
            return token.text, Sort.UNIT
        label = ""
        if token.kind in (_IDENT, "number"):
            label = self.next().text
        elif not self.at("("):
            raise self.fail("a message (label(payload) from ROLE to ROLE;)")
        if not label or label[0].isdigit():
            label = "_" + label
        return label, self.payload()

    def payload(self) -> PayloadSort:
        """``()``, ``(T)`` or ``(T1, T2, ...)`` (a tuple has no ``unit`` component)."""
        self.expect("(")
        if self.at(")"):
            self.next()
            return Sort.UNIT
        parts = [self.payload_element()]
        while self.at(","):
            self.next()
            parts.append(self.payload_element())
        self.expect(")")
        if len(parts) == 1:
            return parts[0][0]
        unit = next((tok for sort, tok in parts if sort is Sort.UNIT), None)
        if unit is not None:
            raise ProtocolSyntaxError.at(
                unit.token(),
                "'unit' cannot be a component of a payload tuple",
                source=self.source,
                expected=f"a payload type other than unit ({_SORTS_HELP} or a declared type)",
            )
        return TupleSort(tuple(sort for sort, _ in parts))

    def payload_element(self) -> tuple[Sort | UserSort, _Tok]:
        """One payload type (an optional nuScr ``name:`` before it is dropped)."""
        token = self.peek()
        if token.kind == _IDENT and self.peek(1).text == ":":
            self.next()
            self.next()
            token = self.peek()
        name = self.qualified_name("a payload type")
        if self.at("{") or self.at("<"):
            raise self.refuse("refinements" if self.at("{") else "generic payload types")
        sort = self.module.types.get(name, _SORT_NAMES.get(name.lower()))
        if sort is None:
            declared = ", ".join(sorted(self.module.types)) or "none"
            raise ProtocolDefinitionError.at(
                token.token(),
                f"unknown payload type {name!r}: declare it with "
                f'\'type <...> "..." from "..." as {name};\'',
                source=self.source,
                expected=f"{_SORTS_HELP} or a declared type (declared: {declared})",
            )
        return sort, token


class _Expander:
    """Expands ``do`` calls of one module by substitution."""

    def __init__(self, module: _Module, source: str) -> None:
        self.module = module
        self.source = source
        self.recs: dict[tuple[str, tuple[str, ...]], str] = {}
        self.used: set[tuple[str, tuple[str, ...]]] = set()

    def protocol(self, g: _Global) -> ProtocolDecl:
        roles = {r.text: r.text for r in g.roles}
        key = (g.name.text, tuple(roles))
        body = self.call(g, key, g.keyword, roles, {})
        return ProtocolDecl(
            keyword=g.keyword.token("protocol"),
            name=g.name.token(),
            roles=tuple(r.token() for r in g.roles),
            body=body,
        )

    def call(
        self,
        g: _Global,
        key: tuple[str, tuple[str, ...]],
        at: _Tok,
        roles: dict[str, str],
        stack: dict[tuple[str, tuple[str, ...]], bool],
    ) -> tuple[Stmt, ...]:
        """``g``'s body with ``roles`` substituted; a ``rec`` when it calls itself."""
        body = self.items(g.body, roles, {**stack, key: True})
        if key not in self.used:
            return body
        self.used.discard(key)
        name = self.recs[key]
        return (RecStmt(keyword=at.token("rec"), name=at.token(name), body=body),)

    def items(
        self,
        items: tuple[_Item, ...],
        roles: dict[str, str],
        stack: dict[tuple[str, tuple[str, ...]], bool],
    ) -> tuple[Stmt, ...]:
        out: list[Stmt] = []
        last = len(items) - 1
        for index, item in enumerate(items):
            here = {k: tail and index == last for k, tail in stack.items()}
            out.extend(self.item(item, roles, here))
        return tuple(out)

    def item(
        self,
        item: _Item,
        roles: dict[str, str],
        stack: dict[tuple[str, tuple[str, ...]], bool],
    ) -> tuple[Stmt, ...]:
        def rename(token: Token) -> Token:
            return Token(Kind.NAME, roles.get(token.text, token.text), token.line, token.column)

        if isinstance(item, MessageStmt):
            return (
                MessageStmt(
                    sender=rename(item.sender),
                    receiver=rename(item.receiver),
                    label=item.label,
                    sort=item.sort,
                ),
            )
        if isinstance(item, _ChoiceItem):
            blocks = tuple(self.items(b, roles, stack) for b in item.blocks)
            return (ChoiceStmt(keyword=item.keyword, role=rename(item.role), blocks=blocks),)
        if isinstance(item, _RecItem):
            body = self.items(item.body, roles, stack)
            return (RecStmt(keyword=item.keyword, name=item.name, body=body),)
        if isinstance(item, ContinueStmt):
            return (item,)
        return self.do(item, roles, stack)

    def do(
        self,
        item: _Do,
        roles: dict[str, str],
        stack: dict[tuple[str, tuple[str, ...]], bool],
    ) -> tuple[Stmt, ...]:
        target = self.module.protocols.get(item.name.text)
        if target is None:
            known = ", ".join(sorted(self.module.protocols))
            raise self.error(
                f"'do {item.name.text}': no protocol of that name in this module",
                item.name,
                f"one of {known}",
            )
        args = tuple(self.argument(a, roles) for a in item.args)
        if len(args) != len(target.roles) or len(set(args)) != len(args):
            raise self.error(
                f"'do {item.name.text}' passes {len(args)} roles "
                f"({', '.join(args)}); {item.name.text} takes {len(target.roles)} distinct roles",
                item.name,
                f"{len(target.roles)} distinct roles",
            )
        key = (target.name.text, args)
        if key in stack:
            if not stack[key]:
                raise self.error(
                    f"'do {item.name.text}' calls a protocol being expanded, but not as its "
                    "last interaction: such recursion is not finite-state",
                    item.keyword,
                    "a recursive 'do' as the last interaction of the protocol it calls",
                )
            self.used.add(key)
            return (
                ContinueStmt(
                    keyword=item.keyword.token("continue"),
                    name=item.keyword.token(self.rec_name(key)),
                ),
            )
        mapping = {p.text: a for p, a in zip(target.roles, args, strict=True)}
        return self.call(target, key, item.keyword, mapping, stack)

    def argument(self, token: _Tok, roles: dict[str, str]) -> str:
        if token.text not in roles:
            raise self.error(
                f"undeclared role {token.text!r} passed to 'do'",
                token,
                f"one of the roles in scope ({', '.join(roles)})",
            )
        return roles[token.text]

    def rec_name(self, key: tuple[str, tuple[str, ...]]) -> str:
        if key not in self.recs:
            name, args = key
            params = tuple(r.text for r in self.module.protocols[name].roles)
            base = name if args == params else "_".join((name, *args))
            taken = self.module.rec_names | set(self.recs.values())
            while base in taken:
                base += "_"
            self.recs[key] = base
        return self.recs[key]

    def error(self, message: str, token: _Tok, expected: str) -> ProtocolDefinitionError:
        return ProtocolDefinitionError.at(
            token.token(), message, source=self.source, expected=expected
        )


def parse_scribble(text: str, source: str = "<string>") -> list[Protocol]:
    """Every non-``aux`` global protocol of a Scribble / nuScr module, ``do`` expanded."""
    reader = _Reader(tokenize(text, source), source)
    module = reader.read_module()
    expander = _Expander(module, source)
    return [
        Builder(expander.protocol(g), source).build()
        for g in module.protocols.values()
        if not g.aux
    ]


def is_scribble_path(path: str) -> bool:
    """Whether ``path`` names a Scribble / nuScr file by its suffix."""
    return path.lower().endswith(SUFFIXES)


def format_scribble(protocol: Protocol) -> str:
    """A Scribble module holding ``protocol`` (four-space indents, one statement a line)."""
    for role in protocol.roles:
        _writable(role, "role", protocol)
    lines = [f"module {protocol.name};", ""]
    names = _type_names(protocol)
    lines += [f'type <aura_kit> "{n}" from "aura_kit" as {n};' for n in names]
    lines += [""] if names else []
    roles = ", ".join(f"role {r}" for r in protocol.roles)
    lines.append(f"global protocol {protocol.name}({roles}) {{")
    _write(protocol.global_type, 1, lines, protocol)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _type_names(protocol: Protocol) -> list[str]:
    """The ``type`` declarations a module needs: built-in sorts first, then user sorts."""
    parts = {p for s in payload_sorts(protocol.global_type) for p in component_sorts(s)}
    kit = sorted(p.value for p in parts if isinstance(p, Sort) and p is not Sort.UNIT)
    users = sorted(p.name for p in parts if isinstance(p, UserSort))
    for name in users:
        _writable(name, "user sort", protocol)
        if name.lower() in _SORT_NAMES:
            raise ProtocolDefinitionError(
                f"cannot write {protocol.name} as Scribble: user sort {name!r} would be read "
                "back as a kit sort",
                source=protocol.source,
                text=name,
                expected=f"a user sort not named like {_SORTS_HELP}",
            )
    return kit + users


def _writable(name: str, what: str, protocol: Protocol) -> str:
    if name in SCRIBBLE_KEYWORDS:
        raise ProtocolDefinitionError(
            f"cannot write {protocol.name} as Scribble: {what} {name!r} is a Scribble keyword",
            source=protocol.source,
            text=name,
            expected=f"a {what} that is not a Scribble keyword",
        )
    return name


def _signature(sender: str, receiver: str, branch: Branch, protocol: Protocol) -> str:
    """``label(T, ...) from A to B;``."""
    label = _writable(branch.label, "label", protocol)
    payload = "" if branch.sort is Sort.UNIT else branch.sort.value
    return f"{label}({payload}) from {sender} to {receiver};"


def _write(g: GlobalType, depth: int, lines: list[str], protocol: Protocol) -> None:
    pad = "    " * depth
    while isinstance(g, Comm) and len(g.branches) == 1:
        lines.append(pad + _signature(g.sender, g.receiver, g.branches[0], protocol))
        g = g.branches[0].cont  # type: ignore[assignment]
    if isinstance(g, Var):
        lines.append(f"{pad}continue {g.var};")
    elif isinstance(g, Mu):
        lines.append(f"{pad}rec {g.var} {{")
        _write(g.body, depth + 1, lines, protocol)  # type: ignore[arg-type]
        lines.append(pad + "}")
    elif isinstance(g, Comm):
        for index, branch in enumerate(g.branches):
            lines.append(pad + (f"choice at {g.sender} {{" if index == 0 else "} or {"))
            lines.append(pad + "    " + _signature(g.sender, peer_of(g, branch), branch, protocol))
            _write(branch.cont, depth + 1, lines, protocol)  # type: ignore[arg-type]
        lines.append(pad + "}")
    else:
        assert isinstance(g, End)

"""Local type notation (see docs/protocol-language.md) and duality.

Notation: ``end`` · ``P!L(s).T`` · ``P!{L1(s).T1, L2.T2}`` · ``P?L(s).T`` ·
``P?{L1(s).T1, L2.T2}`` · ``rec X.T`` · ``X`` · and a non-directed select (its branches go
to different roles) ``{P!L1(s).T1, Q!L2.T2}``: each branch names its own partner.

Invariants:
- ``parse_local(format_local(t)) == t`` for every closed local type with identifier names
  (a recursion name no enclosing ``rec`` binds is refused); a label
  may be a keyword (``B!end.end``, ``rec X.A?{rec.X, stop.end}``): it always follows ``!``, ``?``,
  ``{`` or ``,``, so it is never read as a type;
- a unit payload prints without parentheses; ``L()`` and ``L(unit)`` parse as unit; a tuple
  prints as ``L(int, str)``; local text has no sort declarations, so any name that is not a
  built-in sort reads as a user sort (``L(Order)``);
- one branch prints without braces, several with braces, in branch order; a select whose
  branches go to one partner prints ``P!{...}`` (however it was written), one whose branches
  go to several prints ``{P!..., Q!...}``; braces opening a type hold sends only;
- ``dual`` swaps sends and receives and keeps everything else, so ``dual(dual(t)) == t``;
  it is for two-party types and refuses a type with several partners (a non-directed
  select among them) with ``ValueError``;
- every function here walks a type with an explicit stack, so any depth up to ``MAX_DEPTH``
  works under the default recursion limit; deeper text is a ``ProtocolSyntaxError``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aura_kit.arguments import check_type
from aura_kit.protocol.errors import ProtocolSyntaxError
from aura_kit.protocol.lexer import MAX_DEPTH, Kind, Token, TokenStream, tokenize
from aura_kit.protocol.syntax import parse_payload
from aura_kit.protocol.types import (
    AnyType,
    Branch,
    End,
    LocalType,
    Mu,
    PayloadSort,
    Recv,
    Send,
    Sort,
    Var,
    distinct_nodes,
    is_directed,
    peer_of,
    peers,
    rebuild,
    with_peers,
)

_LOCAL_KINDS = (End, Send, Recv, Mu, Var)


def format_branch(branch: Branch) -> str:
    """``Label(sort)``, or ``Label`` for a unit payload."""
    return branch.label if branch.sort is Sort.UNIT else f"{branch.label}({branch.sort.value})"


def format_local(t: LocalType) -> str:
    """The notation of a local type (written with a stack of pieces, no recursion)."""
    check_type("format_local t", t, _LOCAL_KINDS, "a local type")
    out: list[str] = []
    todo: list[LocalType | str] = [t]
    while todo:
        x = todo.pop()
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, End):
            out.append("end")
        elif isinstance(x, Var):
            out.append(x.var)
        elif isinstance(x, Mu):
            todo.append(x.body)  # type: ignore[arg-type]
            out.append(f"rec {x.var}.")
        else:
            todo.extend(reversed(_pieces(x)))
    return "".join(out)


def _pieces(t: Send | Recv) -> list[LocalType | str]:
    """A communication as text pieces and the continuations between them, in order."""
    head = f"{t.partner}{'!' if isinstance(t, Send) else '?'}"
    if len(t.branches) == 1:
        return [f"{head}{format_branch(t.branches[0])}.", t.branches[0].cont]  # type: ignore[list-item]
    nondirected = not is_directed(t)
    pieces: list[LocalType | str] = ["{" if nondirected else head + "{"]
    for i, b in enumerate(t.branches):
        to = f"{peer_of(t, b)}!" if nondirected else ""
        pieces += [f"{', ' if i else ''}{to}{format_branch(b)}.", b.cont]  # type: ignore[list-item]
    return [*pieces, "}"]


def parse_local(text: str, source: str = "<local type>") -> LocalType:
    """A closed local type from its notation; raises ``ProtocolSyntaxError``."""
    check_type("parse_local text", text, str, "the notation of a local type (str)")
    check_type("parse_local source", source, str, "a source name (str)")
    tokens = [t for t in tokenize(text, source) if t.kind is not Kind.NEWLINE]
    stream = TokenStream(tokens, source)
    result = _LocalParser(stream).parse()
    if not stream.at(Kind.EOF):
        raise stream.fail("end of input")
    return result


@dataclass(slots=True)
class _Hole:
    """A type being read whose continuation comes next: a ``rec`` body or a branch's."""

    var: str = ""  # a ``rec`` when set
    partner: str = ""  # of the branch being read
    send: bool = False
    braced: bool = False
    peered: bool = False  # ``{P!..., Q!...}``: each branch names its partner
    branches: list[tuple[str, Branch]] = field(default_factory=list)
    seen: set[str] = field(default_factory=set)  # the branches' labels, for a linear check
    label: Token | None = None
    sort: PayloadSort = Sort.UNIT


class _LocalParser:
    """Reads one local type with an explicit stack of holes (any depth, no recursion)."""

    def __init__(self, stream: TokenStream) -> None:
        self.stream = stream
        self.holes: list[_Hole] = []

    def parse(self) -> LocalType:
        while True:
            done = self.head()
            while done is not None:
                if not self.holes:
                    return done
                done = self.fill(self.holes[-1], done)

    def head(self) -> LocalType | None:
        """Read up to a continuation (open a hole, return None) or a whole leaf type."""
        stream = self.stream
        if len(self.holes) >= MAX_DEPTH:
            stream.depth = len(self.holes)
            stream.enter(MAX_DEPTH, "local types")
        if stream.at(Kind.NAME, "end"):
            stream.next()
            return End()
        if stream.at(Kind.NAME, "rec"):
            stream.next()
            var = stream.name("a recursion name").text
            stream.expect(Kind.DOT)
            self.holes.append(_Hole(var=var))
            return None
        if stream.at(Kind.LBRACE):
            stream.next()
            hole = _Hole(send=True, braced=True, peered=True)
            self.branch_head(hole)
            self.holes.append(hole)
            return None
        name = stream.name("'end', 'rec', a recursion name or a role")
        if not (stream.at(Kind.BANG) or stream.at(Kind.QUERY)):
            if not any(hole.var == name.text for hole in self.holes):
                raise ProtocolSyntaxError.at(
                    name,
                    f"unbound recursion name {name.text!r}",
                    source=stream.source,
                    expected="a name bound by an enclosing 'rec', or a role followed by ! or ?",
                )
            return Var(name.text)
        hole = _Hole(partner=name.text, send=stream.next().kind is Kind.BANG)
        if stream.at(Kind.LBRACE):
            stream.next()
            hole.braced = True
        self.branch_head(hole)
        self.holes.append(hole)
        return None

    def branch_head(self, hole: _Hole) -> None:
        if hole.peered:
            hole.partner = self.stream.name("a role followed by '!'").text
            if not self.stream.at(Kind.BANG):
                hint = " (a type that opens with '{' is a select to several roles: sends only)"
                raise self.stream.fail("'!'", hint=hint)
            self.stream.next()
        hole.label = self.stream.label()
        hole.sort = parse_payload(self.stream)
        self.stream.expect(Kind.DOT)

    def fill(self, hole: _Hole, cont: LocalType) -> LocalType | None:
        """Give the innermost hole its continuation; the finished type, or None to read on."""
        if hole.var:
            self.holes.pop()
            return Mu(hole.var, cont)
        label = hole.label
        assert label is not None
        if label.text in hole.seen:
            raise ProtocolSyntaxError.at(
                label,
                f"duplicate label {label.text!r}",
                source=self.stream.source,
                expected="distinct labels in one branch set",
            )
        hole.seen.add(label.text)
        hole.branches.append((hole.partner, Branch(label.text, hole.sort, cont)))
        if hole.braced and self.stream.at(Kind.COMMA):
            self.stream.next()
            self.branch_head(hole)
            return None
        if hole.braced:
            self.stream.expect(Kind.RBRACE, "',' or '}'")
        self.holes.pop()
        partner, branches = with_peers(hole.branches)
        return Send(partner, branches) if hole.send else Recv(partner, branches)


def _dual_node(role: str | None) -> Callable[[AnyType, tuple[AnyType, ...]], AnyType]:
    def node(t: AnyType, kids: tuple[AnyType, ...]) -> AnyType:
        if isinstance(t, Mu):
            return Mu(t.var, kids[0])
        assert isinstance(t, (Send, Recv))
        branches = tuple(Branch(b.label, b.sort, k) for b, k in zip(t.branches, kids, strict=True))
        partner = role or t.partner
        return Recv(partner, branches) if isinstance(t, Send) else Send(partner, branches)

    return node


def dual(t: LocalType, role: str | None = None) -> LocalType:
    """Swap sends and receives; with ``role``, the partner becomes ``role``.

    Meant for two-party types: ``dual(project(g, "A"), "A") == project(g, "B")`` when
    ``A`` and ``B`` are the only roles. Raises ``ValueError`` for several partners.
    """
    check_type("dual t", t, _LOCAL_KINDS, "a local type")
    if role is not None:
        check_type("dual role", role, str, "a role name (str) or None")
    if len(partners(t)) > 1:
        raise ValueError(f"dual needs a two-party type, found partners {sorted(partners(t))}")
    return _dual(t, role)


def _dual(t: LocalType, role: str | None) -> LocalType:
    def leaf(x: AnyType) -> AnyType | None:
        return None if isinstance(x, (Mu, Send, Recv)) else x

    return rebuild(t, leaf, _dual_node(role))  # type: ignore[return-value]


def partners(t: LocalType) -> frozenset[str]:
    """Every role a local type talks to."""
    return frozenset(p for x in distinct_nodes(t) if isinstance(x, (Send, Recv)) for p in peers(x))

"""Local type notation (SPEC §2.3) and duality.

Notation: ``end`` · ``P!L(s).T`` · ``P!{L1(s).T1, L2.T2}`` · ``P?L(s).T`` ·
``P?{L1(s).T1, L2.T2}`` · ``rec X.T`` · ``X``.

Invariants:
- ``parse_local(format_local(t)) == t`` for every local type with identifier names;
- a unit payload prints without parentheses; ``L()`` and ``L(unit)`` parse as unit;
- one branch prints without braces, several with braces, in branch order;
- ``dual`` swaps sends and receives and keeps everything else, so ``dual(dual(t)) == t``.
"""

from __future__ import annotations

from aura_kit.protocol.errors import ProtocolSyntaxError
from aura_kit.protocol.lexer import MAX_DEPTH, Kind, TokenStream, tokenize
from aura_kit.protocol.syntax import parse_payload
from aura_kit.protocol.types import Branch, End, LocalType, Mu, Recv, Send, Sort, Var


def format_branch(branch: Branch) -> str:
    """``Label(sort)``, or ``Label`` for a unit payload."""
    return branch.label if branch.sort is Sort.UNIT else f"{branch.label}({branch.sort.value})"


def format_local(t: LocalType) -> str:
    """The notation of a local type."""
    if isinstance(t, End):
        return "end"
    if isinstance(t, Var):
        return t.var
    if isinstance(t, Mu):
        return f"rec {t.var}.{format_local(t.body)}"  # type: ignore[arg-type]
    mark = "!" if isinstance(t, Send) else "?"
    parts = [f"{format_branch(b)}.{format_local(b.cont)}" for b in t.branches]  # type: ignore[arg-type]
    if len(parts) == 1:
        return f"{t.partner}{mark}{parts[0]}"
    return f"{t.partner}{mark}{{{', '.join(parts)}}}"


def parse_local(text: str, source: str = "<local type>") -> LocalType:
    """A local type from its notation; raises ``ProtocolSyntaxError``."""
    tokens = [t for t in tokenize(text, source) if t.kind is not Kind.NEWLINE]
    stream = TokenStream(tokens, source)
    result = _local(stream)
    if not stream.at(Kind.EOF):
        raise stream.fail("end of input")
    return result


def _local(stream: TokenStream) -> LocalType:
    stream.enter(MAX_DEPTH, "local types")
    try:
        return _local_type(stream)
    finally:
        stream.leave()


def _local_type(stream: TokenStream) -> LocalType:
    if stream.at(Kind.NAME, "end"):
        stream.next()
        return End()
    if stream.at(Kind.NAME, "rec"):
        stream.next()
        var = stream.name("a recursion name").text
        stream.expect(Kind.DOT)
        return Mu(var, _local(stream))
    name = stream.name("'end', 'rec', a recursion name or a role")
    if not (stream.at(Kind.BANG) or stream.at(Kind.QUERY)):
        return Var(name.text)
    send = stream.next().kind is Kind.BANG
    branches = _branch_set(stream) if stream.at(Kind.LBRACE) else (_branch(stream),)
    return Send(name.text, branches) if send else Recv(name.text, branches)


def _branch_set(stream: TokenStream) -> tuple[Branch, ...]:
    stream.expect(Kind.LBRACE)
    branches: list[Branch] = []
    while True:
        token = stream.peek()
        branch = _branch(stream)
        if any(b.label == branch.label for b in branches):
            raise ProtocolSyntaxError(
                f"duplicate label {branch.label!r}",
                source=stream.source,
                line=token.line,
                column=token.column,
                text=branch.label,
                expected="distinct labels in one branch set",
            )
        branches.append(branch)
        if not stream.at(Kind.COMMA):
            break
        stream.next()
    stream.expect(Kind.RBRACE, "',' or '}'")
    return tuple(branches)


def _branch(stream: TokenStream) -> Branch:
    label = stream.name("a message label").text
    sort = parse_payload(stream)
    stream.expect(Kind.DOT)
    return Branch(label, sort, _local(stream))


def dual(t: LocalType, role: str | None = None) -> LocalType:
    """Swap sends and receives; with ``role``, the partner becomes ``role``.

    Meant for two-party types: ``dual(project(g, "A"), "A") == project(g, "B")`` when
    ``A`` and ``B`` are the only roles. Raises ``ValueError`` for several partners.
    """
    if len(partners(t)) > 1:
        raise ValueError(f"dual needs a two-party type, found partners {sorted(partners(t))}")
    return _dual(t, role)


def _dual(t: LocalType, role: str | None) -> LocalType:
    if isinstance(t, Mu):
        return Mu(t.var, _dual(t.body, role))  # type: ignore[arg-type]
    if isinstance(t, (Send, Recv)):
        branches = tuple(Branch(b.label, b.sort, _dual(b.cont, role)) for b in t.branches)  # type: ignore[arg-type]
        partner = role or t.partner
        return Recv(partner, branches) if isinstance(t, Send) else Send(partner, branches)
    return t


def partners(t: LocalType) -> frozenset[str]:
    """Every role a local type talks to."""
    if isinstance(t, Mu):
        return partners(t.body)  # type: ignore[arg-type]
    if isinstance(t, (Send, Recv)):
        out = frozenset({t.partner})
        for b in t.branches:
            out |= partners(b.cont)  # type: ignore[arg-type]
        return out
    return frozenset()

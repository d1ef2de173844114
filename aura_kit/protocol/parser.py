"""Reading and writing ``.choreo`` text.

Invariants:
- ``parse_protocol`` accepts exactly one protocol; ``parse_protocols`` one or more with
  distinct names;
- ``format_protocol(p)`` parses back to a protocol with an equal global type and roles; it
  declares the user sorts the protocol carries (``sort A, B``) before the protocol;
- errors name the source, line and column and change nothing.
"""

from __future__ import annotations

from pathlib import Path as FilePath

from aura_kit.arguments import check_type
from aura_kit.data import read_text
from aura_kit.protocol.build import Builder
from aura_kit.protocol.errors import ProtocolDefinitionError, ProtocolSyntaxError
from aura_kit.protocol.scribble import format_scribble, is_scribble_path, parse_scribble
from aura_kit.protocol.syntax import parse_file
from aura_kit.protocol.types import (
    Branch,
    Comm,
    End,
    GlobalType,
    Mu,
    Protocol,
    Sort,
    Var,
    peer_of,
    user_sorts,
)

SYNTAXES = ("choreo", "scribble")


def parse_protocols(
    text: str, source: str = "<string>", *, syntax: str = "choreo"
) -> list[Protocol]:
    """Every protocol in ``text``, in order; ``syntax="scribble"`` reads Scribble / nuScr."""
    check_type("parse_protocols text", text, str, "protocol text (str)")
    check_type("parse_protocols source", source, str, "a source name (str)")
    if syntax == "scribble":
        return parse_scribble(text, source)
    if syntax != "choreo":
        raise ProtocolSyntaxError(
            f"unknown syntax {syntax!r}",
            source=source,
            text=syntax,
            expected=f"one of {', '.join(SYNTAXES)}",
        )
    protocols: list[Protocol] = []
    names: set[str] = set()
    for decl in parse_file(text, source):
        if decl.name.text in names:
            raise ProtocolDefinitionError.at(
                decl.name,
                f"duplicate protocol {decl.name.text!r}",
                source=source,
                expected="distinct protocol names in one file",
            )
        names.add(decl.name.text)
        protocols.append(Builder(decl, source).build())
    return protocols


def parse_protocol(text: str, source: str = "<string>") -> Protocol:
    """The single protocol in ``text``."""
    check_type("parse_protocol text", text, str, "protocol text (str)")
    check_type("parse_protocol source", source, str, "a source name (str)")
    decls = parse_file(text, source)
    if len(decls) != 1:
        raise ProtocolSyntaxError.at(
            decls[1].keyword,
            f"found {len(decls)} protocols",
            source=source,
            expected="exactly one protocol",
        )
    return Builder(decls[0], source).build()


def load_protocols(path: str | FilePath) -> list[Protocol]:
    """Every protocol in the file at ``path``, or in the bundled file it names (``two_buyer``)."""
    text, source, _ = read_text("protocols", path)
    return parse_protocols(text, source=source, syntax=syntax_of(source))


def load_protocol(path: str | FilePath) -> Protocol:
    """The single protocol in the file at ``path``, or the bundled protocol it names.

    A name is a bundled file's stem (``two_buyer``) or a declared protocol name (``TwoBuyer``);
    see ``aura_kit.data`` for the rule.
    """
    text, source, declared = read_text("protocols", path)
    if is_scribble_path(source):
        return _only(parse_scribble(text, source), source)
    if declared is None:
        return parse_protocol(text, source=source)
    return next(p for p in parse_protocols(text, source=source) if p.name == declared)


def syntax_of(path: str) -> str:
    """``scribble`` for a ``.scr`` / ``.nuscr`` path, else ``choreo``."""
    return "scribble" if is_scribble_path(path) else "choreo"


def _only(protocols: list[Protocol], source: str) -> Protocol:
    if len(protocols) != 1:
        raise ProtocolSyntaxError(
            f"found {len(protocols)} protocols",
            source=source,
            text=", ".join(p.name for p in protocols),
            expected="exactly one protocol (use load_protocols for a module)",
        )
    return protocols[0]


def format_protocol(protocol: Protocol, *, syntax: str = "choreo") -> str:
    """``.choreo`` text for ``protocol`` (two-space indents, one statement a line).

    ``syntax="scribble"`` writes a Scribble module instead (see ``protocol.scribble``).
    """
    if syntax == "scribble":
        return format_scribble(protocol)
    if syntax != "choreo":
        raise ProtocolSyntaxError(
            f"unknown syntax {syntax!r}",
            source=protocol.source,
            text=syntax,
            expected=f"one of {', '.join(SYNTAXES)}",
        )
    declared = user_sorts(protocol.global_type)
    lines = [f"sort {', '.join(declared)}", ""] if declared else []
    lines.append(f"protocol {protocol.name}({', '.join(protocol.roles)}) {{")
    _statements(protocol.global_type, 1, lines)
    lines.append("}")
    return "\n".join(lines) + "\n"


def _message(sender: str, receiver: str, branch: Branch) -> str:
    payload = "" if branch.sort is Sort.UNIT else f"({branch.sort.value})"
    return f"{sender} -> {receiver}: {branch.label}{payload}"


def _statements(g: GlobalType, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    while True:
        if isinstance(g, End):
            return
        if isinstance(g, Var):
            lines.append(f"{pad}continue {g.var}")
            return
        if isinstance(g, Mu):
            lines.append(f"{pad}rec {g.var} {{")
            _statements(g.body, depth + 1, lines)  # type: ignore[arg-type]
            lines.append(f"{pad}}}")
            return
        if len(g.branches) == 1:
            lines.append(pad + _message(g.sender, g.receiver, g.branches[0]))
            g = g.branches[0].cont  # type: ignore[assignment]
            continue
        _choice(g, depth, lines)
        return


def _choice(g: Comm, depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    for index, branch in enumerate(g.branches):
        opener = f"choice at {g.sender} {{" if index == 0 else "} or {"
        lines.append(pad + opener)
        lines.append("  " * (depth + 1) + _message(g.sender, peer_of(g, branch), branch))
        _statements(branch.cont, depth + 1, lines)  # type: ignore[arg-type]
    lines.append(pad + "}")

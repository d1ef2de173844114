"""Meaning of a parsed ``.choreo`` declaration: statements to a global type.

Invariants:
- the type is built right to left with a fall-through continuation (top level: ``end``);
  choice branches and rec bodies fall through to what follows them;
- roles are declared once; every message is between two distinct declared roles;
- a user sort is declared once per file (``sort NAME``), is not a built-in sort's name, and
  every payload names only built-in or declared sorts;
- every branch of ``choice at A`` starts with a message from ``A``, with labels distinct
  across the whole choice; the branches may go to different receivers (a non-directed
  choice: each branch of the ``Comm`` carries its receiver as its peer, see ``types``), and
  projection decides whether every other role learns the branch soundly;
- a branch that is ``continue X`` restarts ``rec X``: X's body must open with one message
  from the chooser (its opening message); X's body is then built as that message followed by
  a fresh ``Mu`` on a new name, and the branch is that message jumping to the new name;
- ``continue X`` names an enclosing ``rec X``; a rec is guarded; the statements after a
  ``rec X`` never mention an outer ``X`` (the rec would capture it);
- no statement follows one that never falls through (``continue``, ``end``, or a choice /
  rec all of whose paths end that way);
- every ``Comm`` and ``Mu`` carries its ``Place``; ``positions`` records the same
  ``(line, column)`` by path.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TypeAlias

from aura_kit.protocol.errors import ProtocolDefinitionError
from aura_kit.protocol.lexer import Token
from aura_kit.protocol.limits import check_role_count, check_type_limits
from aura_kit.protocol.syntax import (
    SORTS,
    ChoiceStmt,
    ContinueStmt,
    EndStmt,
    MessageStmt,
    ProtocolDecl,
    RecStmt,
    Stmt,
    first_token,
)
from aura_kit.protocol.types import (
    Branch,
    Comm,
    End,
    GlobalType,
    Mu,
    Path,
    Place,
    PositionTable,
    Protocol,
    Sort,
    Var,
    free_vars,
    peer_of,
    unfold,
    with_peers,
)

_BUILT_IN = frozenset(s.value for s in Sort)

# A position tree parallel to a built type: (line, column, children) or None for leaves.
PosTree: TypeAlias = "tuple[int, int, tuple[PosTree, ...]] | None"
Built: TypeAlias = tuple[GlobalType, PosTree]


class Builder:
    """Checks one declaration and builds its ``Protocol``."""

    def __init__(self, decl: ProtocolDecl, source: str) -> None:
        self.decl = decl
        self.source = source
        self.roles: set[str] = set()
        self.sorts: set[str] = set()
        self.loops: dict[str, RecStmt] = {}  # enclosing recs by name, while checking
        self.choices: list[ChoiceStmt] = []  # enclosing choices, innermost last
        self.restarted: set[int] = set()  # ids of recs some branch restarts
        self.resume: dict[str, tuple[MessageStmt, str]] = {}  # while building: X -> (head, Y)

    def error(self, message: str, token: Token, expected: str) -> ProtocolDefinitionError:
        """A definition error at ``token``."""
        return ProtocolDefinitionError.at(token, message, source=self.source, expected=expected)

    def place(self, token: Token) -> Place:
        """Where ``token`` stands in the source."""
        return Place(self.source, token.line, token.column)

    def build(self) -> Protocol:
        """The checked protocol."""
        check_role_count(self.decl.roles, self.source)
        for token in self.decl.roles:
            if token.text in self.roles:
                raise self.error(f"duplicate role {token.text!r}", token, "distinct role names")
            self.roles.add(token.text)
        self.check_sorts()
        self.check_block(self.decl.body, frozenset())
        check_type_limits(self.decl.body, self.source)
        global_type, tree = self.block(self.decl.body, (End(), None))
        positions: dict[Path, tuple[int, int]] = {}
        _flatten(tree, (), positions)
        return Protocol(
            name=self.decl.name.text,
            roles=tuple(t.text for t in self.decl.roles),
            global_type=global_type,
            source=self.source,
            positions=PositionTable(positions),
        )

    # -- left-to-right checks ------------------------------------------------------

    def check_block(self, stmts: tuple[Stmt, ...], scope: frozenset[str]) -> None:
        """Check roles, choices, scopes and reachability, in source order."""
        for index, stmt in enumerate(stmts):
            if index > 0 and not falls_through(stmts[index - 1]):
                raise self.error(
                    f"unreachable statement: {_never_past(stmts[index - 1])}",
                    first_token(stmt),
                    "no statement after one that never falls through",
                )
            self.check_stmt(stmt, scope)

    def check_stmt(self, stmt: Stmt, scope: frozenset[str]) -> None:
        """Check one statement and the blocks inside it."""
        if isinstance(stmt, MessageStmt):
            self.check_message(stmt)
        elif isinstance(stmt, ChoiceStmt):
            self.check_choice(stmt, scope)
        elif isinstance(stmt, RecStmt):
            outer = self.loops.get(stmt.name.text)
            self.loops[stmt.name.text] = stmt
            self.check_block(stmt.body, scope | {stmt.name.text})
            if outer is None:
                del self.loops[stmt.name.text]
            else:
                self.loops[stmt.name.text] = outer
        elif isinstance(stmt, ContinueStmt) and stmt.name.text not in scope:
            bound = ", ".join(sorted(scope)) or "none"
            raise self.error(
                f"unbound continue {stmt.name.text!r}: it must name an enclosing rec"
                f"{_did_you_mean(stmt.name.text, scope)}",
                stmt.name,
                f"the name of an enclosing rec (bound: {bound})",
            )

    def check_sorts(self) -> None:
        """The file's user sorts: each declared once, none named like a built-in sort."""
        for token in self.decl.sorts:
            if token.text in _BUILT_IN:
                raise self.error(
                    f"sort {token.text!r} is built in and cannot be declared",
                    token,
                    f"a name other than the built-in sorts ({SORTS})",
                )
            if token.text in self.sorts:
                raise self.error(
                    f"duplicate sort {token.text!r}", token, "each sort declared once per file"
                )
            self.sorts.add(token.text)

    def check_sort_names(self, stmt: MessageStmt) -> None:
        """Every user sort a payload names is declared in the file."""
        for token in stmt.sort_names:
            if token.text not in self.sorts:
                declared = ", ".join(sorted(self.sorts)) or "none declared"
                meant = _did_you_mean(token.text, self.sorts | _BUILT_IN)
                raise self.error(
                    f"unknown sort {token.text!r}{meant}",
                    token,
                    f"a built-in sort ({SORTS}) or one declared with 'sort NAME' ({declared})",
                )

    def check_role(self, token: Token) -> None:
        """A role must be declared in the protocol header."""
        if token.text not in self.roles:
            declared = ", ".join(t.text for t in self.decl.roles)
            meant = _did_you_mean(token.text, [t.text for t in self.decl.roles])
            raise self.error(
                f"undeclared role {token.text!r}{meant}",
                token,
                f"one of the declared roles ({declared})",
            )

    def check_message(self, stmt: MessageStmt) -> None:
        """Both roles declared and distinct."""
        self.check_role(stmt.sender)
        self.check_role(stmt.receiver)
        self.check_sort_names(stmt)
        if stmt.sender.text == stmt.receiver.text:
            raise self.error(
                f"message from {stmt.sender.text!r} to itself",
                stmt.receiver,
                f"a receiver other than {stmt.sender.text!r}",
            )

    def check_choice(self, stmt: ChoiceStmt, scope: frozenset[str]) -> None:
        """Every branch starts with a message from the chooser; labels differ across branches.

        A branch may start with that message directly, or with a ``rec`` or a choice of the
        same chooser that starts with it (its messages are the branch's opening messages).
        The opening messages may go to different receivers (a non-directed choice).
        """
        self.check_role(stmt.role)
        chooser = stmt.role.text
        seen: set[str] = set()
        self.choices.append(stmt)
        for block in stmt.blocks:
            restart = block[0] if block and isinstance(block[0], ContinueStmt) else None
            if restart is not None:
                self.check_stmt(restart, scope)
            for head in self.heads(block, chooser, stmt.keyword):
                why = restart.name if restart is not None else head.label
                if head.label.text in seen:
                    raise self.error(
                        f"duplicate label {head.label.text!r} in choice{_restart_note(block)}",
                        why,
                        "distinct labels in one choice",
                    )
                seen.add(head.label.text)
            self.check_block(block, scope)
        self.choices.pop()

    def heads(self, block: tuple[Stmt, ...], chooser: str, at: Token) -> list[MessageStmt]:
        """The opening messages of a choice branch (through ``rec`` and same-chooser choices)."""
        head = block[0] if block else None
        if isinstance(head, ContinueStmt):
            return [self.restart_head(head, chooser)]
        if isinstance(head, RecStmt) and head.body:
            return self.heads(head.body, chooser, head.keyword)
        if isinstance(head, ChoiceStmt) and head.role.text == chooser:
            return [h for b in head.blocks for h in self.heads(b, chooser, head.keyword)]
        if not isinstance(head, MessageStmt) or head.sender.text != chooser:
            raise self.error(
                f"every branch of 'choice at {chooser}' must start with a message from "
                f"{chooser}; this branch starts with {_opening(head)}",
                first_token(head) if head else at,
                f"a message from {chooser!r} first in each branch",
            )
        return [head]

    def restart_head(self, stmt: ContinueStmt, chooser: str) -> MessageStmt:
        """The opening message of the loop a ``continue`` branch restarts (one, from ``chooser``).

        Refused: a loop whose body opens with this very choice (the branch would send nothing
        before coming back here), and a loop whose body opens with anything but one message.
        """
        name = stmt.name.text
        loop = self.loops[name]
        first = loop.body[0] if loop.body else None
        branch = f"branch 'continue {name}' of 'choice at {chooser}'"
        if _opens_with(loop.body, self.choices[-1]):
            raise self.error(
                f"{branch} restarts rec {name!r} at this very choice, so it sends nothing "
                "before coming back here (an unguarded loop); drop the branch: the other "
                "branches already say what the loop offers",
                stmt.name,
                "a rec whose body opens with a message before this choice",
            )
        if not isinstance(first, MessageStmt):
            raise self.error(
                f"{branch} restarts rec {name!r}, whose body opens with {_opening(first)}; "
                "a continue branch needs the loop's body to open with one message",
                stmt.name,
                f"rec {name!r} opening with a message from {chooser!r}",
            )
        if first.sender.text != chooser:
            raise self.error(
                f"{branch} restarts rec {name!r}, whose opening message is from "
                f"{first.sender.text!r}, not from the chooser {chooser!r}",
                stmt.name,
                f"rec {name!r} opening with a message from {chooser!r}",
            )
        self.restarted.add(id(loop))
        return first

    # -- right-to-left construction ------------------------------------------------

    def block(self, stmts: tuple[Stmt, ...], k: Built) -> Built:
        """The meaning of ``stmts`` followed by ``k``."""
        result = k
        for stmt in reversed(stmts):
            result = self.stmt(stmt, result)
        return result

    def stmt(self, stmt: Stmt, rest: Built) -> Built:
        """The meaning of one statement followed by ``rest``."""
        if isinstance(stmt, MessageStmt):
            branch = Branch(stmt.label.text, stmt.sort, rest[0])
            comm = Comm(
                stmt.sender.text, stmt.receiver.text, (branch,), place=self.place(stmt.sender)
            )
            return comm, (stmt.sender.line, stmt.sender.column, (rest[1],))
        if isinstance(stmt, ChoiceStmt):
            return self.choice(stmt, rest)
        if isinstance(stmt, RecStmt):
            return self.rec(stmt, rest)
        if isinstance(stmt, ContinueStmt):
            return Var(stmt.name.text), None
        return End(), None

    def choice(self, stmt: ChoiceStmt, rest: Built) -> Built:
        """One ``Comm`` whose branches fall through to ``rest``.

        A branch headed by a ``rec`` is unfolded once, and one headed by a choice of the same
        chooser gives all its branches, so the choice's branches are the opening messages,
        each with its own receiver (``with_peers`` puts them in canonical form).
        """
        branches: list[tuple[str, Branch]] = []
        trees: list[PosTree] = []
        for block in stmt.blocks:
            if isinstance(block[0], ContinueStmt):
                first, resume = self.resume[block[0].name.text]
                opening = Branch(first.label.text, first.sort, Var(resume))
                branches.append((first.receiver.text, opening))
                trees.append(None)
                continue
            built, tree = self.block(block, rest)
            head = unfold(built)
            assert isinstance(head, Comm)
            branches.extend((peer_of(head, b), b) for b in head.branches)
            if isinstance(block[0], MessageStmt) and tree is not None:
                trees.extend(tree[2])
            else:  # unfolded or flattened: no single source place per branch
                trees.extend(None for _ in head.branches)
        receiver, canonical = with_peers(branches)
        comm = Comm(stmt.role.text, receiver, canonical, place=self.place(stmt.keyword))
        return comm, (stmt.keyword.line, stmt.keyword.column, tuple(trees))

    def rec(self, stmt: RecStmt, rest: Built) -> Built:
        """``Mu`` whose body falls through to ``rest``; guarded and capture-free."""
        name = stmt.name.text
        if name in free_vars(rest[0]):
            raise self.error(
                f"rec {name!r} would capture a later 'continue {name}' of an outer rec",
                stmt.name,
                "a recursion name not used by an enclosing rec",
            )
        body, tree = self.loop_body(stmt, rest)
        if _unguarded(body, frozenset({name})):
            raise self.error(
                f"unguarded recursion: rec {name!r} reaches a continue before any message",
                stmt.keyword,
                "a message before 'continue'",
            )
        return Mu(name, body, place=self.place(stmt.keyword)), (
            stmt.keyword.line,
            stmt.keyword.column,
            (tree,),
        )

    def loop_body(self, stmt: RecStmt, rest: Built) -> Built:
        """The body of ``rec X``; when a branch restarts X, re-rooted after its first message.

        ``rec X { m; S }`` becomes ``Mu X. m. Mu Y. S`` with Y fresh, and a branch
        ``continue X`` inside S becomes ``m`` jumping to Y: restarting X sends m and goes on
        where X's body goes on after m, which is Y.
        """
        if id(stmt) not in self.restarted:
            return self.block(stmt.body, rest)
        first = stmt.body[0]
        assert isinstance(first, MessageStmt)
        name, resume = stmt.name.text, self.fresh(stmt.name.text)
        outer = self.resume.get(name)
        self.resume[name] = (first, resume)
        after, tree = self.block(stmt.body[1:], rest)
        if outer is None:
            del self.resume[name]
        else:
            self.resume[name] = outer
        inner = Mu(resume, after, place=self.place(first.sender))
        where = (first.sender.line, first.sender.column)
        return self.stmt(first, (inner, (*where, (tree,))))

    def fresh(self, name: str) -> str:
        """A rec name after ``name`` used by no rec or continue in the declaration."""
        taken = set(_names(self.decl.body))
        candidate = f"{name}_resume"
        while candidate in taken:
            candidate += "_"
        return candidate


def _names(stmts: tuple[Stmt, ...]) -> Iterable[str]:
    """Every rec and continue name in ``stmts``, at any depth."""
    for stmt in stmts:
        if isinstance(stmt, (RecStmt, ContinueStmt)):
            yield stmt.name.text
        if isinstance(stmt, RecStmt):
            yield from _names(stmt.body)
        if isinstance(stmt, ChoiceStmt):
            for block in stmt.blocks:
                yield from _names(block)


def _opens_with(stmts: tuple[Stmt, ...], target: ChoiceStmt) -> bool:
    """Whether ``target`` is reached from the start of ``stmts`` before any message."""
    head = stmts[0] if stmts else None
    if head is target:
        return True
    if isinstance(head, RecStmt):
        return _opens_with(head.body, target)
    if isinstance(head, ChoiceStmt):
        return any(_opens_with(b, target) for b in head.blocks)
    return False


def _restart_note(block: tuple[Stmt, ...]) -> str:
    """Why a restarting branch has the label it has."""
    if block and isinstance(block[0], ContinueStmt):
        name = block[0].name.text
        return f" (branch 'continue {name}' sends the opening message of rec {name!r})"
    return ""


def falls_through(stmt: Stmt) -> bool:
    """Whether control can reach the statement after ``stmt``."""
    if isinstance(stmt, (ContinueStmt, EndStmt)):
        return False
    if isinstance(stmt, ChoiceStmt):
        return any(_block_falls_through(b) for b in stmt.blocks)
    if isinstance(stmt, RecStmt):
        return _block_falls_through(stmt.body)
    return True


def _did_you_mean(word: str, names: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a close spelling among ``names``, else nothing."""
    close = difflib.get_close_matches(word, sorted(names), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _opening(head: Stmt | None) -> str:
    """How a wrong first statement of a choice branch is named in the error."""
    if head is None:
        return "nothing (it is empty)"
    if isinstance(head, MessageStmt):
        return f"a message from {head.sender.text!r}"
    return repr(head.keyword.text)


def _never_past(stmt: Stmt) -> str:
    """Why control never gets past ``stmt`` (it does not fall through)."""
    if isinstance(stmt, ContinueStmt):
        return f"'continue {stmt.name.text}' above jumps back, so nothing after it runs"
    if isinstance(stmt, EndStmt):
        return "'end' above finishes the protocol, so nothing after it runs"
    if isinstance(stmt, RecStmt):
        return (
            f"the loop 'rec {stmt.name.text}' above never exits (every path in it ends in "
            "'continue' or 'end'), so nothing after it runs"
        )
    return "every branch of the choice above ends in 'continue' or 'end', so nothing after it runs"


def _block_falls_through(stmts: tuple[Stmt, ...]) -> bool:
    return not stmts or falls_through(stmts[-1])


def _unguarded(t: GlobalType, bound: frozenset[str]) -> bool:
    while isinstance(t, Mu):
        bound |= {t.var}
        t = t.body  # type: ignore[assignment]
    return isinstance(t, Var) and t.var in bound


def _flatten(tree: PosTree, path: Path, out: dict[Path, tuple[int, int]]) -> None:
    """Record every node of ``tree`` by path, in preorder, with a stack."""
    stack: list[tuple[PosTree, Path]] = [(tree, path)]
    while stack:
        node, where = stack.pop()
        if node is None:
            continue
        line, column, children = node
        out[where] = (line, column)
        stack.extend((child, (*where, i)) for i, child in reversed(list(enumerate(children))))

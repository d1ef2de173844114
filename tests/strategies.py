"""Hypothesis strategies shared by every test package.

- ``global_types(roles)``: closed, guarded global types with distinct labels per message
  and no self-messages (not always projectable); payloads are built-in sorts, user sorts
  (``Order``, ``Receipt``) or tuples of two or three of them;
- ``well_formed_global_types()``: global types that also project onto every role;
- ``protocols()``: ``Protocol`` values around well-formed global types;
- ``local_types(partners)``: closed, guarded local types;
- ``choreographies()``: ``.choreo`` protocols read from text, with nested ``rec``s, ``continue``
  to inner and outer loops, payloads of built-in sorts, the file's own sorts (``sort Order,
  Receipt``) and tuples of them, choices of 2-3 branches (a branch may open with a ``rec`` or a
  nested choice of the same chooser; with three roles or more, a choice's branches sometimes
  go to different receivers, and then usually tell the other receivers which branch was
  taken), 2-5 roles and keyword labels; every
  statement after one that never falls through is left out, so most parse (not all project).
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import strategies as st

from aura_kit.protocol import (
    AnyType,
    Branch,
    Comm,
    End,
    GlobalType,
    LocalType,
    Mu,
    PayloadSort,
    Protocol,
    Recv,
    Send,
    Sort,
    TupleSort,
    UserSort,
    Var,
    parse_protocol,
    roles,
    well_formed,
)

LABELS = ("Ping", "Pong", "Data", "Stop", "Go", "Ok", "end", "rec", "continue", "or")
VARIABLES = ("X", "Y", "Loop")
SORTS = tuple(Sort)
USER_SORTS = (UserSort("Order"), UserSort("Receipt"))
# A tuple's components: any sort but unit (a tuple never holds unit).
_PARTS = tuple(s for s in SORTS if s is not Sort.UNIT) + USER_SORTS


def payload_sorts() -> st.SearchStrategy[PayloadSort]:
    """A built-in sort, a user sort, or a tuple of 2-3 components (simplest first)."""
    tuples = st.lists(st.sampled_from(_PARTS), min_size=2, max_size=3).map(
        lambda parts: TupleSort(tuple(parts))
    )
    return st.one_of(st.sampled_from(SORTS), st.sampled_from(USER_SORTS), tuples)


Bound = tuple[str, ...]
# Draws one communication node ``depth`` deep with ``bound`` recursion variables in scope.
DrawComm = Callable[[st.DrawFn, int, Bound], AnyType]


def _branches(draw: st.DrawFn, depth: int, bound: Bound, comm: DrawComm) -> tuple[Branch, ...]:
    picked = draw(st.lists(st.sampled_from(LABELS), min_size=1, max_size=3, unique=True))
    return tuple(
        Branch(label, draw(payload_sorts()), _type(draw, depth - 1, bound, comm))
        for label in picked
    )


def _type(draw: st.DrawFn, depth: int, bound: Bound, comm: DrawComm) -> AnyType:
    """``end``, a bound variable, ``rec`` around a communication, or a communication."""
    options = ["end", "comm"] if depth > 0 else ["end"]
    if bound:
        options.append("var")
    if depth > 1:
        options.append("mu")
    kind = draw(st.sampled_from(options))
    if kind == "end":
        return End()
    if kind == "var":
        return Var(draw(st.sampled_from(bound)))
    if kind == "mu":
        var = draw(st.sampled_from(VARIABLES))
        return Mu(var, comm(draw, depth - 1, (*bound, var)))
    return comm(draw, depth, bound)


def _comm(role_names: tuple[str, ...]) -> DrawComm:
    def comm(draw: st.DrawFn, depth: int, bound: Bound) -> Comm:
        sender, receiver = draw(st.permutations(role_names))[:2]
        return Comm(sender, receiver, _branches(draw, depth, bound, comm))

    return comm


@st.composite
def global_types(
    draw: st.DrawFn, role_names: tuple[str, ...] = ("A", "B", "C"), max_depth: int = 5
) -> GlobalType:
    """A closed, guarded global type over ``role_names``."""
    return _type(draw, max_depth, (), _comm(role_names))  # type: ignore[return-value]


def well_formed_global_types(max_depth: int = 5) -> st.SearchStrategy[GlobalType]:
    """Global types that keep every rule and project onto every role (full merge)."""
    two = global_types(("A", "B"), max_depth)
    three = global_types(("A", "B", "C"), max_depth).filter(well_formed)
    return st.one_of(two, three)


@st.composite
def protocols(draw: st.DrawFn, max_depth: int = 5) -> Protocol:
    """A well-formed ``Protocol``; its declared roles may include an idle one."""
    g = draw(well_formed_global_types(max_depth))
    declared = roles(g) + (("Idle",) if draw(st.booleans()) else ())
    return Protocol(name="Random", roles=declared or ("A",), global_type=g)


def _local_comm(partners: tuple[str, ...]) -> DrawComm:
    def comm(draw: st.DrawFn, depth: int, bound: Bound) -> Send | Recv:
        partner = draw(st.sampled_from(partners))
        branches = _branches(draw, depth, bound, comm)
        return Send(partner, branches) if draw(st.booleans()) else Recv(partner, branches)

    return comm


@st.composite
def local_types(
    draw: st.DrawFn, partners: tuple[str, ...] = ("Client", "Server"), max_depth: int = 5
) -> LocalType:
    """A closed, guarded local type talking to ``partners``."""
    return _type(draw, max_depth, (), _local_comm(partners))  # type: ignore[return-value]


ROLES = ("A", "B", "C", "D", "E")
LOOPS = ("X", "Y", "Z", "W")
# Statement kinds, simplest first (Hypothesis shrinks towards the first); a loop body ends
# with a ``continue`` more often than not, as real loops do.
_KINDS = ("message", "continue", "end", "choice", "rec", "continue")
# How a choice branch opens (simplest first): its message, a rec, or a nested choice.
_HEADS = ("message", "message", "rec", "nested")


# Payloads a generated message carries: none most often, built-in and declared sorts, tuples.
_CHOREO_PAYLOADS = ("", "", "(int)", "(str)", "(Order)", "(int, Order)", "(Receipt, str, bool)")


def _pair(draw: st.DrawFn, role_names: tuple[str, ...]) -> tuple[str, str]:
    sender, receiver = draw(st.permutations(role_names))[:2]
    return sender, receiver


def _message(draw: st.DrawFn, sender: str, receiver: str, label: str | None = None) -> str:
    label = label or draw(st.sampled_from(LABELS))
    sort = draw(st.sampled_from(_CHOREO_PAYLOADS))
    return f"{sender} -> {receiver}: {label}{sort}"


def _block(
    draw: st.DrawFn, role_names: tuple[str, ...], loops: Bound, depth: int, pad: str
) -> tuple[list[str], bool]:
    """1-3 statements (a loop body starts with a message); whether the block falls through."""
    lines: list[str] = []
    for index in range(draw(st.integers(1, 3))):
        first = not index and bool(loops)
        kinds = [k for k in _KINDS if _allowed(k, loops, depth, first=first)]
        kind = draw(st.sampled_from(kinds))
        if kind == "message":
            lines.append(pad + _message(draw, *_pair(draw, role_names)))
        elif kind in ("continue", "end"):
            lines.append(
                pad + ("end" if kind == "end" else f"continue {draw(st.sampled_from(loops))}")
            )
            return lines, False
        elif kind == "choice":
            body, falls = _choice(draw, role_names, loops, depth, pad)
            lines += body
            if not falls:
                return lines, False
        else:
            body, falls = _rec(draw, role_names, loops, depth, pad)
            lines += body
            if not falls:
                return lines, False
    return lines, True


def _rec(
    draw: st.DrawFn, role_names: tuple[str, ...], loops: Bound, depth: int, pad: str
) -> tuple[list[str], bool]:
    """``rec`` around a block among some of the roles; it falls through when its body does."""
    name = draw(st.sampled_from([n for n in LOOPS if n not in loops]))
    cast = _cast(draw, role_names)
    body, falls = _block(draw, cast, (*loops, name), depth - 1, pad + "  ")
    return [f"{pad}rec {name} {{", *body, f"{pad}}}"], falls


def _cast(draw: st.DrawFn, role_names: tuple[str, ...]) -> tuple[str, ...]:
    """The roles a loop body talks among: all of them, or (often) two or more of them."""
    if len(role_names) == 2 or not draw(st.integers(0, 3)):
        return role_names
    size = draw(st.integers(2, len(role_names) - 1))
    return tuple(draw(st.permutations(role_names))[:size])


def _allowed(kind: str, loops: Bound, depth: int, *, first: bool) -> bool:
    if first:  # a loop body opens with a message or a choice: the loop is guarded
        return kind in ("message", "choice") and (kind == "message" or depth > 0)
    if kind == "continue":
        return bool(loops)
    if kind in ("choice", "rec"):
        return depth > 0 and (kind == "choice" or len(loops) < len(LOOPS))
    return True


def _choice(
    draw: st.DrawFn,
    role_names: tuple[str, ...],
    loops: Bound,
    depth: int,
    pad: str,
    head: tuple[str, str, list[str]] | None = None,
) -> tuple[list[str], bool]:
    """``choice at A`` with 2-3 branches, each opening with a distinct label.

    A branch opens with its message, or (deeper down) with a ``rec`` whose body opens with
    it, or with a nested choice of the same chooser and receiver (``head`` gives that
    choice its chooser, receiver and labels). The branches go to one receiver, or (sometimes,
    see ``_receivers``) to different ones: then a branch usually goes on by telling each
    other receiver the branch (``chooser -> R: label_R``).
    """
    if head is None:
        chooser, receiver = _pair(draw, role_names)
        picked = draw(st.lists(st.sampled_from(LABELS), min_size=2, max_size=3, unique=True))
        receivers = _receivers(draw, role_names, chooser, receiver, len(picked))
    else:
        chooser, receiver, picked = head
        receivers = [receiver] * len(picked)
    tell = len(set(receivers)) > 1 and draw(st.integers(0, 4)) > 0
    # told roles only, mostly, in the branches of a choice that tells its receivers
    told = (chooser, *sorted(set(receivers))) if tell and draw(st.integers(0, 3)) else role_names
    common, bystander = _common_send(draw, role_names, (chooser, *receivers))
    lines, falls = [], False
    for index, label in enumerate(picked):
        receiver = receivers[index]
        lines.append(pad + (f"choice at {chooser} {{" if index == 0 else "} or {"))
        shape = draw(st.sampled_from(_HEADS)) if depth > 0 else "message"
        if shape == "nested":
            inner_head = (chooser, receiver, [label, f"{label}_{depth}"])
            body, inner = _choice(draw, role_names, loops, depth - 1, pad + "  ", inner_head)
            lines += body
            falls = falls or inner
            continue
        looped = shape == "rec" and len(loops) < len(LOOPS)
        name = draw(st.sampled_from([n for n in LOOPS if n not in loops])) if looped else ""
        inner_pad = pad + ("    " if looped else "  ")
        lines += [f"{pad}  rec {name} {{"] if looped else []
        lines.append(inner_pad + _message(draw, chooser, receiver, label))
        if tell:
            others = sorted(set(receivers) - {receiver})
            lines += [f"{inner_pad}{chooser} -> {r}: {label}_{r}" for r in others]
        if common:  # the bystander sends the same message, then learns the branch
            lines += [inner_pad + common, f"{inner_pad}{receiver} -> {bystander}: {label}"]
        if draw(st.booleans()):
            scope = (*loops, name) if looped else loops
            body, inner = _block(draw, told, scope, depth - 1, inner_pad)
            lines += body
            falls = falls or inner
        else:
            falls = True
        lines += [f"{pad}  }}"] if looped else []
    return [*lines, pad + "}"], falls


def _receivers(
    draw: st.DrawFn, role_names: tuple[str, ...], chooser: str, receiver: str, count: int
) -> list[str]:
    """Each branch's receiver: ``receiver`` for all, or (half the time, with three roles or
    more) receivers drawn among the other roles, at least two of them different."""
    others = [r for r in role_names if r != chooser]
    if len(others) < 2 or draw(st.integers(0, 1)):
        return [receiver] * count
    picked = [draw(st.sampled_from(others)) for _ in range(count)]
    if len(set(picked)) == 1:
        picked[-1] = next(r for r in others if r != picked[0])
    return picked


def _common_send(
    draw: st.DrawFn, role_names: tuple[str, ...], opening: tuple[str, ...]
) -> tuple[str, str]:
    """Sometimes a bystander's message, the same in every branch, and that bystander.

    The send-prefix merge accepts such a bystander when it learns the branch afterwards.
    """
    bystanders = [r for r in role_names if r not in opening]
    if not bystanders or draw(st.integers(0, 3)):
        return "", ""
    sender = draw(st.sampled_from(bystanders))
    to = draw(st.sampled_from([r for r in role_names if r != sender]))
    return _message(draw, sender, to), sender


def _loop_nest(draw: st.DrawFn, role_names: tuple[str, ...], pad: str) -> list[str]:
    """``rec X { messages; rec Y { message; jumps to X or Y } }``, the inner among fewer roles."""
    outer, inner = draw(st.permutations(LOOPS))[:2]
    cast = _cast(draw, role_names)
    lines = [f"{pad}rec {outer} {{"]
    lines += [
        pad + "  " + _message(draw, *_pair(draw, role_names))
        for index in range(draw(st.integers(1, 2)))
    ]
    lines += [f"{pad}  rec {inner} {{", pad + "    " + _message(draw, *_pair(draw, cast))]
    tail, falls = _jumps(draw, cast, (outer, inner), pad + "    ")
    lines += [*tail, f"{pad}  }}"]
    if falls and draw(st.booleans()):
        lines.append(pad + "  " + _message(draw, *_pair(draw, role_names)))
    return [*lines, f"{pad}}}"]


def _jumps(
    draw: st.DrawFn, cast: tuple[str, ...], loops: Bound, pad: str
) -> tuple[list[str], bool]:
    """A ``continue`` to either loop, or a choice whose branches jump, fall through or end."""
    if draw(st.booleans()):
        return [f"{pad}continue {draw(st.sampled_from(loops))}"], False
    chooser, receiver = _pair(draw, cast)
    picked = draw(st.lists(st.sampled_from(LABELS), min_size=2, max_size=3, unique=True))
    lines, falls = [], False
    for index, label in enumerate(picked):
        lines.append(pad + (f"choice at {chooser} {{" if index == 0 else "} or {"))
        lines.append(pad + "  " + _message(draw, chooser, receiver, label))
        if draw(st.booleans()):
            lines.append(pad + "  " + _message(draw, *_pair(draw, cast)))
        end = draw(st.sampled_from(("continue", "continue", "fall", "end")))
        if end == "continue":
            lines.append(f"{pad}  continue {draw(st.sampled_from(loops))}")
        elif end == "end":
            lines.append(f"{pad}  end")
        falls = falls or end == "fall"
    return [*lines, pad + "}"], falls


@st.composite
def choreographies(draw: st.DrawFn, max_depth: int = 3) -> Protocol:
    """A protocol read from generated ``.choreo`` text (see the module docstring)."""
    role_names = ROLES[: draw(st.integers(2, len(ROLES)))]
    if draw(st.booleans()):  # half of them are loop nests: where loops go wrong
        body = _loop_nest(draw, role_names, "  ")
    else:
        body, _ = _block(draw, role_names, (), max_depth, "  ")
    text = (
        "\n".join(
            ["sort Order, Receipt", "", f"protocol Random({', '.join(role_names)}) {{", *body, "}"]
        )
        + "\n"
    )
    return parse_protocol(text, source="<generated>")


@st.composite
def restart_loops(draw: st.DrawFn) -> str:
    """``.choreo`` text: ``rec X`` opening with a message, then a choice with a ``continue X``
    branch (at a random place among the branches), other branches ending, looping or going on.

    Roles, senders, receivers and labels are random, so the text may be refused; the tests
    say what must hold of what is accepted.
    """
    role_names = ROLES[: draw(st.integers(2, 3))]
    chooser, receiver = _pair(draw, role_names)
    fits = draw(st.integers(0, 3)) > 0  # mostly an opener the choice can restart with
    opener = (chooser, receiver) if fits else _pair(draw, role_names)
    lines = ["  rec X {", f"    {_message(draw, *opener, 'Go' if fits else None)}"]
    if draw(st.booleans()):
        lines.append(f"    {_message(draw, *_pair(draw, role_names))}")
    lines.append(f"    choice at {chooser} {{")
    labels = draw(st.permutations([label for label in LABELS if label != "Go"]))
    others = [
        [
            _message(draw, chooser, receiver, labels[index]),
            *draw(st.sampled_from([[], ["continue X"], ["end"]])),
        ]
        for index in range(draw(st.integers(1, 2)))
    ]
    others.insert(draw(st.integers(0, len(others))), ["continue X"])
    for index, branch in enumerate(others):
        if index:
            lines.append("    } or {")
        lines.extend(f"      {line}" for line in branch)
    lines += ["    }", "  }"]
    if draw(st.booleans()):
        lines.append(f"  {_message(draw, *_pair(draw, role_names))}")
    return "\n".join([f"protocol Restart({', '.join(role_names)}) {{", *lines, "}"]) + "\n"

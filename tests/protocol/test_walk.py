"""The stack walks behind ``==``, ``hash`` and ``repr`` of the nested types."""

from __future__ import annotations

from aura_kit.protocol.types import Branch, Comm, End, Mu, Recv, Send, Sort, Var
from aura_kit.protocol.walk import Node, Shape, children, head


def _chain(n: int) -> Send | End:
    t: Send | End = End()
    for i in range(n):
        t = Send("B", (Branch(f"m{i}", Sort.INT, t),))
    return t


def test_walk_repr_matches_dataclass_text() -> None:
    """A small type's repr is the plain dataclass text, one-branch tuples included."""
    t = Mu("X", Recv("A", (Branch("a", Sort.UNIT, Var("X")), Branch("b", Sort.INT, End()))))
    c = Comm("A", "B", (Branch("m", Sort.STR, End()),))
    assert repr(t) == (
        "Mu(var='X', body=Recv(partner='A', branches=(Branch(label='a', "
        "sort=<Sort.UNIT: 'unit'>, cont=Var(var='X')), Branch(label='b', "
        "sort=<Sort.INT: 'int'>, cont=End()))))"
    )
    assert repr(c) == (
        "Comm(sender='A', receiver='B', branches=(Branch(label='m', "
        "sort=<Sort.STR: 'str'>, cont=End()),))"
    )


def test_walk_deep_equal_types_hash_equal() -> None:
    """Two separately built deep chains are equal and hash equal; one label apart they differ."""
    a, b = _chain(5000), _chain(5000)
    assert a is not b and a == b and hash(a) == hash(b)
    other = Send("B", (Branch("other", Sort.INT, a),))
    assert other != Send("B", (Branch("m5000", Sort.INT, b),))


def test_walk_kinds_differ_and_shapes_are_declared() -> None:
    """Different node kinds never compare equal; each node class says its shape."""
    assert Send("A", ()) != Recv("A", ())
    assert Comm("A", "B", ()) != Send("A", ())
    assert (Mu.shape, Comm.shape, Send.shape, Recv.shape) == (
        Shape.MU,
        Shape.COMM,
        Shape.PEER,
        Shape.PEER,
    )
    assert all(issubclass(k, Node) for k in (Mu, Comm, Send, Recv))


def test_walk_head_and_children_split_a_node() -> None:
    """``head`` keeps the flat fields, ``children`` the continuations in branch order."""
    t = Comm("A", "B", (Branch("x", Sort.INT, End()), Branch("y", Sort.BOOL, Var("X"))))
    assert head(t) == (Comm, "A", "B", 2)
    assert children(t) == (End(), Var("X"))
    assert children(Mu("X", End())) == (End(),)

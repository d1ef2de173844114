"""How a ``continue`` is resolved: by substitution (the kit) or to the nearest loop (the seed).

Invariants:
- the kit unfolds by substitution, so ``continue X`` goes back to the ``rec X`` that binds it,
  however many loops lie in between; the machine compiles a local type as it is;
- the seed's machine jumps to the nearest enclosing loop: ``nearest_loop(t)`` is ``t`` with
  every ``continue`` renamed to the innermost ``rec`` around it, which is what that jump does;
  a type without nested loops (or whose every ``continue`` names its innermost loop) comes
  back equal to itself;
- the rewrite never adds or removes a communication; only ``Var`` names change.
"""

from __future__ import annotations

from aura_kit.protocol.types import End, LocalType, Mu, Recv, Send, Var

__all__ = ["nearest_loop"]


def nearest_loop(local: LocalType) -> LocalType:
    """``local`` with each ``continue`` sent to its innermost enclosing loop."""
    return _rewrite(local, None, {})


def _rewrite(
    t: LocalType, inner: str | None, memo: dict[tuple[int, str | None], LocalType]
) -> LocalType:
    key = (id(t), inner)
    done = memo.get(key)
    if done is not None:
        return done
    out: LocalType
    if isinstance(t, Var):
        out = t if inner is None or t.var == inner else Var(inner)
    elif isinstance(t, Mu):
        body = _rewrite(t.body, t.var, memo)  # type: ignore[arg-type]
        out = t if body is t.body else Mu(t.var, body, place=t.place)
    elif isinstance(t, (Send, Recv)):
        branches = tuple(b.with_cont(_rewrite(b.cont, inner, memo)) for b in t.branches)  # type: ignore[arg-type]
        same = all(n.cont is o.cont for n, o in zip(branches, t.branches, strict=True))
        out = t if same else type(t)(t.partner, branches)
    else:
        assert isinstance(t, End)
        out = t
    memo[key] = out
    return out

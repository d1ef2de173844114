"""Soundness: a protocol that ``well_formed`` accepts runs without deadlock or orphan.

The property runs ``SOUNDNESS_EXAMPLES`` generated protocols (200, or 5,000 under
``AURA_PROFILE=long``); the hand-made shapes below are the tricky cases it must cover.
"""

from __future__ import annotations

import pytest
from hypothesis import event, find, given, settings

from aura_kit.machine import CodeImage, ExploreResult, explore
from aura_kit.protocol import (
    Comm,
    ProjectionError,
    Protocol,
    TupleSort,
    UserSort,
    format_local,
    format_protocol,
    is_directed,
    parse_protocol,
    project,
    project_all,
    well_formed,
)
from aura_kit.protocol.types import distinct_nodes
from tests.conftest import SOUNDNESS_EXAMPLES
from tests.strategies import choreographies, protocols

MAX_STATES = 20_000


def run_all(p: Protocol) -> ExploreResult:
    """Every schedule of ``p``'s projections, two messages per buffer."""
    return explore(CodeImage.from_protocol(p), max_states=MAX_STATES, buffer_capacity=2)


def verdict(p: Protocol) -> str:
    """What went wrong in a run of ``p``, for an assertion message."""
    result = run_all(p)
    found = [f"{f.kind}: {f.detail}" for f in (*result.deadlocks, *result.orphans)]
    projections = "\n".join(f"  {r}: {format_local(t)}" for r, t in project_all(p).items())
    return f"{format_protocol(p)}projects to\n{projections}\nand runs into {found}"


@settings(max_examples=SOUNDNESS_EXAMPLES)
@given(choreographies())
def test_soundness_well_formed_protocols_run_safely(p: Protocol) -> None:
    """Every generated protocol that well_formed accepts has no deadlock and no orphan."""
    if not well_formed(p):
        event("refused")
        return
    event("accepted, non-directed choice" if _nondirected(p) else "accepted")
    result = run_all(p)
    assert not result.deadlocks and not result.orphans, verdict(p)


def _nondirected(p: Protocol) -> bool:
    """Whether some choice of ``p`` has branches to different receivers."""
    return any(isinstance(x, Comm) and not is_directed(x) for x in distinct_nodes(p.global_type))


def test_soundness_strategy_draws_accepted_nondirected_choices() -> None:
    """The choreography strategy reaches well-formed protocols with a non-directed choice."""
    found = find(choreographies(), lambda p: _nondirected(p) and well_formed(p))
    assert _nondirected(found) and well_formed(found)
    assert not run_all(found).deadlocks


def test_soundness_strategy_draws_refused_nondirected_choices() -> None:
    """It also reaches non-directed choices that projection refuses (the other side)."""
    found = find(choreographies(), lambda p: _nondirected(p) and not well_formed(p))
    assert _nondirected(found) and not well_formed(found)


@settings(max_examples=SOUNDNESS_EXAMPLES)
@given(protocols())
def test_soundness_generated_global_types_run_safely(p: Protocol) -> None:
    """Every well-formed generated global type (any payload sorts) has no deadlock, no orphan."""
    result = run_all(p)
    assert not result.deadlocks and not result.orphans, verdict(p)


def _payloads(p: Protocol) -> set[type]:
    """The kinds of payload sort ``p``'s messages carry (``Sort``, ``UserSort``, ``TupleSort``)."""
    return {type(s) for s in _sorts_of(p.global_type)}


def _sorts_of(g: object) -> list[object]:
    branches = getattr(g, "branches", ())
    found = [b.sort for b in branches]
    for b in branches:
        found += _sorts_of(b.cont)
    body = getattr(g, "body", None)
    return found + (_sorts_of(body) if body is not None else [])


@pytest.mark.parametrize("kind", [UserSort, TupleSort])
@pytest.mark.parametrize("strategy", [choreographies, protocols])
def test_soundness_strategies_draw_user_sorts_and_tuples(strategy, kind) -> None:
    """Both protocol strategies reach well-formed protocols carrying user sorts and tuples."""
    found = find(strategy(), lambda p: well_formed(p) and kind in _payloads(p))
    assert well_formed(found)


def run_all_with(p: Protocol, merge: str) -> ExploreResult:
    """Every schedule of ``p``'s projections under ``merge``, two messages per buffer."""
    image = CodeImage.from_protocol(p, merge=merge)
    return explore(image, max_states=MAX_STATES, buffer_capacity=2)


@settings(max_examples=SOUNDNESS_EXAMPLES)
@given(choreographies())
def test_soundness_send_prefix_merge_runs_safely(p: Protocol) -> None:
    """Every generated protocol the send-prefix merge accepts has no deadlock and no orphan."""
    if not well_formed(p, "send-prefix"):
        event("refused")
        return
    event("accepted, full merge too" if well_formed(p) else "accepted by send-prefix only")
    result = run_all_with(p, "send-prefix")
    assert not result.deadlocks and not result.orphans, format_protocol(p)


SEND_PREFIX_ONLY = """protocol P(A, B, C) {
  choice at A {
    A -> B: l1
    C -> B: m
    B -> C: x
  } or {
    A -> B: l2
    C -> B: m
    B -> C: y
  }
}
"""


def test_soundness_send_prefix_accepts_an_equal_send_and_runs_it() -> None:
    """A bystander sending the same message in both branches is refused by full merge only."""
    p = parse_protocol(SEND_PREFIX_ONLY)
    with pytest.raises(ProjectionError):
        project_all(p)
    assert format_local(project(p, "C", "send-prefix")) == "B!m.B?{x.end, y.end}"
    result = run_all_with(p, "send-prefix")
    assert not result.deadlocks and not result.orphans


def test_soundness_send_prefix_refuses_different_sends() -> None:
    """Sends with different labels still do not merge: the bystander would have to guess."""
    p = parse_protocol(
        SEND_PREFIX_ONLY.replace("C -> B: m\n    B -> C: y", "C -> B: n\n    B -> C: y")
    )
    with pytest.raises(ProjectionError, match="send-prefix-merge"):
        project_all(p, "send-prefix")


ISSUE = """protocol P(A, B, C) {
  rec X {
    A -> C: x
    rec Y {
      choice at A {
        A -> B: m
        continue Y
      } or {
        A -> B: n
        continue X
      }
    }
  }
}
"""

# Tricky shapes that well_formed accepts: each must run safely.
SAFE = {
    "outer continue from a choice branch": """protocol P(A, B, C) {
  rec X {
    A -> C: x
    rec Y {
      choice at A {
        A -> B: m
        A -> C: m
        continue Y
      } or {
        A -> B: n
        A -> C: n
        continue X
      }
    }
  }
}
""",
    "bystander told in every branch": """protocol P(A, B, C) {
  rec X {
    choice at A {
      A -> B: more
      B -> C: more
      continue X
    } or {
      A -> B: stop
      B -> C: stop
    }
  }
}
""",
    "loop exit falls through to another role's messages": """protocol P(A, B, C) {
  rec X {
    choice at A {
      A -> B: again
      A -> C: again
      continue X
    } or {
      A -> B: done
      A -> C: done
    }
  }
  B -> C: result
  C -> A: thanks
}
""",
    "inner loop that only jumps back is that jump": """protocol P(A, B, C) {
  rec X {
    C -> A: c
    rec Y {
      A -> B: m
      continue X
    }
  }
}
""",
    "bystander absent from a loop that exits to end": """protocol P(A, B, C) {
  C -> A: hello
  rec X {
    choice at A {
      A -> B: more
      continue X
    } or {
      A -> B: stop
    }
  }
}
""",
}

# Tricky shapes that must be refused: the named role cannot know what to do next.
UNSAFE = {
    "issue: inner loop jumps back to an outer loop of C": (ISSUE, "C", 5),
    "loop exit falls through to a role never told of the exit": (
        """protocol P(A, B, C) {
  rec X {
    choice at A {
      A -> B: again
      continue X
    } or {
      A -> B: done
    }
  }
  B -> C: result
}
""",
        "C",
        3,
    ),
    "outer continue from one branch, the bystander told in the other only": (
        """protocol P(A, B, C) {
  rec X {
    A -> B: x
    rec Y {
      choice at A {
        A -> B: m
        A -> C: m
        continue Y
      } or {
        A -> B: n
        continue X
      }
    }
  }
}
""",
        "C",
        5,
    ),
}


@pytest.mark.parametrize("name", sorted(UNSAFE))
def test_soundness_tricky_shapes_are_refused_at_the_choice(name: str) -> None:
    """Each unsafe shape is refused with a ProjectionError for its role at its choice."""
    text, role, line = UNSAFE[name]
    p = parse_protocol(text)
    assert not well_formed(p)
    with pytest.raises(ProjectionError) as info:
        project_all(p)
    assert (info.value.role, info.value.line) == (role, line)


def test_soundness_issue_protocol_is_refused_with_its_place() -> None:
    """The inner loop that jumps back to the outer one refuses C, at the choice's line."""
    p = parse_protocol(ISSUE, source="issue.choreo")
    assert not well_formed(p)
    for target in (p, p.global_type):
        with pytest.raises(ProjectionError) as info:
            project(target, "C")
        error = info.value
        assert (error.role, error.sender, error.receiver, error.labels) == (
            "C",
            "A",
            "B",
            ("m", "n"),
        )
        assert (error.source, error.line, error.column) == ("issue.choreo", 5, 7)
        assert "cannot project onto 'C'" in error.message and "line 5" in error.message


@pytest.mark.parametrize("name", sorted(SAFE))
def test_soundness_tricky_shapes_are_accepted_and_run_safely(name: str) -> None:
    """Each hand-made tricky shape is well formed and explores without deadlock or orphan."""
    p = parse_protocol(SAFE[name])
    assert well_formed(p)
    result = run_all(p)
    assert result.complete and not result.deadlocks and not result.orphans, verdict(p)


def test_soundness_jump_only_loop_projects_to_the_jump() -> None:
    """C takes part in the outer loop only; the inner loop is, for C, a jump back to it."""
    p = parse_protocol(SAFE["inner loop that only jumps back is that jump"])
    assert format_local(project(p, "C")) == "rec X.A!c.X"
    assert format_local(project(p, "B")) == "rec X.rec Y.A?m.X"

"""Choice branches that are ``continue X``: the loop restarted, re-rooted after its opener."""

from __future__ import annotations

import pytest
from hypothesis import event, given, settings

from aura_kit.machine import (
    CodeImage,
    EventKind,
    ProtocolMachine,
    QueuedHandler,
    StepResult,
    explore,
)
from aura_kit.protocol import (
    ProjectionError,
    ProtocolDefinitionError,
    format_local,
    format_protocol,
    free_vars,
    parse_protocol,
    parse_protocols,
    project_all,
    well_formed,
)
from tests.strategies import restart_loops

RETRY = """protocol Retry(A, B) {
  rec X {
    A -> B: try(int)
    B -> A: result(bool)
    choice at A {
      A -> B: stop
    } or {
      continue X
    }
  }
}
"""

NESTED = """protocol Nested(A, B) {
  rec X {
    A -> B: open
    rec Y {
      choice at A {
        A -> B: more
        continue Y
      } or {
        continue X
      } or {
        A -> B: close
      }
    }
  }
  B -> A: bye
}
"""


def locals_of(text: str) -> dict[str, str]:
    """Each role's local type, formatted."""
    return {r: format_local(t) for r, t in project_all(parse_protocol(text)).items()}


def refusal(text: str) -> ProtocolDefinitionError:
    """The error ``text`` is refused with."""
    with pytest.raises(ProtocolDefinitionError) as info:
        parse_protocol(text)
    return info.value


def test_continue_branch_sends_the_loop_opener_and_resumes_after_it() -> None:
    """``continue X`` as a branch is X's opening message, then what follows it in X."""
    assert locals_of(RETRY) == {
        "A": "rec X.B!try(int).rec X_resume.B?result(bool).B!{stop.end, try(int).X_resume}",
        "B": "rec X.A?try(int).rec X_resume.A!result(bool).A?{stop.end, try(int).X_resume}",
    }


def test_continue_branch_to_an_outer_loop_from_an_inner_one() -> None:
    """Restarting the outer loop from inside an inner one resumes after the outer opener."""
    resume = "rec X_resume.rec Y.B!{more.Y, open.X_resume, close.B?bye.end}"
    resume_b = "rec X_resume.rec Y.A?{more.Y, open.X_resume, close.A!bye.end}"
    assert locals_of(NESTED) == {"A": f"rec X.B!open.{resume}", "B": f"rec X.A?open.{resume_b}"}


def test_continue_branch_fresh_name_avoids_names_in_use() -> None:
    """The resume point's name is used by no rec of the protocol."""
    text = RETRY.replace("A -> B: stop", "rec X_resume {\n A -> B: stop\n continue X_resume\n }")
    assert "rec X_resume_.B?result(bool)" in locals_of(text)["A"]


FLATTENED = """protocol P(A, B) {
  rec X {
    A -> B: a
    choice at A {
      choice at A { A -> B: b } or { continue X }
    } or {
      A -> B: c
      continue X
    }
  }
}
"""

IN_REC_BRANCH = """protocol Q(A, B) {
  choice at A {
    rec X {
      A -> B: a
      B -> A: r
      choice at A { A -> B: b } or { continue X }
    }
  } or {
    A -> B: c
  }
  B -> A: done
}
"""


def test_continue_branch_inside_a_flattened_choice() -> None:
    """A restart inside a same-chooser nested choice joins the flattened branches."""
    assert locals_of(FLATTENED) == {
        "A": "rec X.B!a.rec X_resume.B!{b.end, a.X_resume, c.X}",
        "B": "rec X.A?a.rec X_resume.A?{b.end, a.X_resume, c.X}",
    }


def test_continue_branch_inside_a_rec_headed_branch() -> None:
    """A rec-headed branch whose loop is restarted: unfolded once, resumed after ``a``."""
    assert locals_of(IN_REC_BRANCH) == {
        "A": "B!{a.rec X_resume.B?r.B!{b.B?done.end, a.X_resume}, c.B?done.end}",
        "B": "A?{a.rec X_resume.A!r.A?{b.A!done.end, a.X_resume}, c.A!done.end}",
    }


@pytest.mark.parametrize("text", [RETRY, NESTED, FLATTENED, IN_REC_BRANCH])
def test_continue_branch_round_trips_and_explores_clean(text: str) -> None:
    """format_protocol reads back to the same type; every schedule is free of deadlock/orphan."""
    p = parse_protocol(text)
    assert parse_protocol(format_protocol(p)).global_type == p.global_type
    assert well_formed(p)
    result = explore(CodeImage.from_protocol(p))
    assert result.complete and (len(result.deadlocks), len(result.orphans)) == (0, 0)


def test_continue_branch_machine_runs_to_completion() -> None:
    """The machine runs Retry: A retries twice through the continue branch, then stops."""
    picks = iter(["try", "try", "stop"])
    m = ProtocolMachine()
    handler = QueuedHandler(fallback=True, choose=lambda *a: next(picks))
    m.load(CodeImage.from_protocol(parse_protocol(RETRY)), handler=handler)
    assert m.run(200) is StepResult.ALL_DONE
    labels = [e.label for e in m.events if e.kind in (EventKind.SENT, EventKind.SELECTED)]
    assert labels == ["try", "result", "try", "result", "try", "result", "stop"]


def test_continue_branch_in_scribble() -> None:
    """The same shape read from Scribble gives the same global type."""
    scribble = """global protocol Retry(role A, role B) {
      rec X {
        try(int) from A to B;
        result(bool) from B to A;
        choice at A { stop() from A to B; } or { continue X; }
      }
    }"""
    (imported,) = parse_protocols(scribble, syntax="scribble")
    assert imported.global_type == parse_protocol(RETRY).global_type


def test_continue_branch_at_this_very_choice_is_refused() -> None:
    """A loop whose body opens with the choice itself: the branch would send nothing."""
    text = "protocol P(A, B) {\n  rec X {\n    choice at A {\n      A -> B: m\n"
    text += "      continue X\n    } or {\n      continue X\n    }\n  }\n}\n"
    error = refusal(text)
    assert "branch 'continue X' of 'choice at A' restarts rec 'X' at this very choice" in str(error)
    assert (error.line, error.column) == (7, 16)


def test_continue_branch_loop_opening_with_a_choice_is_refused() -> None:
    """The restarted loop must open with one message, not with a choice."""
    text = "protocol P(A, B) {\n  rec X {\n    choice at A {\n      A -> B: p\n"
    text += "      choice at A { A -> B: q } or { continue X }\n"
    text += "    } or {\n      A -> B: r\n    }\n  }\n}\n"
    error = refusal(text)
    assert "whose body opens with 'choice'" in str(error)
    assert (error.line, error.column) == (5, 47)


@pytest.mark.parametrize(
    ("opener", "reason", "column"),
    [
        ("B -> A: ping", "whose opening message is from 'B', not from the chooser 'A'", 45),
        ("A -> B: q", "duplicate label 'q' in choice (branch 'continue X' sends the opening", 45),
    ],
)
def test_continue_branch_opener_must_fit_the_choice(opener: str, reason: str, column: int) -> None:
    """The loop's opener must be from the chooser, with a label new to the choice."""
    text = f"protocol P(A, B, C) {{\n  rec X {{\n    {opener}\n"
    text += "    choice at A { A -> B: q } or { continue X }\n  }\n}\n"
    error = refusal(text)
    assert reason in str(error)
    assert (error.line, error.column) == (4, column)


def test_continue_branch_unbound_is_refused_as_unbound() -> None:
    """A continue branch with no enclosing rec of that name is an unbound continue."""
    error = refusal("protocol P(A, B) {\n  choice at A { A -> B: q } or { continue X }\n}\n")
    assert "unbound continue 'X'" in str(error)


@settings(max_examples=200)
@given(restart_loops())
def test_continue_branch_accepted_shapes_are_closed_and_run_safely(text: str) -> None:
    """Accepted restart shapes are closed and guarded; well-formed ones never deadlock."""
    try:
        p = parse_protocol(text, source="<generated>")
    except ProtocolDefinitionError:
        event("refused")
        return
    assert not free_vars(p.global_type)
    assert parse_protocol(format_protocol(p)).global_type == p.global_type
    try:
        project_all(p)
    except ProjectionError:
        event("not projectable")
        return
    if not well_formed(p):
        event("not well-formed")
        return
    event("accepted")
    result = explore(CodeImage.from_protocol(p), max_states=20_000, buffer_capacity=2)
    assert not result.deadlocks and not result.orphans, text

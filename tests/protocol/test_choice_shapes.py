"""Choice branches headed by a rec or by a choice of the same chooser (.choreo and Scribble)."""

from __future__ import annotations

import pytest

from aura_kit.machine import CodeImage, explore
from aura_kit.protocol import (
    ProtocolDefinitionError,
    format_local,
    parse_protocol,
    parse_protocols,
    project_all,
)

REC_HEAD = """protocol R(A, B) {
  choice at A {
    rec L {
      A -> B: more
      choice at A {
        A -> B: again
        continue L
      } or {
        A -> B: done
      }
    }
  } or {
    A -> B: skip
  }
  B -> A: ack
}
"""

NESTED = """protocol N(A, B, C) {
  choice at A {
    A -> B: x
  } or {
    choice at A {
      A -> B: y
    } or {
      A -> B: z
      end
    }
  }
  B -> C: told
}
"""

FLAT = """protocol N(A, B, C) {
  choice at A {
    A -> B: x
    B -> C: told
  } or {
    A -> B: y
    B -> C: told
  } or {
    A -> B: z
  }
}
"""


def test_choice_shapes_rec_headed_branch_projects() -> None:
    """A branch headed by a rec is that rec unfolded once; projections as reasoned by hand."""
    locals_ = {r: format_local(t) for r, t in project_all(parse_protocol(REC_HEAD)).items()}
    inner = "rec L.B!more.B!{again.L, done.B?ack.end}"
    assert locals_["A"] == f"B!{{more.B!{{again.{inner}, done.B?ack.end}}, skip.B?ack.end}}"
    inner_b = "rec L.A?more.A?{again.L, done.A!ack.end}"
    assert locals_["B"] == f"A?{{more.A?{{again.{inner_b}, done.A!ack.end}}, skip.A!ack.end}}"


def test_choice_shapes_rec_headed_branch_explores_clean() -> None:
    """The rec-headed protocol has no deadlock and no orphan."""
    result = explore(CodeImage.from_protocol(parse_protocol(REC_HEAD)))
    assert result.complete
    assert (len(result.deadlocks), len(result.orphans)) == (0, 0)


def test_choice_shapes_nested_same_chooser_is_the_flat_choice() -> None:
    """A branch headed by a choice of the same chooser equals the flattened choice."""
    assert parse_protocol(NESTED).global_type == parse_protocol(FLAT).global_type


def test_choice_shapes_nested_duplicate_label_is_refused() -> None:
    """Labels must differ across the flattened branches too."""
    text = NESTED.replace("A -> B: z", "A -> B: x")
    with pytest.raises(ProtocolDefinitionError, match="duplicate label 'x'") as info:
        parse_protocol(text)
    assert (info.value.line, info.value.column) == (8, 15)


def test_choice_shapes_nested_other_chooser_is_refused() -> None:
    """A branch headed by a choice of another role is still refused, naming 'choice'."""
    text = "protocol P(A, B) {\n  choice at A {\n    choice at B { B -> A: x } or { B -> A: y }\n"
    text += "  } or {\n    A -> B: z\n  }\n}\n"
    with pytest.raises(ProtocolDefinitionError, match="starts with 'choice'"):
        parse_protocol(text)


def test_choice_shapes_rec_headed_branch_in_scribble() -> None:
    """The same shape read from Scribble gives the same global type."""
    scribble = """global protocol R(role A, role B) {
      choice at A {
        rec L {
          more() from A to B;
          choice at A { again() from A to B; continue L; } or { done() from A to B; }
        }
      } or {
        skip() from A to B;
      }
      ack() from B to A;
    }"""
    (imported,) = parse_protocols(scribble, syntax="scribble")
    assert imported.global_type == parse_protocol(REC_HEAD).global_type

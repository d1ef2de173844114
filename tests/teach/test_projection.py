"""``explain_projection``: a derivation that always agrees with ``project``."""

from __future__ import annotations

from hypothesis import given

from aura_kit.protocol import GlobalType, ProjectionError, load_protocol, parse_protocol, project
from aura_kit.protocol.projection import roles
from aura_kit.teach import Rule, explain_projection
from tests.strategies import global_types


def _projection(g: GlobalType, role: str) -> object:
    try:
        return project(g, role)
    except ProjectionError:
        return None


@given(global_types())
def test_projection_derivation_agrees_with_project(g: GlobalType) -> None:
    """Result, first step and every failure agree with ``project`` on random global types."""
    for role in roles(g):
        derivation = explain_projection(g, role)
        expected = _projection(g, role)
        assert derivation.result == expected
        assert derivation.steps[0].local == expected
        failing = [s for s in derivation.steps if s.failed]
        if expected is None:
            assert derivation.error is not None
            assert failing and all(s.rule is Rule.MERGE for s in failing)
            start = f"{derivation.error.sender} -> {derivation.error.receiver}: "
            assert any(s.global_text.startswith(start) for s in failing)
        else:
            assert derivation.error is None and failing == []


def test_projection_derivation_names_the_rules_of_two_buyer() -> None:
    """Buyer2 skips the Buyer1/Seller messages, receives Quote and Share, then selects."""
    steps = explain_projection(load_protocol("TwoBuyer"), "Buyer2").steps
    rules = [s.rule for s in steps[:5]]
    assert rules == [Rule.SKIP, Rule.SKIP, Rule.RECEIVE, Rule.RECEIVE, Rule.SEND]
    assert [s.branch for s in steps if s.branch] == ["Accept", "Reject"]


def test_projection_failing_merge_is_highlighted_in_text_and_html() -> None:
    """The bystander's failing merge is the marked row, in both forms."""
    derivation = explain_projection(load_protocol("unmergeable_bystander"), "Observer")
    step = derivation.failing_step()
    assert step is not None and step.global_text == "Client -> Server: {Left, Right}"
    assert "Client?Note(int).end and Server?Note(int).end do not merge" in step.note
    text = str(derivation).splitlines()
    assert text[0] == "projection onto Observer: does not project"
    marked = [line for line in text if line.startswith(">>")]
    assert len(marked) == 1 and marked[0].startswith(">> Client -> Server")
    html = derivation._repr_mimebundle_()["text/html"]
    assert html.count('class="aura-highlight"') == 1


QUIET = """
protocol Quiet(A, B, C) {
  A -> C: hello
  rec L {
    choice at A {
      A -> B: more
      continue L
    } or {
      A -> B: stop
    }
  }
}
"""


def test_projection_rec_absent_and_merge_rules() -> None:
    """A merged bystander view is a merge step; a loop a role is absent from is ``end``."""
    streaming = explain_projection(load_protocol("Streaming"), "Monitor")
    assert Rule.MERGE in {s.rule for s in streaming.steps}
    quiet = explain_projection(parse_protocol(QUIET), "C")
    assert [s.rule for s in quiet.steps] == [Rule.RECEIVE, Rule.REC_ABSENT]
    assert str(quiet.steps[1].local_text) == "end"

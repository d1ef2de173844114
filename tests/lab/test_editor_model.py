"""The editor's model: text in, a checked protocol or a located error out."""

from __future__ import annotations

from pathlib import Path

from aura_kit.lab.editor_model import Checked, TextError, check_text
from aura_kit.lab.explorer_model import ExplorerModel
from aura_kit.render import automata_figure, sequence_figure
from tests.protocol.test_exploration import ORPHAN, TWO_SENDERS

PROTOCOLS = Path(__file__).parents[2] / "aura_kit" / "data" / "protocols"
TWO_BUYER = (PROTOCOLS / "two_buyer.choreo").read_text()


def test_good_text_checks_with_local_types_and_figures() -> None:
    """TwoBuyer checks: its three roles get local types and both figures are drawn."""
    result = check_text(TWO_BUYER)
    assert isinstance(result, Checked)
    assert result.protocol.name == "TwoBuyer"
    assert set(result.local_types) == {"Buyer1", "Buyer2", "Seller"}
    assert sequence_figure(result.protocol).kind == "sequence"
    assert "Buyer2" in automata_figure(result.protocol).text
    assert result.explore().ok


def test_syntax_error_has_its_line_and_column() -> None:
    """A missing colon on line 11 is reported at that line, column of the token after it."""
    broken = TWO_BUYER.replace("Buyer2 -> Seller: Reject", "Buyer2 -> Seller Reject")
    result = check_text(broken)
    assert isinstance(result, TextError)
    assert (result.kind, result.line, result.column) == ("ProtocolSyntaxError", 11, 22)
    assert result.line_text.strip() == "Buyer2 -> Seller Reject"
    assert result.protocol is None and result.explore() is None
    assert "line 11, column 22" in result.summary()


def test_undeclared_role_is_a_located_error() -> None:
    """A message to a role not in the header is an error at the line of that message."""
    broken = TWO_BUYER.replace("Seller -> Buyer2: Quote", "Seller -> Buyer3: Quote")
    result = check_text(broken)
    assert isinstance(result, TextError)
    assert result.line == 5
    assert "Buyer3" in result.message


def test_merge_refusal_still_explores() -> None:
    """Refused by merge but accepted by exploration: the error keeps the protocol."""
    result = check_text(TWO_SENDERS)
    assert isinstance(result, TextError) and result.kind == "ProjectionError"
    exploration = result.explore()
    assert exploration is not None and exploration.ok


def test_orphan_is_found_with_its_shortest_trace() -> None:
    """The orphan protocol explores to an orphan message after four moves."""
    result = check_text(ORPHAN)
    assert isinstance(result, TextError)
    exploration = result.explore()
    assert exploration is not None and exploration.kind == "orphan message"
    assert exploration.trace == ("A->B: l1", "B receives l1 from A", "B->C: x", "C->B: z")
    assert "C->B: z" in exploration.summary()


def test_open_in_explorer_gives_a_model_of_the_same_protocol() -> None:
    """The checked protocol opens as an explorer model over the same roles."""
    result = check_text(TWO_BUYER)
    assert isinstance(result, Checked)
    model = result.open_in_explorer()
    assert isinstance(model, ExplorerModel)
    assert model.protocol.roles == ("Buyer1", "Buyer2", "Seller")

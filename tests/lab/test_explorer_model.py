"""The explorer model, without a kernel or ipywidgets."""

from __future__ import annotations

import subprocess
import sys

import pytest

from aura_kit.lab import AttackKind, ExplorerModel, NotOpen
from aura_kit.lab.inputs import payload_bytes
from aura_kit.runtime import (
    BoundaryScopeRejected,
    CapabilityRejected,
    InvalidIngressRouting,
    MissingTaskBinding,
    OwnerTransferError,
    StaleOwner,
)
from tests.protocol.test_nondirected_choice import FORK


def opened(name: str = "TwoBuyer", policy: str = "narrow") -> ExplorerModel:
    model = ExplorerModel.for_name(name, policy=policy)
    assert model.open().ok
    return model


def test_logic_open_gives_each_role_a_first_generation_owner() -> None:
    """Opening starts one owned session per role, each at generation 1 with full scope."""
    model = opened()
    for role in model.protocol.roles:
        capability = model.owner(role).capability
        assert (capability.generation, capability.allows_full_session()) == (1, True)


def test_logic_step_before_open_is_refused() -> None:
    """A step without open sessions reports NotOpen and changes nothing."""
    model = ExplorerModel.for_name("PingPong")
    result = model.step()
    assert not result.ok and isinstance(result.error, NotOpen)
    assert model.passes == 0


@pytest.mark.parametrize("name", ["PingPong", "TwoBuyer", "Ring", "EpochRotation"])
def test_logic_play_completes_the_protocol(name: str) -> None:
    """Playing passes with demo payloads brings every role to the end."""
    model = opened(name)
    result = model.play()
    assert result.ok, result.message
    assert model.complete and "complete" in model.status_line()


def test_logic_back_undoes_exactly_one_step() -> None:
    """Stepping back restores the status line, the pass count and the journal of before."""
    model = opened()
    model.step()
    model.step()
    before = (model.status_line(), model.passes, len(model.journal.rows))
    model.step()
    assert model.back().ok
    assert (model.status_line(), model.passes, len(model.journal.rows)) == before


def test_logic_back_rebuilds_the_world_with_the_same_session() -> None:
    """Stepping back replays onto a fresh World that keeps the model's session id."""
    model = opened()
    model.transfer("Seller")
    first = model.world
    assert model.back().ok
    assert model.world is not first and model.world.session_id == model.session_id
    assert model.world.stale == {} and model.owner("Seller").capability.generation == 1


def test_logic_each_role_has_its_own_authority() -> None:
    """Every role is played by an authority named after it, with its own effect system."""
    model = opened("Ring")
    assert model.world.authority_of == {"A": "a", "B": "b", "C": "c"}
    assert len({id(model.world.effects(r)) for r in ("A", "B", "C")}) == 3


def test_logic_faulted_role_is_reported_not_raised() -> None:
    """After a bad payload faults a role, later rounds go on and show it as stuck."""
    model = opened("PingPong")
    model.world.queue("Client", payloads=[b'"not an int"'])  # past the explorer's check
    model.step()
    result = model.step()
    assert not result.ok and "Client has failed" in result.message
    assert "Client has failed" in model.status_line()


def test_logic_back_with_no_history_is_refused() -> None:
    """Nothing to undo on a fresh model."""
    assert not ExplorerModel.for_name("PingPong").back().ok


def test_logic_transfer_makes_the_old_handle_stale() -> None:
    """After a transfer the stale-copy attack is refused with StaleOwner."""
    model = opened()
    old = model.owner("Seller")
    assert model.transfer("Seller").ok
    assert model.owner("Seller").capability.generation == old.capability.generation + 1
    result = model.attack(AttackKind.STALE_HANDLE, "Seller")
    assert result.ok and isinstance(result.error, StaleOwner)


def test_logic_stale_handle_needs_a_transfer_first() -> None:
    """Without an earlier owner there is no stale handle to present."""
    result = opened().attack("stale handle", "Buyer1")
    assert not result.ok and result.error is None


def test_logic_forged_capability_is_refused_and_changes_nothing() -> None:
    """A hand-made tag is rejected and the owner stays as it was."""
    model = opened()
    before = model.owner("Buyer2")
    result = model.attack(AttackKind.FORGED_CAPABILITY, "Buyer2")
    assert isinstance(result.error, InvalidIngressRouting)
    assert isinstance(result.error.details, CapabilityRejected)
    assert model.owner("Buyer2") == before


def test_logic_wrong_task_is_refused() -> None:
    """The current owner presented from another task is MissingTaskBinding."""
    result = opened().attack(AttackKind.WRONG_TASK, "Buyer1")
    assert isinstance(result.error, InvalidIngressRouting)
    assert isinstance(result.error.details, MissingTaskBinding)


def test_logic_wrong_boundary_passes_full_scope_but_not_attenuated() -> None:
    """A full-session owner crosses any boundary; after attenuation it is refused."""
    model = opened()
    assert not model.attack(AttackKind.WRONG_BOUNDARY, "Seller").ok
    assert model.attenuate("Seller").ok
    result = model.attack(AttackKind.WRONG_BOUNDARY, "Seller")
    assert isinstance(result.error, InvalidIngressRouting)
    assert isinstance(result.error.details, BoundaryScopeRejected)


def test_logic_attenuated_session_still_runs_to_the_end() -> None:
    """The protocol fragment boundary is inside the attenuated scope, so rounds go on."""
    model = opened()
    model.attenuate("Seller")
    assert model.play().ok and model.complete


def test_logic_widening_is_refused_under_the_default_policy() -> None:
    """After attenuation a widening transfer is an OwnerTransferError."""
    model = opened()
    model.attenuate("Buyer1")
    generation = model.owner("Buyer1").capability.generation
    result = model.transfer("Buyer1", widen=True)
    assert isinstance(result.error, OwnerTransferError)
    assert model.owner("Buyer1").capability.generation == generation


def test_logic_widening_is_allowed_under_the_permissive_policy() -> None:
    """The seed's behaviour, for comparison: the permissive policy lets the scope widen."""
    model = opened(policy="permissive")
    model.attenuate("Buyer1")
    assert model.transfer("Buyer1", widen=True).ok
    assert model.owner("Buyer1").capability.allows_full_session()


def test_logic_unknown_choice_is_refused() -> None:
    """A label the role never selects is refused and nothing is queued."""
    model = opened()
    assert not model.queue_choice("Buyer2", "Maybe").ok
    assert model.world.session("Buyer2").handler.queued_choices == ()


def test_logic_payload_text_is_json_or_a_string() -> None:
    """JSON text is queued as is; other text becomes a JSON string; empty is refused."""
    assert payload_bytes(" 42 ") == b"42"
    assert payload_bytes("Dune") == b'"Dune"'
    with pytest.raises(ValueError, match="empty"):
        payload_bytes("  ")


def test_logic_does_not_import_ipywidgets() -> None:
    """Running a whole session through the model never imports ipywidgets or IPython."""
    code = (
        "import sys\n"
        "from aura_kit.lab import ExplorerModel\n"
        "m = ExplorerModel.for_name('TwoBuyer'); m.open(); m.play(); m.transfer('Seller')\n"
        "print(sorted(n for n in ('ipywidgets', 'IPython') if n in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_logic_nondirected_select_lists_each_label_with_its_partner() -> None:
    """A select to B or C offers Left to B and Right to C; taking Right runs to completion."""
    model = ExplorerModel.for_protocol(FORK)
    assert model.open().ok
    moves = [(m.kind.value, m.peer, m.label) for m in model.enabled_moves()]
    assert moves == [("select", "B", "Left"), ("select", "C", "Right")]
    right = next(m for m in model.enabled_moves() if m.label == "Right")
    assert model.take(right).message == "A chooses Right to C"
    assert model.play().ok and model.complete

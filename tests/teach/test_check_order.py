"""``explain_check``: the EffectSystem's ordered checks, tested against real refusals."""

from __future__ import annotations

import pytest

from aura_kit.lab import AttackKind, World
from aura_kit.lab.attacks import foreign_boundary, forge
from aura_kit.ownership import OwnershipPolicy
from aura_kit.protocol import load_protocol
from aura_kit.teach import CheckStatus, explain_check

ORDER = [
    "binding",
    "owner record",
    "label",
    "session",
    "generation and scope",
    "tag",
    "boundary",
]


def _world(policy: OwnershipPolicy | None = None) -> World:
    world = World(
        load_protocol("TwoBuyer"),
        {"alice": "Buyer1", "bob": "Buyer2", "sam": "Seller"},
        policy=policy or OwnershipPolicy(),
    )
    world.open_all()
    return world


def _explain(
    world: World, owner: object = None, boundary: object = "routing", task: object = "own"
):
    session = world.session("Seller")
    return explain_check(
        world.effects("Seller"),
        session.owner() if owner is None else owner,
        session.routing_boundary() if boundary == "routing" else boundary,
        task=world.task("Seller") if task == "own" else task,
    )


def test_check_order_every_check_passes_for_the_current_owner() -> None:
    """The current owner at its own boundary, in its task: seven passes, in the runtime's order."""
    explanation = _explain(_world())
    assert [r.check for r in explanation.rows] == ORDER
    assert {r.status for r in explanation.rows} == {CheckStatus.PASS}
    assert explanation.passed


@pytest.mark.parametrize(
    ("kind", "failed", "error"),
    [
        (AttackKind.STALE_HANDLE, "label", "StaleOwner"),
        (AttackKind.FORGED_CAPABILITY, "tag", "InvalidIngressRouting(CapabilityRejected)"),
        (AttackKind.WRONG_BOUNDARY, "boundary", "InvalidIngressRouting(BoundaryScopeRejected)"),
        (AttackKind.WRONG_TASK, "binding", "InvalidIngressRouting(MissingTaskBinding)"),
    ],
)
def test_check_order_matches_the_refusal_of_each_attack(
    kind: AttackKind, failed: str, error: str
) -> None:
    """The failing row is where the lab's attack is refused, and later rows are not reached."""
    world = _world()
    world.transfer("Seller", "deputy")
    if kind is AttackKind.WRONG_BOUNDARY:
        world.attenuate("Seller")
    attack = world.attack("Seller", kind)
    assert attack.error_name == error
    session = world.session("Seller")
    owner = {
        AttackKind.STALE_HANDLE: attack.owner,
        AttackKind.FORGED_CAPABILITY: forge(session.owner()),
    }
    boundary = foreign_boundary() if kind is AttackKind.WRONG_BOUNDARY else "routing"
    task = world.effects("Seller").task("intruder") if kind is AttackKind.WRONG_TASK else "own"
    explanation = _explain(world, owner.get(kind), boundary, task)
    assert explanation.failed_check == failed
    assert explanation.table().title == f"refused at {failed}: {error}"
    after = explanation.rows[ORDER.index(failed) + 1 :]
    assert {r.status for r in after} <= {CheckStatus.NOT_REACHED}


def test_check_order_an_old_generation_fails_at_generation_after_a_same_label_transfer() -> None:
    """A handle superseded by a transfer to the same label fails at generation, not at label."""
    world = _world()
    label = world.session("Seller").owner().owner_label
    world.transfer("Seller", label)
    explanation = _explain(world, world.stale["Seller"][-1])
    assert explanation.failed_check == "generation and scope"


def test_check_order_full_session_check_for_an_attenuated_owner() -> None:
    """``boundary=None`` asks for the whole session: an attenuated owner fails its last row."""
    world = _world()
    world.attenuate("Seller")
    explanation = _explain(world, boundary=None)
    assert explanation.failed_check == "boundary (whole session)"
    assert str(explanation).splitlines()[0].endswith("FullSessionCapabilityRequired)")


def test_check_order_seed_policy_skips_the_tag_and_lets_a_forgery_in() -> None:
    """Under the seed's fields check the tag row is skipped and a forged tag passes."""
    world = _world(OwnershipPolicy.seed())
    explanation = _explain(world, forge(world.session("Seller").owner()))
    tag = explanation.rows[ORDER.index("tag")]
    assert tag.status is CheckStatus.SKIPPED
    assert explanation.passed


def test_check_order_seed_policy_reports_a_stale_label_as_capability_rejected() -> None:
    """The seed wraps every owner failure in CapabilityRejected; the row is still label."""
    world = _world(OwnershipPolicy.seed())
    world.transfer("Seller", "deputy")
    explanation = _explain(world, world.stale["Seller"][-1])
    assert explanation.failed_check == "label"
    assert explanation.table().title.endswith("InvalidIngressRouting(CapabilityRejected)")


def test_check_order_explaining_changes_nothing() -> None:
    """An explanation leaves owners, generations, fragments and bindings as they were."""
    world = _world()
    world.transfer("Seller", "deputy")
    before = world.registry_snapshot()
    _explain(world, world.stale["Seller"][-1])
    _explain(world)
    assert world.registry_snapshot() == before


def test_check_order_refuses_a_non_owner() -> None:
    """Something that is not an owner handle is a TypeError, before any check."""
    with pytest.raises(TypeError):
        explain_check(_world().effects("Seller"), "owner", None)

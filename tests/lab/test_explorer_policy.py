"""The explorer model passes its policy through to every effect system of its world."""

from __future__ import annotations

import pytest

from aura_kit.lab import ExplorerModel, World
from aura_kit.ownership import OwnershipPolicy
from aura_kit.protocol import load_protocol
from aura_kit.runtime import EffectSystem


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("seed", OwnershipPolicy.seed()),
        ("kit", OwnershipPolicy.kit()),
        ("permissive", OwnershipPolicy(attenuation="permissive")),
        (OwnershipPolicy.seed(), OwnershipPolicy.seed()),
    ],
)
def test_explorer_policy_reaches_every_effect_system(given, expected) -> None:
    """A preset name, an attenuation mode or a policy value builds the world with it."""
    model = ExplorerModel.for_name("TwoBuyer", policy=given)
    assert {fx.policy for fx in model.world.systems.values()} == {expected}


def test_explorer_policy_refuses_an_unknown_name() -> None:
    """An unknown policy name is a ValueError listing the accepted ones."""
    with pytest.raises(ValueError, match="'kit', 'seed', 'narrow' or 'permissive'"):
        ExplorerModel.for_name("TwoBuyer", policy="loose")


@pytest.mark.parametrize("name", ["kit", "seed"])
def test_world_and_effect_system_take_a_policy_name(name: str) -> None:
    """``World(..., policy="seed")`` and ``EffectSystem(..., policy="seed")`` take the names
    the docs give, as the explorer does; an unknown name is a ValueError naming the choices."""
    world = World(load_protocol("PingPong"), {"a": "Client", "b": "Server"}, policy=name)
    assert {world.effects(role).policy.name for role in world.roles} == {name}
    assert EffectSystem("x", policy=name).policy == OwnershipPolicy.named(name)
    with pytest.raises(ValueError, match="'kit', 'seed', 'narrow' or 'permissive'"):
        EffectSystem("x", policy="strict")

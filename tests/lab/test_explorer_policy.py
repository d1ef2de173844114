"""The explorer model passes its policy through to every effect system of its world."""

from __future__ import annotations

import pytest

from aura_kit.lab import ExplorerModel
from aura_kit.ownership import OwnershipPolicy


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

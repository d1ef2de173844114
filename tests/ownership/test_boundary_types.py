"""``LinkBoundary`` refuses fields of the wrong type instead of reinterpreting them."""

from __future__ import annotations

from typing import Any

import pytest

from aura_kit.errors import AuraKitError
from aura_kit.ownership import LinkBoundary, Scope
from aura_kit.ownership.errors import BoundaryValueError


@pytest.mark.parametrize(
    "fields",
    [
        {"fragment_keys": "bundle:x"},
        {"fragment_keys": b"bundle:x"},
        {"fragment_keys": [1]},
        {"fragment_keys": 5},
        {"protocol_ids": "p"},
        {"protocol_ids": [None]},
        {"bundle_id": 3},
        {"capability_scope": "session"},
    ],
)
def test_boundary_types_bad_field_is_a_typed_error(fields: dict[str, Any]) -> None:
    """A bare string of keys (once split into characters) or a non-str key is refused."""
    with pytest.raises(BoundaryValueError) as caught:
        LinkBoundary(**fields)
    assert isinstance(caught.value, AuraKitError)
    assert caught.value.field == next(iter(fields))


def test_boundary_types_collections_of_str_are_kept() -> None:
    """Lists, tuples and sets of str are accepted; protocol ids keep their order."""
    b = LinkBoundary(
        protocol_ids=["q", "p"], fragment_keys={"bundle:x"}, capability_scope=Scope.SESSION
    )
    assert b.protocol_ids == ("q", "p")
    assert b.fragment_keys == frozenset({"bundle:x"})

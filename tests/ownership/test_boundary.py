"""LinkBoundary constructors and ``is_allowed_by``."""

from __future__ import annotations

import dataclasses

from aura_kit.ownership import CompositionManifest, LinkBoundary, Scope
from tests.conftest import BUNDLED
from tests.ownership.support import linked_manifest


def test_boundary_for_scope_session_has_no_keys() -> None:
    """for_scope(SESSION) has no keys: only a SESSION capability may cross it."""
    b = LinkBoundary.for_scope(Scope.SESSION)
    assert b.fragment_keys == frozenset() and b.capability_scope == Scope.SESSION
    assert b.is_allowed_by(Scope.SESSION)
    assert not b.is_allowed_by(Scope.fragments(["x"]))


def test_boundary_for_scope_fragments_has_those_keys() -> None:
    """for_scope(fragments(S)) has keys S and is allowed by any superset."""
    b = LinkBoundary.for_scope(Scope.fragments(["bundle:a", "bundle:b"]))
    assert b.fragment_keys == {"bundle:a", "bundle:b"}
    assert b.is_allowed_by(Scope.fragments(["bundle:a", "bundle:b", "bundle:c"]))
    assert not b.is_allowed_by(Scope.fragments(["bundle:a"]))


def test_boundary_for_protocol_and_bundle() -> None:
    """for_protocol keys ``protocol:p`` at SESSION; for_bundle_id keys ``bundle:b``."""
    p = LinkBoundary.for_protocol("aura.x")
    assert p.fragment_keys == {"protocol:aura.x"} and p.capability_scope == Scope.SESSION
    assert p.protocol_ids == ("aura.x",)
    b = LinkBoundary.for_bundle_id("bb")
    assert b.fragment_keys == {"bundle:bb"} and b.bundle_id == "bb"
    assert b.capability_scope == Scope.fragments(["bundle:bb"])


def test_boundary_for_manifest_with_no_bundles_is_the_protocol() -> None:
    """No link specs: the protocol's boundary."""
    m = CompositionManifest.load(BUNDLED / "manifests" / "ring.json")
    assert LinkBoundary.for_manifest(m) == LinkBoundary.for_protocol("aura.example.ring")
    assert LinkBoundary.for_manifest(m).is_allowed_by(
        Scope.fragments(["protocol:aura.example.ring"])
    )
    assert not LinkBoundary.for_manifest(m).is_allowed_by(Scope.fragments(["bundle:x"]))


def test_boundary_for_manifest_with_one_bundle_is_that_bundle() -> None:
    """One distinct bundle (even across several link specs): that bundle's boundary, carrying
    the manifest's protocol id as the seed's does."""
    m = CompositionManifest.load(BUNDLED / "manifests" / "streaming.json")
    assert len(m.link_specs) == 2
    expected = dataclasses.replace(
        LinkBoundary.for_bundle_id("stream-data"), protocol_ids=(m.protocol_id,)
    )
    assert LinkBoundary.for_manifest(m) == expected
    one = LinkBoundary.for_manifest(linked_manifest("p", "a"))
    assert one == dataclasses.replace(LinkBoundary.for_bundle_id("a"), protocol_ids=("p",))


def test_boundary_for_manifest_with_two_bundles_is_the_union() -> None:
    """Several bundles: the union of keys, scope fragments(union); each alone is too small."""
    b = LinkBoundary.for_manifest(linked_manifest("p", "a", "b"))
    keys = frozenset({"bundle:a", "bundle:b"})
    assert b.fragment_keys == keys and b.capability_scope == Scope(keys)
    assert b.protocol_ids == ("p",)
    assert b.is_allowed_by(Scope(keys)) and b.is_allowed_by(Scope.SESSION)
    assert not b.is_allowed_by(Scope.fragments(["bundle:a"]))
    assert not b.is_allowed_by(Scope.fragments(["bundle:b"]))


def test_boundary_empty_fragment_scope_allows_nothing_with_keys() -> None:
    """fragments(empty) allows no boundary at all."""
    assert not LinkBoundary.for_protocol("p").is_allowed_by(Scope.fragments([]))
    assert not LinkBoundary.for_scope(Scope.fragments([])).is_allowed_by(Scope.fragments([]))

"""CompositionManifest loading, validation with JSON paths, and fragments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aura_kit.ownership import CompositionManifest, LinkSpec, ManifestError
from aura_kit.protocol.types import End, Protocol
from tests.conftest import BUNDLED

MANIFESTS = sorted((BUNDLED / "manifests").glob("*.json"))


def _good() -> dict[str, Any]:
    return json.loads((BUNDLED / "manifests" / "two_buyer.json").read_text())


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.stem)
def test_manifest_every_example_loads_and_round_trips(path: Path) -> None:
    """Each example manifest loads, and ``from_dict(to_dict())`` gives it back."""
    m = CompositionManifest.load(path)
    assert CompositionManifest.from_dict(m.to_dict()) == m
    assert m.to_dict() == json.loads(path.read_text())


def test_manifest_examples_cover_every_protocol_and_link_shape() -> None:
    """One manifest per example protocol; some unlinked, one-bundle and two-bundle ones."""
    protocols = {p.stem for p in (BUNDLED / "protocols").glob("*.choreo")}
    assert protocols <= {p.stem for p in MANIFESTS}
    bundles = {len(CompositionManifest.load(p).bundle_ids()) for p in MANIFESTS}
    assert {0, 1, 2} <= bundles


def test_manifest_fragments_follow_link_specs() -> None:
    """No links: one protocol fragment; links: one per distinct bundle, in order."""
    ping = CompositionManifest.load(BUNDLED / "manifests" / "ping_pong.json")
    assert [f.key for f in ping.fragments()] == ["protocol:aura.example.ping_pong"]
    assert ping.fragments()[0].bundle_id is None
    two = CompositionManifest.load(BUNDLED / "manifests" / "two_buyer.json")
    assert [f.key for f in two.fragments()] == ["bundle:quote-bundle", "bundle:decision-bundle"]
    assert two.fragment_keys() == {"bundle:quote-bundle", "bundle:decision-bundle"}


def test_manifest_bad_field_reports_json_path() -> None:
    """A wrong type deep inside is reported with its JSON path."""
    data = _good()
    data["link_specs"][0]["bundle_id"] = 7
    with pytest.raises(ManifestError) as info:
        CompositionManifest.from_dict(data)
    assert info.value.path == "link_specs[0].bundle_id"
    assert "expected a string, got int" in str(info.value)


def test_manifest_collects_every_problem_first_is_path() -> None:
    """All problems are listed; ``.path`` is the first one found."""
    data = _good()
    del data["protocol_id"]
    data["role_names"].append("Buyer1")
    data["theorem_packs"] = [{"name": "x", "capabilities": "nope"}]
    data["delegation_constraints"][0]["to_role"] = "Nobody"
    data["surprise"] = True
    with pytest.raises(ManifestError) as info:
        CompositionManifest.from_dict(data, source="two_buyer.json")
    paths = [p for p, _ in info.value.problems]
    assert paths == [
        "surprise",
        "protocol_id",
        "role_names[3]",
        "theorem_packs[0].capabilities",
        "delegation_constraints[0].to_role",
    ]
    assert info.value.path == "surprise"
    assert str(info.value).startswith("two_buyer.json: manifest field surprise: unknown field")


def test_manifest_link_role_must_be_declared() -> None:
    """A link spec role outside role_names is refused at its path."""
    data = _good()
    data["link_specs"][1]["role"] = "Ghost"
    with pytest.raises(ManifestError) as info:
        CompositionManifest.from_dict(data)
    assert info.value.path == "link_specs[1].role"


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("{", "$"),
        ("[]", "$"),
        ('{"protocol_id": "p", "protocol_name": "P", "role_names": []}', "role_names"),
        ('{"protocol_id": "", "protocol_name": "P", "role_names": ["A"]}', "protocol_id"),
        ('{"protocol_id": "p", "protocol_name": "P", "role_names": ["A"], "link_specs": [3]}',
         "link_specs[0]"),
    ],
)  # fmt: skip
def test_manifest_from_json_errors(text: str, path: str) -> None:
    """Syntax errors and wrong shapes are ManifestErrors with a path."""
    with pytest.raises(ManifestError) as info:
        CompositionManifest.from_json(text)
    assert info.value.path == path


def test_manifest_minimal_fields_get_defaults() -> None:
    """Only id, name and roles are required; the qualified name is derived."""
    m = CompositionManifest.from_dict(
        {"protocol_id": "p", "protocol_name": "P", "role_names": ["A"], "protocol_namespace": "ns"}
    )
    assert m.protocol_qualified_name == "ns.P" and m.link_specs == () and m.theorem_packs == ()


def test_manifest_for_protocol_uses_name_and_roles() -> None:
    """for_protocol builds a manifest from a parsed protocol and optional link specs."""
    proto = Protocol("PingPong", ("Client", "Server"), End())
    m = CompositionManifest.for_protocol(proto, "aura.pp", [LinkSpec("Client", "b")])
    assert (m.protocol_name, m.protocol_qualified_name, m.role_names) == (
        "PingPong",
        "PingPong",
        ("Client", "Server"),
    )
    assert m.link_specs == (LinkSpec("Client", "b"),) and m.protocol_id == "aura.pp"


@pytest.mark.parametrize("bad", [[1], [""], [None, "Seller"], "Buyer1"])
def test_manifest_bad_role_names_report_only_the_root_problem(bad: object) -> None:
    """Bad role_names entries are reported alone, not again at every link or delegation role."""
    data = _good()
    data["role_names"] = bad
    with pytest.raises(ManifestError) as info:
        CompositionManifest.from_dict(data)
    paths = [p for p, _ in info.value.problems]
    assert paths and all(p.startswith("role_names") for p in paths), paths

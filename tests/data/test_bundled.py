"""Bundled data: protocols, manifests and scenarios found by name, paths still accepted."""

from __future__ import annotations

import pytest

from aura_kit.cli import main
from aura_kit.data import BundledNameError, bundled_names, find_bundled, is_path
from aura_kit.lab import load_bundled, load_scenario
from aura_kit.ownership import CompositionManifest
from aura_kit.protocol import ProtocolError, check_protocol, load_protocol, load_protocols
from tests.conftest import BUNDLED


def test_bundled_protocol_by_declared_name_and_by_stem_is_the_same() -> None:
    """``TwoBuyer`` (declared) and ``two_buyer`` (file stem) load the same protocol."""
    by_name, by_stem = load_protocol("TwoBuyer"), load_protocol("two_buyer")
    assert by_name.name == by_stem.name == "TwoBuyer"
    assert by_name.global_type == by_stem.global_type


def test_bundled_paths_are_still_paths() -> None:
    """A path object, a string with a separator, or a ``.choreo`` name is read as a path."""
    path = BUNDLED / "protocols" / "ping_pong.choreo"
    assert load_protocol(path).name == load_protocol(str(path)).name == "PingPong"
    assert is_path("x/two_buyer", "protocols") and is_path("two_buyer.choreo", "protocols")
    assert not is_path("two_buyer", "protocols")
    with pytest.raises(FileNotFoundError):
        load_protocol("two_buyer.choreo")  # a path: no such file here, and never a name


def test_bundled_unknown_name_lists_the_known_ones() -> None:
    """An unknown name is a FileNotFoundError naming the bundled protocols."""
    with pytest.raises(BundledNameError, match="TwoBuyer") as caught:
        load_protocol("NoSuchProtocol")
    assert isinstance(caught.value, FileNotFoundError)
    assert "two_buyer" in caught.value.known and "syntax_error" not in caught.value.known


def test_bundled_bad_examples_load_by_stem_with_a_stable_location() -> None:
    """A bad example loads by stem; its errors name ``aura_kit/data/protocols/bad/...``."""
    protocol = load_protocol("unmergeable_bystander")
    with pytest.raises(ProtocolError) as caught:
        check_protocol(protocol)
    assert str(caught.value).startswith("aura_kit/data/protocols/bad/unmergeable_bystander.choreo:")


def test_bundled_stems_are_unique_across_good_and_bad() -> None:
    """No bad example shares a stem with a good protocol (a name finds one file)."""
    stems = bundled_names("protocols", bad=True)
    assert len(stems) == len(set(stems)) > len(bundled_names("protocols"))


def test_bundled_manifests_and_scenarios_by_name() -> None:
    """Manifests and scenarios are found by file stem."""
    assert CompositionManifest.load("ping_pong").protocol_name == "PingPong"
    scenario = load_scenario("two_buyer")
    assert scenario.name == "two_buyer" and scenario.protocol_path.is_file()
    assert find_bundled("scenarios", "two_buyer").source == "aura_kit/data/scenarios/two_buyer.json"


def test_bundled_catalog_offers_every_good_protocol() -> None:
    """The catalog has every good bundled protocol, by name or stem."""
    assert load_bundled("ring_choice").name == "RingChoice"
    assert len(load_protocols("streaming")) == 1
    with pytest.raises(KeyError, match="known"):
        load_bundled("unmergeable_bystander")


def test_bundled_cli_by_name(capsys: pytest.CaptureFixture[str]) -> None:
    """``aura-kit check TwoBuyer`` and ``aura-kit run stale_handle`` work by name."""
    assert main(["check", "TwoBuyer"]) == 0
    assert main(["run", "stale_handle"]) == 0
    assert "every expectation held" in capsys.readouterr().out

"""Every loader fed inputs Python itself chokes on: only the kit's typed errors come out."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from aura_kit.data import NotUtf8Error, UnreadableFileError
from aura_kit.errors import AuraKitError
from aura_kit.lab import ScenarioError
from aura_kit.lab.scenario import load_scenario
from aura_kit.ownership.errors import ManifestError
from aura_kit.ownership.manifest import CompositionManifest
from aura_kit.protocol import format_protocol, load_protocol, parse_protocol
from aura_kit.protocol.types import Sort
from aura_kit.runtime.codec import DEFAULT_CODEC
from aura_kit.runtime.errors import PayloadCodecError
from tests.conftest import BUNDLED

HUGE_INT = "9" * 5000  # beyond Python's int-from-text digit limit
LOADERS: dict[str, Callable[[Path], object]] = {
    "protocol": load_protocol,
    "manifest": CompositionManifest.load,
    "scenario": load_scenario,
}
SUFFIX = {"protocol": ".choreo", "manifest": ".json", "scenario": ".json"}
BUNDLED_FILE = {
    "protocol": BUNDLED / "protocols" / "two_buyer.choreo",
    "manifest": BUNDLED / "manifests" / "two_buyer.json",
    "scenario": BUNDLED / "scenarios" / "timeout.json",
}


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_loaders_refuse_non_utf8_with_a_typed_error(tmp_path: Path, kind: str) -> None:
    """A file that is not UTF-8 is a kit error naming the file, never a bare UnicodeDecodeError."""
    path = tmp_path / f"latin1{SUFFIX[kind]}"
    path.write_bytes(b'{"name": "caf\xe9"}')
    with pytest.raises(AuraKitError) as caught:
        LOADERS[kind](path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_loaders_refuse_a_nul_in_the_path_with_a_typed_error(tmp_path: Path, kind: str) -> None:
    """A path holding a NUL character is a kit error, not Python's 'embedded null byte'."""
    with pytest.raises(AuraKitError, match="NUL"):
        LOADERS[kind](Path(f"{tmp_path}/a\0b{SUFFIX[kind]}"))


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_loaders_accept_a_leading_byte_order_mark(tmp_path: Path, kind: str) -> None:
    """A file saved with a UTF-8 BOM (as some Windows editors do) loads like one without."""
    path = tmp_path / f"bom{SUFFIX[kind]}"
    original = BUNDLED_FILE[kind]
    path.write_bytes(b"\xef\xbb\xbf" + original.read_bytes())
    if kind == "scenario":  # its protocol is found beside the original scenario
        data = json.loads(original.read_text())
        data["protocol"] = "two_buyer.choreo"
        path.write_bytes(b"\xef\xbb\xbf" + json.dumps(data).encode())
    loaded, expected = LOADERS[kind](path), LOADERS[kind](original)
    if kind == "protocol":
        loaded, expected = format_protocol(loaded), format_protocol(expected)  # type: ignore[arg-type]
    elif kind == "scenario":
        loaded, expected = loaded.steps, expected.steps  # type: ignore[attr-defined]
    assert loaded == expected


def test_loaders_protocol_text_with_a_bom_parses() -> None:
    """``parse_protocol`` skips one leading U+FEFF instead of calling it an unexpected character."""
    text = (BUNDLED / "protocols" / "ping_pong.choreo").read_text()
    assert parse_protocol("\ufeff" + text) == parse_protocol(text)


def test_loaders_scenario_huge_integer_is_a_scenario_error(tmp_path: Path) -> None:
    """A 5,000-digit integer in a scenario is a ScenarioError at ``$``, not a ValueError."""
    path = tmp_path / "big.json"
    path.write_text('{"name": ' + HUGE_INT + "}")
    with pytest.raises(ScenarioError, match="4300 digits"):
        load_scenario(path)


def test_loaders_manifest_huge_integer_is_a_manifest_error() -> None:
    """A 5,000-digit integer in manifest JSON is a ManifestError at ``$``."""
    with pytest.raises(ManifestError, match="4300 digits"):
        CompositionManifest.from_json('{"protocol_id": ' + HUGE_INT + "}")


def test_loaders_payload_huge_integer_is_a_codec_error() -> None:
    """A received payload holding a 5,000-digit integer is a PayloadCodecError."""
    with pytest.raises(PayloadCodecError):
        DEFAULT_CODEC.decode(Sort.INT, HUGE_INT.encode())


@pytest.mark.parametrize("session_id", [5, 1.5, True, ["x"], {"a": 1}])
def test_loaders_scenario_non_string_session_id_is_refused(tmp_path: Path, session_id) -> None:
    """A scenario ``session_id`` that is not a string is a ScenarioError at ``session_id``."""
    data = json.loads(BUNDLED_FILE["scenario"].read_text())
    data["session_id"] = session_id
    path = tmp_path / "sid.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ScenarioError, match="session_id"):
        load_scenario(path)


def test_loaders_error_types_keep_their_builtin_bases() -> None:
    """The new file errors stay an OSError and a UnicodeDecodeError for code that catches those."""
    assert issubclass(UnreadableFileError, OSError)
    assert issubclass(NotUtf8Error, UnicodeDecodeError)

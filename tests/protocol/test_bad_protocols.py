"""Every bad protocol in aura_kit/data/protocols/bad fails with its recorded error."""

from __future__ import annotations

import json

import pytest

import aura_kit.protocol as protocol
from aura_kit.protocol import ProtocolError, check_protocol, load_protocol
from tests.conftest import BUNDLED

BAD = BUNDLED / "protocols" / "bad"
EXPECTED = json.loads((BAD / "EXPECTED.json").read_text())


def test_bad_protocols_every_file_has_an_expectation() -> None:
    """EXPECTED.json lists exactly the .choreo files of the bad directory."""
    assert sorted(EXPECTED) == sorted(p.name for p in BAD.glob("*.choreo"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_protocols_fail_as_recorded(name: str) -> None:
    """Loading and checking raises the recorded class at the recorded place."""
    expected = EXPECTED[name]
    with pytest.raises(ProtocolError) as info:
        check_protocol(load_protocol(BAD / name))
    error = info.value
    assert type(error) is getattr(protocol, expected["error"])
    assert (error.line, error.column) == (expected["line"], expected["column"])
    assert expected["message"] in error.message
    assert error.source == str(BAD / name)
    assert error.expected

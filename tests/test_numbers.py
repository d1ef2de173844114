"""Tests of the timeout, count and capacity checks and of every place that uses them."""

from __future__ import annotations

import asyncio
import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_kit.errors import AuraKitError
from aura_kit.lab import ScenarioError, World
from aura_kit.lab.scenario import MAX_STEP_COUNT, load_scenario
from aura_kit.machine.explore import explore
from aura_kit.machine.image import CodeImage
from aura_kit.machine.machine import ProtocolMachine
from aura_kit.numbers import InvalidNumber, check_count, check_seconds
from aura_kit.protocol import load_protocol
from aura_kit.runtime.transport import Network
from tests.conftest import BUNDLED

TWO_BUYER = load_protocol(BUNDLED / "protocols" / "two_buyer.choreo")
AUTHORITIES = {"alice": "Buyer1", "bob": "Buyer2", "carol": "Seller"}
NOT_SECONDS = [math.nan, math.inf, -math.inf, -1, -0.5, True, "5", None, 10**9]


@pytest.mark.parametrize("value", NOT_SECONDS)
def test_check_seconds_refuses_non_finite_and_out_of_range(value: object) -> None:
    """NaN, infinities, negatives, bools, strings and huge values are InvalidNumber."""
    with pytest.raises(InvalidNumber) as caught:
        check_seconds("timeout", value)
    assert caught.value.place == "timeout"
    assert isinstance(caught.value, AuraKitError)


@given(st.floats(min_value=0, max_value=86_400))
def test_check_seconds_accepts_every_finite_in_range_float(value: float) -> None:
    """Every finite float in [0, a day] comes back unchanged."""
    assert check_seconds("timeout", value) == value


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "3", 10**7])
def test_check_count_refuses_non_int_and_out_of_range(value: object) -> None:
    """A capacity must be an int within its bounds; bools and floats are refused."""
    with pytest.raises(InvalidNumber):
        check_count("capacity", value, minimum=1, maximum=10**6)


@pytest.mark.parametrize("timeout", [math.nan, math.inf, -1.0])
def test_numbers_async_round_refuses_bad_timeout_before_stepping(timeout: float) -> None:
    """An asyncio round with a NaN, infinite or negative timeout is refused and sends nothing."""
    world = World(TWO_BUYER, AUTHORITIES)
    world.open_all()
    world.queue("Buyer1", ["War and Peace"])
    session = world.sessions["Buyer1"]
    with world.task("Buyer1"), pytest.raises(InvalidNumber):
        asyncio.run(session.advance_round_async("Buyer1", world.peer_roles, timeout))
    assert list(world.network.history) == []


@pytest.mark.parametrize("timeout", [math.nan, math.inf])
def test_numbers_wait_for_change_refuses_non_finite_timeout(timeout: float) -> None:
    """The transport refuses to wait NaN or infinite seconds instead of waiting forever."""
    with pytest.raises(InvalidNumber):
        asyncio.run(Network().wait_for_change("alice", "sid", timeout))


def test_numbers_machine_refuses_bad_buffer_capacity() -> None:
    """A machine buffer capacity of 0 or a float is a typed refusal."""
    for capacity in (0, 2.5):
        with pytest.raises(InvalidNumber):
            ProtocolMachine(buffer_capacity=capacity)  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["max_states", "buffer_capacity"])
def test_numbers_explore_refuses_zero(key: str) -> None:
    """explore with max_states=0 or buffer_capacity=0 is refused (was one state or a deadlock)."""
    with pytest.raises(InvalidNumber):
        explore(CodeImage.from_protocol(TWO_BUYER), **{key: 0})


def _scenario_with(tmp_path, step: dict) -> object:
    source = json.loads((BUNDLED / "scenarios" / "timeout.json").read_text())
    source["steps"] = [{"do": "open"}, step]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(source))  # json.dumps writes NaN and Infinity as Python reads them
    return load_scenario(path)


@pytest.mark.parametrize("timeout", [math.nan, math.inf, -math.inf])
def test_numbers_scenario_refuses_non_finite_timeout(tmp_path, timeout: float) -> None:
    """A scenario ``"timeout": NaN`` (or Infinity) is a ScenarioError at its JSON path."""
    with pytest.raises(ScenarioError, match=r"steps\[1\]\.timeout"):
        _scenario_with(tmp_path, {"do": "run", "timeout": timeout})


def test_numbers_scenario_refuses_huge_round_count(tmp_path) -> None:
    """``{"do": "passes", "count": 10**12}`` is refused instead of running for ever."""
    with pytest.raises(ScenarioError, match=r"steps\[1\]\.count"):
        _scenario_with(tmp_path, {"do": "passes", "count": 10**12})
    _scenario_with(tmp_path, {"do": "passes", "count": MAX_STEP_COUNT})


@pytest.mark.parametrize("max_ticks", [math.nan, -1, 2.5, "10"])
def test_numbers_machine_run_refuses_bad_max_ticks(max_ticks: object) -> None:
    """``ProtocolMachine.run(max_ticks)`` takes an int >= 0, else InvalidNumber."""
    machine = ProtocolMachine()
    machine.load(CodeImage.from_protocol(TWO_BUYER))
    with pytest.raises(InvalidNumber):
        machine.run(max_ticks)  # type: ignore[arg-type]

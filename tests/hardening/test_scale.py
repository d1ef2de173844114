"""Scale: ten times the input costs well under a hundred times the work (no quadratic loops).

Each test times one input and one ten times larger (CPU time of this process, best of a few
runs, so load from other processes counts little) and asks for less than 30x: linear code
gives about 10x, the quadratic loops these tests guard against gave 80x to 100x.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from aura_kit.ownership import CompositionManifest
from aura_kit.protocol import (
    ProtocolDefinitionError,
    check_protocol,
    limits,
    parse_local,
    parse_protocol,
)

RATIO = 30.0


def _cpu(work: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        work()
        best = min(best, time.process_time() - start)
    return max(best, 1e-4)


def _ratio(make: Callable[[int], Callable[[], object]], small: int) -> float:
    small_work, large_work = make(small), make(small * 10)
    return _cpu(large_work, 2) / _cpu(small_work, 5)


def ring_protocol(n_roles: int, n_messages: int) -> str:
    """``.choreo`` text: ``n_messages`` messages passed round a ring of ``n_roles`` roles."""
    names = [f"R{i}" for i in range(n_roles)]
    lines = [f"protocol Ring({', '.join(names)}) {{"]
    lines += [
        f"  {names[k % n_roles]} -> {names[(k + 1) % n_roles]}: M{k}(int)"
        for k in range(n_messages)
    ]
    return "\n".join([*lines, "}"]) + "\n"


def _check(n_roles: int) -> Callable[[], object]:
    protocol = parse_protocol(ring_protocol(n_roles, 4 * n_roles))
    return lambda: check_protocol(protocol)


def _local(n_branches: int) -> Callable[[], object]:
    text = "B!{" + ", ".join(f"L{i}.end" for i in range(n_branches)) + "}"
    return lambda: parse_local(text)


def _manifest(n_names: int) -> Callable[[], object]:
    data = {
        "protocol_id": "p",
        "protocol_name": "P",
        "role_names": [f"R{i}" for i in range(n_names)],
    }
    text = json.dumps(data)
    return lambda: CompositionManifest.from_json(text)


@pytest.mark.timeout(120)
def test_scale_check_roles_and_size_together_is_near_linear() -> None:
    """Ten times the roles and the messages (100 -> 1,000 roles) checks in < 30x the time."""
    assert _ratio(_check, 100) < RATIO


@pytest.mark.timeout(120)
def test_scale_parse_local_branches_is_linear() -> None:
    """A local type with 20,000 branches parses in < 30x the time of one with 2,000."""
    assert _ratio(_local, 2_000) < RATIO


@pytest.mark.timeout(120)
def test_scale_manifest_role_names_is_linear() -> None:
    """A manifest with 50,000 role names loads in < 30x the time of one with 5,000."""
    assert _ratio(_manifest, 5_000) < RATIO


def test_scale_protocol_over_the_role_limit_is_refused_at_its_first_extra_role() -> None:
    """Declaring more than ``MAX_ROLES`` roles is a located definition error."""
    text = ring_protocol(limits.MAX_ROLES + 1, 2)
    with pytest.raises(ProtocolDefinitionError, match="too many roles") as caught:
        parse_protocol(text)
    assert caught.value.text == f"R{limits.MAX_ROLES}"


def test_scale_role_limit_matches_the_code_image_limit() -> None:
    """Checking and the machine's ``CodeImage`` allow the same number of roles."""
    from aura_kit.machine import CodeImage

    assert CodeImage.max_roles == limits.MAX_ROLES == 1_000
    assert len(parse_protocol(ring_protocol(limits.MAX_ROLES, 2)).roles) == 1_000

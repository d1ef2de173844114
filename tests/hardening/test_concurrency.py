"""Concurrency: many asyncio tasks and threads, several authorities, no cross-talk, no leaks."""

from __future__ import annotations

import asyncio
import random
import sys
import threading
import uuid
from collections.abc import Iterator

import pytest

from aura_kit.ownership import Scope
from aura_kit.runtime import (
    EffectSystem,
    Network,
    RuntimeSessionEvent,
    SessionStartError,
    SessionStartFailureReason,
)
from tests.hardening import summary
from tests.hardening.load import Tally, make_systems, owner_script, ping_pong_role
from tests.ownership.support import assert_clean, roles_for

AUTHORITIES = ("north", "south", "east")


@pytest.fixture
def eager_switching() -> Iterator[None]:
    """Make the interpreter switch threads every microsecond, so threads really interleave."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


E = RuntimeSessionEvent


def _account(systems: dict[str, EffectSystem], tally: Tally) -> None:
    """Every system is clean and its event log holds exactly the events the tally expects."""
    for name, effects in systems.items():
        assert_clean(effects)
        log = effects.event_log
        assert len(log.events(E.OWNER_ASSIGNED)) == tally.starts[name]
        assert len(log.events(E.OWNER_TRANSFERRED)) == tally.transfers[name]
        assert len(log.events(E.SESSION_ENDED)) == tally.ends[name]
        assert tally.ends[name] == tally.starts[name]
        for name_ in (E.OWNER_REJECTED, E.OWNER_TRANSFER_REJECTED, E.INGRESS_DROPPED):
            assert log.events(name_) == []
        seqs = [r.seq for r in log.records]
        assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_concurrency_asyncio_tasks_effect_system() -> None:
    """1,000 asyncio tasks each start, transfer/attenuate and end their own session."""
    systems = make_systems(AUTHORITIES)
    tally, live = Tally(), {}

    async def one(i: int) -> list[str]:
        rng = random.Random(i)
        effects = systems[AUTHORITIES[i % len(AUTHORITIES)]]
        await asyncio.sleep(0)
        steps = owner_script(effects, systems, rng, tally, live)
        await asyncio.sleep(0)
        return steps

    async def main() -> list[list[str]]:
        return await asyncio.gather(*(one(i) for i in range(1000)))

    results = asyncio.run(main())
    assert len(results) == 1000 and all(r[0] == "start" and r[-1] == "end" for r in results)
    _account(systems, tally)
    summary.record("concurrency: asyncio sessions (EffectSystem)", 1000)
    summary.record("concurrency: refusals checked", tally.refusals)


def test_concurrency_asyncio_tasks_interleave_between_steps() -> None:
    """Tasks that yield between every step still never see each other's binding."""
    systems = make_systems(AUTHORITIES)
    tally, live = Tally(), {}

    async def one(i: int) -> None:
        effects = systems[AUTHORITIES[i % 3]]
        sid = uuid.uuid4()
        owner = effects.start_owned_choreography_session(f"t{i}", sid, roles_for(effects))
        tally.starts[effects.authority] += 1
        for n in range(3):
            await asyncio.sleep(0)
            assert effects.current_session_id().value == sid  # type: ignore[union-attr]
            owner = effects.transfer_owned_choreography_session_owner(
                owner, f"t{i}.{n}", Scope.SESSION
            )
            tally.transfers[effects.authority] += 1
        await asyncio.sleep(0)
        effects.end_owned_choreography_session(owner)
        tally.ends[effects.authority] += 1

    async def main() -> None:
        await asyncio.gather(*(one(i) for i in range(300)))

    asyncio.run(main())
    _account(systems, tally)
    assert live == {}


def test_concurrency_owned_vm_sessions_shared_network() -> None:
    """500 PingPong sessions = 1,000 asyncio tasks over 4 authorities on one network."""
    network = Network()
    names = ("north", "south", "east", "west")
    systems = make_systems(names, network)
    tally = Tally()

    async def session(i: int) -> tuple[object, object]:
        sid = uuid.uuid4()
        pair = random.Random(i).sample(names, 2)
        placement = {"Client": pair[0], "Server": pair[1]}
        rng = random.Random(-i)
        client = ping_pong_role(systems, sid, placement, "Client", i, rng, tally)
        server = ping_pong_role(systems, sid, placement, "Server", -i, rng, tally)
        return tuple(await asyncio.gather(client, server))  # type: ignore[return-value]

    async def main() -> list[tuple[object, object]]:
        return await asyncio.gather(*(session(i) for i in range(500)))

    results = asyncio.run(main())
    for i, (client_got, server_got) in enumerate(results):
        assert client_got == -i and server_got == i  # no cross-talk between sessions
    _account(systems, tally)
    assert len(network.history) == 1000
    for envelope in network.history:
        assert network.inbox(envelope.receiver.authority, envelope.session_id) == ()
        assert not network.waiting(envelope.receiver.authority, envelope.session_id)
    summary.record("concurrency: asyncio tasks (OwnedVmSession)", 1000)


@pytest.mark.usefixtures("eager_switching")
def test_concurrency_threads() -> None:
    """8 threads x 100 sessions each over 3 authorities; every event accounted for."""
    systems = make_systems(AUTHORITIES)
    tally, live = Tally(), {}
    lock = threading.Lock()
    errors: list[BaseException] = []

    def worker(t: int) -> None:
        rng = random.Random(t)
        try:
            for i in range(100):
                effects = systems[AUTHORITIES[(t + i) % 3]]
                local = Tally()
                owner_script(effects, systems, rng, local, live)
                with lock:
                    tally.starts.update(local.starts)
                    tally.transfers.update(local.transfers)
                    tally.ends.update(local.ends)
                    tally.refusals += local.refusals
        except BaseException as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(t,), name=f"w{t}") for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    _account(systems, tally)
    summary.record("concurrency: thread sessions", 800)


@pytest.mark.usefixtures("eager_switching")
def test_concurrency_two_concurrent_starts_one_wins() -> None:
    """Many threads start the same session id at once: exactly one wins, others get typed errors."""
    effects = EffectSystem("solo")
    sid = uuid.uuid4()
    barrier = threading.Barrier(16)
    outcomes: list[object] = []

    def start(n: int) -> None:
        barrier.wait()
        try:
            outcomes.append(
                effects.start_owned_choreography_session(f"s{n}", sid, roles_for(effects))
            )
        except SessionStartError as error:
            outcomes.append(error.reason)

    threads = [threading.Thread(target=start, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reasons = [o for o in outcomes if isinstance(o, SessionStartFailureReason)]
    assert len(outcomes) == 16 and len(reasons) == 15
    assert set(reasons) == {SessionStartFailureReason.ALREADY_EXISTS}
    assert effects.cancel_session(sid)
    assert_clean(effects)


@pytest.mark.slow
@pytest.mark.usefixtures("eager_switching")
def test_concurrency_threads_long() -> None:
    """The thread workload ten times over (slow counterpart of test_concurrency_threads)."""
    for _ in range(10):
        test_concurrency_threads()

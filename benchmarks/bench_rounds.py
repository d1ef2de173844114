"""Targets 2 and 3: protocol machine rounds, and owned rounds over the in-memory transport.

2a. A looping ping-pong on ``ProtocolMachine`` against the machine engineer's hand-written
    deque ping-pong doing the same work per round (``bench_machine.deque_rounds``); <= 6x.
2b. Per-round cost with 10,000 concurrent sessions against one session; <= 1.5x.
3.  An owned round (``advance_round_until_receive`` + ``handle_owned_vm_round``, two
    authorities on one ``Network``) against the bare machine step, for the same unit
    ping-pong loop; <= 3x. Each owned round makes exactly one VM step (``step_session``)
    and each bare step is one VM step, so the ratio is per VM step: the owned side needs 6
    rounds per ping-pong cycle (a receive takes a blocked step that fetches and injects,
    then the step that consumes), the bare side 4 steps; the per-cycle ratio is reported
    in the note.
"""

from __future__ import annotations

import statistics
import time

from _timing import Result, alternating_medians, us
from bench_machine import deque_rounds, machine_rounds

from aura_kit.lab.world import World
from aura_kit.machine import CodeImage, ProtocolMachine
from aura_kit.protocol import parse_protocol
from aura_kit.runtime.bridge import VmHostWaitStatus, is_transport_no_message
from aura_kit.runtime.ingress import handle_owned_vm_round

UNIT_LOOP = """
protocol Loop(A, B) {
  rec L {
    A -> B: Ping
    B -> A: Pong
    continue L
  }
}
"""


def owned_world() -> World:
    """Two authorities playing the unit ping-pong loop, both sessions open."""
    world = World(parse_protocol(UNIT_LOOP), {"alpha": "A", "beta": "B"})
    world.open_all()
    return world


ROUNDS_PER_CYCLE: list[float] = []


def owned_cycles(cycles: int) -> float:
    """Nanoseconds per ping-pong cycle driving owned rounds until ``cycles`` Pongs arrived.

    The driver loop gives a role a round unless its last round was ``DEFERRED`` (blocked on
    a receive with nothing in the transport) and its inbox is still empty: such a round
    could only defer again. Every round that runs is a full ``advance_round_until_receive``
    (ingress event, boundary check, one VM step, flush, one transport ask) plus
    ``handle_owned_vm_round``.
    """
    world = owned_world()
    network = world.network
    sid = world.session_id
    plan = []
    for role in world.roles:
        authority = world.authority_of[role]
        plan.append((role, world.sessions[role], world.task(role), f"{role} VM", authority))
    waiting = dict.fromkeys(world.roles, False)
    has_mail = network.has_mail
    peers = world.peer_roles
    deferred = VmHostWaitStatus.DEFERRED
    pongs = rounds = 0
    start = time.perf_counter_ns()
    while pongs < cycles:
        for role, session, task, context, authority in plan:
            if waiting[role] and not has_mail(authority, sid):
                continue
            rounds += 1
            with task:
                r = session.advance_round_until_receive(role, peers, is_transport_no_message)
                waiting[role] = r.host_wait_status is deferred
                if waiting[role]:
                    continue
                handle_owned_vm_round(session, r, context)
                if r.blocked_receive is not None and r.blocked_receive.label == "Pong":
                    pongs += 1
    elapsed = time.perf_counter_ns() - start
    ROUNDS_PER_CYCLE.append(rounds / cycles)
    return elapsed / cycles


def bare_cycles(cycles: int) -> float:
    """Nanoseconds per ping-pong cycle of the bare machine on the same protocol (4 steps)."""
    machine = ProtocolMachine()
    machine.load(CodeImage.from_protocol(parse_protocol(UNIT_LOOP)))
    step = machine.step
    start = time.perf_counter_ns()
    for _ in range(BARE_STEPS_PER_CYCLE * cycles):
        step()
    return (time.perf_counter_ns() - start) / cycles


BARE_STEPS_PER_CYCLE = 4  # one machine step per protocol action: Ping sent, received, Pong ...


def run(quick: bool = False) -> list[Result]:
    """Measure targets 2 and 3."""
    rounds = 20_000 if quick else 100_000
    repeats = 3 if quick else 5
    base, one = alternating_medians(
        [lambda: deque_rounds(rounds) * 1e9, lambda: machine_rounds(1, rounds) * 1e9], repeats
    )
    (many,) = alternating_medians(
        [lambda: machine_rounds(10_000, rounds) * 1e9], max(3, repeats - 2)
    )
    cycles = 2_000 if quick else 5_000
    bare, owned = alternating_medians(
        [lambda: bare_cycles(cycles), lambda: owned_cycles(cycles)], repeats
    )
    per_cycle = statistics.median(ROUNDS_PER_CYCLE)
    owned_round = owned / per_cycle  # one VM step per owned round
    bare_step = bare / BARE_STEPS_PER_CYCLE
    return [
        Result(
            target="2a", name="machine ping-pong vs deque loop",
            measured=f"{us(one)}/round vs {us(base)}/round",
            ratio=one / base, limit=6.0, data={"machine_ns": one, "deque_ns": base},
        ),
        Result(
            target="2b", name="per round, 10,000 sessions vs 1",
            measured=f"{us(many)}/round vs {us(one)}/round",
            ratio=many / one, limit=1.5, data={"many_ns": many, "one_ns": one},
        ),
        Result(
            target="3", name="owned round vs bare machine step",
            measured=f"{us(owned_round)}/round vs {us(bare_step)}/step",
            ratio=owned_round / bare_step, limit=3.0,
            note=(
                f"per VM step (each owned round makes one); per ping-pong cycle: "
                f"{us(owned)} ({per_cycle:.2f} rounds) vs {us(bare)} "
                f"({BARE_STEPS_PER_CYCLE} steps) = {owned / bare:.1f}x"
            ),
            data={"owned_ns_per_round": owned_round, "bare_ns_per_step": bare_step,
                  "owned_ns_per_cycle": owned, "bare_ns_per_cycle": bare,
                  "owned_rounds_per_cycle": per_cycle, "cycle_ratio": owned / bare},
        ),
    ]  # fmt: skip

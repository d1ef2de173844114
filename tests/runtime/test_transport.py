"""Tests of the in-memory transport, the payload codec and the bridge values."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aura_kit.ownership.values import ChoreographicRole
from aura_kit.protocol.types import Sort
from aura_kit.runtime.bridge import SchedulerSignals
from aura_kit.runtime.codec import DEFAULT_CODEC, PayloadCodecError
from aura_kit.runtime.effects import EffectSystem
from aura_kit.runtime.errors import SchedulerSignalsError
from aura_kit.runtime.transport import Network, TransportSendError

A = ChoreographicRole("alice", 0)
B = ChoreographicRole("bob", 0)
C = ChoreographicRole("carol", 0)


class _Member:
    """The smallest thing a network can attach: an authority, session state and an end hook."""

    def __init__(self, authority: str) -> None:
        self.authority = authority
        self.enders: dict[object, list] = {}
        self.ended: set[object] = set()

    def generation(self, session_id: object) -> int:
        return 1 if session_id in self.ended else 0

    def is_active(self, session_id: object) -> bool:
        return False

    def on_session_end(self, session_id: object, callback) -> None:
        self.enders.setdefault(session_id, []).append(callback)

    def end(self, session_id: object) -> None:
        self.ended.add(session_id)
        for callback in self.enders.pop(session_id, []):
            callback(session_id)


def _net(*names: str) -> tuple[Network, dict[str, _Member]]:
    net = Network()
    members = {n: _Member(n) for n in names}
    for member in members.values():
        net.attach(member)
    return net, members


def _send(net: Network, sender, receiver, label: str, payload: bytes = b"1", sid="s") -> None:
    net.send(
        session_id=sid,
        sender=sender,
        receiver=receiver,
        from_role="P",
        to_role="Q",
        label=label,
        sort=Sort.INT,
        payload=payload,
    )


def test_transport_inbox_is_fifo_per_peer() -> None:
    """A receive takes the first envelope from the expected peer and keeps the others."""
    net, _ = _net("alice", "bob", "carol")
    _send(net, A, B, "one")
    _send(net, C, B, "from-carol")
    _send(net, A, B, "two")
    first = net.take("bob", "s", A)
    assert first is not None and first.label == "one"
    assert [e.label for e in net.inbox("bob", "s")] == ["from-carol", "two"]
    second = net.take("bob", "s", A)
    assert second is not None and second.label == "two"
    assert net.take("bob", "s", A) is None


def test_transport_keeps_early_envelopes_for_unstarted_sessions() -> None:
    """An envelope for a session that has not started at the receiver waits there."""
    net, _ = _net("alice", "bob")
    _send(net, A, B, "early", sid="later")
    assert [e.label for e in net.inbox("bob", "later")] == ["early"]


def test_transport_refuses_unknown_authority_and_stores_nothing() -> None:
    """Sending to an authority that is not attached raises and leaves no trace."""
    net, _ = _net("alice")
    with pytest.raises(TransportSendError) as info:
        _send(net, A, B, "lost")
    assert info.value.authority == "bob"
    assert list(net.history) == [] and net.inbox("bob", "s") == ()


def test_transport_drops_inbox_when_session_ends() -> None:
    """Ending a watched session at an authority drops its inbox there."""
    net, members = _net("alice", "bob")
    net.watch_session(members["bob"], "s")
    _send(net, A, B, "pending")
    members["bob"].end("s")
    assert net.inbox("bob", "s") == ()


def test_transport_refuses_sessions_that_ended_at_the_receiver() -> None:
    """An envelope for a session the receiver already ended raises and leaves no trace."""
    net = Network()
    bob = EffectSystem("bob", network=net)
    with bob.task("t"):
        owner = bob.start_owned_choreography_session("b", uuid.uuid4(), [B])
        _send(net, A, B, "kept", sid=owner.session_id)
        bob.end_owned_choreography_session(owner)
    net.drop_session("bob", owner.session_id)
    before = list(net.history)
    with pytest.raises(TransportSendError) as info:
        _send(net, A, B, "late", sid=owner.session_id)
    assert info.value.authority == "bob" and "already ended" in info.value.reason
    assert net.inbox("bob", owner.session_id) == () and list(net.history) == before


def test_transport_refuses_a_second_system_for_one_authority() -> None:
    """Two different systems cannot share an authority on one network."""
    net, _ = _net("alice")
    with pytest.raises(TransportSendError):
        net.attach(_Member("alice"))


@pytest.mark.asyncio
async def test_transport_wait_wakes_on_arrival_and_on_drop() -> None:
    """A waiter wakes when an envelope arrives and when the session is dropped."""
    net, _ = _net("alice", "bob")
    waiter = asyncio.create_task(net.wait_for_change("bob", "s", 5.0))
    await asyncio.sleep(0)
    _send(net, A, B, "x")
    assert await waiter is True
    waiter = asyncio.create_task(net.wait_for_change("bob", "s", 5.0))
    await asyncio.sleep(0)
    net.drop_session("bob", "s")
    assert await waiter is True


@pytest.mark.asyncio
async def test_transport_wait_times_out_without_change() -> None:
    """A wait with nothing arriving returns False at its timeout."""
    net, _ = _net("bob")
    assert await net.wait_for_change("bob", "s", 0.0) is False


@given(st.integers())
def test_codec_round_trips_int(value: int) -> None:
    """Every int survives encode then decode."""
    assert DEFAULT_CODEC.decode(Sort.INT, DEFAULT_CODEC.encode(Sort.INT, value)) == value


@given(st.text())
def test_codec_round_trips_str(value: str) -> None:
    """Every str survives encode then decode."""
    assert DEFAULT_CODEC.decode(Sort.STR, DEFAULT_CODEC.encode(Sort.STR, value)) == value


@given(st.binary())
def test_codec_passes_bytes_through(value: bytes) -> None:
    """Bytes payloads are carried as they are."""
    assert DEFAULT_CODEC.encode(Sort.BYTES, value) == value
    assert DEFAULT_CODEC.decode(Sort.BYTES, value) == value


def test_codec_unit_and_bool() -> None:
    """Unit is empty bytes; bool is JSON true/false and is not an int."""
    assert DEFAULT_CODEC.encode(Sort.UNIT, None) == b""
    assert DEFAULT_CODEC.decode(Sort.BOOL, b"true") is True
    with pytest.raises(PayloadCodecError):
        DEFAULT_CODEC.decode(Sort.INT, b"true")


@pytest.mark.parametrize(
    ("sort", "data"),
    [(Sort.INT, b'"7"'), (Sort.STR, b"\xff"), (Sort.UNIT, b"x"), (Sort.BOOL, b"1")],
)
def test_codec_rejects_bytes_of_the_wrong_sort(sort: Sort, data: bytes) -> None:
    """Bytes that do not decode to the sort raise a typed error naming the sort."""
    with pytest.raises(PayloadCodecError) as info:
        DEFAULT_CODEC.decode(sort, data)
    assert info.value.sort is sort


@given(
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.integers(min_value=-(10**6), max_value=10**6),
)
def test_scheduler_signals_clamp_to_basis_points(events: int, flow: int, leak: int) -> None:
    """Pressures are clamped to 0..10000 and contention to >= 0."""
    signals = SchedulerSignals(
        guard_contention_events=events,
        flow_budget_pressure_bps=flow,
        leakage_budget_pressure_bps=leak,
    )
    assert 0 <= signals.flow_budget_pressure_bps <= 10_000
    assert 0 <= signals.leakage_budget_pressure_bps <= 10_000
    assert signals.guard_contention_events == max(0, events)
    assert signals.flow_budget_pressure_bps == min(10_000, max(0, flow))


def test_scheduler_signals_clamp_edges() -> None:
    """The edge values 10000 and 10001 clamp as the seed does."""
    signals = SchedulerSignals(flow_budget_pressure_bps=10_001, leakage_budget_pressure_bps=10_000)
    assert (signals.flow_budget_pressure_bps, signals.leakage_budget_pressure_bps) == (
        10_000,
        10_000,
    )
    assert signals.normalized() == signals


@pytest.mark.parametrize("how", ["end", "cancel"])
def test_transport_any_end_drops_the_inbox_before_a_reopen(how: str) -> None:
    """A plain start's inbox is dropped by its end or cancel; a re-open sees no old message."""
    net = Network()
    bob = EffectSystem("bob", network=net)
    session = uuid.uuid4()
    with bob.task("plain"):
        owner = bob.start_owned_choreography_session("plain", session, [B])
    _send(net, A, B, "stale", sid=owner.session_id)
    assert len(net.inbox("bob", owner.session_id)) == 1
    with bob.task("plain"):
        if how == "end":
            bob.end_owned_choreography_session(owner)
        else:
            assert bob.cancel_session(session)
    assert net.inbox("bob", owner.session_id) == ()
    with bob.task("again"):
        again = bob.start_owned_choreography_session("again", session, [B])
    assert net.take("bob", again.session_id, A) is None


def test_transport_attach_after_construction_still_drops_inboxes() -> None:
    """A system attached with ``Network.attach`` (not the constructor) has its inboxes dropped."""
    net = Network()
    bob = EffectSystem("bob")
    net.attach(bob)
    net.attach(bob)  # idempotent: one hook
    with bob.task("t"):
        owner = bob.start_owned_choreography_session("b", uuid.uuid4(), [B])
        _send(net, A, B, "pending", sid=owner.session_id)
        bob.end_owned_choreography_session(owner)
    assert net.inbox("bob", owner.session_id) == ()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("flow_budget_pressure_bps", 3.7),
        ("leakage_budget_pressure_bps", True),
        ("guard_contention_events", "12"),
        ("flow_budget_pressure_bps", None),
    ],
)
def test_scheduler_signals_refuse_non_int_values(field: str, value: object) -> None:
    """A float, bool, string or None is a typed error naming the field; nothing is coerced."""
    with pytest.raises(SchedulerSignalsError) as info:
        SchedulerSignals(**{field: value})  # type: ignore[arg-type]
    assert info.value.field == field and info.value.value == value
    assert field in str(info.value) and type(value).__name__ in str(info.value)
    assert isinstance(info.value, TypeError)

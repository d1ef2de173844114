"""Sans-IO protocol machine: VM sessions of coroutines exchanging labelled messages.

Pure: no clocks, no I/O (except ``save_trace`` / ``load_trace``), no randomness except a
seeded ``random.Random`` inside ``SeededRandom``. A *tick* is one coroutine action (one
``step``); a *round* is one authority's ``advance_round`` (runtime); a *pass* gives every role
one turn.

Typical use::

    image = CodeImage.from_protocol(load_protocol("ping_pong"))
    machine = ProtocolMachine()                      # RoundRobin(), buffer_capacity=64
    sid = machine.load(image, handler=QueuedHandler([1, 2]))
    machine.run()                                    # StepResult.ALL_DONE
    machine.events                                   # tuple[MachineEvent, ...]
    explore(image).deadlocks                         # ()

Host boundary (external roles): ``load(image, local_roles=[...])``, ``pending_sends(sid)`` /
``ack_pending_send(sid)``, ``blocked_receive_edge(sid, role)``, ``inject(sid, from, to, label,
payload)``, ``step_session(sid)``, ``session_status``, ``coroutine_status``, ``close``.
"""

from aura_kit.machine.automaton import ActionKind, Automaton, LocalState, compile_local
from aura_kit.machine.conform import Conformance, conforms
from aura_kit.machine.errors import (
    ImageError,
    MachineError,
    NotReady,
    ProtocolViolation,
    TooManyRoles,
    TraceFormatError,
    UnknownSession,
)
from aura_kit.machine.explore import explore
from aura_kit.machine.explore_result import (
    ExploreResult,
    Finding,
    FindingKind,
    GraphEdge,
    GraphNode,
    NodeStatus,
    StateGraph,
)
from aura_kit.machine.handler import EffectHandler, QueuedHandler
from aura_kit.machine.image import CodeImage
from aura_kit.machine.machine import MachineSnapshot, NoPendingSend, ProtocolMachine
from aura_kit.machine.replay import Divergence, ReplayResult, replay
from aura_kit.machine.scheduler import PriorityAging, RoundRobin, Scheduler, SeededRandom
from aura_kit.machine.trace import load_trace, parse_trace, save_trace
from aura_kit.machine.values import (
    CoroutineStatus,
    CoroutineView,
    EdgeView,
    EventKind,
    MachineEvent,
    Message,
    Payload,
    PendingSend,
    SessionStatus,
    SessionView,
    StepResult,
    default_payload,
    fits,
    payload_size,
)

__all__ = [
    # machine
    "ProtocolMachine",
    "CodeImage",
    "StepResult",
    "CoroutineStatus",
    "SessionStatus",
    "MachineSnapshot",
    "PendingSend",
    "Payload",
    "payload_size",
    "fits",
    "default_payload",
    # handlers and schedulers
    "EffectHandler",
    "QueuedHandler",
    "Scheduler",
    "RoundRobin",
    "SeededRandom",
    "PriorityAging",
    # events, traces, views
    "EventKind",
    "MachineEvent",
    "save_trace",
    "load_trace",
    "parse_trace",
    "replay",
    "ReplayResult",
    "Divergence",
    "SessionView",
    "CoroutineView",
    "EdgeView",
    "Message",
    # exploration and conformance
    "explore",
    "ExploreResult",
    "Finding",
    "FindingKind",
    "StateGraph",
    "GraphNode",
    "GraphEdge",
    "NodeStatus",
    "conforms",
    "Conformance",
    # compiled local types
    "Automaton",
    "LocalState",
    "ActionKind",
    "compile_local",
    # errors
    "MachineError",
    "ProtocolViolation",
    "ImageError",
    "TooManyRoles",
    "UnknownSession",
    "NoPendingSend",
    "NotReady",
    "TraceFormatError",
]

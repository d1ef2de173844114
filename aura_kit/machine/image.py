"""Code images: a global type plus one local type per role, compiled once.

Invariants:
- an image is immutable; its roles are the keys of ``local_types`` in the given order;
- every local type compiles (see ``automaton``) when the image is built, so a bad image
  fails at construction with ``ImageError`` and never inside a tick;
- an image has at most ``CodeImage.max_roles`` roles (1,000 unless changed); more is a
  ``TooManyRoles`` raised before any projection or compilation, so a huge role list costs
  nothing. The limit is the protocol layer's ``MAX_ROLES``; set ``CodeImage.max_roles`` to
  allow more;
- compiling is the one automaton cache: the last ``AUTOMATON_CACHE_SIZE`` compilations, keyed
  by role, local type object (kept alive by its entry) and role set, so the images that the
  sessions of one protocol load (one per role, each with every role's projection) compile
  each role once. Automata are immutable, so images may share them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from aura_kit.arguments import check_type
from aura_kit.machine.automaton import Automaton, compile_local
from aura_kit.machine.errors import TooManyRoles
from aura_kit.protocol.limits import MAX_ROLES
from aura_kit.protocol.types import Comm, End, GlobalType, LocalType, Mu, Protocol, Recv, Send, Var

AUTOMATON_CACHE_SIZE = 4_096

_automata: OrderedDict[tuple[str, int, frozenset[str]], tuple[LocalType, Automaton]] = OrderedDict()
_automata_lock = threading.Lock()


def _compiled(role: str, local: LocalType, roles: frozenset[str]) -> Automaton:
    """``compile_local``, answered from the cache when this very local type was compiled."""
    key = (role, id(local), roles)
    with _automata_lock:
        hit = _automata.get(key)
        if hit is not None and hit[0] is local:
            _automata.move_to_end(key)
            return hit[1]
    automaton = compile_local(role, local, roles)  # outside the lock: it may raise ImageError
    with _automata_lock:
        _automata[key] = (local, automaton)
        while len(_automata) > AUTOMATON_CACHE_SIZE:
            _automata.popitem(last=False)
    return automaton


@dataclass(frozen=True, slots=True)
class CodeImage:
    """What the machine loads: ``CodeImage(global_type, {role: local_type})``."""

    global_type: GlobalType
    local_types: Mapping[str, LocalType]
    automata: Mapping[str, Automaton] = field(init=False, repr=False, compare=False)
    max_roles: ClassVar[int] = MAX_ROLES  # the protocol layer's limit on declared roles

    def __post_init__(self) -> None:
        check_type("CodeImage global_type", self.global_type, (End, Comm, Mu, Var), "a global type")
        check_type(
            "CodeImage local_types", self.local_types, Mapping, "a mapping of role to local type"
        )
        self.check_role_count(len(self.local_types))
        for role, local in self.local_types.items():
            check_type("CodeImage local_types key", role, str, "a role name (str)")
            check_type(
                f"CodeImage local_types[{role!r}]",
                local,
                (End, Send, Recv, Mu, Var),
                "a local type",
            )
        locals_ = MappingProxyType(dict(self.local_types))
        object.__setattr__(self, "local_types", locals_)
        roles = frozenset(locals_)
        autos = {r: _compiled(r, t, roles) for r, t in locals_.items()}
        object.__setattr__(self, "automata", MappingProxyType(autos))

    def __hash__(self) -> int:
        return hash((self.global_type, tuple(self.local_types.items())))

    @property
    def roles(self) -> tuple[str, ...]:
        """Roles of the image, in the order of ``local_types``."""
        return tuple(self.local_types)

    @classmethod
    def check_role_count(cls, count: int) -> None:
        """``TooManyRoles`` when ``count`` is over ``max_roles``."""
        if count > cls.max_roles:
            raise TooManyRoles(count, cls.max_roles)

    @classmethod
    def from_protocol(cls, protocol: Protocol, merge: str = "full") -> CodeImage:
        """Project every role of ``protocol`` (protocol layer's ``project_all``)."""
        from aura_kit.protocol import project_all

        cls.check_role_count(len(protocol.roles))
        return cls(protocol.global_type, project_all(protocol, merge=merge))

"""Protocol layer: ``.choreo`` text, global and local types, projection (pure)."""

from aura_kit.protocol.errors import (
    ExplorationError,
    ProjectionError,
    ProtocolDefinitionError,
    ProtocolError,
    ProtocolSyntaxError,
    UnsupportedConstructError,
)
from aura_kit.protocol.exploration import endpoint_automaton, explore_endpoints
from aura_kit.protocol.fsm import LocalFsm, Transition, local_fsm
from aura_kit.protocol.local import dual, format_local, parse_local, partners
from aura_kit.protocol.parser import (
    format_protocol,
    load_protocol,
    load_protocols,
    parse_protocol,
    parse_protocols,
    syntax_of,
)
from aura_kit.protocol.projection import Merge, merge_types, project, project_all, roles
from aura_kit.protocol.types import (
    AnyType,
    Branch,
    Comm,
    End,
    GlobalType,
    LocalType,
    Mu,
    PayloadSort,
    Protocol,
    Recv,
    Send,
    Sort,
    TupleSort,
    UserSort,
    Var,
    as_sort,
    free_vars,
    labels,
    substitute,
    unfold,
)
from aura_kit.protocol.wellformed import (
    check_global,
    check_protocol,
    is_guarded,
    well_formed,
    well_formed_local,
)

__all__ = [
    # types
    "AnyType",
    "Branch",
    "Comm",
    "End",
    "GlobalType",
    "LocalType",
    "Mu",
    "PayloadSort",
    "Protocol",
    "Recv",
    "Send",
    "Sort",
    "TupleSort",
    "UserSort",
    "Var",
    "as_sort",
    "free_vars",
    "labels",
    "substitute",
    "unfold",
    # text
    "format_protocol",
    "load_protocol",
    "load_protocols",
    "parse_protocol",
    "parse_protocols",
    "syntax_of",
    "format_local",
    "parse_local",
    # projection and checks
    "Merge",
    "merge_types",
    "project",
    "project_all",
    "roles",
    "check_global",
    "check_protocol",
    "is_guarded",
    "well_formed",
    "well_formed_local",
    "dual",
    "partners",
    "LocalFsm",
    "Transition",
    "local_fsm",
    "endpoint_automaton",
    "explore_endpoints",
    # errors
    "ProtocolError",
    "ProtocolSyntaxError",
    "ProtocolDefinitionError",
    "ProjectionError",
    "UnsupportedConstructError",
    "ExplorationError",
]

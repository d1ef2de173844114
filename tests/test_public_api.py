"""The seed-named and layer names that are importable from the top-level package."""

from __future__ import annotations

import ast
import importlib
import types
from pathlib import Path

import aura_kit

LAYERS = ("protocol", "machine", "ownership", "runtime", "lab")

PUBLIC_NAMES = [
    "Protocol",
    "parse_protocol",
    "parse_protocols",
    "load_protocol",
    "format_protocol",
    "project",
    "project_all",
    "parse_local",
    "format_local",
    "well_formed",
    "check_protocol",
    "dual",
    "local_fsm",
    "ProtocolError",
    "ProtocolSyntaxError",
    "ProtocolDefinitionError",
    "ProjectionError",
    "ProtocolMachine",
    "CodeImage",
    "StepResult",
    "ProtocolViolation",
    "explore",
    "EffectSystem",
    "HostTask",
    "OwnershipPolicy",
    "ChoreographicRole",
    "SessionOwnerCapability",
    "RuntimeSessionOwner",
    "Scope",
    "LinkBoundary",
    "CompositionManifest",
    "LinkSpec",
    "ManifestError",
    "OwnedVmSession",
    "open_owned_manifest_vm_session_admitted",
    "handle_owned_vm_round",
    "caller_session_owner_label",
    "VmBridgeRound",
    "BlockedVmReceive",
    "VmHostWaitStatus",
    "VmRoundDisposition",
    "SchedulerSignals",
    "Network",
    "SessionIngressError",
    "MissingOwner",
    "StaleOwner",
    "InvalidIngressRouting",
    "SessionStartError",
    "RoundError",
    "SessionCloseError",
    "OwnerTransferError",
    "SessionStartFailureReason",
    "RuntimeBoundaryError",
    "MissingTaskBinding",
    "SessionBindingMismatch",
    "FullSessionCapabilityRequired",
    "CapabilityRejected",
    "BoundaryScopeRejected",
]

ERROR_KINDS = {
    "MissingOwner": "missing_owner",
    "StaleOwner": "stale_owner",
    "InvalidIngressRouting": "invalid_ingress_routing",
    "SessionStartError": "session_start",
    "RoundError": "round",
    "SessionCloseError": "session_close",
    "OwnerTransferError": "owner_transfer",
}


def test_public_api_exports_every_spec_name() -> None:
    """Every promised public name is an attribute of aura_kit and listed in __all__."""
    missing = [name for name in PUBLIC_NAMES if name not in aura_kit.__all__]
    assert missing == []
    for name in PUBLIC_NAMES:
        assert getattr(aura_kit, name) is not None


def test_public_api_all_has_no_duplicates() -> None:
    """No public name is exported twice from different layers."""
    assert len(aura_kit.__all__) == len(set(aura_kit.__all__))


def test_public_api_error_kinds_match_the_seed() -> None:
    """Each ingress error class carries the seed's error_kind string."""
    for name, kind in ERROR_KINDS.items():
        cls = getattr(aura_kit, name)
        assert issubclass(cls, aura_kit.SessionIngressError)
        assert cls.error_kind == kind


def test_public_api_is_an_explicit_list() -> None:
    """The top-level package names its exports one by one: no star import, 60 to 80 names."""
    tree = ast.parse(Path(aura_kit.__file__).read_text(encoding="utf-8"))
    star = [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
    ]
    assert star == []
    assert 60 <= len(aura_kit.__all__) <= 80


def test_public_api_names_come_from_their_layer() -> None:
    """Every top-level name is a public name of the layer package that defines it."""
    layers = [importlib.import_module(f"aura_kit.{name}") for name in LAYERS]
    for name in aura_kit.__all__:
        if name in ("__version__", "AuraKitError"):
            continue
        value = getattr(aura_kit, name)
        assert not isinstance(value, types.ModuleType), name
        homes = [layer.__name__ for layer in layers if name in layer.__all__]
        assert len(homes) == 1, (name, homes)
        assert getattr(importlib.import_module(homes[0]), name) is value


def test_public_api_leaves_generic_names_in_their_layer() -> None:
    """Generic helper names stay in their layer package, not at the top level."""
    for name in ("roles", "Message", "Finding", "EventRecord", "labels", "Divergence"):
        assert not hasattr(aura_kit, name), name

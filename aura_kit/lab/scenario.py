"""Scenario files: a JSON script of authorities, a session, and steps with expectations.

Invariants:
- a scenario is validated completely before anything runs; the first problem raises
  ``ScenarioError`` with the file and the JSON path (``steps[3].role``);
- every step names an action from ``ACTIONS`` and only that action's keys;
- ``protocol`` is a file (next to the scenario, in a ``protocols`` folder beside it, or as
  given) or else a bundled protocol by file name or name (``two_buyer.choreo``, ``TwoBuyer``);
- an ``expect`` block names the error class (a ``SessionIngressError`` subclass) and may
  name its ``kind`` (``error_kind``), ``details`` (boundary error class), ``reason``
  (start failure reason), ``message_contains``, and ``unchanged`` (registries must be
  exactly as before the step; the default for attacks).

Format::

    {"name": "...", "description": "...", "protocol": "two_buyer.choreo",  # or "TwoBuyer"
     "protocol_id": "aura.demo.two_buyer", "session_id": "<uuid>", "driver": "sync",
     "authorities": {"alice": "Buyer1", ...}, "link_specs": [{"role": ..., "bundle_id": ...}],
     "manifest": {... overrides of manifest fields ...},
     "steps": [{"do": "open"}, {"do": "queue", "role": "Buyer1", "payloads": ["x", 5]}, ...]}
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aura_kit.data import BundledNameError, find_bundled, is_path, read_text
from aura_kit.errors import AuraKitError
from aura_kit.jsonpath import ROOT, member_path
from aura_kit.numbers import InvalidNumber, check_count, check_seconds

from .attacks import AttackKind


class ScenarioError(AuraKitError, ValueError):
    """A scenario file is malformed; ``.path`` is the JSON path of the problem."""

    def __init__(self, source: str, path: str, reason: str) -> None:
        self.source = source
        self.path = path
        self.reason = reason
        super().__init__(f"{source}: scenario field {path}: {reason}")


ATTACKS = tuple(kind.key for kind in AttackKind)
# The most passes a "passes" step (or a "run" step) may ask for.
MAX_STEP_COUNT = 100_000
# action -> (required keys, optional keys); "do" and "note" are always allowed.
ACTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "open": (frozenset(), frozenset({"role", "label"})),
    "interrupt": (frozenset({"role", "at"}), frozenset()),
    "queue": (frozenset({"role"}), frozenset({"payloads", "choices"})),
    "round": (frozenset({"role"}), frozenset()),
    "passes": (frozenset({"count"}), frozenset()),
    "run": (frozenset(), frozenset({"max_passes", "timeout"})),
    "transfer": (frozenset({"role", "to"}), frozenset({"scope", "save_stale"})),
    "attenuate": (frozenset({"role", "keys"}), frozenset({"save_stale"})),
    "attack": (frozenset({"role", "attack"}), frozenset({"handle", "keys"})),
    "timeout": (frozenset({"role"}), frozenset({"timeout"})),
    "cancel_while_waiting": (frozenset({"role"}), frozenset()),
    "cancel": (frozenset({"role"}), frozenset()),
    "close": (frozenset(), frozenset({"role"})),
    "check": (frozenset(), frozenset({"complete", "owners", "messages", "active"})),
}
# Old step names, refused with the new one: "rounds" ran passes (every role once), not rounds.
RENAMED = {"rounds": "passes"}
_EXPECT_KEYS = frozenset({"error", "kind", "details", "reason", "message_contains", "unchanged"})
_TOP_REQUIRED = frozenset({"name", "protocol", "authorities", "steps"})
_TOP_OPTIONAL = frozenset(
    {"description", "protocol_id", "session_id", "driver", "link_specs", "manifest", "policy"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Expectation:
    """The failure a step must produce."""

    error: str
    kind: str | None = None
    details: str | None = None
    reason: str | None = None
    message_contains: str | None = None
    unchanged: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class Step:
    """One scripted action; ``args`` holds the action's own keys."""

    index: int
    do: str
    args: dict[str, Any] = field(default_factory=dict)
    expect: Expectation | None = None
    note: str = ""

    @property
    def role(self) -> str | None:
        """The role the step acts for, if any."""
        role = self.args.get("role")
        return role if isinstance(role, str) else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A validated scenario."""

    name: str
    description: str
    protocol_path: Path  # a file, or for a bundled protocol its bundled file
    protocol_id: str
    session_id: str | None
    driver: str
    authorities: dict[str, str]
    link_specs: tuple[dict[str, Any], ...]
    manifest: dict[str, Any]
    steps: tuple[Step, ...]
    source: str
    policy: str = "kit"  # the ``OwnershipPolicy`` preset the scenario runs under


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, reason: str) -> ScenarioError:
        return ScenarioError(self.source, path, reason)

    def obj(
        self, value: Any, path: str, required: frozenset[str], optional: frozenset[str]
    ) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"is {type(value).__name__}; expected an object")
        for key in sorted(required - set(value)):
            raise self.fail(member_path(path, key), "is missing")
        for key in sorted(set(value) - required - optional):
            raise self.fail(
                member_path(path, str(key)),
                f"is not a known field; expected one of {sorted(required | optional)}",
            )
        return value

    def mapping(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"is {type(value).__name__}; expected an object")
        return value

    def text(self, value: Any, path: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(path, f"is {value!r}; expected a non-empty string")
        return value

    def texts(self, value: Any, path: str) -> list[str]:
        if not isinstance(value, list):
            raise self.fail(path, f"is {type(value).__name__}; expected a list of strings")
        return [self.text(v, f"{path}[{i}]") for i, v in enumerate(value)]


def parse_scenario(data: Any, *, source: str = "<dict>", base: Path | None = None) -> Scenario:
    """Validate a decoded scenario; raise ``ScenarioError`` at the first problem."""
    r = _Reader(source)
    top = r.obj(data, ROOT, _TOP_REQUIRED, _TOP_OPTIONAL)
    authorities = r.mapping(top["authorities"], "authorities")
    roles = {r.text(v, member_path("authorities", k)) for k, v in authorities.items()}
    if len(roles) != len(authorities) or not roles:
        raise r.fail("authorities", "must map each authority to a distinct role")
    driver = top.get("driver", "sync")
    if driver not in ("sync", "async"):
        raise r.fail("driver", f"is {driver!r}; expected 'sync' or 'async'")
    policy = top.get("policy", "kit")
    if policy not in ("kit", "seed"):
        raise r.fail("policy", f"is {policy!r}; expected 'kit' or 'seed'")
    steps = top["steps"]
    if not isinstance(steps, list) or not steps:
        raise r.fail("steps", "expected a non-empty list of steps")
    return Scenario(
        name=r.text(top["name"], "name"),
        description=str(top.get("description", "")),
        protocol_path=_protocol_path(r, r.text(top["protocol"], "protocol"), base),
        protocol_id=r.text(top.get("protocol_id", top["name"]), "protocol_id"),
        session_id=_session_id(r, top.get("session_id")),
        driver=driver,
        authorities={str(k): str(v) for k, v in authorities.items()},
        link_specs=tuple(_link_specs(r, top.get("link_specs", []))),
        manifest=r.mapping(top.get("manifest", {}), "manifest"),
        steps=tuple(_step(r, s, i, roles) for i, s in enumerate(steps)),
        source=source,
        policy=policy,
    )


def _protocol_path(r: _Reader, name: str, base: Path | None) -> Path:
    candidates = [Path(name)]
    if base is not None:
        candidates += [base / name, base.parent / "protocols" / name]
    for candidate in candidates:
        try:
            found = candidate.is_file()
        except OSError as error:  # e.g. ENAMETOOLONG: not a usable file name
            raise r.fail("protocol", f"cannot look up {name[:40]!r}: {error.strerror}") from None
        if found:
            return candidate
    bundled = _bundled_protocol(name)
    return candidates[-1] if bundled is None else bundled


def _bundled_protocol(name: str) -> Path | None:
    """The bundled protocol file ``name`` (``two_buyer.choreo``, ``two_buyer``, ``TwoBuyer``)."""
    if "/" in name:
        return None
    try:
        return find_bundled("protocols", name.removesuffix(".choreo")).path()
    except BundledNameError:
        return None


def _session_id(r: _Reader, value: Any) -> str | None:
    if value is None:
        return None
    try:
        uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        raise r.fail("session_id", f"is {value!r}; expected a UUID string") from None
    return str(value)


def _link_specs(r: _Reader, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise r.fail("link_specs", "expected a list")
    keys = frozenset({"role", "bundle_id"})
    return [
        r.obj(v, f"link_specs[{i}]", keys, frozenset({"imports", "exports"}))
        for i, v in enumerate(value)
    ]


def _step(r: _Reader, value: Any, index: int, roles: set[str]) -> Step:
    path = f"steps[{index}]"
    if not isinstance(value, dict) or "do" not in value:
        raise r.fail(path, "expected an object with a 'do' action")
    do = value["do"]
    if isinstance(do, str) and do in RENAMED:
        raise r.fail(f"{path}.do", f"is {do!r}, which is now {RENAMED[do]!r} (the same step)")
    if not isinstance(do, str) or do not in ACTIONS:
        raise r.fail(f"{path}.do", f"is {do!r}; expected one of {sorted(ACTIONS)}")
    required, optional = ACTIONS[do]
    r.obj(value, path, required | {"do"}, optional | {"note", "expect"})
    args = {k: v for k, v in value.items() if k not in ("do", "note", "expect")}
    _check_args(r, path, args, roles)
    expect = None
    if "expect" in value:
        expect = _expectation(r, value["expect"], f"{path}.expect", do == "attack")
    return Step(index=index, do=do, args=args, expect=expect, note=str(value.get("note", "")))


def _check_args(r: _Reader, path: str, args: dict[str, Any], roles: set[str]) -> None:
    role = args.get("role")
    if "role" in args and (not isinstance(role, str) or role not in roles):
        raise r.fail(f"{path}.role", f"is {args['role']!r}; expected one of {sorted(roles)}")
    for key in ("choices", "keys", "complete"):
        if key in args:
            r.texts(args[key], f"{path}.{key}")
    for key in ("to", "save_stale", "handle", "label"):
        if key in args:
            r.text(args[key], f"{path}.{key}")
    if "payloads" in args and not isinstance(args["payloads"], list):
        raise r.fail(f"{path}.payloads", "expected a list of JSON values")
    _check_numbers(r, path, args)
    if "attack" in args and args["attack"] not in ATTACKS:
        raise r.fail(f"{path}.attack", f"is {args['attack']!r}; expected one of {list(ATTACKS)}")
    if "scope" in args and args["scope"] != "session":
        r.texts(args["scope"], f"{path}.scope")
    for key in ("owners", "active"):
        if key in args:
            r.obj(args[key], f"{path}.{key}", frozenset(), frozenset(roles))


def _check_numbers(r: _Reader, path: str, args: dict[str, Any]) -> None:
    """Counts are ints in range and timeouts finite seconds (JSON's ``NaN`` is refused)."""
    limits = {"count": MAX_STEP_COUNT, "max_passes": MAX_STEP_COUNT, "messages": None}
    try:
        for key, maximum in limits.items():
            if key in args:
                check_count(f"{path}.{key}", args[key], maximum=maximum)
        if "timeout" in args:
            check_seconds(f"{path}.timeout", args["timeout"], allow_zero=False)
    except InvalidNumber as error:
        raise r.fail(error.place, f"is {error.value!r}; expected {error.expected}") from None


def _expectation(r: _Reader, value: Any, path: str, is_attack: bool) -> Expectation:
    data = r.obj(value, path, frozenset({"error"}), _EXPECT_KEYS - {"error"})
    for key in ("error", "kind", "details", "reason", "message_contains"):
        if key in data:
            r.text(data[key], f"{path}.{key}")
    unchanged = data.get("unchanged", is_attack)
    if not isinstance(unchanged, bool):
        raise r.fail(f"{path}.unchanged", f"is {unchanged!r}; expected true or false")
    return Expectation(
        error=data["error"],
        kind=data.get("kind"),
        details=data.get("details"),
        reason=data.get("reason"),
        message_contains=data.get("message_contains"),
        unchanged=unchanged,
    )


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file, or the bundled scenario named ``path``
    (``two_buyer``; see ``aura_kit.data``). Bad JSON is a ``ScenarioError`` at ``$``."""
    source, base = str(path), None
    try:
        text, source, _ = read_text("scenarios", path)
        base = _folder_of(path)
        data = json.loads(text)
    except OSError as error:
        raise ScenarioError(source, ROOT, f"cannot read the file: {error.strerror}") from None
    except json.JSONDecodeError as error:
        reason = f"invalid JSON at line {error.lineno} column {error.colno}: {error.msg}"
        raise ScenarioError(source, ROOT, reason) from None
    except UnicodeDecodeError:
        raise ScenarioError(source, ROOT, "the file is not UTF-8 text") from None
    except RecursionError:
        raise ScenarioError(source, ROOT, "invalid JSON: it nests too deeply") from None
    except ValueError as error:  # an integer with more digits than Python converts
        reason = f"invalid JSON: {str(error).split(';', 1)[0]}"
        raise ScenarioError(source, ROOT, reason) from None
    return parse_scenario(data, source=source, base=base)


def _folder_of(path: str | Path) -> Path:
    """The folder of a scenario file or of the bundled scenario ``path`` names."""
    if is_path(path, "scenarios"):
        return Path(path).parent
    return find_bundled("scenarios", str(path)).path().parent

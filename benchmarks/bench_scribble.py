"""Target 8: import and check a Scribble module of 200 messages, 8 roles and 10 ``do`` calls.

The generator writes a main protocol of 100 messages round a ring of 8 roles, inside one
``rec`` loop with a two-way choice at the end (loop again or stop), and 10 ``aux``
subprotocols of 10 messages each, every one called once by ``do`` with the ring rotated, so
expansion substitutes roles: 200 messages, plus the 14 of the final choice.
Timed: ``parse_protocols(text, syntax="scribble")`` followed by ``check_protocol`` (well
formedness and projection onto every role).
Target: under 100 ms.
"""

from __future__ import annotations

from _timing import Result, median_ns, ms

from aura_kit.protocol import check_protocol, parse_protocols

ROLES = [f"R{i}" for i in range(8)]


def _ring(count: int, names: list[str], tag: str) -> list[str]:
    return [
        f"    m{tag}_{k}(int) from {names[k % len(names)]} to {names[(k + 1) % len(names)]};"
        for k in range(count)
    ]


def generate(n_calls: int = 10, sub_messages: int = 10, main_messages: int = 100) -> str:
    """The module text: ``main_messages + n_calls * sub_messages`` messages, then the choice."""
    params = [f"P{i}" for i in range(len(ROLES))]
    declared = ", ".join(f"role {r}" for r in ROLES)
    body = ["  rec Loop {"]
    per_call = main_messages // n_calls
    for call in range(n_calls):
        body += _ring(per_call, ROLES, f"main{call}")
        rotated = ROLES[call % 8 :] + ROLES[: call % 8]
        body.append(f"    do Sub{call}({', '.join(rotated)});")
    last = ROLES[(main_messages) % 8]
    others = [r for r in ROLES if r != last]
    body.append(f"    choice at {last} {{")
    body += [f"      again() from {last} to {r};" for r in others]
    body.append("      continue Loop;")
    body.append("    } or {")
    body += [f"      stop() from {last} to {r};" for r in others]
    body += ["    }", "  }"]
    lines = ["module bench.scribble;", "", f"global protocol Main({declared}) {{", *body, "}"]
    for call in range(n_calls):
        sub_roles = ", ".join(f"role {p}" for p in params)
        lines += ["", f"aux global protocol Sub{call}({sub_roles}) {{"]
        lines += _ring(sub_messages, params, f"sub{call}")
        lines.append("}")
    return "\n".join(lines) + "\n"


def import_and_check(text: str) -> None:
    """What the target times."""
    for protocol in parse_protocols(text, source="<bench>", syntax="scribble"):
        check_protocol(protocol)


def run(quick: bool = False) -> list[Result]:
    """Measure target 8."""
    text = generate()
    taken = median_ns(lambda: import_and_check(text), 3 if quick else 7)
    return [
        Result(
            target="8",
            name="Scribble import + check, 200 messages, 8 roles, 10 do calls",
            measured=ms(taken),
            ratio=taken / 100e6,
            limit=1.0,
            note="ratio to the 100 ms budget",
            data={"import_check_ns": taken, "chars": len(text)},
        )
    ]

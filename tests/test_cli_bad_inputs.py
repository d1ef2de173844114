"""Every ``aura-kit`` command fed a table of bad inputs: the exit code, the first error line,
and never a traceback, both through ``main(argv)`` and in a real subprocess."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from aura_kit.cli import main
from aura_kit.commands import app, run
from aura_kit.data import bundled_names
from tests.conftest import BUNDLED

PROTOCOLS = BUNDLED / "protocols"
SCENARIOS = BUNDLED / "scenarios"
EXPECTED_FORMATS = ".svg, .png, .dot, .gv, .txt, .mmd"
NOT_ROOT = pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes any file")


@dataclass(frozen=True, slots=True, kw_only=True)
class Case:
    """One bad input: the arguments (``{t}`` is the scratch folder), stdin, what must print."""

    name: str
    argv: tuple[str, ...]
    first_line: str
    code: int = 1
    stdin: bytes = b""
    subprocess: bool = True  # False where a real command line cannot carry the argument
    marks: tuple[pytest.MarkDecorator, ...] = ()


def _scenario(**changes: object) -> str:
    data = json.loads((SCENARIOS / "stale_handle.json").read_text())
    data["protocol"] = str(PROTOCOLS / data["protocol"])
    data.update(changes)
    return json.dumps(data)


def _failing_scenario() -> str:
    data = json.loads(_scenario())
    for step in data["steps"]:
        if step["do"] == "attack":
            step["expect"]["error"] = "MissingOwner"
    return json.dumps(data)


FILES: dict[str, bytes] = {
    "empty.choreo": b"",
    "blank.choreo": b"  \n\n",
    "binary.choreo": b"\x7fELF\x02\x01\x01\x00\x00\x00",
    "latin1.choreo": "protocol P(A, B) { A -> B: Caf\xe9 }".encode("latin-1"),
    "syntax.choreo": b"protocol P(A, B) { A -> }",
    "self.choreo": b"protocol X(A) { A -> A: Hi }",
    "ping.choreo": (PROTOCOLS / "ping_pong.choreo").read_bytes(),
    "bad.json": b'{"name": \n',
    "list.json": b"[1, 2]",
    "nokeys.json": b'{"name": "x"}',
    "deep.json": b"[" * 100_000,
    "binary.json": b"\x00\x01\x02",
    "latin1.json": '{"name": "\xe9"}'.encode("latin-1"),
    "sid.json": _scenario(session_id="not-a-uuid").encode(),
    "sid_int.json": _scenario(session_id=5).encode(),
    "steps.json": _scenario(steps={"do": "open"}).encode(),
    "noproto.json": _scenario(protocol="nowhere.choreo").encode(),
    "latin1proto.json": _scenario(protocol="latin1.choreo").encode(),
    "fails.json": _failing_scenario().encode(),
    "good.json": _scenario().encode(),
    "a_file": b"not a folder",
}
LONG = "x" * 5000
NOT_FOUND = "cannot read the file: No such file or directory"
DIRECTORY = "is a directory; expected a file"
CHOREO = "expected a .choreo protocol file"
SCENARIO = "expected a scenario .json file"
NOT_DRAWN = "nothing drawn (aura-kit run shows the steps)"
FAILED = "scenario failed at step 3 (attack): raised StaleOwner; expected MissingOwner"


def _input_cases(command: str, suffix: str, expected: str) -> list[Case]:
    """Bad inputs every file-reading command refuses the same way."""
    c = command
    return [
        Case(name=f"{c}-missing", argv=(c, f"{{t}}/none{suffix}"),
             first_line=f"{{t}}/none{suffix}: error: {NOT_FOUND}"),
        Case(name=f"{c}-directory", argv=(c, "{t}"), first_line=f"{{t}}: error: {DIRECTORY}"),
        Case(name=f"{c}-empty", argv=(c, "{t}/empty.choreo"),
             first_line=f"{{t}}/empty.choreo: error: is empty; {expected}"),
        Case(name=f"{c}-blank", argv=(c, "{t}/blank.choreo"),
             first_line=f"{{t}}/blank.choreo: error: is empty; {expected}"),
        Case(name=f"{c}-binary", argv=(c, "{t}/binary.choreo"),
             first_line=f"{{t}}/binary.choreo: error: is a binary file (it holds NUL bytes);"
             f" {expected}"),
        Case(name=f"{c}-under-a-file", argv=(c, f"{{t}}/a_file/x{suffix}"),
             first_line=f"{{t}}/a_file/x{suffix}: error: cannot read the file: Not a directory"),
        Case(name=f"{c}-name-too-long", argv=(c, LONG),
             first_line=f"{LONG[:80]}: error: unusable path: File name too long"),
        Case(name=f"{c}-nul-in-path", argv=(c, "{t}/a\0b"), subprocess=False,
             first_line="{t}/a\\x00b: error: the path holds a NUL byte; expected a file name"),
        Case(name=f"{c}-endless-device", argv=(c, "/dev/zero"),
             first_line=f"/dev/zero: error: is larger than 8 MiB; {expected}"),
        Case(name=f"{c}-stdin-empty", argv=(c, "-"),
             first_line=f"<stdin>: error: is empty; {expected}"),
        Case(name=f"{c}-stdin-binary", argv=(c, "-"), stdin=b"\xff\x00",
             first_line=f"<stdin>: error: is a binary file (it holds NUL bytes); {expected}"),
        Case(name=f"{c}-unreadable", argv=(c, "{t}/secret"), marks=(NOT_ROOT,),
             first_line="{t}/secret: error: cannot read the file: Permission denied"),
    ]  # fmt: skip


def _protocol_cases(c: str) -> list[Case]:
    return [
        *_input_cases(c, ".choreo", CHOREO),
        Case(name=f"{c}-latin1", argv=(c, "{t}/latin1.choreo"),
             first_line="{t}/latin1.choreo:1:31: error: is not UTF-8 text (byte 0xe9);"
             f" {CHOREO}"),
        Case(name=f"{c}-syntax", argv=(c, "{t}/syntax.choreo"),
             first_line="{t}/syntax.choreo:1:25: error: ProtocolSyntaxError: expected a role name,"
             " found '}'"),
        Case(name=f"{c}-stdin-syntax", argv=(c, "-"), stdin=b"protocol",
             first_line="<stdin>:1:9: error: ProtocolSyntaxError: expected a protocol name,"
             " found end of input"),
        Case(name=f"{c}-scenario-given", argv=(c, "{t}/good.json"),
             first_line="{t}/good.json:1:2: error: ProtocolSyntaxError: unexpected character '\"'"),
    ]  # fmt: skip


def _scenario_cases(c: str, *lead: str) -> list[Case]:
    def case(name: str, file: str, message: str, line: str = "") -> Case:
        return Case(name=f"{c}-{name}", argv=(c, *lead, f"{{t}}/{file}"),
                    first_line=f"{{t}}/{file}{line}: error: {message}")  # fmt: skip

    inputs = [
        Case(name=x.name, argv=(c, *lead, *x.argv[1:]), first_line=x.first_line, stdin=x.stdin,
             subprocess=x.subprocess, marks=x.marks)
        for x in _input_cases(c, ".json", SCENARIO)
    ]  # fmt: skip
    return [
        *inputs,
        case("protocol-given", "ping.choreo", "invalid JSON: Expecting value", ":1:1"),
        *_json_cases(case),
        case("fails", "fails.json", FAILED),
    ]


def _json_cases(case: Callable[..., Case]) -> list[Case]:
    """Bad scenario JSON, shared by run, demo and render."""
    return [
        case("bad-json", "bad.json", "invalid JSON: Expecting value", ":2:1"),
        case("json-list", "list.json", "scenario field $: is list; expected an object"),
        case("missing-keys", "nokeys.json", "scenario field authorities: is missing"),
        case("deep-json", "deep.json", "invalid JSON: it nests too deeply"),
        case("binary-json", "binary.json", f"is a binary file (it holds NUL bytes); {SCENARIO}"),
        case("latin1-json", "latin1.json", f"is not UTF-8 text (byte 0xe9); {SCENARIO}", ":1:11"),
        case("bad-session-id", "sid.json",
             "scenario field session_id: is 'not-a-uuid'; expected a UUID string"),
        case("int-session-id", "sid_int.json",
             "scenario field session_id: is 5; expected a UUID string"),
        case("steps-not-list", "steps.json",
             "scenario field steps: expected a non-empty list of steps"),
        case("protocol-missing", "noproto.json",
             "scenario field protocol: [Errno 2] No such file or directory:"
             " '{t}/../protocols/nowhere.choreo'"),
        case("protocol-not-utf8", "latin1proto.json",
             f"scenario field protocol: 'latin1.choreo' is not UTF-8 text; {CHOREO}"),
    ]  # fmt: skip


def _render_case(name: str, file: str, message: str, line: str = "") -> Case:
    return Case(name=f"render-scenario-{name}",
                argv=("render", f"{{t}}/{file}", "--out", "{t}/o.txt"),
                first_line=f"{{t}}/{file}{line}: error: {message}")  # fmt: skip


def _render_protocol_cases() -> list[Case]:
    """The protocol table for render (with ``--out``); on stdin either kind is expected."""
    either = "expected a .choreo protocol or a scenario .json"
    return [
        replace(
            x,
            argv=(*x.argv, "--out", "{t}/o.txt"),
            first_line=x.first_line.replace(CHOREO, either) if "stdin" in x.name else x.first_line,
        )
        for x in _protocol_cases("render")
        if x.name != "render-scenario-given"  # a scenario .json is what render draws
    ]


OUT_PROTOCOL = ("render", "{t}/ping.choreo", "--out")
CASES: list[Case] = [
    *_protocol_cases("check"),
    Case(name="check-plain-merge",
         argv=("check", "--merge", "plain", str(PROTOCOLS / "streaming.choreo")),
         first_line=f"{PROTOCOLS}/streaming.choreo:6:5: error: ProjectionError: cannot project"
         " onto 'Monitor': choice Source -> Sink: {Data, Done} at line 6 gives"
         " Sink?Progress(int).Sink!Seen.Stream and Sink?Finished.end, which do not plain-merge"),
    Case(name="check-bad-merge", argv=("check", "--merge", "odd", "{t}/ping.choreo"), code=2,
         first_line="aura-kit check: error: argument --merge: invalid choice: 'odd'"
         " (choose from 'full', 'plain', 'send-prefix')"),
    Case(name="check-no-file", argv=("check",), code=2,
         first_line="aura-kit check: error: the following arguments are required: file"),
    *_protocol_cases("project"),
    Case(name="project-unknown-role", argv=("project", "{t}/ping.choreo", "--role", "Nobody"),
         first_line="{t}/ping.choreo: error: unknown role 'Nobody' in PingPong, expected one of"
         " Client, Server"),
    *_scenario_cases("run"),
    *_scenario_cases("demo", "--scenario"),
    Case(name="demo-named-demo", argv=("demo", "--scenario", "demo"),
         first_line="demo: error: no such file or bundled scenario; known names: "
         + ", ".join(bundled_names("scenarios"))),
    *_render_protocol_cases(),
    *_json_cases(_render_case),
    Case(name="render-unknown-format", argv=(*OUT_PROTOCOL, "{t}/x.pdf"),
         first_line="{t}/x.pdf: error: unknown output format '.pdf';"
         f" expected {EXPECTED_FORMATS}"),
    Case(name="render-no-suffix", argv=(*OUT_PROTOCOL, "{t}/x"),
         first_line="{t}/x: error: unknown output format 'no suffix';"
         f" expected {EXPECTED_FORMATS}"),
    Case(name="render-out-directory", argv=(*OUT_PROTOCOL, "{t}/folder.svg"),
         first_line="{t}/folder.svg: error: is a directory; expected a file name"),
    Case(name="render-out-no-folder", argv=(*OUT_PROTOCOL, "{t}/none/x.svg"),
         first_line="{t}/none/x.svg: error: cannot write: '{t}/none' does not exist"),
    Case(name="render-out-under-file", argv=(*OUT_PROTOCOL, "{t}/a_file/x.svg"),
         first_line="{t}/a_file/x.svg: error: cannot write: '{t}/a_file' is not a folder"),
    Case(name="render-out-nul", argv=(*OUT_PROTOCOL, "{t}/x\0.svg"), subprocess=False,
         first_line="{t}/x\\x00.svg: error: the path holds a NUL byte; expected a file name"),
    Case(name="render-out-unwritable", argv=(*OUT_PROTOCOL, "{t}/locked/x.svg"), marks=(NOT_ROOT,),
         first_line="{t}/locked/x.svg: error: cannot write: permission denied"),
    Case(name="render-ownership-of-protocol",
         argv=(*OUT_PROTOCOL, "{t}/o.txt", "--kind", "ownership"),
         first_line="{t}/ping.choreo: error: an ownership graph needs a scenario .json,"
         " not a protocol"),
    Case(name="render-failed-scenario", argv=("render", "{t}/fails.json", "--out", "{t}/o.svg"),
         first_line=f"{{t}}/fails.json: error: {FAILED}; {NOT_DRAWN}"),
    Case(name="render-stdin-failed-scenario", argv=("render", "-", "--out", "{t}/o.txt"),
         stdin=_failing_scenario().encode(),
         first_line=f"<stdin>: error: {FAILED}; {NOT_DRAWN}"),
    Case(name="render-no-out", argv=("render", "{t}/ping.choreo"), code=2,
         first_line="aura-kit render: error: the following arguments are required: --out"),
    Case(name="app-port-zero", argv=("app", "--port", "0"),
         first_line="aura-kit app: error: port 0 is out of range; expected 1..65535"),
    Case(name="app-port-too-big", argv=("app", "--port", "70000"),
         first_line="aura-kit app: error: port 70000 is out of range; expected 1..65535"),
    Case(name="app-port-not-int", argv=("app", "--port", "abc"), code=2,
         first_line="aura-kit app: error: argument --port: invalid int value: 'abc'"),
    Case(name="app-unknown-protocol", argv=("app", "--protocol", "Nope", "--port", "1"),
         first_line="aura-kit app: error: unknown --protocol 'Nope'; expected one of Adder,"
         " AuthHandshake, EpochRotation, Invitation, PingPong, Ring, RingChoice, Streaming,"
         " TwoBuyer"),
    Case(name="no-command", argv=(), code=2,
         first_line="aura-kit: error: the following arguments are required: COMMAND"),
    Case(name="unknown-command", argv=("draw",), code=2,
         first_line="aura-kit: error: argument COMMAND: invalid choice: 'draw' (choose from"
         " 'check', 'project', 'app', 'render', 'run', 'demo', 'grade')"),
    Case(name="grade-missing", argv=("grade", "{t}/none.ipynb"),
         first_line="{t}/none.ipynb: error: no such file"),
    Case(name="grade-not-a-notebook", argv=("grade", "{t}/ping.choreo"),
         first_line="{t}/ping.choreo: error: not JSON (line 1, column 1)"),
    Case(name="grade-no-notebook", argv=("grade",), code=2,
         first_line="aura-kit grade: error: the following arguments are required: NOTEBOOK"),
    Case(name="grade-bad-timeout", argv=("grade", "--timeout", "0", "x.ipynb"), code=2,
         first_line="aura-kit grade: error: argument --timeout: 0 is not between 0 and 3600"
         " seconds"),
]  # fmt: skip
COMMANDS = ("check", "project", "run", "demo", "render", "app", "grade")


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Path]:
    """A folder with every bad file of the table (and a locked file and folder)."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    (folder / "folder.svg").mkdir()
    (folder / "secret").write_text("protocol")
    (folder / "secret").chmod(0)
    (folder / "locked").mkdir(mode=0o500)
    yield folder
    (folder / "locked").chmod(0o700)


def _argv(case: Case, folder: Path) -> list[str]:
    return [arg.replace("{t}", str(folder)) for arg in case.argv]


def _expected(case: Case, folder: Path) -> str:
    return case.first_line.replace("{t}", str(folder)).replace(f"{folder}/../", f"{folder.parent}/")


def _error_line(stderr: str, code: int) -> str:
    """The first line of the message (after argparse's usage lines for exit code 2)."""
    lines = stderr.splitlines()
    assert lines, "nothing on stderr"
    return lines[-1] if code == 2 else lines[0]


def _params(cases: list[Case]) -> list[object]:
    return [pytest.param(case, id=case.name, marks=case.marks) for case in cases]


@pytest.mark.parametrize("case", _params(CASES))
def test_cli_bad_input_in_process(
    case: Case, scratch: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """main(argv) returns the exit code and prints the one expected line, no traceback."""
    monkeypatch.chdir(scratch)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(case.stdin)))
    try:
        code = main(_argv(case, scratch))
    except SystemExit as exit_:  # argparse usage errors
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    assert code == case.code
    assert _error_line(captured.err, code) == _expected(case, scratch)
    assert "Traceback" not in captured.err + captured.out


# A real process for a sample of each command (every case would take a minute on 2 cores).
IN_SUBPROCESS = frozenset({
    "check-missing", "check-binary", "check-latin1", "check-stdin-binary", "check-unreadable",
    "check-nul-in-path", "project-stdin-syntax", "project-unknown-role", "project-directory",
    "run-bad-json", "run-stdin-empty", "run-fails", "run-protocol-not-utf8",
    "run-bad-session-id", "demo-named-demo", "demo-fails", "demo-endless-device",
    "render-out-no-folder", "render-out-unwritable", "render-failed-scenario",
    "render-stdin-failed-scenario", "render-unknown-format", "render-latin1",
    "app-port-zero", "app-unknown-protocol", "app-port-not-int", "no-command", "grade-missing",
})  # fmt: skip
SUBPROCESS_CASES = [case for case in CASES if case.subprocess and case.name in IN_SUBPROCESS]


@pytest.mark.parametrize("case", _params(SUBPROCESS_CASES))
def test_cli_bad_input_in_subprocess(case: Case, scratch: Path) -> None:
    """The real command line gives the same exit code and line, and no traceback."""
    result = subprocess.run(
        [sys.executable, "-m", "aura_kit.cli", *_argv(case, scratch)],
        input=case.stdin,
        capture_output=True,
        cwd=scratch,
        timeout=120,
        check=False,
    )
    stderr = result.stderr.decode("utf-8", "replace")
    assert result.returncode == case.code, stderr
    assert _error_line(stderr, case.code) == _expected(case, scratch)
    assert "Traceback" not in stderr + result.stdout.decode("utf-8", "replace")


def test_cli_bad_inputs_cover_every_command() -> None:
    """The table holds at least one real-subprocess case for every command."""
    covered = {case.argv[0] for case in SUBPROCESS_CASES if case.argv}
    assert covered >= set(COMMANDS)
    assert {case.name for case in SUBPROCESS_CASES} == IN_SUBPROCESS - {"check-nul-in-path"}


def test_cli_render_without_dot_names_the_install_command(scratch: Path) -> None:
    """With no dot on PATH an .svg is refused naming apt-get and the .dot/.txt files."""
    empty = scratch / "bin"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "aura_kit.cli", "render", "ping.choreo", "--out", "p.svg"],
        capture_output=True,
        text=True,
        cwd=scratch,
        env={**os.environ, "PATH": str(empty)},
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "p.svg: error: the Graphviz dot binary is not on PATH; install it with apt-get install"
        " graphviz (or conda install graphviz, or brew install graphviz), or write p.dot or"
        " p.txt meanwhile"
    )
    assert not (scratch / "p.svg").exists()


def test_cli_app_refuses_a_port_in_use() -> None:
    """A port another program listens on is refused before any URL is printed."""
    with socket.socket() as busy:
        busy.bind((app.HOST, 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "aura_kit.cli", "app", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"aura-kit app: error: port {port} on 127.0.0.1 is not free (Address already in use);"
        f" try --port {port + 1}"
    ]


def test_cli_app_without_voila_says_how_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without Voila, app names the [lab] extra and the in-notebook explorer, then exits 1."""
    monkeypatch.setattr(app, "find_spec", lambda name: None if name == "voila" else object())
    assert main(["app"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "aura-kit app: error: voila is not installed; install it with pip install"
        " 'aura_kit[lab]'. Meanwhile the explorer runs in Jupyter: from aura_kit.widgets import"
        " explorer; explorer()"
    ]


def test_cli_app_check_without_voila_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """app --check runs the same checks: without Voila it exits 1 with the pip command."""
    monkeypatch.setattr(app, "find_spec", lambda name: None if name == "voila" else object())
    assert main(["app", "--check"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "voila is not installed; install it with pip install 'aura_kit[lab]'" in captured.err


def test_cli_app_check_passes_and_serves_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """app --check with everything in place exits 0 and starts no Voila process."""
    monkeypatch.setattr(app, "find_spec", lambda name: object())

    def no_voila(*args: object, **kwargs: object) -> None:
        raise AssertionError("app --check must not start Voila")

    monkeypatch.setattr(app.subprocess, "Popen", no_voila)
    with socket.socket() as probe:
        probe.bind((app.HOST, 0))
        port = probe.getsockname()[1]
    assert main(["app", "--check", "--port", str(port)]) == 0
    assert capsys.readouterr().out == (
        f"aura-kit app: ready to serve on http://127.0.0.1:{port}/ (--check: not started)\n"
    )


def test_cli_interrupt_exits_130_in_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during a command prints one line and exits 130, without a traceback."""

    def interrupted(path: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "load_and_run", interrupted)
    assert main(["run", "x.json"]) == 130
    assert capsys.readouterr().err == "aura-kit run: interrupted\n"


def test_cli_unexpected_error_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An exception the kit does not type is still one error line, exit code 1."""

    def broken(path: str) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(run, "load_and_run", broken)
    assert main(["run", "x.json"]) == 1
    assert capsys.readouterr().err == "aura-kit run: error: RuntimeError: boom\n"

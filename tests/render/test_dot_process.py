"""The long-running ``dot`` processes draw the picture one ``dot`` run draws, and step aside
on failure."""

from __future__ import annotations

import multiprocessing
import re
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import graphviz
import pytest

from aura_kit.protocol import load_protocol
from aura_kit.render import automata_figure, sequence_figure
from aura_kit.render.dot_process import DotPool
from aura_kit.render.errors import RenderError
from aura_kit.render.figure import live_svg

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not on PATH")


def _once(source: str) -> bytes:
    return graphviz.Source(source).pipe(format="svg")


def _picture(svg: bytes | None) -> tuple[list[bytes], int, int, int]:
    """What a person sees: every text drawn, and how many nodes, edges and clusters."""
    assert svg is not None and svg.rstrip().endswith(b"</svg>")
    texts = sorted(re.findall(rb"<text[^>]*>([^<]*)</text>", svg))
    return (
        texts,
        svg.count(b'class="node"'),
        svg.count(b'class="edge"'),
        svg.count(b'class="cluster"'),
    )


def _sources() -> list[str]:
    protocol = load_protocol("TwoBuyer")
    return [sequence_figure(protocol).dot, automata_figure(protocol).dot]


def test_pool_draws_the_picture_one_run_draws() -> None:
    pool = DotPool(size=1)
    try:
        for source in _sources() * 2:  # the second round goes through the same process
            assert _picture(pool.svg(source)) == _picture(_once(source))
        assert pool._started == 1
    finally:
        pool.close()


def test_escaped_end_marker_inside_a_label_does_not_cut_the_picture() -> None:
    pool = DotPool(size=1)
    source = 'digraph g { a [label="</svg> not the end"]; a -> b }'
    try:
        assert _picture(pool.svg(source)) == _picture(_once(source))
    finally:
        pool.close()


def test_invalid_graph_closes_the_process_and_the_next_graph_draws() -> None:
    pool = DotPool(size=1)
    good = _sources()[0]
    try:
        assert pool.svg("digraph { a -> -> b }") is None
        assert pool._idle == [] and pool._started == 0  # the failed process is gone
        assert _picture(pool.svg(good)) == _picture(_once(good))
    finally:
        pool.close()


def test_a_graph_dot_waits_on_times_out_and_is_given_up() -> None:
    pool = DotPool(size=1, timeout=0.5)
    start = time.monotonic()
    try:
        assert pool.svg("digraph { a -> b") is None  # dot waits for the closing brace
        assert time.monotonic() - start < 5
        assert pool._started == 0
    finally:
        pool.close()


def test_live_svg_gives_the_typed_error_for_an_invalid_graph() -> None:
    with pytest.raises(RenderError, match="dot failed"):
        live_svg("digraph { a -> -> b }")
    start = time.monotonic()
    with pytest.raises(RenderError, match="dot failed"):
        live_svg("digraph { a -> b")  # not complete: never sent to a waiting process
    assert time.monotonic() - start < 5
    good = _sources()[1]
    assert _picture(live_svg(good)) == _picture(_once(good))


def test_missing_command_is_no_picture_from_the_pool() -> None:
    assert DotPool().svg("digraph { a }", dot="/nonexistent/dot") is None


def test_threads_share_at_most_size_processes() -> None:
    pool = DotPool(size=2)
    sources = [f'digraph g{i} {{ n{i} [label="{i}"]; n{i} -> m{i} }}' for i in range(16)]
    try:
        with ThreadPoolExecutor(max_workers=8) as threads:
            drawn = list(threads.map(pool.svg, sources))
        assert [_picture(d) for d in drawn] == [_picture(_once(s)) for s in sources]
        assert 1 <= pool._started <= 2
    finally:
        pool.close()


def _draw_in_child(source: str, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from aura_kit.render.dot_process import POOL

    queue.put(POOL.svg(source))


def test_a_forked_child_starts_its_own_process() -> None:
    from aura_kit.render.dot_process import POOL

    source = _sources()[0]
    assert _picture(POOL.svg(source)) == _picture(_once(source))  # the parent's process runs
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_draw_in_child, args=(source, queue))
    child.start()
    drawn = queue.get(timeout=30)
    child.join(timeout=30)
    assert _picture(drawn) == _picture(_once(source))
    assert _picture(POOL.svg(source)) == _picture(_once(source))  # the parent's still answers


def _ended(pid: int) -> bool:
    """The process has exited (gone, or a zombie not yet reaped)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_dot_processes_end_when_their_kernel_is_killed() -> None:
    """A process killed outright (as a kernel is) leaves no dot running: its input closes."""
    code = (
        "from aura_kit.render.figure import live_svg\n"
        "from aura_kit.render.dot_process import POOL\n"
        "live_svg('digraph g { a -> b }')\n"
        "print(POOL._idle[0].child.pid, flush=True)\n"
        "import time; time.sleep(60)\n"
    )
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as owner:
        try:
            assert owner.stdout is not None
            dot_pid = int(owner.stdout.readline())
            assert not _ended(dot_pid)
            owner.send_signal(signal.SIGKILL)
            owner.wait(timeout=10)
            deadline = time.monotonic() + 10
            while not _ended(dot_pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert _ended(dot_pid)
        finally:
            owner.kill()

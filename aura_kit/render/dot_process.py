"""Long-running ``dot -Tsvg`` processes, so a live panel does not pay for starting Graphviz.

Starting ``dot`` costs 15-30 ms on an idle machine and over 100 ms on a loaded one, while
laying out a panel of the explorer takes a few milliseconds. ``dot`` reads graph after graph
from its standard input and writes each SVG document as soon as the graph's closing brace
has been read, so one process can draw many pictures.

Invariants:
- ``svg(source, dot)`` returns the SVG ``dot -Tsvg`` draws for ``source``, or ``None``
  when this route could not draw it (no ``dot`` on PATH, the graph is invalid, the process
  died or took longer than ``timeout``); the caller then runs ``dot`` once, which gives the
  typed error. A process that failed in any way is killed and never used again;
- the picture has the nodes, edges and texts of one run's, but not always its bytes: ``dot``
  keeps some counters from graph to graph (cluster ids, the top group's id; a coordinate can
  move by a point), so only pictures redrawn while a person watches use this, and
  ``Figure.svg()`` runs ``dot`` once per picture, reproducibly;
- an SVG document ends with ``</svg>`` and the text inside it is escaped, so the first
  ``</svg>`` at the end of what was read marks the end of the picture;
- at most ``size`` processes run; each draws one picture at a time (callers from several
  threads wait for an idle process); a forked child starts its own processes and never
  writes to its parent's;
- every process is closed when the interpreter exits (``dot`` also ends by itself when its
  input closes).
"""

from __future__ import annotations

import atexit
import os
import selectors
import shutil
import subprocess
import threading
import time

END = b"</svg>"


class DotProcess:
    """One ``dot -Tsvg`` child fed one graph at a time."""

    def __init__(self, executable: str, timeout: float) -> None:
        self.executable = executable
        self.timeout = timeout
        self.child = subprocess.Popen(
            [executable, "-Tsvg"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            bufsize=0,
        )

    def svg(self, source: str) -> bytes | None:
        """The SVG of ``source``, or ``None`` (then this process is closed)."""
        try:
            result = self._exchange(source.encode("utf-8") + b"\n")
        except OSError:
            result = None
        if result is None:
            self.close()
        return result

    def _exchange(self, data: bytes) -> bytes | None:
        child = self.child
        assert child.stdin and child.stdout and child.stderr
        child.stdin.write(data)
        out = bytearray()
        deadline = time.monotonic() + self.timeout
        with selectors.DefaultSelector() as selector:
            selector.register(child.stdout, selectors.EVENT_READ)
            selector.register(child.stderr, selectors.EVENT_READ)
            while not out.rstrip().endswith(END):
                left = deadline - time.monotonic()
                ready = selector.select(left) if left > 0 else []
                if not ready:
                    return None
                for key, _ in ready:
                    chunk = os.read(key.fd, 65536)
                    if not chunk or (key.fileobj is child.stderr and b"rror" in chunk):
                        return None  # ended, or "Error:"/"syntax error": warnings go on
                    if key.fileobj is child.stdout:
                        out += chunk
        return bytes(out)

    def alive(self) -> bool:
        """True while the child runs."""
        return self.child.poll() is None

    def close(self) -> None:
        """Kill the child and wait for it (idempotent)."""
        if self.child.poll() is None:
            self.child.kill()
        self.child.wait()
        for stream in (self.child.stdin, self.child.stdout, self.child.stderr):
            if stream is not None:
                stream.close()


class DotPool:
    """Up to ``size`` ``DotProcess`` children shared by the threads of one process."""

    def __init__(self, size: int = 2, timeout: float = 10.0) -> None:
        self.size = size
        self.timeout = timeout
        self._free = threading.Condition()  # guards the fields below; notified on give back
        self._idle: list[DotProcess] = []
        self._started = 0
        self._pid = os.getpid()

    def svg(self, source: str, dot: str = "dot") -> bytes | None:
        """The SVG of ``source`` drawn by the ``dot`` command (a name looked up on PATH, or
        a path) through an idle child, or ``None`` (see the module)."""
        executable = shutil.which(dot)
        if executable is None:
            return None
        process = self._take(executable)
        if process is None:
            return None
        result = process.svg(source)
        self._give(process)
        return result

    def _take(self, executable: str) -> DotProcess | None:
        with self._free:
            if self._pid != os.getpid():  # a forked child: the parent's pipes are not ours
                self._pid, self._idle, self._started = os.getpid(), [], 0
            other = [p for p in self._idle if p.executable != executable]
            for process in other:  # the command changed (PATH, graphviz's setting)
                self._idle.remove(process)
                process.close()
                self._started -= 1
            while not self._idle and self._started >= self.size:
                self._free.wait()
            if self._idle:
                return self._idle.pop()
            try:
                process = DotProcess(executable, self.timeout)
            except OSError:
                return None
            self._started += 1
            return process

    def _give(self, process: DotProcess) -> None:
        with self._free:
            if process.alive():
                self._idle.append(process)
            else:
                self._started -= 1
            self._free.notify()

    def close(self) -> None:
        """Close every idle child (busy ones close when they are given back dead)."""
        with self._free:
            idle, self._idle = self._idle, []
            self._started -= len(idle)
        for process in idle:
            process.close()


POOL = DotPool()
atexit.register(POOL.close)

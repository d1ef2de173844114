"""Execution contexts that sessions bind to: explicit ``HostTask`` handles, asyncio tasks, threads.

Invariants:
- the context of a call is, in this order: the innermost entered ``HostTask`` that belongs to
  the asking effect system, else the current asyncio task, else the current thread;
- a ``HostTask`` is re-enterable and nestable; entering it again (in a later notebook cell,
  a widget callback, another thread) makes that code act as the same context;
- entering and leaving only touch a ``ContextVar``, so threads and asyncio tasks that enter
  the same handle do not disturb each other;
- a handle carries no check state: whatever an effect system remembers about a context
  (its passed-check memo) stays private to that effect system.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Hashable
from contextvars import ContextVar
from types import TracebackType

# the running loop or None, without the raise-and-catch of ``asyncio.get_running_loop``
running_loop = asyncio.events._get_running_loop
# the entered handles, innermost last (read inline by the effect system's per-round check)
ENTERED_TASKS: ContextVar[tuple[HostTask, ...]] = ContextVar("aura_kit_host_tasks", default=())


class HostTask:
    """A named execution context owned by one effect system (see ``EffectSystem.task``)."""

    __slots__ = ("__weakref__", "_owner", "name")

    def __init__(self, name: str, owner: object) -> None:
        if not isinstance(name, str) or not name:
            raise ValueError(f"host task name must be a non-empty string, got {name!r}")
        self.name = name
        self._owner = owner

    def __enter__(self) -> HostTask:
        ENTERED_TASKS.set((*ENTERED_TASKS.get(), self))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        stack = ENTERED_TASKS.get()
        if stack and stack[-1] is self:  # the usual case: leave the innermost handle
            ENTERED_TASKS.set(stack[:-1])
            return
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] is self:
                ENTERED_TASKS.set(stack[:i] + stack[i + 1 :])
                return

    async def __aenter__(self) -> HostTask:
        return self.__enter__()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.__exit__(exc_type, exc, tb)

    def __repr__(self) -> str:
        return f"HostTask({self.name!r})"


def current_context(owner: object) -> Hashable:
    """The execution context a call on ``owner`` (an effect system) runs in."""
    for task in reversed(ENTERED_TASKS.get()):
        if task._owner is owner:
            return task
    if running_loop() is not None:  # no loop: skip current_task's raise and catch
        running = asyncio.current_task()
        if running is not None:
            return running
    return threading.current_thread()


def describe_context(context: Hashable) -> str:
    """A short label for a context: ``task:<name>``, ``asyncio:<name>`` or ``thread:<name>``."""
    if isinstance(context, HostTask):
        return f"task:{context.name}"
    if isinstance(context, asyncio.Task):
        return f"asyncio:{context.get_name()}"
    if isinstance(context, threading.Thread):
        return f"thread:{context.name}"
    return repr(context)

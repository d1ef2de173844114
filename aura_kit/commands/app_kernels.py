"""The app's kernel manager: at most ``max_kernels`` explorer kernels at once.

Voila starts one kernel (about 100 MB) per page load and keeps it until the page closes or the
kernel is culled as idle. ``aura-kit app`` names this class as Voila's kernel manager, so a
burst of page loads (many tabs, a script, a class opening the link at once) cannot start
kernels without limit.

Invariants:
- starts are taken one at a time, and one is refused while ``max_kernels`` kernels run; the
  page that asked gets HTTP 503 with a sentence saying why and what to do, and no kernel is
  started for it;
- kernels that were shut down or culled no longer count, so the app serves again once one
  closes;
- ``max_kernels`` is a traitlets setting (``--CappedKernelManager.max_kernels=N``).

Only Voila's process imports this module (jupyter_server is a dependency of Voila).
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError
from traitlets import Integer

DEFAULT_MAX_KERNELS = 8
REFUSED = (
    "aura-kit app: {count} explorer pages are open, the most this app serves at once"
    " (--max-kernels {limit}). Close a tab that shows the explorer, or wait until an idle"
    " one is shut down, then reload this page."
)


class CappedKernelManager(AsyncMappingKernelManager):
    """Voila's default kernel manager with a cap on the kernels running at once."""

    max_kernels = Integer(
        DEFAULT_MAX_KERNELS, min=1, config=True, help="most kernels running at once"
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._one_start = asyncio.Lock()

    async def start_kernel(self, **kwargs: Any) -> str:  # type: ignore[override]
        """Start a kernel, or refuse with HTTP 503 when ``max_kernels`` are running."""
        async with self._one_start:
            count = len(self.list_kernel_ids())
            if count >= self.max_kernels:
                message = REFUSED.format(count=count, limit=self.max_kernels)
                self.log.warning(message)
                raise HTTPError(503, message, reason=message)
            kernel_id: str = await super().start_kernel(**kwargs)
            return kernel_id

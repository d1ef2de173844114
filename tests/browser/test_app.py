"""``aura-kit app``: the explorer as a standalone Voila page, clicked in a real Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

TIMEOUT_MS = 90_000


def test_app_serves_the_explorer_and_steps(
    voila_app: Server, browser: Any, artifacts: Path
) -> None:
    """The page shows the explorer; one click on step redraws every panel for pass 1."""
    page = browser.new_page(viewport={"width": 1400, "height": 1600})
    try:
        page.goto(f"{voila_app.url}/?token={voila_app.token}", timeout=TIMEOUT_MS)
        step = page.locator(".aura-explorer button.aura-step").first
        step.wait_for(timeout=TIMEOUT_MS)
        status = page.locator(".aura-explorer .aura-status").first
        assert "pass 0" in status.inner_text()
        step.click()
        page.wait_for_function(
            "() => document.querySelector('.aura-explorer .aura-status').innerText"
            ".includes('pass 1')",
            timeout=TIMEOUT_MS,
        )
        page.wait_for_function(  # every panel redrawn for pass 1, not only the status line
            "() => (document.querySelector('.aura-explorer .aura-buffers') || {innerText: ''})"
            ".innerText.includes('Seller has Buyer1\\'s Title')"
            " && document.querySelector('.aura-explorer .aura-events table') !== null"
            " && document.querySelector('.aura-explorer .aura-automata :is(svg, img)') !== null",
            timeout=TIMEOUT_MS,
        )
        page.screenshot(path=str(artifacts / "app.png"), full_page=True)
    finally:
        page.close()
    log = (artifacts / "voila.log").read_text(errors="replace")
    assert "the explorer is at http://127.0.0.1:" in log

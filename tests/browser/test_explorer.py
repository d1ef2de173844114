"""The explorer notebook in a real JupyterLab, driven by a real Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

NOTEBOOK = "09-explorer.ipynb"
TIMEOUT_MS = 60_000


def _open_notebook(page: Any, lab: Server) -> None:
    page.goto(f"{lab.url}/lab/tree/{NOTEBOOK}?token={lab.token}", timeout=TIMEOUT_MS)
    page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=TIMEOUT_MS)


def _dismiss_news(page: Any) -> None:
    """Close JupyterLab's "get notified about news?" toast if it shows (it hides widgets)."""
    no = page.locator(".jp-toast-button", has_text="No")
    try:
        no.first.click(timeout=3_000)
    except Exception:  # the toast did not show: nothing to close
        return


def _run_all(page: Any) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def _click(page: Any, key: str, times: int = 1) -> None:
    button = page.locator(f".aura-explorer button.aura-{key}").first
    for _ in range(times):
        before = _events_text(page)
        button.click()
        page.wait_for_function(
            "(before) => (document.querySelector('.aura-explorer .aura-events') || {})"
            ".innerText !== before",
            arg=before,
            timeout=TIMEOUT_MS,
        )


def _events_text(page: Any) -> str:
    return str(page.locator(".aura-explorer .aura-events").first.inner_text())


def _graph_html(page: Any) -> str:
    return str(page.locator(".aura-explorer .aura-graph").first.inner_html())


def test_explorer_steps_transfers_and_refuses_an_attack(
    jupyter_lab: Server, browser: Any, artifacts: Path
) -> None:
    """Run All, step rounds, transfer and attack: graph, events and error change in place."""
    page = browser.new_page(viewport={"width": 1400, "height": 3000})
    try:
        _open_notebook(page, jupyter_lab)
        _run_all(page)
        page.locator(".aura-explorer button.aura-step").first.wait_for(timeout=TIMEOUT_MS)
        page.locator(".aura-explorer").first.scroll_into_view_if_needed()
        graph_before = _graph_html(page)
        rows_before = _events_text(page).count("\n")
        _click(page, "step", times=4)
        page.screenshot(path=str(artifacts / "explorer-steps.png"), full_page=True)
        _click(page, "transfer")
        _click(page, "attack")
        _dismiss_news(page)
        error = page.locator(".aura-explorer .aura-error").first.inner_text()
        page.locator(".aura-explorer").first.screenshot(path=str(artifacts / "explorer.png"))
        assert _graph_html(page) != graph_before
        assert _events_text(page).count("\n") > rows_before
        assert "refused" in error
    finally:
        page.close()

"""The protocol editor in a real JupyterLab, driven by a real Chromium: the explorer's Editor
tab, and ``editor()`` on its own in a notebook of its own.

Type a broken protocol, see its line marked, fix it, see the diagrams redrawn; explore it and
open it in the explorer. Screenshots go to ``test-artifacts/browser/editor-*.png``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.test_explorer import (
    NOTEBOOK,
    TIMEOUT_MS,
    _dismiss_news,
    _new_page,
    _run_all,
    _started,
    _status_shows,
)

pytestmark = pytest.mark.browser

GOOD = """protocol Pair(A, B) {
  A -> B: Hello(int)
  B -> A: Goodbye
}
"""
BROKEN = GOOD.replace("B -> A: Goodbye", "B -> A Goodbye")


def _editor_text(page: Any, key: str) -> str:
    return str(page.locator(f".aura-editor .aura-{key}").first.inner_text())


def _wait_text(page: Any, key: str, words: str) -> None:
    page.wait_for_function(
        "([key, words]) => ((document.querySelector('.aura-editor .aura-' + key) || {})"
        ".innerText || '').includes(words)",
        arg=[key, words],
        timeout=TIMEOUT_MS,
    )


def test_editor_marks_the_error_line_then_redraws_when_fixed(
    jupyter_lab: Server, browser: Any, artifacts: Path
) -> None:
    """A missing colon on line 3 is shown at line 3 and marked; the fix redraws both figures."""
    page = _new_page(browser, height=1600)
    try:
        _started(page, jupyter_lab)
        page.locator(".lm-TabBar-tab", has_text="Editor").first.click()
        text = page.locator(".aura-editor .aura-editor-text textarea").first
        text.wait_for(timeout=TIMEOUT_MS)
        text.fill(BROKEN)
        _wait_text(page, "editor-status", "line 3")
        assert "line 3, column 10" in _editor_text(page, "editor-status")
        bad = page.locator(".aura-editor .aura-editor-listing .aura-bad-line").first
        assert bad.inner_text().startswith("  3 | ")
        assert "^" in _editor_text(page, "editor-listing")
        page.locator(".aura-editor").first.screenshot(path=str(artifacts / "editor-error.png"))
        sequence = page.locator(".aura-editor .aura-editor-sequence").first
        before = sequence.inner_html()  # still the last good protocol's diagram (TwoBuyer)
        text.fill(GOOD)
        _wait_text(page, "editor-status", "Pair")
        page.wait_for_function(
            "(before) => { const p = document.querySelector('.aura-editor .aura-editor-sequence');"
            " return p.innerHTML !== before && p.querySelector('svg, img') !== null; }",
            arg=before,
            timeout=TIMEOUT_MS,
        )
        assert page.locator(".aura-editor .aura-bad-line").count() == 0
        page.locator(".aura-editor").first.screenshot(path=str(artifacts / "editor-fixed.png"))
    finally:
        page.close()


def _click_editor(page: Any, key: str) -> None:
    page.locator(f".aura-editor button.aura-{key}").first.click()


def _type_good(page: Any) -> None:
    text = page.locator(".aura-editor .aura-editor-text textarea").first
    text.wait_for(timeout=TIMEOUT_MS)
    text.fill(GOOD)
    _wait_text(page, "editor-status", "Pair")


def test_editor_tab_explores_and_opens_its_protocol_in_the_explorer(
    jupyter_lab: Server, browser: Any, artifacts: Path
) -> None:
    """Explore says what it found; Open in explorer shows the Explorer tab on the new protocol,
    which then steps."""
    page = _new_page(browser, height=1600)
    try:
        _started(page, jupyter_lab)
        page.locator(".lm-TabBar-tab", has_text="Editor").first.click()
        _type_good(page)
        _click_editor(page, "explore")
        _wait_text(page, "editor-note", "no deadlock and no orphan message")
        _click_editor(page, "open-in-explorer")
        _status_shows(page, "Pair · pass 0")
        assert page.locator(".aura-explorer").first.is_visible()
        assert not page.locator(".aura-editor").first.is_visible()
        selected = page.locator(".aura-explorer .aura-protocol select").first.input_value()
        assert selected == "Pair"
        page.locator(".aura-explorer button.aura-step").first.click()
        _status_shows(page, "Pair · pass 1")
        page.locator(".aura-explorer").first.screenshot(path=str(artifacts / "editor-opened.png"))
    finally:
        page.close()


STANDALONE = "editor-alone.ipynb"


def _standalone_notebook(root: Path) -> None:
    """A notebook of one cell, ``editor()``, with the explorer notebook's kernel."""
    metadata = json.loads((root / NOTEBOOK).read_text(encoding="utf-8"))["metadata"]
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "id": "editor",
        "metadata": {},
        "outputs": [],
        "source": ["from aura_kit.widgets import editor\n", "\n", "editor()"],
    }
    notebook = {"cells": [cell], "metadata": metadata, "nbformat": 4, "nbformat_minor": 5}
    (root / STANDALONE).write_text(json.dumps(notebook), encoding="utf-8")


def test_standalone_editor_opens_an_explorer_below_it(
    jupyter_lab: Server, browser: Any, artifacts: Path
) -> None:
    """``editor()`` in a notebook of its own: Open in explorer puts an explorer under it."""
    _standalone_notebook(jupyter_lab.root)
    page = _new_page(browser, height=2400)
    try:
        url = f"{jupyter_lab.url}/lab/tree/{STANDALONE}?token={jupyter_lab.token}"
        page.goto(url, timeout=TIMEOUT_MS)
        page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=TIMEOUT_MS)
        _dismiss_news(page)
        _run_all(page)
        _type_good(page)
        assert page.locator(".aura-editor-explorer .aura-explorer").count() == 0
        _click_editor(page, "open-in-explorer")
        _wait_text(page, "editor-note", "opened Pair below")
        step = page.locator(".aura-editor-explorer .aura-explorer button.aura-step").first
        step.wait_for(timeout=TIMEOUT_MS)
        _status_shows(page, "Pair · pass 0")
        step.click()
        _status_shows(page, "Pair · pass 1")
        page.screenshot(path=str(artifacts / "editor-standalone.png"), full_page=True)
    finally:
        page.close()

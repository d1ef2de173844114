"""The explorer's Editor tab in a real JupyterLab, driven by a real Chromium.

Type a broken protocol, see its line marked, fix it, see the diagrams redrawn; the screenshot
of the error goes to ``test-artifacts/browser/editor-error.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server
from tests.browser.test_explorer import TIMEOUT_MS, _new_page, _started

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

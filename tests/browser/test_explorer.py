"""The explorer notebook in a real JupyterLab, driven by a real Chromium.

Every test restarts the kernel and runs all cells, then clicks as a person would; screenshots
go to ``test-artifacts/browser/``. Click-to-redraw times are measured (never asserted) and
written to ``test-artifacts/browser/latency.json`` for docs/performance.md.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import Server

pytestmark = pytest.mark.browser

NOTEBOOK = "explorer.ipynb"
TIMEOUT_MS = 60_000
WIDTH = 1280
# The smallest text in the ownership panel, in CSS px, as drawn (font size times the scale
# the SVG is shown at): every <text> of the panel's SVG.
# JupyterLab shows an SVG output either inline or as an <img>: for an <img>, the SVG source is
# read back and its font sizes scaled by the drawn width over the viewBox width.
SMALLEST_TEXT_JS = """async () => {
  const panel = document.querySelector('.aura-explorer .aura-graph');
  if (!panel) { return null; }
  let svg = panel.querySelector('svg');
  let scale = null;
  const img = panel.querySelector('img');
  if (!svg && img) {
    // a redraw replaces the picture: wait (up to 20 s) until the new one is laid out
    for (let i = 0; i < 200 && !(img.complete && img.getBoundingClientRect().width > 0); i++) {
      await new Promise((done) => setTimeout(done, 100));
    }
    const source = await (await fetch(img.src)).text();
    svg = new DOMParser().parseFromString(source, 'image/svg+xml').documentElement;
    const box = svg.getAttribute('viewBox').split(/[ ,]+/).map(Number);
    scale = img.getBoundingClientRect().width / box[2];
  }
  if (!svg) { return null; }
  let smallest = Infinity;
  for (const t of svg.querySelectorAll('text')) {
    const size = parseFloat(t.getAttribute('font-size') || '14');
    let s = scale;
    if (s === null) { const m = t.getScreenCTM(); s = Math.sqrt(m.a * m.a + m.b * m.b); }
    smallest = Math.min(smallest, size * s);
  }
  return smallest;
}"""
CLIPPED_BUTTONS_JS = """() => [...document.querySelectorAll('.aura-explorer button')]
  .filter(b => b.offsetParent !== null && b.scrollWidth > b.clientWidth + 1)
  .map(b => b.innerText)"""


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


def _menu(page: Any, menu: str, item: str) -> None:
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def _run_all(page: Any) -> None:
    _menu(page, "Run", "Run All Cells")


def _started(page: Any, lab: Server) -> None:
    _open_notebook(page, lab)
    _dismiss_news(page)
    _run_all(page)
    page.locator(".aura-explorer button.aura-step").first.wait_for(timeout=TIMEOUT_MS)
    page.locator(".aura-explorer").first.scroll_into_view_if_needed()


def _text(page: Any, key: str) -> str:
    return str(page.locator(f".aura-explorer .aura-{key}").first.inner_text())


def _html(page: Any, key: str) -> str:
    return str(page.locator(f".aura-explorer .aura-{key}").first.inner_html())


def _redrawn(page: Any, before: str, key: str = "events") -> None:
    """Wait until the panel's HTML differs from ``before``."""
    page.wait_for_function(
        "([key, before]) => (document.querySelector('.aura-explorer .aura-' + key) || {})"
        ".innerHTML !== before",
        arg=[key, before],
        timeout=TIMEOUT_MS,
    )


def _status_shows(page: Any, text: str) -> None:
    """Wait until the status line shows ``text`` (fails after the timeout)."""
    page.wait_for_function(
        "(text) => (document.querySelector('.aura-explorer .aura-status') || {innerText: ''})"
        ".innerText.includes(text)",
        arg=text,
        timeout=TIMEOUT_MS,
    )


def _click(page: Any, key: str, watch: str = "events") -> float:
    """Click a control and wait until ``watch`` changed; the seconds that took."""
    before = _html(page, watch)
    start = time.perf_counter()
    page.locator(f".aura-explorer button.aura-{key}").first.click()
    _redrawn(page, before, watch)
    return time.perf_counter() - start


# Click-to-redrawn as the page sees it: from the button's click event to the last change
# inside the explorer (a node replaced, text changed, a picture loaded), once nothing has
# changed for QUIET_MS. Playwright's own round trips and checks before it clicks are not in it.
QUIET_MS = 1000
ARM_JS = """(key) => {
  const root = document.querySelector('.aura-explorer');
  const probe = {start: null, last: null};
  const mark = () => { if (probe.start !== null) { probe.last = performance.now(); } };
  probe.observer = new MutationObserver(mark);
  probe.observer.observe(root, {subtree: true, childList: true, characterData: true});
  probe.stop = () => { probe.observer.disconnect(); root.removeEventListener('load', mark, true); };
  root.addEventListener('load', mark, true);
  root.querySelector('button.aura-' + key).addEventListener(
    'click', () => { probe.start = performance.now(); }, {once: true, capture: true});
  window.auraProbe = probe;
}"""
SETTLED_JS = """(quiet) => {
  const probe = window.auraProbe;
  if (probe.last === null || performance.now() - probe.last < quiet) { return null; }
  probe.stop();
  return probe.last - probe.start;
}"""


def _timed_click(page: Any, key: str, watch: str = "events") -> float:
    """Click a control; the seconds from its click event to the explorer's last change."""
    page.evaluate(ARM_JS, key)
    _click(page, key, watch)
    handle = page.wait_for_function(SETTLED_JS, arg=QUIET_MS, timeout=TIMEOUT_MS)
    return float(handle.json_value()) / 1000


def _choose_protocol(page: Any, name: str) -> None:
    """Pick ``name`` in the protocol dropdown and wait until the status line follows."""
    before = _html(page, "status")
    _select(page, "protocol", name)
    _redrawn(page, before, "status")


def _select(page: Any, key: str, value: str) -> None:
    page.locator(f".aura-explorer .aura-{key} select").first.select_option(value)


def _new_page(browser: Any, height: int = 2400) -> Any:
    return browser.new_page(viewport={"width": WIDTH, "height": height})


def test_explorer_steps_transfers_and_refuses_an_attack(
    jupyter_lab: Server, browser: Any, artifacts: Path
) -> None:
    """Run All, step passes, transfer and attack: graph, run, events and result change."""
    page = _new_page(browser)
    try:
        _started(page, jupyter_lab)
        graph_before = page.locator(".aura-explorer .aura-graph").first.inner_html()
        run_before = page.locator(".aura-explorer .aura-run").first.inner_html()
        for _ in range(4):
            _click(page, "step")
        page.screenshot(path=str(artifacts / "explorer-steps.png"), full_page=True)
        _select(page, "role", "Seller")
        _click(page, "transfer", watch="result")
        _select(page, "attack-kind", "stale handle")
        _click(page, "attack", watch="result")
        result = _text(page, "result")
        page.locator(".aura-explorer").first.screenshot(path=str(artifacts / "explorer.png"))
        assert page.locator(".aura-explorer .aura-graph").first.inner_html() != graph_before
        assert page.locator(".aura-explorer .aura-run").first.inner_html() != run_before
        assert result.count("Refused, as it should be") == 1 and "LinkBoundary(" not in result
        assert "waits for" in _text(page, "status")
    finally:
        page.close()


def test_explorer_cell_runs_again_in_the_same_kernel(
    jupyter_lab: Server, browser: Any, artifacts: Path
) -> None:
    """Running every cell a second time in one kernel shows the explorer again, no error."""
    page = _new_page(browser)
    try:
        _started(page, jupyter_lab)
        _run_all(page)  # the same kernel: the cell that makes the explorer runs again
        page.locator("#jp-main-statusbar").get_by_text("Idle").first.wait_for(timeout=TIMEOUT_MS)
        page.locator(".aura-explorer button.aura-step").first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(500)
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
        )
        page.screenshot(path=str(artifacts / "explorer-rerun.png"), full_page=False)
        assert errors.count() == 0
        assert "TypeError" not in page.locator(".jp-Notebook").first.inner_text()
        _click(page, "step")
        assert "pass 1" in _text(page, "status")
    finally:
        page.close()


def test_explorer_dropdown_opens_and_student_picks_moves(
    jupyter_lab: Server, browser: Any, artifacts: Path
) -> None:
    """Choosing a protocol opens it at once; a move button does that move; Play stops at a
    loop naming Quit; Step back undoes the whole Play."""
    page = _new_page(browser)
    try:
        _started(page, jupyter_lab)
        _choose_protocol(page, "Adder")
        assert "Client chooses Add or Quit" in _text(page, "status")
        moves = page.locator(".aura-explorer .aura-moves button.aura-move")
        page.wait_for_function(  # the move buttons are redrawn after the status line
            "() => document.querySelectorAll('.aura-explorer .aura-moves button.aura-move')"
            ".length === 2",
            timeout=TIMEOUT_MS,
        )
        assert moves.count() == 2  # Client chooses Add or Quit
        before = _html(page, "run")
        moves.filter(has_text="Add").first.click()
        _redrawn(page, before, "run")
        page.wait_for_function(  # the run may redraw from the open first: wait for the move
            "() => document.querySelector('.aura-explorer .aura-result').innerText"
            ".includes('Client chooses Add to Server')",
            timeout=TIMEOUT_MS,
        )
        _click(page, "play", watch="result")  # Play animates: wait for where it stops
        page.wait_for_function(
            "() => document.querySelector('.aura-explorer .aura-result').innerText"
            ".includes('stopped')",
            timeout=TIMEOUT_MS,
        )
        assert "loop" in _text(page, "result") and "Quit for Client" in _text(page, "result")
        page.wait_for_function(  # the Pause button turns back into Play when it stops
            "() => document.querySelector('.aura-explorer button.aura-play').innerText"
            ".includes('Play')",
            timeout=TIMEOUT_MS,
        )
        page.locator(".aura-explorer").first.screenshot(path=str(artifacts / "explorer-loop.png"))
        _click(page, "back", watch="result")
        assert "undid play" in _text(page, "result")
    finally:
        page.close()


def _set_speed(page: Any, end: str) -> None:
    """Drag the s/pass slider's handle past the ``"left"`` (0 s) or ``"right"`` (2 s) end of
    its track, as a person does with the mouse."""
    track = page.locator(".aura-explorer .aura-speed .noUi-base").first.bounding_box()
    handle = page.locator(".aura-explorer .aura-speed .noUi-handle").first.bounding_box()
    y = handle["y"] + handle["height"] / 2
    page.mouse.move(handle["x"] + handle["width"] / 2, y)
    page.mouse.down()
    page.mouse.move(track["x"] - 40 if end == "left" else track["x"] + track["width"] + 40, y)
    page.mouse.up()
    page.wait_for_function(
        "(value) => document.querySelector('.aura-explorer .aura-speed .widget-readout')"
        ".innerText.trim() === value",
        arg="0.00" if end == "left" else "2.00",
        timeout=TIMEOUT_MS,
    )


def _pass_number(page: Any) -> int:
    status = _text(page, "status")
    return int(status.split("pass ")[1].split()[0])


def test_explorer_queued_choice_speed_pause_and_open(
    jupyter_lab: Server, browser: Any, artifacts: Path
) -> None:
    """A queued Quit steers Adder's loop to its end; at 2 s per pass Play is slow enough to
    pause, and a paused Play stays paused; Open sessions starts the protocol again."""
    page = _new_page(browser)
    try:
        _started(page, jupyter_lab)
        _choose_protocol(page, "Adder")
        _select(page, "role", "Client")
        page.locator(".aura-explorer .aura-choice input").first.fill("Quit")
        _click(page, "queue-choice", watch="result")
        assert "Client: queued Quit" in _text(page, "result")
        _set_speed(page, "right")
        page.locator(".aura-explorer button.aura-play").first.click()
        _status_shows(page, "pass 1")
        page.wait_for_timeout(1000)
        assert _pass_number(page) <= 1  # 2 s per pass (at the default 0.4 s it would be 3)
        page.locator(".aura-explorer button.aura-play").first.click()  # now "Pause"
        page.wait_for_function(
            "() => document.querySelector('.aura-explorer .aura-result').innerText"
            ".includes('paused')",
            timeout=TIMEOUT_MS,
        )
        paused_at = _pass_number(page)
        page.wait_for_timeout(2500)
        assert _pass_number(page) == paused_at  # a paused Play takes no more passes
        _set_speed(page, "left")
        _click(page, "play", watch="result")
        _status_shows(page, "complete")  # the queued Quit ended the loop
        assert "Quit" in _html(page, "run")
        page.locator(".aura-explorer").first.screenshot(path=str(artifacts / "explorer-quit.png"))
        _click(page, "open", watch="status")
        _status_shows(page, "Adder · pass 0")
    finally:
        page.close()


def test_explorer_policy_switch_and_payload_check(
    jupyter_lab: Server, browser: Any, artifacts: Path
) -> None:
    """The seed policy switch replays the run; a wrong payload is refused in plain words."""
    page = _new_page(browser)
    try:
        _started(page, jupyter_lab)
        _click(page, "step")
        before = _html(page, "result")
        _select(page, "policy", "seed (the Rust seed's)")
        _redrawn(page, before, "result")
        assert "seed policy" in _text(page, "result")
        _select(page, "attack-kind", "forged capability")
        _click(page, "attack", watch="result")
        assert "Let in" in _text(page, "result")  # the seed checks no integrity tag
        page.locator(".aura-explorer .aura-payload input").first.fill("Dune")
        _click(page, "queue-payload", watch="result")  # after its Title, Buyer1 sends Share(int)
        assert "Share(int)" in _text(page, "result") and "refused" in _text(page, "result")
        page.locator(".aura-explorer").first.screenshot(path=str(artifacts / "explorer-policy.png"))
    finally:
        page.close()


def test_explorer_stays_readable_after_20_ownership_moves(
    jupyter_lab: Server, browser: Any, artifacts: Path
) -> None:
    """20 transfers and attenuations at 1280 px: smallest ownership text >= 9 px, buttons
    unclipped; click-to-redraw of Step, Transfer and Attack measured after them."""
    page = _new_page(browser, height=3000)
    try:
        _started(page, jupyter_lab)
        for i in range(20):
            _select(page, "role", ("Buyer1", "Buyer2", "Seller")[i % 3])
            _click(page, "attenuate" if i % 4 == 0 else "transfer")
        smallest = page.evaluate(SMALLEST_TEXT_JS)
        for _ in range(20):  # a picture being replaced measures 0 px: measure it once drawn
            if smallest:
                break
            page.wait_for_timeout(500)
            smallest = page.evaluate(SMALLEST_TEXT_JS)
        clipped = page.evaluate(CLIPPED_BUTTONS_JS)
        page.locator(".aura-explorer").first.screenshot(
            path=str(artifacts / "explorer-20-moves.png")
        )
        times: dict[str, list[float]] = {"step": [], "transfer": [], "attack": []}
        _select(page, "attack-kind", "stale handle")
        for _ in range(5):
            for key, taken in times.items():
                taken.append(_timed_click(page, key))
        report = {
            key: {"median_ms": round(statistics.median(v) * 1000), "worst_ms": round(max(v) * 1000)}
            for key, v in times.items()
        }
        report["smallest_text_px"] = smallest
        (artifacts / "latency.json").write_text(json.dumps(report, indent=1))
        assert smallest is not None and smallest >= 9, smallest
        assert clipped == []
    finally:
        page.close()


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def _saved_widget_state(path: Path, status: str, timeout: float = 30.0) -> dict[str, Any]:
    """The widget models saved in the notebook at ``path``, once a saved HTML model shows
    ``status`` (JupyterLab may write the file more than once)."""
    deadline = time.monotonic() + timeout
    statuses: list[str] = []
    while time.monotonic() < deadline:
        widgets = json.loads(path.read_text(encoding="utf-8"))["metadata"].get("widgets", {})
        state: dict[str, Any] = widgets.get(WIDGET_STATE, {}).get("state", {})
        statuses = [
            str(model["state"].get("value", ""))[:60]
            for model in state.values()
            if model["model_name"] == "HTMLModel" and "TwoBuyer · pass" in str(model["state"])
        ]
        if any(status in line for line in statuses):
            return state
        time.sleep(0.3)
    raise AssertionError(f"no saved status {status!r} in {path} after {timeout} s: {statuses}")


def test_explorer_saved_notebook_keeps_its_last_state(jupyter_lab: Server, browser: Any) -> None:
    """Saved with make lab's settings, the notebook holds the explorer as it was last drawn
    (its status line and its pictures), for viewers that run no kernel."""
    page = _new_page(browser)
    try:
        _started(page, jupyter_lab)
        for _ in range(2):
            _click(page, "step")
        _menu(page, "File", "Save Notebook")
        state = _saved_widget_state(jupyter_lab.root / NOTEBOOK, "TwoBuyer · pass 2 ·")
    finally:
        page.close()

    def states(name: str) -> list[dict[str, Any]]:
        return [model["state"] for model in state.values() if model["model_name"] == name]

    pictures = [m for m in states("HTMLModel") if str(m.get("value", "")).startswith("<svg")]
    assert len(pictures) >= 3  # ownership, run and automata panels


def test_explorer_keyboard_shortcut_steps_a_pass(
    jupyter_lab: Server, browser: Any, artifacts: Path
) -> None:
    """With the pointer over the explorer, the key s steps one pass and b steps back."""
    page = _new_page(browser)
    try:
        _started(page, jupyter_lab)
        page.locator(".aura-explorer .aura-status").first.hover()
        page.keyboard.press("s")
        _status_shows(page, "pass 1")
        page.keyboard.press("b")
        _status_shows(page, "pass 0")
        page.locator(".aura-explorer").first.screenshot(path=str(artifacts / "explorer-keys.png"))
    finally:
        page.close()

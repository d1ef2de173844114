"""The thin ipywidgets layer: buttons call the model and redraw the panels."""

from __future__ import annotations

import base64
import html
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

from aura_kit.lab import AttackKind
from aura_kit.widgets import explorer, ownership_figure, run_figure
from aura_kit.widgets.explorer_widget import automata_figure

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not on PATH")


def test_explorer_buttons_carry_css_classes() -> None:
    """Every button has a stable ``aura-<key>`` class for browser tests."""
    ui = explorer("PingPong")
    for key, button in ui.buttons.items():
        assert f"aura-{key}" in button._dom_classes


def test_explorer_step_redraws_panels() -> None:
    """A click on step advances the model and refreshes the event table."""
    ui = explorer("PingPong")
    before = ui.panels["events"].value
    ui.click("step")
    assert ui.model.passes == 1
    assert ui.panels["events"].value != before
    assert "pass 1" in ui.status.value


def test_explorer_attack_shows_the_error() -> None:
    """After a transfer, the stale-copy attack is shown once, green, in plain words."""
    ui = explorer("TwoBuyer")
    ui.click("transfer")
    ui.attack_kind.value = AttackKind.STALE_HANDLE
    ui.click("attack")
    shown = ui.result.value + ui.status.value
    assert shown.count("Refused") == 1 and "#1a7f37" in ui.result.value
    assert "StaleOwner" in ui.result.value
    for python_repr in ("LinkBoundary(", "frozenset(", "SessionId(", "error:"):
        assert python_repr not in shown


def test_explorer_open_switches_protocol() -> None:
    """Choosing another protocol and pressing open starts a model of it."""
    ui = explorer("PingPong")
    ui.protocol.value = "Ring"
    ui.click("open")
    assert ui.model.protocol.name == "Ring"
    assert tuple(ui.role.options) == ("A", "B", "C")


def test_explorer_offers_dot_download_without_the_dot_binary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With dot missing, the figure panels show the text form and a Download DOT link."""
    import graphviz.backend.dot_command as dot_command

    monkeypatch.setattr(dot_command, "DOT_BINARY", Path("/nonexistent/dot"))
    ui = explorer("PingPong")
    figures = {
        "graph": ownership_figure(ui.model, ui.role.value),
        "run": run_figure(ui.model, ui.role.value),
        "automata": automata_figure(ui.model, ui.role.value),
    }
    for key, figure in figures.items():
        shown = ui.panels[key].value
        assert "<svg" not in shown and "dot binary not found" in shown
        assert html.escape(figure.text, quote=False).splitlines()[0] in shown
        href = re.search(r'href="data:text/vnd\.graphviz;charset=utf-8,([^"]*)"', shown)
        assert href is not None
        assert unquote(href.group(1)) == figure.dot
        assert ">Download DOT</a>" in shown


@pytest.mark.dot
@needs_dot
def test_explorer_shows_svg_and_no_download_link_with_dot() -> None:
    """With dot, each figure panel holds one inline SVG and no Download DOT link."""
    ui = explorer("PingPong")
    for key in ("graph", "run", "automata"):
        shown = ui.panels[key].value
        assert shown.startswith("<svg") and shown.rstrip().endswith("</svg>")
        assert shown.count("<svg") == 1 and "Download DOT" not in shown


def test_explorer_cell_runs_twice_in_one_kernel() -> None:
    """Importing the widget module does not replace ``explorer``: a second run works."""
    import importlib

    import aura_kit.widgets as widgets

    first = explorer("PingPong")
    importlib.import_module("aura_kit.widgets.explorer_widget")
    from aura_kit.widgets import explorer as again

    assert callable(widgets.explorer) and again("PingPong").model is not first.model


def test_explorer_dropdown_opens_the_chosen_protocol() -> None:
    """Choosing a protocol in the dropdown opens its sessions without pressing Open."""
    ui = explorer("PingPong")
    ui.protocol.value = "Ring"
    assert ui.model.protocol.name == "Ring" and ui.model.is_open
    assert "Ring" in ui.status.value and tuple(ui.role.options) == ("A", "B", "C")


def test_explorer_move_buttons_take_that_move() -> None:
    """The student picks a move: its button does exactly that move and the buttons change."""
    ui = explorer("TwoBuyer")
    labels = [c.description for c in ui.moves.children if hasattr(c, "on_click")]
    assert labels == ["Buyer1 sends Title to Seller"]
    ui.click_move(0)
    assert [m[2] for m in ui.model.world.messages()] == ["Title"]
    labels = [c.description for c in ui.moves.children if hasattr(c, "on_click")]
    assert labels == ["Seller receives Title from Buyer1"]


def test_explorer_move_buttons_are_kept_and_relabelled() -> None:
    """A redraw with the same moves sends nothing; a relabelled button does its new move."""
    ui = explorer("TwoBuyer")
    ui.click_move(0)
    before = ui.moves.children
    ui.click("transfer")  # the owner changes, the moves do not
    assert ui.moves.children is before
    first = before[1]
    ui.click_move(0)  # the same button, now "Seller receives Title from Buyer1"
    assert ui.moves.children[1] is first
    assert ui.model.last_result.message == "Seller receives Title from Buyer1"
    made = set()
    for _ in range(12):
        made |= {id(c) for c in ui.moves.children}
        if not ui.model.enabled_moves():
            break
        ui.click_move(0)
    assert len(made) <= 1 + max(3, len(ui.model.protocol.roles))  # the label and a few buttons


def test_explorer_step_pass_names_its_scheduler() -> None:
    """The pass button says it is round-robin, next to the move buttons."""
    ui = explorer("TwoBuyer")
    assert "round-robin" in ui.buttons["step"].description


# "round" followed or preceded by a count, or a control named after rounds: the explorer counts
# passes (every role once); a round is one role's advance_round (docs/glossary.md).
_ROUND_FOR_PASS = re.compile(
    r"\bround\s*\d|\d+\s*round|\bround\(s\)|Step round|s/round|rounds until"
)


def test_explorer_says_pass_where_it_means_a_pass() -> None:
    """Buttons, the speed slider, status and results count passes, never "round N"."""
    ui = explorer("TwoBuyer")
    ui.click("step")
    texts = [ui.status.value, ui.result.value]
    ui.click("play")
    texts += [ui.status.value, ui.result.value, ui.speed.description, ui.speed.tooltip]
    texts += [t for b in ui.buttons.values() for t in (b.description, b.tooltip)]
    assert "pass 1" in texts[0] and "pass" in ui.speed.description
    assert [t for t in texts if _ROUND_FOR_PASS.search(t)] == []


def test_explorer_policy_switch_replays_under_the_seed() -> None:
    """Switching the policy to seed keeps the actions and builds the world with the seed's."""
    from aura_kit.ownership import OwnershipPolicy

    ui = explorer("TwoBuyer")
    ui.click("step")
    ui.policy.value = "seed"
    assert ui.model.policy == "seed" and len(ui.model.history) == 1
    assert {fx.policy for fx in ui.model.world.systems.values()} == {OwnershipPolicy.seed()}
    assert "seed policy" in ui.result.value


def test_explorer_back_after_play_in_the_widget() -> None:
    """Step back after Play returns the status to pass 0."""
    ui = explorer("TwoBuyer")
    ui.click("play")
    assert "complete" in ui.status.value
    ui.click("back")
    assert "pass 0" in ui.status.value


def test_explorer_wrong_payload_is_refused_in_the_widget() -> None:
    """An int typed for Title(str) is refused in red with the message's sort."""
    ui = explorer("TwoBuyer")
    ui.payload.value = "42"
    ui.click("queue-payload")
    assert "#cf222e" in ui.result.value and "Title(str)" in ui.result.value


def test_explorer_selected_role_is_marked_in_the_pictures() -> None:
    """Selecting a role marks its authority in the ownership graph and its run lifeline."""
    ui = explorer("TwoBuyer")
    ui.role.value = "Seller"
    graph = ownership_figure(ui.model, "Seller").dot
    run = run_figure(ui.model, "Seller").dot
    assert 'fillcolor="#fff3bf"' in graph and 'fillcolor="#fff3bf"' in run
    assert 'fillcolor="#fff3bf"' not in ownership_figure(ui.model).dot


def test_explorer_play_animates_and_pauses_in_a_running_loop() -> None:
    """With an event loop, Play runs pass by pass; the same button pauses; one history entry."""
    import asyncio

    async def scenario() -> tuple[bool, list[str], str, bool]:
        ui = explorer("TwoBuyer")
        ui.speed.value = 0.05
        ui.click("play")
        assert ui.buttons["play"].description == "Pause"
        while ui.model.passes < 2:
            await asyncio.sleep(0.01)
        ui.click("play")  # pause
        task = ui._playing
        assert task is not None
        await task
        paused = "paused" in ui.result.value and not ui.model.complete
        names = [name for name, _ in ui.model.history]
        ui.click("play")
        while ui._playing is not None:
            await asyncio.sleep(0.01)
        return paused, names, ui.buttons["play"].description, ui.model.complete

    paused, names, label, complete = asyncio.run(scenario())
    assert paused and names == ["play"] and label == "Play" and complete


def test_explorer_opens_choreo_text() -> None:
    """``explorer()`` takes .choreo text too: the dropdown shows its name, the moves its roles."""
    ui = explorer("protocol Hi(A, B) {\n  A -> B: Hello(int)\n}")
    assert ui.protocol.value == "Hi"
    assert [c.description for c in ui.moves.children if hasattr(c, "on_click")] == [
        "A sends Hello to B"
    ]


def test_explorer_own_protocol_stays_in_the_dropdown() -> None:
    """After switching away, choosing the text protocol again reopens it."""
    ui = explorer("protocol Hi(A, B) {\n  A -> B: Hello(int)\n}")
    ui.protocol.value = "PingPong"
    ui.protocol.value = "Hi"
    assert ui.model.protocol.name == "Hi" and ui.model.is_open


def test_explorer_redraws_each_panel_in_one_update() -> None:
    """A click replaces a panel's value once: the page never sees it empty in between; a
    panel whose content did not change is not sent again."""
    ui = explorer("TwoBuyer")
    seen: dict[str, list[str]] = {key: [] for key in ui.panels}
    for key, panel in ui.panels.items():
        panel.observe(lambda change, key=key: seen[key].append(change["new"]), names="value")
    ui.click("step")
    assert len(seen["events"]) == 1 and "<table" in seen["events"][0]
    assert all(len(changes) <= 1 and all(changes) for changes in seen.values())
    assert seen["automata"] and not seen["graph"]  # a step moves states, not owners


def test_explorer_marks_the_selected_role_in_every_panel() -> None:
    """Choosing a role marks it in the ownership graph, the run, the automata and the buffers."""
    ui = explorer("TwoBuyer")
    ui.click("step")
    ui.role.value = "Buyer2"
    automata = ui.panels["automata"].value
    buffers = html.unescape(re.sub(r"<[^>]+>", "", ui.panels["buffers"].value))
    marked = [line for line in buffers.splitlines() if line.startswith(">")]
    assert marked[0].startswith("> Buyer2 waits for") and len(marked) == 5
    assert all(line.startswith("  ") for line in buffers.splitlines() if "Buyer1" in line[:9])
    assert "Buyer2 (selected)" in automata_figure(ui.model, "Buyer2").dot
    assert "(selected)" not in automata_figure(ui.model).dot
    assert "Buyer2 (selected)" in automata or shutil.which("dot") is None
    for figure in (
        ownership_figure(ui.model, "Buyer2"),
        run_figure(ui.model, "Buyer2"),
        automata_figure(ui.model, "Buyer2"),
    ):
        assert "#fff3bf" in figure.dot, figure.kind


def test_explorer_keyboard_shortcuts_step_back_and_ignore_typing() -> None:
    """s steps a pass and b steps back; a key typed into a field or held with Ctrl does not."""
    ui = explorer("TwoBuyer")
    ui.on_key({"type": "keydown", "key": "s", "target": {"tagName": "DIV"}})
    assert ui.model.passes == 1
    ui.on_key({"type": "keydown", "key": "s", "target": {"tagName": "INPUT"}})
    ui.on_key({"type": "keydown", "key": "s", "ctrlKey": True, "target": {"tagName": "DIV"}})
    ui.press("x")
    assert ui.model.passes == 1
    ui.press("b")
    assert ui.model.passes == 0
    assert ui.keys.source is ui.page and ui.keys.watched_events == ["keydown"]


@pytest.mark.dot
@needs_dot
def test_explorer_snapshot_shows_the_last_state_as_png() -> None:
    """snapshot() shows the status, three PNG pictures of the current state and the buffers."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    ui = explorer("TwoBuyer")
    ui.click("step")
    ui.click("transfer")
    with capture_output() as shown:
        bundles = ui.snapshot()
    assert [output.data for output in shown.outputs] == bundles
    status, *pictures, buffers = bundles
    assert "pass 1" in status["text/plain"] and status["text/markdown"].startswith("**")
    assert len(pictures) == 3
    for picture, figure in zip(pictures, ui.figures().values(), strict=True):
        assert base64.b64decode(picture["image/png"]).startswith(b"\x89PNG\r\n\x1a\n")
        assert picture["text/plain"] == figure.text
    assert "delegate" in pictures[0]["text/plain"]  # the transfer is in the ownership picture
    assert buffers["text/plain"] == ui.model.buffers_text(ui.role.value)


def test_explorer_snapshot_without_dot_shows_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """With dot missing, each picture of the snapshot is its text form and the reason."""
    import graphviz.backend.dot_command as dot_command
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    monkeypatch.setattr(dot_command, "DOT_BINARY", Path("/nonexistent/dot"))
    InteractiveShell.instance()
    ui = explorer("PingPong")
    with capture_output():
        _, *pictures, _ = ui.snapshot()
    assert all(set(p) == {"text/plain"} and "no picture" in p["text/plain"] for p in pictures)


@pytest.mark.dot
@needs_dot
def test_svg_cache_keeps_the_pictures_it_shows() -> None:
    """A picture drawn before and shown again is not forgotten while new ones are added."""
    from aura_kit.render import text_figure
    from aura_kit.widgets.explorer_widget import SvgCache

    first, second, third = (text_figure(f"picture {i}", f"p{i}") for i in range(3))
    cache = SvgCache(size=2)
    cache.html([first, second])
    shown = cache.html([first, third])  # third is new: second is the one to forget
    assert all(html.startswith("<svg") for html in shown)
    assert cache.html([first])[0].startswith("<svg")

"""The editor widget, driven in-process: type text, see the error placed, fix it, open it."""

from __future__ import annotations

import asyncio
import html
import re

import pytest

pytest.importorskip("ipywidgets")

from aura_kit.lab.editor_model import Checked, TextError
from aura_kit.widgets import editor, explorer
from aura_kit.widgets.editor_widget import DEBOUNCE, Editor, listing_html
from tests.protocol.test_exploration import ORPHAN

GOOD = """protocol Pair(A, B) {
  A -> B: Hello(int)
  B -> A: Bye
}
"""
BROKEN = GOOD.replace("B -> A: Bye", "B -> A Bye")


def test_broken_text_shows_the_line_and_a_caret() -> None:
    """A missing colon on line 3: the status names line 3, the listing marks it."""
    ed = editor(GOOD)
    ed.type(BROKEN)
    assert isinstance(ed.result, TextError)
    assert "line 3, column 10" in ed.status.value
    assert '<span class="aura-bad-line">  3 | ' in ed.listing.value
    assert ed.buttons["open-in-explorer"].disabled
    assert "last text that checked" in ed.heading.value


def test_caret_stands_under_the_column() -> None:
    """The caret row has the caret exactly under the offending column of the listed line."""
    ed = editor(BROKEN)
    assert isinstance(ed.result, TextError)
    shown = re.sub(r"<[^>]+>", "", listing_html(BROKEN, ed.result))
    lines = html.unescape(shown).split("\n")
    bad = next(i for i, line in enumerate(lines) if line.startswith("  3 | "))
    listed, caret_row = lines[bad], lines[bad + 1]
    assert listed[caret_row.index("^")] == "B"  # 'Bye' starts at column 10
    assert caret_row.index("^") == 6 + ed.result.column - 1


def test_fixing_the_text_redraws_the_diagrams() -> None:
    """After the fix the result is checked and both panels show the new protocol."""
    ed = editor(BROKEN)
    assert not ed.panels["editor-sequence"].value
    ed.type(GOOD)
    assert isinstance(ed.result, Checked)
    assert "Pair" in ed.status.value
    for key in ("editor-sequence", "editor-automata"):
        assert "Hello" in ed.panels[key].value
    assert "aura-bad-line" not in ed.listing.value
    assert ed.heading.value == ""


def test_explore_button_reports_orphan_trace() -> None:
    """A protocol the merge refuses is still explored, and its orphan trace is shown."""
    ed = editor(ORPHAN)
    ed.buttons["explore"].click()
    assert "orphan message" in ed.note.value
    assert "C-&gt;B: z" in ed.note.value


def test_editor_tab_opens_its_protocol_in_the_explorer_tab() -> None:
    """The explorer has Explorer and Editor tabs; Open in explorer replaces the protocol."""
    ex = explorer()
    assert ex.tabs.get_title(0) == "Explorer" and ex.tabs.get_title(1) == "Editor"
    ex.tabs.selected_index = 1
    ex.editor.type(GOOD)
    ex.editor.buttons["open-in-explorer"].click()
    assert ex.model.protocol.name == "Pair"
    assert ex.protocol.value == "Pair"
    assert ex.tabs.selected_index == 0
    assert ex.model.is_open
    assert ex.editor.note.value == "opened Pair in the explorer tab"
    ex.click("step")
    assert ex.model.passes == 1


def test_standalone_editor_shows_an_explorer_below() -> None:
    """On its own, Open in explorer puts an explorer of the protocol under the editor."""
    ed = editor(GOOD)
    assert ed.open_in_explorer()
    assert ed.explorer.model.protocol.name == "Pair"
    assert ed.below.children == (ed.explorer.widget,)
    assert ed.note.value == "opened Pair below"


def test_changes_are_debounced_in_a_running_loop() -> None:
    """Three quick edits in a running loop give one re-check, after the quiet time."""

    async def typing(ed: Editor) -> int:
        for text in (BROKEN, GOOD.replace("Bye", "By"), GOOD):
            ed.type(text)
            await asyncio.sleep(DEBOUNCE / 10)
        early = ed.checks
        await asyncio.sleep(DEBOUNCE * 4)
        return early

    ed = editor(BROKEN)
    early = asyncio.run(typing(ed))
    assert (early, ed.checks) == (0, 1)
    assert isinstance(ed.result, Checked)

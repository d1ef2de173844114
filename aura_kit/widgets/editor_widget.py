"""The protocol editor widget: a text area over ``aura_kit.lab.editor_model``.

Invariants:
- every change of the text is re-checked after ``DEBOUNCE`` seconds of quiet (in a running
  kernel; at once where no event loop runs, e.g. tests); the check and the ``dot`` drawing
  run in a worker thread, so typing never waits for them, and a result for text that has
  changed since is dropped;
- an error shows its kind, line, column and message, and a numbered listing of the text with
  the offending line marked and a caret under the column (a text area cannot colour text);
- a checked text shows the sequence diagram and the automata (SVGs through ``SvgCache``);
- Explore shows the first deadlock or orphan with its shortest trace; Open in explorer hands
  the checked protocol to ``on_open`` (the explorer's Editor tab replaces its protocol; a
  standalone editor shows a new explorer below itself);
- every control carries a stable CSS class (``aura-editor-text`` ...) for browser tests.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from aura_kit.lab.editor_model import Checked, TextError, check_text
from aura_kit.protocol import Protocol
from aura_kit.render import automata_figure, sequence_figure

from .explorer_widget import SvgCache, button, panel, show

DEBOUNCE = 0.2  # seconds of quiet after the last keystroke before a re-check (plus the
# re-check and redraw, about 35 ms for 10 roles, this stays under 300 ms: benchmarks target 9)

_STYLE = (
    "<style>.aura-editor svg {max-width: 100%; height: auto;}"
    " .aura-editor .aura-editor-listing pre {font-size: 12px; line-height: 1.35; margin: 0;}"
    " .aura-editor .aura-bad-line {background: #ffd7d5; font-weight: bold;}"
    " .aura-editor .aura-caret {color: #cf222e; font-weight: bold;}</style>"
)


def listing_html(text: str, error: TextError | None) -> str:
    """The text, numbered; the error's line marked and a caret under its column."""
    rows = []
    for number, line in enumerate(text.splitlines() or [""], start=1):
        bad = error is not None and number == error.line
        cls = ' class="aura-bad-line"' if bad else ""
        rows.append(f"<span{cls}>{number:>3} | {escape(line)}</span>")
        if bad and error is not None:
            pad = " " * (6 + max(error.column - 1, 0))
            rows.append(f'<span class="aura-caret">{pad}^ {escape(error.message)}</span>')
    return "<pre>" + "\n".join(rows) + "</pre>"


def error_html(error: TextError) -> str:
    """The error in one red line: kind, line, column, message."""
    where = f"line {error.line}, column {error.column}" if error.line else "no place"
    return (
        f'<span style="color:#cf222e"><b>{escape(error.kind)}</b> at '
        f'<span class="aura-error-where">{where}</span>: {escape(error.message)}</span>'
    )


class Editor:
    """Text area, status, listing, sequence diagram and automata, Explore and Open buttons."""

    def __init__(self, text: str, on_open: Callable[[Protocol], Any] | None = None) -> None:
        self.below = w.VBox()  # where a standalone editor shows its explorer
        self.below.add_class("aura-editor-explorer")
        self.on_open = self._explore_below if on_open is None else on_open
        self.svgs = SvgCache()
        self._lock = threading.Lock()  # one check at a time touches the SVG cache
        self.heading = w.HTML()
        self.heading.add_class("aura-editor-heading")
        self.result: Checked | TextError = check_text(text)
        self._pending: asyncio.TimerHandle | None = None
        self.checks = 0  # re-checks done (a debounced burst of keystrokes is one)
        self.text = w.Textarea(
            value=text, continuous_update=True, layout=w.Layout(width="100%", height="260px")
        )
        self.text.add_class("aura-editor-text")
        self.status = w.HTML()
        self.status.add_class("aura-editor-status")
        self.note = w.HTML()
        self.note.add_class("aura-editor-note")
        self.listing = w.HTML()
        self.listing.add_class("aura-editor-listing")
        self.panels = {key: panel(key) for key in ("editor-sequence", "editor-automata")}
        self.buttons = {
            "explore": button("explore", "Explore", "look for deadlocks and orphans", "search"),
            "open-in-explorer": button(
                "open-in-explorer", "Open in explorer", "run this protocol in the explorer", "play"
            ),
        }
        self.buttons["explore"].on_click(lambda _b: self.explore())
        self.buttons["open-in-explorer"].on_click(lambda _b: self.open_in_explorer())
        self.text.observe(self._changed, names="value")
        self.widget = self._layout()
        self._draw(self.result, self._pictures(self.result))

    # -- checking ----------------------------------------------------------------------------
    def _changed(self, _change: object) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.check_now()
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = loop.call_later(DEBOUNCE, lambda: loop.create_task(self._check_async()))

    async def _check_async(self) -> None:
        text = self.text.value
        loop = asyncio.get_running_loop()
        result, pictures = await loop.run_in_executor(None, self._work, text)
        if text == self.text.value:  # the text changed meanwhile: a newer check follows
            self._apply(result, pictures)

    def check_now(self) -> Checked | TextError:
        """Re-check the current text and redraw, at once."""
        result, pictures = self._work(self.text.value)
        self._apply(result, pictures)
        return result

    def _work(self, text: str) -> tuple[Checked | TextError, list[str]]:
        with self._lock:
            result = check_text(text)
            return result, self._pictures(result)

    def _pictures(self, result: Checked | TextError) -> list[str]:
        """The panel HTML of the sequence diagram and the automata (none for an error)."""
        if not isinstance(result, Checked):
            return []
        return self.svgs.html(_figures(result))

    def _apply(self, result: Checked | TextError, pictures: list[str]) -> None:
        self.result = result
        self.checks += 1
        self.note.value = ""
        self._draw(result, pictures)

    def _draw(self, result: Checked | TextError, pictures: list[str]) -> None:
        text = self.text.value
        if isinstance(result, TextError):
            self.status.value = error_html(result)
            self.listing.value = listing_html(text, result)
            self.buttons["open-in-explorer"].disabled = True
            self.heading.value = "<i>The diagrams below are of the last text that checked.</i>"
            return  # the last good diagrams stay, so the picture does not flicker away
        roles = ", ".join(result.protocol.roles)
        self.status.value = (
            f'<span style="color:#1a7f37"><b>{escape(result.protocol.name)}</b>: checked; '
            f"roles {escape(roles)}</span>"
        )
        self.listing.value = listing_html(text, None)
        self.heading.value = ""
        self.buttons["open-in-explorer"].disabled = False
        for key, html in zip(self.panels, pictures, strict=True):
            show(self.panels[key], html)

    # -- buttons -----------------------------------------------------------------------------
    def explore(self) -> str:
        """Explore the joint endpoint states and say what was found."""
        exploration = self.result.explore()
        if exploration is None:
            words = "nothing to explore: the text does not parse"
        else:
            words = exploration.summary()
        colour = "#1a7f37" if exploration is not None and exploration.ok else "#cf222e"
        self.note.value = f'<span style="color:{colour}">{escape(words)}</span>'
        return words

    def open_in_explorer(self) -> bool:
        """Hand the checked protocol to ``on_open``; ``False`` when there is none to hand."""
        if not isinstance(self.result, Checked):
            self.note.value = "only a checked protocol can be opened in the explorer"
            return False
        self.on_open(self.result.protocol)
        where = "below" if self.on_open == self._explore_below else "in the explorer tab"
        self.note.value = f"opened {escape(self.result.protocol.name)} {where}"
        return True

    def _explore_below(self, protocol: Protocol) -> None:
        from .explorer_widget import Explorer

        self.explorer = Explorer.for_protocol(protocol)
        self.below.children = (self.explorer.widget,)

    def type(self, text: str) -> None:
        """Replace the text, as a user typing it would."""
        self.text.value = text

    def _layout(self) -> w.VBox:
        left = w.VBox(
            [self.text, w.HBox(list(self.buttons.values())), self.status, self.note],
            layout=w.Layout(flex="1 1 0", min_width="0"),
        )
        right = w.VBox(
            [w.HTML("<b>Listing</b>"), self.listing], layout=w.Layout(flex="1 1 0", min_width="0")
        )
        box = w.VBox(
            [
                w.HBox([left, right]),
                self.heading,
                w.HTML("<b>Sequence diagram</b>"),
                self.panels["editor-sequence"],
                w.HTML("<b>Automata</b>"),
                self.panels["editor-automata"],
                w.HTML(_STYLE),
            ]
        )
        box.add_class("aura-editor")
        box = w.VBox([box, self.below]) if self.on_open == self._explore_below else box
        return box

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


__all__ = ["DEBOUNCE", "Editor", "error_html", "listing_html"]


def _figures(result: Checked) -> list[Any]:
    """The checked protocol's sequence diagram and endpoint automata."""
    return [sequence_figure(result.protocol), automata_figure(result.protocol)]

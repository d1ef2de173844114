"""The explorer widget: a thin ipywidgets layer over ``ExplorerModel`` (``aura_kit.lab``).

Invariants:
- every button calls exactly one model method and then redraws every panel; no logic lives
  here that a test without a kernel could not reach through the model;
- the panels are drawn from the model's world: the ownership graph, the run and the automata
  (current state marked; a state the automata view cannot place is left unmarked) through the
  render layer, the buffers as text and the journal's last rows as a table;
- a panel is an ``HTML`` widget whose whole value a redraw replaces in one update (an SVG
  inline, text in ``<pre>``, a table), and only when it changed: the page never shows a panel
  empty, and a click sends only what changed; a figure that could not be drawn (no ``dot``)
  shows its text form, why, and a "Download DOT" link;
- every control carries a stable CSS class (``aura-step``, ``aura-graph`` ...) for browser tests;
- the widget is two tabs: "Explorer" (the layout above, class ``aura-explorer``) and "Editor"
  (``editor_widget.Editor`` on the protocol's text, class ``aura-editor``); the editor's
  Open in explorer replaces the explorer tab's protocol and selects that tab.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import ipywidgets as w
from ipyevents import Event

from aura_kit.lab import ActionResult, AttackKind, ExplorerModel, bundled_protocols
from aura_kit.lab.explorer_moves import Move
from aura_kit.lab.journal import COLUMNS
from aura_kit.lab.panels import current_states
from aura_kit.protocol import Protocol, format_protocol
from aura_kit.render.errors import RenderError
from aura_kit.render.figure import live_svg, no_picture_hint

if TYPE_CHECKING:
    import pandas

    from aura_kit.render.figure import Figure

EVENT_ROWS = 14
# Keyboard shortcuts, with the pointer over the explorer: key -> button.
KEYS = {"s": "step", "p": "play", "b": "back"}
TYPING = ("INPUT", "TEXTAREA", "SELECT")  # keys typed here are text, not shortcuts
RECENT_OWNERS = 2  # earlier owners drawn per session in the ownership panel
_STYLE = (
    "<style>.aura-explorer svg, .aura-explorer img {max-width: 100%; height: auto;}"
    " .aura-explorer .aura-events table {font-size: 12px; border-collapse: collapse;}"
    " .aura-explorer .aura-table th, .aura-explorer .aura-table td"
    " {padding: 1px 8px; text-align: left; vertical-align: top;}"
    " .aura-explorer .aura-table tbody tr:nth-child(odd) {background: #f5f5f5;}"
    " .aura-explorer .widget-button {overflow: visible;}"
    " .aura-explorer .aura-moves .widget-button {background: #eef4ff;}</style>"
)
POLICIES = (("kit (the kit's checks)", "kit"), ("seed (the Rust seed's)", "seed"))

_BUTTONS = (
    ("open", "Open sessions", "open one owned session per authority (restarts)", "play"),
    (
        "step",
        "Step pass (round-robin)",
        "one pass, scheduled round-robin: every unfinished role gets one round, in protocol order",
        "step-forward",
    ),
    ("play", "Play", "passes until the protocol completes, gets stuck or loops", "forward"),
    ("back", "Step back", "undo the last action (Play counts as one)", "step-backward"),
    ("queue-payload", "Queue payload", "queue a payload for the role's next send", ""),
    ("queue-choice", "Queue choice", "queue a label for the role's next choice", ""),
    ("transfer", "Transfer owner", "move the role's session to a new owner label", "exchange"),
    ("attenuate", "Attenuate", "narrow the role's capability to its fragments", "compress"),
    ("attack", "Attack", "try the selected attack against the role's session", "bolt"),
)


def ownership_figure(model: ExplorerModel, role: str | None = None) -> Figure:
    """Authorities, sessions, owners, fragments, transfer history and stale handles (the
    authority of ``role`` marked)."""
    from aura_kit.render import figures

    world = model.world
    title = f"ownership of {world.protocol.name}"
    return figures.ownership_figure(
        *world.systems.values(),
        stale=world.stale_handles(),
        title=title,
        recent=RECENT_OWNERS,
        highlight=world.authority_of.get(role) if role else None,
    )


def run_figure(model: ExplorerModel, role: str | None = None) -> Figure:
    """The run so far: one sequence diagram over every authority (``role``'s marked)."""
    from aura_kit.render.figures import timeline_figure

    return timeline_figure(model.world.run_timeline(), highlight=role)


def automata_figure(model: ExplorerModel, role: str | None = None) -> Figure:
    """Every role's endpoint automaton with its current state marked (``role``'s box too)."""
    from aura_kit.render.figures import automata_view_figure
    from aura_kit.view.automaton import automata_view
    from aura_kit.view.errors import ViewError

    world = model.world
    title, order = f"automata of {world.protocol.name}", world.roles
    current = current_states(world)
    try:
        view = automata_view(world.local_types, title=title, order=order, current=current or None)
    except ViewError:
        view = automata_view(world.local_types, title=title, order=order)
    return automata_view_figure(view, highlight=role)


def event_table(
    model: ExplorerModel, last: int | None = None, *, routine: bool = False
) -> pandas.DataFrame:
    """The journal (runtime and machine events of every authority) as a DataFrame by ``#``.

    ``routine=True`` also lists the accepted ``ingress.received`` of every round.
    """
    import pandas as pd

    frame = pd.DataFrame(model.event_rows(last, routine=routine), columns=list(COLUMNS))
    return frame.set_index("#")


INTRO = (
    '<div class="aura-intro"><h3 style="margin:4px 0">aura_kit · protocol explorer</h3>'
    '<p style="margin:2px 0">Each role of the protocol is played by its own authority through'
    " its own owned session. Step pass by pass (round-robin) or pick each move yourself; hand a"
    " session to a new owner, narrow it, attack it with an old or forged handle, and compare"
    " what the kit's checks refuse with what the Rust seed's would.</p>"
    '<p class="aura-legend" style="margin:2px 0;font-size:12px">Legend — ownership: bold card'
    " = the current owner; dashed grey = earlier owners and stale handles (dotted arrow: refused)."
    " Run: solid arrow = sent and received, dashed = in flight, ✗ = refused ingress. Automata:"
    " the shaded state is where each role is now; the selected role is tinted in every panel."
    " Keys, with the pointer over the explorer: s = step pass, p = play or pause, b = step"
    " back.</p></div>"
)


def _row(children: list[w.Widget]) -> w.HBox:
    """Controls side by side, wrapping onto a new line when the notebook is narrow."""
    return w.HBox(children, layout=w.Layout(flex_flow="row wrap", align_items="center"))


def button(key: str, text: str, tip: str, icon: str) -> w.Button:
    button = w.Button(description=text, tooltip=tip, icon=icon, layout=w.Layout(width="auto"))
    button.add_class(f"aura-{key}")
    return button


def panel(key: str) -> w.HTML:
    """A picture or text panel: an HTML widget whose whole value each redraw replaces."""
    out = w.HTML(layout=w.Layout(border="1px solid #ddd", padding="4px", overflow="auto"))
    out.add_class(f"aura-{key}")
    return out


def show(out: w.HTML, html: str) -> None:
    """Replace what ``out`` shows in one update (nothing is sent when it did not change)."""
    if out.value != html:
        out.value = html


def text_html(text: str) -> str:
    """Plain text as a preformatted block."""
    return f'<pre class="aura-text" style="margin:0">{_escape(text)}</pre>'


def table_html(columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    """Rows as an HTML table under ``columns`` (every cell escaped)."""
    head = "".join(f"<th>{_escape(str(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_escape(str(v))}</td>" for v in row) + "</tr>" for row in rows
    )
    return f'<table class="aura-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


class SvgCache:
    """SVG of the last ``size`` DOT texts shown: a panel whose picture did not change is not
    redrawn by ``dot`` again, and the pictures that did change are drawn side by side by
    long-running ``dot`` processes (``render.figure.live_svg``). A picture shown by a call is
    never forgotten by that call. The one performance seam of the explorer widget."""

    def __init__(self, size: int = 24) -> None:
        self.size = size
        self._svg: dict[str, str | RenderError] = {}

    def html(self, figures: list[Figure]) -> list[str]:
        """The panel HTML of each figure: its SVG inline, or (no ``dot``) its text, why there
        is no picture and a "Download DOT" link."""
        missing = list(dict.fromkeys(f.dot for f in figures if f.dot not in self._svg))
        if missing:
            with ThreadPoolExecutor(max_workers=len(missing)) as pool:
                for dot, svg in zip(missing, pool.map(_inline_svg, missing), strict=True):
                    self._svg[dot] = svg
        shown = [figure_html(figure, self._svg[figure.dot]) for figure in figures]
        for figure in figures:  # the pictures shown now are the last to be forgotten
            self._svg[figure.dot] = self._svg.pop(figure.dot)
        while len(self._svg) > self.size:
            self._svg.pop(next(iter(self._svg)))
        return shown


def _inline_svg(dot: str) -> str | RenderError:
    """The SVG of ``dot`` without its XML declaration and doctype, or why there is none."""
    try:
        svg = live_svg(dot).decode("utf-8")
    except RenderError as error:
        return error
    return svg[svg.find("<svg") :]


def figure_html(figure: Figure, svg: str | RenderError) -> str:
    """A figure's panel HTML: ``svg`` inline, or for a ``RenderError`` the text form, the
    reason there is no picture and a link that saves the DOT."""
    if isinstance(svg, RenderError):
        return text_html(f"{figure.text}\n\n{no_picture_hint(svg)}") + dot_download_link(figure)
    return svg


def png_bundle(figure: Figure) -> dict[str, str]:
    """A figure as display data with its PNG (base64) and its text; the text and why there
    is no picture when ``dot`` is missing."""
    try:
        png = figure.png()
    except RenderError as error:
        return {"text/plain": f"{figure.text}\n\n{no_picture_hint(error)}"}
    return {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": figure.text}


def dot_download_link(figure: Figure) -> str:
    """An HTML link that saves the figure's DOT source as ``TITLE.dot``."""
    name = "".join(c if c.isalnum() else "-" for c in figure.title).strip("-") or figure.kind
    href = "data:text/vnd.graphviz;charset=utf-8," + quote(figure.dot)
    return f'<a class="aura-download-dot" download="{name}.dot" href="{href}">Download DOT</a>'


def result_html(result: ActionResult | None) -> str:
    """The last action's outcome, once, in words: green when it did what was asked (or an
    attack was refused), red otherwise."""
    if result is None:
        return ""
    colour = "#1a7f37" if result.ok else "#cf222e"
    return (
        f'<span style="color:{colour}">{_escape(result.action)}: {_escape(result.message)}</span>'
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Explorer:
    """The explorer: controls on top; ownership, the run so far, buffers, automata, events."""

    def __init__(self, model: ExplorerModel) -> None:
        self.model = model
        self._refreshing = False
        self._playing: asyncio.Task[None] | None = None
        self._pause = False
        self.svgs = SvgCache()
        self.buttons = {key: button(key, *rest) for key, *rest in _BUTTONS}
        self._make_inputs()
        keys = ("graph", "run", "automata", "buffers", "events")
        self.panels = {key: panel(key) for key in keys}
        self.moves = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self._moves: tuple[Move, ...] | None = None
        self._move_buttons: list[w.Button] = []
        self._moves_label = w.HTML()
        self.moves.add_class("aura-moves")
        self.status = w.HTML()
        self.status.add_class("aura-status")
        self.result = w.HTML()
        self.result.add_class("aura-result")
        self._wire()
        from .editor_widget import Editor  # the editor imports this module's helpers

        self.editor = Editor(format_protocol(model.protocol), on_open=self.use_protocol)
        self.page = self._layout()
        self.keys = Event(source=self.page, watched_events=["keydown"])  # shortcuts
        self.keys.on_dom_event(self.on_key)
        self.tabs = w.Tab([self.page, self.editor.widget])
        self.tabs.set_title(0, "Explorer")
        self.tabs.set_title(1, "Editor")
        self.tabs.add_class("aura-explorer-tabs")
        self.widget = self.tabs
        self.refresh()

    @classmethod
    def for_protocol(cls, protocol: Any = None, **options: Any) -> Explorer:
        """An explorer on a bundled protocol name (default TwoBuyer), a ``Protocol``, a
        protocol file or ``.choreo`` text."""
        if protocol is None:
            model = ExplorerModel.for_name(None, **options)
        else:
            model = ExplorerModel.for_protocol(protocol, **options)
        model.open()
        return cls(model)

    def _make_inputs(self) -> None:
        names = tuple(bundled_protocols())
        value = self.model.protocol.name
        # a protocol that is not bundled (text, a file) stays on offer under its name
        self._own = {} if value in names else {value: self.model.protocol}
        self.protocol = w.Dropdown(
            options=names if value in names else (*names, value),
            value=value,
            description="Protocol",
            layout=w.Layout(width="230px"),
        )
        self.protocol.add_class("aura-protocol")
        policy = self.model.policy if self.model.policy in ("kit", "seed") else "kit"
        self.policy = w.Dropdown(
            options=POLICIES, value=policy, description="Policy", layout=w.Layout(width="260px")
        )
        self.policy.add_class("aura-policy")
        self.role = w.Dropdown(description="Role", layout=w.Layout(width="200px"))
        self.role.add_class("aura-role")
        self.payload = w.Text(description="Payload", placeholder='42 or "text"')
        self.payload.add_class("aura-payload")
        self.choice = w.Text(description="Choice", placeholder="label")
        self.choice.add_class("aura-choice")
        self.attack_kind = w.Dropdown(
            description="Attack", options=[(k.value, k) for k in AttackKind]
        )
        self.attack_kind.add_class("aura-attack-kind")
        self.speed = w.FloatSlider(
            value=0.4,
            min=0.0,
            max=2.0,
            step=0.1,
            description="s/pass",
            tooltip="seconds between Play's passes",
            layout=w.Layout(width="230px"),
        )
        self.speed.add_class("aura-speed")

    def _wire(self) -> None:
        actions: dict[str, Callable[[], ActionResult]] = {
            "open": self._open,
            "step": lambda: self.model.step(),
            "play": self._play,
            "back": lambda: self.model.back(),
            "queue-payload": lambda: self.model.queue_payload(self.role.value, self.payload.value),
            "queue-choice": lambda: self.model.queue_choice(self.role.value, self.choice.value),
            "transfer": lambda: self.model.transfer(self.role.value),
            "attenuate": lambda: self.model.attenuate(self.role.value),
            "attack": lambda: self.model.attack(self.attack_kind.value, self.role.value),
        }
        for key, action in actions.items():
            self.buttons[key].on_click(self._handler(action))
        self.protocol.observe(self._protocol_changed, names="value")
        self.role.observe(self._role_changed, names="value")
        self.policy.observe(lambda _change: self.run(self._switch_policy), names="value")

    def _play(self) -> ActionResult:
        """Play: animated pass by pass in a running kernel (the same button pauses), all at
        once where no event loop runs (tests, scripts)."""
        if self._playing is not None:
            self._pause = True
            return ActionResult(action="play", ok=True, message="pausing…")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return self.model.play()
        self._pause = False
        self.buttons["play"].description = "Pause"
        self.buttons["play"].icon = "pause"
        self._playing = loop.create_task(self._animate())
        return ActionResult(action="play", ok=True, message="playing…")

    async def _animate(self) -> None:
        passes = self.model.play_passes()
        try:
            for result in passes:
                self.refresh()
                if self._pause:
                    self.model.last_result = ActionResult(
                        action="play", ok=True, message=f"paused: {result.message}"
                    )
                    break
                await asyncio.sleep(float(self.speed.value))
        finally:
            passes.close()  # one action in the history, however far it got
            self._playing = None
            self.buttons["play"].description = "Play"
            self.buttons["play"].icon = "forward"
            self.refresh()

    def _protocol_changed(self, _change: object) -> None:
        if not self._refreshing:
            self.run(self._open)

    def _role_changed(self, _change: object) -> None:
        """The selected role is marked in the pictures: redraw them (not while redrawing)."""
        if not self._refreshing:
            self.refresh()

    def _handler(self, action: Callable[[], ActionResult]) -> Callable[[w.Button], None]:
        def on_click(_button: w.Button) -> None:
            self.run(action)

        return on_click

    def _open(self) -> ActionResult:
        """Open sessions of the protocol the dropdown names (a new model when it changed)."""
        if self.protocol.value != self.model.protocol.name:
            chosen = self._own.get(self.protocol.value)
            policy = self.model.policy
            self.model = (
                ExplorerModel(chosen, policy=policy)
                if chosen is not None
                else ExplorerModel.for_name(self.protocol.value, policy=policy)
            )
        return self.model.open()

    def use_protocol(self, protocol: Protocol) -> ActionResult:
        """Explore ``protocol`` (from the editor): it is offered under its name, replacing a
        protocol of the same name, and opened; the Explorer tab is selected."""
        self._own[protocol.name] = protocol
        self.model = ExplorerModel(protocol, policy=self.model.policy)
        self._refreshing = True  # the dropdown follows; the model is already the new one
        try:
            if protocol.name not in self.protocol.options:
                self.protocol.options = (*self.protocol.options, protocol.name)
            self.protocol.value = protocol.name
        finally:
            self._refreshing = False
        self.tabs.selected_index = 0
        return self.run(self.model.open)

    def _switch_policy(self) -> ActionResult:
        """The same actions replayed under the policy the switch names."""
        self.model = self.model.with_policy(self.policy.value)
        done = len(self.model.history)
        message = f"now under the {self.policy.value} policy; your {done} action(s) replayed"
        return ActionResult(action="policy", ok=True, message=message)

    def run(self, action: Callable[[], ActionResult]) -> ActionResult:
        """Run one model action, then redraw every panel."""
        result = action()
        self.model.last_result = result
        self.refresh()
        return result

    def press(self, key: str) -> None:
        """Press a keyboard shortcut (``KEYS``: s, p, b), as a user would; other keys do
        nothing."""
        button = KEYS.get(key.lower())
        if button is not None:
            self.click(button)

    def on_key(self, event: dict[str, Any]) -> None:
        """A key pressed with the pointer over the explorer: a shortcut, unless it was typed
        into a text field or a list, or held with a modifier."""
        target = event.get("target") or {}
        modified = any(event.get(m) for m in ("ctrlKey", "altKey", "metaKey"))
        if target.get("tagName") not in TYPING and not modified:
            self.press(str(event.get("key", "")))

    def click(self, key: str) -> None:
        """Press a button by its key (``step``, ``attack`` ...), as a user would."""
        self.buttons[key].click()

    def refresh(self) -> None:
        """Redraw the status line, the result line, the move buttons and all panels."""
        model = self.model
        roles = model.protocol.roles
        self._refreshing = True
        try:
            if tuple(self.role.options) != roles:
                self.role.options = roles
            if self.role.value not in roles:
                self.role.value = roles[0]
        finally:
            self._refreshing = False
        self.status.value = f"<b>{_escape(model.status_line())}</b>"
        self.result.value = result_html(model.last_result)
        self._refresh_moves()
        figures = self.figures()
        for key, html in zip(figures, self.svgs.html(list(figures.values())), strict=True):
            show(self.panels[key], html)
        show(self.panels["buffers"], text_html(model.buffers_text(self.role.value)))
        show(self.panels["events"], table_html(COLUMNS, model.event_rows(EVENT_ROWS)))

    def _refresh_moves(self) -> None:
        """One button per enabled move (the student as scheduler). The buttons are kept and
        relabelled: a redraw whose moves did not change sends nothing to the page, and one
        whose moves changed makes a new button only when there are more moves than before."""
        moves = tuple(self.model.enabled_moves())
        if moves == self._moves:
            return
        self._moves = moves
        while len(self._move_buttons) < len(moves):
            index = len(self._move_buttons)
            button = w.Button(layout=w.Layout(width="auto"), tooltip="do exactly this one move")
            button.add_class("aura-move")
            button.on_click(self._handler(self._taker(index)))
            self._move_buttons.append(button)
        for button, move in zip(self._move_buttons, moves, strict=False):
            button.description = move.describe()
        self._moves_label.value = "<b>Moves:</b>" if moves else "<b>Moves:</b> none now"
        children = (self._moves_label, *self._move_buttons[: len(moves)])
        if self.moves.children != children:
            self.moves.children = children

    def _taker(self, index: int) -> Callable[[], ActionResult]:
        """The action of the ``index``-th move button: that move of the current list."""
        return lambda: self.model.take((self._moves or ())[index])

    def click_move(self, index: int) -> None:
        """Press the ``index``-th move button, as a user would."""
        buttons = [c for c in self.moves.children if isinstance(c, w.Button)]
        buttons[index].click()

    def _layout(self) -> w.VBox:
        b = self.buttons
        rows = [
            w.HTML(INTRO),
            _row(
                [self.protocol, self.policy, b["open"], b["step"], b["play"], self.speed, b["back"]]
            ),
            self.moves,
            _row([self.role, self.payload, b["queue-payload"], self.choice, b["queue-choice"]]),
            _row([b["transfer"], b["attenuate"], self.attack_kind, b["attack"]]),
            self.status,
            self.result,
            self._titled("Ownership (current owners large, earlier ones grouped)", "graph"),
            w.HBox(
                [
                    self._titled(
                        "Run so far (every authority; dashed = in flight)", "run", "3 1 0"
                    ),
                    self._titled("Buffers", "buffers", "2 1 0"),
                ]
            ),
            self._titled("Automata (current state shaded)", "automata"),
            self._titled(f"Events (last {EVENT_ROWS})", "events"),
            w.HTML(_STYLE),
        ]
        box = w.VBox(rows)
        box.add_class("aura-explorer")
        return box

    def _titled(self, title: str, key: str, flex: str | None = None) -> w.VBox:
        box = w.VBox([w.HTML(f"<b>{title}</b>"), self.panels[key]])
        if flex is not None:  # side by side in an HBox: share the width
            box.layout.flex = flex
            box.layout.min_width = "0"
        return box

    def figures(self) -> dict[str, Figure]:
        """The pictures of the panels, by panel: ownership graph, run so far, automata."""
        role = self.role.value
        return {
            "graph": ownership_figure(self.model, role),
            "run": run_figure(self.model, role),
            "automata": automata_figure(self.model, role),
        }

    def snapshot(self) -> list[dict[str, str]]:
        """Show the explorer as it is now as still pictures in the cell's output, and return
        them: the status line, the three pictures as PNG (the format viewers that run no
        widgets show, GitHub's among them; the text form where ``dot`` is missing) and the
        buffers. Run it before saving a notebook for such a viewer."""
        from IPython.display import display

        status = self.model.status_line()
        bundles = [{"text/markdown": f"**{_escape(status)}**", "text/plain": status}]
        bundles += [png_bundle(figure) for figure in self.figures().values()]
        bundles.append({"text/plain": self.model.buffers_text(self.role.value)})
        for bundle in bundles:
            display(bundle, raw=True)
        return bundles

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

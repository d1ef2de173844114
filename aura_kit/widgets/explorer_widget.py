"""The explorer widget: a thin ipywidgets layer over ``ExplorerModel`` (``aura_kit.lab``).

Invariants:
- every button calls exactly one model method and then redraws every panel; no logic lives
  here that a test without a kernel could not reach through the model;
- the panels are drawn from the model's world: the ownership graph and the automata (current
  state marked; a state the automata view cannot place is left unmarked) through the render
  layer, the journal as a DataFrame (render, view and pandas are imported when first drawn);
- panels are redrawn by replacing the outputs of ``Output`` widgets with display data
  (never ``with out: print``), so nbval sees stable outputs; a figure that could not be
  drawn (no ``dot``) shows its text form and a "Download DOT" link;
- every control carries a stable CSS class (``aura-step``, ``aura-graph`` ...) for browser tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import ipywidgets as w

from aura_kit.lab import ActionResult, AttackKind, ExplorerModel, bundled_protocols
from aura_kit.lab.journal import COLUMNS
from aura_kit.lab.panels import current_states

if TYPE_CHECKING:
    import pandas

    from aura_kit.render.figure import Figure

EVENT_ROWS = 14
_STYLE = (
    "<style>.aura-explorer svg, .aura-explorer img {max-width: 100%; height: auto;}"
    " .aura-explorer .aura-events table {font-size: 12px;}</style>"
)

_BUTTONS = (
    ("open", "Open sessions", "open one owned session per authority (restarts)", "play"),
    ("step", "Step round", "every authority advances one round", "step-forward"),
    ("play", "Play", "step rounds until the protocol completes or gets stuck", "forward"),
    ("back", "Step back", "undo the last action (replays the history)", "step-backward"),
    ("queue-payload", "Queue payload", "queue a payload (JSON text) for the role's next send", ""),
    ("queue-choice", "Queue choice", "queue a label for the role's next select", ""),
    ("transfer", "Transfer owner", "move the role's session to a new owner label", "exchange"),
    ("attenuate", "Attenuate", "narrow the role's capability to its fragments", "compress"),
    ("attack", "Attack", "try the selected attack against the role's session", "bolt"),
)


def ownership_figure(model: ExplorerModel) -> Figure:
    """Authorities, sessions, owners, fragments, transfer history and stale handles."""
    from aura_kit.render import figures

    world = model.world
    title = f"ownership of {world.protocol.name}"
    return figures.ownership_figure(
        *world.systems.values(), stale=world.stale_handles(), title=title
    )


def automata_figure(model: ExplorerModel) -> Figure:
    """Every role's endpoint automaton with its current state marked."""
    from aura_kit.render.figures import figure_of_view
    from aura_kit.view.automaton import automata_view
    from aura_kit.view.errors import ViewError

    world = model.world
    title, order = f"automata of {world.protocol.name}", world.roles
    current = current_states(world)
    try:
        view = automata_view(world.local_types, title=title, order=order, current=current or None)
    except ViewError:
        view = automata_view(world.local_types, title=title, order=order)
    return figure_of_view(view)


def event_table(
    model: ExplorerModel, last: int | None = None, *, routine: bool = False
) -> pandas.DataFrame:
    """The journal (runtime and machine events of every authority) as a DataFrame by ``#``.

    ``routine=True`` also lists the accepted ``ingress.received`` of every round.
    """
    import pandas as pd

    frame = pd.DataFrame(model.event_rows(last, routine=routine), columns=list(COLUMNS))
    return frame.set_index("#")


def _button(key: str, text: str, tip: str, icon: str) -> w.Button:
    button = w.Button(description=text, tooltip=tip, icon=icon, layout=w.Layout(width="auto"))
    button.add_class(f"aura-{key}")
    return button


def _output(key: str) -> w.Output:
    out = w.Output(layout=w.Layout(border="1px solid #ddd", padding="4px", overflow="auto"))
    out.add_class(f"aura-{key}")
    return out


def _show(out: w.Output, *objects: Any) -> None:
    """Replace what ``out`` shows with ``objects`` (rich display data, no print)."""
    out.outputs = ()
    for obj in objects:
        if isinstance(obj, str):
            out.append_stdout(obj if obj.endswith("\n") else obj + "\n")
        else:
            out.append_display_data(obj)


def _show_figure(out: w.Output, figure: Figure) -> None:
    """Show a figure; where no SVG could be made (no ``dot``), add a "Download DOT" link."""
    bundle = figure._repr_mimebundle_()
    outputs = [{"output_type": "display_data", "data": bundle, "metadata": {}}]
    if "image/svg+xml" not in bundle:
        link = {"text/html": dot_download_link(figure), "text/plain": "Download DOT"}
        outputs.append({"output_type": "display_data", "data": link, "metadata": {}})
    out.outputs = tuple(outputs)


def dot_download_link(figure: Figure) -> str:
    """An HTML link that saves the figure's DOT source as ``TITLE.dot``."""
    name = "".join(c if c.isalnum() else "-" for c in figure.title).strip("-") or figure.kind
    href = "data:text/vnd.graphviz;charset=utf-8," + quote(figure.dot)
    return f'<a class="aura-download-dot" download="{name}.dot" href="{href}">Download DOT</a>'


def _styled(text: str, ok: bool) -> str:
    colour = "#1a7f37" if ok else "#cf222e"
    return f'<span style="color:{colour}">{_escape(text)}</span>'


def _error_html(result: ActionResult | None) -> str:
    """The last result's error in red (class name first), or nothing."""
    if result is None or result.error is None:
        return ""
    verdict = "refused (as it should be)" if result.ok else "failed"
    text = f"{result.error_name} — {result.action} {verdict}: {result.error}"
    return f'<div style="color:#cf222e"><b>error:</b> {_escape(text)}</div>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Explorer:
    """The explorer: controls on top, the ownership graph, automata, buffers and events below."""

    def __init__(self, model: ExplorerModel) -> None:
        self.model = model
        self.buttons = {key: _button(key, *rest) for key, *rest in _BUTTONS}
        self._make_inputs()
        self.panels = {key: _output(key) for key in ("graph", "automata", "buffers", "events")}
        self.status = w.HTML()
        self.status.add_class("aura-status")
        self.error = w.HTML()
        self.error.add_class("aura-error")
        self._wire()
        self.widget = self._layout()
        self.refresh()

    @classmethod
    def for_protocol(cls, protocol: str | None = None, **options: Any) -> Explorer:
        """An explorer on a bundled protocol (by name; default the first one)."""
        model = ExplorerModel.for_name(protocol, **options)
        model.open()
        return cls(model)

    def _make_inputs(self) -> None:
        names = tuple(bundled_protocols())
        self.protocol = w.Dropdown(options=names, value=self.model.protocol.name)
        self.protocol.description = "Protocol"
        self.protocol.add_class("aura-protocol")
        self.role = w.Dropdown(description="Role")
        self.role.add_class("aura-role")
        self.payload = w.Text(description="Payload", placeholder='42 or "text"')
        self.payload.add_class("aura-payload")
        self.choice = w.Text(description="Choice", placeholder="label")
        self.choice.add_class("aura-choice")
        self.attack_kind = w.Dropdown(
            description="Attack", options=[(k.value, k) for k in AttackKind]
        )
        self.attack_kind.add_class("aura-attack-kind")

    def _wire(self) -> None:
        actions: dict[str, Callable[[], ActionResult]] = {
            "open": self._open,
            "step": lambda: self.model.step(),
            "play": lambda: self.model.play(),
            "back": lambda: self.model.back(),
            "queue-payload": lambda: self.model.queue_payload(self.role.value, self.payload.value),
            "queue-choice": lambda: self.model.queue_choice(self.role.value, self.choice.value),
            "transfer": lambda: self.model.transfer(self.role.value),
            "attenuate": lambda: self.model.attenuate(self.role.value),
            "attack": lambda: self.model.attack(self.attack_kind.value, self.role.value),
        }
        for key, action in actions.items():
            self.buttons[key].on_click(self._handler(action))

    def _handler(self, action: Callable[[], ActionResult]) -> Callable[[w.Button], None]:
        def on_click(_button: w.Button) -> None:
            self.run(action)

        return on_click

    def _open(self) -> ActionResult:
        if self.protocol.value != self.model.protocol.name:
            self.model = ExplorerModel.for_name(self.protocol.value, policy=self.model.policy)
        return self.model.open()

    def run(self, action: Callable[[], ActionResult]) -> ActionResult:
        """Run one model action, then redraw every panel."""
        result = action()
        self.refresh()
        return result

    def click(self, key: str) -> None:
        """Press a button by its key (``step``, ``attack`` ...), as a user would."""
        self.buttons[key].click()

    def refresh(self) -> None:
        """Redraw the status line, the error line and all panels from the model."""
        model = self.model
        roles = model.protocol.roles
        if tuple(self.role.options) != roles:
            self.role.options = roles
        if self.role.value not in roles:
            self.role.value = roles[0]
        last = model.last_result
        action = "" if last is None else f"<br>{_styled(f'{last.action}: {last.message}', last.ok)}"
        self.status.value = f"<b>{_escape(model.status_line())}</b>{action}"
        self.error.value = _error_html(last)
        _show_figure(self.panels["graph"], ownership_figure(model))
        _show_figure(self.panels["automata"], automata_figure(model))
        _show(self.panels["buffers"], model.buffers_text())
        _show(self.panels["events"], event_table(model, last=EVENT_ROWS))

    def _layout(self) -> w.VBox:
        b = self.buttons
        rows = [
            w.HBox([self.protocol, b["open"], b["step"], b["play"], b["back"]]),
            w.HBox([self.role, self.payload, b["queue-payload"], self.choice, b["queue-choice"]]),
            w.HBox([b["transfer"], b["attenuate"], self.attack_kind, b["attack"]]),
            self.status,
            self.error,
            w.HBox(
                [
                    self._titled("Ownership", "graph", "3 1 0"),
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

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

"""Ownership views to DOT and to text.

Layout (left to right): stale handles → earlier owner generations → the session card, inside
one cluster per authority. A session card is one table: protocol, short id and state in the
header, then the owner (label, generation, scope), then one row per fragment.
Greyscale-safe: ended sessions, earlier generations and stale handles are dashed and grey;
transfers are solid arrows labelled with the generations, stale links are dotted.
Large clusters wrap their sessions into columns of ``WRAP`` so 50 sessions stay readable.
With ``recent=n`` (the explorer's compact form) a session shows only its last ``n`` earlier
generations behind a "… k earlier" box, and its stale handles as one grouped box, so the
picture stops growing with the number of moves and the current card keeps its size.
"""

from __future__ import annotations

from aura_kit.ownership import OwnerChange, OwnerChangeKind
from aura_kit.render.dot import HIGHLIGHT, DotWriter, Html, html_escape, shorten
from aura_kit.view.ownership import (
    AuthorityView,
    OwnershipView,
    SessionNodeView,
    SessionState,
    StaleHandleView,
    short_id,
)

WRAP = 10
GREY = "#777777"


def ownership_dot(
    view: OwnershipView, *, recent: int | None = None, highlight: str | None = None
) -> str:
    """Deterministic DOT text of an ownership view (``recent``: the compact form, in which
    ``highlight`` names an authority whose cluster is marked)."""
    if recent is not None:
        return _compact_dot(view, recent, highlight)
    out = DotWriter(name=view.title)
    out.graph_attrs(
        rankdir="LR", fontname="Helvetica", label=view.title, labelloc="t", nodesep=0.25
    )
    out.defaults("node", fontname="Helvetica", fontsize=10, shape="plaintext")
    out.defaults("edge", fontname="Helvetica", fontsize=9)
    # rankdir=LR stacks clusters bottom-up: emit in reverse so the first authority is on top
    for i, authority in reversed(list(enumerate(view.authorities))):
        stale = [(j, h) for j, h in enumerate(view.stale) if h.authority == authority.name]
        out.add(_cluster(out, authority, f"a{i}", stale))
    for j, handle in enumerate(view.stale):
        if not any(handle.authority == a.name for a in view.authorities):
            _stale(out, handle, f"x{j}", None)
    return out.source()


def _cluster(
    out: DotWriter,
    authority: AuthorityView,
    prefix: str,
    stale: list[tuple[int, StaleHandleView]],
) -> DotWriter:
    sub = out.subgraph(f"cluster_{prefix}")
    sub.graph_attrs(label=f"authority {authority.name}", style="rounded", fontsize=12)
    if not authority.sessions:
        sub.node(f"{prefix}_empty", label="(no sessions)", fontcolor=GREY)
    ids: dict[str, str] = {}
    for k, session in enumerate(authority.sessions):
        node = f"{prefix}_s{k}"
        ids[session.session_id] = node
        sub.node(node, label=session_card(session))
        _history(sub, session, node)
        if k >= WRAP:
            sub.edge(f"{prefix}_s{k - WRAP}", node, style="invis")
    for j, handle in stale:
        _stale(sub, handle, f"x{j}", ids.get(handle.session_id))
    return sub


def session_card(session: SessionNodeView) -> Html:
    """The HTML table of one session."""
    ended = session.state is SessionState.ENDED
    head = f"<B>{html_escape(session.protocol)}</B> · {session.short_id} · {session.state.value}"
    rows = [f'<TR><TD BGCOLOR="{"#f4f4f4" if ended else "#d9d9d9"}">{head}</TD></TR>']
    if session.owner is not None:
        rows.append(_row(f"owner {shorten(session.owner.owner_label, 36)}"))
        rows.append(_row(f"generation {session.owner.generation} · scope {session.owner.scope}"))
    else:
        rows.append(_row("no owner (ended)"))
    for frag in session.fragments:
        icon = "▣ " if frag.bundle_id else "▤ "
        who = (
            ""
            if session.owner and frag.owner_label == session.owner.owner_label
            else (f" — {shorten(frag.owner_label, 24)}")
        )
        rows.append(_row(icon + frag.key + who))
    style = ' STYLE="DASHED"' if ended else ""
    color = f' COLOR="{GREY}"' if ended else ""
    return Html(
        f'<TABLE BORDER="{1 if ended else 2}" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"'
        f"{style}{color}>{''.join(rows)}</TABLE>"
    )


def _row(text: str) -> str:
    return f'<TR><TD ALIGN="LEFT">{html_escape(text)}</TD></TR>'


def _history(out: DotWriter, session: SessionNodeView, node: str) -> None:
    previous = None
    for step in session.history:
        step_id = f"{node}_g{step.generation}"
        out.node(
            step_id,
            shape="box",
            style="rounded,dashed",
            color=GREY,
            fontcolor=GREY,
            label=f"gen {step.generation}\n{shorten(step.owner_label, 28)}",
        )
        if previous is not None:
            _transfer(out, previous[0], step_id, previous[1], step)
        previous = (step_id, step)
    if previous is not None and session.owner is not None:
        _transfer(out, previous[0], node, previous[1], session.owner)
    elif previous is not None:
        out.edge(previous[0], node, label="ended", style="dashed", color=GREY)


def _transfer(out: DotWriter, tail: str, head: str, old: OwnerChange, new: OwnerChange) -> None:
    verb = {OwnerChangeKind.RECLAIMED: "re-claim", OwnerChangeKind.ATTENUATED: "attenuate"}.get(
        new.kind, "transfer"
    )
    style = "dashed" if new.kind is OwnerChangeKind.RECLAIMED else "solid"
    out.edge(tail, head, label=f"{verb}\ngen {old.generation}→{new.generation}", style=style)


# A stale handle's box, alone or in a group: greyed and dashed, as a handle that no longer owns.
_STALE_NODE: dict[str, str] = {
    "shape": "box",
    "style": "dashed,filled",
    "fillcolor": "#eeeeee",
    "color": GREY,
    "fontcolor": "#555555",
}


def _stale(out: DotWriter, handle: StaleHandleView, node: str, target: str | None) -> None:
    label = (
        f"✗ stale: {handle.name}\n{shorten(handle.owner_label, 28)}\n"
        f"gen {handle.generation} · {handle.scope}"
    )
    out.node(node, label=label, **_STALE_NODE)
    if target is not None:
        out.edge(node, target, style="dotted", color=GREY, label=handle.reason, arrowhead="odot")


def ownership_text(view: OwnershipView) -> str:
    """Plain text: one block per authority, one line per session, history and stale handles."""
    lines = [f"{view.title}: {view.session_count} session(s)"]
    for authority in view.authorities:
        lines.append(f"authority {authority.name}")
        for s in authority.sessions:
            lines.extend(_session_lines(s))
    for h in view.stale:
        lines.append(
            f"stale {h.name}: {h.owner_label} gen {h.generation} {h.scope} "
            f"on {short_id(h.session_id)} ({h.reason})"
        )
    return "\n".join(lines)


def _session_lines(s: SessionNodeView) -> list[str]:
    owner = (
        f"owner {s.owner.owner_label} gen {s.owner.generation} scope {s.owner.scope}"
        if s.owner
        else "no owner"
    )
    lines = [f"  {s.protocol} {s.short_id} {s.state.value}: {owner}"]
    for step in s.history:
        lines.append(f"    was gen {step.generation} {step.owner_label} ({step.kind.value})")
    for f in s.fragments:
        lines.append(f"    fragment {f.key} owned by {f.owner_label}")
    return lines


def _compact_dot(view: OwnershipView, recent: int, highlight: str | None = None) -> str:
    out = DotWriter(name=view.title)
    out.graph_attrs(rankdir="LR", fontname="Helvetica", label=view.title, labelloc="t")
    out.graph_attrs(nodesep=0.15, ranksep=0.3)
    out.defaults("node", fontname="Helvetica", fontsize=11, shape="plaintext")
    out.defaults("edge", fontname="Helvetica", fontsize=10)
    for i, authority in reversed(list(enumerate(view.authorities))):
        sub = out.subgraph(f"cluster_a{i}")
        sub.graph_attrs(label=f"authority {authority.name}", style="rounded", fontsize=12)
        if authority.name == highlight:  # the selected role's authority: filled, bold
            sub.graph_attrs(style="rounded,filled,bold", fillcolor=HIGHLIGHT, penwidth=2)
        if not authority.sessions:
            sub.node(f"a{i}_empty", label="(no sessions)", fontcolor=GREY)
        for k, session in enumerate(authority.sessions):
            node = f"a{i}_s{k}"
            sub.node(node, label=session_card(session))
            tail = _compact_history(sub, session, node, recent)
            stale = [
                h
                for h in view.stale
                if (h.authority, h.session_id) == (authority.name, session.session_id)
            ]
            if stale:
                _stale_group(sub, stale, f"{node}_x", tail)
        out.add(sub)
    return out.source()


def _compact_history(out: DotWriter, session: SessionNodeView, node: str, recent: int) -> str:
    """One box with the last ``recent`` earlier owners (and "… k earlier"); the card's id."""
    history = session.history
    if not history:
        return node
    shown = history[-recent:] if recent > 0 else ()
    hidden = len(history) - len(shown)
    lines = ["earlier owners"] + ([f"… {hidden} earlier"] if hidden else [])
    verbs = {OwnerChangeKind.ATTENUATED: "attenuated", OwnerChangeKind.RECLAIMED: "re-claimed"}
    for step in shown:
        how = verbs.get(step.kind, "")
        lines.append(f"gen {step.generation} {shorten(step.owner_label, 20)} {how}".strip())
    out.node(
        f"{node}_h",
        shape="box",
        style="rounded,dashed",
        color=GREY,
        fontcolor="#555555",
        label="\n".join(lines),
    )
    now = session.owner
    label = "ended" if now is None else f"now gen {now.generation}"
    out.edge(f"{node}_h", node, label=label, color=GREY)
    return node


def _stale_group(out: DotWriter, stale: list[StaleHandleView], node: str, target: str) -> None:
    names = [f"{h.owner_label} #{h.generation}" for h in stale]
    listed = names[-3:]
    more = [f"… and {len(names) - 3} more"] if len(names) > 3 else []
    title = "✗ stale handle" if len(names) == 1 else f"✗ {len(names)} stale handles"
    label = "\n".join([title, *(shorten(n, 26) for n in listed), *more])
    out.node(node, label=label, **_STALE_NODE)
    out.edge(node, target, style="dotted", color=GREY, arrowhead="odot", label="refused")

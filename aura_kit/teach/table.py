"""A small table value shown as aligned text and as HTML (used by the explanations).

Invariants:
- a ``Table`` is frozen; every row has as many cells as there are columns;
- the text form is deterministic (columns padded to their widest cell, rows in order);
- a highlighted row is marked ``>>`` in text and with the ``aura-highlight`` class in HTML;
- every cell is escaped in HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    """A titled table with optional highlighted rows (indices into ``rows``)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    highlight: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        bad = [i for i, row in enumerate(self.rows) if len(row) != len(self.columns)]
        if bad:
            raise ValueError(
                f"table {self.title!r}: rows {bad} do not have {len(self.columns)} cells"
            )

    def text(self) -> str:
        """The table as aligned plain text, title first."""
        widths = [
            max(len(cell) for cell in column)
            for column in zip(self.columns, *self.rows, strict=True)
        ]

        def line(cells: tuple[str, ...], mark: str) -> str:
            padded = "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True))
            return f"{mark} {padded}".rstrip()

        out = [self.title, line(self.columns, "  ")]
        for i, row in enumerate(self.rows):
            out.append(line(row, ">>" if i in self.highlight else "  "))
        return "\n".join(out)

    def html(self) -> str:
        """The table as an HTML fragment (highlighted rows get class ``aura-highlight``)."""
        head = "".join(f"<th>{escape(c)}</th>" for c in self.columns)
        body = []
        for i, row in enumerate(self.rows):
            cls = (
                ' class="aura-highlight" style="background:#fde2e1"' if i in self.highlight else ""
            )
            cells = "".join(f"<td>{escape(c)}</td>" for c in row)
            body.append(f"<tr{cls}>{cells}</tr>")
        return (
            f'<table class="aura-table"><caption>{escape(self.title)}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )

    def __str__(self) -> str:
        return self.text()

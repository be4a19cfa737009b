"""A small Markdown-to-HTML converter for the scenarios' SOURCES.md notes.

Handles what those notes use: headings, paragraphs, bullet lists, pipe tables,
inline code, bold and italics. Text is escaped and URL schemes are removed, so
the page names its sources without linking out.
"""

from __future__ import annotations

import re

from simulator.report.fmt import text

_INLINE = [
    (re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<![*\w])\*([^*\s][^*]*)\*(?![*\w])"), r"<em>\1</em>"),
]


def inline(value: str) -> str:
    """Escaped inline Markdown."""
    out = text(value)
    for pattern, replacement in _INLINE:
        out = pattern.sub(replacement, out)
    return out


def _table(lines: list[str]) -> str:
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines]
    rows = [r for r in rows if not all(re.fullmatch(r":?-{3,}:?", c) for c in r)]
    head, body = rows[0], rows[1:]
    out = ["<table class='small'><thead><tr>", *(f"<th>{inline(c)}</th>" for c in head), "</tr></thead><tbody>"]
    for row in body:
        out.append("<tr>" + "".join(f"<td>{inline(c)}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def to_html(markdown: str, heading_offset: int = 2) -> str:
    """HTML for ``markdown``; ``#`` becomes ``<h{1 + heading_offset}>``."""
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append("<p>" + inline(" ".join(paragraph)) + "</p>")
            paragraph.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in items) + "</ul>")
            items.clear()
        if table:
            blocks.append(_table(table))
            table.clear()

    for raw in markdown.splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        if not stripped or stripped == "---":
            flush()
        elif heading:
            flush()
            level = min(6, len(heading.group(1)) + heading_offset)
            blocks.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        elif stripped.startswith("|"):
            if paragraph or items:
                flush()
            table.append(stripped)
        elif re.match(r"^[-*]\s+", stripped) and not line.startswith("    "):
            if paragraph or table:
                flush()
            items.append(re.sub(r"^[-*]\s+", "", stripped))
        elif items and line.startswith(" "):
            items[-1] += " " + stripped
        else:
            if items or table:
                flush()
            paragraph.append(stripped)
    flush()
    return "\n".join(blocks)

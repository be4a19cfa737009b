"""The HTML page: one self-contained file (inline CSS, embedded PNG), readable on screen and printable."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from simulator.report.figure import Figure
from simulator.report.fmt import text
from simulator.report.tables import Table

CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #d8d8d8; --accent: #0072B2; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0;
       line-height: 1.45; font-size: 15px; background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 48px; }
header { border-bottom: 3px solid var(--accent); margin-bottom: 18px; padding-bottom: 10px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 30px 0 10px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
h4, h5, h6 { font-size: 14px; margin: 14px 0 4px; }
.subtitle { color: var(--muted); margin: 0; }
nav { font-size: 13px; color: var(--muted); margin: 8px 0 0; }
nav a { color: var(--accent); text-decoration: none; margin-right: 12px; }
.headline { background: #F3F8FC; border-left: 5px solid var(--accent); padding: 10px 18px; margin: 10px 0; }
.headline ul { margin: 6px 0; padding-left: 20px; }
.headline li { margin: 7px 0; font-size: 16px; }
.note, figcaption, .caption { color: var(--muted); font-size: 13px; }
figure { margin: 16px 0 22px; break-inside: avoid; page-break-inside: avoid; }
figure img { width: 100%; height: auto; display: block; border: 1px solid #eee; }
figcaption { margin-top: 4px; }
figcaption strong { color: var(--ink); }
.table-wrap { overflow-x: auto; margin: 6px 0 18px; break-inside: avoid; page-break-inside: avoid; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #999; background: #fafafa; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.small { font-size: 12px; }
dl.facts { display: grid; grid-template-columns: 170px 1fr; gap: 3px 14px; font-size: 14px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.sources { font-size: 13px; border-left: 3px solid var(--rule); padding-left: 12px; }
code { font-size: 12px; background: #f4f4f4; padding: 0 3px; word-break: break-all; }
footer { color: var(--muted); font-size: 12px; margin-top: 30px; border-top: 1px solid var(--rule); padding-top: 8px; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  .table-wrap { overflow: visible; }
  @page { margin: 15mm; }
}
"""


@dataclass
class Section:
    """One section of the page: an id (anchor), a title and its HTML body."""

    id: str
    title: str
    body: str


@dataclass
class Page:
    """The page's parts, in order."""

    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)
    footer: str = ""


def figure_html(figure: Figure) -> str:
    """A figure with its title and caption."""
    return (
        f"<figure id='{figure.id}'><img src='{figure.data_uri()}' alt='{text(figure.title)}'>"
        f"<figcaption><strong>{text(figure.title)}.</strong> {text(figure.caption)}</figcaption></figure>"
    )


def table_html(table: Table) -> str:
    """A table with its title and caption; numbers right-aligned."""
    head = f"<h3>{text(table.title)}</h3><p class='caption'>{text(table.caption)}</p>"
    if table.shown.empty:
        return head + f"<p id='{table.id}' class='note'>Nothing to show: every figure is zero.</p>"
    shown: pd.DataFrame = table.shown
    rows = []
    for label, values in shown.iterrows():
        cells = "".join(f"<td class='num'>{text(v)}</td>" for v in values)
        rows.append(f"<tr><th scope='row'>{text(label)}</th>{cells}</tr>")
    header = "".join(f"<th class='num'>{text(c)}</th>" for c in shown.columns)
    return (
        head + f"<div class='table-wrap'><table id='{table.id}'><thead><tr><th></th>{header}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def render(page: Page) -> str:
    """The whole HTML document."""
    nav = "".join(f"<a href='#{s.id}'>{text(s.title)}</a>" for s in page.sections)
    body = "\n".join(f"<section id='{s.id}'><h2>{text(s.title)}</h2>\n{s.body}\n</section>" for s in page.sections)
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{text(page.title)}</title><style>{CSS}</style></head><body><main>"
        f"<header><h1>{text(page.title)}</h1><p class='subtitle'>{page.subtitle}</p><nav>{nav}</nav></header>\n"
        f"{body}\n<footer>{page.footer}</footer></main></body></html>\n"
    )

"""``write_report``: the report of a results folder (one run, an ensemble or a comparison) and its exports."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from simulator.report import fmt
from simulator.report.charts import run_charts
from simulator.report.content import Content, build_content
from simulator.report.exports import write_exports
from simulator.report.folder import Comparison, open_results
from simulator.report.headline import headlines
from simulator.report.mapplot import map_figure
from simulator.report.methods import methods_html
from simulator.report.page import Page, Section, figure_html, render, table_html
from simulator.report.tables import Table, run_tables
from simulator.version import __version__


def headline_html(content: Content) -> str:
    """The key figures as sentences, and what their bands mean."""
    items = "".join(f"<li id='{h.id}'>{fmt.text(h.sentence)}</li>" for h in headlines(content))
    if content.banded:
        q = sorted(content.results.quantiles)
        note = (
            f"Ranges run from the {q[0] * 100:.0f}th to the {q[-1] * 100:.0f}th percentile of "
            f"{len(content.results.replicates)} replicates of the same scenario with different random seeds: "
            f"{(q[-1] - q[0]) * 100:.0f} runs in 100 fall inside. They show the model's chance variation, not the "
            "uncertainty of its assumptions (see Methods)."
        )
    else:
        note = (
            "These figures come from a single run, so they carry no uncertainty band; an ensemble "
            "(<code>migsim run --replicates N</code>) gives ranges. They rest on the assumptions listed under Methods."
        )
    return f"<div class='headline'><ul>{items}</ul><p class='note'>{note}</p></div>"


def run_sections(content: Content, tables: list[Table]) -> list[Section]:
    """The sections of a run's or ensemble's report."""
    charts = "".join(figure_html(f) for f in run_charts(content))
    return [
        Section("headline", "Key figures", headline_html(content)),
        Section("map", "Map of the corridor", figure_html(map_figure(content))),
        Section("charts", "Over time", charts),
        Section("tables", "Tables", "".join(table_html(t) for t in tables)),
        Section("methods", "Methods", methods_html(content)),
    ]


def _title(content: Content) -> tuple[str, str]:
    scenario = content.results.first_record.get("scenario", {})
    name = scenario.get("name", "migsim")
    variant = f" — variant {scenario['variant']}" if scenario.get("variant") else ""
    kind = f"ensemble of {len(content.results.replicates)} replicates" if content.results.kind == "ensemble" else "one run"
    subtitle = f"{fmt.date(content.start)} to {fmt.date(content.end)} · {kind} · migsim {__version__}"
    return f"Scenario {name}{variant}", fmt.text(subtitle)


def _footer(results_dir: Path, exports: Path) -> str:
    return (
        f"Made by migsim {fmt.text(__version__)} from <code>{fmt.text(results_dir)}</code>. GIS layers and CSV files "
        f"beside this report in <code>{fmt.text(exports)}</code>: nodes.geojson, links.geojson, figures/*.csv, "
        "tables/*.csv."
    )


def _write_text_atomic(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _replace_folder(folder: Path, fill) -> None:
    """Fill a fresh temporary folder, then swap it in place of ``folder``."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    old = None
    try:
        fill(tmp)
        os.chmod(tmp, 0o755)
        if folder.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".old", dir=folder.parent))
            os.replace(folder, old / folder.name)
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and (old / folder.name).exists() and not folder.exists():
            os.replace(old / folder.name, folder)
        raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def default_exports(results_dir: Path, out: Path) -> Path:
    """``exports/`` in the results folder for the default report; ``NAME-exports/`` beside any other."""
    if out == results_dir / "report.html":
        return results_dir / "exports"
    return out.with_name(out.stem + "-exports")


def write_report(
    results_dir: str | Path,
    out: str | Path | None = None,
    *,
    map_dates: list | None = None,
    exports: str | Path | None = None,
) -> Path:
    """Write the HTML report of a results folder and its exports; return the report's path.

    ``out`` defaults to ``report.html`` in the folder; ``map_dates`` (dates or
    ISO strings) to three dates spread over the run; ``exports`` (GeoJSON and
    CSV) to ``exports/`` beside the default report, or ``NAME-exports/``
    beside another. A missing or corrupt table raises
    :class:`~simulator.errors.MigsimError` naming it, before anything is written.
    """
    results_dir = Path(results_dir)
    results = open_results(results_dir)
    out = Path(out) if out is not None else results_dir / "report.html"
    exports_dir = Path(exports) if exports is not None else default_exports(results_dir, out)
    if isinstance(results, Comparison):
        from simulator.report.comparison import comparison_page

        page, content, tables = comparison_page(results, map_dates)
    else:
        content = build_content(results, map_dates)
        tables = run_tables(content)
        title, subtitle = _title(content)
        page = Page(title=title, subtitle=subtitle, sections=run_sections(content, tables))
    page.footer = _footer(results_dir, exports_dir)
    document = render(page)
    _replace_folder(exports_dir, lambda folder: write_exports(content, tables, folder))
    _write_text_atomic(out, document)
    return out

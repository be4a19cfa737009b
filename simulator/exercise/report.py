"""The after-action report of an exercise: timeline, indicators with decision markers, branches against no decisions.

The no-decision baseline is the scenario with its scripted injects and the same
seed, run to the same day without any decision of the facilitator or the
teams, so every difference from it is the decisions' doing.  One self-contained
HTML file (pictures embedded), printable from the browser.
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from simulator.exercise.session import describe_action  # noqa: E402
from simulator.indicators import ALL, INDICATORS, indicator_series  # noqa: E402
from simulator.plots import PALETTE, _thousands  # noqa: E402

SHOWN = ("arrivals", "irregular_crossings", "waiting", "without_shelter", "incidents", "campaign_reach")

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1000px; margin: 24px auto; color: #222; line-height: 1.4; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 6px; text-align: left; vertical-align: top; }
td.num { text-align: right; } img { max-width: 100%; }
@media print { h2 { page-break-after: avoid; } img { page-break-inside: avoid; } }
"""


def _img(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return f'<img alt="chart" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def _totals(model) -> dict[str, list[float]]:
    if model.day == 0:
        return {}
    series = indicator_series(model.tables())
    totals = series[series["key"] == ALL]
    return {k: g["value"].tolist() for k, g in totals.groupby("indicator")}


def baseline_totals(session, until_day: int) -> dict[str, list[float]]:
    """Daily totals without any decision: the scenario and its scripted injects, same seed."""
    model = session._initial_model()
    model.run(until_day=until_day)
    return _totals(model)


def _branch_chart(session, branch: str, totals: dict, baseline: dict, decisions: list[int]) -> str:
    fig, axes = plt.subplots(2, 3, figsize=(10, 5.2), layout="constrained")
    for ax, name in zip(axes.flat, SHOWN, strict=True):
        ours = totals.get(name, [])
        base = baseline.get(name, [])[: len(ours)]
        dates = [session.scenario.date_of(d) for d in range(len(ours))]
        ax.plot(dates[: len(base)], base, color=PALETTE[7], linestyle="--", linewidth=1.3, label="no decisions")
        ax.plot(dates, ours, color=PALETTE[0], linewidth=1.7, label=f"branch {branch}")
        for day in decisions:
            if day < len(ours):
                ax.axvline(session.scenario.date_of(day), color=PALETTE[3], linestyle=":", linewidth=1)
        ax.set_title(INDICATORS[name].label, fontsize=9)
        ax.yaxis.set_major_formatter(_thousands)
        ax.tick_params(axis="x", labelrotation=30, labelsize=7)
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=7, frameon=False)
    fig.suptitle(f"Branch {branch} against the no-decision baseline (same seed); dotted: decisions", fontsize=10)
    return _img(fig)


def exercise_report_html(session) -> str:
    """The after-action report of ``session`` as one HTML document."""
    esc = html.escape
    sc = session.scenario
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>After-action report — {esc(session.name)}</title><style>{STYLE}</style></head><body>",
        f"<h1>After-action report — exercise “{esc(session.name)}”</h1>",
        f"<p>Scenario <b>{esc(sc.name)}</b> ({esc(sc.description.strip())}); seed {session.seed}, "
        f"{session.scale:,} persons per agent; rounds of {session.exercise.round_days} days. "
        f"Teams: {esc(', '.join(t.name for t in session.exercise.teams) or 'none')}.</p>",
    ]
    branches = list(session.store.branches())
    for branch in branches:
        actions = session.effective_actions(branch)
        rows = []
        for a in actions:
            what = describe_action(a)
            rows.append(
                f"<tr><td class='num'>{a.round}</td><td>{esc(sc.date_of(a.day).isoformat())}</td><td>{esc(a.actor)}</td><td>{esc(what)}</td></tr>"
            )
        end_day = max((a.payload["until_day"] for a in actions if a.kind == "advance"), default=0)
        for inject in session.exercise.injects:
            day = session.exercise.inject_day(inject, sc.start_date)
            if day < end_day:
                rows.append(
                    f"<tr><td></td><td>{esc(sc.date_of(day).isoformat())}</td><td>scripted inject</td><td>{esc(inject.title)}. {esc(inject.message)}</td></tr>"
                )
        parts.append(f"<h2>Branch {esc(branch)}: timeline of decisions and injects</h2>")
        parts.append("<table><tr><th>round</th><th>date</th><th>who</th><th>what</th></tr>" + "".join(rows) + "</table>")
        if end_day == 0:
            parts.append("<p>No day has been played on this branch.</p>")
            continue
        model = session.model if branch == session.branch else session._rebuild(branch)
        totals = _totals(model)
        baseline = baseline_totals(session, end_day)
        decisions = sorted({a.payload["event"]["day"] for a in actions if a.kind in ("inject", "accept")})
        parts.append(_branch_chart(session, branch, totals, baseline, decisions))
        table = ["<table><tr><th>indicator (persons)</th><th>this branch</th><th>no decisions</th><th>difference</th></tr>"]
        for name in SHOWN:
            ours = totals.get(name, [0])[-1]
            base = baseline.get(name, [0])[-1]
            table.append(
                f"<tr><td>{esc(INDICATORS[name].label)}, by {sc.date_of(end_day - 1).isoformat()}</td>"
                f"<td class='num'>{ours:,.0f}</td><td class='num'>{base:,.0f}</td><td class='num'>{ours - base:+,.0f}</td></tr>"
            )
        parts.append("".join(table) + "</table>")
    parts.append(f"<p style='color:#777;font-size:0.8em'>migsim exercise log: {esc(str(session.store.path))}</p></body></html>")
    return "\n".join(parts)

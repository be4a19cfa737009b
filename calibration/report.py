"""The calibration report: per target, observed against simulated; the parameters with their uncertainty.

``report/`` holds

* ``index.html``: one self-contained page (PNGs embedded) with the verdicts,
  the tables and the plots;
* ``targets.csv``: per target and category, observed and simulated at the best
  point (pooled final replicates), the 5-95% posterior predictive interval
  (over the ABC particles' own runs), the standardised residual z, the
  deviance, the verdict, and whether the target was held out;
* ``parameters.csv``: bounds, prior, best point, posterior mean, sd and
  quantiles; ``correlations.csv``: posterior correlations (on the fitted
  scale); ``posterior.csv``: the particles with their weights;
* ``loss.csv``: the loss over the generations (differential evolution: best
  and median; ABC: tolerance and acceptance);
* ``fitted.yaml``: a ``parameters:`` block with the best point, which a
  scenario includes with ``parameters_from: [fitted.yaml]``;
* ``summary.json``: runs, wall time, fit and held-out errors.

Verdicts: a target *fits* when every category is within 2 standard errors at
the best point; *fits elsewhere* when some evaluated point brings it within 2
but not the best one (it trades off against other targets); *cannot reach*
when no evaluated point does: the model, within these bounds, misses it.
Held-out targets are *predicted* or *not predicted* on the same rule.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.ticker import NullFormatter  # noqa: E402

from calibration.evaluate import pooled, score  # noqa: E402
from calibration.fit import weighted_quantile  # noqa: E402
from calibration.likelihood import error_model_text  # noqa: E402
from calibration.targets import CountTarget, MarginalTarget  # noqa: E402
from simulator.atomic import write_atomically, write_csv, write_json  # noqa: E402
from simulator.plots import PALETTE  # noqa: E402
from simulator.version import __version__  # noqa: E402

REACHED_Z = 2.0


def _natural(parameters, internal: np.ndarray) -> dict[str, float]:
    return {p.label: float(p.from_internal(x)) for p, x in zip(parameters, internal, strict=True)}


def _max_abs(z: np.ndarray) -> float:
    z = np.asarray(z, dtype=float)
    return float(np.max(np.abs(z))) if len(z) else float("nan")


def _predictive(targets, evaluator, posterior) -> dict[str, np.ndarray]:
    """Per target: simulated values (rows: particles, columns: categories) of the ABC posterior's particles."""
    frames = {}
    out: dict[str, list] = {t.id: [] for t in targets.all}
    for generation, point in posterior.origin:
        if generation not in frames:
            path = evaluator.folder / "generations" / f"abc-{generation:03d}.parquet"
            frames[generation] = pd.read_parquet(path)
        frame = frames[generation]
        simulated = pooled(frame[frame["point"] == point])
        for t in targets.all:
            values = simulated.get(t.id, (np.full(len(getattr(t, "categories", [""])), np.nan), 0))[0]
            out[t.id].append(np.asarray(values, dtype=float))
    return {k: np.array(v) for k, v in out.items()}


def build_tables(targets, evaluator, de, posterior, final_frame: pd.DataFrame, scale: int) -> dict[str, Any]:
    """Every table of the report, and the summary errors."""
    parameters = targets.parameters
    best_values = _natural(parameters, de.best)
    best_sim = pooled(final_frame)
    best_scores = score(targets, best_sim, scale)
    predictive = _predictive(targets, evaluator, posterior)
    evaluations = [*de.evaluations, *posterior.evaluations]
    rows = []
    verdicts = {}
    for t in targets.all:
        deviance, z = best_scores[t.id]
        closest = min(evaluations, key=lambda e: _max_abs(e.scores[t.id][1]) if e.scores else np.inf)
        closest_z = _max_abs(closest.scores[t.id][1]) if closest.scores else np.inf
        best_z = _max_abs(z)
        if t.held_out:
            verdict = "predicted" if best_z <= REACHED_Z else "not predicted"
        elif best_z <= REACHED_Z:
            verdict = "fits"
        elif closest_z <= REACHED_Z:
            verdict = "fits elsewhere"
        else:
            verdict = "cannot reach"
        values, respondents = best_sim.get(t.id, (np.full(len(getattr(t, "categories", [""])), np.nan), 0.0))
        values = np.asarray(values, dtype=float)
        note = ""
        if isinstance(t, MarginalTarget) and not respondents > 0:
            note = "no simulated respondents: nobody is at the survey's places in its window"
        closest_values = _natural(parameters, closest.internal)
        verdicts[t.id] = {
            "verdict": verdict,
            "best_z": best_z,
            "closest_z": closest_z,
            "closest_at": closest_values,
            "note": note,
        }
        weights = posterior.weights
        categories = t.categories if isinstance(t, MarginalTarget) else ("",)
        observed = t.observed if isinstance(t, MarginalTarget) else np.array([t.observed])
        for j, category in enumerate(categories):
            samples = predictive[t.id][:, j] if predictive[t.id].ndim == 2 and len(predictive[t.id]) else np.array([])
            rows.append(
                {
                    "target": t.id,
                    "kind": t.kind,
                    "category": category,
                    "held_out": t.held_out,
                    "observed": float(observed[j]),
                    "simulated": float(values[j]) if j < len(values) else np.nan,
                    "simulated_p05": weighted_quantile(samples, weights, 0.05) if len(samples) else np.nan,
                    "simulated_p95": weighted_quantile(samples, weights, 0.95) if len(samples) else np.nan,
                    "z": float(z[j]) if j < len(z) else np.nan,
                    "deviance": deviance,
                    "verdict": verdict,
                    "note": note,
                    "simulated_respondents": respondents if isinstance(t, MarginalTarget) else np.nan,
                    "closest_abs_z": closest_z,
                    "error_model": error_model_text(t),
                    "n_given": getattr(t, "n_given", True),
                    "source": t.source,
                    "where": f"{t.file}:{t.line}",
                }
            )
    target_table = pd.DataFrame(rows)
    particles = np.array([[p.from_internal(x) for p, x in zip(parameters, row, strict=True)] for row in posterior.particles])
    w = posterior.weights
    param_rows = []
    for j, p in enumerate(parameters):
        values = particles[:, j]
        mean = float(np.sum(w * values))
        param_rows.append(
            {
                "parameter": p.label,
                "unit": p.unit,
                "low": p.low,
                "high": p.high,
                "scale": "log" if p.log else "linear",
                "prior": p.prior if p.prior == "uniform" else f"normal({p.mean:g}, {p.sd:g})",
                "best": best_values[p.label],
                "posterior_mean": mean,
                "posterior_sd": float(np.sqrt(np.sum(w * (values - mean) ** 2))),
                "p05": weighted_quantile(values, w, 0.05),
                "p50": weighted_quantile(values, w, 0.50),
                "p95": weighted_quantile(values, w, 0.95),
            }
        )
    parameter_table = pd.DataFrame(param_rows)
    labels = [p.label for p in parameters]
    internal = posterior.particles
    mean = (w[:, None] * internal).sum(axis=0)
    cov = ((w[:, None] * (internal - mean)).T @ (internal - mean)) if len(internal) else np.zeros((len(labels),) * 2)
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    correlations = pd.DataFrame(corr, index=labels, columns=labels).rename_axis("parameter").reset_index()
    posterior_table = pd.DataFrame(particles, columns=labels)
    posterior_table["weight"] = w
    posterior_table["distance"] = posterior.distances
    posterior_table["generation"] = [g for g, _ in posterior.origin]
    history = pd.DataFrame([*de.history, *posterior.history])
    fitted_ids = {t.id for t in targets.fitted}
    errors = _errors(targets, best_scores, target_table, fitted_ids, verdicts)
    return {
        "best": best_values,
        "targets": target_table,
        "parameters": parameter_table,
        "correlations": correlations,
        "posterior": posterior_table,
        "history": history,
        "verdicts": verdicts,
        "errors": errors,
        "best_loss": float(sum(best_scores[t].__getitem__(0) for t in fitted_ids)),
    }


def _errors(targets, scores, table: pd.DataFrame, fitted_ids: set[str], verdicts) -> dict[str, Any]:
    """Fit and held-out errors: mean |z| and summed deviance, and per target a plain error (share points or %)."""

    def summary(ts):
        if not ts:
            return {"targets": 0}
        abs_z = [verdicts[t.id]["best_z"] for t in ts]
        per = {}
        for t in ts:
            rows = table[table["target"] == t.id]
            if isinstance(t, CountTarget):
                sim = float(rows["simulated"].iloc[0])
                per[t.id] = f"{100.0 * (sim - t.observed) / t.observed:+.0f}% ({sim:,.0f} vs {t.observed:,.0f})"
            else:
                gap = (rows["simulated"] - rows["observed"]).abs().max()
                per[t.id] = f"largest share gap {100.0 * gap:.1f} points"
        return {
            "targets": len(ts),
            "mean_abs_z": float(np.mean(abs_z)),
            "deviance": float(sum(scores[t.id][0] for t in ts)),
            "within_2_se": int(sum(z <= REACHED_Z for z in abs_z)),
            "per_target": per,
        }

    return {
        "fit": summary([t for t in targets.all if t.id in fitted_ids]),
        "held_out": summary([t for t in targets.all if t.id not in fitted_ids]),
        "cannot_reach": [k for k, v in verdicts.items() if v["verdict"] == "cannot reach"],
    }


# -- writing ------------------------------------------------------------------


def fitted_yaml(result, tables) -> str:
    """The ``parameters:`` block of the best point, with the posterior in comments."""
    targets = result.targets
    lines = [
        f"# Calibrated by `migsim calibrate` (migsim {__version__}) on {dt.date.today().isoformat()}",
        f"# against the targets '{targets.name}' ({len(targets.fitted)} fitted, {len(targets.held_out)} held out).",
        "# Values: the best point of differential evolution; comments: ABC posterior mean and 90% interval.",
        "# Include it in a scenario with  parameters_from: [path/to/this/file]",
        "parameters:",
    ]
    rows = tables["parameters"].set_index("parameter")
    modules: dict[str, list[str]] = {}
    for p in targets.parameters:
        r = rows.loc[p.label]
        value = int(round(r["best"])) if p.integer else float(f"{r['best']:.6g}")
        comment = f"posterior {r['posterior_mean']:.4g}, 90% [{r['p05']:.4g}, {r['p95']:.4g}] {p.unit}".rstrip()
        modules.setdefault(p.module, []).append(f"    {p.name}: {value!r}  # {comment}")
    for module, entries in modules.items():
        lines.append(f"  {module}:")
        lines += entries
    return "\n".join(lines) + "\n"


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=72)
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _loss_plot(history: pd.DataFrame) -> str:
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), layout="constrained")
    de = history[history["stage"] == "de"]
    axes[0].plot(de["generation"], de["best_so_far"], "-o", color=PALETTE[0], label="best so far")
    axes[0].plot(de["generation"], de["median_loss"], "--", color=PALETTE[1], label="median of generation")
    axes[0].set_yscale("log")
    axes[0].set_xlabel("generation")
    axes[0].set_ylabel("loss (summed deviance)")
    axes[0].set_title("differential evolution", fontsize=10)
    axes[0].legend(fontsize=8)
    abc = history[history["stage"] == "abc"]
    axes[1].plot(abc["generation"], abc["epsilon"], "-o", color=PALETTE[2], label="tolerance")
    axes[1].plot(abc["generation"], abc["median_loss"], "--", color=PALETTE[3], label="median distance of new particles")
    axes[1].set_yscale("log")
    axes[1].set_xlabel("generation")
    axes[1].set_title("ABC", fontsize=10)
    axes[1].legend(fontsize=8)
    return _png(fig)


def _targets_plot(table: pd.DataFrame) -> str:
    shares = table[table["kind"] == "marginal"]
    counts = table[table["kind"] != "marginal"]
    panels = [(shares, "share"), (counts, "persons (log scale)")]
    panels = [(f, label) for f, label in panels if len(f)]
    heights = [max(1.5, 0.22 * len(f)) for f, _ in panels]
    fig, axes = plt.subplots(
        len(panels), 1, figsize=(9, sum(heights) + 0.8), layout="constrained", height_ratios=heights, squeeze=False
    )
    for ax, (frame, label) in zip(axes[:, 0], panels, strict=True):
        y = np.arange(len(frame))[::-1]
        names = [f"{t} [{c}]" if c else t for t, c in zip(frame["target"], frame["category"], strict=True)]
        names = [n if len(n) < 60 else n[:57] + "..." for n in names]
        low = frame["simulated_p05"].to_numpy()
        high = frame["simulated_p95"].to_numpy()
        ax.hlines(y, low, high, color=PALETTE[0], linewidth=3, alpha=0.5, label="simulated, posterior 5-95%")
        ax.plot(frame["simulated"], y, "o", color=PALETTE[0], label="simulated at the best point")
        held = frame["held_out"].to_numpy()
        ax.plot(frame["observed"][~held], y[~held], "x", color=PALETTE[3], markersize=8, label="observed (fitted)")
        ax.plot(frame["observed"][held], y[held], "D", color=PALETTE[4], markersize=5, label="observed (held out)")
        ax.set_yticks(y, names, fontsize=7)
        ax.set_xlabel(label)
        if label.startswith("persons"):
            ax.set_xscale("log")
        ax.legend(fontsize=7, loc="best")
    return _png(fig)


def _posterior_plot(posterior: pd.DataFrame, labels: list[str], logs: list[bool]) -> str:
    k = len(labels)
    fig, axes = plt.subplots(k, k, figsize=(2.2 * k + 1, 2.2 * k + 0.5), layout="constrained", squeeze=False)
    w = posterior["weight"].to_numpy()
    for i, a in enumerate(labels):
        for j, b in enumerate(labels):
            ax = axes[i, j]
            if i == j:
                values = posterior[a].to_numpy()
                bins = np.geomspace(values.min(), values.max() * 1.0001, 12) if logs[i] and values.min() > 0 else 12
                ax.hist(values, weights=w, bins=bins, color=PALETTE[0], alpha=0.7)
                if logs[i]:
                    ax.set_xscale("log")
            elif i > j:
                ax.scatter(posterior[b], posterior[a], s=10 + 200 * w, color=PALETTE[1], alpha=0.7)
                if logs[j]:
                    ax.set_xscale("log")
                if logs[i]:
                    ax.set_yscale("log")
            else:
                ax.axis("off")
            if i == k - 1:
                ax.set_xlabel(b.split(".", 1)[1], fontsize=7)
            if j == 0 and i > 0:
                ax.set_ylabel(a.split(".", 1)[1], fontsize=7)
            ax.tick_params(labelsize=6)
            ax.xaxis.set_minor_formatter(NullFormatter())
            ax.yaxis.set_minor_formatter(NullFormatter())
    return _png(fig)


def _table_html(frame: pd.DataFrame, floats: str = "{:.4g}") -> str:
    return frame.to_html(index=False, float_format=lambda v: floats.format(v), border=0, classes="t", na_rep="")


def write_report(result, tables, folder: Path) -> Path:
    """Write ``report/``: index.html, the CSVs, fitted.yaml and summary.json (each file atomically)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "targets.csv", tables["targets"])
    write_csv(folder / "parameters.csv", tables["parameters"])
    write_csv(folder / "correlations.csv", tables["correlations"])
    write_csv(folder / "posterior.csv", tables["posterior"])
    write_csv(folder / "loss.csv", tables["history"])
    yaml_text = fitted_yaml(result, tables)
    write_atomically(folder / "fitted.yaml", lambda h: h.write(yaml_text.encode()))
    summary = {**result.summary, "best": tables["best"], "best_loss": tables["best_loss"], "migsim_version": __version__}
    write_json(folder / "summary.json", summary)
    parameters = result.targets.parameters
    images = {
        "loss": _loss_plot(tables["history"]),
        "targets": _targets_plot(tables["targets"]),
        "posterior": _posterior_plot(tables["posterior"], [p.label for p in parameters], [p.log for p in parameters]),
    }
    page = _html(result, tables, summary, yaml_text, images)
    write_atomically(folder / "index.html", lambda h: h.write(page.encode()))
    return folder


def _verdict_lines(result, tables) -> list[str]:
    out = []
    for t in result.targets.all:
        v = tables["verdicts"][t.id]
        if v["note"]:
            out.append(f"<li><b>{html.escape(t.id)}</b>: {v['verdict']}; {html.escape(v['note'])}.</li>")
        elif v["verdict"] == "cannot reach":
            at = ", ".join(f"{k.split('.', 1)[1]} {x:.3g}" for k, x in v["closest_at"].items())
            out.append(
                f"<li><b>{html.escape(t.id)}</b>: the model cannot reach it within these bounds; at best "
                f"{v['closest_z']:.1f} standard errors away (at {html.escape(at)}).</li>"
            )
        elif v["verdict"] in ("fits elsewhere", "not predicted"):
            out.append(
                f"<li><b>{html.escape(t.id)}</b>: {v['verdict']} ({v['best_z']:.1f} standard errors at the best point).</li>"
            )
    return out or ["<li>Every target is within 2 standard errors at the best point.</li>"]


def _html(result, tables, summary, yaml_text, images) -> str:
    t = result.targets
    fit, held = summary["fit"], summary["held_out"]
    cost = (
        f"{summary['runs_used']} runs kept ({summary['runs_done']} done over {summary['sessions']} session(s)), "
        f"{summary['wall_seconds_total']:,.0f} s of wall time, at {summary['scale_persons_per_agent']:,} persons per agent"
    )
    held_text = (
        f"{held['targets']} held-out targets: mean |z| {held['mean_abs_z']:.2f}, {held['within_2_se']} within 2 standard errors."
        if held["targets"]
        else "No target was held out."
    )
    target_columns = [
        "target",
        "category",
        "held_out",
        "observed",
        "simulated",
        "simulated_p05",
        "simulated_p95",
        "z",
        "verdict",
        "error_model",
    ]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Calibration: {html.escape(t.name)}</title>
<style>
body {{ font-family: sans-serif; max-width: 1100px; margin: 1.5em auto; color: #222; }}
table.t {{ border-collapse: collapse; font-size: 12px; margin: 0.5em 0 1.5em; }}
table.t td, table.t th {{ padding: 2px 8px; border-bottom: 1px solid #ddd; text-align: right; }}
table.t td:first-child, table.t th:first-child {{ text-align: left; }}
pre {{ background: #f5f5f5; padding: 0.8em; font-size: 12px; }}
</style></head><body>
<h1>Calibration of {html.escape(summary["scenario"])}: {html.escape(t.name)}</h1>
<p>{cost}. Loss (summed deviance of the {fit["targets"]} fitted targets) at the best point: {tables["best_loss"]:.4g};
mean |z| {fit.get("mean_abs_z", float("nan")):.2f}, {fit.get("within_2_se", 0)} of {fit["targets"]} within 2 standard errors.
{held_text}</p>
<h2>Verdict</h2><ul>{"".join(_verdict_lines(result, tables))}</ul>
<h2>Targets: observed against simulated</h2>
<img alt="targets" src="data:image/png;base64,{images["targets"]}">
{_table_html(tables["targets"][target_columns])}
<h2>Parameters</h2>
{_table_html(tables["parameters"])}
<h3>Posterior correlations (fitted scale)</h3>
{_table_html(tables["correlations"], "{:.2f}")}
<img alt="posterior" src="data:image/png;base64,{images["posterior"]}">
<h2>Loss over the generations</h2>
<img alt="loss" src="data:image/png;base64,{images["loss"]}">
{_table_html(tables["history"])}
<h2>Fitted parameters (fitted.yaml)</h2>
<pre>{html.escape(yaml_text)}</pre>
<p>Error models: survey marginals by {html.escape(", ".join(sorted({error_model_text(x).split(",")[0] for x in t.marginals})) or "none")}
likelihoods using each survey's n; stocks and flows log-normal with the stated coefficient of variation. Verdict rule:
within {REACHED_Z:g} standard errors. Written {dt.datetime.now(dt.UTC).isoformat(timespec="seconds")} by migsim {__version__}.</p>
<p>Summary: <code>{html.escape(json.dumps({k: v for k, v in summary.items() if k not in ("fit", "held_out")}, default=str))}</code></p>
</body></html>
"""

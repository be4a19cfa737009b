"""Running batches of calibration runs through the runner, and scoring what they simulate against the targets.

A batch (a *generation*) is a list of parameter points, each run with some
seeds.  Every run's tables are reduced, in the calling process, to one row per
target and category (``target, category, value, n``); the batch is written as
one Parquet file, atomically, once all its runs are back.  A batch that is
already on disk is read instead of run, so an interrupted calibration resumes
from its last complete generation, and a calibration that is run again
replays exactly the same steps.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from calibration.likelihood import count_fit, marginal_fit
from calibration.targets import CountTarget, MarginalTarget, Targets
from simulator.atomic import write_parquet
from simulator.errors import MigsimError
from simulator.runner import Cluster, RunOutcome, RunSpec, run_many
from simulator.surveys import tabulate

FAILED = "(failed)"


def calibration_scenario(scenario, targets: Targets):
    """The scenario with the targets' variant applied and their simulated surveys added (replacing same names)."""
    base = scenario.with_variant(targets.variant)
    names = {s.name for s in targets.surveys}
    surveys = [s for s in base.surveys if s.name not in names] + list(targets.surveys)
    return dataclasses.replace(base, surveys=surveys)


def simulated_rows(tables: dict[str, pd.DataFrame], targets: Targets) -> list[tuple[str, str, float, float]]:
    """(target, category, value, respondents) for every target, from one run's tables."""
    rows = []
    respondents = tables.get("survey_respondents")
    for t in targets.marginals:
        people = respondents[respondents["survey"] == t.survey] if respondents is not None and len(respondents) else None
        if people is None or not len(people):
            rows += [(t.id, c, np.nan, 0.0) for c in t.categories]
            continue
        shares, n = tabulate(people, t.variable)
        rows += [(t.id, c, float(shares.get(c, 0.0)), float(n)) for c in t.categories]
    for t in targets.counts:
        rows.append((t.id, "", count_value(tables, t), np.nan))
    return rows


def count_value(tables: dict[str, pd.DataFrame], t: CountTarget) -> float:
    """A stock on its day, or a flow summed over its days, in persons."""
    if t.kind == "stock":
        c = tables["countries"]
        return float(c.loc[(c["iso3"] == t.place) & (c["day"] == t.first_day), "people"].sum())
    days = lambda frame: (frame["day"] >= t.first_day) & (frame["day"] <= t.last_day)  # noqa: E731
    if t.quantity in ("irregular_crossings", "crossings"):
        x = tables["crossings"]
        x = x[x["link_id"].isin(t.place.split(";")) & days(x)]
        columns = (
            ["irregular"] if t.quantity == "irregular_crossings" else ["regular", "irregular"]
        )  # admitted from a queue counts as regular
        return float(x[columns].to_numpy().sum())
    if t.quantity == "arrivals":
        c = tables["countries"]
        return float(c.loc[c["iso3"].isin(t.place.split(";")) & days(c), "arrivals"].sum())
    nodes = tables["nodes"]
    return float(nodes.loc[nodes["node_id"].isin(t.place.split(";")) & days(nodes), t.quantity].sum())


def pooled(frame: pd.DataFrame) -> dict[str, tuple[np.ndarray, float]]:
    """Per target, over the replicates of one point: shares pooled by respondents (or the mean value), and respondents."""
    out = {}
    for target, rows in frame.groupby("target", sort=False):
        if target == FAILED:
            continue
        categories = list(dict.fromkeys(rows["category"]))
        wide = rows.pivot(index="replicate", columns="category", values="value").reindex(columns=categories)
        n = rows.groupby("replicate")["n"].first()
        values = wide.to_numpy(dtype=float)
        if np.isnan(n.to_numpy()).all():
            out[target] = (np.nanmean(values, axis=0), np.nan)
        else:
            weights = n.reindex(wide.index).fillna(0.0).to_numpy()
            total = weights.sum()
            share = np.nansum(values * weights[:, None], axis=0) / total if total > 0 else np.zeros(len(categories))
            out[target] = (share, float(total))
    return out


def score(targets: Targets, simulated: dict[str, tuple[np.ndarray, float]], scale: int) -> dict[str, tuple[float, np.ndarray]]:
    """Deviance and z of every target (held out included) for one point's pooled simulated values."""
    out = {}
    for t in targets.all:
        if t.id not in simulated:
            out[t.id] = (np.inf, np.array([np.inf]))
            continue
        values, n = simulated[t.id]
        if isinstance(t, MarginalTarget):
            deviance, z = marginal_fit(t, values, n)
        else:
            deviance, z1 = count_fit(t, float(values[0]), scale)
            z = np.array([z1])
        out[t.id] = (deviance, z)
    return out


def loss(targets: Targets, scores: dict[str, tuple[float, np.ndarray]]) -> float:
    """The sum of the fitted targets' deviances (the objective and the ABC distance)."""
    return float(sum(scores[t.id][0] for t in targets.fitted))


@dataclasses.dataclass
class Batch:
    """A generation's runs: the long table of simulated values, and whether it was run now or read back."""

    frame: pd.DataFrame
    ran: int
    seconds: float


class Evaluator:
    """Runs batches of points for one calibration, through :func:`simulator.runner.run_many`."""

    def __init__(
        self,
        scenario,
        targets: Targets,
        folder: Path,
        cluster: Cluster | None,
        scale: int,
        days: int,
        progress: Callable[[RunSpec, RunOutcome], object] | None = None,
    ):
        self.scenario = scenario
        self.targets = targets
        self.folder = folder
        self.cluster = cluster or Cluster()
        self.scale = scale
        self.days = days
        self.progress = progress
        self.runs_now = 0

    def parameters(self, internal: np.ndarray) -> dict[str, dict[str, float]]:
        """A point on the internal scale as the nested ``parameters`` mapping of a run."""
        out: dict[str, dict[str, float]] = {}
        for p, value in zip(self.targets.parameters, internal, strict=True):
            natural = float(p.from_internal(value))
            out.setdefault(p.module, {})[p.name] = int(round(natural)) if p.integer else natural
        return out

    def batch(self, stage: str, generation: int, points: np.ndarray, seeds: list[list[int]]) -> Batch:
        """Simulated values of every (point, seed), read from disk when this generation is complete there."""
        path = self.folder / "generations" / f"{stage}-{generation:03d}.parquet"
        labels = [p.label for p in self.targets.parameters]
        if path.exists():
            frame = pd.read_parquet(path)
            stored = frame.drop_duplicates("point").sort_values("point")[[f"x:{x}" for x in labels]].to_numpy()
            if stored.shape != points.shape or not np.array_equal(stored, points):
                raise MigsimError(f"{path}: holds other points than this calibration asks for; choose another --out")
            return Batch(frame, 0, 0.0)
        started = time.perf_counter()
        specs, where = [], {}
        for k, (point, point_seeds) in enumerate(zip(points, seeds, strict=True)):
            for r, seed in enumerate(point_seeds):
                run_id = f"{stage}-{generation:03d}-p{k:04d}-r{r:03d}"
                where[run_id] = (k, r, seed)
                specs.append(
                    RunSpec(run_id=run_id, seed=int(seed), scale=self.scale, days=self.days, parameters=self.parameters(point))
                )
        rows = []

        def done(spec: RunSpec, outcome: RunOutcome) -> None:
            k, r, seed = where[spec.run_id]
            if outcome.ok:
                found = simulated_rows(outcome.tables, self.targets)
            else:
                found = [(FAILED, outcome.error, np.nan, np.nan)]
            rows.extend((k, r, seed, *row) for row in found)
            self.runs_now += 1
            if self.progress is not None:
                self.progress(spec, outcome)

        run_many(self.scenario, specs, done, self.cluster)
        frame = pd.DataFrame(rows, columns=["point", "replicate", "seed", "target", "category", "value", "n"])
        frame = frame.sort_values(["point", "replicate"], kind="stable").reset_index(drop=True)
        frame.insert(0, "generation", generation)
        frame.insert(0, "stage", stage)
        for j, label in enumerate(labels):
            frame[f"x:{label}"] = points[frame["point"].to_numpy(), j]
            frame[f"value:{label}"] = [
                self.parameters(points[k])[label.split(".")[0]][label.split(".", 1)[1]] for k in frame["point"]
            ]
        frame["seed"] = frame["seed"].astype(np.int64)
        write_parquet(path, frame)
        return Batch(frame, len(specs), time.perf_counter() - started)

    def point_scores(self, frame: pd.DataFrame) -> list[tuple[float, dict]]:
        """(loss, scores) of every point of a batch, in point order; a point with a failed run has infinite loss."""
        out = []
        for _, rows in frame.groupby("point", sort=True):
            if (rows["target"] == FAILED).any():
                out.append((np.inf, {}))
                continue
            scores = score(self.targets, pooled(rows), self.scale)
            out.append((loss(self.targets, scores), scores))
        return out

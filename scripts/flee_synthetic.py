"""The flee ruleset's speed: agent-steps per second on the Flee test fixture and on a synthetic Flee case.

    python scripts/flee_synthetic.py [--locations 200] [--agents 200000] [--days 300] [--repeat 3] [--keep DIR]

writes a synthetic case in Flee's own format (locations, routes, closures,
conflicts, sim_period, and a validation folder whose camp series add up to
``--agents`` people by the last day), imports it with ``migsim import-flee``,
runs it with ``--ruleset flee`` in this process, and prints agent-steps per
second (agents in the system summed over days, divided by the daily loop's
seconds; compilation is excluded by a warm-up run).  For scale: Flee itself ran
its Mali 2012 case (19.8 million agent-steps) at about 85,000 agent-steps per
second on a 2-core machine.  The layout is random but fixed by ``--seed``
(numpy's default_rng, used only to build the case).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

FLEE_AGENT_STEPS_PER_S = 85_000  # Flee 3 on Mali 2012: 19.8 M agent-steps in 234 s on 2 cores


def write_case(folder: Path, locations: int = 200, agents: int = 200_000, days: int = 300, seed: int = 1) -> tuple[Path, Path]:
    """Write a synthetic Flee case: input and validation folders under ``folder``."""
    rng = np.random.default_rng(seed)
    inp, val = folder / "input", folder / "validation"
    inp.mkdir(parents=True)
    val.mkdir()
    # A region of 20 hub towns (a few per province), local places around each hub (towns, conflict zones,
    # markers on the roads), and camps across the border, each reached from its nearest hubs: a network of
    # small diameter like Flee's validation cases.
    n_hubs = max(2, locations // 10)
    n_conflict = max(2, locations // 10)
    n_camps = max(2, locations // 10)
    n_markers = locations // 20
    n_local = locations - n_hubs - n_conflict - n_camps - n_markers
    kinds = ["conflict_zone"] * n_conflict + ["camp"] * n_camps + ["town"] * n_hubs + ["marker"] * n_markers + ["town"] * n_local
    hubs = np.arange(n_conflict + n_camps, n_conflict + n_camps + n_hubs)
    camps = np.arange(n_conflict, n_conflict + n_camps)
    xy = np.empty((locations, 2))
    xy[hubs] = rng.uniform(0, 2000, size=(n_hubs, 2))
    others = [i for i in range(locations) if i not in set(hubs) | set(camps)]
    home = rng.choice(hubs, size=len(others))
    xy[others] = xy[home] + rng.normal(0, 80, size=(len(others), 2))
    xy[camps] = rng.uniform(0, 2000, size=(n_camps, 2)) * [1, 0.2] + [0, 2100]
    names = [f"{k[:4]}_{i}" for i, k in enumerate(kinds)]
    capacity = {int(i): int(rng.integers(agents // n_camps // 2, agents // n_camps * 2)) for i in camps[::2]}
    start_day = {i: (0 if i < n_conflict // 2 else int(rng.integers(1, days // 2))) for i in range(n_conflict)}
    with (inp / "locations.csv").open("w") as f:
        f.write("#name,region,country,lat,lon,location_type,conflict_date,pop/cap\n")
        for i, (name, kind) in enumerate(zip(names, kinds, strict=True)):
            country = "Borduria" if kind == "camp" else "Ruritania"
            size = capacity.get(i, "") if kind == "camp" else (int(rng.integers(5_000, 500_000)) if kind != "marker" else 0)
            date = start_day.get(i, "")
            f.write(f"{name},r{i % 7},{country},{10 - xy[i, 1] / 250:.4f},{xy[i, 0] / 250:.4f},{kind},{date},{size}\n")
    distance = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    pairs = set()

    def road(a, b):
        pairs.add((min(int(a), int(b)), max(int(a), int(b))))

    for k, i in enumerate(others):  # each local place to its hub, some to a neighbour too
        road(i, home[k])
        if rng.random() < 0.3:
            near = [int(j) for j in np.argsort(distance[i]) if j != i and j in set(others)][:1]
            for j in near:
                road(i, j)
    for h in hubs:  # hubs to their two nearest hubs and one more
        for j in [int(j) for j in np.argsort(distance[h]) if j in set(hubs) and j != h][:2]:
            road(h, j)
        road(h, rng.choice(hubs[hubs != h]))
    for c in camps:  # camps to their three nearest hubs
        for j in [int(j) for j in np.argsort(distance[c]) if j in set(hubs)][:3]:
            road(c, j)
    with (inp / "routes.csv").open("w") as f:
        f.write("#name1,name2,distance\n")
        for a, b in sorted(pairs):
            f.write(f"{names[a]},{names[b]},{max(5.0, 1.2 * distance[a, b]):.1f}\n")
    some = sorted(pairs)[:: max(1, len(pairs) // 5)][:5]
    with (inp / "closures.csv").open("w") as f:
        f.write("#closure_type,name1,name2,closure_start,closure_end\n")
        for k, (a, b) in enumerate(some):
            f.write(f"link,{names[a]},{names[b]},{30 + 40 * k},{60 + 40 * k}\n")
    with (inp / "conflicts.csv").open("w") as f:
        f.write("#Day," + ",".join(names[:n_conflict]) + "\n")
        for day in range(days):
            f.write(f"{day}," + ",".join("1" if day >= start_day[i] else "0" for i in range(n_conflict)) + "\n")
    start = dt.date(2020, 1, 1)
    (inp / "sim_period.csv").write_text(f"StartDate,{start}\nLength,{days}\n")
    # Camp series: each camp's share of the total, rising to `agents` people by the last day, observed every 10 days.
    share = rng.dirichlet(np.ones(n_camps))
    with (val / "data_layout.csv").open("w") as f:
        f.write("total,refugees.csv\n")
        for k in range(n_camps):
            f.write(f"{names[n_conflict + k]},camp_{k}.csv\n")
    total = np.linspace(0.02, 1.0, days // 10 + 1) ** 0.8 * agents
    dates = [start + dt.timedelta(days=10 * k) for k in range(len(total))]
    (val / "refugees.csv").write_text("Date,Count\n" + "".join(f"{d},{int(v)}\n" for d, v in zip(dates, total, strict=True)))
    for k in range(n_camps):
        (val / f"camp_{k}.csv").write_text(
            "Date,Count\n" + "".join(f"{d},{int(v * share[k])}\n" for d, v in zip(dates, total, strict=True))
        )
    return inp, val


def measure(scenario: Path, repeat: int, seed: int = 1) -> dict:
    """Run the scenario with the flee ruleset ``repeat`` times after a warm-up; median loop seconds and agent-steps/s."""
    from simulator.model import MigrationModel

    MigrationModel(scenario=scenario, ruleset="flee", days=2, seed=seed).run()  # compile or load the kernels
    walls, model = [], None
    for k in range(repeat):
        model = MigrationModel(scenario=scenario, ruleset="flee", seed=seed + k)
        started = time.perf_counter()
        model.run()
        walls.append(time.perf_counter() - started)
    steps = int(model.recorder.status[: model.days].sum())  # agents in the system, summed over days
    wall = statistics.median(walls)
    return {
        "agents": int(model.population.size),
        "days": model.days,
        "agent_steps": steps,
        "loop_s": wall,
        "loop_s_range": (min(walls), max(walls)),
        "agent_steps_per_s": steps / wall,
        "phases": {k: round(v, 3) for k, v in model.timings.items()},
    }


def report(name: str, result: dict) -> str:
    """One paragraph of results."""
    rate = result["agent_steps_per_s"]
    low, high = result["loop_s_range"]
    return (
        f"{name}: {result['agents']:,} agents, {result['days']} days, {result['agent_steps']:,} agent-steps; "
        f"daily loop {result['loop_s']:.3f} s [{low:.3f}-{high:.3f}]: {rate / 1e6:.1f} M agent-steps/s, "
        f"{rate / FLEE_AGENT_STEPS_PER_S:,.0f}x Flee's 85,000/s; phases (last run) {result['phases']}"
    )


def main() -> None:
    """Build, import and time the fixture and the synthetic case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=200)
    parser.add_argument("--agents", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--keep", type=Path, help="write the synthetic Flee case and its scenario here (default: a temporary folder)"
    )
    args = parser.parse_args()
    import numba

    from simulator.flee.importer import import_flee

    fixture = REPO / "tests" / "data" / "flee"
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        small = import_flee(
            fixture / "input",
            base / "ruritania.yaml",
            validation=fixture / "validation",
            settings=fixture / "simsetting.yml",
            force=True,
        )
        print(f"numba threads: {numba.get_num_threads()}")
        print(report("Ruritania fixture", measure(small.path, args.repeat)))
        inp, val = write_case(base / "synthetic_flee", args.locations, args.agents, args.days, args.seed)
        started = time.perf_counter()
        synthetic = import_flee(inp, base / "synthetic.yaml", validation=val, force=True)
        print(f"synthetic case imported in {time.perf_counter() - started:.2f} s ({len(synthetic.notes)} warnings)")
        print(report(f"synthetic ({args.locations} locations)", measure(synthetic.path, args.repeat)))


if __name__ == "__main__":
    main()

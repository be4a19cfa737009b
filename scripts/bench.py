"""migsim's benchmark: speed, memory and how cost grows, against a plain Mesa baseline and the hardware.

    python scripts/bench.py [--quick] [--out bench/]

writes ``results.json`` and ``REPORT.md`` in ``--out``.  ``--quick`` uses tiny
sizes and one repetition (seconds, for the test suite); the full run takes
about ten minutes on two cores.  Figures are medians of repetitions with their
min-max spread; the machine is shared and noisy, so read ratios rather than
absolute times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO))


TARGETS = {
    "default_scale1_wall_s": 30.0,
    "agent_steps_per_s": 50e6,
    "bytes_per_agent_peak": 64,
    "mesa_ratio": 300.0,
}


def machine() -> dict:
    """CPU model, cores and versions."""
    import mesa
    import numba
    import scipy

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "scipy": scipy.__version__,
        "mesa": mesa.__version__,
        "numba_threads": numba.get_num_threads(),
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }


def spread(values: list[float]) -> dict:
    """Median, min and max of repetitions."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def run_loop(scenario, scale=1, days=None, seed=1) -> dict:
    """Build and run a model in this process; returns loop seconds, per-phase seconds and agent-steps."""
    from simulator.model import MigrationModel

    model = MigrationModel(scenario=scenario, scale=scale, days=days, seed=seed)
    started = time.perf_counter()
    model.run()
    wall = time.perf_counter() - started
    steps = int(model.recorder.status[: model.days, :].sum())  # agents in the system, summed over days
    return {"wall_s": wall, "phases_s": dict(model.timings), "agent_steps": steps, "agents": int(model.population.size)}


def loop_throughput(reps: int, scales: list[int], days: int | None) -> dict:
    """Agent-steps per second of the full daily loop and of each phase, on the default scenario."""
    from simulator.scenario import load_scenario

    scenario = load_scenario()
    out = {}
    for scale in scales:
        runs = [run_loop(scenario, scale=scale, days=days) for _ in range(reps)]
        steps = runs[0]["agent_steps"]
        phases = {p: spread([steps / max(r["phases_s"][p], 1e-9) for r in runs]) for p in runs[0]["phases_s"]}
        out[str(scale)] = {
            "agents": runs[0]["agents"],
            "agent_steps": steps,
            "loop_s": spread([r["wall_s"] for r in runs]),
            "agent_steps_per_s": spread([steps / r["wall_s"] for r in runs]),
            "phase_agent_steps_per_s": phases,
            "phase_share": {p: statistics.median([r["phases_s"][p] / r["wall_s"] for r in runs]) for p in runs[0]["phases_s"]},
        }
    return out


def child(args: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Run a child process; returns (wall seconds, peak RSS bytes, stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, **(env or {})}, cwd=REPO)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    out = proc.stdout.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    if status != 0:
        raise RuntimeError(f"{' '.join(args)} failed with status {status}")
    return wall, usage.ru_maxrss * 1024, out


def run_command(out: str, scale: int, days: int | None) -> list[str]:
    """The ``migsim run`` command line of the default scenario (no campaign effects, quiet)."""
    args = [sys.executable, "-m", "simulator.cli", "run", "--scale", str(scale), "--out", out, "--quiet", "--no-campaign-effects"]
    return args + (["--days", str(days)] if days else [])


def cli_run(reps: int, scale: int, days: int | None) -> dict:
    """Wall time and peak memory of ``migsim run`` (warm Numba cache), and bytes per agent."""
    from simulator.population import Population

    walls, rss = [], []
    agents = 0
    for _ in range(reps):
        with tempfile.TemporaryDirectory() as tmp:
            args = run_command(f"{tmp}/out", scale, days)
            wall, peak, _ = child(args)
            agents = json.loads(Path(f"{tmp}/out/run.json").read_text())["agents"]
        walls.append(wall)
        rss.append(peak)
    _, baseline, _ = child([sys.executable, "-c", "import simulator.model, simulator.api, pandas, pyarrow"])
    return {
        "scale": scale,
        "agents": agents,
        "wall_s": spread(walls),
        "peak_rss_bytes": spread(rss),
        "import_rss_bytes": baseline,
        "state_bytes_per_agent": Population.bytes_per_agent(),
        "peak_bytes_per_agent": (statistics.median(rss) - baseline) / max(agents, 1),
    }


def compile_and_startup(reps: int) -> dict:
    """Numba compile time cold and cached (a one-day run of the tiny test scenario), and start-up times."""
    tiny = str(REPO / "tests" / "data" / "tiny.yaml")
    results = {}
    with tempfile.TemporaryDirectory() as cache:
        cold, _, _ = child(
            [sys.executable, "-m", "simulator.cli", "run", tiny, "--days", "1", "--out", f"{cache}/a", "--quiet"],
            {"NUMBA_CACHE_DIR": cache},
        )
        warm = [
            child(
                [sys.executable, "-m", "simulator.cli", "run", tiny, "--days", "1", "--out", f"{cache}/w{k}", "--quiet"],
                {"NUMBA_CACHE_DIR": cache},
            )[0]
            for k in range(reps)
        ]
    results["first_run_cold_cache_s"] = cold
    results["first_run_warm_cache_s"] = spread(warm)
    results["compile_s"] = cold - statistics.median(warm)
    results["import_s"] = spread([child([sys.executable, "-c", "import simulator.model"])[0] for _ in range(reps)])
    results["cli_version_s"] = spread([child([sys.executable, "-m", "simulator.cli", "--version"])[0] for _ in range(reps)])
    return results


def scaling(agent_sizes: list[int], graph_sizes: list[int], graph_agents: int, day_counts: list[int], days: int) -> dict:
    """How cost grows with agents (default graph), graph size (fixed agents) and days."""
    from bench_scenarios import default_with_agents, random_graph

    by_agents = []
    for n in agent_sizes:
        r = run_loop(default_with_agents(n), days=days)
        by_agents.append({"agents": r["agents"], "loop_s": r["wall_s"], "agent_steps_per_s": r["agent_steps"] / r["wall_s"]})
    by_graph = []
    for nodes in graph_sizes:
        data = random_graph(nodes, graph_agents, days)
        from simulator.model import MigrationModel

        started = time.perf_counter()
        model = MigrationModel(scenario=data)
        build = time.perf_counter() - started
        started = time.perf_counter()
        model.run()
        wall = time.perf_counter() - started
        steps = int(model.recorder.status[: model.days].sum())
        by_graph.append(
            {
                "nodes": nodes,
                "links": len(data["graph"]["links"]),
                "build_s": build,
                "loop_s": wall,
                "agent_steps_per_s": steps / wall,
            }
        )
    by_days = []
    from simulator.scenario import load_scenario

    scenario = load_scenario()
    for d in day_counts:
        r = run_loop(scenario, scale=100, days=d)
        by_days.append({"days": d, "loop_s": r["wall_s"], "seconds_per_day": r["wall_s"] / d})
    return {"agents": by_agents, "graph": by_graph, "days": by_days}


def threads(scale: int, days: int | None, reps: int) -> dict:
    """Loop time with 1 and 2 Numba threads (subprocesses), and the parallel efficiency."""
    out = {}
    for count in (1, 2):
        loops = []
        for _ in range(reps):
            with tempfile.TemporaryDirectory() as tmp:
                args = run_command(f"{tmp}/o", scale, days)
                child(args, {"NUMBA_NUM_THREADS": str(count)})
                record = json.loads(Path(f"{tmp}/o/run.json").read_text())
                loops.append(sum(v for k, v in record["timings_seconds"].items() if k != "wall"))
        out[str(count)] = spread(loops)
    out["speedup"] = out["1"]["median"] / out["2"]["median"]
    out["parallel_efficiency"] = out["speedup"] / 2
    return out


def mesa_side_by_side(agents: int, days: int, reps: int) -> dict:
    """migsim's kernels against one mesa.Agent per person, same scenario and movement rule, in this process."""
    from bench_scenarios import default_with_agents
    from mesa_baseline import MesaMigration

    from simulator.model import MigrationModel

    data = default_with_agents(agents)
    data.update(crossings=[], events=[], population=[], parameters={"information": {"word_of_mouth_contacts_per_day": 0.0}})
    mesa_times, migsim_times, mesa_arrivals, migsim_arrivals = [], [], None, None
    steps = 0
    for rep in range(reps):
        reference = MigrationModel(scenario=data, seed=rep + 1, days=days)
        baseline = MesaMigration(reference, seed=rep + 1)
        started = time.perf_counter()
        for _ in range(days):
            baseline.step()
        mesa_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        reference.run()
        migsim_times.append(time.perf_counter() - started)
        steps = int(reference.recorder.status[:days].sum())
        mesa_arrivals = int(baseline.arrivals.sum())
        migsim_arrivals = int(reference.recorder.node["arrivals"][:days].sum())
    mesa_rate = steps / statistics.median(mesa_times)
    migsim_rate = steps / statistics.median(migsim_times)
    return {
        "agents": agents,
        "days": days,
        "mesa_s": spread(mesa_times),
        "migsim_s": spread(migsim_times),
        "mesa_agent_steps_per_s": mesa_rate,
        "migsim_agent_steps_per_s": migsim_rate,
        "ratio": migsim_rate / mesa_rate,
        "arrivals_mesa": mesa_arrivals,
        "arrivals_migsim": migsim_arrivals,
        "arrivals_relative_difference": abs(mesa_arrivals - migsim_arrivals) / max(migsim_arrivals, 1),
    }


def bandwidth(agents: int, reps: int) -> dict:
    """A NumPy pass (sum, then copy) over an array the size of the agent state: the hardware's pace."""
    from simulator.population import Population

    size = agents * Population.bytes_per_agent()
    data = np.ones(size // 8, dtype=np.float64)
    reads = []
    copies = []
    for _ in range(reps):
        started = time.perf_counter()
        data.sum()
        reads.append(size / (time.perf_counter() - started))
        started = time.perf_counter()
        data.copy()
        copies.append(2 * size / (time.perf_counter() - started))
    return {"state_bytes": size, "read_bytes_per_s": spread(reads), "copy_bytes_per_s": spread(copies)}


def report(results: dict) -> str:
    """REPORT.md from the results."""
    m = results["machine"]
    loop = results["loop"]
    cli = results["cli_scale1"]
    comp = results["compile"]
    sc = results["scaling"]
    th = results["threads"]
    me = results["mesa"]
    bw = results["bandwidth"]
    top = loop[min(loop, key=int)]
    rate = top["agent_steps_per_s"]["median"]
    bytes_touched = cli["state_bytes_per_agent"] * top["agent_steps"]
    lines = [
        "# migsim benchmark",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['numba_threads']} Numba threads; Python {m['python']}, NumPy {m['numpy']}, "
        f"Numba {m['numba']}, SciPy {m['scipy']}, Mesa {m['mesa']}; {m['date']}. Mode: {'quick' if results['quick'] else 'full'}. "
        "Medians of repetitions with min-max in brackets. The machine is shared and noisy: compare ratios, not absolute times.",
        "",
        "## Targets",
        "",
        "| target | goal | measured | met |",
        "|---|---|---|---|",
        f"| default scenario at scale 1, `migsim run` wall (warm cache) | < {TARGETS['default_scale1_wall_s']:.0f} s | {cli['wall_s']['median']:.1f} s | {'yes' if cli['wall_s']['median'] < TARGETS['default_scale1_wall_s'] else 'no'} |",
        f"| full daily loop, agent-steps/s (scale {min(loop, key=int)}) | >= 50 M | {rate / 1e6:.1f} M | {'yes' if rate >= TARGETS['agent_steps_per_s'] else 'no'} |",
        f"| bytes per agent at peak | <= 64 | {cli['peak_bytes_per_agent']:.0f} (state {cli['state_bytes_per_agent']}) | {'yes' if cli['peak_bytes_per_agent'] <= 64 else 'no'} |",
        f"| against plain Mesa | >= 300x | {me['ratio']:.0f}x | {'yes' if me['ratio'] >= 300 else 'no'} |",
        "",
        "## Full daily loop on the default scenario",
        "",
        "Agent-steps: agents in the system summed over days. Phases are the daily loop's, in order; crossings and queues are part of *move*.",
        "",
        "| scale | agents | loop s | agent-steps/s | " + " | ".join(top["phase_share"]) + " |",
        "|---|---|---|---|" + "---|" * len(top["phase_share"]),
    ]
    for scale, row in sorted(loop.items(), key=lambda kv: int(kv[0])):
        shares = " | ".join(
            f"{row['phase_agent_steps_per_s'][p]['median'] / 1e6:,.0f} M/s ({100 * row['phase_share'][p]:.0f}%)"
            for p in row["phase_share"]
        )
        lines.append(
            f"| {scale} | {row['agents']:,} | {row['loop_s']['median']:.2f} [{row['loop_s']['min']:.2f}-{row['loop_s']['max']:.2f}] | "
            f"{row['agent_steps_per_s']['median'] / 1e6:.1f} M | {shares} |"
        )
    lines += [
        "",
        "## `migsim run`, start-up and compilation",
        "",
        f"- `migsim run` at scale {cli['scale']} ({cli['agents']:,} agents): {cli['wall_s']['median']:.1f} s wall "
        f"[{cli['wall_s']['min']:.1f}-{cli['wall_s']['max']:.1f}], peak RSS {cli['peak_rss_bytes']['median'] / 2**20:,.0f} MiB; "
        f"an import-only process holds {cli['import_rss_bytes'] / 2**20:,.0f} MiB, so the run adds {cli['peak_bytes_per_agent']:.0f} bytes per agent "
        f"(agent state: {cli['state_bytes_per_agent']} bytes).",
        f"- Numba compilation (cold cache minus warm cache, one-day tiny run): {comp['compile_s']:.1f} s; first run with a cold cache "
        f"{comp['first_run_cold_cache_s']:.1f} s, with a warm cache {comp['first_run_warm_cache_s']['median']:.1f} s.",
        f"- Start-up: `import simulator.model` {comp['import_s']['median']:.2f} s; `migsim --version` {comp['cli_version_s']['median']:.2f} s.",
        "",
        "## How cost grows",
        "",
        "Agents, on the default graph (same days):",
        "",
        "| agents | loop s | agent-steps/s |",
        "|---|---|---|",
        *[f"| {r['agents']:,} | {r['loop_s']:.2f} | {r['agent_steps_per_s'] / 1e6:.1f} M |" for r in sc["agents"]],
        "",
        "Graph size, at fixed agents (synthetic grid graphs, `scripts/bench_scenarios.py`):",
        "",
        "| nodes | links | build s | loop s | agent-steps/s |",
        "|---|---|---|---|---|",
        *[
            f"| {r['nodes']:,} | {r['links']:,} | {r['build_s']:.2f} | {r['loop_s']:.2f} | {r['agent_steps_per_s'] / 1e6:.1f} M |"
            for r in sc["graph"]
        ],
        "",
        "Days (default scenario, scale 100):",
        "",
        "| days | loop s | s per day |",
        "|---|---|---|",
        *[f"| {r['days']} | {r['loop_s']:.2f} | {r['seconds_per_day']:.3f} |" for r in sc["days"]],
        "",
        f"Threads: loop {th['1']['median']:.2f} s with 1 thread, {th['2']['median']:.2f} s with 2: speed-up {th['speedup']:.2f}, "
        f"parallel efficiency {100 * th['parallel_efficiency']:.0f}%.",
        "",
        "## Against a plain Mesa implementation",
        "",
        f"`scripts/mesa_baseline.py`: one `mesa.Agent` per person, the same movement rule (information and border effects off), "
        f"{me['agents']:,} people on the default graph for {me['days']} days, in one process. Mesa: {me['mesa_agent_steps_per_s'] / 1e6:.2f} M "
        f"agent-steps/s ({me['mesa_s']['median']:.2f} s); migsim: {me['migsim_agent_steps_per_s'] / 1e6:.1f} M ({me['migsim_s']['median']:.2f} s): "
        f"**{me['ratio']:.0f}x**. Arrivals over the run: Mesa {me['arrivals_mesa']:,}, migsim {me['arrivals_migsim']:,} "
        f"(relative difference {100 * me['arrivals_relative_difference']:.1f}%: same rule, different random numbers).",
        "",
        "## The hardware's pace",
        "",
        f"A NumPy sum over {bw['state_bytes'] / 2**20:,.0f} MiB (the agent state of the default scenario at scale 1, or of a small one in quick mode) reads {bw['read_bytes_per_s']['median'] / 1e9:.1f} GB/s; "
        f"a copy moves {bw['copy_bytes_per_s']['median'] / 1e9:.1f} GB/s. One pass over the whole state per day at scale "
        f"{min(loop, key=int)} would take {bytes_touched / bw['read_bytes_per_s']['median']:.2f} s over the run; the loop takes "
        f"{top['loop_s']['median']:.1f} s, {top['loop_s']['median'] / max(bytes_touched / bw['read_bytes_per_s']['median'], 1e-9):.0f} times that: "
        "the loop is bound by per-agent work (random numbers, scattered per-node tallies), not by memory bandwidth.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition")
    parser.add_argument("--out", type=Path, default=REPO / "bench")
    args = parser.parse_args(argv)
    quick = args.quick
    reps = 1 if quick else 3
    days = 3 if quick else None
    results = {"quick": quick}
    # Child processes first: Linux counts a forked child's peak memory from the parent's size at the
    # fork, so they must be measured while this process is still small.
    results["cli_scale1"] = cli_run(1 if quick else 2, 1000 if quick else 1, days)
    results["compile"] = compile_and_startup(1 if quick else 3)
    results["threads"] = threads(1000 if quick else 10, days, 1 if quick else 2)
    results["machine"] = machine()
    results["loop"] = loop_throughput(reps, [1000, 10000] if quick else [1, 10, 100], days)
    results["scaling"] = scaling(
        [20_000, 40_000] if quick else [1_000_000, 2_000_000, 4_000_000, 8_000_000, 16_000_000],
        [60, 300] if quick else [60, 300, 1000, 3000, 10000],
        20_000 if quick else 1_000_000,
        [2, 4] if quick else [30, 90, 180],
        2 if quick else 10,
    )
    results["mesa"] = mesa_side_by_side(2_000 if quick else 200_000, 3 if quick else 10, 1 if quick else 2)
    results["bandwidth"] = bandwidth(100_000 if quick else 6_655_498, 3 if quick else 5)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "REPORT.md").write_text(report(results))
    print(f"wrote {args.out / 'results.json'} and {args.out / 'REPORT.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

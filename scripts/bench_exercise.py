"""Exercise responsiveness: page load, "advance one round" to the new state on the page, session file size.

    python scripts/bench_exercise.py [--scale 10] [--rounds 10]

Starts ``migsim exercise`` on the default scenario in a temporary folder,
drives Debian's Chromium with Playwright, and prints (and with ``--out`` writes
as JSON): the page load time, the time from the click on "Advance one round"
to the page showing the new day (median and range over the rounds), and the
size of the exported session file after the rounds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.exercise_server import CHROMIUM, CHROMIUM_ARGS, start_server  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from simulator.exercise.session import ExerciseSession

    scenario = ROOT / "scenarios" / "venezuela_2024.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        started = time.perf_counter()
        server = start_server(tmp, scenario=scenario, extra=["--scale", str(args.scale)])
        server_start = time.perf_counter() - started
        rounds = []
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1500, "height": 1100})
                t0 = time.perf_counter()
                page.goto(server.link("facilitator"))
                page.get_by_text("Day 0 ·").wait_for(timeout=300_000)
                load = time.perf_counter() - t0
                for r in range(1, args.rounds + 1):
                    t0 = time.perf_counter()
                    page.get_by_role("button", name="Advance one round").click()
                    page.get_by_text(f"Day {7 * r} ·").wait_for(timeout=600_000)
                    rounds.append(time.perf_counter() - t0)
                browser.close()
        finally:
            server.kill()
        session = ExerciseSession.open("drill", tmp)
        file = session.export(tmp / "drill.migsim-session")
        size = file.stat().st_size
        agents = int(session.model.population.size)
        session.close()
    result = {
        "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count()},
        "scale": args.scale,
        "agents_at_end": agents,
        "server_start_s": server_start,
        "page_load_s": load,
        "advance_round_s": {"median": statistics.median(rounds), "min": min(rounds), "max": max(rounds), "all": rounds},
        "session_file_bytes": size,
        "rounds": args.rounds,
    }
    print(f"default scenario, scale {args.scale} ({agents:,} agents at the end), {os.cpu_count()} cores")
    print(f"  server start {server_start:.1f} s; page load {load:.1f} s")
    print(
        f"  advance one round -> new state on the page: median {statistics.median(rounds):.2f} s (range {min(rounds):.2f}-{max(rounds):.2f})"
    )
    print(f"  session file after {args.rounds} rounds: {size:,} bytes")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

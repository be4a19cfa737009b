"""The exercise server as a process: killed with -9 and restarted, exported and imported, and its token gate."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from simulator.exercise.session import ExerciseSession
from tests.conftest import run_cli
from tests.exercise_server import CHROMIUM, CHROMIUM_ARGS, TINY_EXERCISE, start_server

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is part of the test extras")


def fingerprint(page) -> str:
    page.get_by_role("button", name="State fingerprint").click()
    return page.locator(".migsim-fingerprint").inner_text()


def test_kill_9_mid_exercise_and_restart_gives_the_same_state(tmp_path):
    server = start_server(tmp_path)
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            page.goto(server.link("facilitator"))
            page.locator(".migsim-clock").wait_for(timeout=90_000)
            for day in (7, 14):
                page.get_by_role("button", name="Advance one round").click()
                page.get_by_text(f"Day {day} ·").wait_for(timeout=60_000)
            page.get_by_label("event type", exact=True).click(force=True)
            page.get_by_role("option", name="close_link", exact=True).click()
            page.get_by_label("link *", exact=True).click(force=True)
            page.get_by_role("option", name="L2", exact=True).click()
            page.get_by_role("button", name="Inject").click()
            page.locator(".migsim-log").get_by_text("injected").wait_for(timeout=30_000)
            page.get_by_role("button", name="Advance N days").click()
            page.get_by_text("Day 15 ·").wait_for(timeout=60_000)
            before = fingerprint(page)
            server.kill()
            server = start_server(tmp_path)
            page.goto(server.link("facilitator"))
            page.get_by_text("Day 15 · 2024-01-16 · round 4").wait_for(timeout=90_000)
            assert fingerprint(page) == before
            browser.close()
    finally:
        server.kill()
    # Through the engine, not the page: the log replayed from scratch (no checkpoints) gives the same state.
    reopened = ExerciseSession.open("drill", tmp_path)
    assert f"state {reopened.state_digest()[:16]} at day 15" == before
    reopened.close()


def test_a_session_killed_while_advancing_resumes_exactly(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    script = f"""
from pathlib import Path
from simulator.exercise.session import ExerciseSession
s = ExerciseSession.create("busy", {str(TINY_EXERCISE)!r}, sessions_dir=Path({str(tmp_path)!r}))
token = s.tokens["facilitator"]
for _ in range(8):
    s.advance(token)
    print("advanced", flush=True)
"""
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().strip() == "advanced"
    time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    resumed = ExerciseSession.open("busy", tmp_path)
    advances = [a for a in resumed.store.actions() if a.kind == "advance"]
    assert resumed.day == advances[-1].payload["until_day"]
    digest = resumed.state_digest()
    resumed.close()
    fresh = ExerciseSession.create("fresh", TINY_EXERCISE, sessions_dir=tmp_path)
    for action in advances:
        fresh.advance(fresh.tokens["facilitator"], action.payload["days"])
    assert fresh.state_digest() == digest


def test_export_then_import_from_the_command_line(tmp_path):
    session = ExerciseSession.create("drill", TINY_EXERCISE, sessions_dir=tmp_path / "laptop-a")
    facilitator = session.tokens["facilitator"]
    session.advance(facilitator)
    session.inject(facilitator, {"type": "close_link", "link": "L2"})
    session.advance(facilitator)
    digest = session.state_digest()
    session.close()
    file = tmp_path / "drill.migsim-session"
    done = run_cli("exercise-session", "export", "drill", "-o", str(file), "--sessions-dir", str(tmp_path / "laptop-a"))
    assert done.returncode == 0, done.stderr
    done = run_cli("exercise-session", "import", str(file), "--sessions-dir", str(tmp_path / "laptop-b"))
    assert done.returncode == 0 and "day 14, round 3" in done.stdout, done.stdout + done.stderr
    listed = run_cli("exercise-session", "list", "--sessions-dir", str(tmp_path / "laptop-b"))
    assert "drill" in listed.stdout and "tiny_exercise" in listed.stdout
    imported = ExerciseSession.open("drill", tmp_path / "laptop-b")
    assert imported.state_digest() == digest
    assert file.stat().st_size < 200_000
    report = run_cli("exercise-report", "drill", "--sessions-dir", str(tmp_path / "laptop-b"), "-o", str(tmp_path / "aar.html"))
    assert report.returncode == 0 and "timeline of decisions" in (tmp_path / "aar.html").read_text()
    bad = run_cli("exercise-session", "import", str(TINY_EXERCISE), "--sessions-dir", str(tmp_path / "laptop-c"))
    assert bad.returncode == 2 and "not a migsim exercise session file" in bad.stderr


def test_off_loopback_every_request_needs_the_token(tmp_path):
    server = start_server(tmp_path, host="0.0.0.0")
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(server.url, timeout=30)
        assert refused.value.code == 403
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(server.url + "?token=guess", timeout=30)
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(server.url + "static/assets/favicon.png", timeout=30)
        ok = urllib.request.urlopen(server.link("team:colombia"), timeout=60)
        assert ok.status == 200 and any("migsim_token=" in c for c in ok.headers.get_all("set-cookie"))
    finally:
        server.kill()
    # A scenario name that does not exist gives the one-line error, not a traceback.
    bad = run_cli("exercise", "no/such/scenario.yaml", "--sessions-dir", str(tmp_path), "--port", "1")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1

"""The exercise in a real browser: Playwright driving Debian's Chromium, headless."""

from __future__ import annotations

import re
import time

import pytest

from simulator.exercise.session import ExerciseSession
from tests.exercise_server import CHROMIUM, CHROMIUM_ARGS, start_server

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is part of the test extras")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def server(tmp_path):
    srv = start_server(tmp_path)
    yield srv
    srv.kill()


def open_page(browser, url):
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    outside = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None
        ),
    )
    page.goto(url)
    page.locator(".migsim-clock, .migsim-refused").first.wait_for(timeout=90_000)
    return page, outside


def choose(page, label, option):
    page.get_by_label(label, exact=True).click(force=True)
    page.get_by_role("option", name=option, exact=True).click()


def crossing_row(page, name, timeout_s=30.0):
    """The crossing's (regular, irregular, waiting) row, once the table has been drawn (it follows the day heading)."""
    deadline = time.monotonic() + timeout_s
    while True:
        text = page.inner_text("body")
        match = re.search(rf"{re.escape(name)}\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)", text)
        if match or time.monotonic() > deadline:
            return tuple(int(v.replace(",", "")) for v in match.groups()) if match else None
        page.wait_for_timeout(200)


def test_facilitator_advances_a_round_offline(browser, server):
    page, outside = open_page(browser, server.link("facilitator"))
    page.get_by_text("Day 0 ·").wait_for()
    page.get_by_role("button", name="Advance one round").click()
    page.get_by_text("Day 7 · 2024-01-08 · round 2").wait_for(timeout=60_000)
    arrivals = page.locator(".migsim-value-arrivals").inner_text()
    assert int(arrivals.replace(",", "")) > 0
    page.get_by_role("button", name="Advance one round").click()
    page.get_by_text("Day 14 ·").wait_for(timeout=60_000)
    assert int(page.locator(".migsim-value-arrivals").inner_text().replace(",", "")) > int(arrivals.replace(",", ""))
    assert outside == [], f"requests left the machine: {outside[:5]}"


def test_an_injected_closure_appears_in_the_log_and_changes_the_crossing(browser, server):
    page, _ = open_page(browser, server.link("facilitator"))
    page.get_by_role("button", name="Advance one round").click()
    page.get_by_text("Day 7 ·").wait_for(timeout=60_000)
    before = crossing_row(page, "Origin - Crossing")
    assert before is not None and before[0] > 0
    choose(page, "event type", "close_crossing")
    choose(page, "link *", "L1")
    page.get_by_role("button", name="Inject").click()
    page.locator(".migsim-log").get_by_text("injected: crossing L1 closes").wait_for(timeout=30_000)
    page.get_by_role("button", name="Advance one round").click()
    page.get_by_text("Day 14 ·").wait_for(timeout=60_000)
    after = crossing_row(page, "Origin - Crossing")
    assert after[0] == 0


def test_a_team_move_accepted_takes_effect_next_round(browser, server):
    team, _ = open_page(browser, server.link("team:colombia"))
    team.get_by_text("Your levers").wait_for()
    assert team.get_by_role("button", name="Advance one round").count() == 0
    choose(team, "event type", "close_crossing")
    choose(team, "link *", "L1")
    team.get_by_role("button", name="Submit move").click()
    team.get_by_text("pending").first.wait_for(timeout=30_000)
    facilitator, _ = open_page(browser, server.link("facilitator"))
    facilitator.get_by_text("colombia: crossing L1 closes").wait_for(timeout=30_000)
    facilitator.get_by_role("button", name=re.compile(r"Accept #\d+")).click()
    facilitator.locator(".migsim-log").get_by_text("accepted the move of colombia").wait_for(timeout=30_000)
    facilitator.get_by_role("button", name="Advance one round").click()
    facilitator.get_by_text("Day 7 ·").wait_for(timeout=60_000)
    assert crossing_row(facilitator, "Origin - Crossing")[0] == 0
    team.get_by_text("accepted").first.wait_for(timeout=30_000)


def test_a_lever_the_team_does_not_hold_is_refused(browser, server, tmp_path):
    team, _ = open_page(browser, server.link("team:agency"))
    team.get_by_text("Your levers").wait_for()
    choose(team, "event type", "set_shelter_capacity")
    choose(team, "node *", "D")
    team.get_by_label("capacity_persons", exact=True).fill("10")
    team.get_by_role("button", name="Submit move").click()
    team.get_by_text("team 'agency' does not hold a lever for set_shelter_capacity here").wait_for(timeout=30_000)
    assert team.get_by_role("button", name="Advance one round").count() == 0
    session = ExerciseSession.open("drill", tmp_path)
    assert session.store.actions() == []
    session.close()


def test_a_bad_value_shows_next_to_its_field_and_changes_nothing(browser, server, tmp_path):
    page, _ = open_page(browser, server.link("facilitator"))
    choose(page, "event type", "add_shelter_capacity")
    choose(page, "node *", "H")
    page.get_by_label("persons *", exact=True).fill("-40")
    page.get_by_role("button", name="Inject").click()
    error = page.locator(".migsim-error-persons")
    error.wait_for(timeout=30_000)
    assert "greater than 0" in error.inner_text()
    page.get_by_label("persons *", exact=True).fill("lots")
    page.get_by_role("button", name="Inject").click()
    page.get_by_text("expected a whole number, got 'lots'").wait_for(timeout=30_000)
    session = ExerciseSession.open("drill", tmp_path)
    assert session.store.actions() == [] and session.day == 0
    session.close()

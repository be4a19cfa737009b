"""The exercise's own logic, without a browser: rounds, roles, levers, log, undo, branches, replay, export."""

from __future__ import annotations

import shutil

import pytest
import yaml

from simulator.errors import ScenarioError
from simulator.exercise.forms import FormError, event_form, form_to_event
from simulator.exercise.report import exercise_report_html
from simulator.exercise.session import ActionRefused, ExerciseSession, import_session, list_sessions
from simulator.scenario import load_scenario
from tests.conftest import REPO

TINY_EXERCISE = REPO / "tests" / "data" / "tiny_exercise.yaml"


@pytest.fixture
def session(tmp_path):
    s = ExerciseSession.create("drill", TINY_EXERCISE, sessions_dir=tmp_path)
    yield s
    s.close()


def tokens(s):
    return s.tokens["facilitator"], s.tokens["team:colombia"], s.tokens["team:agency"]


def arrivals(s) -> float:
    return s.totals().get("arrivals", [0.0])[-1]


def test_a_round_advances_the_day_and_is_logged(session):
    facilitator, _, _ = tokens(session)
    assert (session.day, session.round) == (0, 1)
    session.advance(facilitator)
    assert (session.day, session.round) == (7, 2)
    action = session.effective_actions()[-1]
    assert (action.kind, action.actor, action.round, action.day) == ("advance", "facilitator", 1, 0)
    session.advance(facilitator, 3)
    assert session.day == 10


def test_roles_are_checked_on_the_server(session):
    facilitator, colombia, _ = tokens(session)
    for token in (colombia, None, "forged"):
        with pytest.raises(ActionRefused):
            session.advance(token)
        with pytest.raises(ActionRefused):
            session.inject(token, {"type": "close_link", "link": "L2"})
    with pytest.raises(ActionRefused, match="only a team"):
        session.submit(facilitator, {"type": "close_crossing", "link": "L1", "channel": "regular"})
    assert session.store.actions() == []


def test_a_team_cannot_use_a_lever_it_does_not_hold(session):
    _, colombia, agency = tokens(session)
    with pytest.raises(ActionRefused, match="does not hold a lever") as refused:
        session.submit(colombia, {"type": "close_link", "link": "L2"})
    assert refused.value.field == "type"
    with pytest.raises(ActionRefused, match="does not hold a lever"):
        session.submit(agency, {"type": "set_shelter_capacity", "node": "D", "capacity_persons": 10})
    session.submit(agency, {"type": "set_shelter_capacity", "node": "Hub", "capacity_persons": 10})
    assert [s.team for s in session.submissions()] == ["agency"]


def test_a_bad_value_names_its_field_and_changes_nothing(session):
    facilitator, _, _ = tokens(session)
    before = session.state_digest()
    with pytest.raises(ActionRefused) as refused:
        session.inject(facilitator, {"type": "close_link", "link": "L9"})
    assert refused.value.field == "link" and "'L9' is not a link" in str(refused.value)
    with pytest.raises(ActionRefused) as refused:
        session.inject(facilitator, {"type": "set_shelter_capacity", "node": "H", "capacity_persons": -5})
    assert refused.value.field == "capacity_persons"
    assert session.store.actions() == [] and session.state_digest() == before


def test_an_injected_closure_is_logged_and_changes_the_numbers(session, tmp_path):
    facilitator, _, _ = tokens(session)
    other = ExerciseSession.create("other", TINY_EXERCISE, sessions_dir=tmp_path)
    session.inject(facilitator, {"type": "close_link", "link": "L2"})
    session.advance(facilitator, 9)
    other.advance(other.tokens["facilitator"], 9)
    assert any(a.kind == "inject" and "L2" in a.payload["description"] for a in session.effective_actions())
    assert any(e["type"] == "close_link" for e in session.model.event_log)
    assert arrivals(session) < arrivals(other)


def test_a_move_accepted_takes_effect_from_the_next_round(session, tmp_path):
    facilitator, colombia, _ = tokens(session)
    session.advance(facilitator)
    sub = session.submit(colombia, {"type": "close_crossing", "link": "L1", "channel": "regular"})
    assert session.submissions()[0].status == "pending"
    session.decide(facilitator, sub.seq, accept=True)
    assert session.submissions()[0].status == "accepted"
    session.advance(facilitator)
    crossings = session.model.tables()["crossings"]
    second_round = crossings[crossings["day"] >= 7]
    assert second_round["regular"].sum() == 0 and crossings[crossings["day"] < 7]["regular"].sum() > 0
    with pytest.raises(ActionRefused, match="no pending submission"):
        session.decide(facilitator, sub.seq, accept=False)


def test_undo_returns_to_the_end_of_the_round_before(session):
    facilitator, colombia, _ = tokens(session)
    session.advance(facilitator)
    after_round_one = session.state_digest()
    sub = session.submit(colombia, {"type": "close_crossing", "link": "L1", "channel": "regular"})
    session.decide(facilitator, sub.seq, True)
    session.advance(facilitator)
    session.undo(facilitator)
    assert session.day == 7 and session.round == 2
    assert session.state_digest() == after_round_one
    assert session.submissions()[0].status == "pending"
    assert [a.kind for a in session.store.actions()][-1] == "undo"


def test_branches_diverge_and_switching_back_restores_the_state(session):
    facilitator, _, _ = tokens(session)
    session.advance(facilitator)
    at_fork = session.state_digest()
    session.create_branch(facilitator, "no closure")
    session.advance(facilitator)
    on_branch = session.state_digest()
    session.switch_branch(facilitator, "main")
    assert session.state_digest() == at_fork and session.day == 7
    session.inject(facilitator, {"type": "close_link", "link": "L2"})
    session.advance(facilitator)
    assert session.state_digest() != on_branch
    session.switch_branch(facilitator, "no closure")
    assert session.state_digest() == on_branch
    totals = {b: session.branch_totals(b)["arrivals"][-1] for b in ("main", "no closure")}
    assert totals["main"] < totals["no closure"]
    with pytest.raises(ActionRefused, match="exists"):
        session.create_branch(facilitator, "main")


def test_scripted_injects_fire_on_their_day_and_are_announced(session):
    facilitator, _, _ = tokens(session)
    session.advance(facilitator, 10)
    assert session.announcements() == []
    session.advance(facilitator, 1)
    notes = session.announcements()
    assert [n["title"] for n in notes] == ["A landslide closes the road to the destination"]
    assert any(e["type"] == "close_link" and e["day"] == 10 for e in session.model.event_log)


def test_a_reopened_session_is_the_same_with_or_without_checkpoints(session, tmp_path):
    facilitator, colombia, _ = tokens(session)
    session.advance(facilitator)
    sub = session.submit(colombia, {"type": "close_crossing", "link": "L1", "channel": "regular"})
    session.decide(facilitator, sub.seq, True)
    session.advance(facilitator, 5)
    session.inject(facilitator, {"type": "close_link", "link": "L2"})
    digest = session.state_digest()
    session.close()
    reopened = ExerciseSession.open("drill", tmp_path)
    assert reopened.state_digest() == digest
    reopened.close()
    shutil.rmtree(tmp_path / "drill" / "checkpoints")
    replayed = ExerciseSession.open("drill", tmp_path)
    assert replayed.state_digest() == digest
    assert replayed.round == 3


def test_export_and_import_give_the_same_state(session, tmp_path):
    facilitator, _, _ = tokens(session)
    for _ in range(3):
        session.advance(facilitator)
    session.inject(facilitator, {"type": "close_link", "link": "L2"})
    digest = session.state_digest()
    file = session.export(tmp_path / "drill.migsim-session")
    other = tmp_path / "other-laptop"
    imported = import_session(file, sessions_dir=other)
    assert imported.state_digest() == digest and imported.name == "drill"
    assert [r["name"] for r in list_sessions(other)] == ["drill"]
    with pytest.raises(Exception, match="exists"):
        import_session(file, sessions_dir=other)


def test_after_action_report_has_timeline_charts_and_baseline(session):
    facilitator, colombia, _ = tokens(session)
    session.advance(facilitator)
    sub = session.submit(colombia, {"type": "close_crossing", "link": "L1", "channel": "regular"})
    session.decide(facilitator, sub.seq, True)
    session.advance(facilitator, 14)
    html = exercise_report_html(session)
    assert "timeline of decisions and injects" in html and "accepted the move of colombia" in html
    assert "A landslide closes the road" in html and "no decisions" in html
    assert html.count("data:image/png;base64,") >= 1
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html


def test_forms_follow_the_event_registry():
    fields = {f.name: f for f in event_form("close_crossing")}
    assert fields["link"].kind == "link" and fields["link"].required
    assert {f.name: f.kind for f in event_form("set_shelter_capacity")}["node"] == "node"
    assert form_to_event("close_link", {"link": "L2", "note": ""}) == {"type": "close_link", "link": "L2"}
    with pytest.raises(FormError) as bad:
        form_to_event("set_shelter_capacity", {"node": "H", "capacity_persons": "many"})
    assert bad.value.field == "capacity_persons"


def test_exercise_section_errors_name_file_line_and_field(tmp_path):
    data = yaml.safe_load(TINY_EXERCISE.read_text())
    data["exercise"]["teams"][0]["levers"][0]["events"] = ["close_crosing"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.line and "exercise.teams[0].levers[0].events[0]" == caught.value.field
    assert "did you mean 'close_crossing'" in str(caught.value)
    data = yaml.safe_load(TINY_EXERCISE.read_text())
    data["exercise"]["injects"][0]["day"] = 500
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(ScenarioError, match="outside the run"):
        load_scenario(path)

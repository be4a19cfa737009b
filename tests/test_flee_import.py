"""migsim import-flee on the Ruritania fixture: what each Flee file becomes, what is warned about, what is an error."""

from __future__ import annotations

import shutil

import pytest

from simulator.cli import main
from simulator.scenario import load_scenario
from tests.conftest import run_cli
from tests.flee_helpers import FLEE_DATA, FLEE_INPUT, FLEE_SETTINGS, FLEE_VALIDATION, import_fixture


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("import")
    result = import_fixture(tmp)
    return result, load_scenario(result.path)


@pytest.fixture
def case(tmp_path):
    """A copy of the fixture to break: (input folder, validation folder, settings file)."""
    shutil.copytree(FLEE_DATA, tmp_path / "flee")
    root = tmp_path / "flee"
    return root / "input", root / "validation", root / "simsetting.yml"


def edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


def run_import(capsys, input_dir, out, *extra) -> tuple[int, str]:
    code = main(["import-flee", str(input_dir), "-o", str(out), *extra])
    return code, capsys.readouterr().err


# -- what the fixture becomes ---------------------------------------------------------


def test_locations_become_nodes_and_flee_rows(imported):
    _, sc = imported
    kinds = {n.id: n.kind for n in sc.nodes}
    assert kinds == {
        "Avalon": "origin city",
        "Bree": "origin city",  # a conflict zone from day 3 (conflicts.csv)
        "Tarn": "transit hub",
        "Mark": "transit hub",
        "Camp North": "destination city",
        "Camp South": "destination city",
    }
    rows = sc.flee.locations
    assert rows["Avalon"].location_type == "conflict_zone" and rows["Avalon"].conflict_intensity == 1.0
    assert rows["Bree"].location_type == "town" and rows["Bree"].population == 20000
    assert rows["Mark"].location_type == "marker"
    assert rows["Camp North"].capacity_persons == 1200 and rows["Camp South"].capacity_persons == 0
    assert sc.flee.home_country == "Ruritania" and sc.flee.spawning == "sum_from_camps"
    assert {n.id: n.iso3 for n in sc.nodes}["Camp North"] == "BOR"


def test_routes_conflicts_and_closures_become_links_and_events(imported):
    _, sc = imported
    assert [(lk.id, lk.from_, lk.to, lk.distance_km) for lk in sc.links][3] == ("L4", "Tarn", "Camp North", 300.0)
    events = [(e.day_in(sc.start_date), e.event_type, getattr(e, "node", None) or getattr(e, "link", None)) for e in sc.events]
    assert events == [
        (0, "conflict", "Avalon"),
        (3, "conflict", "Bree"),
        (5, "close_link", "L4"),
        (8, "open_link", "L4"),
        (15, "conflict", "Avalon"),
    ]
    assert sc.events[-1].intensity == 0.0
    assert sc.events[2].note.endswith("closures.csv:2: link closure closes")


def test_validation_series_are_attached_with_registration_corrections(imported):
    result, sc = imported
    points = sc.observed.points
    assert points["total"] == [(0, 500.0), (20, 3500.0)]
    assert points["Camp North"] == [(0, 200.0), (5, 700.0), (15, 1100.0)]
    # Camp South's 2020-01-11 count (1000, level 2) scales the earlier ones by 1000 / 1300 (the last level-1 count),
    # as Flee 3.1 does; the commented row and the row with an empty count are skipped.
    assert [d for d, _ in points["Camp South"]] == [0, 7, 10, 20]
    assert [v for _, v in points["Camp South"]] == pytest.approx([300 * 1000 / 1300, 1000.0, 1000.0, 2400.0])
    assert (result.path.parent / "ruritania" / "observed" / "series.csv").is_file()
    assert sc.stocks == {"Camp North": 200, "Camp South": 230}


def test_settings_map_to_parameters_and_the_scale(imported):
    _, sc = imported
    flee = sc.parameters["flee"]
    assert flee.conflict_weight == 0.25 and flee.max_move_speed_km_per_day == 360 and flee.awareness_level == 1
    assert sc.scale == 1 and sc.days == 20 and str(sc.start_date) == "2020-01-01"


def test_spawn_counts_become_departures_for_the_engine_ruleset(imported):
    _, sc = imported
    origins = {d.origin for d in sc.departures}
    assert origins == {"Avalon", "Bree"}
    # Weekly means of Flee's daily spawn (Avalon alone until Bree joins on day 3, Bree alone from day 15).
    total = sum(rate * min(7, sc.days - day) for d in sc.departures for day, rate in d.steps)
    assert total == pytest.approx(3360 - 430, abs=1)


def test_warnings_name_file_and_line(imported):
    result, _ = imported
    notes = [str(n) for n in result.notes]
    assert any(n.startswith(f"{FLEE_INPUT / 'locations.csv'}:2: country 'Ruritania'") for n in notes), notes


def test_without_settings_flee_default_settings_are_used(tmp_path):
    result = import_flee_plain(tmp_path)
    assert "default settings" in result.settings_source
    assert load_scenario(result.path).parameters["flee"].conflict_weight == 0.25


def import_flee_plain(tmp_path):
    from simulator.flee.importer import import_flee

    return import_flee(FLEE_INPUT, tmp_path / "plain.yaml", validation=FLEE_VALIDATION)


def test_unmapped_keys_columns_and_quirks_are_warned_about(case, tmp_path):
    input_dir, validation, settings = case
    edit(settings, "optimisations:\n  hasten: 1", "optimisations:\n  hasten: 10\nmystery_key: 3")
    edit(settings, "  softening: 10.0", "  softening: 10.0\n  stay_close_to_home: True")
    edit(input_dir / "locations.csv", "pop/cap\n", "pop/cap,initial_idps,flavour\n")
    edit(
        input_dir / "locations.csv",
        "Tarn,Centre,Ruritania,11.0,6.0,town,,30000",
        "Tarn,Centre,Ruritania,11.0,6.0,town,,30000,25,salty",
    )
    edit(input_dir / "routes.csv", "Avalon,Bree,50", "Avalon,Bree,50,1")
    from simulator.flee.importer import import_flee

    result = import_flee(input_dir, tmp_path / "out.yaml", validation=validation, settings=settings)
    notes = [str(n) for n in result.notes]
    assert any(n.startswith(f"{settings}:") and "unknown key 'mystery_key'" in n for n in notes), notes
    assert any("stay_close_to_home" in n and f"{settings}:" in n for n in notes), notes
    assert any("locations.csv:4: Tarn: attribute 'flavour'" in n for n in notes), notes
    assert any("routes.csv:4: forced_redirection 1" in n for n in notes), notes
    sc = load_scenario(result.path)
    assert sc.scale == 10
    assert sc.stocks["Tarn"] == 25  # initial_idps
    assert [lk.id for lk in sc.links if {lk.from_, lk.to} == {"Avalon", "Bree"}] == ["L3", "L3b"]


def test_country_location_and_camp_closures(case, tmp_path):
    input_dir, validation, settings = case
    (input_dir / "closures.csv").write_text(
        "#type,name1,name2,start,end\n"
        "country,Ruritania,Borduria,2,-1\n"
        "location,Bree,,4,6\n"
        "camp,Camp South,,1,3\n"
        "link,Avalon,Tarn,30,40\n"
    )
    from simulator.flee.importer import import_flee

    result = import_flee(input_dir, tmp_path / "out.yaml", validation=validation, settings=settings)
    sc = load_scenario(result.path)
    closures = [
        (e.day_in(sc.start_date), e.event_type, getattr(e, "link", None) or getattr(e, "location_type", None))
        for e in sc.events
        if e.event_type != "conflict"
    ]
    assert closures == [
        (1, "set_location_type", "town"),
        (2, "close_link", "L4"),  # Tarn - Camp North crosses from Ruritania to Borduria; permanent (end -1)
        (2, "close_link", "L6"),  # Mark - Camp South
        (3, "set_location_type", "camp"),
        (4, "close_link", "L2"),  # every link of Bree
        (4, "close_link", "L3"),
        (6, "open_link", "L2"),
        (6, "open_link", "L3"),
    ]
    assert any("closures.csv:5: closure_start 30 is outside the 20-day run" in str(n) for n in result.notes)


def test_a_positive_to_positive_conflict_change_is_ignored_as_in_flee(case, tmp_path):
    input_dir, validation, settings = case
    edit(input_dir / "conflicts.csv", "5,1,1", "5,2,1")
    from simulator.flee.importer import import_flee

    sc = load_scenario(import_flee(input_dir, tmp_path / "out.yaml", validation=validation, settings=settings).path)
    assert [e.day_in(sc.start_date) for e in sc.events if e.event_type == "conflict"] == [0, 3, 15]


# -- malformed input: one line naming file and line, exit status 2, nothing written ---------------------


MALFORMED = [
    (
        "missing column",
        "locations.csv",
        "Tarn,Centre,Ruritania,11.0,6.0,town,,30000",
        "Tarn,Centre,Ruritania,11.0,6.0,town,",
        "locations.csv:4: population: missing column 8 (population)",
    ),
    (
        "unknown location in routes",
        "routes.csv",
        "Bree,Tarn,250",
        "Bree,Tarnn,250",
        "routes.csv:3: name2: 'Tarnn' is not a location of locations.csv; did you mean 'Tarn'?",
    ),
    (
        "non-numeric distance",
        "routes.csv",
        "Tarn,Camp North,300",
        "Tarn,Camp North,three hundred",
        "routes.csv:5: distance: 'three hundred' is not a number",
    ),
    (
        "bad start date",
        "sim_period.csv",
        "StartDate,2020-01-01",
        "StartDate,2020-13-01",
        "sim_period.csv:1: StartDate: '2020-13-01' is not a date (YYYY-MM-DD)",
    ),
    (
        "bad series date",
        "camp_north.csv",
        "2020-01-06,700",
        "2020-01-36,700",
        "camp_north.csv:3: date: '2020-01-36' is not a date (YYYY-MM-DD)",
    ),
    (
        "missing series file",
        "data_layout.csv",
        "Camp North,camp_north.csv",
        "Camp North,camp_nort.csv",
        "data_layout.csv:2: file: 'camp_nort.csv' not found in",
    ),
    (
        "non-numeric count",
        "camp_north.csv",
        "2020-01-06,700",
        "2020-01-06,seven hundred",
        "camp_north.csv:3: count: 'seven hundred' is not a number",
    ),
    ("short conflicts.csv", "conflicts.csv", "19,0,1\n", "", "conflicts.csv:20: has 19 day rows but the run has 20 days"),
    (
        "unknown conflict column",
        "conflicts.csv",
        "#Day,Avalon,Bree",
        "#Day,Avalon,Brie",
        "conflicts.csv:1: header: 'Brie' is not a location",
    ),
    (
        "unknown closure type",
        "closures.csv",
        "link,Tarn",
        "lnk,Tarn",
        "closures.csv:2: closure_type: unknown closure type 'lnk'; did you mean 'link'?",
    ),
    (
        "correction without observation",
        "registration_corrections.csv",
        "2020-01-11",
        "2020-01-12",
        "registration_corrections.csv:2: date: Camp South has no observation dated 2020-01-12",
    ),
    ("non-integer closure day", "closures.csv", ",5,8", ",five,8", "closures.csv:2: closure_start: 'five' is not a whole number"),
    (
        "duplicate location",
        "locations.csv",
        "Mark,Centre",
        "Tarn,Centre",
        "locations.csv:5: name: location 'Tarn' is defined twice (first at line 4)",
    ),
]


@pytest.mark.parametrize(("what", "file", "old", "new", "message"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_input_is_one_located_line_and_exit_2(case, tmp_path, capsys, what, file, old, new, message):
    input_dir, validation, settings = case
    path = (validation if file in ("camp_north.csv", "data_layout.csv") else input_dir) / file
    edit(path, old, new)
    out = tmp_path / "out" / "case.yaml"
    code, err = run_import(capsys, input_dir, out, "--validation", str(validation), "--settings", str(settings))
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("migsim: error: "), err
    assert message in lines[0], lines[0]
    assert not out.exists() and not (out.parent / "case").exists()
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")] if out.parent.exists() else True


def test_a_camp_without_a_series_is_an_error(case, tmp_path, capsys):
    input_dir, validation, settings = case
    edit(validation / "data_layout.csv", "Camp South,camp_south.csv\n", "")
    edit(input_dir / "registration_corrections.csv", "Camp South,2020-01-11\n", "")
    code, err = run_import(capsys, input_dir, tmp_path / "x.yaml", "--validation", str(validation), "--settings", str(settings))
    assert code == 2 and "data_layout.csv: name: camp 'Camp South' has no row" in err


def test_sum_from_camps_without_validation_is_an_error_but_conflict_driven_is_fine(case, tmp_path, capsys):
    input_dir, _, settings = case
    code, err = run_import(capsys, input_dir, tmp_path / "x.yaml", "--settings", str(settings))
    assert code == 2 and "needs the observed camp series: pass --validation DIR" in err
    edit(
        settings,
        "spawn_rules:\n",
        "spawn_rules:\n  conflict_driven_spawning:\n    spawn_mode: poisson\n    displaced_per_conflict_day: 40\n",
    )
    code, err = run_import(capsys, input_dir, tmp_path / "x.yaml", "--settings", str(settings))
    assert code == 0, err
    sc = load_scenario(tmp_path / "x.yaml")
    assert (sc.flee.spawning, sc.flee.conflict_spawn_mode, sc.flee.displaced_per_conflict_day) == (
        "conflict_driven",
        "poisson",
        40.0,
    )
    assert sc.observed is None and sc.stocks == {}


def test_a_bad_setting_names_the_settings_file_and_line(case, tmp_path, capsys):
    input_dir, validation, settings = case
    edit(settings, "awareness_level: 1", "awareness_level: 9")
    code, err = run_import(capsys, input_dir, tmp_path / "x.yaml", "--validation", str(validation), "--settings", str(settings))
    assert code == 2 and f"{settings}:20: move_rules.awareness_level: 9 is outside the allowed range [0, 4]" in err, err


def test_an_existing_scenario_is_not_overwritten_without_force(tmp_path):
    out = tmp_path / "case.yaml"
    args = (
        "import-flee",
        str(FLEE_INPUT),
        "--validation",
        str(FLEE_VALIDATION),
        "--settings",
        str(FLEE_SETTINGS),
        "-o",
        str(out),
    )
    assert run_cli(*args).returncode == 0
    first = out.read_text()
    again = run_cli(*args)
    assert again.returncode == 2 and "exists; choose another -o or pass --force" in again.stderr
    assert run_cli(*args, "--force", "--days", "10").returncode == 0
    assert out.read_text() != first and "days: 10" in out.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case", "case.yaml"]


def test_the_conflicts_file_is_the_one_the_settings_name(case, tmp_path, capsys):
    input_dir, validation, settings = case
    edit(settings, "conflict_input_file: input_csv/conflicts.csv", "conflict_input_file: input_csv/conflict.csv")
    code, err = run_import(capsys, input_dir, tmp_path / "x.yaml", "--validation", str(validation), "--settings", str(settings))
    assert code == 2 and f"{settings}:25: conflict_input_file: 'input_csv/conflict.csv' is neither in" in err, err


def test_a_conflicts_file_the_settings_do_not_name_is_read_with_a_warning(tmp_path):
    notes = [str(n) for n in import_flee_plain(tmp_path).notes]
    assert any(n.startswith(f"{FLEE_INPUT / 'conflicts.csv'}: read, although the settings do not name it") for n in notes), notes

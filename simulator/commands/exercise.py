"""``migsim exercise``: a tabletop exercise in the browser, on this laptop, offline."""

from __future__ import annotations

from pathlib import Path

from simulator.commands.options import positive_int, seed

NAME = "exercise"
HELP = "run a tabletop exercise in the browser (rounds, teams, injects); resumes a session by name"


def add_arguments(parser) -> None:
    """Arguments of ``migsim exercise``."""
    parser.add_argument("scenario", nargs="?", help="scenario YAML with an exercise: section (default: the embedded scenario)")
    parser.add_argument("--session", help="session name; an existing session of that name resumes (default: the scenario's name)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1; any other requires join-link tokens)"
    )
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument("--scale", type=positive_int, help="persons per agent for a new session (default: the scenario's)")
    parser.add_argument("--seed", type=seed, help="seed for a new session (default: the scenario's)")
    parser.add_argument("--sessions-dir", type=Path, help="folder of sessions (default: ./exercises)")


def run(args) -> int:
    """Open or create the session, print the join links, serve until interrupted."""
    from simulator.ensemble import as_scenario
    from simulator.exercise.server import offline_environment, serve
    from simulator.exercise.session import ExerciseSession, default_sessions_dir

    offline_environment()
    sessions = args.sessions_dir or default_sessions_dir()
    name = args.session
    scenario = None
    if name is None or not (sessions / name / "session.sqlite").exists():
        scenario = as_scenario(args.scenario)
        name = name or scenario.name
    session = ExerciseSession.open_or_create(name, scenario, sessions_dir=sessions, seed=args.seed, scale=args.scale)

    def ready(base: str) -> None:
        print(
            f"exercise '{session.name}' on {session.scenario.name}: day {session.day}, round {session.round}, branch {session.branch}"
        )
        print(f"facilitator: {base}?token={session.tokens['facilitator']}")
        for role, url in session.join_links(base).items():
            if role != "facilitator":
                print(f"  {role}: {url}")
        print(
            f"session folder: {session.folder} (Ctrl-C to stop; start again with --session {session.name} to resume)", flush=True
        )

    serve(session, args.host, args.port, on_ready=ready)
    return 0

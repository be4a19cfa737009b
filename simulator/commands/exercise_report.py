"""``migsim exercise-report``: the after-action report of an exercise session."""

from __future__ import annotations

from pathlib import Path

NAME = "exercise-report"
HELP = "write the after-action report of an exercise session (HTML, printable)"


def add_arguments(parser) -> None:
    """Arguments of ``migsim exercise-report``."""
    parser.add_argument("session", help="session name")
    parser.add_argument("-o", "--out", type=Path, help="HTML file (default: SESSION_FOLDER/after-action.html)")
    parser.add_argument("--sessions-dir", type=Path, help="folder of sessions (default: ./exercises)")


def run(args) -> int:
    """Write the report."""
    from simulator.atomic import write_atomically
    from simulator.exercise.report import exercise_report_html
    from simulator.exercise.session import ExerciseSession

    session = ExerciseSession.open(args.session, args.sessions_dir)
    html = exercise_report_html(session)
    out = args.out or session.folder / "after-action.html"
    write_atomically(out, lambda h: h.write(html.encode()))
    print(f"after-action report written to {out}")
    return 0

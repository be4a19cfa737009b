"""``migsim exercise-session``: list, export and import exercise sessions."""

from __future__ import annotations

from pathlib import Path

NAME = "exercise-session"
HELP = "list exercise sessions, export one to a file, or import one on another laptop"


def add_arguments(parser) -> None:
    """Arguments of ``migsim exercise-session``."""
    parser.add_argument("action", choices=["list", "export", "import"])
    parser.add_argument("target", nargs="?", help="session name (export) or session file (import)")
    parser.add_argument("-o", "--out", type=Path, help="file to export to (default: NAME.migsim-session)")
    parser.add_argument("--name", help="name to import under (default: the session's own)")
    parser.add_argument("--sessions-dir", type=Path, help="folder of sessions (default: ./exercises)")


def run(args) -> int:
    """Carry out the action."""
    from simulator.errors import MigsimError
    from simulator.exercise.session import ExerciseSession, import_session, list_sessions

    if args.action == "list":
        rows = list_sessions(args.sessions_dir)
        if not rows:
            print("no sessions")
        for r in rows:
            print(
                f"{r['name']:<24} {r['scenario']:<22} branch {r['branch']:<12} {r['actions']:>4} actions  last {r['last_action'] or '-'}"
            )
        return 0
    if not args.target:
        raise MigsimError(f"exercise-session {args.action}: name the session (export) or the file (import)")
    if args.action == "export":
        session = ExerciseSession.open(args.target, args.sessions_dir)
        out = args.out or Path(f"{session.name}.migsim-session")
        session.export(out)
        print(f"session '{session.name}' exported to {out} ({out.stat().st_size:,} bytes)")
        return 0
    session = import_session(args.target, args.name, args.sessions_dir)
    print(f"session '{session.name}' imported into {session.folder}: day {session.day}, round {session.round}")
    return 0

"""Subcommands of the ``migsim`` CLI, one module each.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; :data:`COMMANDS` lists them in the order ``--help`` shows.
"""

from simulator.commands import (
    calibrate,
    check,
    compare,
    exercise,
    exercise_report,
    exercise_session,
    import_flee,
    report,
    run,
    sweep,
    sweep_report,
    validate,
)

COMMANDS = [
    run,
    report,
    compare,
    sweep,
    sweep_report,
    calibrate,
    check,
    import_flee,
    validate,
    exercise,
    exercise_session,
    exercise_report,
]

"""Subcommands of the ``migsim`` CLI, one module each.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; :data:`COMMANDS` lists them in the order ``--help`` shows.
"""

from simulator.commands import calibrate, check, compare, run, sweep, sweep_report

COMMANDS = [run, compare, sweep, sweep_report, check, calibrate]

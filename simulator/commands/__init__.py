"""Subcommands of the ``migsim`` CLI, one module each.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; :data:`COMMANDS` lists them in the order ``--help`` shows.
"""

from simulator.commands import check, report, run

COMMANDS = [run, report, check]

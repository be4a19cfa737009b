"""Subcommands of the ``migsim`` CLI, one module each.

Each module defines ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; :data:`COMMANDS` lists them in the order ``--help`` shows.
"""

from simulator.commands import check, import_flee, run, validate

COMMANDS = [run, check, import_flee, validate]

"""The ``migsim`` command line.

User errors print one line and exit with status 2; nothing is written.
"""

from __future__ import annotations

import argparse
import sys

EXIT_USER_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``migsim`` command, one subparser per command module."""
    from simulator.commands import COMMANDS
    from simulator.version import __version__

    parser = argparse.ArgumentParser(prog="migsim", description="Agent-based migration crisis simulator.")
    parser.add_argument("--version", action="version", version=f"migsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_arguments(sub.add_parser(command.NAME, help=command.HELP, description=command.HELP))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``migsim`` console script."""
    from simulator.commands import COMMANDS
    from simulator.errors import MigsimError

    args = build_parser().parse_args(argv)
    command = next(c for c in COMMANDS if c.NAME == args.command)
    try:
        return command.run(args)
    except MigsimError as exc:
        print(f"migsim: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("migsim: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

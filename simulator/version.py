"""migsim's version, read from the installed distribution."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("migsim")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

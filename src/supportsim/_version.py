"""The installed version, declared once in pyproject.toml and read from the package metadata."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("supportsim")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

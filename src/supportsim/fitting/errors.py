"""The one error of fitting: bad input, said in one line (the command prints it and exits 2)."""

from __future__ import annotations


class FitError(ValueError):
    """An export that cannot be read as asked: the message names the file, the column or row, and what is wrong."""

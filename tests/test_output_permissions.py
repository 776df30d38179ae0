"""Result files are meant to be shared (sent on, served, read by colleagues): they get the ordinary mode of a new
file under the user's umask, not the private 0600 of a temporary file."""

from __future__ import annotations

import os
import stat

import pytest

from supportsim.targets import write_atomic


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_follow_the_umask(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "out" / "report.html", "<!DOCTYPE html>")
    finally:
        os.umask(old)
    target = tmp_path / "out" / "report.html"
    assert stat.S_IMODE(target.stat().st_mode) == expected
    assert target.read_text() == "<!DOCTYPE html>"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"], "no temporary file left behind"

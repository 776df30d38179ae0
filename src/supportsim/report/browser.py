"""Rendering a report in a real browser (headless Chromium) to a PNG: for tests and the README screenshot."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_browser() -> str | None:
    """The path of a Chromium-family browser, or None. ``SUPPORTSIM_BROWSER`` names one explicitly."""
    explicit = os.environ.get("SUPPORTSIM_BROWSER")
    if explicit:
        return shutil.which(explicit) or (explicit if Path(explicit).is_file() else None)
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def screenshot(page: str | Path, png: str | Path, width: int = 1280, height: int = 2000, browser: str | None = None,
               timeout: float = 90.0) -> Path:
    """Render the HTML file ``page`` at ``width`` x ``height`` CSS pixels into ``png``, offline, in a fresh
    profile that is removed afterwards. Raises RuntimeError when no browser is found or it fails."""
    browser = browser or find_browser()
    if browser is None:
        raise RuntimeError("no Chromium browser found (install the Debian package 'chromium')")
    png = Path(png).resolve()
    png.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="supportsim-chromium-") as profile:
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--hide-scrollbars", "--force-device-scale-factor=1", f"--user-data-dir={profile}",
                   f"--screenshot={png}", f"--window-size={width},{height}", Path(page).resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=profile)
    if not png.exists():
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise RuntimeError(f"{browser} exited with {done.returncode} and wrote no screenshot: {' | '.join(tail)}")
    return png

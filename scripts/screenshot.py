"""Regenerate docs/report-screenshot.png: the top of a real report, rendered by headless Chromium.

    PYTHONPATH=src python scripts/screenshot.py [SCENARIO] [--out docs/report-screenshot.png]

By default it runs the bundled VIP comparison (scenarios/vip-no-extra-staff.yaml) when it is there; otherwise
small-desk with its policy compared as variants (fifo, priority, preemptive), so the picture always answers
"which VIP policy, and what does it cost the others?". The PNG is cut at a blank line near the chosen
height and stored with a small palette, to keep it light for the README.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from supportsim import load_scenario, simulate  # noqa: E402
from supportsim.report import write_report  # noqa: E402
from supportsim.report.browser import screenshot  # noqa: E402

PREFERRED = ["vip-no-extra-staff.yaml", "small-desk.yaml"]


def scenario_data(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not data.get("variants"):
        data["variants"] = {"fifo": {"policy": "fifo"}, "priority": {"policy": "priority"},
                            "preemptive": {"policy": "preemptive"}}
        data["baseline"] = "fifo"
        data["description"] = (data.get("description", "").rstrip(".") +
                               ". Compared: first come first served, VIP priority, VIP preemption.").lstrip(". ")
    return data


def crop(png: Path, out: Path, height: int, colours: int) -> tuple[int, int]:
    """Cut at the last all-white row at or above ``height`` (never through a line of text) and save with a
    palette of ``colours``."""
    from PIL import Image

    image = Image.open(png).convert("RGB")
    pixels = np.asarray(image)
    ink = np.flatnonzero(~(pixels[:height] > 250).all(axis=(1, 2)))
    gaps = [(above, below) for above, below in zip(ink[:-1], ink[1:]) if below - above > 24]
    cut = int(gaps[-1][0]) + 14 if gaps else height  # end in the white gap before the last section cut off
    image = image.crop((0, 0, image.width, cut))
    image = image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)
    return image.size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", help="scenario file (default: the bundled VIP comparison)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "report-screenshot.png"))
    parser.add_argument("--height", type=int, default=1400, help="CSS pixels of the report's top to keep")
    parser.add_argument("--colours", type=int, default=256, help="palette size of the stored PNG")
    parser.add_argument("--replications", type=int, help="override the scenario's replications")
    parser.add_argument("--keep", metavar="DIR", help="also keep the results folder and full report here")
    args = parser.parse_args()
    source = Path(args.scenario) if args.scenario else next(
        ROOT / "scenarios" / name for name in PREFERRED if (ROOT / "scenarios" / name).exists())
    scenario = load_scenario(scenario_data(source))
    with tempfile.TemporaryDirectory(prefix="supportsim-shot-") as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp) / "results"
        simulate(scenario, replications=args.replications, jobs=2).save(folder)
        page = write_report(folder, generated="(screenshot)")
        raw = screenshot(page, Path(tmp) / "full.png", width=1280, height=args.height + 200)
        size = crop(raw, Path(args.out), args.height, args.colours)
    kib = Path(args.out).stat().st_size / 1024
    print(f"{args.out}: {size[0]}x{size[1]} pixels, {kib:.0f} KiB, from {source.name} ({scenario.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The HTML report: generated for every bundled scenario, self-contained, complete, and rendered by a real browser.

Runs are shortened (two replications, a few hundred hours) because these tests are about the report, not the
figures. Time profiles come from the runs themselves (profiles.json); sweep and checks, written by commands
built elsewhere, are fed synthetic files in their documented format (tests/report_fixtures.py).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
import yaml

from report_fixtures import seal, write_checks, write_sweep
from supportsim import simulate
from supportsim.cli import main, print_machine
from supportsim.report import build_report, optional, read_results, write_report
from supportsim.report.browser import find_browser, screenshot
from supportsim.report.plots import variant_styles
from supportsim.units import parse_duration

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
SHORT_HORIZON = 400.0  # hours: enough tickets for every segment and variant, quick to simulate


def shortened(source: Path, target: Path) -> Path:
    data = yaml.safe_load(source.read_text())
    horizon = parse_duration(data["horizon"])
    if horizon > SHORT_HORIZON:
        data["horizon"] = f"{SHORT_HORIZON:g}h"
        data["warmup"] = f"{min(parse_duration(data.get('warmup', '0h')), SHORT_HORIZON / 8):g}h"
    target.write_text(yaml.safe_dump(data, sort_keys=False))
    return target


def run_into(tmp: Path, scenario_file: Path, *extra: str) -> Path:
    out = tmp / "out"
    assert main(["run", str(scenario_file), "--out", str(out), "--replications", "2", "--quiet", *extra]) == 0
    return out


@pytest.fixture(scope="module", params=SCENARIOS, ids=[p.stem for p in SCENARIOS])
def bundled(request, tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp(request.param.stem)
    return run_into(tmp, shortened(request.param, tmp / request.param.name))


VARIANTS_YAML = """
name: report-variants
horizon: 300h
warmup: 20h
replications: 2
segments: {vip: {share: 0.2, vip: true}, standard: {share: 0.8}}
arrivals: {rate: 9/h}
groups:
  L1: {staff: 10, work: {dist: exponential, mean: 1h}, escalate: {L2: 0.25}}
  L2: {staff: 3, work: {dist: lognormal, mean: 1h, cv: 1.2}}
entry: L1
variants:
  fifo: {policy: fifo}
  priority: {policy: priority}
  preemptive: {policy: preemptive}
baseline: fifo
sla:
  vip: {reaction: 30m, resolution: 8h}
  standard: {reaction: 4h, resolution: 3d}
"""


@pytest.fixture(scope="module")
def with_everything(tmp_path_factory) -> Path:
    """A run with variants plus synthetic sweep and checks files."""
    out = tmp_path_factory.mktemp("everything")
    simulate(yaml.safe_load(VARIANTS_YAML)).save(out)
    write_sweep(out, ["fifo", "priority"])
    write_checks(out)
    write_report(out)
    return out


# ---- contents ----------------------------------------------------------------------------------------------

EXTERNAL = [re.compile(p, re.I) for p in (r"https?://", r"""(?:src|href)\s*=\s*["']?\s*//""", r"@import",
                                          r"<script", r"<link\b", r"url\(\s*['\"]?(?!data:|#)")]


def assert_self_contained(page: str) -> None:
    for pattern in EXTERNAL:
        found = pattern.search(page)
        assert found is None, f"external reference {found.group(0)!r} near: {page[max(0, found.start() - 80):found.end() + 80]}"


def test_run_writes_a_report_of_every_bundled_scenario(bundled):
    page = (bundled / "report.html").read_text(encoding="utf-8")
    summary = json.loads((bundled / "summary.json").read_text())
    results = read_results(bundled)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    for variant in summary["variants"]:
        assert escape_free(variant) in page
    for segment in results.segments:
        assert f"{segment} (VIP)" in page or segment in page
        assert re.search(rf"<th>{re.escape(segment)}(?: \(VIP\))?<br>", page), f"segment {segment} has no SLA column"
    for tier in results.tiers:  # the headline times: VIP segments pooled, and all others
        assert f'<th colspan="4" class="group">{results.tier_label(tier)}</th>' in page
    for section in ("headline", "distributions", "sla"):
        assert f'id="{section}"' in page
    assert page.count("<svg") >= 2
    assert_self_contained(page)


def escape_free(name: str) -> str:
    assert re.fullmatch(r"[A-Za-z0-9_-]+", name), "variant names are plain (no HTML escaping needed)"
    return name


def test_report_shows_every_variant_and_segment_and_optional_sections(with_everything):
    page = (with_everything / "report.html").read_text(encoding="utf-8")
    assert_self_contained(page)
    for variant in ("fifo", "priority", "preemptive"):
        assert page.count(variant) >= 5, f"{variant} appears in the tables and sentences"
    for section in ("warnings", "glance", "scenario", "headline", "distributions", "sla", "backlog", "sweep",
                    "checks"):
        assert f'id="{section}"' in page, f"section {section} missing"
    assert 'id="profiles"' not in page, "no shifts, no arrival profile: every hour of the week is alike"
    # warnings stand before everything else, and name the failed and the inconclusive check
    assert page.index('id="warnings"') < page.index('id="glance"') < page.index('id="headline"')
    warnings = page[page.index('id="warnings"'):page.index('id="glance"')]
    assert "standard.resolution.mean &lt;= 2h" in warnings and "inconclusive" in warnings
    assert "vip.reaction.p90" not in warnings, "a passing check is not a warning"
    # every variant keeps its colour in every plot it appears in
    styles = variant_styles(["fifo", "priority", "preemptive"])
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) == 5  # trade-off, CDFs, SLA bars, backlog, sweep
    for svg in svgs:
        for variant in ("fifo", "priority"):
            assert styles[variant].colour.lower() in svg.lower(), f"{variant}'s colour missing in a plot"


def test_sections_are_left_out_cleanly_without_their_files(with_everything, tmp_path):
    folder = tmp_path / "bare"
    folder.mkdir()
    shutil.copy(with_everything / "summary.json", folder)
    seal(folder)
    page = build_report(folder)
    for section in ("distributions", "profiles", "backlog", "sweep", "checks", "scenario"):
        assert f'id="{section}"' not in page
    assert 'id="headline"' in page and "tickets.csv not found" in page
    assert_self_contained(page)


def test_unstable_load_is_warned_at_the_top(tmp_path):
    scenario = tmp_path / "overloaded.yaml"
    scenario.write_text(VARIANTS_YAML.replace("staff: 3,", "staff: 2,").replace("horizon: 300h", "horizon: 100h"))
    page = (run_into(tmp_path, scenario) / "report.html").read_text()
    warnings = page[page.index('id="warnings"'):page.index('id="glance"')]
    assert "Unstable load" in warnings and "<b>L2</b>" in warnings
    assert re.search(r"ρ = 1\.1\d", warnings), "the offered load 9/h x 25% x 1h / 2 = 1.125 is shown"


def test_styles_stay_apart_in_grayscale():
    styles = list(variant_styles([f"v{i}" for i in range(10)]).values())
    assert len({s.colour for s in styles}) == 10
    # line style and marker differ between any two variants, so colour is never the only cue
    assert len({str(s.linestyle) for s in styles}) == 10 and len({s.marker for s in styles}) == 10
    assert len({s.hatch for s in styles}) == 10


def test_inline_svg_keeps_everything_but_path_precision_and_urls():
    import matplotlib.pyplot as plt

    from supportsim.report.plots import _RC, figure, to_svg

    fig = figure(4, 3)
    ax = fig.subplots()
    ax.plot([0, 1.23456789, 2], [0.001234, 5, 3.3333333], marker="o")
    ax.set_title("reaction time (minutes)")
    raw = io.StringIO()
    with plt.rc_context(_RC):  # the same settings (and id salt) to_svg uses
        fig.savefig(raw, format="svg")
    raw = raw.getvalue()
    svg = to_svg(fig)
    assert "http" not in svg and "<metadata" not in svg and svg.startswith("<svg")
    strip = lambda text: re.sub(r' d="[^"]*"', "", text[text.index("<defs"):])  # noqa: E731
    assert strip(svg) == strip(raw), "glyph transforms, styles and text survive untouched"
    assert re.search(r'd="M [\d. ]+', svg) and not re.search(r'd="[^"]*\d\.\d{3}', svg)


def test_office_hours_report_shows_the_week_and_the_backlog(bundled):
    """Issue 4's done-criterion, in the report: the Monday peak and the overnight backlog are drawn from the
    profiles the run wrote (utilization and queue length per group by hour of week, backlog over time)."""
    if not bundled.parent.name.startswith("office-hours-desk"):
        pytest.skip("about office-hours-desk only")
    page = (bundled / "report.html").read_text(encoding="utf-8")
    assert 'id="profiles"' in page and 'id="backlog"' in page
    profiles = json.loads((bundled / "profiles.json").read_text())["variants"]
    results = read_results(bundled)
    for variant, written in profiles.items():
        week = results.week[variant]
        for group, figures in written["groups"].items():
            for metric in ("utilization", "queue_length"):
                read = week.groups[group][metric]
                assert read.shape == (168,)
                np.testing.assert_allclose(read, [np.nan if v is None else v for v in figures[metric]])
            assert np.isnan(week.groups[group]["utilization"][24 * 5 + 12]), "nobody on duty on Saturday noon"
        np.testing.assert_allclose(week.backlog, written["backlog"])
        over_time = written["backlog_over_time"]
        series = results.backlog[variant]
        assert len(series.x) <= optional.MAX_BACKLOG_POINTS and series.x.max() < SHORT_HORIZON
        assert np.nanmean(series.value) == pytest.approx(np.nanmean(over_time["values"]), rel=0.05)


def test_backlog_bins_are_merged_into_time_averages(monkeypatch):
    monkeypatch.setattr(optional, "MAX_BACKLOG_POINTS", 2)
    series = optional._over_time({"from": 0.0, "bin_hours": 1.0, "values": [1.0, 3.0, 5.0, 7.0, 9.0]})
    np.testing.assert_allclose(series.value, [3.0, 8.0])  # 3 bins each, the last one short
    np.testing.assert_allclose(series.x, [1.5, 4.5])


# ---- the command line ----------------------------------------------------------------------------------------

def test_report_command_rebuilds_without_simulating(with_everything, tmp_path, capsys):
    target = tmp_path / "again.html"
    assert main(["report", str(with_everything), "--out", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {target}"
    assert 'id="headline"' in target.read_text()


@pytest.mark.parametrize("make, fragment", [
    (lambda d: None, "no such folder"),
    (lambda d: d.mkdir(), "no summary.json here"),
    (lambda d: (d.mkdir(), (d / "summary.json").write_text('{"variants": {'), seal(d)), "invalid JSON"),
    (lambda d: (d.mkdir(), (d / "summary.json").write_text('[1]'), seal(d)), "expected a JSON object"),
    (lambda d: (d.mkdir(), (d / "summary.json").write_text('{"variants": {}}')), "no manifest.json"),
])
def test_report_command_refuses_a_folder_it_cannot_use(tmp_path, capsys, make, fragment):
    folder = tmp_path / "results"
    make(folder)
    assert main(["report", str(folder)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {folder}") and fragment in err[0]


def test_machine_formats(with_everything, capsys):
    assert main(["report", str(with_everything), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == json.loads((with_everything / "summary.json").read_text())
    print_machine(json.loads(out), "csv")  # what `run` and `report` print for --format csv
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["variant"] for r in rows} == {"fifo", "priority", "preemptive"}
    summary = json.loads((with_everything / "summary.json").read_text())
    pick = next(r for r in rows if (r["variant"], r["scope"], r["metric"], r["statistic"]) == ("priority", "vip", "reaction", "p90"))
    figure = summary["variants"]["priority"]["segments"]["vip"]["reaction"]["p90"]
    assert float(pick["value"]) == figure["value"] and float(pick["ci95_low"]) == figure["ci95"][0]
    assert pick["unit"] == "hours"
    ratio = next(r for r in rows if (r["variant"], r["scope"], r["metric"], r["statistic"])
                 == ("priority", "non_vip", "reaction_vs_baseline", "mean"))
    given = summary["variants"]["priority"]["vs_baseline"]["non_vip"]["reaction"]["mean"]
    assert float(ratio["value"]) == given["ratio"] and ratio["unit"] == "ratio"
    assert not any(r["variant"] == "fifo" and r["unit"] == "ratio" for r in rows), "the baseline has no ratios"
    assert {r["unit"] for r in rows if r["metric"] == "utilization"} == {"share"}


def test_run_json_prints_the_summary_only(tmp_path, capsys):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(VARIANTS_YAML.replace("horizon: 300h", "horizon: 60h").replace("warmup: 20h", "warmup: 5h"))
    capsys.readouterr()
    assert main(["run", str(scenario), "--out", str(tmp_path / "o"), "--replications", "2", "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((tmp_path / "o" / "summary.json").read_text())
    assert (tmp_path / "o" / "report.html").exists()


# ---- in a real browser ---------------------------------------------------------------------------------------

def read_png(path: Path) -> np.ndarray:
    """RGB(A) pixels of an 8-bit, non-interlaced PNG (what Chromium writes), with zlib only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, chunks, header = 8, [], None
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour, interlace = header[8], header[9], header[12]
    assert depth == 8 and colour in (2, 6) and interlace == 0, "unexpected PNG flavour"
    channels = 3 if colour == 2 else 4
    raw = np.frombuffer(zlib.decompress(b"".join(chunks)), dtype=np.uint8).reshape(height, 1 + width * channels)
    out = np.zeros((height, width * channels), dtype=np.int32)
    prev = np.zeros(width * channels, dtype=np.int32)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        if kind == 0:
            row = line
        elif kind == 2:
            row = (line + prev) & 255
        else:  # Sub, Average, Paeth depend on the left neighbour: decode pixel by pixel
            row = np.zeros_like(line)
            for x in range(len(line)):
                left = row[x - channels] if x >= channels else 0
                up, corner = prev[x], prev[x - channels] if x >= channels else 0
                if kind == 1:
                    predictor = left
                elif kind == 3:
                    predictor = (left + up) // 2
                else:
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                row[x] = (line[x] + predictor) & 255
        out[y], prev = row, row
    return out.reshape(height, width, channels)[:, :, :3].astype(np.uint8)


def rendered(page: Path, tmp: Path) -> np.ndarray:
    browser = find_browser()
    if browser is None:
        pytest.skip("no Chromium found (apt-get install chromium); the report was checked but not rendered")
    png = screenshot(page, tmp / "shot.png", width=1280, height=2000, browser=browser)
    try:
        import matplotlib.image as mpimg
        pixels = (mpimg.imread(png)[:, :, :3] * 255).round().astype(np.uint8)
    except ImportError:
        pixels = read_png(png)
    return pixels


def assert_not_blank(pixels: np.ndarray) -> None:
    assert pixels.shape == (2000, 1280, 3)
    colours = np.unique(pixels.reshape(-1, 3), axis=0)
    assert len(colours) > 200, f"only {len(colours)} distinct colours: the page looks blank"
    ink = (pixels.min(axis=2) < 200).mean()
    assert 0.02 < ink < 0.6, f"{ink:.1%} of the page is ink: blank or broken"
    inked = (pixels.min(axis=2) < 200).any(axis=1)  # pixel rows with any ink; text lines leave gaps between
    assert inked.mean() > 0.3 and inked[-len(inked) // 4:].any(), "content stops early: something did not render"


def test_bundled_report_renders_in_a_browser(bundled, tmp_path):
    assert_not_blank(rendered(bundled / "report.html", tmp_path))


def test_full_report_renders_in_a_browser(with_everything, tmp_path):
    assert_not_blank(rendered(with_everything / "report.html", tmp_path))


def test_png_reader_agrees_with_matplotlib(tmp_path):
    mpimg = pytest.importorskip("matplotlib.image")
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, size=(23, 17, 3), dtype=np.uint8)
    image[5:9] = 255  # flat runs make the encoder pick different filters
    mpimg.imsave(tmp_path / "x.png", image)
    assert np.array_equal(read_png(tmp_path / "x.png"), image)


# ---- the examples in docs/report.md ------------------------------------------------------------------------

def doc_examples() -> dict[str, str]:
    text = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    return dict(re.findall(r"<!-- example: (\S+) -->\n```\w*\n(.*?)```", text, flags=re.S))


def test_documented_file_formats_are_read(with_everything, tmp_path):
    examples = doc_examples()
    assert set(examples) == {"sweep.csv", "checks.json"}
    folder = tmp_path / "docs-example"
    folder.mkdir()
    summary = json.loads((with_everything / "summary.json").read_text())
    summary["variants"] = {"base": summary["variants"]["fifo"], "fifo": summary["variants"]["fifo"],
                           "priority": summary["variants"]["priority"]}
    (folder / "summary.json").write_text(json.dumps(summary))
    for name, body in examples.items():
        (folder / name).write_text(body)
    seal(folder)
    results = read_results(folder)
    assert results.sweep_parameters == ["segments.vip.share"] and len(results.sweep) == 4
    assert [c.status for c in results.checks] == ["pass", "inconclusive"]
    page = build_report(folder)
    for section in ("sweep", "checks"):
        assert f'id="{section}"' in page


def test_documented_csv_header_is_what_format_csv_prints(with_everything, capsys):
    text = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    documented = re.search(r"```\n(variant,scope,metric.*?)\n", text).group(1)
    print_machine(json.loads((with_everything / "summary.json").read_text()), "csv")
    assert capsys.readouterr().out.splitlines()[0] == documented


def test_terminal_tables_are_aligned_with_readable_units(tmp_path, capsys):
    """With variants, `run` prints one comparison table (VIP and non-VIP line per variant): every cell stays in
    its column, and times read in minutes under 2 h, hours under 2 d, days above."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text(VARIANTS_YAML.replace("horizon: 300h", "horizon: 60h").replace("warmup: 20h", "warmup: 5h"))
    capsys.readouterr()
    assert main(["run", str(scenario), "--out", str(tmp_path / "o"), "--replications", "2"]) == 0
    out = capsys.readouterr().out
    tables = [block.splitlines() for block in out.split("\n\n") if "---" in block]
    assert len(tables) == 3  # the comparison, utilization per group, then every variant's targets on their clocks
    assert tables[1][0].split()[1:2] == ["L1"] and "utilization" in tables[1][0]
    assert tables[2][0].split()[:4] == ["variant", "target", "within", "clock"]
    header, rule, *rows = tables[0]
    assert len(rows) == 6, "a VIP and a non-VIP line for each of three variants"
    columns = [m.span() for m in re.finditer(r"-+", rule)]
    assert len(columns) == len(re.split(r"\s{2,}", header.strip())), "one rule per column"
    for line in (header, *rows):
        for (_, end), (start, _) in zip(columns, columns[1:]):
            assert line[end:start].strip() == "", f"a cell spills out of its column: {line!r}"
        assert len(line.rstrip()) <= columns[-1][1]
    cells = {name: [row[a:b].strip() for row in rows] for name, (a, b) in zip(re.split(r"\s{2,}", header.strip()), columns)}
    ranges = {"m": (0, 120), "h": (2, 48), "d": (2, math.inf)}  # minutes under 2 h, hours under 2 d, days above
    for name in ("reaction", "resolution"):  # mean times (p90s are in summary.json and the report)
        for cell in cells[name]:
            found = re.fullmatch(r"(\d+\.\d+)([mhd]) ±(\d+\.\d+)([mhd])", cell)
            assert found, f"{cell!r} in {name} is not a time with its interval"
            for value, unit in (found.group(1, 2), found.group(3, 4)):
                low, high = ranges[unit]
                assert low - 0.01 <= float(value) < high + 0.01, f"{cell} in {name}: {value}{unit} in the wrong unit"
    for name in ("SLA reaction", "SLA resolution"):
        assert all(re.fullmatch(r"\d+\.\d% ±\d+\.\d", cell) for cell in cells[name]), cells[name]
    assert re.search(r"\d+\.\dm ±\d+\.\dm", out), "short times in minutes"
    assert f"open {tmp_path / 'o' / 'report.html'}" in out


def test_odd_scenarios_still_get_a_report(tmp_path):
    """One group, no VIP segment, no SLA, a description that needs escaping in HTML (names are plain)."""
    data = {"name": "plain", "description": "a <b> & c", "horizon": "80h", "warmup": "5h", "replications": 2,
            "segments": {"a": {"share": 0.5}, "b": {"share": 0.5}}, "arrivals": {"rate": "4/h"},
            "groups": {"desk": {"staff": 3, "work": {"dist": "exponential", "mean": "30m"}}}}
    simulate(data).save(tmp_path)
    page = build_report(tmp_path)
    assert_self_contained(page)
    assert "a &lt;b&gt; &amp; c" in page and "<b> &" not in page
    assert 'id="headline"' in page and 'id="distributions"' in page and 'id="sla"' not in page
    assert '<th colspan="4" class="group">all tickets</th>' in page, "no VIP: one column of all tickets"


def test_a_sweep_folder_alone_gets_a_report(tmp_path):
    write_sweep(tmp_path, ["fifo", "vip-lane"])
    seal(tmp_path)
    page = build_report(tmp_path)
    assert_self_contained(page)
    assert 'id="sweep"' in page and 'id="headline"' not in page
    assert "6 points over segments.vip.share, policy.pickup_within; variants fifo, vip-lane." in page


def test_tickets_read_alike_without_pandas(with_everything, monkeypatch):
    """pandas is optional: the plain csv reader must give the same distributions and per-replication SLA shares."""
    with_pandas = read_results(with_everything)
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes `import pandas` fail
    without = read_results(with_everything)
    assert with_pandas.distributions.keys() == without.distributions.keys() and with_pandas.distributions
    for key, quantiles in with_pandas.distributions.items():
        np.testing.assert_allclose(without.distributions[key], quantiles)
    assert with_pandas.sla_met.keys() == without.sla_met.keys() and without.sla_met, "SLA flags are read too"
    for key, values in with_pandas.sla_met.items():
        assert without.sla_met[key] == pytest.approx(values)

"""validate warns when a dedicated split overloads one side, though the group as a whole would cope."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
DESK = {
    "name": "split", "horizon": "500h",
    "segments": {"vip": {"share": 0.2, "vip": True}, "standard": {"share": 0.8}},
    "arrivals": {"rate": "9/h"},
    "groups": {"L1": {"staff": 10, "work": {"dist": "exponential", "mean": "1h"}}},
    "variants": {
        "fifo": {"policy": "fifo"},
        "dedicated-2": {"policy": {"kind": "dedicated", "engineers": {"L1": 2}}},  # VIP 1.8/2, others 7.2/8
        "dedicated-3": {"policy": {"kind": "dedicated", "engineers": {"L1": 3}}},  # others 7.2/7 = 1.03
        "dedicated-1": {"policy": {"kind": "dedicated", "engineers": {"L1": 1}}},  # VIP 1.8/1
    },
}


def test_each_overloaded_side_is_named_with_its_load(tmp_path):
    path = tmp_path / "split.yaml"
    path.write_text(yaml.safe_dump(DESK, sort_keys=False))
    done = subprocess.run([sys.executable, "-m", "supportsim", "validate", str(path)], capture_output=True,
                          text=True, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, done.stderr
    assert f"{path}: variants.dedicated-3.policy.engineers.L1: non-VIP tickets offer load 1.03 to the 7 engineers" in warnings[0]
    assert f"{path}: variants.dedicated-1.policy.engineers.L1: VIP tickets offer load 1.80 to the 1 engineers" in warnings[1]
    assert "Traceback" not in done.stderr

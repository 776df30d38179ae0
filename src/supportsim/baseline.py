"""Baselines: a scenario's figures saved per replication, so that later runs can be compared with statistics.

A later run regresses on a reaction, resolution or SLA figure when it is worse by more than a tolerance
(relative to the baseline's value) *and* the difference is significant. With the baseline's seed, replication
r of both runs saw the same tickets, so the replications both have are compared pair by pair (one-sided paired
t-test; most noise cancels); with another seed, Welch's t-test compares the two groups of replications. The 5%
significance level holds for all compared figures together (Holm's method), so a run compared on dozens of
figures does not flag one by chance. An unchanged scenario run with the baseline's seed gives the very same
numbers, and so never regresses.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import stats as _st

from . import formats, service_targets
from ._version import __version__
from .loader import ScenarioError
from .results import _json_safe
from .scenario import Scenario
from .stats import Key, columns, flatten, nest
from .variants import BASE

FORMAT = formats.BASELINE
ALPHA = 0.05


def default_path(scenario: Scenario) -> Path:
    return Path("results") / "baselines" / f"{scenario.name}.json"


def baseline_document(scenario: Scenario, figures: Mapping[str, Sequence[Mapping[Key, float]]], seed: int,
                      variants: Mapping[str, Scenario] | None = None) -> str:
    """The baseline file: every variant's figures, one value per replication, and what each variant's targets
    mean (within and clock), so that a later check does not compare attainments of targets that changed."""
    document = {
        "format": FORMAT,
        "scenario": scenario.name,
        "supportsim": __version__,
        "seed": seed,
        "replications": len(next(iter(figures.values()))),
        "variants": {variant: nest(columns(reps)) for variant, reps in figures.items()},
        "targets": {variant: service_targets.definitions((variants or {}).get(variant, scenario))
                    for variant in figures},
    }
    document = _json_safe(document)
    document["sha256"] = _checksum(document)  # so a baseline changed since (a bad merge, an edit) is refused
    return json.dumps(document, indent=1) + "\n"


def _checksum(document: Mapping) -> str:
    body = {k: v for k, v in document.items() if k != "sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, allow_nan=False).encode()).hexdigest()


@dataclass(frozen=True)
class Baseline:
    path: str
    scenario: str
    seed: int
    replications: int
    figures: dict[str, dict[Key, np.ndarray]]   # variant -> figure -> values per replication (NaN: none)
    format: int = FORMAT
    targets: dict[str, dict[str, dict]] | None = None   # variant -> target path -> {within, clock}; None: format 1
    note: str | None = None                      # what changed since the file's format, if older


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline file; anything unreadable is bad input (ScenarioError naming the file)."""
    where = str(path)
    if Path(path).exists() and not Path(path).is_file():  # a pipe would block, a device never end
        raise ScenarioError([("", "is not a regular file; a baseline is a JSON file")], where)
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError([("", "no such baseline; write one with: supportsim baseline SCENARIO")], where) from None
    except (OSError, ValueError) as exc:
        raise ScenarioError([("", f"cannot read baseline: {exc}")], where) from None
    except RecursionError:
        raise ScenarioError([("", "cannot read baseline: JSON nested too deeply")], where) from None
    if isinstance(document, dict) and "sha256" in document and document["sha256"] != _checksum(document):
        raise ScenarioError([("", ("changed since supportsim baseline wrote it (its sha256 does not match); "
                                   "write it again with: supportsim baseline SCENARIO"))], where)
    if not isinstance(document, dict) or "format" not in document:
        raise ScenarioError([("", "not a supportsim baseline (no format)")], where)
    try:
        note = formats.check("baseline", document.get("format"), FORMAT)
    except formats.FormatError as exc:
        raise ScenarioError([("", str(exc))], where) from None
    try:
        figures = {
            variant: {key: np.array([math.nan if v is None else v for v in values], dtype=float)
                      for key, values in flatten(nested).items()}
            for variant, nested in document["variants"].items()
        }
        return Baseline(where, str(document["scenario"]), int(document["seed"]), int(document["replications"]), figures,
                        int(document["format"]), document.get("targets"), note)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ScenarioError([("", f"not a supportsim baseline ({exc})")], where) from None


def worse_direction(key: Key) -> int | None:
    """+1 when a higher value is worse (times), -1 when lower is worse (SLA met), None: not compared."""
    if key[0] != "segments" or len(key) < 4:
        return None
    if key[2] in ("reaction", "resolution"):
        return 1
    return -1 if key[2] == "sla" else None


@dataclass(frozen=True)
class Comparison:
    variant: str
    key: Key
    baseline: float        # mean over the baseline's replications
    current: float
    p: float               # one-sided: the chance of a change this much worse if nothing changed
    test: str              # 'paired' or 'welch'
    regression: bool

    @property
    def change(self) -> float:
        """Relative change of the value itself: the sign says up or down, not better or worse."""
        return relative_change(self.baseline, self.current)

    @property
    def name(self) -> str:
        figure = ".".join(self.key[1:])
        return figure if self.variant == BASE else f"{self.variant}: {figure}"


def relative_change(before: float, after: float) -> float:
    diff = after - before
    if before:
        return diff / abs(before)
    return math.copysign(math.inf, diff) if diff else 0.0


def _p_worse(current: np.ndarray, base: np.ndarray, sign: int, paired: bool) -> float:
    with warnings.catch_warnings():  # scipy warns on near-constant samples (an SLA met in every replication)
        warnings.simplefilter("ignore", RuntimeWarning)
        return _one_sided_p(current, base, sign, paired)


def _one_sided_p(current: np.ndarray, base: np.ndarray, sign: int, paired: bool) -> float:
    if paired:
        keep = ~(np.isnan(current) | np.isnan(base))
        diff = sign * (current[keep] - base[keep])
        if len(diff) < 2:
            return 1.0
        if np.all(diff == diff[0]):  # no spread: the t statistic is undefined, the answer is not
            return 0.0 if diff[0] > 0 else 1.0
        return float(_st.ttest_1samp(diff, 0.0, alternative="greater").pvalue)
    current, base = current[~np.isnan(current)], base[~np.isnan(base)]
    if len(current) < 2 or len(base) < 2:
        return 1.0
    if current.std() == 0 and base.std() == 0:
        return 0.0 if sign * (current.mean() - base.mean()) > 0 else 1.0
    return float(_st.ttest_ind(sign * current, sign * base, equal_var=False, alternative="greater").pvalue)


def _holm(p_values: list[float], alpha: float) -> list[bool]:
    """Which hypotheses Holm's step-down method rejects, keeping the family-wise error rate at alpha."""
    order = sorted(range(len(p_values)), key=p_values.__getitem__)
    rejected = [False] * len(p_values)
    for rank, i in enumerate(order):
        if p_values[i] > alpha / (len(p_values) - rank):
            break
        rejected[i] = True
    return rejected


def changed_meaning(baseline: Baseline, variants: Mapping[str, Scenario]) -> dict[tuple[str, Key], str]:
    """(variant, figure) -> why the baseline's figure means something else now: SLA attainments of a format-1
    baseline (counted on one clock per segment, targets not recorded) and of targets whose within or clock
    changed since the baseline was written."""
    out: dict[tuple[str, Key], str] = {}
    for variant, scenario in variants.items():
        before = baseline.figures.get(variant)
        if before is None:
            continue
        now = service_targets.definitions(scenario)
        then = (baseline.targets or {}).get(variant, {}) if baseline.format >= 2 else None
        for key in before:
            if key[0] != "segments" or len(key) != 4 or key[2] != "sla":
                continue
            path = f"sla.{key[1]}.{key[3].removesuffix('_met')}"
            if then is None:
                out[(variant, key)] = "baseline format 1 counted SLA attainment on one clock per segment"
            elif key[1] == "all":
                measure = key[3].removesuffix("_met")
                changed = sorted(p for p in {**then, **now} if p.endswith(f".{measure}") and then.get(p) != now.get(p))
                if changed:
                    out[(variant, key)] = f"it pools targets that changed ({', '.join(changed)})"
            elif then.get(path) != now.get(path):
                was = then.get(path) or {}
                out[(variant, key)] = (f"target {path} was {was.get('within')} on {was.get('clock')}, now "
                                       f"{(now.get(path) or {}).get('within')} on {(now.get(path) or {}).get('clock')}")
    return out


def compare(baseline: Baseline, figures: Mapping[str, Sequence[Mapping[Key, float]]], seed: int,
            tolerance: float = 0.05, alpha: float = ALPHA,
            refused: Mapping[tuple[str, Key], str] | None = None) -> list[Comparison]:
    """Every reaction, resolution and SLA figure of every variant the two runs share, but those ``refused``
    (see :func:`changed_meaning`)."""
    found = []   # (variant, key, baseline mean, current mean, p, test)
    for variant, reps in figures.items():
        before = baseline.figures.get(variant)
        if before is None:
            continue
        # With the same seed, replication r of both runs saw the same tickets: compare them pair by pair.
        paired = seed == baseline.seed
        common = min(len(reps), baseline.replications)
        for key, values in columns(reps).items():
            sign = worse_direction(key)
            if sign is None or key not in before or (variant, key) in (refused or {}):
                continue
            now = np.array(values, dtype=float)
            old = before[key]
            if paired:
                now, old = now[:common], old[:common]
            if np.isnan(now).all() or np.isnan(old).all():
                continue
            b, c = float(np.nanmean(old)), float(np.nanmean(now))
            found.append((variant, key, b, c, _p_worse(now, old, sign, paired), "paired" if paired else "welch"))
    significant = _holm([f[4] for f in found], alpha)
    out = []
    for (variant, key, b, c, p, test), sure in zip(found, significant):
        worse = (worse_direction(key) or 0) * relative_change(b, c)  # found holds only keys with a direction
        out.append(Comparison(variant, key, b, c, p, test, regression=sure and worse > tolerance))
    return out

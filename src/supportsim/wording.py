"""One convention for a change of time against the baseline, in the terminal and in the report.

Ratios only where both sides are well away from zero: a mean under :data:`NEAR_ZERO` (a minute) on either
side makes a ratio meaningless ("1864.1x faster" from 0.03 s against 56 s), so the change is said as "no wait"
(the variant's mean is about zero) or as an absolute difference ("12m less"). Otherwise a factor from 1.5x
("3.1x faster", "2.0x slower"), a percentage below it ("22% faster"), and "about the same" under 1%.
"""

from __future__ import annotations

from .units import human_duration

NEAR_ZERO = 1 / 60
"""Hours under which a mean time is too close to zero for a ratio: one minute."""


def time_change(ratio: float | None, mine: float | None = None, theirs: float | None = None) -> str:
    """The variant's mean time (``mine``, hours) against the baseline's (``theirs``) in words; ``ratio`` is
    their paired ratio (mine/theirs). Lower is better."""
    if mine is not None and theirs is not None and min(mine, theirs) < NEAR_ZERO:
        if mine < NEAR_ZERO and theirs < NEAR_ZERO:
            return "no wait in either"
        if mine < NEAR_ZERO:
            return "no wait"
        return f"{human_duration(mine - theirs)} more"
    if ratio is None:
        return "-"
    if ratio <= 0:
        return "no wait"
    if ratio < 1 / 1.5:
        return f"{1 / ratio:.1f}x faster"
    if ratio >= 1.5:
        return f"{ratio:.1f}x slower"
    if abs(ratio - 1) < 0.01:
        return "about the same"
    return f"{100 * abs(ratio - 1):.0f}% {'faster' if ratio < 1 else 'slower'}"

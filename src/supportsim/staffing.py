"""Staffing: the least-cost staff per variant such that every constraint holds with 95% confidence.

Constraints are the scenario's ``checks:`` lines and every SLA or OLA target that states ``attain``. The
decision variables are the engineer counts of each staff block of the searched groups (a *post*: one block of
one group); other groups keep their staff. Blocks on call (``on_call: true``) are kept as written: an on-call
rota is sized by its call-outs and its rules (one engineer reachable each night), not by attainment, and paid
differently; their hours count as capacity in the offered-load bound.

The search, per variant:

1. **Start** at the offered-load bound: in each searched group the fewest engineers whose on-duty hours exceed
   the work offered to the group (fewer cannot keep up). No staffing below it is ever simulated.
2. **Reachable?** A constraint that fails even with ample staff (every post at twice the start plus a few) is
   unreachable: no staff meets it (say, a resolution target below the work time itself). Reported with its
   figure at ample staff; the search stops there.
3. **Add** one engineer at a time where it buys the most per unit of cost: the gain is the drop in the
   summed shortfall of the constraints (how far each one's 95% interval is from clearing its bound).
4. **Remove** while the constraints still hold without one engineer (the cheapest saving first); stop when
   removing any one engineer breaks a constraint, which is then the constraint that *binds* that post.

Statistics: replication r of every staffing runs on the same tickets (the same seed and replication, so the
engine draws the same arrivals and work: common random numbers), so neighbouring staffings are compared on
the same tickets. Each staffing gets ``batch`` replications, and another batch only while one of its
constraints is undecided (its interval straddles the bound) and the interval is still wider than the
indifference zone ``delta`` around the bound, up to ``cap`` replications. A constraint still undecided then
counts as not holding: every answer holds with 95% confidence. Batches are fixed and results are taken in
task order, so the answer does not depend on the number of workers or the scheduler.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .checks import OPERATORS, Check, kind_of
from .progress import Callback
from .scenario import Scenario
from .service_targets import placed_targets
from .stats import Key, estimate
from .units import WEEK
from .workers import Figures, run_in_order
from .workforce import block_cost, headcount

Status = Literal["holds", "fails", "undecided"]
Counts = tuple[int, ...]


class StaffingError(ValueError):
    """What cannot be staffed as asked (no constraints, an unknown group): one line for the user."""


@dataclass(frozen=True)
class Constraint:
    """One figure that must clear a bound: a check, or an SLA/OLA target's attainment (``>= attain``)."""

    name: str       # the check as written, or the target's key path ('sla.standard.reaction')
    key: Key
    op: str
    bound: float

    @property
    def kind(self) -> str:
        return kind_of(self.key) if self.key[0] != "groups" or self.key[2] != "ola_met" else "fraction"

    def zone(self, delta: float) -> float:
        """The indifference zone in the figure's units: delta itself for shares, delta x bound otherwise."""
        return delta if self.kind == "fraction" or self.key[-1].endswith("_met") else delta * abs(self.bound)

    def shortfall(self, low: float | None, high: float | None, value: float | None) -> float:
        """How far the interval is from clearing the bound (0 when it clears), scaled like ``zone``."""
        if value is None:
            return math.inf
        greater = self.op in (">=", ">")
        edge = (low if greater else high)
        edge = value if edge is None else edge
        gap = max(0.0, self.bound - edge) if greater else max(0.0, edge - self.bound)
        return gap / (self.zone(1.0) or 1.0)


def constraints_of(scenario: Scenario, checks: Sequence[Check], variant: str) -> list[Constraint]:
    """The variant's constraints: its checks and its targets with ``attain``."""
    out = [Constraint(c.text, c.key, c.op, c.bound) for c in checks if c.variant in (None, variant)]
    out += [Constraint(p.path, p.figure, ">=", p.target.attain) for p in placed_targets(scenario)
            if p.target.attain is not None]
    return out


@dataclass(frozen=True)
class Post:
    """One staff block of a searched group: its engineers are a decision variable."""

    group: str
    block: int
    calendar: str
    hours: float     # on-duty hours per engineer per week
    cost: float      # cost per engineer per week (cost rate x hours; engineer-hours when no rate is given)
    set_apart: str = ""  # the policy kind ('dedicated', 'reserve') whose set-apart count this post is

    @property
    def name(self) -> str:
        if self.set_apart:
            return f"{self.group}.{self.set_apart}"
        return self.group if self.block == 0 and self.calendar == "always" else f"{self.group}[{self.block}]"


def posts_of(scenario: Scenario, groups: Sequence[str]) -> list[Post]:
    out = []
    for group in groups:
        if group not in scenario.groups:
            raise StaffingError(f"--groups: unknown group {group!r}; groups are {', '.join(scenario.group_names)}")
        for i, block in enumerate(scenario.groups[group].blocks):
            if block.on_call:
                continue  # kept as written (see the module docstring)
            hours = scenario.calendar(block.calendar).hours_per_week
            out.append(Post(group, i, block.calendar, hours, hours * block_cost(scenario, group, i)))
        if set_apart_count(scenario, group) and not all(b.on_call for b in scenario.groups[group].blocks):
            # engineers of the group set apart for VIP work: a choice that costs nothing, so it is tried first
            out.append(Post(group, -1, "", 0.0, 0.0, scenario.policy_of(group).kind))
    return out


def set_apart_count(scenario: Scenario, group: str) -> int:
    """Engineers of the group that its dedicated/reserve policy sets apart (0: none)."""
    config = scenario.policy_of(group)
    if config.kind not in ("dedicated", "reserve"):
        return 0
    engineers: dict[str, int] | None = getattr(config, "engineers", None)
    return (engineers if engineers is not None else {scenario.entry_group: 1}).get(group, 0)


def feasible(posts: Sequence[Post], counts: Counts) -> bool:
    """Every set-apart count is at least 1 and leaves the group at least one other engineer."""
    for post, count in zip(posts, counts):
        if post.set_apart:
            total = sum(c for p, c in zip(posts, counts) if p.group == post.group and not p.set_apart)
            if not 1 <= count < total:
                return False
    return True


def fixed_hours(scenario: Scenario, posts: Sequence[Post], group: str) -> float:
    """On-duty hours per week of the group's blocks that are not searched (its on-call blocks)."""
    searched = {p.block for p in posts if p.group == group and not p.set_apart}
    return sum(b.count * scenario.calendar(b.calendar).hours_per_week
               for i, b in enumerate(scenario.groups[group].blocks) if i not in searched)


def staffed(scenario: Scenario, posts: Sequence[Post], counts: Counts) -> Scenario:
    """The scenario with each post's engineers set to ``counts`` (blocks left at zero are dropped)."""
    data = scenario.model_dump(mode="json", exclude_none=True)
    for group in {p.group for p in posts}:
        blocks = [b.model_dump(mode="json") for b in scenario.groups[group].blocks]
        for post, count in zip(posts, counts):
            if post.group == group and post.set_apart:
                own = data["groups"][group].get("policy")
                policy = own if isinstance(own, dict) and own.get("kind") == post.set_apart else data["policy"]
                policy["engineers"] = {**(policy.get("engineers") or {scenario.entry_group: 1}), group: count}
            elif post.group == group:
                blocks[post.block]["count"] = count
        kept = [b for b in blocks if b["count"] > 0]
        plain = {"count", "calendar", "on_call"}  # a block that is only a number of engineers around the clock
        single = (len(kept) == 1 and kept[0].get("calendar", "always") == "always" and not kept[0].get("on_call")
                  and all(v is None for k, v in kept[0].items() if k not in plain))
        data["groups"][group]["staff"] = kept[0]["count"] if single else kept
    return Scenario.model_validate(data)


def start(scenario: Scenario, posts: Sequence[Post]) -> Counts:
    """The offered-load bound: per group, the fewest engineers (spread like the scenario's blocks) whose on-duty
    hours exceed the work offered to the group."""
    offered = {g: work for g, (work, _) in scenario.weekly_hours().items()}
    counts = [0] * len(posts)
    for group in dict.fromkeys(p.group for p in posts):
        for i, p in enumerate(posts):
            if p.group == group and p.set_apart:
                counts[i] = set_apart_count(scenario, group)
                if p.set_apart == "dedicated":  # a side of its own: at least the VIP work's offered-load bound
                    counts[i] = max(counts[i], math.floor(vip_engineers(scenario, group)) + 1)
        mine = [i for i, p in enumerate(posts) if p.group == group and not p.set_apart]
        now = [scenario.groups[group].blocks[posts[i].block].count for i in mine]
        fixed = fixed_hours(scenario, posts, group)
        available = sum(n * posts[i].hours for n, i in zip(now, mine)) or 1.0
        share = max(0.0, offered[group] - fixed) / available
        for n, i in zip(now, mine):
            counts[i] = int(math.floor(n * share))
        while mine and fixed + sum(counts[i] * posts[i].hours for i in mine) <= offered[group]:
            best = max(mine, key=lambda i: (posts[i].hours / posts[i].cost if posts[i].cost else 0.0, -i))
            counts[best] += 1
        for i, p in enumerate(posts):  # the others keep up with the rest of the work (dedicated), and are one
            if p.group == group and p.set_apart:
                rest = offered[group] / WEEK - vip_engineers(scenario, group) if p.set_apart == "dedicated" else 0.0
                while sum(counts[k] for k in mine) - counts[i] <= max(rest, 0.0):
                    counts[mine[0]] += 1
    return tuple(counts)


def vip_engineers(scenario: Scenario, group: str) -> float:
    """The VIP tickets' offered load at the group, in engineers on duty around the clock."""
    vip = scenario.vip_segments
    share = sum(s for name, s in zip(scenario.segment_names, scenario.segment_shares) if name in vip)
    visits = dict(zip(scenario.group_names, scenario.visits_per_ticket()))[group]
    return scenario.mean_arrival_rate * visits * share * scenario.mean_work(group, vip) if vip else 0.0


def stable(scenario: Scenario, posts: Sequence[Post], counts: Counts) -> bool:
    """Whether every searched group's on-duty hours exceed its offered work."""
    offered = {g: work for g, (work, _) in scenario.weekly_hours().items()}
    return all(fixed_hours(scenario, posts, g) + sum(c * p.hours for c, p in zip(counts, posts) if p.group == g)
               > offered[g] for g in {p.group for p in posts})


@dataclass(frozen=True)
class Judged:
    """One constraint at one staffing: its estimate, 95% interval and status."""

    constraint: Constraint
    value: float | None
    low: float | None
    high: float | None
    status: Status
    replications: int

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "ci95": [self.low, self.high], "status": self.status,
                "replications": self.replications}


def judge_one(constraint: Constraint, values: Sequence[float]) -> Judged:
    est = estimate(values)
    value, (low, high) = est["value"], est["ci95"]
    holds = OPERATORS[constraint.op]
    if value is None or low is None or high is None:
        status: Status = "fails" if value is None else "undecided"
    elif holds(low, constraint.bound) and holds(high, constraint.bound):
        status = "holds"
    elif not holds(low, constraint.bound) and not holds(high, constraint.bound):
        status = "fails"
    else:
        status = "undecided"
    return Judged(constraint, value, low, high, status, len(values))


@dataclass
class Settings:
    groups: list[str]
    batch: int = 10
    cap: int = 60
    delta: float = 0.01
    seed: int = 1
    jobs: int = 1
    scheduler: str | None = None
    progress: Callback | None = None   # progress(done, total) over the simulations run so far and in flight


@dataclass
class Evaluator:
    """Simulates staffings of one variant in fixed batches, on common random numbers, and judges them."""

    scenario: Scenario
    posts: list[Post]
    constraints: list[Constraint]
    settings: Settings
    figures: dict[Counts, list[Figures]] = field(default_factory=dict)
    simulations: int = 0

    def scenario_for(self, counts: Counts) -> Scenario:
        """The scenario to simulate for a staffing (each post's engineers set to ``counts``)."""
        return staffed(self.scenario, self.posts, counts)

    def judged(self, counts: Counts) -> list[Judged]:
        runs = self.figures[counts]
        return [judge_one(c, [f.get(c.key, math.nan) for f in runs]) for c in self.constraints]

    def _wants_more(self, counts: Counts) -> bool:
        runs = self.figures.get(counts, [])
        if not runs:
            return True
        if len(runs) >= self.settings.cap:
            return False
        for j in self.judged(counts):
            if j.status == "undecided":
                zone = j.constraint.zone(self.settings.delta)
                if j.low is None or j.high is None or (j.high - j.low) / 2 > zone / 2:
                    return True
        return False

    def evaluate(self, staffings: Sequence[Counts]) -> dict[Counts, list[Judged]]:
        """Judge each staffing, simulating batches (all staffings' batches together) until each is decided."""
        wanted = list(dict.fromkeys(staffings))
        while True:
            more = [c for c in wanted if self._wants_more(c)]
            if not more:
                return {c: self.judged(c) for c in wanted}
            tasks, owners = [], []
            for counts in more:
                scenario = self.scenario_for(counts)
                done = len(self.figures.get(counts, []))
                size = min(self.settings.batch, self.settings.cap - done)
                tasks += [(scenario, r, self.settings.seed) for r in range(done, done + size)]
                owners += [counts] * size
            results = run_in_order(tasks, self.settings.jobs, self.settings.scheduler,
                                   progress=_offset(self.settings.progress, self.simulations))
            for counts, figures in zip(owners, results):
                self.figures.setdefault(counts, []).append(figures)
            self.simulations += len(tasks)


def holds(judged: Sequence[Judged]) -> bool:
    return all(j.status == "holds" for j in judged)


def shortfall(judged: Sequence[Judged]) -> float:
    return sum(j.constraint.shortfall(j.low, j.high, j.value) for j in judged)


@dataclass
class Answer:
    """The staffing of one variant (or why there is none)."""

    variant: str
    posts: list[Post]
    counts: Counts | None
    judged: list[Judged]                                  # at the answer (at ample staff when unreachable)
    fewer: dict[str, list[Judged]]                        # per post: the constraints at one engineer fewer
    binding: dict[str, list[str]]                         # per post: the constraints that break without one
    simulations: int
    reason: str = ""
    curve: list[tuple[Counts, list[Judged]]] = field(default_factory=list)   # every staffing judged
    shrinkage: dict[str, float] = field(default_factory=dict)                # per searched group
    on_call: dict[str, int] = field(default_factory=dict)    # per searched group: its engineers on call, kept

    @property
    def reachable(self) -> bool:
        return self.counts is not None

    def staff(self) -> dict[str, int]:
        """Engineers per searched group."""
        out: dict[str, int] = {}
        for post, count in zip(self.posts, self.counts or ()):
            if not post.set_apart:
                out[post.group] = out.get(post.group, 0) + count
        return out

    def set_apart(self) -> dict[str, int]:
        """Engineers set apart for VIP work per group (part of the group's staff)."""
        return {p.group: c for p, c in zip(self.posts, self.counts or ()) if p.set_apart}

    def headcount(self) -> dict[str, float]:
        """Paid engineers per searched group: engineers on duty / (1 - shrinkage)."""
        return {g: headcount(n, self.shrinkage.get(g, 0.0)) for g, n in self.staff().items()}

    @property
    def cost(self) -> float | None:
        """Cost per week of the searched posts."""
        return None if self.counts is None else sum(c * p.cost for c, p in zip(self.counts, self.posts))

    @property
    def engineer_hours(self) -> float | None:
        return None if self.counts is None else sum(c * p.hours for c, p in zip(self.counts, self.posts))


def ample(posts: Sequence[Post], first: Counts) -> Counts:
    """Twice the start plus a few; a set-apart count is half its group, so each side of the split has at least
    the start of the whole group (which already carries all of the group's offered work)."""
    big = [max(2 * c, c + 3) for c in first]
    for i, post in enumerate(posts):
        if post.set_apart:
            total = sum(big[k] for k, p in enumerate(posts) if p.group == post.group and not p.set_apart)
            big[i] = max(1, total // 2)
    return tuple(big)


def solve(variant: str, scenario: Scenario, constraints: list[Constraint], settings: Settings,
          evaluator: Evaluator | None = None) -> Answer:
    """The least-cost staffing of one variant (see the module docstring)."""
    if not constraints:
        raise StaffingError(f"variant {variant!r} has no constraints: add checks: lines or an SLA/OLA target "
                            "with attain (e.g. reaction: {within: 1h, attain: 90%})")
    posts = posts_of(scenario, settings.groups)
    shrunk = {g: scenario.groups[g].shrinkage for g in settings.groups}
    kept = {g: n for g in settings.groups if (n := sum(b.count for b in scenario.groups[g].blocks if b.on_call))}
    ev = evaluator or Evaluator(scenario, posts, constraints, settings)
    counts = start(scenario, posts)
    big = ample(posts, counts)
    at_ample = ev.evaluate([big])[big]
    failing = [j for j in at_ample if j.status != "holds"]
    if failing:
        worst = failing[0]
        staff = ", ".join(f"{p.name}={c}" for p, c in zip(posts, big))
        return Answer(variant, posts, None, at_ample, {}, {}, ev.simulations, curve=_curve(ev), shrinkage=shrunk,
                      on_call=kept,
                      reason=f"{worst.constraint.name}: even with ample staff ({staff}) the figure is "
                             f"{_show(worst)}, which does not clear {worst.constraint.op} "
                             f"{worst.constraint.bound:g}; more engineers cannot fix it")
    judged = ev.evaluate([counts])[counts]
    while not holds(judged):
        if sum(counts) >= sum(big):  # as many engineers as ample staff and still short: ample holds, go there
            counts, judged = big, at_ample
            break
        moves = {i: _moved(counts, i, +1) for i in range(len(posts)) if feasible(posts, _moved(counts, i, +1))}
        found = ev.evaluate(list(moves.values()))
        now = shortfall(judged)
        gains = {i: (now - shortfall(found[c])) / (posts[i].cost or 1.0) for i, c in moves.items()}
        best = max(gains, key=lambda i: (gains[i], -i))
        if gains[best] <= 0:  # nothing buys progress at the margin: one more in every post below ample staff
            wider = tuple(c + 1 if c < b else c for c, b in zip(counts, big))
            counts = wider if feasible(posts, wider) and wider != counts else big
            judged = ev.evaluate([counts])[counts]
            continue
        counts = moves[best]
        judged = found[counts]
    while True:
        fewer = {i: _moved(counts, i, -1) for i in range(len(posts))
                 if counts[i] > 0 and stable(scenario, posts, _moved(counts, i, -1))
                 and feasible(posts, _moved(counts, i, -1))}
        found = ev.evaluate(list(fewer.values()))
        keep = [i for i, c in fewer.items() if holds(found[c])]
        if not keep:
            break
        counts = fewer[max(keep, key=lambda i: (posts[i].cost, -i))]
        judged = ev.evaluate([counts])[counts]
    at_fewer = {posts[i].name: found[c] for i, c in fewer.items()}
    binding = {name: [j.constraint.name for j in js if j.status != "holds"] for name, js in at_fewer.items()}
    for i, post in enumerate(posts):
        if i not in fewer:
            binding[post.name] = ["the offered-load bound (fewer engineers cannot keep up)"] if counts[i] else []
    return Answer(variant, posts, counts, judged, at_fewer, binding, ev.simulations, curve=_curve(ev),
                  shrinkage=shrunk, on_call=kept)


def _offset(told: Callback | None, before: int) -> Callback | None:
    """A progress callback that counts ``before`` simulations already done."""
    if told is None:
        return None
    return lambda done, total: told(before + done, before + total)


def _moved(counts: Counts, i: int, step: int) -> Counts:
    return tuple(c + step if k == i else c for k, c in enumerate(counts))


def _curve(ev: Evaluator) -> list[tuple[Counts, list[Judged]]]:
    return [(c, ev.judged(c)) for c in sorted(ev.figures, key=lambda c: (sum(c), c))]


def _show(j: Judged) -> str:
    if j.value is None:
        return "missing"
    interval = "" if j.low is None or j.high is None else f" [{j.low:.4g}, {j.high:.4g}]"
    return f"{j.value:.4g}{interval}"


def staff(variants: Mapping[str, Scenario], checks: Sequence[Check], settings: Settings) -> list[Answer]:
    """The answer for every variant, in order."""
    answers: list[Answer] = []
    for name, scenario in variants.items():
        used = sum(a.simulations for a in answers)
        mine = Settings(**{**settings.__dict__, "progress": _offset(settings.progress, used)})
        answers.append(solve(name, scenario, constraints_of(scenario, checks, name), mine))
    return answers


def settings_for(scenario: Scenario, groups: Sequence[str] | None = None, delta: float = 0.01,
                 batch: int | None = None, cap: int | None = None, seed: int | None = None, jobs: int = 1,
                 scheduler: str | None = None, progress: Callback | None = None) -> Settings:
    """Settings with the scenario's defaults: every group searched, batches of its replications, a cap of six
    batches, its seed. Raises StaffingError for settings that cannot work."""
    batch = batch or max(scenario.replications, 2)
    cap = cap or 6 * batch
    if cap < batch:
        raise StaffingError(f"--cap {cap} is below one batch ({batch} replications)")
    if not 0 < delta < 1:
        raise StaffingError(f"--delta must be more than 0 and below 1 (e.g. 0.01, one point), got {delta:g}")
    on_call = [g for g in scenario.group_names if all(b.on_call for b in scenario.groups[g].blocks)]
    chosen = list(groups) if groups else [g for g in scenario.group_names if g not in on_call]
    for group in chosen:
        if group not in scenario.groups:
            raise StaffingError(f"--groups: unknown group {group!r}; groups are {', '.join(scenario.group_names)}")
        if group in on_call:
            raise StaffingError(f"--groups: every engineer of {group} is on call, and staff on call is kept as "
                                "written (size the rota by its call-outs: on_call.<group>.per_night)")
    if not chosen:
        raise StaffingError("every group is on call: no staff on site to search")
    return Settings(chosen, batch, cap, delta, scenario.seed if seed is None else seed, jobs, scheduler, progress)


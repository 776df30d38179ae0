"""Customers, points plans and loyalty cards (issue 21, docs/contracts.md): the accounting is exact on
hand-placed tickets, points consumed are the engineer-hours charged, a plan that never binds changes nothing,
and cards are played and carried over exactly as the rules say."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from supportsim import api
from supportsim.cards import YEAR
from supportsim.engine import simulate_tickets
from supportsim.loader import validate_data
from supportsim.points import ACCEPTED, DECLINED, DOWNGRADED, REFUSED, SERVED
from supportsim.tickets import TicketStream

ROOT = Path(__file__).resolve().parents[1]
TYPES = {"incident": {"share": 0.5}, "request": {"share": 0.3}, "consultation": {"share": 0.2}}


def plan_desk(top_up: float = 1.0) -> dict:
    return {
        "name": "plan-desk", "horizon": "200h", "replications": 1,
        "segments": {"std": {"share": 1.0, "customers": {"count": 1}}},
        "types": TYPES,
        "arrivals": {"rate": "1/h"},
        "groups": {"L1": {"staff": 1, "work": {"dist": "exponential", "mean": "1h"}}},
        "contracts": {"plans": {"basic": {
            "points": 10, "per": "100h", "charge": {"request": "quoted", "consultation": "actual"},
            "warn_below": 3.5, "top_up": {"probability": top_up, "points": 2}}}},
    }


# (arrival, type, work): one customer, one engineer, each ticket's work known
PLACED = [(0, "incident", 2), (1, "consultation", 3), (10, "request", 4), (20, "request", 6), (30, "request", 5),
          (40, "consultation", 4), (50, "consultation", 1), (110, "consultation", 2)]


def placed_tickets() -> TicketStream:
    n = len(PLACED)
    names = list(TYPES)
    return TicketStream(
        arrived=np.array([a for a, _, _ in PLACED], dtype=float), segment=np.zeros(n, dtype=np.int8),
        priority=np.zeros(n, dtype=np.int8), offset=np.arange(n, dtype=np.int64), visits=np.ones(n, dtype=np.int64),
        route=np.zeros(n, dtype=np.int8), work=np.array([w for _, _, w in PLACED], dtype=float),
        customer=np.full(n, 0.5), type=np.array([names.index(t) for _, t, _ in PLACED]))


def test_points_accounting_is_exact_on_placed_tickets():
    record = simulate_tickets(validate_data(plan_desk()), 0, placed_tickets())
    contract = record.contract
    assert contract is not None
    # incident free; consultation worked 2-5 (3h); request quoted 4, accepted at 10: balance 3 < 3.5, warned, a
    # top-up (+2) makes 5; request quoted 6: top-up, 7, accepted, 1; request quoted 5: top-up, 3 < 5, declined;
    # consultation 40-44 takes 3 to -1 (ran out at 44); consultation at 50: empty, top-up to 1, served, 0;
    # the next period starts afresh with 10
    assert contract.points.tolist() == [0, 3, 4, 6, 0, 4, 1, 2]
    assert contract.outcome.tolist() == [SERVED, SERVED, ACCEPTED, ACCEPTED, DECLINED, SERVED, SERVED, SERVED]
    first, second = sorted(contract.accounts, key=lambda a: a.period)
    assert (first.consumed, first.balance, first.top_ups) == (18, 0, 4)
    assert (first.warning_ticket, first.warned_at, first.ran_out_at) == (2, 10, 44)
    assert (second.consumed, second.balance, second.top_ups, second.warning_ticket) == (2, 8, 0, -1)
    # the declined request was closed at once, without work, and no one waited behind it
    assert record.started[4] == record.ended[4] == 30
    assert record.ended[5] == 44


def test_without_top_ups_an_empty_customer_is_refused():
    record = simulate_tickets(validate_data(plan_desk(top_up=0.0)), 0, placed_tickets())
    contract = record.contract
    # request 6 no longer fits (balance 3 after the warning), nor 5; consultation at 40 runs 40-44 (3 -> -1);
    # the one at 50 finds no points and is refused
    assert contract.outcome.tolist() == [SERVED, SERVED, ACCEPTED, DECLINED, DECLINED, SERVED, REFUSED, SERVED]
    assert contract.points.tolist() == [0, 3, 4, 0, 0, 4, 0, 2]


def desk(**contracts) -> dict:
    data = {
        "name": "desk", "horizon": "1500h", "replications": 3, "seed": 7,
        "segments": {"vip": {"share": 0.2, "vip": True},
                     "std": {"share": 0.8, "customers": {"count": 30, "sizes": {"large": 0.2, "small": 0.8},
                                                          "rate_factor": {"large": 4}}}},
        "priorities": {"P1": 0.3, "P2": 0.7},
        "arrivals": {"rate": "2/h"},
        "groups": {"L1": {"staff": 3, "work": {"dist": "exponential", "mean": "1h"}, "escalate": {"L2": 0.3}},
                   "L2": {"staff": 1, "work": {"dist": "lognormal", "mean": "1.5h", "cv": 1.0}}},
        "entry": "L1",
        "policy": "preemptive",  # VIP work cuts standard work short: charged hours must add the pieces
    }
    if contracts:
        data["contracts"] = contracts
    return data


def rows(result) -> list[dict]:
    return list(csv.DictReader(io.StringIO(result.tickets_csv())))


def test_points_consumed_are_the_engineer_hours_charged_per_customer_and_in_total():
    plan = {"points": 30, "per": "500h", "charge": "actual", "warn_below": 5, "when_empty": "bill",
            "top_up": {"probability": 0.5, "points": 10}}
    result = api.simulate(desk(plans={"basic": plan}))
    table = rows(result)
    for replication, record in enumerate(result.records["base"]):
        consumed: dict[str, float] = defaultdict(float)
        names = record.contract.customers
        for account in record.contract.accounts:
            consumed[names.label(record.scenario.segment_names, account.customer)] += account.consumed
        charged: dict[str, float] = defaultdict(float)
        billed: dict[str, float] = defaultdict(float)
        mine = [r for r in table if int(r["replication"]) == replication and r["plan"] == "basic"]
        for r in mine:
            assert r["charge"] == "actual"
            (billed if r["outcome"] == "billed" else charged)[r["customer"]] += float(r["worked"])
            assert float(r["points"]) + float(r["billed"]) == pytest.approx(float(r["worked"]), abs=1e-5)
        assert set(charged) <= set(consumed)
        for customer, points in consumed.items():
            assert points == pytest.approx(charged[customer], abs=1e-4)
        assert sum(consumed.values()) == pytest.approx(sum(charged.values()), abs=1e-3)
        assert any(r["outcome"] == "billed" for r in mine) and len(record.interruptions)


def test_a_balance_that_never_binds_changes_no_ticket():
    generous = {"points": 1e6, "per": "500h", "charge": "actual", "when_empty": "refuse"}
    with_plans = rows(api.simulate(desk(plans={"generous": generous})))
    without = rows(api.simulate(desk()))
    assert len(with_plans) == len(without) > 1000
    for a, b in zip(with_plans, without):
        assert {k: a[k] for k in b} == b


def card_desk(carry_over: bool) -> dict:
    data = desk(cards={"gold": {"per_year": 8, "grants": {"segment": "vip"}, "use": {"large": 1.0, "small": 1.0},
                                "carry_over": carry_over}})
    data.update(horizon=f"{2 * YEAR:g}h", replications=1, policy="priority")
    data["arrivals"] = {"rate": "0.02/h"}
    return data


@pytest.mark.parametrize("carry_over", [True, False])
def test_cards_are_played_on_each_customers_first_tickets_of_the_year(carry_over):
    result = api.simulate(card_desk(carry_over))
    record = result.records["base"][0]
    table = rows(result)
    played, held, given = defaultdict(int), defaultdict(int), defaultdict(int)
    year_seen: dict[str, int] = {}
    checked = 0
    for r in table:
        if not r["customer"]:
            assert r["card"] == "" and r["segment"] == "vip"
            continue
        customer, year = r["customer"], int(float(r["arrived"]) // YEAR)
        while year_seen.get(customer, -1) < year:  # a new year: 8 more cards, the old kept or not
            held[customer] = held[customer] + 8 if carry_over else 8
            given[customer] += 8
            year_seen[customer] = year_seen.get(customer, -1) + 1
        expect = held[customer] > 0
        if expect:
            held[customer] -= 1
            played[customer] += 1
        assert (r["card"] == "gold") == expect
        assert r["segment"] == ("vip" if expect else "std")  # served as VIP with the card, else as its own
        checked += 1
    assert checked > 200 and any(v < 16 for v in played.values()) and any(v == 16 for v in played.values())
    labels = [record.contract.customers.label(record.scenario.segment_names, c)
              for c in range(len(record.contract.customers))]
    left = record.contract.cards.left["gold"]
    for c, label in enumerate(labels):
        if label in year_seen:
            if year_seen[label] < 1:  # quiet in the last year: its cards were still handed out
                held[label] = held[label] + 8 if carry_over else 8
            assert left[c] == held[label]
    assert record.contract.cards.handed["gold"].tolist() == [16] * len(labels)


def test_the_summary_reports_plans_cards_and_the_cost_to_others():
    data = desk(plans={"basic": {"points": 5, "per": "500h", "charge": "actual"}},
                cards={"gold": {"per_year": 2, "grants": {"segment": "vip"}, "use": {"large": 1.0}}},
                prices={"point": 100, "engineer_hour": 40})
    data["variants"] = {"none": {"contracts": None}, "device": {}}
    data["baseline"] = "none"
    summary = api.simulate(data).summary()
    device = summary["variants"]["device"]["contracts"]
    basic = device["plans"]["basic"]["all"]
    assert basic["customers"]["value"] == 30
    assert 0 < basic["ran_out"]["value"] <= 1 and basic["refused"]["value"] > 0
    assert basic["revenue"]["value"] == pytest.approx(500)
    others = device["others_vs_baseline"]
    # refusing tickets takes load off the desk: the untouched tickets wait less than the same tickets did
    assert others["reaction"]["mean"]["ratio"] < 1
    assert "contracts" not in summary["variants"]["none"]


def test_personal_engineers_belong_to_the_vip_populations_customers():
    data = desk()
    data["segments"]["vip"]["customers"] = {"count": 7}
    data["policy"] = {"kind": "personal", "fallback_after": "10000h", "speedup": 1.0}
    data["groups"]["L1"]["staff"] = 5
    record = api.simulate(data, replications=1).records["base"][0]
    contract = record.contract
    vip = record.tickets.segment == 0
    local = contract.customers.local[contract.customer[vip]]
    assert set(local.tolist()) == set(range(7))
    # never falling back, every VIP ticket is worked at L1 by its customer's engineer: customer k -> k mod 5
    assert (record.engineer[record.tickets.offset[vip]] == local % 5).all()


def test_personal_customers_given_twice_is_an_error():
    data = desk()
    data["segments"]["vip"]["customers"] = {"count": 7}
    data["policy"] = {"kind": "personal", "customers": 7}
    with pytest.raises(Exception, match=r"policy\.customers.*segments\.vip\.customers.*not both"):
        validate_data(data)


@pytest.mark.parametrize("change, path, words", [
    ({"plans": {"p": {"points": 5, "per": "13w", "charge": {"request": "quoted"}}}}, "contracts.plans.p.charge",
     "needs types"),
    ({"plans": {"p": {"points": 5, "per": "13w", "when_empty": "downgrade"}}}, "contracts.plans.p.downgrade_to",
     "is missing"),
    ({"plans": {"p": {"segments": ["vip"], "points": 5, "per": "13w"}}}, "contracts.plans.p.segments.0",
     "declares no customers"),
    ({"plans": {"p": {"points": 5, "per": "13w"}, "q": {"points": 9, "per": "13w"}}}, "contracts.plans.q.segments",
     "already holds plan 'p'"),
    ({"cards": {"c": {"per_year": 1, "grants": {}}}}, "contracts.cards.c.grants", "grants nothing"),
    ({"cards": {"c": {"per_year": 1, "grants": {"segment": "gold"}}}}, "contracts.cards.c.grants.segment",
     "unknown segment 'gold'"),
    ({"cards": {"c": {"per_year": 1, "grants": {"route": "L2"}, "use": {"huge": 1}}}}, "contracts.cards.c.use.huge",
     "unknown size 'huge'; sizes are large, small"),
    ({"cards": {"c": {"per_year": 1, "grants": {"route": "L2"}, "use": {"large": {"P9": 1}}}}},
     "contracts.cards.c.use.large.P9", "unknown priority 'P9'"),
])
def test_bad_contracts_name_the_key_path(change, path, words):
    with pytest.raises(Exception) as caught:
        validate_data(desk(**change))
    assert f"{path}: " in str(caught.value) and words in str(caught.value)


def test_contracts_need_customers():
    data = desk(plans={"p": {"points": 5, "per": "13w"}})
    del data["segments"]["std"]["customers"]
    with pytest.raises(Exception, match="contracts: plans and cards are per customer"):
        validate_data(data)


def test_population_shares_and_factors_are_checked():
    data = desk()
    data["segments"]["std"]["customers"] = {"count": 5, "sizes": {"a": 0.5, "b": 0.4}, "rate_factor": {"c": 2}}
    with pytest.raises(Exception) as caught:
        validate_data(data)
    assert "segments.std.customers.sizes: shares must sum to 1" in str(caught.value)
    assert "segments.std.customers.rate_factor.c: unknown size 'c'" in str(caught.value)


def test_customers_are_chosen_in_proportion_to_their_size_class_rate():
    # 30 customers: 6 large (factor 4) and 24 small (1): large ones write 24/48 of the tickets
    data = desk()
    data["horizon"] = "5000h"
    result = api.simulate(data, replications=2)
    large = total = 0
    for record in result.records["base"]:
        contract = record.contract
        labelled = contract.customer >= 0
        sizes = contract.customers.size[contract.customer[labelled]]
        large += int((sizes == contract.customers.size_names.index("large")).sum())
        total += int(labelled.sum())
        assert set(contract.customer[labelled].tolist()) == set(range(30))
    share, sd = large / total, (0.25 / total) ** 0.5
    assert abs(share - 0.5) < 5 * sd


def test_checks_can_judge_contract_figures():
    from supportsim.checks import parse_checks

    scenario = validate_data({**desk(plans={"basic": {"points": 5, "per": "500h"}}),
                              "checks": ["contracts.plans.basic.all.ran_out <= 10%",
                                         "contracts.others.reaction <= 1h"]})
    checks, problems = parse_checks(scenario, {"base": scenario})
    assert not problems
    assert [c.key for c in checks] == [("contracts", "plans", "basic", "all", "ran_out"),
                                       ("contracts", "others", "reaction", "mean")]


def test_the_bundled_points_plan_runs_and_reports_its_plans_and_cards(tmp_path):
    import yaml

    data = yaml.safe_load((ROOT / "scenarios" / "points-plan.yaml").read_text())
    data["horizon"] = "27w"  # two plan periods after the warm-up week
    result = api.simulate(data, replications=2)
    summary = result.summary()
    assert summary["baseline"] == "no-device"
    for variant in ("small-refuse", "large-refuse", "small-bill"):
        basic = summary["variants"][variant]["contracts"]["plans"]["basic"]
        assert {"large", "medium", "small", "all"} == set(basic)
        assert basic["all"]["customers"]["value"] == 300
    for variant in ("cards-few", "cards-many"):
        assert {"expert", "emergency"} == set(summary["variants"][variant]["contracts"]["cards"])
    html = (result.save(tmp_path / "out", report=True) / "report.html").read_text()
    assert 'id="contracts"' in html and "Points plans" in html and "Cost to everyone else" in html


def test_the_yaml_in_contracts_md_is_valid_on_the_bundled_desk():
    import re

    import yaml

    desk_data = yaml.safe_load((ROOT / "scenarios" / "points-plan.yaml").read_text())
    del desk_data["variants"], desk_data["baseline"]  # each fragment on the one desk
    blocks = re.findall(r"^```yaml fragment\n(.*?)^```", (ROOT / "docs" / "contracts.md").read_text(), re.S | re.M)
    assert len(blocks) >= 4
    for body in blocks:
        change = yaml.safe_load(body)
        merged = {**desk_data, **{k: v for k, v in change.items() if k != "segments"}}
        if "segments" in change:
            merged["segments"] = {**desk_data["segments"], **change["segments"]}
        validate_data(merged)


def test_a_premium_customer_out_of_points_is_served_as_the_lower_segment():
    data = {
        "name": "downgrade", "horizon": "100h", "replications": 1, "policy": "priority",
        "segments": {"vip": {"share": 0.5, "vip": True, "customers": {"count": 1}}, "std": {"share": 0.5}},
        "arrivals": {"rate": "1/h"},
        "groups": {"L1": {"staff": 1, "work": {"dist": "exponential", "mean": "1h"}}},
        "contracts": {"plans": {"premium": {"points": 1, "per": "100h", "charge": "actual",
                                            "when_empty": "downgrade", "downgrade_to": "std"}}},
    }
    # (arrival, segment, work): the premium customer's first ticket takes 2 hours (balance 1 -> -1); its next one,
    # at 5, finds no points and queues as a std ticket behind the std ticket that came at 4
    placed = [(0, 0, 2), (3, 1, 5), (4, 1, 1), (5, 0, 1)]
    n = len(placed)
    tickets = TicketStream(
        arrived=np.array([a for a, _, _ in placed], dtype=float), segment=np.array([s for _, s, _ in placed],
                                                                                  dtype=np.int8),
        priority=np.zeros(n, dtype=np.int8), offset=np.arange(n, dtype=np.int64), visits=np.ones(n, dtype=np.int64),
        route=np.zeros(n, dtype=np.int8), work=np.array([w for _, _, w in placed], dtype=float),
        customer=np.full(n, 0.5))
    record = simulate_tickets(validate_data(data), 0, tickets)
    assert record.contract.outcome.tolist() == [SERVED, SERVED, SERVED, DOWNGRADED]
    assert record.started.tolist() == [0, 3, 8, 9]
    assert record.tickets.segment.tolist() == [0, 1, 1, 1] and record.contract.home.tolist() == [0, 1, 1, 0]
    assert record.rank.tolist()[3] == record.rank.tolist()[2]


def test_a_pool_of_requests_takes_one_point_per_request():
    data = plan_desk(top_up=0.0)
    data["contracts"]["plans"]["basic"].update(points=2, charge={"request": "per_ticket"}, warn_below=0)
    record = simulate_tickets(validate_data(data), 0, placed_tickets())
    # the three requests of the first period: two fit the pool of 2, the third is declined; the rest are free
    assert record.contract.points.tolist() == [0, 0, 1, 1, 0, 0, 0, 0]
    assert record.contract.outcome.tolist() == [SERVED, SERVED, ACCEPTED, ACCEPTED, DECLINED, SERVED, SERVED, SERVED]


def test_an_emergency_card_sends_its_ticket_straight_to_its_group_with_the_work_drawn_there():
    data = desk(cards={"emergency": {"per_year": 3, "grants": {"route": "L2"}, "use": {"large": 1.0, "small": 1.0}}})
    data.update(policy="priority", replications=1)
    data["variants"] = {"none": {"contracts": None}, "cards": {}}
    result = api.simulate(data)
    plain, carded = result.records["none"][0], result.records["cards"][0]
    played = np.flatnonzero(carded.contract.cards.played == 0)
    assert len(played) > 50
    l2 = carded.scenario.group_names.index("L2")
    kept = 0
    for t in played:
        first = carded.tickets.offset[t]
        assert carded.tickets.visits[t] == 1 and carded.tickets.route[first] == l2
        route = plain.tickets.route[plain.tickets.offset[t]:plain.tickets.offset[t] + plain.tickets.visits[t]]
        if l2 in route:  # its L2 work as drawn: worked at pace 1, without interruption
            visit = plain.tickets.offset[t] + int(np.flatnonzero(route == l2)[0])
            assert carded.in_work[first] == pytest.approx(plain.tickets.work[visit])
            kept += 1
    assert kept > 5


def test_a_sweep_over_a_plans_points_reports_each_plan_and_size_class():
    data = desk(plans={"basic": {"points": 5, "per": "500h", "charge": "actual"}})
    data.update(replications=2, horizon="1000h")
    table = api.sweep(data, grid={"contracts.plans.basic.points": [2, 1e6]})
    rows = table if isinstance(table, list) else table.to_dict("records")
    ran_out = {(r["contracts.plans.basic.points"], r["name"]): r["value"] for r in rows
               if r["scope"] == "plan" and r["metric"] == "ran_out"}
    assert set(ran_out) == {(p, n) for p in (2, 1e6) for n in ("basic.large", "basic.small", "basic.all")}
    assert ran_out[(1e6, "basic.all")] == 0 < ran_out[(2, "basic.all")]

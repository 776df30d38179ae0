"""VIP policies that have no closed form, checked ticket by ticket against what they promise."""

import numpy as np

from supportsim import load_scenario
from supportsim.engine import simulate_replication
from supportsim.tickets import draw_tickets

EPS = 1e-9


def one_group(staff, vip_rate, standard_rate, policy, horizon="1500h", work=None):
    return load_scenario({
        "name": "g", "horizon": horizon, "seed": 4,
        "segments": {"vip": {"rate": f"{vip_rate}/h", "vip": True}, "standard": {"rate": f"{standard_rate}/h"}},
        "groups": {"L1": {"staff": staff, "work": work or {"dist": "exponential", "mean": "1h"}}},
        "policy": policy,
    })


def test_personal_engineer_takes_their_customers_tickets_unless_the_fallback_fired():
    # one customer per engineer, no speed-up: every VIP ticket belongs to engineer floor(customer * 4)
    staff, fallback = 4, 1.5
    scenario = one_group(staff, 1.0, 2.2, {"kind": "personal", "customers": staff, "fallback_after": "90m", "speedup": 1})
    record = simulate_replication(scenario, 0)
    t = record.tickets
    vip = t.segment == 0
    named = np.floor(t.customer * staff).astype(int) % staff
    wait = record.started - t.arrived
    by_own = record.engineer == named
    before_fallback = wait < fallback - EPS
    assert np.all(by_own[vip & before_fallback]), "a VIP ticket was taken by another engineer before its fallback"
    assert np.all(wait[vip & ~by_own] >= fallback - EPS), "another engineer took a VIP ticket too early"
    fell_back = vip & (wait > fallback + EPS)
    assert (vip & by_own).sum() > 0.5 * vip.sum() and fell_back.sum() > 20  # both paths are exercised
    # once fallen back, the ticket goes ahead of all non-VIP work: no non-VIP ticket starts while it waits
    plain_starts = np.sort(record.started[~vip])
    for arrived, started in zip(t.arrived[fell_back], record.started[fell_back]):
        inside = np.searchsorted(plain_starts, started - EPS) - np.searchsorted(plain_starts, arrived + fallback + EPS)
        assert inside == 0


def test_personal_engineer_works_at_the_speedup_and_others_at_the_usual_pace():
    staff = 5
    scenario = one_group(staff, 1.0, 2.5, {"kind": "personal", "customers": 12, "fallback_after": "1h", "speedup": 0.5})
    record = simulate_replication(scenario, 1)
    t = record.tickets
    named = np.floor(t.customer * 12).astype(int) % staff
    own = (t.segment == 0) & (record.engineer == named)
    took = record.ended - record.started
    assert own.sum() > 100 and (~own).sum() > 100
    assert np.allclose(took[own], 0.5 * t.work[own]) and np.allclose(took[~own], t.work[~own])
    assert len(record.interruptions) == 0


def test_contact_first_reacts_to_every_vip_ticket_within_the_limit_plus_the_contact():
    within, contact = 0.25, 5 / 60
    scenario = one_group(5, 0.8, 3.1, {"kind": "contact_first", "within": "15m", "contact": {"dist": "deterministic", "mean": "5m"}})
    record = simulate_replication(scenario, 0)
    t = record.tickets
    vip = t.segment == 0
    reaction = record.first_response - t.arrived
    assert np.all(reaction[vip] <= within + contact + EPS)
    # stricter: beyond the limit only when every engineer was busy with first contacts at that moment
    contacts = t.activity == t.activities.index("contact")
    late = np.flatnonzero(vip & (reaction > within + EPS))
    for ticket in late:
        moment = t.arrived[ticket] + within
        busy = (record.started[contacts] <= moment) & (record.ended[contacts] > moment)
        assert busy.sum() == 5
    # exactly one contact visit per VIP ticket, first, at L1, with the declared work; none for the others
    assert t.activities == ("work", "contact")
    assert np.array_equal(np.add.reduceat(contacts.astype(np.int8), t.offset), vip.astype(np.int8))
    assert np.all(contacts[t.offset[vip]]) and np.allclose(t.work[contacts], contact)
    # the contact interrupted other work when needed, and a ticket waiting long enough was interrupted for
    assert len(record.interruptions) > 0 and np.mean(reaction[~vip]) > 5 * np.mean(reaction[vip])


def test_contact_visits_leave_every_other_draw_alone():
    scenario = one_group(5, 0.8, 3.1, "contact_first")
    fifo = draw_tickets(one_group(5, 0.8, 3.1, "fifo"), 2)
    contact = draw_tickets(scenario, 2)
    assert np.array_equal(fifo.arrived, contact.arrived) and np.array_equal(fifo.customer, contact.customer)
    kept = contact.activity == 0  # work visits: the ticket's own
    assert np.array_equal(contact.work[kept], fifo.work) and np.array_equal(contact.route[kept], fifo.route)


def test_dedicated_engineers_never_touch_the_other_side():
    scenario = one_group(6, 1.0, 3.0, {"kind": "dedicated", "engineers": {"L1": 2}}, horizon="300h")
    record = simulate_replication(scenario, 0)
    vip = record.tickets.segment == 0
    assert set(record.engineer[vip]) == {0, 1} and set(record.engineer[~vip]) == {2, 3, 4, 5}


def test_reserve_keeps_reserved_engineers_for_vip_tickets_first():
    scenario = one_group(6, 1.0, 4.2, {"kind": "reserve", "engineers": {"L1": 2}}, horizon="1000h")
    record = simulate_replication(scenario, 0)
    vip = record.tickets.segment == 0
    def share_reserved(mask):
        return np.isin(record.engineer[mask], [0, 1]).mean()
    assert share_reserved(vip) > 2 * share_reserved(~vip)
    reaction = record.first_response - record.tickets.arrived
    assert reaction[vip].mean() < 0.5 * reaction[~vip].mean()

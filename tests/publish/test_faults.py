"""Through a fault-injecting proxy: every row accounted for, no duplicates."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable

import pytest

from importer.devcat.testsite import CkanSite
from importer.publish.engine import Status
from importer.publish.run import ImportOptions, import_records
from importer.publish.transport import Client, RetryPolicy
from tests.faultproxy import FaultProxy, Faults
from tests.publish.factory import LAYOUT, make_record, make_records

pytestmark = [pytest.mark.ckan, pytest.mark.slow]

# 14 attempts: at the heaviest fault rate below (45 % of requests) a call still gives up
# once in ~70,000 (0.45 ** 14), not once in ~3,000 as with 10
POLICY = RetryPolicy(attempts=14, base=0.05, cap=0.4, max_retry_after=1.0)
# requests are held (DELAY) past the client's TIMEOUT and then forwarded; the margins on
# both sides (DELAY - TIMEOUT, and 2 * TIMEOUT - DELAY for the second look-up) are 1.25 s,
# so a slow, shared machine does not turn a held request into a different story
TIMEOUT, DELAY = 2.5, 3.75


def _stored_by_prefix(client: Client, prefix: str) -> list[dict]:
    result = client.call("package_search", {
        "q": f"name:{prefix}*", "rows": 1000, "include_private": True,
        "include_drafts": True})
    return list(result["results"])


def test_faults_every_row_accounted_for_no_duplicates(
    ckan_site: CkanSite, make_client: Callable[..., Client], prefix: str
) -> None:
    records = make_records(prefix, 30, ckan_site.child_org.id)
    faults = Faults(drop=0.08, delay=0.04, status=0.12, lose=0.10, delay_seconds=DELAY,
                    seed=int(os.environ.get("FAULT_SEED", "7")),
                    script={"package_create": ["drop", "delay", "status", "lose"]})
    with FaultProxy(ckan_site.url, faults) as proxy:
        client = make_client(url=proxy.url, timeout=TIMEOUT, policy=POLICY)
        first = import_records(records, client, LAYOUT, ImportOptions(workers=3))
        assert [(o.status, o.message) for o in first.outcomes] == [
            (Status.CREATED, "created")] * 30
        for fault in ("drop", "delay", "lose"):
            assert faults.stats[fault] > 0, faults.stats
        assert sum(n for k, n in faults.stats.items() if k.startswith("status")) > 0
        proxy.wait_idle()  # a held request of this step never lands in the next one

        edited = []
        for record in records:
            pkg = copy.deepcopy(record.package)
            pkg["notes"] = "Edited through a bad network."
            edited.append(make_record({**pkg, "_resources": [
                {**r.resource, "description": "edited"} for r in record.resources]},
                record.row, record.resources[0].row))
        client2 = make_client(url=proxy.url, timeout=TIMEOUT, policy=POLICY)
        second = import_records(edited, client2, LAYOUT, ImportOptions(workers=3))
        assert [(o.status, o.message) for o in second.outcomes] == [(
            Status.UPDATED, "record patched, resource Download CSV 1 updated, "
            "resource Download CSV 2 updated")] * 30
        proxy.wait_idle()

        # new resources (resource_create) under lost answers, drops, error statuses and
        # requests held past the timeout that the site commits after the client's look-up
        # and retry: each create carries its own id, so a late repeat is the same resource
        proxy.faults.delay = 0.15
        proxy.faults.script = {"resource_create": ["lose", "delay", None, "drop", "status"]}
        lost_before = faults.stats["lose resource_create"]
        held_before = faults.stats["delay resource_create"]
        added = []
        for record in edited:
            pkg = copy.deepcopy(record.package)
            added.append(make_record({**pkg, "_resources": [
                *(r.resource for r in record.resources),
                {**record.resources[0].resource, "name": "Download CSV 3"}]},
                record.row, record.resources[0].row))
        client3 = make_client(url=proxy.url, timeout=TIMEOUT, policy=POLICY)
        third = import_records(added, client3, LAYOUT, ImportOptions(workers=3))
        assert [(o.status, o.message) for o in third.outcomes] == [
            (Status.UPDATED, "resource Download CSV 3 created")] * 30
        assert faults.stats["lose resource_create"] > lost_before, faults.stats
        assert faults.stats["delay resource_create"] > held_before, faults.stats
        planned_ids = {p.name: [s.new_id for s in p.resources if s.new_id]
                       for p in third.plans}
        proxy.wait_idle()  # every held request has reached the site


    direct = make_client()
    stored = _stored_by_prefix(direct, prefix)
    names = sorted(p["name"] for p in stored)
    assert names == sorted(r.name for r in records)  # each exactly once
    for pkg in stored:
        assert pkg["notes"] == "Edited through a bad network."
        assert sorted(r["name"] for r in pkg["resources"]) == [
            "Download CSV 1", "Download CSV 2", "Download CSV 3"]  # no duplicate
        assert [r["id"] for r in pkg["resources"] if r["name"] == "Download CSV 3"] == \
            planned_ids[pkg["name"]]  # created under the id the plan chose
        assert {r["description"] for r in pkg["resources"]} == {"edited"}
    last = import_records(added, make_client(), LAYOUT, ImportOptions())
    assert [o.status for o in last.outcomes] == [Status.UNCHANGED] * 30


@pytest.mark.parametrize(("faults", "creates"), [
    # the site commits, the answer is lost: one look-up by id finds it, no second create
    (Faults(lose=1.0, actions=frozenset({"resource_create"})), 1),
    # every create is held past the client's timeout and committed later: the look-up
    # after the first timeout finds nothing and the create is sent again; the look-up
    # after the second finds the first one, and the second, arriving late, meets it
    (Faults(delay=1.0, delay_seconds=DELAY, actions=frozenset({"resource_create"})), 2),
])
def test_resource_create_repeated_by_a_late_commit_is_one_resource(
    ckan_site: CkanSite, make_client: Callable[..., Client], prefix: str, faults: Faults,
    creates: int,
) -> None:
    record = make_records(prefix, 1, ckan_site.child_org.id)[0]
    assert import_records([record], make_client(), LAYOUT, ImportOptions()).outcomes[0] \
        .status is Status.CREATED
    pkg = copy.deepcopy(record.package)
    added = make_record({**pkg, "_resources": [
        *(r.resource for r in record.resources),
        {**record.resources[0].resource, "name": "Download CSV 3"}]},
        record.row, record.resources[0].row)
    with FaultProxy(ckan_site.url, faults) as proxy:
        client = make_client(url=proxy.url, timeout=TIMEOUT,
                             policy=RetryPolicy(attempts=6, base=0.05, cap=0.2))
        result = import_records([added], client, LAYOUT, ImportOptions())
        assert [o.status for o in result.outcomes] == [Status.UPDATED]
        assert client.transport.counts["resource_create"] == creates
        assert client.transport.counts["resource_show"] == creates
        proxy.wait_idle()  # every held request has reached the site
    planned = [s.new_id for s in result.plans[0].resources if s.new_id]
    stored = make_client().call("package_show", {"id": record.name})["resources"]
    assert [r["name"] for r in stored] == ["Download CSV 1", "Download CSV 2", "Download CSV 3"]
    assert [r["id"] for r in stored][2:] == planned

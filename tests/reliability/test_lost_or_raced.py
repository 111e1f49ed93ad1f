"""A create that failed with an answer that may hide a commit (a 500: two runs creating
one name at once make CKAN's insert collide), then "That URL is already in use": the
record found is ours only if it holds the resource ids this run chose. Another run's
record with the same values is a race (``unchanged``), so two runs never both count it
as created (seen: 23 created for 22 records with three imports at once)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from importer.publish.engine import Engine, Status
from importer.publish.plan import Existing, build_plan
from importer.publish.transport import Answer, Client, RetryPolicy
from tests.publish.factory import LAYOUT, make_record, package_body
from tests.publish.test_plan import stored_from
from tests.publish.test_transport import FakeTransport, err

IN_USE = err(409, "Validation Error", name=["That URL is already in use."])


def _show(pkg: dict[str, Any]) -> Answer:
    return Answer(200, {}, {"success": True, "result": pkg})


@pytest.mark.parametrize("whose", ["another run's", "ours"])
def test_url_in_use_after_a_500_is_ours_only_with_our_resource_ids(whose: str) -> None:
    body = package_body("p", 1, "org-1")
    [plan] = build_plan([make_record(body, 2)], Existing(), LAYOUT,
                        new_id=iter(["rid-1", "rid-2"]).__next__)
    assert [r["id"] for r in plan.body["resources"]] == ["rid-1", "rid-2"]
    stored = stored_from(body)  # the same values, created by someone
    if whose == "ours":
        stored["resources"][0]["id"] = "rid-1"
    # create: 500; look-up: found; create again: in use; look-up: found; race: look-up
    script = [Answer(500, {}, None), _show(stored), IN_USE, _show(stored), _show(stored)]
    transport = FakeTransport(script)
    client = Client(transport, policy=RetryPolicy(attempts=4, base=0.001, cap=0.001),
                    sleep=lambda _s: None, rng=random.Random(1))
    [outcome] = Engine(client, LAYOUT, workers=1).run([plan], lambda _o: None)
    if whose == "ours":  # the first look-up already recognises it: nothing more is sent
        assert (outcome.status, transport.sent) == (
            Status.CREATED, ["package_create", "package_show"])
    else:
        assert outcome.status is Status.UNCHANGED
        assert outcome.message == (
            "created at the same time by another run, with this row's values")
        assert transport.sent == ["package_create", "package_show", "package_create",
                                  "package_show", "package_show"]

"""The read-only actions of a BC-schema site for :func:`tests.fakeckan.fake_ckan`: the
bundled schema and licences and the dev catalogue's three organizations, for tests that
check against a site without starting the dev catalogue (``check --url``, the web app)."""

from __future__ import annotations

import json
from typing import Any

from importer.schema import data_path

ORGS = [{"id": f"00000000-0000-0000-0000-00000000000{i}", "name": name, "title": title}
        for i, (name, title) in enumerate([("devcat-ministry", "Dev Catalogue Ministry"),
                                           ("devcat-branch", "Dev Catalogue Branch"),
                                           ("devcat-agency", "Dev Catalogue Agency")])]
TOKEN = "secret-token-1234567890"
SCHEMA = json.loads(data_path("bcdc_dataset.expanded.json").read_text())
LICENCES = json.loads(data_path("bcdc_licenses.json").read_text())


def check_site(orgs: list[dict[str, str]], token: str) -> dict[str, Any]:
    """The read-only actions ``check --url`` calls, from the bundled schema and licences;
    ``organization_list_for_user`` lists ``orgs`` only for ``token`` (anonymous callers may
    create datasets nowhere, as on a real site); ``organization_list`` (public) lists
    ``orgs`` to anyone."""

    def organization_show(body: dict[str, Any], _authorization: str | None) -> Any:
        found = [o for o in orgs if body.get("id") in (o["id"], o["name"])]
        return found[0] if found else (
            "error", 404, {"__type": "Not Found Error", "message": "Not found"})

    return {
        "scheming_dataset_schema_list": [SCHEMA["dataset_type"]],
        "scheming_dataset_schema_show": SCHEMA,
        "license_list": LICENCES,
        "organization_list_for_user": lambda _body, authorization: (
            orgs if authorization == token else []),
        "organization_list": lambda body, _auth: [] if body.get("offset") else orgs,
        "organization_show": organization_show,
    }

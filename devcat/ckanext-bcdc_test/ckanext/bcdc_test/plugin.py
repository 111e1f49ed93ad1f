"""The ``bcdc_test`` plugin: wires the validators, helper and hooks into CKAN."""

from __future__ import annotations

from typing import Any

import ckan.plugins as plugins
from ckanext.bcdc_test import logic, validators


class BcdcTestPlugin(plugins.SingletonPlugin):
    """What the BC schema names but the catalogue's own extensions supply (dev use only)."""

    plugins.implements(plugins.IValidators)
    plugins.implements(plugins.ITemplateHelpers)
    plugins.implements(plugins.IActions)
    plugins.implements(plugins.IPackageController, inherit=True)
    plugins.implements(plugins.IResourceController, inherit=True)

    def get_validators(self) -> dict[str, Any]:
        return validators.all_validators()

    def get_helpers(self) -> dict[str, Any]:
        return {"edc_orgs_form": logic.edc_orgs_form}

    def get_actions(self) -> dict[str, Any]:
        return {"package_update": logic.package_update}

    def before_dataset_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
        return logic.restrict_search(search_params)

    def before_resource_create(self, context: Any, resource: dict[str, Any]) -> None:
        logic.lowercase_format(resource)
        logic.parse_repeating_fields(resource)

    def before_resource_update(
        self, context: Any, current: dict[str, Any], resource: dict[str, Any]
    ) -> None:
        logic.parse_repeating_fields(resource)

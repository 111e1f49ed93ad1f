"""The ``bcdc_test`` plugin: wires the validators, helper and hooks into CKAN."""

from __future__ import annotations

from typing import Any

import ckan
import ckan.plugins as plugins
from ckanext.bcdc_test import logic, validators

#: CKAN 2.9 names the hooks ``before_search`` / ``before_create`` / ``before_update``;
#: 2.10+ renamed them (``before_dataset_search``, ``before_resource_create`` …).
CKAN_29 = ckan.__version__.startswith("2.9")


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

    if CKAN_29:

        def before_search(self, search_params: dict[str, Any]) -> dict[str, Any]:
            return self.before_dataset_search(search_params)

        def before_create(self, context: Any, resource: dict[str, Any]) -> None:
            self.before_resource_create(context, resource)

        def before_update(
            self, context: Any, current: dict[str, Any], resource: dict[str, Any]
        ) -> None:
            self.before_resource_update(context, current, resource)

    def before_resource_update(
        self, context: Any, current: dict[str, Any], resource: dict[str, Any]
    ) -> None:
        logic.parse_repeating_fields(resource)

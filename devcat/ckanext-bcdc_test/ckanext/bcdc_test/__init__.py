"""Test-only CKAN plugin for the bcdc-importer dev catalogue."""

"""Publish: plan and carry out the import of checked records into a CKAN site."""

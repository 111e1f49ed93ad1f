"""Local dev catalogue: a real CKAN 2.12 with the BC schema, for tests and demos.

See ``docs/dev-catalogue.md``. The library API is in :mod:`importer.devcat.manager`.
"""

"""bcdc-importer: bulk spreadsheet importer for CKAN sites that publish a scheming schema.

The package is split by stage so the layout shows the data flow::

    schema (field model) -> template -> read -> map -> validate -> publish -> report

with ``cli`` on top. Everything is driven by one field model, :mod:`importer.schema`.
"""

__version__ = "0.1.0"

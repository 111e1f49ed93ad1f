"""bcdc-importer: bulk spreadsheet importer for CKAN sites with a scheming schema."""

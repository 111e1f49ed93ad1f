"""Map spreadsheet rows to packages in the API's shape, and packages back to rows."""

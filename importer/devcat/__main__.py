"""``python -m importer.devcat up|down|reset|status``."""

from importer.devcat.cli import main

if __name__ == "__main__":
    main()

"""``python -m importer.devcat up|down|reset|status``."""

from importer.devcat.cli import dev_catalogue

if __name__ == "__main__":
    dev_catalogue(prog_name="python -m importer.devcat")

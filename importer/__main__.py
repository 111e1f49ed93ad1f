"""``python -m importer`` runs the same CLI as ``bcdc-import``."""

from importer.cli import main

if __name__ == "__main__":
    main()

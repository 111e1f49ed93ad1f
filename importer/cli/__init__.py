"""The ``bcdc-import`` command line: a thin layer that only translates.

Each command parses its options, calls one library function, renders the result and sets
the exit code. Every :class:`importer.errors.ImporterError` becomes one line on stderr and
its exit code here, in :func:`main`, and nowhere else.
"""

from __future__ import annotations

import os
import sys

import click

from importer import __version__
from importer.errors import ImporterError

#: set to show the traceback of an unexpected error instead of one line
DEBUG_ENV = "BCDC_IMPORT_DEBUG"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bcdc-import")
def cli() -> None:
    """Bulk-create and bulk-edit CKAN dataset records from a spreadsheet.

    Made for the BC Data Catalogue (bcdc_dataset schema); works with any CKAN site that
    publishes a ckanext-scheming schema.
    """


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI, turning run-stopping errors into one line and an exit code.

    Commands return an ``int`` exit code: 0 success, 1 problems found in the data, 2 the
    run could not be done at all (bad file, site unreachable, ...).
    """
    try:
        code = cli.main(args=argv, prog_name="bcdc-import", standalone_mode=False)
    except ImporterError as err:
        click.echo(f"Error: {err}", err=True)
        sys.exit(err.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.MissingParameter as err:  # a usage mistake: show the usage too
        err.show()
        sys.exit(err.exit_code)
    except click.BadParameter as err:
        # A value that cannot be used (a folder given as a file, a number out of range):
        # one line, like every other error. Usage mistakes below also show the usage.
        click.echo(f"Error: {err.format_message()}", err=True)
        sys.exit(err.exit_code)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except Exception as err:  # a bug met on some input: still one line, never a traceback
        if os.environ.get(DEBUG_ENV):
            raise
        click.echo(f"Error: unexpected {type(err).__name__}: {err} (a bug: please report it "
                   f"with the command; {DEBUG_ENV}=1 shows where it happened)", err=True)
        sys.exit(2)
    # Commands return their exit code (``ctx.exit(n)`` is returned as ``n`` too).
    sys.exit(code if isinstance(code, int) else 0)


# Commands, in the order of the editor's workflow. Imported last: each module imports `cli`.
from importer.cli.check import check_command  # noqa: E402
from importer.cli.columns import columns_command  # noqa: E402
from importer.cli.demo import demo_command  # noqa: E402
from importer.cli.export import export_command  # noqa: E402
from importer.cli.import_ import import_command  # noqa: E402
from importer.cli.serve import serve_command, worker_command  # noqa: E402
from importer.cli.template import template_command  # noqa: E402
from importer.cli.undo import undo_command  # noqa: E402
from importer.devcat.cli import dev_catalogue  # noqa: E402

for _command in (template_command, columns_command, check_command, import_command,
                 undo_command, export_command, serve_command, worker_command, demo_command,
                 dev_catalogue):
    cli.add_command(_command)

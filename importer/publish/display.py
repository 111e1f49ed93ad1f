"""The dry run's plan and the failed rows as lines of text, for every door to show.

The CLI prints these lines; the web page shows the same lines, so the plan an editor sees
in a browser is exactly the one ``import --dry-run`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from importer.publish.engine import RowOutcome, Status
from importer.publish.plan import change_text
from importer.publish.run import ImportResult

#: failed rows listed after the summary; the rest are only in the report.
FAILED_SHOWN = 10


@dataclass(frozen=True)
class PlannedUpdate:
    """One row the dry run would update, with every change as the CLI prints it
    (:func:`importer.publish.plan.change_text`)."""

    outcome: RowOutcome
    heading: str
    changes: list[str]


def planned_updates(result: ImportResult) -> list[PlannedUpdate]:
    """Every row the dry run would update, in plan order, with its field changes."""
    return [PlannedUpdate(o, f"{o.record.sheet} row {o.record.row} ({o.name}): would update",
                          [change_text(c) for c in o.changes])
            for o in result.outcomes if o.status is Status.WOULD_UPDATE]


def plan_lines(result: ImportResult) -> list[str]:
    """The dry run's field-level diff as the CLI prints it (indented change lines)."""
    lines: list[str] = []
    for update in planned_updates(result):
        lines.append(update.heading)
        lines.extend(f"    {change}" for change in update.changes)
    return lines


def failed_lines(result: ImportResult, shown: int = FAILED_SHOWN) -> list[str]:
    """The failed and invalid rows, each at its first problem's cell, at most ``shown``."""
    failed = [o for o in result.outcomes if o.status in (Status.FAILED, Status.INVALID)]
    lines = []
    for o in failed[:shown]:
        first = o.problems[0] if o.problems else None
        where = f"{first.sheet}!{first.cell}" if first and first.cell else \
            f"{o.record.sheet} row {o.record.row}"
        lines.append(f"{o.status.value}: {where}: {first.message if first else o.message}")
    if len(failed) > shown:
        lines.append(f"... and {len(failed) - shown} more in the report")
    return lines

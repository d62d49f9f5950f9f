"""``corroborate review``: accept, edit or reject a report's main value; list decisions."""

from __future__ import annotations

import json
from typing import Any

import click

from .cli_common import collection_option, opened
from .text import safe

__all__ = ["register"]


@click.command()
@collection_option
@click.argument("report_id")
@click.argument("field", required=False)
@click.argument("action", required=False, type=click.Choice(["accept", "edit", "reject"]))
@click.option("--reviewer", help="Who decides (required to decide).")
@click.option("--value", "new_value", help="edit: the new value (an id, an ISO code, a date).")
@click.option("--label", help="edit: the new value's label (default: the value).")
@click.option("--note", default="", help="Why, for the review log.")
@click.option("--revision", type=int, default=0, show_default=True,
              help="The revision of the value you looked at (shown by `review REPORT_ID`).")
def review(collection: str, report_id: str, field: str | None, action: str | None,
           reviewer: str | None, new_value: str | None, label: str | None, note: str,
           revision: int) -> None:
    """Decide on a report's main value (docs/review.md), or list its decisions.

    With a FIELD and an ACTION, records the decision in the append-only review log; a
    decision made on a value someone has decided on since is refused and shown.

    \b
    Example:
        corroborate review r-4faf…                        # each field, value and revision
        corroborate review r-4faf… country accept --reviewer ana
        corroborate review r-4faf… when edit --value 2019-03 --reviewer ana \\
            --note "the source says early March" --revision 1
    """
    from . import review as reviewing
    from .errors import CorroborateError, ReviewConflict

    with opened(collection) as store:
        if field is None or action is None:
            standing = reviewing.decisions(store, report_id)
            machine = reviewing.machine_values(store, report_id)
            for name in reviewing.FIELDS:
                decision = standing.get((report_id, name))
                shown = decision.after if decision else machine[name]
                state = (f"{decision.action} by {decision.reviewer} at {decision.at}, "
                         f"revision {decision.revision}" if decision else "machine, revision 0")
                click.echo(safe(f"{name:<12} {json.dumps(shown, ensure_ascii=False)}  "
                                f"[{state}]"))
            return
        if reviewer is None:
            raise click.UsageError("--reviewer is required to decide")
        value: Any = None
        if action == "edit":
            if not new_value:
                raise click.UsageError("edit needs --value")
            one = {"value": new_value, "label": label or new_value}
            value = [one] if field == "violations" else one
        try:
            decision = reviewing.decide(store, report_id, field, action, reviewer,
                                        value=value, note=note, revision=revision)
        except ReviewConflict as exc:
            raise click.ClickException(str(exc)) from exc
        except CorroborateError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(safe(f"{decision.field}: {decision.action} recorded (revision "
                    f"{decision.revision})"))


def register(group: click.Group) -> None:
    group.add_command(review)

"""Event commands: ``events`` and the event view of ``show`` (docs/events.md)."""

from __future__ import annotations

from typing import Any

import click

from .cli_common import collection_option, opened
from .text import json_line, safe

__all__ = ["echo_event", "register"]


def _line(record: dict[str, Any]) -> str:
    place = record.get("place") or {}
    when = record.get("date") or {}
    conflicts = ", ".join(c["field"] for c in record["conflicts"])
    head = (f"{record['id']}  {record['origins']} origin(s), {len(record['reports'])} "
            f"report(s)  {when.get('value') or 'undated'}"
            f"{' (' + when['precision'] + ')' if when.get('precision') else ''}  "
            f"{place.get('label') or '-'}")
    if conflicts:
        head += f"  conflicts: {conflicts}"
    return safe(head + f"\n    {record.get('title') or '(untitled)'}")


def _origins(record: dict[str, Any]) -> list[str]:
    lines = []
    reports = record["reports"]
    for origin in record["origin_list"]:
        carried = [r for r in reports if r["origin_of"] == origin["id"]]
        named = next((r["outlet"] for r in carried if r["id"] == origin["id"] and r["outlet"]),
                     None)
        lines.append(f"    origin {origin['id']}  {named or origin['outlet'] or 'outlet unknown'}  "
                     f"{origin['published'] or 'undated'}  {len(carried)} report(s)")
        for report in carried:
            why = origin["repeats"].get(report["account"])
            how = ("" if report["id"] == origin["id"] else
                   "  " + "; ".join(f"{k}: {v}" for k, v in why.items()) if why else
                   "  (another version of the same text)")
            lines.append(f"      {report['id']}  {report['published'] or '----------'}  "
                         f"{report['outlet'] or '-'}  {report['url'] or report['origin']}{how}")
    return [safe(line) for line in lines]


def echo_event(record: dict[str, Any]) -> None:
    """An event in full: origins with their reports, then each claim with its support."""
    click.echo(_line(record))
    for line in _origins(record):
        click.echo(line)
    for field, entry in record["fields"].items():
        mark = "  CONFLICT" if entry.get("conflict") else ""
        click.echo(f"  {field}{mark}")
        for value in entry["values"]:
            precision = f" [{value['precision']}]" if value.get("precision") else ""
            click.echo(safe(f"    {value['value']}{precision}  "
                            f"{len(value['origins'])} origin(s)"))
            for evidence in value["evidence"]:
                click.echo(safe(f"      “{evidence['quote']}”  {evidence['report_id']}"
                                f"@{evidence['start']}  (origin {evidence['origin']})"))
    if record["links"]:
        click.echo("  linked because")
        for link in record["links"]:
            click.echo(safe(f"    {link['a']} ~ {link['b']}: "
                            + "; ".join(f"{k}: {v}" for k, v in link["why"].items())))


@click.command()
@collection_option
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text",
              show_default=True)
@click.option("--min-origins", type=click.IntRange(1), default=1, show_default=True,
              help="Only events told by at least this many independent origins.")
def events(collection: str, fmt: str, min_origins: int) -> None:
    """List events (one incident across outlets), most-corroborated first.

    Each event: its independent origins (an outlet's own reporting; copies, rewrites and
    reports citing it share its origin), every report with the origin it repeats, and
    per field which origins state which value, with conflicts side by side.

    \b
    Example:
        corroborate events --min-origins 2
        corroborate events --format jsonl > events.jsonl
    """

    with opened(collection) as store:
        for record in store.events(min_origins):
            if fmt == "jsonl":
                click.echo(json_line(record))
                continue
            click.echo(_line(record))
            for line in _origins(record):
                click.echo(line)
            click.echo("")


def register(group: click.Group) -> None:
    group.add_command(events)

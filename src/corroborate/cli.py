"""The command line: a thin skin over the library. Errors become ClickException here only.

Each command imports what it needs inside itself: ``--version`` and ``--help`` load every
command's definition, and must not pay for numpy, trafilatura or the store
(tests/test_startup.py).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .cli_common import PASSPHRASE_ENV, collection_option, echo, opened
from .crosswalk import SCHEMES
from .errors import CorroborateError
from .text import json_line, safe

if TYPE_CHECKING:
    from .capture import CaptureOptions
    from .incidents import StoryIncident
    from .model import Incident
    from .pipeline import IngestResult
    from .store import Store

# The options' bounds are needed to define them, so also by --help; their owners cost
# start-up (capture ~25 ms, store.reading numpy), so they are restated here and
# tests/test_startup.py holds each equal to its owner's.
DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # capture.DEFAULT_MAX_BYTES
MAX_LIMIT = 1000  # store.reading.MAX_LIMIT

FIELD_ORDER = ("violation", "perpetrator", "victim", "place", "date", "punishment", "source")


@click.group()
@click.version_option(__version__, prog_name="corroborate")
def main() -> None:
    """corroborate: reports in, a sourced and corroborated record of incidents out.

    \b
    Example:
        corroborate init reports && cd reports
        corroborate ingest ~/Downloads/rfa-pages/
        corroborate incidents
    """


@main.command()
@click.argument("path", type=click.Path(file_okay=False))
@click.option("--encrypt", is_flag=True,
              help="Encrypt it at rest with a passphrase ($CORROBORATE_PASSPHRASE, else "
                   "asked twice). Losing the passphrase or encryption.json loses the data.")
@click.option("--database", metavar="URL",
              help="Keep its tables on a PostgreSQL server (postgresql://USER@HOST:PORT/DB; "
                   "default $CORROBORATE_DATABASE, else SQLite in the folder). The password "
                   "comes from PGPASSWORD or ~/.pgpass and is never written to the folder.")
def init(path: str, encrypt: bool, database: str | None) -> None:
    """Create a collection: a folder holding the database, the archive and the custody log.

    \b
    Example:
        corroborate init ~/cases/phones-2017
        corroborate init --encrypt ~/cases/phones-2017
        corroborate init --database postgresql://team@db.example:5432/cases ~/cases/phones
    """
    from .store import Store
    from .store.driver import DATABASE_ENV
    from .store.postgres import check_url

    database = database or os.environ.get(DATABASE_ENV) or None
    passphrase = None
    if database is not None:  # refused before a passphrase is asked for nothing
        try:
            check_url(database, "" if encrypt else None)
        except CorroborateError as exc:
            raise click.ClickException(str(exc)) from exc
    if encrypt:
        passphrase = os.environ.get(PASSPHRASE_ENV) or click.prompt(
            "Passphrase", hide_input=True, confirmation_prompt=True, err=True)
    try:
        Store.init(path, passphrase, database=database).close()
    except CorroborateError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created collection {path}")
    if encrypt:
        click.echo(f"encrypted: back up {Path(path) / 'encryption.json'} and keep the "
                   f"passphrase; without both the collection cannot be opened", err=True)


@main.command(name="ingest")
@collection_option
@click.argument("inputs", nargs=-1, required=False)
@click.option("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, show_default=True,
              help="Refuse inputs larger than this.")
@click.option("--text-field", default="text", show_default=True,
              help="JSON Lines/CSV field holding the report text.")
@click.option("--title-field", default="title", show_default=True)
@click.option("--date-field", default="date", show_default=True)
@click.option("--url-field", default="url", show_default=True)
@click.option("--outlet-field", default="outlet", show_default=True)
@click.option("--follow-symlinks", is_flag=True,
              help="Follow symbolic links in folders to files outside them.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
              show_default=True,
              help="Where the per-report work runs: here, or on a Dask cluster (the dask "
                   "extra; docs/scale.md). The collection is written here either way.")
@click.option("--scheduler", metavar="ADDRESS",
              help="The Dask scheduler (tcp://host:8786, tls://...); without it, --engine "
                   "dask starts a cluster of this machine's cores.")
@click.option("--workers", "-j", type=click.IntRange(min=1), default=None,
              show_default="this machine's cores",
              help="Processes doing the per-report work (reading, cleaning, extraction); "
                   "this one alone writes, in input order, so the collection is the same "
                   "with any number. No process is started for a small batch.")
def ingest_command(collection: str, inputs: tuple[str, ...], max_bytes: int, text_field: str,
                   title_field: str, date_field: str, url_field: str, outlet_field: str,
                   follow_symlinks: bool, quiet: bool, engine: str,
                   scheduler: str | None, workers: int | None) -> None:
    """Capture, clean and extract reports: files, folders (recursive) or - for stdin.

    Formats: HTML (.html, .htm, gzipped too), plain text, JSON Lines, CSV, WARC. A broken
    input is reported with its path and reason, the rest goes in, and the exit code is 1.
    With no inputs, finishes what an interrupted ingest left. Every input, taken or
    refused, gets a custody log entry; one ingest writes at a time (the others wait).

    \b
    Example:
        corroborate ingest -c ~/cases/phones reports/ extra.warc.gz
        cat page.html | corroborate ingest -c ~/cases/phones -
        corroborate ingest -c ~/cases/phones --workers 2 crawl.jsonl
    """
    from .capture import CaptureOptions

    options = CaptureOptions(max_bytes, text_field, title_field, date_field, url_field,
                             outlet_field)
    if scheduler and engine != "dask":
        raise click.UsageError("--scheduler names a Dask scheduler: use it with --engine dask")
    if workers is not None and engine == "dask":
        raise click.UsageError("--workers is for --engine local (Dask has its own workers)")
    with opened(collection) as store:
        if engine == "dask":
            result = _run_dask_ingest(store, list(inputs), options, quiet, follow_symlinks,
                                      scheduler)
        else:
            result = _run_ingest(store, list(inputs), options, quiet, follow_symlinks,
                                 workers)
    _summarise(result, quiet)
    if not result.ok:
        sys.exit(1)


def _run_ingest(store: Store, inputs: list[str], options: CaptureOptions,
                quiet: bool, follow_symlinks: bool = False,
                workers: int | None = None) -> IngestResult:
    from .capture import iter_inputs
    from .pipeline import ingest
    from .workers import default_workers

    workers = workers or default_workers()
    try:
        if quiet:
            return ingest(store, inputs, options, follow_symlinks=follow_symlinks,
                          workers=workers)
        count = sum(1 for _ in iter_inputs(inputs, follow_symlinks=follow_symlinks))
        with click.progressbar(length=count, label="ingesting", file=sys.stderr) as bar:
            return ingest(store, inputs, options, progress=lambda _origin: bar.update(1),
                          follow_symlinks=follow_symlinks, workers=workers)
    except CorroborateError as exc:
        raise click.ClickException(str(exc)) from exc


def _run_dask_ingest(store: Store, inputs: list[str], options: CaptureOptions, quiet: bool,
                     follow_symlinks: bool, scheduler: str | None) -> IngestResult:
    from .capture import iter_inputs
    from .dask_engine import ingest_dask

    try:
        if quiet:
            return ingest_dask(store, inputs, options, scheduler,
                               follow_symlinks=follow_symlinks)
        count = sum(1 for _ in iter_inputs(inputs, follow_symlinks=follow_symlinks))
        with click.progressbar(length=count, label="ingesting", file=sys.stderr) as bar:
            return ingest_dask(store, inputs, options, scheduler,
                               progress=lambda _origin: bar.update(1),
                               follow_symlinks=follow_symlinks)
    except CorroborateError as exc:
        raise click.ClickException(str(exc)) from exc


def _summarise(result: IngestResult, quiet: bool) -> None:
    for origin in result.unchanged:
        click.echo(f"unchanged: {safe(origin)} (already archived)", err=True)
    for skipped in result.skipped:
        click.echo(f"skipped: {safe(skipped.origin)}: {safe(skipped.reason)}", err=True)
    for failure in result.failures:
        click.echo(f"failed: {safe(failure.origin)}: {safe(failure.reason)}", err=True)
    click.echo(f"{len(result.captures)} new captures, {result.reports} new reports, "
               f"{len(result.unchanged)} unchanged, {len(result.failures)} failed"
               + (f", {len(result.skipped)} skipped" if result.skipped else "")
               + (f", {result.resumed} resumed" if result.resumed else ""))


@main.command()
@collection_option
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl"]), default="text",
              show_default=True)
def stories(collection: str, fmt: str) -> None:
    """List stories: reports that are versions of one story, the canonical one first.

    \b
    Example:
        corroborate stories --format jsonl > stories.jsonl
    """
    with opened(collection) as store:
        for story in store.stories():
            reports = [(m, store.report(m.report_id)) for m in story.members]
            if fmt == "jsonl":
                click.echo(json_line({"id": story.id, "reports": [
                    {"id": m.report_id, "origin": r.url or r.origin if r else None,
                     "published": r.published if r else None, "outlet": r.outlet if r else None,
                     "canonical": m.canonical, "containment": m.containment,
                     "jaccard": m.jaccard, "adds": list(m.adds), "lacks": list(m.lacks)}
                    for m, r in reports]}))
                continue
            first = reports[0][1]
            echo(f"{story.id}  {len(reports)} version(s)  "
                       f"{(first.title if first else None) or '(untitled)'}")
            for member, report in reports:
                if report is None:
                    continue
                mark = "canonical" if member.canonical else (
                    f"containment {member.containment:.2f}, jaccard {member.jaccard:.2f}")
                echo(f"  {report.id}  {report.published or '----------'}  "
                           f"{report.outlet or '-'}  {report.url or report.origin}  [{mark}]")
                if member.lacks:
                    echo(f"      lacks {len(member.lacks)} paragraph(s), from: "
                               f"{member.lacks[0][:70]!r}")
                if member.adds:
                    echo(f"      adds {len(member.adds)} paragraph(s), from: "
                               f"{member.adds[0][:70]!r}")


def _echo_incident(item: StoryIncident | None, incident: Incident,
                   published: str | None = None) -> None:
    from .incidents import main_marks, main_values

    head = f"incident {incident.id}  from report {incident.report_id}"
    if item is not None:
        head += f"  story {item.story_id}  published {item.published or 'unknown'}"
        if item.event_id:
            head += f"  event {item.event_id} ({item.origins} origin(s))"
        published = item.published
    echo(head)
    values = main_values(incident, published)
    marks = main_marks(incident, values)
    for key in ("violation", "perpetrator", "victim", "country", "region", "city", "when"):
        for fact, mark in zip(incident.facts, marks, strict=True):
            if key in mark:
                label = fact.value if key == "when" else (
                    values["country"].label if key == "country" else fact.label)
                if key == "region" and values["region"] is not None:
                    label = values["region"].label
                echo(f"  main {key:<11} {label:<28} {mark[key]:.2f}  "
                     f"“{fact.evidence.quote}”")
    support = item.support if item else None
    for field in FIELD_ORDER:
        for position, fact in enumerate(incident.facts):
            if fact.field != field:
                continue
            extra = ""
            if field == "date":
                when = ", when" if fact.attrs.get("role") == "when" else ""
                background = ", background" if fact.attrs.get("role") == "background" else ""
                extra = f" [{fact.attrs.get('precision')}{when}{background}]"
            elif field == "place" and fact.attrs.get("lat") is not None:
                extra = f" [{fact.attrs.get('lat')}, {fact.attrs.get('lon')}]"
            elif field in ("source", "perpetrator") and fact.attrs.get("role"):
                extra = f" [{fact.attrs.get('role')}]"
            versions = f" ({len(support[position])} version(s))" if support else ""
            star = "*" if marks[position] else " "
            echo(f" {star}{field:<11} {fact.value:<28} “{fact.evidence.quote}” "
                 f"@{fact.evidence.start}{extra}{versions}")


@main.command()
@collection_option
def incidents(collection: str) -> None:
    """List incidents, story by story, each value with the words it came from.

    \b
    Example:
        corroborate incidents -c ~/cases/phones | less
    """
    from .export import story_incidents

    with opened(collection) as store:
        for item in story_incidents(store):
            _echo_incident(item, item.incident)
            click.echo("")


@main.command()
@collection_option
@click.argument("item_id")
def show(collection: str, item_id: str) -> None:
    """Show a report (r-...), story (s-...), incident (i-...) or event (e-...) with its
    evidence.

    \b
    Example:
        corroborate show i-3f2a9c0d1e2b3a4c5d6e
        corroborate show e-9653abb7f0c52c7f2d0a
    """
    from .export import story_incidents

    with opened(collection) as store:
        if item_id.startswith("e-"):
            from .cli_events import echo_event

            record = store.event(item_id)
            if record is None:
                raise click.ClickException(f"no event {item_id}")
            echo_event(record)
            return
        if item_id.startswith("i-"):
            incident = store.incident(item_id)
            if incident is None:
                raise click.ClickException(f"no incident {item_id}")
            report = store.report(incident.report_id)
            # as the story states it (dates anchored by the story, confidence as exported),
            # when it is the story's canonical version's; otherwise as its report states it
            item = next((i for i in story_incidents(store) if i.incident.id == item_id), None)
            if item is not None:
                _echo_incident(item, item.incident)
            else:
                _echo_incident(None, incident, report.published if report else None)
            if report is not None:
                echo(f"\nreport {report.id}: {report.title or '(untitled)'} "
                           f"({report.outlet or '-'}, {report.published or 'undated'})")
            return
        if item_id.startswith("s-"):
            story = next((s for s in store.stories() if s.id == item_id), None)
            if story is None:
                raise click.ClickException(f"no story {item_id}")
            for item in story_incidents(store):
                if item.story_id == item_id:
                    _echo_incident(item, item.incident)
            for member in story.members:
                echo(f"  version {member.report_id} canonical={member.canonical} "
                           f"containment={member.containment} adds={len(member.adds)} "
                           f"lacks={len(member.lacks)}")
            return
        report = store.report(item_id)
        if report is None:
            raise click.ClickException(f"no report, story or incident {item_id}")
        echo(json.dumps({k: v for k, v in report.to_dict().items()
                               if k not in ("text", "segments")}, ensure_ascii=False, indent=2))
        echo("\n" + report.text)
        for incident in store.incidents(report.id):
            click.echo("")
            _echo_incident(None, incident, report.published)


@main.command()
@collection_option
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, MAX_LIMIT),
              help="At most this many hits.")
def search(collection: str, query: str, limit: int) -> None:
    """Full-text search over reports (SQLite FTS5 syntax: words, "phrases", OR, NEAR).

    \b
    Example:
        corroborate search '"political prison camp" AND phone'
    """
    with opened(collection) as store:
        for hit in store.search(query, limit):
            click.echo(f"{hit['id']}  {hit['published'] or '----------'}  "
                       f"{safe(hit['outlet'] or '-')}  {safe(hit['title'] or hit['origin'])}"
                       f"\n    {safe(hit['snippet'])}")


@main.command()
@collection_option
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-",
              help="File to write (default: standard output).")
@click.option("--scheme", "schemes", type=click.Choice(SCHEMES), multiple=True,
              help="Add this scheme's labels to violations and perpetrators (repeatable).")
@click.option("--level", type=click.Choice(["incident", "event"]), default="incident",
              show_default=True,
              help="One record per story incident (CSV: per fact), or one per event.")
@click.option("--bom", is_flag=True,
              help="Begin a CSV file with a byte-order mark (for spreadsheet programs that "
                   "need one to read UTF-8).")
@click.option("--rows", type=click.Choice(["fact", "incident"]), default="fact",
              show_default=True,
              help="Incident CSV: one row per fact, or one per incident with its main values.")
@click.option("--reviewed-only", is_flag=True,
              help="Only incidents a person has accepted or edited a value of, with only "
                   "the reviewed values (`corroborate review`).")
def export(collection: str, fmt: str, output: Any, schemes: tuple[str, ...], level: str,
           bom: bool, rows: str, reviewed_only: bool) -> None:
    """Export incidents or events with their evidence (formats: docs/export.md).

    \b
    Example:
        corroborate export --format csv -o incidents.csv
        corroborate export --level event --format csv --bom -o events.csv
        corroborate export --scheme acled --scheme huridocs > incidents.jsonl
        corroborate export --reviewed-only -o reviewed.jsonl
        corroborate export --format csv --rows incident --reviewed-only --bom -o main.csv
    """
    from .export import write_csv, write_event_csv, write_event_jsonl, write_jsonl, write_main_csv

    if level == "event" and schemes:
        raise click.UsageError("--scheme applies to incident exports")
    csv_main = fmt == "csv" and rows == "incident"
    if reviewed_only and (level == "event" or (fmt == "csv" and not csv_main)):
        raise click.UsageError("--reviewed-only writes incident records: JSON Lines, or CSV "
                               "with --rows incident")
    if rows == "incident" and (fmt != "csv" or level == "event" or schemes):
        raise click.UsageError("--rows incident is a shape of the incident CSV, without "
                               "--scheme")
    if bom and fmt == "csv":
        output.write("\ufeff")
    with opened(collection) as store:
        if level == "event":
            count = (write_event_jsonl if fmt == "jsonl" else write_event_csv)(store, output)
        elif fmt == "jsonl":
            count = write_jsonl(store, output, schemes, reviewed_only)
        elif csv_main:
            count = write_main_csv(store, output, reviewed_only)
        else:
            count = write_csv(store, output, schemes)
    click.echo(f"exported {count} {level}(s)", err=True)


@main.group()
def bench() -> None:
    """Score corroborate's extraction on a labelled benchmark.

    \b
    Example:
        corroborate bench hrdsattack dev.json --predictions dev.pred.jsonl
    """


@bench.command(name="hrdsattack")
@click.argument("split", type=click.Path(exists=True, dir_okay=False))
@click.option("--predictions", "-p", type=click.File("w", encoding="utf-8"),
              help="Write one prediction line per article here.")
@click.option("--gate", type=click.Path(exists=True, dir_okay=False),
              help="Fail when a figure pinned in this baseline JSON drops.")
@click.option("--write-baseline", type=click.Path(dir_okay=False),
              help="Pin this run's figures in a baseline JSON (other keys kept).")
@click.option("--collection", "-c", type=click.Path(file_okay=False),
              help="Keep the articles in a new collection here, to `show` the evidence.")
def bench_hrdsattack(split: str, predictions: Any, gate: str | None,
                     write_baseline: str | None, collection: str | None) -> None:
    """Run the normal ingest and extraction on an HRDsAttack split and score it.

    Prints the paper's table with our figures beside it, a constant-null row, and accuracy
    on the articles whose gold label names a value.

    \b
    Example:
        corroborate bench hrdsattack ../shared/benchmarks/hrdsattack/dev.json \\
            --predictions dev.pred.jsonl --gate benchmarks/baseline.json
    """
    from . import baseline, hrdsattack

    articles = hrdsattack.read_split(split)
    try:
        found, times = hrdsattack.predict(articles, collection)
    except CorroborateError as exc:
        raise click.ClickException(str(exc)) from exc
    ours = hrdsattack.score(found, articles)
    null = hrdsattack.score(hrdsattack.null_predictions(articles), articles)
    click.echo(hrdsattack.table(ours, null, times))
    if predictions is not None:
        for line in found:
            predictions.write(json.dumps(line, ensure_ascii=False) + "\n")
    key = f"hrdsattack_{Path(split).stem}"
    pinned = {k: round(ours[k], 2) for k in hrdsattack.GATED}
    failed = baseline.pin_and_gate(write_baseline, gate, key, pinned)
    if failed:
        raise click.ClickException("gate failed: " + "; ".join(failed))
    if failed is not None:
        click.echo(f"gate: no pinned {key} figure dropped")


@main.command()
@click.option("--collection", "-c", type=click.Path(file_okay=False),
              default="demo-collection", show_default=True)
@click.option("--quiet", "-q", is_flag=True)
def demo(collection: str, quiet: bool) -> None:
    """Ingest the bundled sample reports and print their stories and incidents.

    \b
    Example:
        corroborate demo -c /tmp/demo
    """
    from importlib import resources

    from .capture import CaptureOptions
    from .store import Store

    if not Store.exists(collection):
        Store.init(collection).close()
    samples = resources.files("corroborate").joinpath("samples")
    names = sorted(str(p) for p in samples.iterdir()
                   if p.name != "README.md")
    with opened(collection) as store:
        result = _run_ingest(store, names, CaptureOptions(), quiet)
    _summarise(result, quiet)
    ctx = click.get_current_context()
    click.echo("\n== stories ==")
    ctx.invoke(stories, collection=collection, fmt="text")
    click.echo("\n== incidents ==")
    ctx.invoke(incidents, collection=collection)
    click.echo("\n== events (one incident across outlets, by independent origins) ==")
    ctx.invoke(cli_events.events, collection=collection, fmt="text", min_origins=1)
    if not result.ok:
        sys.exit(1)


from . import cli_custody  # noqa: E402  (registers verify, anchor, keygen, repair, reprocess)

cli_custody.register(main)
from . import cli_events  # noqa: E402  (registers events)

cli_events.register(main)
from . import cli_train  # noqa: E402  (registers train)

cli_train.register(main)
from . import cli_review  # noqa: E402  (registers review)

cli_review.register(main)
from . import cli_users  # noqa: E402  (registers user)

cli_users.register(main)
from . import cli_serve  # noqa: E402  (registers serve)

cli_serve.register(main)
from . import cli_vocab  # noqa: E402  (registers vocab)

cli_vocab.register(main)

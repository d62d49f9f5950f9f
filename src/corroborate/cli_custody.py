"""Custody commands: verify, anchor, keygen, repair, reprocess, receipts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .cli_common import collection_option, passphrase_for
from .errors import CorroborateError
from .text import safe

__all__ = ["register"]


def _fail(exc: CorroborateError) -> click.ClickException:
    return click.ClickException(safe(str(exc)))


@click.command()
@collection_option
@click.option("--deep", is_flag=True,
              help="Also derive every report again from its archived bytes and compare.")
@click.option("--anchor", "anchor_file", type=click.Path(exists=True, dir_okay=False),
              help="An anchor file (`corroborate anchor`): prove the log up to it unchanged.")
@click.option("--trusted-key", type=click.Path(exists=True, dir_okay=False),
              help="The public key (.pub) the anchor must be signed with.")
def verify(collection: str, deep: bool, anchor_file: str | None,
           trusted_key: str | None) -> None:
    """Check the custody log, the archive and the database against each other.

    Names each problem and exits 1 if one is fatal: a changed, missing or extra archive
    file; a changed, removed, inserted or reordered log entry; a database row (capture,
    receipt, report, incident, fact) that differs from what the log recorded. Writes
    nothing, so it runs on a read-only copy. docs/custody.md says what it proves.

    \\b
    Example:
        corroborate verify -c ~/cases/phones --anchor ~/anchors/2026-11-29.json \\
            --trusted-key ~/keys/team.pub
    """
    from .store import Store

    if trusted_key and not anchor_file:
        raise click.UsageError("--trusted-key checks an anchor: give it with --anchor")
    anchor = _read_json(anchor_file) if anchor_file else None
    key = Path(trusted_key).read_text(encoding="ascii") if trusted_key else None
    try:
        with Store.open_read_only(collection, passphrase_for(collection)) as store:
            problems = store.verify(deep=deep, anchor=anchor, trusted_key=key)
            counts = store.counts()
    except CorroborateError as exc:
        raise _fail(exc) from exc
    fatal = [p for p in problems if p.fatal]
    for problem in problems:
        click.echo(("FAIL " if problem.fatal else "note ") + safe(str(problem)),
                   err=bool(problem.fatal))
    if fatal:
        raise click.ClickException(f"verification failed: {len(fatal)} problem(s)")
    click.echo(f"verified {counts['captures']} capture(s) and {counts['reports']} report(s): "
               f"custody log, archive and database agree"
               + (", and every report derives again from its bytes" if deep else ""))


def _read_json(path: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"cannot read {path}: {exc}") from exc


@click.command()
@click.argument("key_file", type=click.Path(dir_okay=False))
def keygen(key_file: str) -> None:
    """Make an Ed25519 signing key for anchors (KEY_FILE, and KEY_FILE.pub to share).

    Keep the key outside any collection, ideally on another device.

    \\b
    Example:
        corroborate keygen ~/keys/team.key
    """
    from .store.anchor import generate_key

    try:
        print_ = generate_key(Path(key_file))
    except CorroborateError as exc:
        raise _fail(exc) from exc
    click.echo(f"wrote {key_file} (keep it secret) and {key_file}.pub; fingerprint {print_}")


@click.command()
@collection_option
@click.option("--key", "key_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="The Ed25519 private key (`corroborate keygen`), kept outside.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write the anchor here (default: standard output).")
def anchor(collection: str, key_file: str, output: str | None) -> None:
    """Sign the custody log's head, so a later `verify --anchor` proves nothing before it
    was rewritten. Keep anchors outside the collection (mail them, print them).

    \\b
    Example:
        corroborate anchor -c ~/cases/phones --key ~/keys/team.key -o anchor-2026-11-29.json
    """
    from .store import Store

    try:
        with Store.open_read_only(collection, passphrase_for(collection)) as store:
            signed = store.anchor(Path(key_file))
    except CorroborateError as exc:
        raise _fail(exc) from exc
    text = json.dumps(signed, indent=2, sort_keys=True) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"anchored entry {signed['seq']} ({signed['hash']}) in {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.command()
@collection_option
def repair(collection: str) -> None:
    """Move a damaged end of the custody log aside (kept in custody.damaged/) and log it.

    Needed when a write was cut short (a full disk, a power cut) or bytes were appended
    by something else; ingest refuses to append until then. Damage inside the log's
    history is never repaired: verify names it.

    \\b
    Example:
        corroborate repair -c ~/cases/phones
    """
    from .store import Store

    try:
        with Store.open(collection, passphrase_for(collection)) as store:
            entry = store.repair()
    except CorroborateError as exc:
        raise _fail(exc) from exc
    if entry is None:
        click.echo("the custody log ends in a whole, chained entry: nothing to repair")
        return
    click.echo(f"moved {entry['removed_bytes']} damaged byte(s) from offset "
               f"{entry['removed_offset']} to {entry['kept_at']}; logged as entry "
               f"{entry['seq']}")


@click.command(name="reprocess")
@collection_option
def reprocess_command(collection: str) -> None:
    """Derive every report again from the archive (after an upgrade or a vocabulary
    change); the custody log records the new digests.

    \\b
    Example:
        corroborate reprocess -c ~/cases/phones
    """
    from .pipeline import reprocess
    from .store import Store

    try:
        with Store.open(collection, passphrase_for(collection)) as store:
            result = reprocess(store)
    except CorroborateError as exc:
        raise _fail(exc) from exc
    for failure in result.failures:
        click.echo(f"failed: {safe(failure.origin)}: {safe(failure.reason)}", err=True)
    click.echo(f"reprocessed {len(result.captures)} capture(s) into {result.reports} "
               f"report(s)")
    if not result.ok:
        sys.exit(1)


@click.command()
@collection_option
@click.option("--refused", is_flag=True, help="Only inputs and records that were refused.")
def receipts(collection: str, refused: bool) -> None:
    """List what the custody log records receiving: captured, received again, refused.

    \\b
    Example:
        corroborate receipts --refused
    """
    from .store import Store

    try:
        with Store.open_read_only(collection, passphrase_for(collection)) as store:
            # printed as read: a collection of a million files has two million
            for row in store.iter_receipts("refused" if refused else None):
                reason = f"  ({row['reason']})" if row["reason"] else ""
                click.echo(safe(f"{row['seq']:>6}  {row['at']}  {row['event']:<8}  "
                                f"{(row['sha256'] or '-')[:12]}  {row['origin']}{reason}"))
    except CorroborateError as exc:
        raise _fail(exc) from exc


def register(group: click.Group) -> None:
    for command in (verify, keygen, anchor, repair, reprocess_command, receipts):
        group.add_command(command)

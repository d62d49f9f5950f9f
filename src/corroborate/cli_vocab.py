"""``corroborate vocab``: the collection's vocabulary overlay (list, add-alias, add-term,
remove, terms)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .cli_common import collection_option, opened
from .text import safe

if TYPE_CHECKING:
    from .overlay import OverlayEntry

__all__ = ["register"]

# overlay.VOCABULARIES, restated: importing overlay loads the vocabularies' code, which
# `corroborate --help` must not pay for; tests/test_startup.py holds the two equal
VOCABULARIES = ("violations", "organisations", "punishments", "outlets", "groups", "charges",
                "countries", "demonyms", "regions", "places")

_APPLIES = ("it applies from the next ingest; `corroborate reprocess` applies it to the "
            "reports already held")


@click.group()
def vocab() -> None:
    """Add aliases and terms to the shipped vocabularies, for this collection only.

    The additions (the overlay, docs/vocabularies.md) apply from the next ingest, and to
    the reports already held after `corroborate reprocess`. Once the collection has
    accounts, only an admin may change them.

    \b
    Example:
        corroborate vocab terms places Hyesan
        corroborate vocab add-alias places KP:KP-10:Hyesan Hyeasun --by ana
        corroborate vocab list
    """


def _describe(entry: OverlayEntry) -> str:
    if entry.kind == "alias":
        return f"alias {entry.alias!r} of {entry.vocabulary} {entry.term_id}"
    attrs = ", ".join(f"{k}={v}" for k, v in sorted(entry.attrs.items()))
    names = "".join(f", alias {a!r}" for a in entry.aliases)
    return (f"term {entry.vocabulary} {entry.term_id} {entry.label!r}{names}"
                + (f" ({attrs})" if attrs else ""))


@vocab.command(name="list")
@collection_option
def list_entries(collection: str) -> None:
    """List the overlay's entries, in order, removed ones marked.

    \b
    Example:
        corroborate vocab list -c ~/cases/phones
    """
    from .overlay import entries

    with opened(collection) as store:
        found = entries(store)
    if not found:
        click.echo("the collection adds nothing to the shipped vocabularies")
    for entry in found:
        state = ("" if entry.active
                 else f"  [removed by {entry.removed_by} at {entry.removed_at}]")
        note = f"  ({entry.note})" if entry.note else ""
        click.echo(safe(f"{entry.number:>3}  {_describe(entry)}  by {entry.by} at "
                        f"{entry.at}{note}{state}"))


@vocab.command(name="add-alias")
@collection_option
@click.argument("vocabulary", type=click.Choice(VOCABULARIES), metavar="VOCABULARY")
@click.argument("term_id")
@click.argument("alias")
@click.option("--by", "by", required=True, help="Who adds it (an admin's user name).")
@click.option("--note", default="", help="Why, for the record.")
def add_alias_command(collection: str, vocabulary: str, term_id: str, alias: str, by: str,
                      note: str) -> None:
    """Add ALIAS to the term TERM_ID of VOCABULARY (find ids with `vocab terms`).

    \b
    Example:
        corroborate vocab add-alias places KP:KP-10:Hyesan Hyeasun --by ana \\
            --note "a spelling Daily NK's sources use"
        corroborate vocab add-alias organisations kp_mss "Bowibu squad" --by ana
    """
    from .errors import CorroborateError
    from .overlay import add_alias

    with opened(collection) as store:
        try:
            entry = add_alias(store, vocabulary, term_id, alias, by, note)
        except CorroborateError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(safe(f"added {entry.number}: {_describe(entry)}; {_APPLIES}"))


@vocab.command(name="add-term")
@collection_option
@click.argument("vocabulary", type=click.Choice(VOCABULARIES), metavar="VOCABULARY")
@click.argument("term_id")
@click.argument("label")
@click.option("--alias", "aliases", multiple=True, help="Another name of it (repeatable).")
@click.option("--attr", "attrs", multiple=True, metavar="KEY=VALUE",
              help="An attribute the vocabulary's terms need (repeatable): places "
                   "country, kind, region, lat, lon; regions country, lat, lon; "
                   "organisations kind, actor_type, country; outlets kind, domains.")
@click.option("--by", "by", required=True, help="Who adds it (an admin's user name).")
@click.option("--note", default="", help="Why, for the record.")
def add_term_command(collection: str, vocabulary: str, term_id: str, label: str,
                     aliases: tuple[str, ...], attrs: tuple[str, ...], by: str,
                     note: str) -> None:
    """Add a new term TERM_ID named LABEL to VOCABULARY.

    A place's id is COUNTRY:REGION:LABEL; a region's its ISO 3166-2 code; any other
    term's is lower-case letters, digits and _.

    \b
    Example:
        corroborate vocab add-term organisations kp_songbul_squad \\
            "Songbul Inspection Squad" --alias "Songbul squad" --attr country=KP \\
            --attr kind=police --attr "actor_type=state actor" --by ana
        corroborate vocab add-term places "KP:KP-10:Sinpa Ferry" "Sinpa Ferry" \\
            --attr country=KP --attr region=KP-10 --attr kind=town --by ana
    """
    from .errors import CorroborateError
    from .overlay import add_term

    given: dict[str, str] = {}
    for pair in attrs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.UsageError(f"--attr takes KEY=VALUE, not {pair!r}")
        given[key.strip()] = value.strip()
    with opened(collection) as store:
        try:
            entry = add_term(store, vocabulary, term_id, label, aliases, given, by, note)
        except CorroborateError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(safe(f"added {entry.number}: {_describe(entry)}; {_APPLIES}"))


@vocab.command(name="remove")
@collection_option
@click.argument("number", type=int)
@click.option("--by", "by", required=True, help="Who removes it (an admin's user name).")
def remove_command(collection: str, number: int, by: str) -> None:
    """Mark entry NUMBER (see `vocab list`) removed; the history keeps it.

    \b
    Example:
        corroborate vocab remove 3 --by ana
    """
    from .errors import CorroborateError
    from .overlay import remove

    with opened(collection) as store:
        try:
            entry = remove(store, number, by)
        except CorroborateError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(safe(f"removed {entry.number}: {_describe(entry)}; {_APPLIES}"))


@vocab.command(name="terms")
@collection_option
@click.argument("vocabulary", type=click.Choice(VOCABULARIES), metavar="VOCABULARY")
@click.argument("query", required=False, default="")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def terms_command(collection: str, vocabulary: str, query: str, limit: int) -> None:
    """Find a term's id: terms of VOCABULARY (with the overlay) whose id or label holds
    QUERY, or that QUERY names.

    \b
    Example:
        corroborate vocab terms places Hyesan
        corroborate vocab terms organisations bowibu
    """
    from .overlay import find_terms

    with opened(collection) as store:
        found = find_terms(store, vocabulary, query, limit)
    if not found:
        click.echo(f"no {vocabulary} term matches {query!r}")
    for term in found:
        where = ", ".join(f"{k}={term.attrs[k]}" for k in ("country", "region", "kind")
                          if term.attrs.get(k))
        click.echo(safe(f"{term.id:<28} {term.label}" + (f"  ({where})" if where else "")))


def register(group: click.Group) -> None:
    group.add_command(vocab)

"""What every command shares: the collection option, opening a collection, printing report
text safely. Kept apart from ``cli`` so that the modules registering commands on it can
import these without importing ``cli`` itself (which imports them)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .errors import CorroborateError
from .text import safe

if TYPE_CHECKING:
    from .store import Store

__all__ = ["PASSPHRASE_ENV", "collection_option", "echo", "opened", "passphrase_for"]

F = TypeVar("F", bound=Callable[..., Any])

PASSPHRASE_ENV = "CORROBORATE_PASSPHRASE"


def echo(text: str = "") -> None:
    """Print what came from a report: control characters escaped (text.safe)."""
    click.echo(safe(text))


def collection_option(func: F) -> F:
    return click.option(
        "--collection", "-c", type=click.Path(file_okay=False),
        default=lambda: os.environ.get("CORROBORATE_COLLECTION", "."),
        show_default="$CORROBORATE_COLLECTION or the current folder",
        help="The collection folder.")(func)


def passphrase_for(path: str) -> str | None:
    """An encrypted collection's passphrase: $CORROBORATE_PASSPHRASE, else asked (hidden)."""
    from .store import Store

    if not Store.is_encrypted(path):
        return None
    secret: str = os.environ.get(PASSPHRASE_ENV) or click.prompt(
        "Passphrase", hide_input=True, err=True)
    return secret


@contextmanager
def opened(path: str) -> Iterator[Store]:
    from .store import Store

    try:
        store = Store.open(path, passphrase_for(path))
    except CorroborateError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        stale = store.stories_stale()
        if stale or store.events_missing():
            with store.locked(wait=False) as mine:
                if mine:  # else a writer is at work and refreshes them when it is done
                    from .refresh import refresh_events, refresh_stories

                    if stale:
                        refresh_stories(store)
                    refresh_events(store)
        yield store
    except CorroborateError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        store.close()

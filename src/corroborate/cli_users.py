"""``corroborate user``: the team's accounts (add, list)."""

from __future__ import annotations

import sys

import click

from .cli_common import collection_option, opened
from .text import safe

__all__ = ["register"]


@click.group()
def user() -> None:
    """Manage the collection's user accounts (roles: admin, analyst, viewer).

    \b
    Example:
        corroborate user add ana --role analyst
        corroborate user list
    """


@user.command(name="add")
@collection_option
@click.argument("name")
@click.option("--role", type=click.Choice(["admin", "analyst", "viewer"]), required=True)
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
def add(collection: str, name: str, role: str, password_stdin: bool) -> None:
    """Add an account. The password is asked for (never echoed) or read from stdin.

    \b
    Example:
        corroborate user add ana --role analyst
        printf '%s\\n' "$PASSWORD" | corroborate user add ben --role viewer --password-stdin
    """
    from .errors import CorroborateError
    from .users import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    with opened(collection) as store:
        try:
            added = add_user(store, name, role, password)
        except CorroborateError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(safe(f"added {added.name} ({added.role})"))


@user.command(name="list")
@collection_option
def list_users(collection: str) -> None:
    """List the accounts and their roles (never a password or its hash).

    \b
    Example:
        corroborate user list
    """
    from .users import users

    with opened(collection) as store:
        for one in users(store):
            click.echo(safe(f"{one.name:<20} {one.role:<8} since {one.created_at}"))


def register(group: click.Group) -> None:
    group.add_command(user)

"""``corroborate serve``: the workbench, in the browser, for a team (docs/workbench.md)."""

from __future__ import annotations

import ipaddress
import logging

import click

from .cli_common import collection_option, passphrase_for

__all__ = ["register"]


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _default_hosts(host: str) -> list[str]:
    if _loopback(host):
        return ["127.0.0.1", "localhost", "::1", "[::1]"]
    if host in ("0.0.0.0", "::"):  # every interface: the names cannot be known here
        return ["*"]
    return [host]


@click.command()
@collection_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs HTTPS in front "
                   "(a reverse proxy) and --secure-cookies.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--secure-cookies", is_flag=True,
              help="Send the session cookie only over HTTPS (behind a TLS reverse proxy).")
@click.option("--allowed-host", "allowed_hosts", multiple=True,
              help="A name the server answers to (repeatable); others are refused. "
                   "Default: loopback names for a loopback --host, else the --host itself.")
@click.option("--max-upload-mb", default=50, show_default=True, type=click.IntRange(1, 4096),
              help="The largest upload (all files of one upload together).")
def serve(collection: str, host: str, port: int, secure_cookies: bool,
          allowed_hosts: tuple[str, ...], max_upload_mb: int) -> None:
    """Serve the workbench: events, reports, review, search, timeline, map, ingest.

    Everyone signs in with an account (`corroborate user add`); viewers read, analysts
    review and ingest, admins also edit the vocabulary overlay. Nothing is fetched from
    another host: every script, style and map outline ships with corroborate.

    \b
    Example:
        corroborate user add ana --role admin -c ~/cases/phones
        corroborate serve -c ~/cases/phones --port 8000     # then open http://127.0.0.1:8000
    """
    import uvicorn

    from .errors import CorroborateError
    from .web import create_app

    if not _loopback(host) and not secure_cookies:
        click.echo(f"warning: serving on {host} without --secure-cookies: put HTTPS in front "
                   "before anyone signs in from another machine", err=True)
    try:
        app = create_app(collection, passphrase_for(collection), secure_cookies=secure_cookies,
                         max_upload_bytes=max_upload_mb * 1024 * 1024,
                         allowed_hosts=list(allowed_hosts) or _default_hosts(host))
    except CorroborateError as exc:
        raise click.ClickException(str(exc)) from exc
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    click.echo(f"corroborate workbench on http://{host}:{port} (Ctrl-C stops it)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False,
                proxy_headers=False)


def register(main: click.Group) -> None:
    main.add_command(serve)

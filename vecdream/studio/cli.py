"""``vecdream studio``: serve the studio on this machine and print its URL.

Loopback only by default. Any other ``--host`` needs an access token: one is generated
(or taken from ``--token``) and printed inside the URL, as Jupyter does. Ctrl-C stops
the server and its workers; jobs that were running read "interrupted" after a restart.
"""

from __future__ import annotations

import errno
import ipaddress
import secrets
import socket
from pathlib import Path

import click

__all__ = ["studio_command"]


def _check_address(host: str, port: int) -> None:
    """Fail in one line, naming the option, when ``host:port`` cannot be bound."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (OSError, UnicodeError) as exc:
        raise click.BadParameter(f"cannot resolve {host!r}: {exc}", param_hint="'--host'"
                                 ) from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            option = "'--port'" if exc.errno == errno.EADDRINUSE else "'--host'"
            raise click.BadParameter(f"cannot listen on {host}:{port}: {exc.strerror}",
                                     param_hint=option) from None


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command("studio")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="TCP port (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but loopback requires an access token.")
@click.option("--workspace", type=click.Path(file_okay=False, path_type=Path),
              default=Path("vecdream-studio"), show_default=True,
              help="Folder holding the studio's jobs, uploads, catalogue and exports.")
@click.option("--token", default=None,
              help="Access token (default: none on loopback, a random one otherwise).")
@click.option("--workers", type=click.IntRange(1, 16), default=1, show_default=True,
              help="Jobs that run at once, each in its own process.")
@click.option("--max-upload-mb", type=click.FloatRange(0.1, 2000), default=20.0,
              show_default=True, help="Largest file an upload may hold.")
@click.option("--seeds", "seed_dirs", multiple=True,
              type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A local folder of your seeds to offer on the page (copied into the "
                   "workspace; repeatable).")
@click.option("--ray", default=None, metavar="ADDRESS",
              help="Run jobs on this Ray cluster ('local': start one here); the workspace "
                   "must be on a filesystem the cluster shares.")
@click.option("--open", "open_browser", is_flag=True, help="Open the studio in a browser.")
def studio_command(port: int, host: str, workspace: Path, token: str | None, workers: int,
                   max_upload_mb: float, seed_dirs: tuple[Path, ...], ray: str | None,
                   open_browser: bool) -> None:
    """Serve vecdream studio, the web app for seeds, dreams and paintings."""
    try:
        import uvicorn

        from vecdream.studio.app import create_app
    except ImportError as exc:
        raise click.ClickException(f"the studio needs its extra: pip install "
                                   f"'vecdream[studio]' ({exc.name} is missing)") from None
    _check_address(host, port)
    if not _loopback(host) and token is None:
        token = secrets.token_urlsafe(24)
    app = create_app(workspace, token=token, workers=workers, max_upload_mb=max_upload_mb,
                     ray=ray)
    for folder in seed_dirs:  # named on the command line: no request can name a path
        from vecdream.studio.uploads import import_folder

        done = import_folder(app.state.workspace, folder)
        click.echo(f"offering {len(done['files'])} seeds of {folder} as {done['folder']}"
                   + (f" ({len(done['skipped'])} unreadable skipped)" if done["skipped"]
                      else ""))
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    server = uvicorn.Server(config)

    def announce() -> None:
        bound = server.servers[0].sockets[0].getsockname()[1] if server.servers else port
        shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        url = f"http://{shown}:{bound}/" + (f"?token={token}" if token else "")
        click.echo(f"vecdream studio at {url}  (workspace {app.state.workspace.root}; "
                   "Ctrl-C stops it)")
        if open_browser:
            import webbrowser

            webbrowser.open(url)

    original = server.startup

    async def startup(sockets=None) -> None:
        await original(sockets=sockets)
        if server.started:
            announce()

    server.startup = startup
    try:
        server.run()
    except KeyboardInterrupt:  # uvicorn re-raises Ctrl-C once it has shut down cleanly
        pass
    click.echo("studio stopped")

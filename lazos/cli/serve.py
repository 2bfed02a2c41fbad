"""``lazos serve``: the REST API (lazos.web) over HTTP with uvicorn."""

from __future__ import annotations

import socket
from typing import Annotated

import typer

from lazos.cli.common import DbOpt, open_db
from lazos.errors import LazosError


def listen(host: str, port: int) -> socket.socket:
    """A socket listening on host:port (port 0: a free one), or a LazosError saying why not."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        raise LazosError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def address(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (0: any free one).")] = 8000,
    db: DbOpt = None,
    enable_sql: Annotated[
        bool,
        typer.Option(
            "--enable-sql",
            help="Also serve GET /api/v1/sql: one read-only SELECT per request, no files or extensions, "
            "5 s and 10,000 rows at most.",
        ),
    ] = False,
) -> None:
    """Serve the REST API, read-only: /api/v1/..., interactive docs at /docs, OpenAPI at /openapi.json.

    Lists download as CSV or Parquet (.csv, .parquet); every read takes as_of. Ctrl-C stops it.
    """
    import uvicorn

    from lazos.web import create_app

    with open_db(db) as lz:  # the default database is built from the embedded data on first use
        path = lz.path
    app = create_app(path, enable_sql=enable_sql)
    sock = listen(host, port)
    where = address(sock)
    print(f"Lazos API serving {path} at {where}/api/v1 (docs: {where}/docs); Ctrl-C stops it", flush=True)
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        app.state.db.close()

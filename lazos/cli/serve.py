"""``lazos serve``: the web app and the REST API (lazos.web) over HTTP with uvicorn.

uvicorn runs on httptools (its C HTTP parser) and uvloop (its libuv event loop) where they are
installed (both are in requirements.lock; uvloop is not on Windows), else on h11 and asyncio.
Each worker process opens the database read-only (DuckDB lets several processes read one file)
and, unless told not to, computes ahead what the pages read (``Lazos.warm``) before it answers.
"""

from __future__ import annotations

import functools
import gc
import importlib.util
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lazos.cli.common import DbOpt, open_db
from lazos.errors import LazosError

if TYPE_CHECKING:
    from fastapi import FastAPI


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


def http_and_loop() -> tuple[str, str]:
    """uvicorn's HTTP implementation and event loop: httptools and uvloop when installed."""
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return http, loop


def served_app(db_path: str, *, enable_sql: bool, cors: bool, warm: bool, writes: bool = False) -> FastAPI:
    """The app one server process answers with (``--workers`` > 1: each worker calls this)."""
    from lazos.web import create_app

    app = create_app(db_path, enable_sql=enable_sql, cors=cors, writes=writes)
    if warm:
        app.state.db.warm()
    # What is alive now (the app, the warmed caches: some 270,000 objects) lives as long as the
    # server: the garbage collector need not walk it again (a full collection of it takes ~100 ms,
    # during which no request is answered).
    gc.collect()
    gc.freeze()
    return app


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
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Server processes sharing the port, each with the database open read-only and its own caches.",
        ),
    ] = 1,
    cors: Annotated[
        bool,
        typer.Option("--cors", help="Let web pages of any origin read the API (Access-Control-Allow-Origin: *)."),
    ] = False,
    warm: Annotated[
        bool,
        typer.Option(
            "--warm/--no-warm",
            help="Compute what the pages read before answering (a few seconds at start; first requests as fast "
            "as later ones).",
        ),
    ] = True,
    enable_writes: Annotated[
        bool,
        typer.Option(
            "--enable-writes",
            help="Let the web app take document uploads (/{lang}/documents/upload), ingested into the database "
            "as `lazos ingest` does; one worker only.",
        ),
    ] = False,
) -> None:
    """Serve the web app (/en/, /es/, /pt/, /zh/) and the REST API (/api/v1/..., interactive docs at /docs,
    OpenAPI at /openapi.json), read-only unless --enable-writes.

    Lists download as CSV or Parquet (.csv, .parquet); every read takes as_of. Ctrl-C stops it.
    """
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    if enable_writes and workers > 1:
        raise LazosError("--enable-writes needs --workers 1 (a write needs the only handle on the database)")
    with open_db(db) as lz:  # the default database is built from the embedded data on first use
        path = lz.path
    sock = listen(host, port)  # first: a port in use is said at once; early requests wait in its backlog
    where = address(sock)
    http, loop = http_and_loop()
    make = functools.partial(
        served_app, str(Path(path)), enable_sql=enable_sql, cors=cors, warm=warm, writes=enable_writes
    )
    if workers == 1:
        app = make()
        print(
            f"Lazos serving {path}: the web app at {where}/ (API: {where}/api/v1, docs: {where}/docs); Ctrl-C stops it",
            flush=True,
        )
        config = uvicorn.Config(app, log_level="warning", access_log=False, http=http, loop=loop, ws="none")
        try:
            uvicorn.Server(config).run(sockets=[sock])
        finally:
            app.state.db.close()
        return
    print(
        f"Lazos serving {path}: the web app at {where}/ (API: {where}/api/v1, docs: {where}/docs) with {workers} "
        "workers; Ctrl-C stops it",
        flush=True,
    )
    config = uvicorn.Config(
        make,  # each worker process calls it: its own read-only handle and caches
        factory=True,
        workers=workers,
        log_level="warning",
        access_log=False,
        http=http,
        loop=loop,
        ws="none",
    )
    Multiprocess(config, sockets=[sock]).run()

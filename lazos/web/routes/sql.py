"""Read-only SQL (off unless `lazos serve --enable-sql`).

One SELECT statement per request, run by the Python API's ``Lazos.query`` on a connection of its
own: DuckDB's external access disabled (no local files, no extensions, no ATTACH) and its
configuration locked, a memory limit, a time limit, and at most ``row_cap`` rows (the answer
says when it cut). Anything but one SELECT is refused (403), as is reaching outside the database.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Annotated

import duckdb
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from lazos.errors import LazosError, ReadOnlyError
from lazos.store.interrupt import TimeLimitError
from lazos.web.errors import ProblemError, problem
from lazos.web.listing import Cursor, Limit, list_route, respond
from lazos.web.models import SqlShape
from lazos.web.params import lazos_of

ROW_CAP = 10_000
TIME_LIMIT_S = 5.0
MEMORY_LIMIT = "512MB"

router = APIRouter(tags=["sql"])


def one_select(db_con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """The statement's text when ``sql`` is exactly one SELECT (as Lazos.query requires; checked here
    first so that the row cap can wrap it), else the error Lazos.query would raise."""
    try:
        statements = db_con.extract_statements(sql)
    except duckdb.Error as exc:
        raise LazosError(f"invalid SQL: {str(exc).splitlines()[0]}") from exc
    if len(statements) != 1:
        raise ReadOnlyError(f"give exactly one statement (found {len(statements)})")
    if statements[0].type.name != "SELECT":
        raise ReadOnlyError(f"only read-only SELECT queries are allowed; this is a {statements[0].type.name} statement")
    return re.sub(r"[\s;]+$", "", sql)


@list_route(router, "/sql", summary="Run one read-only SELECT statement", errors=(400, 403, 422), model=SqlShape)
def sql(
    request: Request,
    sql: Annotated[str, Query(min_length=1, max_length=20_000, description="One SELECT statement (DuckDB SQL).")],
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response:
    """The rows of one SELECT on the database (tables as in docs/schema), at most 10,000 rows, stopped
    after 5 s. Files, extensions, ATTACH and settings are out of reach."""
    db = lazos_of(request)
    cap, seconds = request.app.state.sql_row_cap, request.app.state.sql_time_limit
    try:
        text = one_select(db.con, sql)
        wrapped = f"SELECT * FROM (\n{text}\n) AS lazos_query LIMIT {cap + 1}"
        table = db.query(wrapped, timeout=seconds, memory_limit=MEMORY_LIMIT)
    except TimeLimitError:
        raise ProblemError(
            400, "time-limit", f"the query was stopped after {seconds:g} s, the server's time limit", parameter="sql"
        ) from None
    except ReadOnlyError as exc:
        raise ProblemError(403, "sql-refused", str(exc), parameter="sql") from None
    except LazosError as exc:
        kind, status = ("sql-refused", 403) if "Permission Error" in str(exc) else ("sql-error", 400)
        raise ProblemError(status, kind, str(exc), parameter="sql") from None
    truncated = len(table) > cap
    note = f"the result was cut at {cap:,} rows (the server's row cap)" if truncated else None
    table = dataclasses.replace(table.with_frame(table.frame.head(cap)), name="sql", note=note)
    extra = {"truncated": truncated, "row_cap": cap, "time_limit_s": seconds}
    return respond(request, table, limit=limit, cursor=cursor, extra=extra)


def sql_off(request: Request) -> Response:
    return problem(
        404,
        "sql-disabled",
        "the SQL endpoint is off: start the server with `lazos serve --enable-sql` to run read-only SELECT queries",
    )

"""Ingested documents, their text and the claims read from them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from lazos.web.errors import about, problem_responses
from lazos.web.listing import Cursor, Limit, Sort, json_response, list_route, respond
from lazos.web.models import DocumentShape
from lazos.web.params import Country, lazos_of

router = APIRouter(tags=["documents"])

DocId = Annotated[str, Path(max_length=200, description="Document id (GET /api/v1/documents lists them).")]


@list_route(router, "/documents", summary="Ingested documents")
def documents(request: Request, sort: Sort = None, limit: Limit = None, cursor: Cursor = None) -> Response:
    """Documents read by `lazos ingest`, with how many claims each holds."""
    return respond(request, lazos_of(request).documents(), limit=limit, cursor=cursor, sort=sort)


@router.get(
    "/documents/{doc_id}",
    summary="One document",
    response_model=DocumentShape,
    response_class=JSONResponse,
    responses={200: {"content": {"application/json": {}}}, **problem_responses(404, 422)},
)
def document(request: Request, doc_id: DocId) -> Response:
    """The document's row (name, title, languages, size, source), with links to its text and claims."""
    with about("doc_id", 404):
        table = lazos_of(request).document(doc_id)
    row = table.rows[0]
    base = "/api/v1/documents/" + row["doc_id"]
    return json_response(
        {
            "document": row,
            "sources": [s.to_dict() for s in table.sources],
            "citation": table.citation(),
            "links": {"text": base + "/text", "claims": "/api/v1/claims?doc=" + row["doc_id"]},
        }
    )


@router.get(
    "/documents/{doc_id}/text",
    summary="A document's text",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}, **problem_responses(404, 422)},
)
def document_text(request: Request, doc_id: DocId) -> Response:
    """The text as read and stored (UTF-8), at the offsets claims refer to."""
    db = lazos_of(request)
    with about("doc_id", 404):
        doc_id = db.document(doc_id).rows[0]["doc_id"]
    return PlainTextResponse(db.document_text(doc_id).text, media_type="text/plain; charset=utf-8")


@list_route(router, "/claims", summary="Claims read from documents, checked against Lazos's data")
def claims(
    request: Request,
    status: Annotated[str | None, Query(max_length=50, description="consistent, inconsistent or unverifiable.")] = None,
    doc: Annotated[str | None, Query(max_length=200, description="Document id or name.")] = None,
    country: Country = None,
    sort: Sort = None,
    limit: Limit = None,
    cursor: Cursor = None,
) -> Response:
    """Each claim (its span, value, unit, period, countries, sentence) with its verdict: status,
    reason, Lazos's value, the difference and the evidence with its sources."""
    table = lazos_of(request).claims(doc=doc, status=status, country=country)
    return respond(request, table, limit=limit, cursor=cursor, sort=sort)
